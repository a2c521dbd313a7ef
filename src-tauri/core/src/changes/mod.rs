//! Account assignment changes: staged in the matrix, planned against AWS (drift, no-ops,
//! what a delegated administrator cannot do), applied within AWS's limits, persisted item by
//! item so an interrupted apply resumes without duplicates, and kept as the audit log.
//!
//! Parse, then plan, then apply: a [`StagedChange`] is what the admin asked for; the
//! [`ChangePlan`] (a dry run that reads AWS) says what will be sent, what will not and why,
//! and what changed in AWS since the snapshot; apply sends only the plan's `send` lines.
//!
//! | module | what |
//! |---|---|
//! | `mod.rs` | the IPC types and the `Gatehouse` facade |
//! | [`plan`] | the pure planning rules (no-ops, blocked changes, drift) |
//! | [`apply`] | the engine: bounded outstanding requests, pacing, polling, retries, resume |
//! | [`aws`] | the engine's AWS calls (sso-admin without SDK retries: the engine decides) |
//! | [`store`] | change sets and their items in SQLite: the crash journal and the audit log |

pub mod apply;
pub mod aws;
pub mod plan;
pub mod store;

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::gatehouse::Gatehouse;
use crate::progress::{CancellationToken, Progress, ProgressSink};
use crate::snapshot::{self, Assignment, Snapshot};
use aws::AssignmentApi;

/// Create or delete one account assignment.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    Create,
    Delete,
}

impl ChangeOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Create => "create",
            ChangeOp::Delete => "delete",
        }
    }
}

/// One change the admin staged in the matrix (nothing is sent until Apply).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
pub struct StagedChange {
    pub op: ChangeOp,
    pub assignment: Assignment,
}

/// A change with the names an admin reads (from the snapshot; ids when a name is unknown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ChangeLine {
    pub op: ChangeOp,
    pub assignment: Assignment,
    pub account_name: String,
    pub permission_set_name: String,
    pub principal_name: String,
}

impl ChangeLine {
    pub fn staged(&self) -> StagedChange {
        StagedChange {
            op: self.op,
            assignment: self.assignment.clone(),
        }
    }

    /// "Create: Developers → AdministratorAccess in prod-app (111111111111)".
    pub fn describe(&self) -> String {
        format!(
            "{} {} → {} in {} ({})",
            match self.op {
                ChangeOp::Create => "Assign",
                ChangeOp::Delete => "Remove",
            },
            self.principal_name,
            self.permission_set_name,
            self.account_name,
            self.assignment.account_id
        )
    }
}

/// A staged change that will not be sent, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct HeldChange {
    pub line: ChangeLine,
    pub reason: String,
}

/// How AWS differs from the snapshot for an assignment the plan looked at.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// In AWS now, not in the snapshot: someone assigned it elsewhere since.
    AddedElsewhere,
    /// In the snapshot, not in AWS now: someone removed it elsewhere since.
    RemovedElsewhere,
}

/// An assignment that changed in AWS since the snapshot (in an account × permission set the
/// plan touches). Shown before apply; never overwritten silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Drift {
    pub kind: DriftKind,
    pub account_name: String,
    pub permission_set_name: String,
    pub principal_name: String,
    pub assignment: Assignment,
}

/// How fast apply may go. AWS allows at most 15 outstanding asynchronous
/// CreateAccountAssignment calls and about 20 sso-admin requests per second in total.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ApplySettings {
    /// Creations and deletions sent and not finished yet, at most (1–15).
    pub max_outstanding: u32,
    /// sso-admin requests per second, at most (1–20), status polls included.
    pub requests_per_second: u32,
}

impl Default for ApplySettings {
    fn default() -> Self {
        Self {
            max_outstanding: 15,
            requests_per_second: 20,
        }
    }
}

impl ApplySettings {
    pub const MAX_OUTSTANDING: u32 = 15;
    pub const MAX_REQUESTS_PER_SECOND: u32 = 20;

    pub fn validate(&self) -> Result<()> {
        if !(1..=Self::MAX_OUTSTANDING).contains(&self.max_outstanding) {
            return Err(Error::validation(format!(
                "Outstanding requests must be between 1 and {} (AWS allows at most {} \
                 outstanding account assignment creations).",
                Self::MAX_OUTSTANDING,
                Self::MAX_OUTSTANDING
            )));
        }
        if !(1..=Self::MAX_REQUESTS_PER_SECOND).contains(&self.requests_per_second) {
            return Err(Error::validation(format!(
                "Requests per second must be between 1 and {} (IAM Identity Center allows \
                 about {} per second for the whole account).",
                Self::MAX_REQUESTS_PER_SECOND,
                Self::MAX_REQUESTS_PER_SECOND
            )));
        }
        Ok(())
    }
}

/// The preview the admin approves: what apply will send, what it will not and why, and what
/// changed in AWS since the snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ChangePlan {
    /// The snapshot the changes were staged on (RFC 3339).
    pub snapshot_taken_at: String,
    /// When AWS was read for this plan (RFC 3339).
    pub checked_at: String,
    /// Sent by apply, in this order (deletions first).
    pub send: Vec<ChangeLine>,
    /// Already as asked in AWS (assigned or removed elsewhere since the snapshot): not sent.
    pub skipped: Vec<HeldChange>,
    /// Cannot be made from this connection (e.g. a delegated administrator and the
    /// management account) or refer to something that no longer exists: not sent.
    pub blocked: Vec<HeldChange>,
    /// Assignments that differ between the snapshot and AWS now, in the accounts and
    /// permission sets this plan touches.
    pub drift: Vec<Drift>,
    pub creates: u32,
    pub deletes: u32,
    pub settings: ApplySettings,
    /// Requests apply will send at least (one per change plus one status poll each).
    pub estimated_requests: u32,
    /// At the configured rate, without throttling.
    pub estimated_seconds: f64,
    /// AWS requests this plan itself sent (to read the current state).
    pub requests_sent: u32,
}

/// Where one item of a change set stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Not sent yet.
    Pending,
    /// The request may be on its way (written before the call): resume checks AWS first.
    Sending,
    /// AWS accepted it and is working on it (`request_id` is set).
    InProgress,
    Succeeded,
    /// AWS already held the wanted state (found when resuming or retrying): nothing sent.
    AlreadyDone,
    /// AWS refused or failed it; `reason` says why.
    Failed,
    /// Not sent because the apply was cancelled or discarded.
    NotAttempted,
}

impl ItemStatus {
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            ItemStatus::Succeeded | ItemStatus::AlreadyDone | ItemStatus::Failed
        )
    }

    pub fn is_success(self) -> bool {
        matches!(self, ItemStatus::Succeeded | ItemStatus::AlreadyDone)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Pending => "pending",
            ItemStatus::Sending => "sending",
            ItemStatus::InProgress => "in_progress",
            ItemStatus::Succeeded => "succeeded",
            ItemStatus::AlreadyDone => "already_done",
            ItemStatus::Failed => "failed",
            ItemStatus::NotAttempted => "not_attempted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => ItemStatus::Pending,
            "sending" => ItemStatus::Sending,
            "in_progress" => ItemStatus::InProgress,
            "succeeded" => ItemStatus::Succeeded,
            "already_done" => ItemStatus::AlreadyDone,
            "failed" => ItemStatus::Failed,
            "not_attempted" => ItemStatus::NotAttempted,
            _ => return None,
        })
    }
}

/// One change of a change set and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ChangeItem {
    pub index: u32,
    pub line: ChangeLine,
    pub status: ItemStatus,
    /// AWS's failure reason (or why it was not attempted).
    pub reason: Option<String>,
    /// Requests sent for it (creation/deletion calls, retries included).
    pub attempts: u32,
    pub request_id: Option<String>,
    pub updated_at: String,
}

/// Where a change set stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ChangeSetStatus {
    /// Being applied now (or the process died while applying: then it reads as interrupted).
    Running,
    /// Stopped before every item finished (crash, closed window, lost connection): resume it.
    Interrupted,
    /// The admin cancelled; unsent items are not attempted.
    Cancelled,
    /// Every item succeeded.
    Completed,
    /// Every item finished; some failed.
    CompletedWithFailures,
    /// The admin discarded an interrupted change set; unfinished items were not applied.
    Discarded,
}

impl ChangeSetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeSetStatus::Running => "running",
            ChangeSetStatus::Interrupted => "interrupted",
            ChangeSetStatus::Cancelled => "cancelled",
            ChangeSetStatus::Completed => "completed",
            ChangeSetStatus::CompletedWithFailures => "completed_with_failures",
            ChangeSetStatus::Discarded => "discarded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "running" => ChangeSetStatus::Running,
            "interrupted" => ChangeSetStatus::Interrupted,
            "cancelled" => ChangeSetStatus::Cancelled,
            "completed" => ChangeSetStatus::Completed,
            "completed_with_failures" => ChangeSetStatus::CompletedWithFailures,
            "discarded" => ChangeSetStatus::Discarded,
            _ => return None,
        })
    }
}

/// Item counts of a change set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ChangeCounts {
    pub total: u32,
    pub creates: u32,
    pub deletes: u32,
    /// Succeeded or already done.
    pub succeeded: u32,
    pub failed: u32,
    /// Pending, sending or in progress.
    pub unfinished: u32,
    pub not_attempted: u32,
}

impl ChangeCounts {
    pub fn of(items: &[ChangeItem]) -> Self {
        let mut c = ChangeCounts {
            total: items.len() as u32,
            ..Default::default()
        };
        for i in items {
            match i.line.op {
                ChangeOp::Create => c.creates += 1,
                ChangeOp::Delete => c.deletes += 1,
            }
            match i.status {
                s if s.is_success() => c.succeeded += 1,
                ItemStatus::Failed => c.failed += 1,
                ItemStatus::NotAttempted => c.not_attempted += 1,
                _ => c.unfinished += 1,
            }
        }
        c
    }
}

/// One entry of the audit log: who applied which change set, when, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ChangeSetSummary {
    pub id: String,
    /// The caller's ARN (from STS) when the change set was applied.
    pub caller_arn: String,
    pub account_id: String,
    pub instance_arn: String,
    pub region: String,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
    pub finished_at: Option<String>,
    pub status: ChangeSetStatus,
    pub counts: ChangeCounts,
    /// Set when the change set stopped on an error that ended the whole run.
    pub message: Option<String>,
}

/// A change set with every item: the crash journal and the audit log's detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ChangeSet {
    pub summary: ChangeSetSummary,
    pub items: Vec<ChangeItem>,
}

/// A progress event of apply: the running totals and, when an item moved, that item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ApplyEvent {
    pub change_set_id: String,
    pub done: u32,
    pub total: u32,
    pub succeeded: u32,
    pub failed: u32,
    pub in_flight: u32,
    pub message: String,
    pub item: Option<ItemUpdate>,
}

/// One item's new state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ItemUpdate {
    pub index: u32,
    pub status: ItemStatus,
    pub reason: Option<String>,
}

/// Receives apply's progress (the UI's channel, the CLI's stderr).
pub trait ApplySink: Send + Sync {
    fn send(&self, event: ApplyEvent);
}

impl<F: Fn(ApplyEvent) + Send + Sync> ApplySink for F {
    fn send(&self, event: ApplyEvent) {
        self(event)
    }
}

/// Adapts a plain progress sink (e.g. the CLI's) to apply events.
pub fn progress_as_apply_sink(sink: Arc<dyn ProgressSink>) -> Arc<dyn ApplySink> {
    Arc::new(move |e: ApplyEvent| {
        sink.report(Progress {
            done: e.done,
            total: e.total,
            message: e.message,
        })
    })
}

/// Account assignment changes: plan, apply, resume, audit log.
impl Gatehouse {
    /// The connected instance's last snapshot, or an error saying to refresh first.
    async fn snapshot_for_changes(&self) -> Result<Snapshot> {
        let status = self.status().await.ok_or_else(Error::not_connected)?;
        let arn = status
            .identity
            .instance
            .as_ref()
            .map(|i| i.instance_arn.clone())
            .ok_or_else(|| {
                Error::not_found(
                    "This connection has no IAM Identity Center instance, so there are no \
                     account assignments to change.",
                )
            })?;
        snapshot::store::latest(self.store(), &arn)?.ok_or_else(|| {
            Error::not_found(
                "There is no snapshot of the organization's access yet. Refresh the account \
                 assignments first.",
            )
        })
    }

    async fn change_context(&self) -> Result<(aws::AssignmentClient, plan::Caller, Snapshot)> {
        let session = self.session().await?;
        let status = self.status().await.ok_or_else(Error::not_connected)?;
        let snapshot = self.snapshot_for_changes().await?;
        let caller = plan::Caller::from_identity(&status.identity, &snapshot);
        let client = aws::AssignmentClient::new(
            &session,
            &snapshot.instance_arn,
            &snapshot.region,
            self.apply_settings()?,
        );
        Ok((client, caller, snapshot))
    }

    /// Plans `changes` against AWS now: reads every touched account × permission set.
    async fn plan_against_aws(
        &self,
        client: &aws::AssignmentClient,
        caller: &plan::Caller,
        snapshot: &Snapshot,
        changes: &[StagedChange],
    ) -> Result<ChangePlan> {
        let pairs: BTreeSet<(String, String)> = changes
            .iter()
            .map(|c| {
                (
                    c.assignment.account_id.clone(),
                    c.assignment.permission_set_arn.clone(),
                )
            })
            .collect();
        let live = client.current_assignments(&pairs).await?;
        let mut plan = plan::plan(
            snapshot,
            changes,
            caller,
            Some(&live),
            self.apply_settings()?,
        );
        plan.requests_sent = client.requests_sent();
        Ok(plan)
    }

    /// The dry run: reads the current assignments of every account × permission set the
    /// changes touch and says what apply would send.
    pub async fn plan_assignment_changes(&self, changes: Vec<StagedChange>) -> Result<ChangePlan> {
        let (client, caller, snapshot) = self.change_context().await?;
        self.plan_against_aws(&client, &caller, &snapshot, &changes)
            .await
    }

    /// Applies `changes` (normally the plan's `send` lines, re-planned here against AWS
    /// first so nothing stale is sent): the change set is saved before the first call and
    /// updated as items finish.
    pub async fn apply_assignment_changes(
        &self,
        changes: Vec<StagedChange>,
        sink: Arc<dyn ApplySink>,
        cancel: CancellationToken,
    ) -> Result<ChangeSet> {
        let (client, caller, snapshot) = self.change_context().await?;
        let plan = self
            .plan_against_aws(&client, &caller, &snapshot, &changes)
            .await?;
        if plan.send.is_empty() {
            return Err(Error::validation(if plan.blocked.is_empty() {
                "Nothing to apply: AWS already holds every staged change.".to_owned()
            } else {
                format!(
                    "Nothing can be applied: {}",
                    plan.blocked
                        .iter()
                        .map(|h| h.reason.as_str())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            }));
        }
        if let Some((other, n)) =
            store::unfinished_overlap(self.store(), &snapshot.instance_arn, &plan.send)?
        {
            return Err(Error::new(
                crate::ErrorKind::Conflict,
                format!(
                    "{n} of these changes are still unfinished in change set {other} (running, \
                     or interrupted). Resume or discard it first, so nothing is sent twice."
                ),
            ));
        }
        let set = store::create(self.store(), &caller, &snapshot, &plan.send, &plan.skipped)?;
        let result = apply::run(self.store(), &client, &set.summary.id, sink, cancel, false).await;
        self.finish_apply(&set.summary.id, result).await
    }

    /// Sends again every item of a finished change set that failed or was not attempted
    /// (checking AWS first, so nothing is sent twice).
    pub async fn retry_change_set(
        &self,
        id: &str,
        sink: Arc<dyn ApplySink>,
        cancel: CancellationToken,
    ) -> Result<ChangeSet> {
        let (client, _caller, snapshot) = self.change_context().await?;
        self.same_instance(id, &snapshot)?;
        store::reopen_for_retry(self.store(), id)?;
        let result = apply::run(self.store(), &client, id, sink, cancel, true).await;
        self.finish_apply(id, result).await
    }

    /// Resumes an interrupted change set: every unfinished item is checked against AWS
    /// before anything is sent again.
    pub async fn resume_change_set(
        &self,
        id: &str,
        sink: Arc<dyn ApplySink>,
        cancel: CancellationToken,
    ) -> Result<ChangeSet> {
        let (client, _caller, snapshot) = self.change_context().await?;
        self.same_instance(id, &snapshot)?;
        store::reopen_for_resume(self.store(), id)?;
        let result = apply::run(self.store(), &client, id, sink, cancel, true).await;
        self.finish_apply(id, result).await
    }

    /// Folds what succeeded into the cached snapshot (so the matrix shows it without a full
    /// refresh) and returns the change set as saved.
    async fn finish_apply(&self, id: &str, result: Result<()>) -> Result<ChangeSet> {
        let set = store::load(self.store(), id)?;
        if let Some(mut snap) = snapshot::store::latest(self.store(), &set.summary.instance_arn)? {
            let done: Vec<StagedChange> = set
                .items
                .iter()
                .filter(|i| i.status.is_success())
                .map(|i| i.line.staged())
                .collect();
            plan::fold_into(&mut snap, &done);
            snapshot::store::save(self.store(), &snap)?;
        }
        match result {
            Ok(()) => Ok(set),
            Err(e) if e.kind == crate::ErrorKind::Cancelled => Ok(set),
            Err(e) => Err(e),
        }
    }

    /// The connected Identity Center instance, if any.
    async fn connected_instance_arn(&self) -> Option<String> {
        self.status()
            .await
            .and_then(|s| s.identity.instance)
            .map(|i| i.instance_arn)
    }

    /// A change set is sent only through a connection to its own instance.
    fn same_instance(&self, id: &str, snapshot: &Snapshot) -> Result<()> {
        let set = store::load(self.store(), id)?;
        if set.summary.instance_arn != snapshot.instance_arn {
            return Err(Error::new(
                crate::ErrorKind::Conflict,
                format!(
                    "Change set {id} was made for IAM Identity Center instance {} ({}); this \
                     connection is to {}. Connect to that instance to resume or retry it.",
                    set.summary.instance_arn, set.summary.region, snapshot.instance_arn
                ),
            ));
        }
        Ok(())
    }

    /// The change set of the connected instance (of any, before a connection is up) left
    /// unfinished by a crash or a closed window, if any (the newest).
    pub async fn interrupted_change_set(&self) -> Result<Option<ChangeSet>> {
        let instance = self.connected_instance_arn().await;
        store::interrupted(self.store(), instance.as_deref())
    }

    /// The newest change set of the connected instance (of any, before a connection is up)
    /// that is not finished: `running` — applied right now by a process whose heartbeat is
    /// fresh (this one, the CLI, another window; or one that crashed a moment ago, which
    /// reads as interrupted once its heartbeat is stale) — or `interrupted`.
    pub async fn unfinished_change_set(&self) -> Result<Option<ChangeSet>> {
        let instance = self.connected_instance_arn().await;
        store::newest_unfinished(
            self.store(),
            instance.as_deref(),
            &[ChangeSetStatus::Running, ChangeSetStatus::Interrupted],
        )
    }

    /// Gives up an interrupted change set. Items that may have been sent are first looked up
    /// in AWS (when connected to the set's instance): one found done is recorded as
    /// succeeded (and folded into the kept snapshot), one AWS is still working on says so,
    /// one not there is not attempted. Without a connection they are recorded as unknown
    /// ("may have reached AWS"); never-sent items are not attempted.
    pub async fn discard_change_set(&self, id: &str) -> Result<ChangeSet> {
        let set = store::load(self.store(), id)?;
        if set.summary.status != ChangeSetStatus::Interrupted {
            // Let the store's claim say why (running elsewhere, already finished).
            return store::discard(self.store(), id, &[]);
        }
        let maybe_sent = set
            .items
            .iter()
            .any(|i| matches!(i.status, ItemStatus::Sending | ItemStatus::InProgress));
        let mut looked = Vec::new();
        if maybe_sent {
            if let Ok((client, _caller, snapshot)) = self.change_context().await {
                if self.same_instance(id, &snapshot).is_ok() {
                    looked = apply::look_before_discard(&client, &set.items).await;
                }
            }
        }
        store::discard(self.store(), id, &looked)?;
        self.finish_apply(id, Ok(())).await
    }

    /// The audit log, newest first.
    pub fn activity_log(&self, limit: u32) -> Result<Vec<ChangeSetSummary>> {
        store::list(self.store(), limit)
    }

    pub fn change_set(&self, id: &str) -> Result<ChangeSet> {
        store::load(self.store(), id)
    }

    pub fn apply_settings(&self) -> Result<ApplySettings> {
        Ok(self
            .store()
            .get_json::<ApplySettings>(crate::store::keys::APPLY_SETTINGS)?
            .filter(|s| s.validate().is_ok())
            .unwrap_or_default())
    }

    pub fn save_apply_settings(&self, settings: ApplySettings) -> Result<ApplySettings> {
        settings.validate()?;
        self.store()
            .put_json(crate::store::keys::APPLY_SETTINGS, &settings)?;
        Ok(settings)
    }
}
