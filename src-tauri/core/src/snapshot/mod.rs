//! The organisation's access state in one document: the OU tree and accounts
//! (Organizations), users, groups and memberships (Identity Store), permission sets and every
//! account assignment (IAM Identity Center), read as cheaply as AWS allows.
//!
//! A [`Snapshot`] is what the Account assignments matrix shows, what `gatehouse snapshot`
//! writes and what `gatehouse report` expands into who-has-what. The last one per instance is
//! kept in SQLite, so the matrix shows at once ("as of <time>") while a refresh runs, and so a
//! later apply can tell what changed in AWS since.
//!
//! | module | what |
//! |---|---|
//! | `mod.rs` | the IPC types and the `Gatehouse` facade |
//! | [`load`] | the loader: strategy by counts, bounded concurrency, pacing, throttling retries, request counting |
//! | [`report`] | who has what, with access through groups expanded per member; CSV and JSON |
//! | [`store`] | the last snapshot per instance in SQLite |

pub mod load;
pub mod report;
pub mod store;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::gatehouse::Gatehouse;
pub use crate::permission_sets::{CustomerPolicyRef, PermissionsBoundary, TagPair};
use crate::progress::{CancellationToken, ProgressSink};

pub use load::{choose_strategy, LoadOptions, ServiceLimit, ServiceLimits, StrategyChoice, Target};
pub use report::{
    require_members, who_has_what, write_csv, write_json, write_report, Access, ReportFormat,
    ReportRow,
};

/// An organisational unit (the root itself is not listed; its accounts have path `/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename = "SnapshotOu")]
pub struct Ou {
    pub id: String,
    pub name: String,
    /// The parent OU, or the root id.
    pub parent_id: String,
    /// Names from the root, e.g. `/Workloads/Production`.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename = "SnapshotAccount")]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    /// As Organizations reports it: `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.
    pub status: Option<String>,
    /// The OU holding the account, or the root id.
    pub ou_id: String,
    /// `/` for the root, else e.g. `/Workloads/Production`.
    pub ou_path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename = "SnapshotGroup")]
pub struct Group {
    pub id: String,
    /// The display name (the group id when the Identity Store has none).
    pub display_name: String,
    pub description: Option<String>,
    /// Direct user members, sorted (the Identity Store has no nested groups).
    pub member_user_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename = "SnapshotUser")]
pub struct User {
    pub id: String,
    /// The sign-in name (unique in the Identity Store).
    pub user_name: String,
    pub display_name: Option<String>,
    /// The primary email, else the first one.
    pub email: Option<String>,
}

/// A permission set with its full definition (what export writes and what the
/// administrator-access report judges). The definition fields default when absent, so
/// snapshots kept before they were read still load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename = "SnapshotPermissionSet")]
pub struct PermissionSetSummary {
    pub arn: String,
    pub name: String,
    /// ISO 8601, e.g. `PT8H`.
    pub session_duration: Option<String>,
    pub description: Option<String>,
    /// The URL the console opens after sign-in.
    #[serde(default)]
    pub relay_state: Option<String>,
    /// AWS managed policy ARNs, sorted.
    #[serde(default)]
    pub managed_policy_arns: Vec<String>,
    /// Customer managed policy references, sorted by path, then name.
    #[serde(default)]
    pub customer_managed_policies: Vec<CustomerPolicyRef>,
    /// The inline policy document as AWS returned it.
    #[serde(default)]
    pub inline_policy: Option<String>,
    #[serde(default)]
    pub permissions_boundary: Option<PermissionsBoundary>,
    /// Sorted by key.
    #[serde(default)]
    pub tags: Vec<TagPair>,
    /// AdministratorAccess is attached, or the inline policy allows every action
    /// (see [`grants_admin`]).
    #[serde(default)]
    pub grants_admin: bool,
    /// False in snapshots kept before Gatehouse read definitions: the fields above are then
    /// empty, not known to be empty (export refuses such a snapshot).
    #[serde(default)]
    pub definition_loaded: bool,
}

impl PermissionSetSummary {
    /// A set with only its name and ARN and an empty definition (known to be empty), for
    /// building snapshots in code.
    pub fn named(arn: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            arn: arn.into(),
            name: name.into(),
            session_duration: None,
            description: None,
            relay_state: None,
            managed_policy_arns: Vec::new(),
            customer_managed_policies: Vec::new(),
            inline_policy: None,
            permissions_boundary: None,
            tags: Vec::new(),
            grants_admin: false,
            definition_loaded: true,
        }
    }

    /// Sorts the lists the documented way and derives [`Self::grants_admin`].
    pub fn normalize(&mut self) {
        self.managed_policy_arns.sort();
        self.managed_policy_arns.dedup();
        self.customer_managed_policies
            .sort_by(|a, b| a.path.cmp(&b.path).then(a.name.cmp(&b.name)));
        self.customer_managed_policies.dedup();
        self.tags
            .sort_by(|a, b| a.key.cmp(&b.key).then(a.value.cmp(&b.value)));
        self.grants_admin = grants_admin(&self.managed_policy_arns, self.inline_policy.as_deref());
    }
}

/// Whether a permission set's policies give administrator-level access: the AWS managed
/// `AdministratorAccess` policy is attached (in any partition), or the inline policy has an
/// `Allow` statement whose `Action` is `"*"` or a list holding `"*"` (whatever its
/// `Resource`: the report would rather flag too much than too little). A permissions
/// boundary is not taken into account. An inline policy that is not JSON grants nothing
/// here (AWS would not have stored it).
pub fn grants_admin(managed_policy_arns: &[String], inline_policy: Option<&str>) -> bool {
    let managed = managed_policy_arns.iter().any(|arn| {
        arn.strip_prefix("arn:")
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(_, rest)| rest == "iam::aws:policy/AdministratorAccess")
    });
    managed || inline_policy.is_some_and(inline_allows_everything)
}

fn inline_allows_everything(policy: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(policy) else {
        return false;
    };
    let statements = match doc.get("Statement") {
        Some(serde_json::Value::Array(list)) => list.iter().collect::<Vec<_>>(),
        Some(one @ serde_json::Value::Object(_)) => vec![one],
        _ => return false,
    };
    statements.into_iter().any(|st| {
        let allow = st.get("Effect").and_then(|e| e.as_str()) == Some("Allow");
        let star = |v: &serde_json::Value| v.as_str() == Some("*");
        let every_action = match st.get("Action") {
            Some(serde_json::Value::Array(actions)) => actions.iter().any(star),
            Some(action) => star(action),
            None => false,
        };
        allow && every_action
    })
}

/// Who an assignment is for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum PrincipalType {
    Group,
    User,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Group => "GROUP",
            PrincipalType::User => "USER",
        }
    }
}

/// One account assignment: this principal may use this permission set in this account.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
pub struct Assignment {
    pub account_id: String,
    pub permission_set_arn: String,
    pub principal_type: PrincipalType,
    pub principal_id: String,
}

/// How the account assignments were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStrategy {
    /// ListAccountsForProvisionedPermissionSet per set, then ListAccountAssignments for each
    /// account × provisioned set.
    PerAccountPermissionSet,
    /// ListAccountAssignmentsForPrincipal for each group and user (management account only).
    PerPrincipal,
}

/// What loading cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LoadStats {
    /// HTTP requests sent to AWS, SDK retries included.
    pub requests: u32,
    /// The same by API operation (e.g. `ListAccountAssignments`).
    pub requests_by_operation: BTreeMap<String, u32>,
    pub strategy: AssignmentStrategy,
    /// Why that strategy, in the admin's words (with the estimated request counts).
    pub strategy_reason: String,
    /// Calls retried by Gatehouse after the SDK's own retries were throttled out.
    pub throttled_retries: u32,
    pub seconds: f64,
}

/// The organisation's access state as read at `taken_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Snapshot {
    /// When reading started (RFC 3339): later changes may or may not be in it.
    pub taken_at: String,
    pub instance_arn: String,
    pub identity_store_id: String,
    /// The region of the Identity Center instance.
    pub region: String,
    pub management_account_id: Option<String>,
    /// The organisation root (accounts directly in it have OU path `/`).
    pub root_id: String,
    /// Sorted by path.
    pub ous: Vec<Ou>,
    /// Sorted by name, then id.
    pub accounts: Vec<Account>,
    /// Sorted by display name, then id.
    pub groups: Vec<Group>,
    /// Sorted by user name, then id.
    pub users: Vec<User>,
    /// Sorted by name, then ARN.
    pub permission_sets: Vec<PermissionSetSummary>,
    /// Each once, sorted by account, permission set, principal type and id.
    pub assignments: Vec<Assignment>,
    /// Whether groups' `member_user_ids` were read. `gatehouse snapshot` leaves them out
    /// unless asked (`--members`); then every list is empty and users' access through
    /// groups cannot be derived from this snapshot. Snapshots kept before this field always
    /// had them.
    #[serde(default = "yes")]
    pub members_loaded: bool,
    pub stats: LoadStats,
}

fn yes() -> bool {
    true
}

impl Snapshot {
    /// Every part the app shows was read: group members and each permission set's
    /// definition (policies, boundary, tags). Only such a snapshot is kept for the app.
    pub fn is_complete(&self) -> bool {
        self.members_loaded && self.permission_sets.iter().all(|p| p.definition_loaded)
    }

    /// Distinct account × permission set pairs that hold at least one assignment.
    pub fn assignment_pairs(&self) -> u32 {
        self.assignments
            .iter()
            .map(|a| (&a.account_id, &a.permission_set_arn))
            .collect::<std::collections::BTreeSet<_>>()
            .len() as u32
    }

    /// Sorts every list the documented way and drops duplicate assignments (moto, and a
    /// repeated page, can return the same row twice).
    pub fn normalize(&mut self) {
        self.ous
            .sort_by(|a, b| a.path.cmp(&b.path).then(a.id.cmp(&b.id)));
        self.accounts
            .sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        for g in &mut self.groups {
            g.member_user_ids.sort();
            g.member_user_ids.dedup();
        }
        self.groups
            .sort_by(|a, b| a.display_name.cmp(&b.display_name).then(a.id.cmp(&b.id)));
        self.users
            .sort_by(|a, b| a.user_name.cmp(&b.user_name).then(a.id.cmp(&b.id)));
        for ps in &mut self.permission_sets {
            ps.normalize();
        }
        self.permission_sets
            .sort_by(|a, b| a.name.cmp(&b.name).then(a.arn.cmp(&b.arn)));
        self.assignments.sort();
        self.assignments.dedup();
    }
}

/// Account assignments (the matrix): load, cache, report.
impl Gatehouse {
    /// Reads the connected organisation from AWS, keeps it as the instance's last snapshot,
    /// and returns it.
    pub async fn load_snapshot(
        &self,
        options: LoadOptions,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<Snapshot> {
        let session = self.session().await?;
        let status = self.status().await.ok_or_else(Error::not_connected)?;
        let target = Target::from_identity(&session, &status.identity)?;
        let mut options = options;
        if options.pairs_hint.is_none() {
            options.pairs_hint = store::latest(self.store(), &target.instance_arn)?
                .map(|previous| previous.assignment_pairs());
        }
        let snapshot = load::load(&target, &options, progress, cancel).await?;
        store::save(self.store(), &snapshot)?;
        Ok(snapshot)
    }

    /// The last snapshot kept in SQLite: the connected instance's, or (before a connection
    /// is up) the newest of any instance, so the matrix can show at once. `None` when there
    /// is none yet.
    pub async fn cached_snapshot(&self) -> Result<Option<Snapshot>> {
        match self
            .status()
            .await
            .and_then(|s| s.identity.instance)
            .map(|i| i.instance_arn)
        {
            Some(arn) => store::latest(self.store(), &arn),
            None => store::newest(self.store()),
        }
    }

    /// Who has what, from the cached snapshot.
    pub async fn who_has_what(&self) -> Result<Vec<ReportRow>> {
        let snapshot = self.cached_snapshot().await?.ok_or_else(|| {
            Error::not_found(
                "There is no snapshot of the organization's access yet. Refresh the account \
                 assignments first.",
            )
        })?;
        Ok(who_has_what(&snapshot))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample() -> Snapshot {
        let ps = |arn: &str, name: &str| PermissionSetSummary {
            session_duration: Some("PT1H".into()),
            ..PermissionSetSummary::named(arn, name)
        };
        let a = |acct: &str, ps: &str, t: PrincipalType, p: &str| Assignment {
            account_id: acct.into(),
            permission_set_arn: ps.into(),
            principal_type: t,
            principal_id: p.into(),
        };
        Snapshot {
            taken_at: "2026-01-01T00:00:00Z".into(),
            instance_arn: "arn:aws:sso:::instance/ssoins-1".into(),
            identity_store_id: "d-1".into(),
            region: "eu-west-1".into(),
            management_account_id: Some("111111111111".into()),
            root_id: "r-1".into(),
            ous: vec![Ou {
                id: "ou-1".into(),
                name: "Workloads, \"prod\"".into(),
                parent_id: "r-1".into(),
                path: "/Workloads, \"prod\"".into(),
            }],
            accounts: vec![
                Account {
                    id: "222222222222".into(),
                    name: "payments".into(),
                    email: None,
                    status: Some("ACTIVE".into()),
                    ou_id: "ou-1".into(),
                    ou_path: "/Workloads, \"prod\"".into(),
                },
                Account {
                    id: "111111111111".into(),
                    name: "management".into(),
                    email: None,
                    status: Some("ACTIVE".into()),
                    ou_id: "r-1".into(),
                    ou_path: "/".into(),
                },
            ],
            groups: vec![
                Group {
                    id: "g-dev".into(),
                    display_name: "Developers".into(),
                    description: None,
                    member_user_ids: vec!["u-ana".into(), "u-ben".into()],
                },
                Group {
                    id: "g-empty".into(),
                    display_name: "Support".into(),
                    description: None,
                    member_user_ids: vec![],
                },
            ],
            users: vec![
                User {
                    id: "u-ana".into(),
                    user_name: "ana@x.com".into(),
                    display_name: Some("Ana".into()),
                    email: Some("ana@x.com".into()),
                },
                User {
                    id: "u-ben".into(),
                    user_name: "ben@x.com".into(),
                    display_name: Some("Ben".into()),
                    email: None,
                },
            ],
            permission_sets: vec![
                PermissionSetSummary {
                    description: Some("Full access".into()),
                    managed_policy_arns: vec![
                        "arn:aws:iam::aws:policy/AdministratorAccess".into()
                    ],
                    tags: vec![TagPair {
                        key: "owner".into(),
                        value: "platform".into(),
                    }],
                    ..ps("arn:ps-admin", "Admin")
                },
                PermissionSetSummary {
                    relay_state: Some("https://console.aws.amazon.com/s3/home".into()),
                    managed_policy_arns: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
                    customer_managed_policies: vec![CustomerPolicyRef {
                        name: "DenyPii".into(),
                        path: "/gatehouse/".into(),
                    }],
                    inline_policy: Some(
                        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::${aws:username}-private/*"}]}"#
                            .into(),
                    ),
                    permissions_boundary: Some(PermissionsBoundary::Managed {
                        arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
                    }),
                    ..ps("arn:ps-ro", "ReadOnly")
                },
            ],
            assignments: vec![
                a(
                    "222222222222",
                    "arn:ps-admin",
                    PrincipalType::Group,
                    "g-dev",
                ),
                // Ana also holds Admin there directly.
                a("222222222222", "arn:ps-admin", PrincipalType::User, "u-ana"),
                a("111111111111", "arn:ps-ro", PrincipalType::Group, "g-empty"),
                // A duplicate row, as moto returns after a repeated create.
                a(
                    "222222222222",
                    "arn:ps-admin",
                    PrincipalType::Group,
                    "g-dev",
                ),
            ],
            members_loaded: true,
            stats: LoadStats {
                requests: 0,
                requests_by_operation: BTreeMap::new(),
                strategy: AssignmentStrategy::PerPrincipal,
                strategy_reason: String::new(),
                throttled_retries: 0,
                seconds: 0.0,
            },
        }
    }

    #[test]
    fn normalize_sorts_and_drops_duplicate_assignments() {
        let mut s = sample();
        s.normalize();
        assert_eq!(s.assignments.len(), 3);
        assert_eq!(s.accounts[0].name, "management");
        let mut again = s.clone();
        again.normalize();
        assert_eq!(again, s, "normalize is idempotent");
    }

    #[test]
    fn grants_admin_by_managed_policy_or_an_inline_allow_star() {
        let admin = |managed: &[&str], inline: Option<&str>| {
            grants_admin(
                &managed.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                inline,
            )
        };
        assert!(admin(
            &["arn:aws:iam::aws:policy/AdministratorAccess"],
            None
        ));
        assert!(admin(
            &["arn:aws-us-gov:iam::aws:policy/AdministratorAccess"],
            None
        ));
        assert!(!admin(&["arn:aws:iam::aws:policy/ReadOnlyAccess"], None));
        // A customer policy in an account that happens to have the same name is not AWS's.
        assert!(!admin(
            &["arn:aws:iam::123456789012:policy/AdministratorAccess"],
            None
        ));
        assert!(!admin(
            &["arn:aws:iam::aws:policy/job-function/AdministratorAccess"],
            None
        ));
        let one = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
        assert!(admin(&[], Some(one)));
        let list = r#"{"Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":"*"},
            {"Effect":"Allow","Action":["ec2:*","*"],"Resource":"arn:aws:s3:::b"}]}"#;
        assert!(admin(&[], Some(list)), "a list holding * counts");
        let deny = r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
        assert!(!admin(&[], Some(deny)));
        let not_action = r#"{"Statement":[{"Effect":"Allow","NotAction":"*","Resource":"*"}]}"#;
        assert!(!admin(&[], Some(not_action)));
        let prefix = r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        assert!(!admin(&[], Some(prefix)));
        assert!(!admin(&[], Some("not json")));
        assert!(!admin(&[], Some(r#"{"Statement":"*"}"#)));

        let mut s = sample();
        s.normalize();
        let by_name: Vec<(&str, bool)> = s
            .permission_sets
            .iter()
            .map(|p| (p.name.as_str(), p.grants_admin))
            .collect();
        assert_eq!(by_name, [("Admin", true), ("ReadOnly", false)]);
    }

    #[test]
    fn snapshots_kept_before_definitions_were_read_still_load() {
        let mut v = serde_json::to_value(sample()).unwrap();
        for ps in v["permission_sets"].as_array_mut().unwrap() {
            let ps = ps.as_object_mut().unwrap();
            ps.retain(|k, _| {
                ["arn", "name", "session_duration", "description"].contains(&k.as_str())
            });
        }
        let s: Snapshot = serde_json::from_value(v).unwrap();
        let ro = &s.permission_sets[1];
        assert_eq!(ro.name, "ReadOnly");
        assert!(ro.managed_policy_arns.is_empty() && ro.inline_policy.is_none());
        assert!(ro.permissions_boundary.is_none() && ro.tags.is_empty() && !ro.grants_admin);
        assert!(
            !ro.definition_loaded,
            "an old snapshot does not know the definitions"
        );
        assert!(sample().permission_sets[1].definition_loaded);
    }

    #[test]
    fn serialises_principal_types_as_aws_does() {
        let v = serde_json::to_value(&sample().assignments[1]).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "account_id": "222222222222",
                "permission_set_arn": "arn:ps-admin",
                "principal_type": "USER",
                "principal_id": "u-ana"
            })
        );
        let s: Snapshot = serde_json::from_value(serde_json::to_value(sample()).unwrap()).unwrap();
        assert_eq!(s, sample(), "round-trips through JSON (SQLite)");
    }
}
