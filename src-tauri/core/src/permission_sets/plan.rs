//! The previewed change: which sso-admin calls turn the current permission set into the
//! desired one, in which order, each described for the admin.
//!
//! [`plan`] is a pure function of (current, desired). It validates the desired state first
//! (a state with problems is never planned), normalises it (hours to ISO 8601, empty text to
//! none) and emits only the calls that change something. The order is chosen for AWS's
//! quotas: policies are detached before others are attached (at most 20 per set, IAM's
//! default is 10 per role), and tags are removed before new values are written. Nothing
//! reaches the accounts before provisioning, so there is no moment of excess access in
//! between.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::validate::{self, FieldProblem, IAM_DEFAULT_POLICIES_PER_ROLE};
use super::{
    CustomerPolicyRef, PermissionSetDetails, PermissionSetState, PermissionSetUsage,
    PermissionsBoundary, PrincipalKind, TagPair,
};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    Create,
    Update,
    Delete,
}

/// One sso-admin call (two for an assignment deletion: the call and its status polls).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanChange {
    CreatePermissionSet {
        name: String,
        description: Option<String>,
        session_duration: String,
        relay_state: Option<String>,
        tags: Vec<TagPair>,
    },
    /// AWS's update takes all three; unchanged ones are sent with their current value.
    UpdatePermissionSet {
        description: Option<String>,
        session_duration: String,
        relay_state: Option<String>,
    },
    AttachManagedPolicy {
        arn: String,
    },
    DetachManagedPolicy {
        arn: String,
    },
    AttachCustomerManagedPolicy {
        policy: CustomerPolicyRef,
    },
    DetachCustomerManagedPolicy {
        policy: CustomerPolicyRef,
    },
    PutInlinePolicy {
        policy: String,
    },
    DeleteInlinePolicy,
    PutPermissionsBoundary {
        boundary: PermissionsBoundary,
    },
    DeletePermissionsBoundary,
    TagResource {
        tags: Vec<TagPair>,
    },
    UntagResource {
        keys: Vec<String>,
    },
    DeleteAccountAssignment {
        account_id: String,
        principal_kind: PrincipalKind,
        principal_id: String,
    },
    DeletePermissionSet,
}

impl PlanChange {
    /// The IAM action the call needs.
    pub fn action(&self) -> &'static str {
        match self {
            PlanChange::CreatePermissionSet { .. } => "sso:CreatePermissionSet",
            PlanChange::UpdatePermissionSet { .. } => "sso:UpdatePermissionSet",
            PlanChange::AttachManagedPolicy { .. } => "sso:AttachManagedPolicyToPermissionSet",
            PlanChange::DetachManagedPolicy { .. } => "sso:DetachManagedPolicyFromPermissionSet",
            PlanChange::AttachCustomerManagedPolicy { .. } => {
                "sso:AttachCustomerManagedPolicyReferenceToPermissionSet"
            }
            PlanChange::DetachCustomerManagedPolicy { .. } => {
                "sso:DetachCustomerManagedPolicyReferenceFromPermissionSet"
            }
            PlanChange::PutInlinePolicy { .. } => "sso:PutInlinePolicyToPermissionSet",
            PlanChange::DeleteInlinePolicy => "sso:DeleteInlinePolicyFromPermissionSet",
            PlanChange::PutPermissionsBoundary { .. } => {
                "sso:PutPermissionsBoundaryToPermissionSet"
            }
            PlanChange::DeletePermissionsBoundary => {
                "sso:DeletePermissionsBoundaryFromPermissionSet"
            }
            PlanChange::TagResource { .. } => "sso:TagResource",
            PlanChange::UntagResource { .. } => "sso:UntagResource",
            PlanChange::DeleteAccountAssignment { .. } => "sso:DeleteAccountAssignment",
            PlanChange::DeletePermissionSet => "sso:DeletePermissionSet",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PlanStep {
    /// The IAM action, e.g. `sso:AttachManagedPolicyToPermissionSet`.
    pub action: String,
    /// What the step does, for the admin.
    pub description: String,
    pub change: PlanChange,
}

/// A previewed change. Returned by planning, sent back unchanged to apply it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Plan {
    pub kind: PlanKind,
    pub instance_arn: String,
    /// None when the plan creates the set.
    pub permission_set_arn: Option<String>,
    pub name: String,
    /// In the order they will run. Empty: nothing to change.
    pub steps: Vec<PlanStep>,
    /// Things to know before applying (customer managed policies must exist in every account,
    /// provisioning is a separate step, values AWS cannot remove, …).
    pub warnings: Vec<String>,
    /// Accounts the set is provisioned to now (they get the change only when provisioned).
    pub provisioned_account_count: u32,
    /// One line: "3 changes to DataEngineer", "No changes".
    pub summary: String,
}

/// A delete plan and what it is based on (for the preview).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct DeletePlan {
    pub plan: Plan,
    pub usage: PermissionSetUsage,
}

fn policy_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn hours_text(duration: &str) -> String {
    match validate::parse_session_duration(duration) {
        Some(3600) => "1 hour".into(),
        Some(s) if s % 3600 == 0 => format!("{} hours", s / 3600),
        Some(s) => format!("{}h {}min", s / 3600, s % 3600 / 60),
        None => duration.to_owned(),
    }
}

fn boundary_text(b: &PermissionsBoundary) -> String {
    match b {
        PermissionsBoundary::Managed { arn } => {
            format!("the AWS managed policy {} ({arn})", policy_name(arn))
        }
        PermissionsBoundary::CustomerManaged { name, path } => {
            format!("the customer managed policy {path}{name}")
        }
    }
}

fn tags_text(tags: &[TagPair]) -> String {
    tags.iter()
        .map(|t| format!("{}={}", t.key, t.value))
        .collect::<Vec<_>>()
        .join(", ")
}

fn step(change: PlanChange, description: String) -> PlanStep {
    PlanStep {
        action: change.action().to_owned(),
        description,
        change,
    }
}

/// The error a state with problems gets: the first problem, the rest in the detail.
pub fn problems_error(problems: &[FieldProblem]) -> Error {
    let first = &problems[0];
    let message = if problems.len() == 1 {
        first.message.clone()
    } else {
        format!(
            "{} (and {} more problem{} to fix before saving)",
            first.message,
            problems.len() - 1,
            if problems.len() == 2 { "" } else { "s" }
        )
    };
    let detail = problems
        .iter()
        .map(|p| match (p.line, p.column) {
            (Some(l), Some(c)) => format!("{} (line {l}, column {c}): {}", p.field, p.message),
            _ => format!("{}: {}", p.field, p.message),
        })
        .collect::<Vec<_>>()
        .join("\n");
    Error::validation(message).with_detail(detail)
}

/// Empty text means "none"; hours become ISO 8601; a customer path defaults to `/`.
pub fn normalise(mut s: PermissionSetState) -> PermissionSetState {
    let none_if_blank = |v: Option<String>| v.filter(|t| !t.trim().is_empty());
    s.description = none_if_blank(s.description);
    s.relay_state = none_if_blank(s.relay_state).map(|r| r.trim().to_owned());
    s.inline_policy = none_if_blank(s.inline_policy);
    if let Ok(canonical) = validate::session_duration(&s.session_duration) {
        s.session_duration = canonical;
    }
    for c in &mut s.customer_managed_policies {
        if c.path.trim().is_empty() {
            c.path = "/".into();
        }
    }
    if let Some(PermissionsBoundary::CustomerManaged { path, .. }) = &mut s.permissions_boundary {
        if path.trim().is_empty() {
            *path = "/".into();
        }
    }
    s.managed_policies = s
        .managed_policies
        .into_iter()
        .map(|a| a.trim().to_owned())
        .collect();
    s
}

fn same_policy_text(a: &str, b: &str) -> bool {
    a == b
        || matches!(
            (serde_json::from_str::<serde_json::Value>(a), serde_json::from_str::<serde_json::Value>(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// Plans the calls that turn `current` (None: a new set) into `desired`.
pub fn plan(
    instance_arn: &str,
    current: Option<&PermissionSetDetails>,
    desired: PermissionSetState,
) -> Result<Plan> {
    let desired = normalise(desired);
    let problems = validate::validate_state(&desired);
    if !problems.is_empty() {
        return Err(problems_error(&problems));
    }
    let mut steps = Vec::new();
    let mut warnings = Vec::new();
    let name = desired.name.clone();

    let empty = PermissionSetState {
        name: name.clone(),
        description: None,
        session_duration: desired.session_duration.clone(),
        relay_state: None,
        managed_policies: Vec::new(),
        customer_managed_policies: Vec::new(),
        inline_policy: None,
        permissions_boundary: None,
        tags: Vec::new(),
    };
    let (kind, cur) = match current {
        None => {
            let mut parts = vec![format!("session {}", hours_text(&desired.session_duration))];
            if let Some(r) = &desired.relay_state {
                parts.push(format!("relay state {r}"));
            }
            if !desired.tags.is_empty() {
                parts.push(format!("tags {}", tags_text(&desired.tags)));
            }
            steps.push(step(
                PlanChange::CreatePermissionSet {
                    name: name.clone(),
                    description: desired.description.clone(),
                    session_duration: desired.session_duration.clone(),
                    relay_state: desired.relay_state.clone(),
                    tags: desired.tags.clone(),
                },
                format!(
                    "Create the permission set \"{name}\" ({})",
                    parts.join(", ")
                ),
            ));
            // Tags go with the create call.
            let mut base = empty;
            base.tags = desired.tags.clone();
            (PlanKind::Create, base)
        }
        Some(c) => {
            if c.state.name != desired.name {
                return Err(Error::validation(format!(
                    "A permission set cannot be renamed in IAM Identity Center (\"{}\" stays \
                     \"{}\"). To use another name, create a new set from this one and move the \
                     assignments.",
                    c.state.name, desired.name
                ))
                .with_detail("/name"));
            }
            (PlanKind::Update, c.state.clone())
        }
    };

    if kind == PlanKind::Update {
        let mut changed = Vec::new();
        let description = match (&cur.description, &desired.description) {
            (Some(old), None) => {
                warnings.push(format!(
                    "The description stays \"{old}\": IAM Identity Center cannot remove a \
                     description, only replace it."
                ));
                Some(old.clone())
            }
            (old, new) => {
                if old != new {
                    changed.push("description".to_owned());
                }
                new.clone()
            }
        };
        let relay_state = match (&cur.relay_state, &desired.relay_state) {
            (Some(old), None) => {
                warnings.push(format!(
                    "The relay state stays {old}: IAM Identity Center cannot remove a relay \
                     state, only replace it."
                ));
                Some(old.clone())
            }
            (old, new) => {
                if old != new {
                    changed.push(format!(
                        "relay state {} → {}",
                        old.as_deref().unwrap_or("none"),
                        new.as_deref().unwrap_or("none")
                    ));
                }
                new.clone()
            }
        };
        if validate::parse_session_duration(&cur.session_duration)
            != validate::parse_session_duration(&desired.session_duration)
        {
            changed.push(format!(
                "session duration {} → {}",
                hours_text(&cur.session_duration),
                hours_text(&desired.session_duration)
            ));
        }
        if !changed.is_empty() {
            steps.push(step(
                PlanChange::UpdatePermissionSet {
                    description,
                    session_duration: desired.session_duration.clone(),
                    relay_state,
                },
                format!("Update \"{name}\": {}", changed.join(", ")),
            ));
        }
    }

    // Detach first: attached policies count against a quota.
    for arn in cur
        .managed_policies
        .iter()
        .filter(|a| !desired.managed_policies.contains(a))
    {
        steps.push(step(
            PlanChange::DetachManagedPolicy { arn: arn.clone() },
            format!("Detach the AWS managed policy {} ({arn})", policy_name(arn)),
        ));
    }
    for c in cur
        .customer_managed_policies
        .iter()
        .filter(|c| !desired.customer_managed_policies.contains(c))
    {
        steps.push(step(
            PlanChange::DetachCustomerManagedPolicy { policy: c.clone() },
            format!(
                "Detach the customer managed policy reference {}{}",
                c.path, c.name
            ),
        ));
    }
    for arn in desired
        .managed_policies
        .iter()
        .filter(|a| !cur.managed_policies.contains(a))
    {
        steps.push(step(
            PlanChange::AttachManagedPolicy { arn: arn.clone() },
            format!("Attach the AWS managed policy {} ({arn})", policy_name(arn)),
        ));
    }
    let new_customer: Vec<&CustomerPolicyRef> = desired
        .customer_managed_policies
        .iter()
        .filter(|c| !cur.customer_managed_policies.contains(c))
        .collect();
    for c in &new_customer {
        steps.push(step(
            PlanChange::AttachCustomerManagedPolicy {
                policy: (*c).clone(),
            },
            format!(
                "Attach the customer managed policy reference {}{} (the policy must exist in every \
                 account the set is provisioned to)",
                c.path, c.name
            ),
        ));
    }

    match (&cur.inline_policy, &desired.inline_policy) {
        (None, Some(p)) => steps.push(step(
            PlanChange::PutInlinePolicy { policy: p.clone() },
            format!("Add the inline policy ({} bytes)", p.len()),
        )),
        (Some(old), Some(p)) if !same_policy_text(old, p) => steps.push(step(
            PlanChange::PutInlinePolicy { policy: p.clone() },
            format!("Replace the inline policy ({} bytes)", p.len()),
        )),
        (Some(_), None) => steps.push(step(
            PlanChange::DeleteInlinePolicy,
            "Remove the inline policy".into(),
        )),
        _ => {}
    }

    match (&cur.permissions_boundary, &desired.permissions_boundary) {
        (old, Some(b)) if old.as_ref() != Some(b) => steps.push(step(
            PlanChange::PutPermissionsBoundary {
                boundary: b.clone(),
            },
            format!("Set the permissions boundary to {}", boundary_text(b)),
        )),
        (Some(old), None) => steps.push(step(
            PlanChange::DeletePermissionsBoundary,
            format!("Remove the permissions boundary ({})", boundary_text(old)),
        )),
        _ => {}
    }

    let cur_tags: BTreeMap<&str, &str> = cur
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    let new_tags: BTreeMap<&str, &str> = desired
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    let untag: Vec<String> = cur_tags
        .keys()
        .filter(|k| !new_tags.contains_key(*k))
        .map(|k| (*k).to_owned())
        .collect();
    if !untag.is_empty() {
        steps.push(step(
            PlanChange::UntagResource {
                keys: untag.clone(),
            },
            format!("Remove the tags {}", untag.join(", ")),
        ));
    }
    let tag: Vec<TagPair> = desired
        .tags
        .iter()
        .filter(|t| cur_tags.get(t.key.as_str()) != Some(&t.value.as_str()))
        .cloned()
        .collect();
    if !tag.is_empty() {
        steps.push(step(
            PlanChange::TagResource { tags: tag.clone() },
            format!("Set the tags {}", tags_text(&tag)),
        ));
    }

    if !new_customer.is_empty() {
        let names: Vec<String> = new_customer
            .iter()
            .map(|c| format!("{}{}", c.path, c.name))
            .collect();
        warnings.push(format!(
            "Customer managed polic{} {} must exist, with exactly this name and path, in every \
             account the set is provisioned to. Provisioning fails in accounts where {} missing.",
            if names.len() == 1 { "y" } else { "ies" },
            names.join(", "),
            if names.len() == 1 {
                "it is"
            } else {
                "they are"
            },
        ));
    }
    let attached = desired.managed_policies.len() + desired.customer_managed_policies.len();
    if attached > IAM_DEFAULT_POLICIES_PER_ROLE {
        warnings.push(format!(
            "{attached} managed policies are attached. IAM allows {IAM_DEFAULT_POLICIES_PER_ROLE} \
             per role unless the quota was raised; provisioning fails in accounts where it was \
             not."
        ));
    }
    let provisioned = current.map_or(0, |c| c.provisioned_account_ids.len());
    if provisioned > 0 && !steps.is_empty() {
        warnings.push(format!(
            "\"{name}\" is provisioned to {provisioned} account{}. They keep the previous \
             permissions until you provision the set again (offered after saving).",
            if provisioned == 1 { "" } else { "s" }
        ));
    }

    let summary = match (kind, steps.len()) {
        (_, 0) => format!("No changes to \"{name}\"."),
        (PlanKind::Create, n) => format!(
            "Create \"{name}\" in {n} call{}.",
            if n == 1 { "" } else { "s" }
        ),
        (_, n) => format!("{n} change{} to \"{name}\".", if n == 1 { "" } else { "s" }),
    };
    Ok(Plan {
        kind,
        instance_arn: instance_arn.to_owned(),
        permission_set_arn: current.map(|c| c.arn.clone()),
        name,
        steps,
        warnings,
        provisioned_account_count: u32::try_from(provisioned).unwrap_or(u32::MAX),
        summary,
    })
}

fn principal_text(p: &super::PrincipalRef) -> String {
    let kind = match p.kind {
        PrincipalKind::User => "user",
        PrincipalKind::Group => "group",
    };
    match (&p.display_name, &p.user_name) {
        (_, Some(u)) => format!("{kind} {u}"),
        (Some(d), None) => format!("{kind} \"{d}\""),
        (None, None) => format!("{kind} {} (not found in the Identity Store)", p.id),
    }
}

/// Plans deleting a set: every assignment (each polled until AWS confirms), then the set.
pub fn plan_delete(instance_arn: &str, usage: PermissionSetUsage) -> DeletePlan {
    let mut steps = Vec::new();
    for account in &usage.accounts {
        let where_ = match &account.account_name {
            Some(n) => format!("{n} ({})", account.account_id),
            None => account.account_id.clone(),
        };
        for p in &account.principals {
            steps.push(step(
                PlanChange::DeleteAccountAssignment {
                    account_id: account.account_id.clone(),
                    principal_kind: p.kind,
                    principal_id: p.id.clone(),
                },
                format!(
                    "Remove the assignment of {} in account {where_}",
                    principal_text(p)
                ),
            ));
        }
    }
    steps.push(step(
        PlanChange::DeletePermissionSet,
        format!("Delete the permission set \"{}\"", usage.name),
    ));
    let mut warnings = Vec::new();
    let principals: std::collections::BTreeSet<(PrincipalKind, &str)> = usage
        .accounts
        .iter()
        .flat_map(|a| a.principals.iter().map(|p| (p.kind, p.id.as_str())))
        .collect();
    let with_assignments = usage
        .accounts
        .iter()
        .filter(|a| !a.principals.is_empty())
        .count();
    if usage.assignment_count > 0 {
        warnings.push(format!(
            "{} user{}/group{} lose this access in {with_assignments} account{} as soon as their \
             assignments are removed. This cannot be undone: recreating the set gives it a new \
             ARN, and assignments must be made again.",
            principals.len(),
            if principals.len() == 1 { "" } else { "s" },
            if principals.len() == 1 { "" } else { "s" },
            if with_assignments == 1 { "" } else { "s" },
        ));
    }
    let n = steps.len();
    let summary = if usage.assignment_count == 0 {
        format!("Delete \"{}\" (no assignments).", usage.name)
    } else {
        format!(
            "Remove {} assignment{}, then delete \"{}\" ({n} calls).",
            usage.assignment_count,
            if usage.assignment_count == 1 { "" } else { "s" },
            usage.name
        )
    };
    DeletePlan {
        plan: Plan {
            kind: PlanKind::Delete,
            instance_arn: instance_arn.to_owned(),
            permission_set_arn: Some(usage.permission_set_arn.clone()),
            name: usage.name.clone(),
            steps,
            warnings,
            provisioned_account_count: u32::try_from(usage.accounts.len()).unwrap_or(u32::MAX),
            summary,
        },
        usage,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AccountUsage, PrincipalRef};
    use super::*;

    const INSTANCE: &str = "arn:aws:sso:::instance/ssoins-1";

    fn state() -> PermissionSetState {
        PermissionSetState {
            name: "DataEngineer".into(),
            description: Some("Data team".into()),
            session_duration: "PT4H".into(),
            relay_state: None,
            managed_policies: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
            customer_managed_policies: vec![],
            inline_policy: None,
            permissions_boundary: None,
            tags: vec![TagPair {
                key: "team".into(),
                value: "data".into(),
            }],
        }
    }

    fn current(s: PermissionSetState) -> PermissionSetDetails {
        PermissionSetDetails {
            arn: format!("{INSTANCE}/ps-1"),
            created_at: None,
            session_hours: None,
            state: s,
            provisioned_account_ids: vec!["111122223333".into()],
        }
    }

    fn actions(p: &Plan) -> Vec<&str> {
        p.steps.iter().map(|s| s.action.as_str()).collect()
    }

    #[test]
    fn permission_plan_create_sends_tags_with_create() {
        let mut s = state();
        s.session_duration = "1.5".into();
        s.customer_managed_policies.push(CustomerPolicyRef {
            name: "DataAccess".into(),
            path: "".into(),
        });
        s.inline_policy = Some(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#
                .into(),
        );
        s.permissions_boundary = Some(PermissionsBoundary::Managed {
            arn: "arn:aws:iam::aws:policy/PowerUserAccess".into(),
        });
        let p = plan(INSTANCE, None, s).unwrap();
        assert_eq!(p.kind, PlanKind::Create);
        assert_eq!(
            actions(&p),
            [
                "sso:CreatePermissionSet",
                "sso:AttachManagedPolicyToPermissionSet",
                "sso:AttachCustomerManagedPolicyReferenceToPermissionSet",
                "sso:PutInlinePolicyToPermissionSet",
                "sso:PutPermissionsBoundaryToPermissionSet",
            ]
        );
        match &p.steps[0].change {
            PlanChange::CreatePermissionSet {
                session_duration,
                tags,
                ..
            } => {
                assert_eq!(session_duration, "PT1H30M");
                assert_eq!(tags.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        match &p.steps[2].change {
            PlanChange::AttachCustomerManagedPolicy { policy } => assert_eq!(policy.path, "/"),
            other => panic!("{other:?}"),
        }
        assert!(
            p.warnings
                .iter()
                .any(|w| w.contains("/DataAccess must exist")),
            "{:?}",
            p.warnings
        );
        assert!(p.permission_set_arn.is_none());
    }

    #[test]
    fn permission_plan_no_changes_is_empty() {
        let s = state();
        let mut same = s.clone();
        same.session_duration = "4".into(); // same duration written differently
        let p = plan(INSTANCE, Some(&current(s)), same).unwrap();
        assert!(p.steps.is_empty(), "{:?}", p.steps);
        assert!(p.summary.starts_with("No changes"));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn permission_plan_computes_only_changes_in_a_safe_order() {
        let mut cur = state();
        cur.managed_policies
            .push("arn:aws:iam::aws:policy/SecurityAudit".into());
        cur.customer_managed_policies.push(CustomerPolicyRef {
            name: "Old".into(),
            path: "/".into(),
        });
        cur.inline_policy = Some(r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#.into());
        cur.tags.push(TagPair {
            key: "owner".into(),
            value: "x".into(),
        });
        let mut want = cur.clone();
        want.session_duration = "PT8H".into();
        want.managed_policies = vec![
            "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess".into(),
        ];
        want.customer_managed_policies = vec![CustomerPolicyRef {
            name: "New".into(),
            path: "/team/".into(),
        }];
        // Same document, other whitespace: not a change.
        want.inline_policy = Some(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#.into());
        want.permissions_boundary = Some(PermissionsBoundary::CustomerManaged {
            name: "Boundary".into(),
            path: "/".into(),
        });
        want.tags = vec![TagPair {
            key: "team".into(),
            value: "platform".into(),
        }];
        let p = plan(INSTANCE, Some(&current(cur)), want).unwrap();
        assert_eq!(
            actions(&p),
            [
                "sso:UpdatePermissionSet",
                "sso:DetachManagedPolicyFromPermissionSet",
                "sso:DetachCustomerManagedPolicyReferenceFromPermissionSet",
                "sso:AttachManagedPolicyToPermissionSet",
                "sso:AttachCustomerManagedPolicyReferenceToPermissionSet",
                "sso:PutPermissionsBoundaryToPermissionSet",
                "sso:UntagResource",
                "sso:TagResource",
            ]
        );
        assert_eq!(
            p.steps[1].change,
            PlanChange::DetachManagedPolicy {
                arn: "arn:aws:iam::aws:policy/SecurityAudit".into()
            }
        );
        assert_eq!(
            p.steps[3].change,
            PlanChange::AttachManagedPolicy {
                arn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess".into()
            }
        );
        assert_eq!(
            p.steps[6].change,
            PlanChange::UntagResource {
                keys: vec!["owner".into()]
            }
        );
        assert!(
            p.steps[0].description.contains("4 hours → 8 hours"),
            "{}",
            p.steps[0].description
        );
        assert!(p
            .warnings
            .iter()
            .any(|w| w.contains("provisioned to 1 account")));
        assert_eq!(p.provisioned_account_count, 1);
    }

    #[test]
    fn permission_plan_update_keeps_what_aws_cannot_remove() {
        let mut cur = state();
        cur.relay_state = Some("https://console.aws.amazon.com/".into());
        let mut want = cur.clone();
        want.relay_state = None;
        want.description = Some(String::new());
        want.session_duration = "PT2H".into();
        let p = plan(INSTANCE, Some(&current(cur)), want).unwrap();
        assert_eq!(actions(&p), ["sso:UpdatePermissionSet"]);
        assert_eq!(
            p.steps[0].change,
            PlanChange::UpdatePermissionSet {
                description: Some("Data team".into()),
                session_duration: "PT2H".into(),
                relay_state: Some("https://console.aws.amazon.com/".into()),
            }
        );
        assert_eq!(p.warnings.len(), 3, "{:?}", p.warnings);
    }

    #[test]
    fn permission_plan_removals() {
        let mut cur = state();
        cur.inline_policy = Some(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into());
        cur.permissions_boundary = Some(PermissionsBoundary::Managed {
            arn: "arn:aws:iam::aws:policy/PowerUserAccess".into(),
        });
        let mut want = cur.clone();
        want.inline_policy = Some("  ".into());
        want.permissions_boundary = None;
        want.managed_policies.clear();
        want.tags.clear();
        let p = plan(INSTANCE, Some(&current(cur)), want).unwrap();
        assert_eq!(
            actions(&p),
            [
                "sso:DetachManagedPolicyFromPermissionSet",
                "sso:DeleteInlinePolicyFromPermissionSet",
                "sso:DeletePermissionsBoundaryFromPermissionSet",
                "sso:UntagResource",
            ]
        );
    }

    #[test]
    fn permission_plan_rejects_invalid_state_and_rename() {
        let mut s = state();
        s.inline_policy = Some("{\"Version\": \"2012-10-17\", \"Statement\": [".into());
        let e = plan(INSTANCE, None, s).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Validation);
        assert!(e.message.contains("not valid JSON"), "{}", e.message);
        assert!(e.detail.unwrap().contains("/inline_policy (line 1"));

        let mut s = state();
        s.name = "Other".into();
        let e = plan(INSTANCE, Some(&current(state())), s).unwrap_err();
        assert!(e.message.contains("cannot be renamed"), "{}", e.message);
    }

    #[test]
    fn permission_plan_delete_removes_assignments_first() {
        let usage = PermissionSetUsage {
            permission_set_arn: format!("{INSTANCE}/ps-1"),
            name: "Admins".into(),
            accounts: vec![
                AccountUsage {
                    account_id: "111122223333".into(),
                    account_name: Some("Production".into()),
                    principals: vec![
                        PrincipalRef {
                            kind: PrincipalKind::Group,
                            id: "g-1".into(),
                            display_name: Some("Admins".into()),
                            user_name: None,
                            resolved: true,
                        },
                        PrincipalRef {
                            kind: PrincipalKind::User,
                            id: "u-1".into(),
                            display_name: Some("Ana".into()),
                            user_name: Some("ana@example.com".into()),
                            resolved: true,
                        },
                    ],
                },
                AccountUsage {
                    account_id: "444455556666".into(),
                    account_name: None,
                    principals: vec![],
                },
            ],
            assignment_count: 2,
            unresolved_principal_count: 0,
        };
        let d = plan_delete(INSTANCE, usage);
        assert_eq!(d.plan.kind, PlanKind::Delete);
        assert_eq!(
            actions(&d.plan),
            [
                "sso:DeleteAccountAssignment",
                "sso:DeleteAccountAssignment",
                "sso:DeletePermissionSet"
            ]
        );
        assert!(d.plan.steps[0]
            .description
            .contains("group \"Admins\" in account Production (111122223333)"));
        assert!(d.plan.steps[1].description.contains("user ana@example.com"));
        assert!(d.plan.warnings[0].contains("2 users/groups lose this access in 1 account"));
    }

    #[test]
    fn permission_plan_roundtrips_through_json() {
        let p = plan(INSTANCE, None, state()).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert!(
            json.contains("\"kind\":\"create_permission_set\""),
            "{json}"
        );
        let back: Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
    }
}
