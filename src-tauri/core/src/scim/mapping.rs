//! The attribute mappings the Entra enterprise application needs for IAM Identity Center.
//!
//! There is no API to read or change Entra's provisioning mappings from here, so this is a
//! checklist the admin works through in Entra (Provisioning → Mappings → Provision Microsoft
//! Entra ID Users) and ticks off. The two changes that matter: `emails` must not come from
//! `mail` alone (it is empty for users without an Exchange licence, and AWS then refuses or
//! creates users without email), and `externalId` should carry the Entra object id so users
//! can be matched after a rename. The list is constant; [`as_text`] renders it for copying.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum MappingAction {
    /// The gallery app's default is right: check it is still there.
    Keep,
    /// Not mapped by default: add it.
    Add,
    /// Mapped by default from the wrong source: edit it.
    Change,
}

impl MappingAction {
    fn word(self) -> &'static str {
        match self {
            MappingAction::Keep => "keep",
            MappingAction::Add => "add",
            MappingAction::Change => "change",
        }
    }
}

/// One row of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct MappingRow {
    /// Stable id for the UI (`user-name`, `email`, …).
    pub id: String,
    /// The Entra source attribute or expression, exactly as typed in Entra.
    pub entra_source: String,
    /// The SCIM (customappsso) target attribute in AWS.
    pub scim_target: String,
    pub action: MappingAction,
    pub note: String,
}

const ROWS: &[(&str, &str, &str, MappingAction, &str)] = &[
    (
        "user-name",
        "userPrincipalName",
        "userName",
        MappingAction::Keep,
        "The sign-in name in AWS; must be unique.",
    ),
    (
        "active",
        "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
        "active",
        MappingAction::Keep,
        "Disables the AWS user when the Entra user is deleted or unassigned.",
    ),
    (
        "display-name",
        "displayName",
        "displayName",
        MappingAction::Keep,
        "Required by AWS.",
    ),
    (
        "email",
        "Coalesce([mail],[userPrincipalName])",
        "emails[type eq \"work\"].value",
        MappingAction::Change,
        "The default source, mail, is empty for users without an Exchange licence. Use this \
         expression (or plain userPrincipalName) so every user arrives with an email address.",
    ),
    (
        "given-name",
        "givenName",
        "name.givenName",
        MappingAction::Keep,
        "Required by AWS: users without a first name fail to provision.",
    ),
    (
        "family-name",
        "surname",
        "name.familyName",
        MappingAction::Keep,
        "Required by AWS: users without a last name fail to provision.",
    ),
    (
        "external-id",
        "objectId",
        "externalId",
        MappingAction::Add,
        "Ties the AWS user to the Entra object, so a renamed user stays the same user.",
    ),
];

/// The checklist, in the order the admin works through it.
pub fn checklist() -> Vec<MappingRow> {
    ROWS.iter()
        .map(|(id, source, target, action, note)| MappingRow {
            id: (*id).to_owned(),
            entra_source: (*source).to_owned(),
            scim_target: (*target).to_owned(),
            action: *action,
            note: (*note).to_owned(),
        })
        .collect()
}

/// The checklist as plain text to copy into a ticket or a change record.
pub fn as_text() -> String {
    let rows = checklist();
    let target_w = rows
        .iter()
        .map(|r| r.scim_target.chars().count())
        .max()
        .unwrap_or(0)
        .max("AWS (SCIM) attribute".len());
    let mut out = String::from(
        "Attribute mappings for the AWS IAM Identity Center enterprise application in Microsoft \
         Entra ID\n(Provisioning → Mappings → Provision Microsoft Entra ID Users)\n\n",
    );
    out.push_str(&format!(
        "{:<8}{:<target_w$}  {}\n",
        "Action", "AWS (SCIM) attribute", "Entra source attribute"
    ));
    for r in &rows {
        out.push_str(&format!(
            "{:<8}{:<target_w$}  {}\n",
            r.action.word(),
            r.scim_target,
            r.entra_source
        ));
    }
    out.push_str("\nNotes\n");
    for r in &rows {
        out.push_str(&format!("- {}: {}\n", r.scim_target, r.note));
    }
    out.push_str(
        "- Multi-valued attributes: AWS keeps one email, one phone number and one address per \
         user; remove extra mappings of those.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checklist_has_the_required_rows() {
        let rows = checklist();
        let find = |t: &str| rows.iter().find(|r| r.scim_target == t).unwrap();
        for keep in [
            "userName",
            "active",
            "displayName",
            "name.givenName",
            "name.familyName",
        ] {
            assert_eq!(find(keep).action, MappingAction::Keep, "{keep}");
        }
        let email = find("emails[type eq \"work\"].value");
        assert_eq!(email.action, MappingAction::Change);
        assert!(email
            .entra_source
            .contains("Coalesce([mail],[userPrincipalName])"));
        assert!(email.note.contains("Exchange licence"));
        let ext = find("externalId");
        assert_eq!(
            (ext.action, ext.entra_source.as_str()),
            (MappingAction::Add, "objectId")
        );
        let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), rows.len(), "ids are unique");
    }

    #[test]
    fn text_is_aligned_and_complete() {
        let text = as_text();
        assert!(text.contains("Provisioning → Mappings"));
        let table: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("Action"))
            .take_while(|l| !l.is_empty())
            .collect();
        assert_eq!(table.len(), 1 + checklist().len(), "{text}");
        // The source column starts at the same place on every line.
        let col = table[0].find("Entra source").unwrap();
        assert!(
            table[1..]
                .iter()
                .all(|l| l.chars().nth(col - 1) == Some(' ') && l.chars().nth(col) != Some(' ')),
            "{text}"
        );
        assert!(
            text.contains(
                "change  emails[type eq \"work\"].value  Coalesce([mail],[userPrincipalName])"
            ),
            "{text}"
        );
        assert!(text.contains("add     externalId"), "{text}");
        assert!(text.ends_with('\n'));
    }
}
