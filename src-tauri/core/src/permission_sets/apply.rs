//! Running plans, provisioning, and waiting for AWS's asynchronous operations.
//!
//! A plan's steps run in order and stop at the first failure, so the report can say exactly
//! which calls succeeded, which failed (with AWS's reason) and which were not attempted; the
//! set is then re-read from AWS, so the admin sees what is really there. sso-admin allows
//! ~20 requests per second for the whole instance: the SDK's retry (standard mode, see
//! `AwsSession`) absorbs short bursts of throttling, and a ThrottlingException that survives
//! it is retried here a few more times with a growing pause before a step counts as failed.
//!
//! Assignment deletions and provisioning are asynchronous at AWS: the call answers
//! IN_PROGRESS and Gatehouse polls the matching Describe*Status until SUCCEEDED or FAILED
//! (FAILED carries AWS's reason, shown as is). Independent assignment deletions run a few at
//! a time; ProvisionPermissionSet runs at most three at once (AWS's limit). Cancelling stops
//! starting new calls; a request AWS already accepted cannot be recalled, so it is reported
//! as not confirmed rather than as failed.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use aws_sdk_ssoadmin::types::{
    CustomerManagedPolicyReference, PermissionsBoundary as SdkBoundary, PrincipalType,
    ProvisionTargetType, StatusValues, Tag, TargetType,
};
use futures::StreamExt;
use serde::{Deserialize, Serialize};

use super::plan::{Plan, PlanChange, PlanKind, PlanStep};
use super::{read, CustomerPolicyRef, PermissionSetDetails, PermissionsBoundary, PrincipalKind};
use crate::aws::AwsSession;
use crate::error::{Error, ErrorKind, Result};
use crate::progress::{CancellationToken, Progress, ProgressSink};

/// How hard to try. The defaults suit AWS; tests shorten the pauses.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Pauses before re-running a call that stayed throttled after the SDK's own retries.
    /// Its length is the number of extra attempts.
    pub throttle_retry_delays: Vec<Duration>,
    /// First pause between status polls; it doubles up to `poll_max`.
    pub poll_initial: Duration,
    pub poll_max: Duration,
    /// How long to wait for AWS to finish one asynchronous request.
    pub poll_timeout: Duration,
    /// Assignment deletions in flight at once.
    pub assignment_concurrency: usize,
    /// ProvisionPermissionSet requests in flight at once (AWS allows 3).
    pub provision_concurrency: usize,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            throttle_retry_delays: vec![
                Duration::from_secs(2),
                Duration::from_secs(5),
                Duration::from_secs(10),
            ],
            poll_initial: Duration::from_secs(1),
            poll_max: Duration::from_secs(5),
            poll_timeout: Duration::from_secs(15 * 60),
            assignment_concurrency: 5,
            provision_concurrency: 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PlanStepStatus {
    Succeeded,
    /// AWS refused it; `error` says why.
    Failed,
    /// Not sent, because an earlier step failed or the admin cancelled.
    NotAttempted,
    /// Sent and accepted, but AWS had not confirmed the result when Gatehouse stopped waiting.
    Unconfirmed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PlanStepResult {
    /// Position in the plan's `steps`.
    pub index: u32,
    pub action: String,
    pub description: String,
    pub status: PlanStepStatus,
    /// Times the call was sent at plan level (each of which the SDK may have retried).
    pub attempts: u32,
    /// For `failed` and `unconfirmed`: AWS's reason, in `message`/`detail`.
    pub error: Option<Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ApplyOutcome {
    /// Everything was done.
    Succeeded,
    /// There was nothing to do.
    NothingToDo,
    /// Some calls succeeded, then one failed; the rest were not attempted.
    PartiallyFailed,
    /// Nothing succeeded.
    Failed,
    /// The admin cancelled; see the steps for what was done.
    Cancelled,
}

/// What applying a plan did, call by call, and the set as AWS has it afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ApplyReport {
    pub outcome: ApplyOutcome,
    /// One or two sentences for the admin.
    pub message: String,
    /// The set's ARN (also when this plan created it).
    pub permission_set_arn: Option<String>,
    pub steps: Vec<PlanStepResult>,
    pub succeeded: u32,
    pub failed: u32,
    pub not_attempted: u32,
    /// The set re-read from AWS afterwards; None when it does not exist (deleted, or never
    /// created) or could not be read (`reread_error`).
    pub state: Option<PermissionSetDetails>,
    pub reread_error: Option<Error>,
    /// The saved change reaches the accounts only after provisioning.
    pub needs_provisioning: bool,
    pub provisioned_account_count: u32,
}

/// Runs `call`, re-running it after each of `delays` while AWS keeps throttling. Returns the
/// result and how many times the call ran.
pub async fn retry_throttled<T, F, Fut>(
    delays: &[Duration],
    cancel: &CancellationToken,
    mut call: F,
) -> (Result<T>, u32)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        match call().await {
            Err(e) if e.kind == ErrorKind::Throttled && (attempts as usize) <= delays.len() => {
                let pause = delays[attempts as usize - 1];
                tracing::info!(
                    "still throttled after the SDK's retries; trying again in {pause:?} ({})",
                    e.message
                );
                tokio::select! {
                    _ = cancel.cancelled() => return (Err(Error::cancelled()), attempts),
                    _ = tokio::time::sleep(pause) => {}
                }
            }
            other => return (other, attempts),
        }
    }
}

fn customer_ref(c: &CustomerPolicyRef) -> Result<CustomerManagedPolicyReference> {
    CustomerManagedPolicyReference::builder()
        .name(&c.name)
        .path(&c.path)
        .build()
        .map_err(|e| {
            Error::internal("Could not build the policy reference.").with_detail(e.to_string())
        })
}

fn principal_type(k: PrincipalKind) -> PrincipalType {
    match k {
        PrincipalKind::User => PrincipalType::User,
        PrincipalKind::Group => PrincipalType::Group,
    }
}

/// One call of a step (not the polling). Returns the ARN a create produced, or the request
/// id of an asynchronous call.
async fn call(
    session: &AwsSession,
    instance_arn: &str,
    arn: Option<&str>,
    change: &PlanChange,
) -> Result<Option<String>> {
    let sso = session.sso_admin();
    let action = change.action();
    let need_arn = || {
        arn.map(str::to_owned).ok_or_else(|| {
            Error::internal("This step needs the permission set, which does not exist yet.")
        })
    };
    match change {
        PlanChange::CreatePermissionSet {
            name,
            description,
            session_duration,
            relay_state,
            tags,
        } => {
            let tags = tags
                .iter()
                .map(|t| {
                    Tag::builder()
                        .key(&t.key)
                        .value(&t.value)
                        .build()
                        .map_err(|e| {
                            Error::internal("Could not build a tag.").with_detail(e.to_string())
                        })
                })
                .collect::<Result<Vec<_>>>()?;
            let out = sso
                .create_permission_set()
                .instance_arn(instance_arn)
                .name(name)
                .set_description(description.clone())
                .session_duration(session_duration)
                .set_relay_state(relay_state.clone())
                .set_tags((!tags.is_empty()).then_some(tags))
                .send()
                .await
                .map_err(|e| session.err(action, e))
                .map_err(|e| {
                    if e.kind == ErrorKind::Conflict {
                        Error::new(
                            ErrorKind::Conflict,
                            format!(
                                "A permission set named \"{name}\" already exists in this \
                                 instance. Choose another name, or edit the existing set."
                            ),
                        )
                        .with_detail(e.detail.unwrap_or(e.message))
                    } else {
                        e
                    }
                })?;
            let created = out
                .permission_set
                .and_then(|p| p.permission_set_arn)
                .ok_or_else(|| {
                    Error::internal("AWS created the permission set but sent no ARN.")
                })?;
            Ok(Some(created))
        }
        PlanChange::UpdatePermissionSet {
            description,
            session_duration,
            relay_state,
        } => {
            sso.update_permission_set()
                .instance_arn(instance_arn)
                .permission_set_arn(need_arn()?)
                .set_description(description.clone())
                .session_duration(session_duration)
                .set_relay_state(relay_state.clone())
                .send()
                .await
                .map_err(|e| session.err(action, e))?;
            Ok(None)
        }
        PlanChange::AttachManagedPolicy { arn: policy } => {
            sso.attach_managed_policy_to_permission_set()
                .instance_arn(instance_arn)
                .permission_set_arn(need_arn()?)
                .managed_policy_arn(policy)
                .send()
                .await
                .map_err(|e| session.err(action, e))
                .map_err(|e| {
                    if e.kind == ErrorKind::NotFound {
                        Error::new(
                            ErrorKind::NotFound,
                            format!(
                                "AWS has no managed policy {policy}. Check the name and the path \
                                 (job-function policies live under job-function/)."
                            ),
                        )
                        .with_detail(e.detail.unwrap_or(e.message))
                    } else {
                        e
                    }
                })?;
            Ok(None)
        }
        PlanChange::DetachManagedPolicy { arn: policy } => {
            sso.detach_managed_policy_from_permission_set()
                .instance_arn(instance_arn)
                .permission_set_arn(need_arn()?)
                .managed_policy_arn(policy)
                .send()
                .await
                .map_err(|e| session.err(action, e))?;
            Ok(None)
        }
        PlanChange::AttachCustomerManagedPolicy { policy } => {
            sso.attach_customer_managed_policy_reference_to_permission_set()
                .instance_arn(instance_arn)
                .permission_set_arn(need_arn()?)
                .customer_managed_policy_reference(customer_ref(policy)?)
                .send()
                .await
                .map_err(|e| session.err(action, e))?;
            Ok(None)
        }
        PlanChange::DetachCustomerManagedPolicy { policy } => {
            sso.detach_customer_managed_policy_reference_from_permission_set()
                .instance_arn(instance_arn)
                .permission_set_arn(need_arn()?)
                .customer_managed_policy_reference(customer_ref(policy)?)
                .send()
                .await
                .map_err(|e| session.err(action, e))?;
            Ok(None)
        }
        PlanChange::PutInlinePolicy { policy } => {
            sso.put_inline_policy_to_permission_set()
                .instance_arn(instance_arn)
                .permission_set_arn(need_arn()?)
                .inline_policy(policy)
                .send()
                .await
                .map_err(|e| session.err(action, e))?;
            Ok(None)
        }
        PlanChange::DeleteInlinePolicy => {
            sso.delete_inline_policy_from_permission_set()
                .instance_arn(instance_arn)
                .permission_set_arn(need_arn()?)
                .send()
                .await
                .map_err(|e| session.err(action, e))?;
            Ok(None)
        }
        PlanChange::PutPermissionsBoundary { boundary } => {
            let b = match boundary {
                PermissionsBoundary::Managed { arn } => {
                    SdkBoundary::builder().managed_policy_arn(arn).build()
                }
                PermissionsBoundary::CustomerManaged { name, path } => SdkBoundary::builder()
                    .customer_managed_policy_reference(customer_ref(&CustomerPolicyRef {
                        name: name.clone(),
                        path: path.clone(),
                    })?)
                    .build(),
            };
            sso.put_permissions_boundary_to_permission_set()
                .instance_arn(instance_arn)
                .permission_set_arn(need_arn()?)
                .permissions_boundary(b)
                .send()
                .await
                .map_err(|e| session.err(action, e))?;
            Ok(None)
        }
        PlanChange::DeletePermissionsBoundary => {
            sso.delete_permissions_boundary_from_permission_set()
                .instance_arn(instance_arn)
                .permission_set_arn(need_arn()?)
                .send()
                .await
                .map_err(|e| session.err(action, e))?;
            Ok(None)
        }
        PlanChange::TagResource { tags } => {
            let tags = tags
                .iter()
                .map(|t| {
                    Tag::builder()
                        .key(&t.key)
                        .value(&t.value)
                        .build()
                        .map_err(|e| {
                            Error::internal("Could not build a tag.").with_detail(e.to_string())
                        })
                })
                .collect::<Result<Vec<_>>>()?;
            sso.tag_resource()
                .instance_arn(instance_arn)
                .resource_arn(need_arn()?)
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(|e| session.err(action, e))?;
            Ok(None)
        }
        PlanChange::UntagResource { keys } => {
            sso.untag_resource()
                .instance_arn(instance_arn)
                .resource_arn(need_arn()?)
                .set_tag_keys(Some(keys.clone()))
                .send()
                .await
                .map_err(|e| session.err(action, e))?;
            Ok(None)
        }
        PlanChange::DeleteAccountAssignment {
            account_id,
            principal_kind,
            principal_id,
        } => {
            let out = sso
                .delete_account_assignment()
                .instance_arn(instance_arn)
                .target_id(account_id)
                .target_type(TargetType::AwsAccount)
                .permission_set_arn(need_arn()?)
                .principal_type(principal_type(*principal_kind))
                .principal_id(principal_id)
                .send()
                .await
                .map_err(|e| session.err(action, e))?;
            let status = out.account_assignment_deletion_status.ok_or_else(|| {
                Error::internal("AWS accepted the assignment deletion but sent no status.")
            })?;
            if status.status == Some(StatusValues::Failed) {
                return Err(async_failed(
                    "remove the assignment",
                    status.failure_reason.as_deref(),
                ));
            }
            Ok(status.request_id)
        }
        PlanChange::DeletePermissionSet => {
            sso.delete_permission_set()
                .instance_arn(instance_arn)
                .permission_set_arn(need_arn()?)
                .send()
                .await
                .map_err(|e| session.err(action, e))?;
            Ok(None)
        }
    }
}

/// A FAILED asynchronous status, with AWS's reason.
fn async_failed(what: &str, reason: Option<&str>) -> Error {
    let reason = reason.unwrap_or("AWS gave no reason");
    Error::new(
        ErrorKind::Conflict,
        format!("AWS could not {what}: {reason}"),
    )
    .with_detail(format!("FAILED: {reason}"))
}

/// How an asynchronous request ended.
enum Polled {
    Succeeded,
    Failed(Option<String>),
    /// Still IN_PROGRESS when the timeout passed or the admin cancelled.
    Unconfirmed(Error),
    /// Asking for the status failed.
    Error(Error),
}

/// Polls `describe` (which answers the status and a failure reason) until it is final.
async fn poll<F, Fut>(
    opts: &ApplyOptions,
    cancel: &CancellationToken,
    what: &str,
    mut describe: F,
) -> Polled
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(Option<StatusValues>, Option<String>)>>,
{
    let started = Instant::now();
    let mut pause = opts.poll_initial;
    loop {
        let (r, _) = retry_throttled(&opts.throttle_retry_delays, cancel, &mut describe).await;
        match r {
            Ok((Some(StatusValues::Succeeded), _)) => return Polled::Succeeded,
            Ok((Some(StatusValues::Failed), reason)) => return Polled::Failed(reason),
            Ok(_) => {}
            Err(e) if e.kind == ErrorKind::Cancelled => {
                return Polled::Unconfirmed(unconfirmed(what, true))
            }
            Err(e) => return Polled::Error(e),
        }
        if started.elapsed() >= opts.poll_timeout {
            return Polled::Unconfirmed(unconfirmed(what, false));
        }
        tokio::select! {
            _ = cancel.cancelled() => return Polled::Unconfirmed(unconfirmed(what, true)),
            _ = tokio::time::sleep(pause) => {}
        }
        pause = (pause * 2).min(opts.poll_max);
    }
}

fn unconfirmed(what: &str, cancelled: bool) -> Error {
    let why = if cancelled {
        "You cancelled while AWS was still working on it"
    } else {
        "AWS had not finished after a long wait"
    };
    Error::new(
        if cancelled {
            ErrorKind::Cancelled
        } else {
            ErrorKind::Network
        },
        format!(
            "{why}: AWS accepted the request to {what}, but its result is not confirmed. It may \
             still complete; refresh in a minute to see the result."
        ),
    )
}

/// What running one step gave: status, plan-level attempts, the error, a created ARN.
type StepRun = (PlanStepStatus, u32, Option<Error>, Option<String>);

/// Runs one step: the call (retried while throttled) and, for an assignment deletion, the
/// status polls.
async fn run_step(
    session: &AwsSession,
    instance_arn: &str,
    arn: Option<&str>,
    step: &PlanStep,
    opts: &ApplyOptions,
    cancel: &CancellationToken,
) -> StepRun {
    let (r, attempts) = retry_throttled(&opts.throttle_retry_delays, cancel, || {
        call(session, instance_arn, arn, &step.change)
    })
    .await;
    let out = match r {
        // A cancel during a pause between attempts: AWS refused every attempt so far.
        Err(e) if e.kind == ErrorKind::Cancelled => {
            return (PlanStepStatus::NotAttempted, attempts, Some(e), None)
        }
        Err(e) => return (PlanStepStatus::Failed, attempts, Some(e), None),
        Ok(out) => out,
    };
    if let PlanChange::DeleteAccountAssignment { .. } = &step.change {
        let Some(request_id) = out else {
            return (PlanStepStatus::Succeeded, attempts, None, None);
        };
        let sso = session.sso_admin();
        let polled = poll(opts, cancel, "remove the assignment", || {
            let sso = sso.clone();
            let request_id = request_id.clone();
            async move {
                let s = sso
                    .describe_account_assignment_deletion_status()
                    .instance_arn(instance_arn)
                    .account_assignment_deletion_request_id(request_id)
                    .send()
                    .await
                    .map_err(|e| session.err("sso:DescribeAccountAssignmentDeletionStatus", e))?;
                let s = s.account_assignment_deletion_status;
                Ok((
                    s.as_ref().and_then(|s| s.status.clone()),
                    s.and_then(|s| s.failure_reason),
                ))
            }
        })
        .await;
        return match polled {
            Polled::Succeeded => (PlanStepStatus::Succeeded, attempts, None, None),
            Polled::Failed(reason) => (
                PlanStepStatus::Failed,
                attempts,
                Some(async_failed("remove the assignment", reason.as_deref())),
                None,
            ),
            Polled::Unconfirmed(e) | Polled::Error(e) => {
                (PlanStepStatus::Unconfirmed, attempts, Some(e), None)
            }
        };
    }
    let created = matches!(step.change, PlanChange::CreatePermissionSet { .. })
        .then_some(out)
        .flatten();
    (PlanStepStatus::Succeeded, attempts, None, created)
}

/// Runs `plan` in order, stopping at the first failure, and re-reads the set afterwards.
pub async fn apply(
    session: &AwsSession,
    plan: &Plan,
    opts: &ApplyOptions,
    progress: Arc<dyn ProgressSink>,
    cancel: CancellationToken,
) -> ApplyReport {
    let total = u32::try_from(plan.steps.len()).unwrap_or(u32::MAX);
    let mut results: Vec<PlanStepResult> = plan
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| PlanStepResult {
            index: i as u32,
            action: s.action.clone(),
            description: s.description.clone(),
            status: PlanStepStatus::NotAttempted,
            attempts: 0,
            error: None,
        })
        .collect();
    let mut arn = plan.permission_set_arn.clone();
    let done = Arc::new(AtomicU32::new(0));
    let mut cancelled = false;
    let mut i = 0;
    while i < plan.steps.len() {
        if cancel.is_cancelled() {
            cancelled = true;
            break;
        }
        let step = &plan.steps[i];
        if matches!(step.change, PlanChange::DeleteAccountAssignment { .. }) {
            // Consecutive assignment deletions are independent: run a few at once.
            let end = plan.steps[i..]
                .iter()
                .position(|s| !matches!(s.change, PlanChange::DeleteAccountAssignment { .. }))
                .map_or(plan.steps.len(), |p| i + p);
            let stop = Arc::new(AtomicBool::new(false));
            let arn_ref = arn.as_deref();
            let batch: Vec<(usize, StepRun)> = futures::stream::iter((i..end).map(|k| {
                let stop = stop.clone();
                let done = done.clone();
                let progress = progress.clone();
                let cancel = cancel.clone();
                let step = &plan.steps[k];
                async move {
                    if stop.load(Ordering::SeqCst) || cancel.is_cancelled() {
                        return (k, (PlanStepStatus::NotAttempted, 0, None, None));
                    }
                    progress.report(Progress {
                        done: done.load(Ordering::SeqCst),
                        total,
                        message: format!("{}…", step.description),
                    });
                    let r =
                        run_step(session, &plan.instance_arn, arn_ref, step, opts, &cancel).await;
                    if r.0 == PlanStepStatus::Succeeded {
                        done.fetch_add(1, Ordering::SeqCst);
                    } else {
                        stop.store(true, Ordering::SeqCst);
                    }
                    (k, r)
                }
            }))
            .buffer_unordered(opts.assignment_concurrency.max(1))
            .collect()
            .await;
            let mut all_ok = true;
            for (k, (status, attempts, error, _)) in batch {
                all_ok &= status == PlanStepStatus::Succeeded;
                results[k].status = status;
                results[k].attempts = attempts;
                results[k].error = error;
            }
            if !all_ok {
                cancelled = cancel.is_cancelled();
                break;
            }
            i = end;
            continue;
        }

        progress.report(Progress {
            done: done.load(Ordering::SeqCst),
            total,
            message: format!("{}…", step.description),
        });
        let (status, attempts, error, created) = run_step(
            session,
            &plan.instance_arn,
            arn.as_deref(),
            step,
            opts,
            &cancel,
        )
        .await;
        results[i].status = status;
        results[i].attempts = attempts;
        results[i].error = error;
        if let Some(c) = created {
            arn = Some(c);
        }
        if status != PlanStepStatus::Succeeded {
            cancelled = cancel.is_cancelled();
            break;
        }
        done.fetch_add(1, Ordering::SeqCst);
        i += 1;
    }

    let count = |s: PlanStepStatus| results.iter().filter(|r| r.status == s).count() as u32;
    let succeeded = count(PlanStepStatus::Succeeded);
    let failed = count(PlanStepStatus::Failed) + count(PlanStepStatus::Unconfirmed);
    let not_attempted = count(PlanStepStatus::NotAttempted);
    progress.report(Progress {
        done: succeeded,
        total,
        message: "Reading the permission set back from AWS…".into(),
    });

    let deleted = plan.kind == PlanKind::Delete
        && results
            .last()
            .is_some_and(|r| r.status == PlanStepStatus::Succeeded);
    let (state, reread_error) = match (&arn, deleted) {
        (Some(a), false) => match read::details(session, &plan.instance_arn, a).await {
            Ok(d) => (Some(d), None),
            Err(e) if e.kind == ErrorKind::NotFound => (None, None),
            Err(e) => (None, Some(e)),
        },
        _ => (None, None),
    };
    let provisioned = state.as_ref().map_or(plan.provisioned_account_count, |s| {
        u32::try_from(s.provisioned_account_ids.len()).unwrap_or(u32::MAX)
    });

    let outcome = if total == 0 {
        ApplyOutcome::NothingToDo
    } else if cancelled {
        ApplyOutcome::Cancelled
    } else if failed == 0 && not_attempted == 0 {
        ApplyOutcome::Succeeded
    } else if succeeded == 0 {
        ApplyOutcome::Failed
    } else {
        ApplyOutcome::PartiallyFailed
    };
    let needs_provisioning =
        plan.kind != PlanKind::Delete && succeeded > 0 && provisioned > 0 && state.is_some();
    let name = &plan.name;
    let failed_step = results.iter().find(|r| {
        matches!(
            r.status,
            PlanStepStatus::Failed | PlanStepStatus::Unconfirmed
        )
    });
    let reason = failed_step
        .map(|r| {
            format!(
                " \"{}\" failed: {}",
                r.description,
                r.error
                    .as_ref()
                    .map_or("no reason given", |e| e.message.as_str())
            )
        })
        .unwrap_or_default();
    let mut message = match outcome {
        ApplyOutcome::NothingToDo => format!("Nothing to change in \"{name}\"."),
        ApplyOutcome::Succeeded if plan.kind == PlanKind::Delete => {
            format!("Deleted \"{name}\" ({succeeded} calls).")
        }
        ApplyOutcome::Succeeded => format!(
            "Saved \"{name}\": {succeeded} of {total} change{} applied.",
            if total == 1 { "" } else { "s" }
        ),
        ApplyOutcome::Failed => format!("Nothing was changed.{reason}"),
        ApplyOutcome::PartiallyFailed => format!(
            "Only part of the change was made: {succeeded} of {total} calls succeeded, {failed} \
             failed and {not_attempted} {} not attempted.{reason} What \"{name}\" has now is shown \
             as read back from AWS.",
            if not_attempted == 1 { "was" } else { "were" }
        ),
        ApplyOutcome::Cancelled => format!(
            "Cancelled: {succeeded} of {total} calls were made before you cancelled; \
             {not_attempted} {} not attempted.",
            if not_attempted == 1 { "was" } else { "were" }
        ),
    };
    if needs_provisioning {
        message += &format!(
            " Provision it to {provisioned} account{} to apply the change there.",
            if provisioned == 1 { "" } else { "s" }
        );
    }
    progress.report(Progress {
        done: succeeded,
        total,
        message: message.clone(),
    });
    ApplyReport {
        outcome,
        message,
        permission_set_arn: arn,
        steps: results,
        succeeded,
        failed,
        not_attempted,
        state,
        reread_error,
        needs_provisioning,
        provisioned_account_count: provisioned,
    }
}

/// Which accounts to provision to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProvisionTarget {
    /// One request for every account the set is provisioned to (AWS reports one status).
    AllProvisionedAccounts,
    /// One request per account (at most 3 at once), each with its own status and reason.
    Accounts { account_ids: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AccountProvisioning {
    /// None for an ALL_PROVISIONED_ACCOUNTS request.
    pub account_id: Option<String>,
    pub status: PlanStepStatus,
    /// AWS's FailureReason, or why the request could not be made.
    pub error: Option<Error>,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ProvisionReport {
    pub permission_set_arn: String,
    pub outcome: ApplyOutcome,
    pub message: String,
    pub results: Vec<AccountProvisioning>,
    pub succeeded: u32,
    pub failed: u32,
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// One ProvisionPermissionSet request and its status polls.
async fn provision_one(
    session: &AwsSession,
    instance_arn: &str,
    arn: &str,
    account: Option<&str>,
    opts: &ApplyOptions,
    cancel: &CancellationToken,
) -> AccountProvisioning {
    let sso = session.sso_admin();
    let mut result = AccountProvisioning {
        account_id: account.map(str::to_owned),
        status: PlanStepStatus::NotAttempted,
        error: None,
        request_id: None,
    };
    let (r, _) = retry_throttled(&opts.throttle_retry_delays, cancel, || async {
        let req = sso
            .provision_permission_set()
            .instance_arn(instance_arn)
            .permission_set_arn(arn);
        let req = match account {
            Some(a) => req
                .target_type(ProvisionTargetType::AwsAccount)
                .target_id(a),
            None => req.target_type(ProvisionTargetType::AllProvisionedAccounts),
        };
        req.send()
            .await
            .map_err(|e| session.err("sso:ProvisionPermissionSet", e))
    })
    .await;
    let status = match r {
        Ok(out) => out.permission_set_provisioning_status,
        Err(e) if e.kind == ErrorKind::Cancelled => {
            result.error = Some(e);
            return result;
        }
        Err(e) => {
            result.status = PlanStepStatus::Failed;
            result.error = Some(e);
            return result;
        }
    };
    let Some(status) = status else {
        result.status = PlanStepStatus::Failed;
        result.error = Some(Error::internal(
            "AWS accepted the provisioning request but sent no status.",
        ));
        return result;
    };
    result.request_id = status.request_id.clone();
    let what = match account {
        Some(a) => format!("provision the permission set to account {a}"),
        None => "provision the permission set to its accounts".to_owned(),
    };
    let polled = match (status.status, status.request_id) {
        (Some(StatusValues::Succeeded), _) => Polled::Succeeded,
        (Some(StatusValues::Failed), _) => Polled::Failed(status.failure_reason),
        (_, None) => Polled::Error(Error::internal(
            "AWS accepted the provisioning request but sent no request id to follow.",
        )),
        (_, Some(request_id)) => {
            poll(opts, cancel, &what, || {
                let sso = sso.clone();
                let request_id = request_id.clone();
                async move {
                    let s = sso
                        .describe_permission_set_provisioning_status()
                        .instance_arn(instance_arn)
                        .provision_permission_set_request_id(request_id)
                        .send()
                        .await
                        .map_err(|e| {
                            session.err("sso:DescribePermissionSetProvisioningStatus", e)
                        })?;
                    let s = s.permission_set_provisioning_status;
                    Ok((
                        s.as_ref().and_then(|s| s.status.clone()),
                        s.and_then(|s| s.failure_reason),
                    ))
                }
            })
            .await
        }
    };
    match polled {
        Polled::Succeeded => result.status = PlanStepStatus::Succeeded,
        Polled::Failed(reason) => {
            result.status = PlanStepStatus::Failed;
            result.error = Some(async_failed(&what, reason.as_deref()));
        }
        Polled::Unconfirmed(e) | Polled::Error(e) => {
            result.status = PlanStepStatus::Unconfirmed;
            result.error = Some(e);
        }
    }
    result
}

/// Provisions the set and waits until AWS reports every request SUCCEEDED or FAILED.
pub async fn provision(
    session: &AwsSession,
    instance_arn: &str,
    arn: &str,
    target: ProvisionTarget,
    opts: &ApplyOptions,
    progress: Arc<dyn ProgressSink>,
    cancel: CancellationToken,
) -> Result<ProvisionReport> {
    let targets: Vec<Option<String>> = match target {
        ProvisionTarget::AllProvisionedAccounts => {
            if read::provisioned_accounts(session, instance_arn, arn)
                .await?
                .is_empty()
            {
                return Ok(ProvisionReport {
                    permission_set_arn: arn.to_owned(),
                    outcome: ApplyOutcome::NothingToDo,
                    message: "The set is not provisioned to any account yet. AWS provisions it \
                              to an account when you assign it there."
                        .into(),
                    results: Vec::new(),
                    succeeded: 0,
                    failed: 0,
                });
            }
            vec![None]
        }
        ProvisionTarget::Accounts { account_ids } => {
            if account_ids.is_empty() {
                return Err(Error::validation(
                    "Choose at least one account to provision to.",
                ));
            }
            if let Some(bad) = account_ids.iter().find(|a| !is_account_id(a)) {
                return Err(Error::validation(format!(
                    "\"{bad}\" is not an AWS account id (12 digits)."
                )));
            }
            let mut ids = account_ids;
            ids.sort();
            ids.dedup();
            ids.into_iter().map(Some).collect()
        }
    };
    let total = targets.len() as u32;
    let done = Arc::new(AtomicU32::new(0));
    progress.report(Progress {
        done: 0,
        total,
        message: match total {
            1 => "Provisioning…".into(),
            n => format!("Provisioning to {n} accounts…"),
        },
    });
    let results: Vec<AccountProvisioning> = futures::stream::iter(targets.into_iter().map(|t| {
        let done = done.clone();
        let progress = progress.clone();
        let cancel = cancel.clone();
        async move {
            if cancel.is_cancelled() {
                return AccountProvisioning {
                    account_id: t,
                    status: PlanStepStatus::NotAttempted,
                    error: None,
                    request_id: None,
                };
            }
            let r = provision_one(session, instance_arn, arn, t.as_deref(), opts, &cancel).await;
            let n = done.fetch_add(1, Ordering::SeqCst) + 1;
            progress.report(Progress {
                done: n,
                total,
                message: match (&r.account_id, r.status) {
                    (Some(a), PlanStepStatus::Succeeded) => format!("Provisioned to {a}"),
                    (Some(a), _) => format!("Provisioning to {a} did not succeed"),
                    (None, _) => "Provisioning finished".into(),
                },
            });
            r
        }
    }))
    .buffered(opts.provision_concurrency.max(1))
    .collect()
    .await;

    let succeeded = results
        .iter()
        .filter(|r| r.status == PlanStepStatus::Succeeded)
        .count() as u32;
    let failed = results
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                PlanStepStatus::Failed | PlanStepStatus::Unconfirmed
            )
        })
        .count() as u32;
    let outcome = if cancel.is_cancelled() && succeeded + failed < total {
        ApplyOutcome::Cancelled
    } else if succeeded == total {
        ApplyOutcome::Succeeded
    } else if succeeded == 0 {
        ApplyOutcome::Failed
    } else {
        ApplyOutcome::PartiallyFailed
    };
    let first_failure = results
        .iter()
        .find_map(|r| {
            r.error
                .as_ref()
                .filter(|_| r.status != PlanStepStatus::NotAttempted)
        })
        .map(|e| format!(" {}", e.message))
        .unwrap_or_default();
    let message = match outcome {
        ApplyOutcome::Succeeded if total == 1 && results[0].account_id.is_none() => {
            "Provisioned to every account the set is provisioned to.".to_owned()
        }
        ApplyOutcome::Succeeded => format!(
            "Provisioned to {total} account{}.",
            if total == 1 { "" } else { "s" }
        ),
        ApplyOutcome::Cancelled => format!(
            "Cancelled: {succeeded} of {total} succeeded before you cancelled; requests AWS had \
             already accepted may still complete."
        ),
        _ => format!(
            "Provisioning succeeded in {succeeded} of {total} and failed in {failed}.{first_failure}"
        ),
    };
    progress.report(Progress {
        done: succeeded + failed,
        total,
        message: message.clone(),
    });
    Ok(ProvisionReport {
        permission_set_arn: arn.to_owned(),
        outcome,
        message,
        results,
        succeeded,
        failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttled() -> Error {
        Error::new(ErrorKind::Throttled, "slow down")
    }

    #[tokio::test(start_paused = true)]
    async fn permission_apply_retries_throttling_with_backoff() {
        let delays = [Duration::from_secs(2), Duration::from_secs(5)];
        let cancel = CancellationToken::new();
        let calls = AtomicU32::new(0);
        let started = tokio::time::Instant::now();
        let (r, attempts) = retry_throttled(&delays, &cancel, || async {
            if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                Err(throttled())
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 7);
        assert_eq!(attempts, 3);
        assert_eq!(started.elapsed(), Duration::from_secs(7));

        // Still throttled after every retry: the throttling error comes back.
        let (r, attempts) =
            retry_throttled(&delays, &cancel, || async { Err::<(), _>(throttled()) }).await;
        assert_eq!(r.unwrap_err().kind, ErrorKind::Throttled);
        assert_eq!(attempts, 3);

        // Other errors are not retried.
        let (r, attempts) = retry_throttled(&delays, &cancel, || async {
            Err::<(), _>(Error::new(ErrorKind::AccessDenied, "no"))
        })
        .await;
        assert_eq!(r.unwrap_err().kind, ErrorKind::AccessDenied);
        assert_eq!(attempts, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn permission_apply_cancel_interrupts_the_backoff() {
        let cancel = CancellationToken::new();
        let c2 = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            c2.cancel();
        });
        let (r, attempts) = retry_throttled(&[Duration::from_secs(60)], &cancel, || async {
            Err::<(), _>(throttled())
        })
        .await;
        assert_eq!(r.unwrap_err().kind, ErrorKind::Cancelled);
        assert_eq!(attempts, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn permission_poll_until_final() {
        let opts = ApplyOptions {
            poll_initial: Duration::from_secs(1),
            poll_max: Duration::from_secs(2),
            poll_timeout: Duration::from_secs(10),
            ..ApplyOptions::default()
        };
        let cancel = CancellationToken::new();
        let n = AtomicU32::new(0);
        let r = poll(&opts, &cancel, "x", || async {
            Ok(if n.fetch_add(1, Ordering::SeqCst) < 2 {
                (Some(StatusValues::InProgress), None)
            } else {
                (Some(StatusValues::Failed), Some("account suspended".into()))
            })
        })
        .await;
        assert!(matches!(r, Polled::Failed(Some(ref s)) if s == "account suspended"));

        let r = poll(&opts, &cancel, "x", || async {
            Ok((Some(StatusValues::InProgress), None))
        })
        .await;
        match r {
            Polled::Unconfirmed(e) => assert!(e.message.contains("not confirmed"), "{}", e.message),
            _ => panic!("expected unconfirmed"),
        }
    }
}
