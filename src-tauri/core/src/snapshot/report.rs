//! Who has what: every account assignment of a [`Snapshot`] as rows an admin (or an
//! auditor's spreadsheet) can read — account, permission set, principal — with assignments to
//! groups expanded to each member, so a user's access shows whether it is direct or through
//! which group. Pure functions of the snapshot; CSV follows RFC 4180 (header row, CRLF,
//! fields quoted when they hold a comma, quote or line break), and a field a spreadsheet
//! would run as a formula is written with a leading `'`.

use std::collections::HashMap;
use std::io::Write;

use serde::{Deserialize, Serialize};

use super::{PrincipalType, Snapshot};

/// How a principal holds the access.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Assigned to this principal itself.
    Direct,
    /// A user's access through a group assigned there (`via_group` names it).
    Group,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Direct => "direct",
            Access::Group => "group",
        }
    }
}

/// One principal's access to one account with one permission set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ReportRow {
    pub account_id: String,
    /// The account id when the account is not in the organisation any more.
    pub account_name: String,
    /// Empty when the account is not in the organisation any more.
    pub ou_path: String,
    pub permission_set_arn: String,
    /// The ARN when the set is gone.
    pub permission_set_name: String,
    pub principal_type: PrincipalType,
    pub principal_id: String,
    /// The group's display name or the user's user name (the id when not in the directory).
    pub principal_name: String,
    pub access: Access,
    /// For `access: group`, the group's display name.
    pub via_group: Option<String>,
}

/// The CSV columns, in order (the field names of [`ReportRow`]).
pub const CSV_HEADER: [&str; 10] = [
    "account_id",
    "account_name",
    "ou_path",
    "permission_set_arn",
    "permission_set_name",
    "principal_type",
    "principal_id",
    "principal_name",
    "access",
    "via_group",
];

/// Refuses a snapshot written without group members: users' access through groups would be
/// missing from who-has-what, and the report would look complete.
pub fn require_members(s: &Snapshot) -> crate::Result<()> {
    if s.members_loaded {
        return Ok(());
    }
    Err(crate::Error::validation(
        "This snapshot was written without group members, so users' access through groups \
         cannot be reported. Write it with `gatehouse snapshot --members`, or report from a \
         fresh read (without --snapshot).",
    ))
}

/// Every assignment as rows: the assignment itself (group or user, `direct`) and, for a
/// group, one row per member (`group`, via that group). Sorted by account name, permission
/// set name, principal type (groups first), principal name, then direct before group.
pub fn who_has_what(s: &Snapshot) -> Vec<ReportRow> {
    let accounts: HashMap<&str, (&str, &str)> = s
        .accounts
        .iter()
        .map(|a| (a.id.as_str(), (a.name.as_str(), a.ou_path.as_str())))
        .collect();
    let sets: HashMap<&str, &str> = s
        .permission_sets
        .iter()
        .map(|p| (p.arn.as_str(), p.name.as_str()))
        .collect();
    let users: HashMap<&str, &str> = s
        .users
        .iter()
        .map(|u| (u.id.as_str(), u.user_name.as_str()))
        .collect();
    let groups: HashMap<&str, (&str, &[String])> = s
        .groups
        .iter()
        .map(|g| {
            (
                g.id.as_str(),
                (g.display_name.as_str(), g.member_user_ids.as_slice()),
            )
        })
        .collect();
    let user_name = |id: &str| users.get(id).copied().unwrap_or(id).to_owned();

    let mut rows = Vec::new();
    for a in &s.assignments {
        let (account_name, ou_path) = accounts
            .get(a.account_id.as_str())
            .copied()
            .unwrap_or((a.account_id.as_str(), ""));
        let row =
            |principal_type, principal_id: &str, principal_name: String, access, via| ReportRow {
                account_id: a.account_id.clone(),
                account_name: account_name.to_owned(),
                ou_path: ou_path.to_owned(),
                permission_set_arn: a.permission_set_arn.clone(),
                permission_set_name: sets
                    .get(a.permission_set_arn.as_str())
                    .copied()
                    .unwrap_or(a.permission_set_arn.as_str())
                    .to_owned(),
                principal_type,
                principal_id: principal_id.to_owned(),
                principal_name,
                access,
                via_group: via,
            };
        match a.principal_type {
            PrincipalType::User => rows.push(row(
                PrincipalType::User,
                &a.principal_id,
                user_name(&a.principal_id),
                Access::Direct,
                None,
            )),
            PrincipalType::Group => {
                let (name, members) = groups
                    .get(a.principal_id.as_str())
                    .copied()
                    .unwrap_or((a.principal_id.as_str(), &[]));
                rows.push(row(
                    PrincipalType::Group,
                    &a.principal_id,
                    name.to_owned(),
                    Access::Direct,
                    None,
                ));
                for m in members {
                    rows.push(row(
                        PrincipalType::User,
                        m,
                        user_name(m),
                        Access::Group,
                        Some(name.to_owned()),
                    ));
                }
            }
        }
    }
    rows.sort_by(|x, y| {
        (
            &x.account_name,
            &x.account_id,
            &x.permission_set_name,
            &x.permission_set_arn,
            x.principal_type,
            &x.principal_name,
            &x.principal_id,
            x.access,
            &x.via_group,
        )
            .cmp(&(
                &y.account_name,
                &y.account_id,
                &y.permission_set_name,
                &y.permission_set_arn,
                y.principal_type,
                &y.principal_name,
                &y.principal_id,
                y.access,
                &y.via_group,
            ))
    });
    rows.dedup();
    rows
}

/// One CSV field, quoted when RFC 4180 requires it. A value a spreadsheet would run as a
/// formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return: names come from
/// the directory and accounts, which anyone who can edit them controls) gets a leading `'`,
/// so Excel, LibreOffice and Sheets show it as text.
fn csv_field(value: &str) -> std::borrow::Cow<'_, str> {
    let value: std::borrow::Cow<'_, str> = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}").into()
    } else {
        value.into()
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\"")).into()
    } else {
        value
    }
}

/// Writes `rows` as CSV: a header row, then one line per row, CRLF line ends.
pub fn write_csv(rows: &[ReportRow], out: &mut impl Write) -> std::io::Result<()> {
    out.write_all(CSV_HEADER.join(",").as_bytes())?;
    out.write_all(b"\r\n")?;
    for r in rows {
        let fields = [
            r.account_id.as_str(),
            &r.account_name,
            &r.ou_path,
            &r.permission_set_arn,
            &r.permission_set_name,
            r.principal_type.as_str(),
            &r.principal_id,
            &r.principal_name,
            r.access.as_str(),
            r.via_group.as_deref().unwrap_or(""),
        ];
        let line: Vec<_> = fields.iter().map(|f| csv_field(f)).collect();
        out.write_all(line.join(",").as_bytes())?;
        out.write_all(b"\r\n")?;
    }
    Ok(())
}

/// Writes `rows` as a pretty-printed JSON array.
pub fn write_json(rows: &[ReportRow], out: &mut impl Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, rows)?;
    out.write_all(b"\n")
}

/// The file format of a saved report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// RFC 4180 with a header row ([`write_csv`]).
    Csv,
    /// An array of rows ([`write_json`]).
    Json,
}

/// Writes `rows` in `format`.
pub fn write_report(
    rows: &[ReportRow],
    format: ReportFormat,
    out: &mut impl Write,
) -> std::io::Result<()> {
    match format {
        ReportFormat::Csv => write_csv(rows, out),
        ReportFormat::Json => write_json(rows, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::tests::sample;

    fn brief(r: &ReportRow) -> String {
        format!(
            "{}|{}|{}|{}|{}|{}",
            r.account_name,
            r.permission_set_name,
            r.principal_type.as_str(),
            r.principal_name,
            r.access.as_str(),
            r.via_group.as_deref().unwrap_or("-")
        )
    }

    #[test]
    fn expands_groups_and_keeps_direct_access_apart() {
        let mut s = sample();
        s.normalize();
        let rows: Vec<String> = who_has_what(&s).iter().map(brief).collect();
        assert_eq!(
            rows,
            [
                "management|ReadOnly|GROUP|Support|direct|-",
                "payments|Admin|GROUP|Developers|direct|-",
                // Ana holds Admin in payments both directly and through Developers.
                "payments|Admin|USER|ana@x.com|direct|-",
                "payments|Admin|USER|ana@x.com|group|Developers",
                "payments|Admin|USER|ben@x.com|group|Developers",
            ]
        );
        // Deterministic whatever the input order, and duplicates in the input do not
        // duplicate rows.
        let mut shuffled = sample();
        shuffled.assignments.reverse();
        shuffled.users.reverse();
        assert_eq!(who_has_what(&shuffled), who_has_what(&s));
    }

    #[test]
    fn unknown_accounts_sets_and_principals_fall_back_to_ids() {
        let mut s = sample();
        s.accounts.clear();
        s.permission_sets.clear();
        s.users.clear();
        s.groups.clear();
        let rows = who_has_what(&s);
        let r = rows
            .iter()
            .find(|r| r.principal_type == PrincipalType::User)
            .unwrap();
        assert_eq!(r.account_name, r.account_id);
        assert_eq!(r.permission_set_name, r.permission_set_arn);
        assert_eq!(r.principal_name, "u-ana");
        assert_eq!(r.ou_path, "");
        // A group no longer in the directory has no members to expand.
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn csv_follows_rfc_4180() {
        let mut s = sample();
        s.normalize();
        let mut out = Vec::new();
        write_csv(&who_has_what(&s), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], CSV_HEADER.join(","));
        assert_eq!(lines.last(), Some(&""), "ends with CRLF");
        assert_eq!(lines.len(), 1 + 5 + 1);
        // The OU path holds a comma and quotes: quoted, inner quotes doubled.
        assert_eq!(
            lines[4],
            "222222222222,payments,\"/Workloads, \"\"prod\"\"\",arn:ps-admin,Admin,USER,u-ana,\
             ana@x.com,group,Developers"
        );
        assert_eq!(csv_field("a\nb"), "\"a\nb\"");
        assert_eq!(csv_field("plain value"), "plain value");
    }

    #[test]
    fn csv_fields_cannot_run_as_spreadsheet_formulas() {
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(csv_field("+1"), "'+1");
        assert_eq!(csv_field("-2+3"), "'-2+3");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("\tcmd"), "'\tcmd");
        assert_eq!(csv_field("\rcmd"), "\"'\rcmd\"");
        assert_eq!(csv_field("a=b"), "a=b", "only a leading sign is a formula");
        assert_eq!(csv_field("ana@x.com"), "ana@x.com");

        let mut s = sample();
        s.groups[0].display_name = "=cmd|' /C calc'!A0".into();
        s.normalize();
        let mut out = Vec::new();
        write_report(&who_has_what(&s), ReportFormat::Csv, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(",'=cmd|' /C calc'!A0,direct,"), "{text}");
        assert!(!text.contains(",=cmd"), "{text}");
        let mut json = Vec::new();
        write_report(&who_has_what(&s), ReportFormat::Json, &mut json).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert!(
            v.as_array()
                .unwrap()
                .iter()
                .any(|r| r["principal_name"] == "=cmd|' /C calc'!A0"),
            "JSON keeps the value as it is"
        );
    }

    #[test]
    fn json_is_an_array_of_rows() {
        let mut s = sample();
        s.normalize();
        let rows = who_has_what(&s);
        let mut out = Vec::new();
        write_json(&rows, &mut out).unwrap();
        let back: Vec<ReportRow> = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, rows);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[0]["principal_type"], "GROUP");
        assert_eq!(v[0]["access"], "direct");
        assert_eq!(v[0]["via_group"], serde_json::Value::Null);
    }
}
