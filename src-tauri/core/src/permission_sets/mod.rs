//! Permission sets: list, read, create, edit, provision and delete, with every policy kind
//! IAM Identity Center offers (AWS managed, customer managed references, one inline policy,
//! a permissions boundary) and tags.
//!
//! Changing a permission set takes many sso-admin calls, any of which can fail or be
//! throttled, and nothing reaches the accounts until it is provisioned. So a save is a
//! previewed change: [`plan::plan`] diffs the current state against the desired one and
//! lists only the calls needed, each described for the admin; [`apply::apply`] runs them in
//! order and reports exactly which succeeded, which failed (with AWS's reason) and which were
//! not attempted, then re-reads the set from AWS. Provisioning and deletion (with the
//! assignments that must go first) follow the same pattern.
//!
//! | module | what |
//! |---|---|
//! | `mod.rs` | the IPC types and the `Gatehouse` facade |
//! | [`read`] | reading sets, their policies, where they are used |
//! | [`validate`] | field checks before anything is sent |
//! | [`policy`] | inline policy validation (syntax, IAM grammar, size) |
//! | [`templates`] | job-function templates, the bundled managed policy list |
//! | [`plan`] | the diff: only the calls needed, in a safe order |
//! | [`apply`] | running a plan, provisioning, polling, retries |

pub mod apply;
pub mod plan;
pub mod policy;
pub mod read;
pub mod templates;
pub mod validate;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::aws::{AwsSession, InstanceInfo};
use crate::error::{Error, Result};
use crate::gatehouse::Gatehouse;
use crate::progress::{CancellationToken, ProgressSink};

pub use apply::{ApplyReport, ProvisionReport, ProvisionTarget};
pub use plan::{DeletePlan, Plan};

/// A customer managed policy reference: a policy with this name and path must exist in every
/// account the set is provisioned to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
pub struct CustomerPolicyRef {
    pub name: String,
    /// `/` or `/some/path/`.
    pub path: String,
}

/// The permissions boundary of the roles the set creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PermissionsBoundary {
    /// An AWS managed policy.
    Managed { arn: String },
    /// A customer managed policy that must exist in every account.
    CustomerManaged { name: String, path: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TagPair {
    pub key: String,
    pub value: String,
}

/// Everything about a permission set that Gatehouse can change: the form's contents, and what
/// the plan compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PermissionSetState {
    /// 1–32 characters of `[\w+=,.@-]`; cannot be changed after creation.
    pub name: String,
    pub description: Option<String>,
    /// ISO 8601 (`PT1H`, `PT1H30M`); plain hours (`4`, `1.5`) are accepted and normalised.
    pub session_duration: String,
    /// The https URL the console opens after sign-in.
    pub relay_state: Option<String>,
    /// AWS managed policy ARNs.
    pub managed_policies: Vec<String>,
    pub customer_managed_policies: Vec<CustomerPolicyRef>,
    /// The inline policy document, if any.
    pub inline_policy: Option<String>,
    pub permissions_boundary: Option<PermissionsBoundary>,
    pub tags: Vec<TagPair>,
}

/// One permission set in the list.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PermissionSetSummary {
    pub arn: String,
    pub name: String,
    pub description: Option<String>,
    /// As AWS stores it (ISO 8601).
    pub session_duration: Option<String>,
    /// The same in hours, for display (e.g. 1.5).
    pub session_hours: Option<f64>,
    pub relay_state: Option<String>,
    /// RFC 3339.
    pub created_at: Option<String>,
    pub managed_policy_count: u32,
    pub customer_managed_policy_count: u32,
    pub provisioned_account_count: u32,
}

/// One permission set as read from AWS.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PermissionSetDetails {
    pub arn: String,
    /// RFC 3339.
    pub created_at: Option<String>,
    pub session_hours: Option<f64>,
    pub state: PermissionSetState,
    /// Accounts the set is provisioned to (ListAccountsForProvisionedPermissionSet).
    pub provisioned_account_ids: Vec<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    User,
    Group,
}

/// A user or group holding the set in an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PrincipalRef {
    pub kind: PrincipalKind,
    /// The Identity Store id.
    pub id: String,
    /// Display name (users and groups), if the Identity Store still knows the principal.
    pub display_name: Option<String>,
    /// The user name (users only).
    pub user_name: Option<String>,
    /// False when the principal could not be found (deleted from the directory).
    pub resolved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AccountUsage {
    pub account_id: String,
    /// From AWS Organizations, when it could be read.
    pub account_name: Option<String>,
    pub principals: Vec<PrincipalRef>,
}

/// Where a permission set is used: the accounts it is provisioned to and who holds it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PermissionSetUsage {
    pub permission_set_arn: String,
    pub name: String,
    /// Every account the set is provisioned to, including those with no assignment left.
    pub accounts: Vec<AccountUsage>,
    pub assignment_count: u32,
    /// Principals whose names could not be read (deleted, or no identitystore permission).
    pub unresolved_principal_count: u32,
}

/// The short id the console shows (`ps-…`).
pub fn short_id(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Permission sets (the facade the app and CLI call).
impl Gatehouse {
    /// The session in the instance's region, and the instance.
    async fn instance_context(&self) -> Result<(AwsSession, InstanceInfo)> {
        let session = self.session().await?;
        let status = self.status().await.ok_or_else(Error::not_connected)?;
        let instance = status.identity.instance.ok_or_else(|| {
            Error::not_found(format!(
                "There is no IAM Identity Center instance in {} for this connection, so there \
                 are no permission sets to manage. Connect to the region of your instance (the \
                 connection dialog can search every region).",
                status.identity.region
            ))
        })?;
        let session = if session.region() == instance.region {
            session
        } else {
            session.in_region(&instance.region)
        };
        Ok((session, instance))
    }

    pub async fn list_permission_sets(
        &self,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<Vec<PermissionSetSummary>> {
        let (session, instance) = self.instance_context().await?;
        read::list_summaries(&session, &instance.instance_arn, progress, cancel).await
    }

    pub async fn get_permission_set(&self, arn: &str) -> Result<PermissionSetDetails> {
        let (session, instance) = self.instance_context().await?;
        read::details(&session, &instance.instance_arn, arn).await
    }

    /// Reads the current set (when `current_arn` is given) fresh from AWS and plans the
    /// change to `desired`. Nothing is changed.
    pub async fn plan_permission_set(
        &self,
        current_arn: Option<String>,
        desired: PermissionSetState,
    ) -> Result<Plan> {
        let (session, instance) = self.instance_context().await?;
        let current = match current_arn {
            Some(arn) => Some(read::details(&session, &instance.instance_arn, &arn).await?),
            None => None,
        };
        plan::plan(&instance.instance_arn, current.as_ref(), desired)
    }

    /// Runs a create/update plan. A delete plan is refused (see [`Self::apply_delete_plan`]).
    pub async fn apply_permission_set_plan(
        &self,
        plan: Plan,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<ApplyReport> {
        if plan.kind == plan::PlanKind::Delete {
            return Err(Error::validation(
                "This is a delete plan; it is applied from the Delete dialog.",
            ));
        }
        self.run_plan(plan, progress, cancel).await
    }

    /// Runs a delete plan from [`Self::plan_delete_permission_set`].
    pub async fn apply_delete_plan(
        &self,
        plan: Plan,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<ApplyReport> {
        if plan.kind != plan::PlanKind::Delete {
            return Err(Error::validation(
                "This is not a delete plan; it is applied with Save.",
            ));
        }
        self.run_plan(plan, progress, cancel).await
    }

    async fn run_plan(
        &self,
        plan: Plan,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<ApplyReport> {
        let (session, instance) = self.instance_context().await?;
        if plan.instance_arn != instance.instance_arn {
            return Err(Error::validation(
                "This plan was made for another IAM Identity Center instance than the one you are \
                 connected to. Plan the change again.",
            ));
        }
        Ok(apply::apply(
            &session,
            &plan,
            &apply::ApplyOptions::default(),
            progress,
            cancel,
        )
        .await)
    }

    /// Provisions the set (pushes its current definition to the accounts) and waits for AWS.
    pub async fn provision_permission_set(
        &self,
        arn: &str,
        target: ProvisionTarget,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<ProvisionReport> {
        let (session, instance) = self.instance_context().await?;
        apply::provision(
            &session,
            &instance.instance_arn,
            arn,
            target,
            &apply::ApplyOptions::default(),
            progress,
            cancel,
        )
        .await
    }

    /// Where the set is used: accounts, and the users and groups holding it there (by name).
    pub async fn permission_set_usage(&self, arn: &str) -> Result<PermissionSetUsage> {
        let (session, instance) = self.instance_context().await?;
        read::usage(
            &session,
            &instance.instance_arn,
            &instance.identity_store_id,
            arn,
        )
        .await
    }

    /// Plans deleting the set: every assignment first, then the set itself.
    pub async fn plan_delete_permission_set(&self, arn: &str) -> Result<DeletePlan> {
        let usage = self.permission_set_usage(arn).await?;
        let (_, instance) = self.instance_context().await?;
        Ok(plan::plan_delete(&instance.instance_arn, usage))
    }
}
