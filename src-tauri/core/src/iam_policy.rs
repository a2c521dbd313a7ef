//! The least-privilege IAM policy for Gatehouse itself: exactly the AWS actions the code
//! calls, each with what it is used for, as a read-only document (look, report, export)
//! and a read-write one (also change permission sets and assignments).
//!
//! Admins are asked to grant this before they trust a tool with their organisation, so it
//! must be neither short (features fail with AccessDenied) nor long (more than needed). A
//! unit test scans the core's sources for every SDK operation call and every `"svc:Action"`
//! name given to the error mapper and checks this list against them both ways; adding an
//! AWS call without listing it here fails the build's tests.
//!
//! Besides these actions, AWS treats assigning access in the management account itself as
//! privileged and wants IAM permissions there too (its user guide names the
//! `AWSSSOMasterAccountAdministrator` and `IAMFullAccess` managed policies). That is AWS's
//! rule, not a call Gatehouse makes, so the README says it rather than this list.
//!
//! The README shows the read-write document; a test keeps that copy identical.

use serde::{Deserialize, Serialize};

/// Whether an action only reads or also changes something.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum ActionAccess {
    Read,
    Write,
}

/// One IAM action Gatehouse calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PolicyAction {
    /// e.g. `sso:ListInstances`.
    pub action: String,
    pub access: ActionAccess,
    /// What Gatehouse uses it for, in the admin's words.
    pub used_for: String,
}

/// The policy documents and the actions they list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct GatehousePolicy {
    /// A policy document (JSON) with the read actions only.
    pub read_only: String,
    /// The read actions and the write actions.
    pub read_write: String,
    /// Every action, sorted by access, then name.
    pub actions: Vec<PolicyAction>,
}

use ActionAccess::{Read, Write};

/// Every action, by service. Keep in step with the code (the test below checks).
const ACTIONS: &[(&str, ActionAccess, &str)] = &[
    (
        "sts:GetCallerIdentity",
        Read,
        "Connect: which account and identity the credentials belong to.",
    ),
    (
        "organizations:DescribeOrganization",
        Read,
        "Connect: whether this is the management account or a delegated administrator.",
    ),
    (
        "organizations:ListRoots",
        Read,
        "Snapshot: the organization root, start of the OU tree.",
    ),
    (
        "organizations:ListOrganizationalUnitsForParent",
        Read,
        "Snapshot: the OU tree.",
    ),
    (
        "organizations:ListAccountsForParent",
        Read,
        "Snapshot: accounts with the OU they are in.",
    ),
    (
        "organizations:ListAccounts",
        Read,
        "Permission sets: account names where a set is used.",
    ),
    (
        "sso:ListInstances",
        Read,
        "Connect: find the IAM Identity Center instance and its region.",
    ),
    (
        "sso:ListPermissionSets",
        Read,
        "Snapshot and permission sets: list the sets.",
    ),
    (
        "sso:DescribePermissionSet",
        Read,
        "Snapshot and permission sets: name, description, session duration, relay state.",
    ),
    (
        "sso:ListManagedPoliciesInPermissionSet",
        Read,
        "Snapshot and permission sets: AWS managed policies of a set.",
    ),
    (
        "sso:ListCustomerManagedPolicyReferencesInPermissionSet",
        Read,
        "Snapshot and permission sets: customer managed policy references of a set.",
    ),
    (
        "sso:GetInlinePolicyForPermissionSet",
        Read,
        "Snapshot and permission sets: a set's inline policy.",
    ),
    (
        "sso:GetPermissionsBoundaryForPermissionSet",
        Read,
        "Snapshot and permission sets: a set's permissions boundary.",
    ),
    (
        "sso:ListTagsForResource",
        Read,
        "Snapshot and permission sets: a set's tags.",
    ),
    (
        "sso:ListAccountsForProvisionedPermissionSet",
        Read,
        "Snapshot and permission sets: accounts a set is provisioned to.",
    ),
    (
        "sso:ListAccountAssignments",
        Read,
        "Snapshot and assignments: who holds a set in an account.",
    ),
    (
        "sso:ListAccountAssignmentsForPrincipal",
        Read,
        "Snapshot: assignments per user and group (management account only).",
    ),
    (
        "sso:DescribePermissionSetProvisioningStatus",
        Read,
        "Permission sets: wait for provisioning to finish and report its outcome.",
    ),
    (
        "sso:DescribeAccountAssignmentCreationStatus",
        Read,
        "Assignments: wait for a new assignment and report its outcome.",
    ),
    (
        "sso:DescribeAccountAssignmentDeletionStatus",
        Read,
        "Assignments and deleting a set: wait for a removal and report its outcome.",
    ),
    (
        "sso:ListAccountAssignmentCreationStatus",
        Read,
        "Assignments: after a lost answer or a crash, find a creation AWS is still working on \
         instead of sending it twice.",
    ),
    (
        "sso:ListAccountAssignmentDeletionStatus",
        Read,
        "Assignments: after a lost answer or a crash, find a removal AWS is still working on \
         instead of sending it twice.",
    ),
    (
        "identitystore:ListUsers",
        Read,
        "Snapshot and provisioning check: users.",
    ),
    (
        "identitystore:ListGroups",
        Read,
        "Snapshot and provisioning check: groups.",
    ),
    (
        "identitystore:ListGroupMemberships",
        Read,
        "Snapshot and provisioning check: group members.",
    ),
    (
        "identitystore:DescribeUser",
        Read,
        "Permission sets: names of the users a set is assigned to.",
    ),
    (
        "identitystore:DescribeGroup",
        Read,
        "Permission sets: names of the groups a set is assigned to.",
    ),
    (
        "sso:CreatePermissionSet",
        Write,
        "Permission sets: create a set.",
    ),
    (
        "sso:UpdatePermissionSet",
        Write,
        "Permission sets: change description, session duration, relay state.",
    ),
    (
        "sso:DeletePermissionSet",
        Write,
        "Permission sets: delete a set.",
    ),
    (
        "sso:AttachManagedPolicyToPermissionSet",
        Write,
        "Permission sets: add an AWS managed policy.",
    ),
    (
        "sso:DetachManagedPolicyFromPermissionSet",
        Write,
        "Permission sets: remove an AWS managed policy.",
    ),
    (
        "sso:AttachCustomerManagedPolicyReferenceToPermissionSet",
        Write,
        "Permission sets: add a customer managed policy reference.",
    ),
    (
        "sso:DetachCustomerManagedPolicyReferenceFromPermissionSet",
        Write,
        "Permission sets: remove a customer managed policy reference.",
    ),
    (
        "sso:PutInlinePolicyToPermissionSet",
        Write,
        "Permission sets: set the inline policy.",
    ),
    (
        "sso:DeleteInlinePolicyFromPermissionSet",
        Write,
        "Permission sets: remove the inline policy.",
    ),
    (
        "sso:PutPermissionsBoundaryToPermissionSet",
        Write,
        "Permission sets: set the permissions boundary.",
    ),
    (
        "sso:DeletePermissionsBoundaryFromPermissionSet",
        Write,
        "Permission sets: remove the permissions boundary.",
    ),
    (
        "sso:TagResource",
        Write,
        "Permission sets: add or change tags.",
    ),
    ("sso:UntagResource", Write, "Permission sets: remove tags."),
    (
        "sso:ProvisionPermissionSet",
        Write,
        "Permission sets: push a changed set to its accounts.",
    ),
    (
        "sso:CreateAccountAssignment",
        Write,
        "Assignments: give a user or group a set in an account.",
    ),
    (
        "sso:DeleteAccountAssignment",
        Write,
        "Assignments and deleting a set: take an assignment away.",
    ),
];

/// Every action, sorted by access (reads first), then name.
pub fn actions() -> Vec<PolicyAction> {
    let mut out: Vec<PolicyAction> = ACTIONS
        .iter()
        .map(|(action, access, used_for)| PolicyAction {
            action: (*action).to_owned(),
            access: *access,
            used_for: (*used_for).to_owned(),
        })
        .collect();
    out.sort_by(|a, b| a.access.cmp(&b.access).then(a.action.cmp(&b.action)));
    out
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "Version")]
    version: &'a str,
    #[serde(rename = "Statement")]
    statement: Vec<Statement<'a>>,
}

#[derive(Serialize)]
struct Statement<'a> {
    #[serde(rename = "Sid")]
    sid: &'a str,
    #[serde(rename = "Effect")]
    effect: &'a str,
    #[serde(rename = "Action")]
    action: Vec<&'a str>,
    #[serde(rename = "Resource")]
    resource: &'a str,
}

/// The policy document: a read statement and, for `read_write`, a write statement; actions
/// sorted. Pretty-printed JSON with a final newline.
pub fn policy_document(read_write: bool) -> String {
    let of = |access: ActionAccess| -> Vec<&str> {
        let mut a: Vec<&str> = ACTIONS
            .iter()
            .filter(|(_, acc, _)| *acc == access)
            .map(|(name, _, _)| *name)
            .collect();
        a.sort_unstable();
        a
    };
    let mut statement = vec![Statement {
        sid: "GatehouseRead",
        effect: "Allow",
        action: of(Read),
        resource: "*",
    }];
    if read_write {
        statement.push(Statement {
            sid: "GatehouseWrite",
            effect: "Allow",
            action: of(Write),
            resource: "*",
        });
    }
    let doc = Document {
        version: "2012-10-17",
        statement,
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("a policy document serialises");
    text.push('\n');
    text
}

pub fn gatehouse_policy() -> GatehousePolicy {
    GatehousePolicy {
        read_only: policy_document(false),
        read_write: policy_document(true),
        actions: actions(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    use super::*;

    /// Method names that look like SDK operations but are not AWS calls.
    const NOT_AWS: &[&str] = &[
        "delete_credential", // keyring
        "get_password",      // keyring
        "set_password",      // keyring
    ];

    const SERVICES: [&str; 4] = ["sso", "identitystore", "organizations", "sts"];
    const VERBS: [&str; 12] = [
        "list",
        "describe",
        "get",
        "create",
        "delete",
        "put",
        "attach",
        "detach",
        "update",
        "provision",
        "tag",
        "untag",
    ];

    fn sources(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("iam_policy.rs")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                // Test modules sit at the end of each file; their placeholders ("sso:X")
                // are not calls.
                let test_module = text.match_indices("#[cfg(test)]").find(|(i, m)| {
                    let next = text[i + m.len()..].trim_start();
                    ["mod ", "pub mod ", "pub(crate) mod "]
                        .iter()
                        .any(|p| next.starts_with(p))
                });
                let code = match test_module {
                    Some((i, _)) => text[..i].to_owned(),
                    None => text,
                };
                out.push((path, code));
            }
        }
    }

    /// `"svc:Action"` literals (the IAM action handed to the error mapper).
    fn action_literals(code: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for svc in SERVICES {
            let needle = format!("\"{svc}:");
            let mut rest = code;
            while let Some(i) = rest.find(&needle) {
                let after = &rest[i + needle.len()..];
                let name: String = after
                    .chars()
                    .take_while(char::is_ascii_alphabetic)
                    .collect();
                if after[name.len()..].starts_with('"') && !name.is_empty() {
                    out.insert(format!("{svc}:{name}"));
                }
                rest = after;
            }
        }
        out
    }

    /// `.verb_noun()` calls (the SDK's fluent builders take no arguments), as `VerbNoun`.
    fn sdk_calls(code: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let bytes = code.as_bytes();
        for (i, _) in code.match_indices('.') {
            let name: String = code[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            let end = i + 1 + name.len();
            let verb = name.split('_').next().unwrap_or_default();
            if bytes.get(end..end + 2) == Some(b"()")
                && name.contains('_')
                && VERBS.contains(&verb)
                && !NOT_AWS.contains(&name.as_str())
            {
                out.insert(
                    name.split('_')
                        .filter(|w| !w.is_empty())
                        .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
                        .collect(),
                );
            }
        }
        out
    }

    #[test]
    fn the_policy_lists_exactly_the_calls_the_code_makes() {
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(files.len() > 20, "found the core's sources");
        let mut literals: BTreeMap<String, PathBuf> = BTreeMap::new();
        let mut calls: BTreeMap<String, PathBuf> = BTreeMap::new();
        for (path, code) in &files {
            for a in action_literals(code) {
                literals.entry(a).or_insert_with(|| path.clone());
            }
            for c in sdk_calls(code) {
                calls.entry(c).or_insert_with(|| path.clone());
            }
        }
        let listed: BTreeSet<&str> = ACTIONS.iter().map(|(a, _, _)| *a).collect();
        assert_eq!(listed.len(), ACTIONS.len(), "no action is listed twice");
        let listed_ops: BTreeSet<&str> = listed
            .iter()
            .map(|a| a.split_once(':').unwrap().1)
            .collect();

        for (action, path) in &literals {
            assert!(
                listed.contains(action.as_str()),
                "{} names {action}, which the Gatehouse IAM policy does not list: add it to \
                 ACTIONS in iam_policy.rs",
                path.display()
            );
        }
        for (op, path) in &calls {
            assert!(
                listed_ops.contains(op.as_str()),
                "{} calls the AWS operation {op}, which the Gatehouse IAM policy does not \
                 list: add it to ACTIONS in iam_policy.rs (or to NOT_AWS in its test if it is \
                 not an AWS call)",
                path.display()
            );
        }
        for action in &listed {
            let op = action.split_once(':').unwrap().1;
            assert!(
                literals.contains_key(*action) || calls.contains_key(op),
                "{action} is in the Gatehouse IAM policy but no code calls it: remove it"
            );
        }
    }

    #[test]
    fn the_readme_shows_the_current_policy() {
        let readme =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
                .unwrap();
        let marker = "The read-write policy today:\n\n```json\n";
        let start = readme.find(marker).expect("the README's IAM section") + marker.len();
        let end = start + readme[start..].find("```").unwrap();
        assert_eq!(
            &readme[start..end],
            policy_document(true),
            "README.md's IAM policy is out of date: paste the output of `gatehouse policy`"
        );
    }

    #[test]
    fn the_scanners_find_what_they_should() {
        let code = r#"
            session.sso_admin().list_instances().send().await
                .map_err(|e| session.err("sso:ListInstances", e))?;
            ctx.ids
                .list_group_memberships()
                .identity_store_id(&x);
            entry.delete_credential();
            g.list_permission_sets(progress, cancel);
            let s = "organizations:ListRoots is not a literal of its own";
        "#;
        assert_eq!(
            action_literals(code),
            BTreeSet::from(["sso:ListInstances".to_owned()])
        );
        assert_eq!(
            sdk_calls(code),
            BTreeSet::from([
                "ListGroupMemberships".to_owned(),
                "ListInstances".to_owned()
            ])
        );
    }

    #[test]
    fn documents_are_valid_sorted_and_read_only_is_a_subset() {
        let ro: serde_json::Value = serde_json::from_str(&policy_document(false)).unwrap();
        let rw: serde_json::Value = serde_json::from_str(&policy_document(true)).unwrap();
        assert_eq!(ro["Version"], "2012-10-17");
        assert_eq!(ro["Statement"].as_array().unwrap().len(), 1);
        assert_eq!(rw["Statement"][0], ro["Statement"][0]);
        let names = |v: &serde_json::Value| -> Vec<String> {
            v["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_owned())
                .collect()
        };
        let read = names(&rw["Statement"][0]);
        let write = names(&rw["Statement"][1]);
        assert!(read.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert!(write.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert_eq!(read.len() + write.len(), ACTIONS.len());
        assert!(read.contains(&"sso:ListInstances".to_owned()));
        assert!(write.contains(&"sso:CreateAccountAssignment".to_owned()));
        assert!(!read
            .iter()
            .any(|a| a.contains(":Create") || a.contains(":Delete")));
        for s in rw["Statement"].as_array().unwrap() {
            assert_eq!(s["Effect"], "Allow");
            assert_eq!(s["Resource"], "*");
        }
        assert_eq!(
            policy_document(true),
            policy_document(true),
            "deterministic"
        );
        assert!(policy_document(true).starts_with("{\n  \"Version\": \"2012-10-17\",\n"));

        let p = gatehouse_policy();
        assert_eq!(p.read_write, policy_document(true));
        assert_eq!(p.actions.len(), ACTIONS.len());
        assert_eq!(p.actions[0].access, ActionAccess::Read);
        assert_eq!(p.actions.last().unwrap().access, ActionAccess::Write);
        assert!(p.actions.iter().all(|a| !a.used_for.is_empty()));
    }
}
