//! "Did it arrive?": what Entra's provisioning actually put into the Identity Store.
//!
//! Entra reports provisioning as successful per cycle, but what admins need to know is
//! whether the users and groups they expect are in AWS and usable there: users without an
//! email (the `mail` mapping on unlicensed users), users without a given or family name,
//! two people who look the same when assigning access, empty groups (nested groups are not
//! provisioned), and the groups they assigned in Entra that have not arrived. The Identity
//! Store is read through the connected [`AwsSession`] (ListUsers, ListGroups and, per group,
//! ListGroupMemberships with bounded concurrency); [`analyze`] is a pure function of what
//! was read, so the findings are tested on hand-built data and against the demo seed.

use std::collections::{BTreeMap, HashMap, HashSet};

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::aws::AwsSession;
use crate::error::Result;
use crate::progress::{CancellationToken, Progress, ProgressSink};

/// Group memberships are read for this many groups at once (the Identity Store allows about
/// 20 requests per second in total).
const MEMBERSHIP_CONCURRENCY: usize = 4;

/// A user as read from the Identity Store (only what the checks need).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryUser {
    pub id: String,
    pub user_name: Option<String>,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub emails: Vec<String>,
}

/// A group and the ids of its direct user members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryGroup {
    pub id: String,
    pub display_name: Option<String>,
    pub member_user_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    pub users: Vec<DirectoryUser>,
    pub groups: Vec<DirectoryGroup>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// No email address (or only blank ones).
    UsersWithoutEmail,
    /// Given or family name missing or blank (whitespace counts as missing).
    UsersMissingName,
    /// Display names equal ignoring case and surrounding spaces.
    DuplicateDisplayNames,
    /// User names equal ignoring case.
    DuplicateUserNames,
    /// No direct members.
    GroupsWithoutMembers,
    /// Users in no group (informational: direct assignments are legitimate).
    UsersWithoutGroups,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ProblemLevel {
    /// Worth fixing in Entra; turns the step to attention.
    Warning,
    /// Worth knowing; does not turn the step to attention.
    Info,
}

/// One user or group a problem is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ProblemItem {
    /// The Identity Store user or group id.
    pub id: String,
    /// The user name (users) or display name (groups), as the admin recognises it.
    pub name: String,
    /// What is wrong with this one (e.g. "no family name").
    pub detail: Option<String>,
    /// For duplicates: the value the items share, to group them by.
    pub shared_value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct VerificationProblem {
    pub kind: ProblemKind,
    pub level: ProblemLevel,
    /// What it means and what to do in Entra.
    pub message: String,
    pub items: Vec<ProblemItem>,
}

/// One of the Entra groups the admin said they assigned to the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ExpectedGroupStatus {
    /// As the admin typed it.
    pub name: String,
    pub arrived: bool,
    pub group_id: Option<String>,
    pub member_count: Option<u32>,
}

/// Everything Setup step 4 shows after "Verify".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct VerificationReport {
    pub identity_store_id: String,
    pub region: String,
    /// RFC 3339.
    pub verified_at: String,
    pub user_count: u32,
    pub group_count: u32,
    pub membership_count: u32,
    /// Only kinds with at least one item, warnings first.
    pub problems: Vec<VerificationProblem>,
    pub expected_groups: Vec<ExpectedGroupStatus>,
    /// The expected groups that have not arrived (as the admin typed them).
    pub missing_groups: Vec<String>,
    /// Nested groups, the provisioning cycle, … (always shown).
    pub notes: Vec<String>,
    /// One line: counts and what needs attention.
    pub summary: String,
}

/// What is remembered of the last verification (SQLite), for the step status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct VerificationSummary {
    pub verified_at: String,
    pub identity_store_id: String,
    pub user_count: u32,
    pub group_count: u32,
    /// Users and groups flagged with a warning (info items not counted).
    pub warning_count: u32,
    pub missing_groups: Vec<String>,
    /// The expected groups at the time, to tell when the list changed since.
    pub expected_groups: Vec<String>,
    pub summary: String,
}

impl VerificationReport {
    pub fn summarise(&self, expected_groups: &[String]) -> VerificationSummary {
        VerificationSummary {
            verified_at: self.verified_at.clone(),
            identity_store_id: self.identity_store_id.clone(),
            user_count: self.user_count,
            group_count: self.group_count,
            warning_count: warning_count(&self.problems),
            missing_groups: self.missing_groups.clone(),
            expected_groups: expected_groups.to_vec(),
            summary: self.summary.clone(),
        }
    }
}

pub const NOTE_NESTED_GROUPS: &str = "Entra provisions only the direct members of an assigned \
    group: members of groups nested inside it do not arrive. Assign every group that holds \
    people to the enterprise application directly.";
pub const NOTE_CYCLE: &str = "Entra runs a provisioning cycle about every 40 minutes (the first \
    one starts a few minutes after provisioning is turned on), so a change made in Entra can \
    take that long to show here. To push one user at once, use Provision on demand in the \
    enterprise application.";

/// Reads users, groups and memberships of `identity_store_id`, reporting progress (users and
/// groups as counts while they are listed, then groups whose members are read, of all) and
/// stopping with a Cancelled error as soon as `cancel` fires.
pub async fn fetch(
    session: &AwsSession,
    identity_store_id: &str,
    progress: &dyn ProgressSink,
    cancel: &CancellationToken,
) -> Result<Directory> {
    tokio::select! {
        _ = cancel.cancelled() => Err(crate::Error::cancelled()),
        dir = fetch_all(session, identity_store_id, progress) => dir,
    }
}

async fn fetch_all(
    session: &AwsSession,
    identity_store_id: &str,
    progress: &dyn ProgressSink,
) -> Result<Directory> {
    let report = |done: u32, total: u32, message: String| {
        progress.report(Progress {
            done,
            total,
            message,
        })
    };
    let client = session.identity_store();
    report(0, 0, "Reading users…".into());
    let mut users = Vec::new();
    let mut pages = client
        .list_users()
        .identity_store_id(identity_store_id)
        .into_paginator()
        .items()
        .send();
    while let Some(item) = pages.next().await {
        let u = item.map_err(|e| session.err("identitystore:ListUsers", e))?;
        let name = u.name.as_ref();
        users.push(DirectoryUser {
            id: u.user_id.clone(),
            user_name: u.user_name.clone(),
            display_name: u.display_name.clone(),
            given_name: name.and_then(|n| n.given_name.clone()),
            family_name: name.and_then(|n| n.family_name.clone()),
            emails: u.emails().iter().filter_map(|e| e.value.clone()).collect(),
        });
        if users.len() % 100 == 0 {
            report(0, 0, format!("Reading users: {} so far…", users.len()));
        }
    }
    report(0, 0, format!("Read {} users. Reading groups…", users.len()));

    let mut groups = Vec::new();
    let mut pages = client
        .list_groups()
        .identity_store_id(identity_store_id)
        .into_paginator()
        .items()
        .send();
    while let Some(item) = pages.next().await {
        let g = item.map_err(|e| session.err("identitystore:ListGroups", e))?;
        groups.push(DirectoryGroup {
            id: g.group_id.clone(),
            display_name: g.display_name.clone(),
            member_user_ids: Vec::new(),
        });
    }

    // Owned values only: the futures must not borrow (the command's future must be Send).
    let asks: Vec<(String, AwsSession)> = groups
        .iter()
        .map(|g| (g.id.clone(), session.clone()))
        .collect();
    let store = identity_store_id.to_owned();
    let mut members = futures::stream::iter(asks.into_iter().map(|(group_id, session)| {
        let store = store.clone();
        async move {
            let mut ids = Vec::new();
            let mut pages = session
                .identity_store()
                .list_group_memberships()
                .identity_store_id(store)
                .group_id(&group_id)
                .into_paginator()
                .items()
                .send();
            while let Some(item) = pages.next().await {
                let m = item.map_err(|e| session.err("identitystore:ListGroupMemberships", e))?;
                if let Some(aws_sdk_identitystore::types::MemberId::UserId(id)) = m.member_id {
                    ids.push(id);
                }
            }
            Ok::<_, crate::Error>((group_id, ids))
        }
    }))
    .buffer_unordered(MEMBERSHIP_CONCURRENCY);
    let mut by_group: HashMap<String, Vec<String>> = HashMap::new();
    let total = groups.len() as u32;
    let members_of = |done: u32| format!("Reading the members of {total} groups: {done} done…");
    report(0, total, members_of(0));
    while let Some(result) = members.next().await {
        let (group_id, ids) = result?;
        by_group.insert(group_id, ids);
        let done = by_group.len() as u32;
        report(done, total, members_of(done));
    }
    drop(members);
    for g in &mut groups {
        g.member_user_ids = by_group.remove(&g.id).unwrap_or_default();
    }
    Ok(Directory { users, groups })
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

fn user_label(u: &DirectoryUser) -> String {
    [&u.user_name, &u.display_name]
        .into_iter()
        .flatten()
        .find(|s| !s.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| u.id.clone())
}

fn group_label(g: &DirectoryGroup) -> String {
    g.display_name
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| g.id.clone())
}

fn warning_count(problems: &[VerificationProblem]) -> u32 {
    problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Warning)
        .map(|p| p.items.len() as u32)
        .sum()
}

/// Items sharing a folded value, when more than one does.
fn duplicates<'a>(
    users: &'a [DirectoryUser],
    value: impl Fn(&'a DirectoryUser) -> Option<&'a str>,
) -> Vec<ProblemItem> {
    let mut by: BTreeMap<String, Vec<&DirectoryUser>> = BTreeMap::new();
    for u in users {
        if let Some(v) = value(u).filter(|v| !v.trim().is_empty()) {
            by.entry(fold(v)).or_default().push(u);
        }
    }
    let mut items = Vec::new();
    for same in by.values().filter(|s| s.len() > 1) {
        let shown = value(same[0]).unwrap_or_default().trim().to_owned();
        let mut group: Vec<ProblemItem> = same
            .iter()
            .map(|u| ProblemItem {
                id: u.id.clone(),
                name: user_label(u),
                detail: Some(format!(
                    "shares \"{}\" with {} other user{}",
                    value(u).unwrap_or_default().trim(),
                    same.len() - 1,
                    if same.len() == 2 { "" } else { "s" }
                )),
                shared_value: Some(shown.clone()),
            })
            .collect();
        group.sort_by(|a, b| a.name.cmp(&b.name));
        items.extend(group);
    }
    items
}

/// The findings for `dir`, with the admin's `expected_groups` (Entra groups assigned to the
/// application) matched against the groups that arrived, ignoring case.
pub fn analyze(
    dir: &Directory,
    expected_groups: &[String],
    identity_store_id: &str,
    region: &str,
    verified_at: &str,
) -> VerificationReport {
    let mut problems = Vec::new();
    let mut push = |kind, level, message: String, mut items: Vec<ProblemItem>| {
        if items.is_empty() {
            return;
        }
        if !matches!(
            kind,
            ProblemKind::DuplicateDisplayNames | ProblemKind::DuplicateUserNames
        ) {
            items.sort_by(|a: &ProblemItem, b: &ProblemItem| a.name.cmp(&b.name));
        }
        problems.push(VerificationProblem {
            kind,
            level,
            message,
            items,
        });
    };

    push(
        ProblemKind::UsersWithoutEmail,
        ProblemLevel::Warning,
        "These users arrived without an email address. Entra maps email from the mail \
         attribute, which is empty for users without an Exchange licence: map emails from \
         Coalesce([mail],[userPrincipalName]) (see the attribute mapping checklist), then wait \
         for the next cycle or use Provision on demand."
            .to_owned(),
        dir.users
            .iter()
            .filter(|u| u.emails.iter().all(|e| e.trim().is_empty()))
            .map(|u| ProblemItem {
                id: u.id.clone(),
                name: user_label(u),
                detail: None,
                shared_value: None,
            })
            .collect(),
    );

    push(
        ProblemKind::UsersMissingName,
        ProblemLevel::Warning,
        "These users have no (or a blank) first or last name. AWS requires both: such users \
         fail to provision from Entra or show badly in the access portal. Fill in First name \
         and Last name on the user in Entra."
            .to_owned(),
        dir.users
            .iter()
            .filter_map(|u| {
                let detail = match (blank(&u.given_name), blank(&u.family_name)) {
                    (true, true) => "no given or family name",
                    (true, false) => "no given name",
                    (false, true) => "no family name",
                    (false, false) => return None,
                };
                Some(ProblemItem {
                    id: u.id.clone(),
                    name: user_label(u),
                    detail: Some(detail.to_owned()),
                    shared_value: None,
                })
            })
            .collect(),
    );

    push(
        ProblemKind::DuplicateDisplayNames,
        ProblemLevel::Warning,
        "Several users share a display name, so they look the same when you assign access. \
         Check they are different people and make the names distinct in Entra (e.g. add a \
         department)."
            .to_owned(),
        duplicates(&dir.users, |u| u.display_name.as_deref()),
    );

    push(
        ProblemKind::DuplicateUserNames,
        ProblemLevel::Warning,
        "Several users have the same user name apart from upper/lower case. IAM Identity \
         Center treats user names as unique; sign-in and provisioning updates for them can \
         fail. Keep one and remove or rename the others in Entra."
            .to_owned(),
        duplicates(&dir.users, |u| u.user_name.as_deref()),
    );

    push(
        ProblemKind::GroupsWithoutMembers,
        ProblemLevel::Warning,
        "These groups arrived without members. Either nobody is in them yet, or their members \
         are in nested groups, which Entra does not provision: assign those groups to the \
         enterprise application directly."
            .to_owned(),
        dir.groups
            .iter()
            .filter(|g| g.member_user_ids.is_empty())
            .map(|g| ProblemItem {
                id: g.id.clone(),
                name: group_label(g),
                detail: None,
                shared_value: None,
            })
            .collect(),
    );

    let in_a_group: HashSet<&str> = dir
        .groups
        .iter()
        .flat_map(|g| g.member_user_ids.iter().map(String::as_str))
        .collect();
    push(
        ProblemKind::UsersWithoutGroups,
        ProblemLevel::Info,
        "These users are in no group, so they get AWS access only through assignments made \
         to them personally. That is expected for users assigned to the Entra application \
         directly; otherwise add them to a group."
            .to_owned(),
        dir.users
            .iter()
            .filter(|u| !in_a_group.contains(u.id.as_str()))
            .map(|u| ProblemItem {
                id: u.id.clone(),
                name: user_label(u),
                detail: None,
                shared_value: None,
            })
            .collect(),
    );

    let by_name: HashMap<String, &DirectoryGroup> = dir
        .groups
        .iter()
        .filter_map(|g| g.display_name.as_deref().map(|n| (fold(n), g)))
        .collect();
    let expected: Vec<ExpectedGroupStatus> = expected_groups
        .iter()
        .map(|name| match by_name.get(&fold(name)) {
            Some(g) => ExpectedGroupStatus {
                name: name.clone(),
                arrived: true,
                group_id: Some(g.id.clone()),
                member_count: Some(g.member_user_ids.len() as u32),
            },
            None => ExpectedGroupStatus {
                name: name.clone(),
                arrived: false,
                group_id: None,
                member_count: None,
            },
        })
        .collect();
    let missing_groups: Vec<String> = expected
        .iter()
        .filter(|e| !e.arrived)
        .map(|e| e.name.clone())
        .collect();

    let mut notes = vec![NOTE_NESTED_GROUPS.to_owned(), NOTE_CYCLE.to_owned()];
    if !missing_groups.is_empty() {
        notes.insert(
            0,
            "A group that has not arrived: check in Entra that it is assigned to the enterprise \
             application (Users and groups), that the provisioning scope is \"Sync only assigned \
             users and groups\", and the provisioning logs for errors; then wait for the next \
             cycle."
                .to_owned(),
        );
    }
    if expected_groups.is_empty() {
        notes.push(
            "List the Entra groups you assigned to the enterprise application, and Gatehouse \
             will check that each one arrived."
                .to_owned(),
        );
    }

    let membership_count = dir
        .groups
        .iter()
        .map(|g| g.member_user_ids.len() as u32)
        .sum();
    let warnings = warning_count(&problems);
    let mut summary = format!(
        "{} and {} in the Identity Store ({}).",
        plural(dir.users.len(), "user"),
        plural(dir.groups.len(), "group"),
        plural(membership_count as usize, "membership")
    );
    if dir.users.is_empty() && dir.groups.is_empty() {
        summary = "Nothing has arrived in the Identity Store yet. If provisioning was just \
                   turned on, wait for Entra's first cycle."
            .to_owned();
    }
    if warnings > 0 {
        summary.push_str(&format!(
            " {} to check.",
            plural(warnings as usize, "finding")
        ));
    }
    if !missing_groups.is_empty() {
        summary.push_str(&format!(
            " {} of your {} not arrived yet.",
            missing_groups.len(),
            if expected_groups.len() == 1 {
                "Entra group has".to_owned()
            } else {
                format!("{} Entra groups have", expected_groups.len())
            }
        ));
    }

    VerificationReport {
        identity_store_id: identity_store_id.to_owned(),
        region: region.to_owned(),
        verified_at: verified_at.to_owned(),
        user_count: dir.users.len() as u32,
        group_count: dir.groups.len() as u32,
        membership_count,
        problems,
        expected_groups: expected,
        missing_groups,
        notes,
        summary,
    }
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(
        id: &str,
        user_name: &str,
        display: &str,
        given: &str,
        family: &str,
        email: Option<&str>,
    ) -> DirectoryUser {
        DirectoryUser {
            id: id.into(),
            user_name: Some(user_name.into()),
            display_name: Some(display.into()),
            given_name: Some(given.into()),
            family_name: Some(family.into()),
            emails: email.into_iter().map(str::to_owned).collect(),
        }
    }

    fn group(id: &str, name: &str, members: &[&str]) -> DirectoryGroup {
        DirectoryGroup {
            id: id.into(),
            display_name: Some(name.into()),
            member_user_ids: members.iter().map(|m| (*m).to_owned()).collect(),
        }
    }

    fn names(r: &VerificationReport, kind: ProblemKind) -> Vec<String> {
        r.problems
            .iter()
            .find(|p| p.kind == kind)
            .map(|p| p.items.iter().map(|i| i.name.clone()).collect())
            .unwrap_or_default()
    }

    fn sample() -> Directory {
        Directory {
            users: vec![
                user(
                    "u1",
                    "ana@x.com",
                    "Ana Lima",
                    "Ana",
                    "Lima",
                    Some("ana@x.com"),
                ),
                user(
                    "u2",
                    "alex@x.com",
                    "Alex Morgan",
                    "Alex",
                    "Morgan",
                    Some("alex@x.com"),
                ),
                user(
                    "u3",
                    "alexandra@x.com",
                    " alex morgan ",
                    "Alex",
                    "Morgan",
                    Some("alexandra@x.com"),
                ),
                user("u4", "cher@x.com", "Cher", "Cher", " ", Some("cher@x.com")),
                user(
                    "u5",
                    "rfischer",
                    "Robert Fischer",
                    "Robert",
                    "Fischer",
                    None,
                ),
                user("u6", "ANA@x.com", "Ana L.", "", "Lima", Some("  ")),
            ],
            groups: vec![
                group("g1", "Developers", &["u1", "u2", "u5"]),
                group("g2", "Data-Scientists", &["u3", "u4"]),
                group("g3", "Support", &[]),
            ],
        }
    }

    #[test]
    fn finds_each_kind_of_problem() {
        let r = analyze(&sample(), &[], "d-1", "eu-west-1", "2026-01-01T00:00:00Z");
        assert_eq!((r.user_count, r.group_count, r.membership_count), (6, 3, 5));
        assert_eq!(
            names(&r, ProblemKind::UsersWithoutEmail),
            ["ANA@x.com", "rfischer"]
        );
        assert_eq!(
            names(&r, ProblemKind::UsersMissingName),
            ["ANA@x.com", "cher@x.com"]
        );
        let missing = r
            .problems
            .iter()
            .find(|p| p.kind == ProblemKind::UsersMissingName)
            .unwrap();
        assert_eq!(missing.items[0].detail.as_deref(), Some("no given name"));
        assert_eq!(missing.items[1].detail.as_deref(), Some("no family name"));
        assert_eq!(
            names(&r, ProblemKind::DuplicateDisplayNames),
            ["alex@x.com", "alexandra@x.com"]
        );
        let dup = r
            .problems
            .iter()
            .find(|p| p.kind == ProblemKind::DuplicateDisplayNames)
            .unwrap();
        assert!(dup
            .items
            .iter()
            .all(|i| i.shared_value.as_deref() == Some("Alex Morgan")));
        assert_eq!(
            names(&r, ProblemKind::DuplicateUserNames),
            ["ANA@x.com", "ana@x.com"]
        );
        assert_eq!(names(&r, ProblemKind::GroupsWithoutMembers), ["Support"]);
        assert_eq!(names(&r, ProblemKind::UsersWithoutGroups), ["ANA@x.com"]);
        let info = r
            .problems
            .iter()
            .find(|p| p.kind == ProblemKind::UsersWithoutGroups)
            .unwrap();
        assert_eq!(info.level, ProblemLevel::Info);
        // 2 + 2 + 2 + 2 + 1 warnings; the info item does not count.
        assert_eq!(r.summarise(&[]).warning_count, 9);
        assert!(r.summary.contains("6 users and 3 groups"), "{}", r.summary);
        assert!(r.summary.contains("9 findings to check"), "{}", r.summary);
        assert!(r.notes.iter().any(|n| n.contains("direct members")));
        assert!(r.notes.iter().any(|n| n.contains("40 minutes")));
    }

    #[test]
    fn expected_groups_match_ignoring_case() {
        let expected = vec![
            "developers".to_owned(),
            " SUPPORT ".to_owned(),
            "Finance".to_owned(),
        ];
        let r = analyze(&sample(), &expected, "d-1", "eu-west-1", "t");
        assert_eq!(r.missing_groups, ["Finance"]);
        let dev = &r.expected_groups[0];
        assert_eq!(
            (dev.arrived, dev.group_id.as_deref(), dev.member_count),
            (true, Some("g1"), Some(3))
        );
        assert_eq!(r.expected_groups[1].member_count, Some(0));
        assert!(!r.expected_groups[2].arrived);
        assert!(
            r.summary
                .contains("1 of your 3 Entra groups have not arrived yet"),
            "{}",
            r.summary
        );
        assert!(r.notes[0].contains("assigned to the enterprise application"));
    }

    #[test]
    fn a_clean_directory_has_no_problems() {
        let dir = Directory {
            users: vec![user(
                "u1",
                "ana@x.com",
                "Ana Lima",
                "Ana",
                "Lima",
                Some("ana@x.com"),
            )],
            groups: vec![group("g1", "Developers", &["u1"])],
        };
        let r = analyze(&dir, &["Developers".into()], "d-1", "eu-west-1", "t");
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert!(r.missing_groups.is_empty());
        assert_eq!(
            r.summary,
            "1 user and 1 group in the Identity Store (1 membership)."
        );
        let empty = analyze(&Directory::default(), &[], "d-1", "eu-west-1", "t");
        assert!(
            empty.summary.starts_with("Nothing has arrived"),
            "{}",
            empty.summary
        );
    }
}
