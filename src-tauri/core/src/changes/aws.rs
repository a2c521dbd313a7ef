//! The AWS calls apply makes, on an sso-admin client with the SDK's retries turned off: a
//! CreateAccountAssignment that timed out may have been carried out, so the engine (not the
//! SDK) decides whether to send it again — after checking AWS. Every request waits for the
//! shared pace (requests per second), and is counted.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_sdk_ssoadmin::types::{PrincipalType as SdkPrincipalType, StatusValues, TargetType};
use futures::StreamExt;
use tokio::time::Instant;

use super::plan::LiveAssignments;
use super::{ApplySettings, ChangeOp};
use crate::aws::AwsSession;
use crate::error::{Error, ErrorKind, Result};
use crate::snapshot::{Assignment, PrincipalType};

/// How an asynchronous creation or deletion stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AsyncState {
    InProgress,
    Succeeded,
    Failed(String),
}

/// What AWS answered a creation, deletion or status call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncStatus {
    pub request_id: Option<String>,
    pub state: AsyncState,
}

/// A requests-per-second pace shared by every call of one apply.
pub struct Pace {
    interval: Duration,
    next: tokio::sync::Mutex<Instant>,
}

impl Pace {
    pub fn per_second(rate: u32) -> Self {
        Self {
            interval: Duration::from_secs_f64(1.0 / f64::from(rate.max(1))),
            next: tokio::sync::Mutex::new(Instant::now()),
        }
    }

    /// Waits for this request's turn.
    pub async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// Requests AWS is working on, by the change they make.
pub type InFlight = Result<BTreeMap<Assignment, String>>;

/// The calls the engine needs (a trait so the engine's rules are tested without AWS).
#[allow(async_fn_in_trait)]
pub trait AssignmentApi {
    async fn submit(&self, op: ChangeOp, a: &Assignment) -> Result<AsyncStatus>;
    async fn status(&self, op: ChangeOp, request_id: &str) -> Result<AsyncStatus>;
    /// The requests AWS is still working on for exactly these changes (after a lost answer or
    /// a crash): their ids, to follow them instead of sending the changes again. One look for
    /// all of them (resume and discard ask about every item that may have been sent at once).
    async fn in_flight(&self, op: ChangeOp, wanted: &BTreeSet<Assignment>) -> InFlight;
    /// The principals assigned now for each account × permission set.
    async fn current_assignments(
        &self,
        pairs: &BTreeSet<(String, String)>,
    ) -> Result<LiveAssignments>;
    /// Requests per second and outstanding requests, at most.
    fn settings(&self) -> ApplySettings;
}

/// The real thing: sso-admin in the instance's region, paced, without SDK retries.
pub struct AssignmentClient {
    session: AwsSession,
    sso: aws_sdk_ssoadmin::Client,
    instance_arn: String,
    settings: ApplySettings,
    pace: Pace,
    requests: AtomicU32,
}

impl AssignmentClient {
    pub fn new(
        session: &AwsSession,
        instance_arn: &str,
        region: &str,
        settings: ApplySettings,
    ) -> Self {
        let session = if session.region() == region {
            session.clone()
        } else {
            session.in_region(region)
        };
        let conf = aws_sdk_ssoadmin::config::Builder::from(&session.config)
            .retry_config(RetryConfig::disabled())
            .build();
        Self {
            sso: aws_sdk_ssoadmin::Client::from_conf(conf),
            session,
            instance_arn: instance_arn.to_owned(),
            settings,
            pace: Pace::per_second(settings.requests_per_second),
            requests: AtomicU32::new(0),
        }
    }

    pub fn requests_sent(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    async fn turn(&self) {
        self.pace.wait().await;
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    async fn list_pair(&self, account: &str, ps_arn: &str) -> Result<Vec<Assignment>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut attempt = 0;
            let page = loop {
                attempt += 1;
                self.turn().await;
                let r = self
                    .sso
                    .list_account_assignments()
                    .instance_arn(&self.instance_arn)
                    .account_id(account)
                    .permission_set_arn(ps_arn)
                    .max_results(100)
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .map_err(|e| self.session.err("sso:ListAccountAssignments", e));
                match r {
                    Ok(p) => break p,
                    // A read is safe to repeat.
                    Err(e) if is_transient(&e) && attempt < 8 => {
                        tokio::time::sleep(crate::snapshot::load::backoff(
                            Duration::from_millis(400),
                            attempt,
                        ))
                        .await;
                    }
                    Err(e) => return Err(e),
                }
            };
            for x in page.account_assignments.unwrap_or_default() {
                let t = match x.principal_type {
                    Some(SdkPrincipalType::Group) => PrincipalType::Group,
                    Some(SdkPrincipalType::User) => PrincipalType::User,
                    _ => continue,
                };
                if let Some(pid) = x.principal_id {
                    out.push(Assignment {
                        account_id: account.to_owned(),
                        permission_set_arn: ps_arn.to_owned(),
                        principal_type: t,
                        principal_id: pid,
                    });
                }
            }
            token = page.next_token;
            if token.is_none() {
                return Ok(out);
            }
        }
    }
}

/// Throttling, a conflicting operation in progress, a 5xx or a network failure: worth
/// another try later.
pub fn is_transient(e: &Error) -> bool {
    matches!(
        e.kind,
        ErrorKind::Throttled | ErrorKind::Network | ErrorKind::Conflict
    )
}

/// A failure that may have happened after AWS acted (timeouts, 5xx): check before resending.
pub fn is_ambiguous(e: &Error) -> bool {
    e.kind == ErrorKind::Network
}

fn sdk_principal(t: PrincipalType) -> SdkPrincipalType {
    match t {
        PrincipalType::Group => SdkPrincipalType::Group,
        PrincipalType::User => SdkPrincipalType::User,
    }
}

fn status_of(
    request_id: Option<String>,
    status: Option<&StatusValues>,
    reason: Option<String>,
) -> AsyncStatus {
    let state = match status {
        Some(StatusValues::Succeeded) => AsyncState::Succeeded,
        Some(StatusValues::Failed) => AsyncState::Failed(
            reason.unwrap_or_else(|| "AWS reported FAILED without a reason.".to_owned()),
        ),
        _ => AsyncState::InProgress,
    };
    AsyncStatus { request_id, state }
}

impl AssignmentClient {
    /// One look for requests for exactly these changes (see `AssignmentApi::in_flight`): the
    /// in-progress requests listed once, each described once.
    async fn find_in_flight(&self, op: ChangeOp, wanted: &BTreeSet<Assignment>) -> InFlight {
        let filter = aws_sdk_ssoadmin::types::OperationStatusFilter::builder()
            .status(StatusValues::InProgress)
            .build();
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            self.turn().await;
            let (page, next) = match op {
                ChangeOp::Create => {
                    let out = self
                        .sso
                        .list_account_assignment_creation_status()
                        .instance_arn(&self.instance_arn)
                        .filter(filter.clone())
                        .set_next_token(token.clone())
                        .send()
                        .await
                        .map_err(|e| {
                            self.session
                                .err("sso:ListAccountAssignmentCreationStatus", e)
                        })?;
                    (
                        out.account_assignments_creation_status.unwrap_or_default(),
                        out.next_token,
                    )
                }
                ChangeOp::Delete => {
                    let out = self
                        .sso
                        .list_account_assignment_deletion_status()
                        .instance_arn(&self.instance_arn)
                        .filter(filter.clone())
                        .set_next_token(token.clone())
                        .send()
                        .await
                        .map_err(|e| {
                            self.session
                                .err("sso:ListAccountAssignmentDeletionStatus", e)
                        })?;
                    (
                        out.account_assignments_deletion_status.unwrap_or_default(),
                        out.next_token,
                    )
                }
            };
            ids.extend(page.into_iter().filter_map(|m| m.request_id));
            token = next;
            if token.is_none() {
                break;
            }
        }
        let mut found = BTreeMap::new();
        for rid in ids {
            if found.len() == wanted.len() {
                break;
            }
            let Some(s) = self.describe(op, &rid).await? else {
                continue;
            };
            // Listed as in progress a moment ago; it may have finished since (then polling it
            // reads SUCCEEDED). Only a failed one is not the change being made.
            if s.status.as_ref() == Some(&StatusValues::Failed) {
                continue;
            }
            let (Some(pt), Some(pid), Some(target), Some(ps)) = (
                s.principal_type.as_ref(),
                s.principal_id,
                s.target_id,
                s.permission_set_arn,
            ) else {
                continue;
            };
            let principal_type = match pt {
                SdkPrincipalType::Group => PrincipalType::Group,
                SdkPrincipalType::User => PrincipalType::User,
                _ => continue,
            };
            let change = Assignment {
                account_id: target,
                permission_set_arn: ps,
                principal_type,
                principal_id: pid,
            };
            if wanted.contains(&change) {
                found.entry(change).or_insert(rid);
            }
        }
        Ok(found)
    }

    /// One request's full status (target, set, principal, state); `None` when AWS gives none.
    async fn describe(
        &self,
        op: ChangeOp,
        request_id: &str,
    ) -> Result<Option<aws_sdk_ssoadmin::types::AccountAssignmentOperationStatus>> {
        self.turn().await;
        Ok(match op {
            ChangeOp::Create => {
                self.sso
                    .describe_account_assignment_creation_status()
                    .instance_arn(&self.instance_arn)
                    .account_assignment_creation_request_id(request_id)
                    .send()
                    .await
                    .map_err(|e| {
                        self.session
                            .err("sso:DescribeAccountAssignmentCreationStatus", e)
                    })?
                    .account_assignment_creation_status
            }
            ChangeOp::Delete => {
                self.sso
                    .describe_account_assignment_deletion_status()
                    .instance_arn(&self.instance_arn)
                    .account_assignment_deletion_request_id(request_id)
                    .send()
                    .await
                    .map_err(|e| {
                        self.session
                            .err("sso:DescribeAccountAssignmentDeletionStatus", e)
                    })?
                    .account_assignment_deletion_status
            }
        })
    }
}

fn op_status(
    s: Option<aws_sdk_ssoadmin::types::AccountAssignmentOperationStatus>,
    request_id: Option<&str>,
) -> AsyncStatus {
    match s {
        Some(s) => status_of(
            s.request_id.or_else(|| request_id.map(str::to_owned)),
            s.status.as_ref(),
            s.failure_reason,
        ),
        None => status_of(request_id.map(str::to_owned), None, None),
    }
}

impl AssignmentApi for AssignmentClient {
    async fn submit(&self, op: ChangeOp, a: &Assignment) -> Result<AsyncStatus> {
        self.turn().await;
        match op {
            ChangeOp::Create => {
                let out = self
                    .sso
                    .create_account_assignment()
                    .instance_arn(&self.instance_arn)
                    .target_id(&a.account_id)
                    .target_type(TargetType::AwsAccount)
                    .permission_set_arn(&a.permission_set_arn)
                    .principal_type(sdk_principal(a.principal_type))
                    .principal_id(&a.principal_id)
                    .send()
                    .await
                    .map_err(|e| self.session.err("sso:CreateAccountAssignment", e))?;
                Ok(op_status(out.account_assignment_creation_status, None))
            }
            ChangeOp::Delete => {
                let out = self
                    .sso
                    .delete_account_assignment()
                    .instance_arn(&self.instance_arn)
                    .target_id(&a.account_id)
                    .target_type(TargetType::AwsAccount)
                    .permission_set_arn(&a.permission_set_arn)
                    .principal_type(sdk_principal(a.principal_type))
                    .principal_id(&a.principal_id)
                    .send()
                    .await
                    .map_err(|e| self.session.err("sso:DeleteAccountAssignment", e))?;
                Ok(op_status(out.account_assignment_deletion_status, None))
            }
        }
    }

    async fn status(&self, op: ChangeOp, request_id: &str) -> Result<AsyncStatus> {
        let s = self.describe(op, request_id).await?;
        Ok(op_status(s, Some(request_id)))
    }

    async fn in_flight(&self, op: ChangeOp, wanted: &BTreeSet<Assignment>) -> InFlight {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.find_in_flight(op, wanted).await {
                // Reads only: safe to repeat.
                Err(e) if is_transient(&e) && attempt < 8 => {
                    tokio::time::sleep(crate::snapshot::load::backoff(
                        Duration::from_millis(400),
                        attempt,
                    ))
                    .await;
                }
                r => return r,
            }
        }
    }

    async fn current_assignments(
        &self,
        pairs: &BTreeSet<(String, String)>,
    ) -> Result<LiveAssignments> {
        type Listed = Result<((String, String), Vec<Assignment>)>;
        let lists: Vec<Listed> = futures::stream::iter(pairs.iter().cloned())
            .map(|(acct, ps)| async move {
                let list = self.list_pair(&acct, &ps).await?;
                Ok(((acct, ps), list))
            })
            .buffer_unordered(self.settings.max_outstanding.clamp(1, 8) as usize)
            .collect()
            .await;
        let mut live = LiveAssignments::new();
        for r in lists {
            let (pair, list) = r?;
            let set = live.entry(pair).or_default();
            for a in list {
                set.insert((a.principal_type, a.principal_id));
            }
        }
        Ok(live)
    }

    fn settings(&self) -> ApplySettings {
        self.settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_pace_spaces_requests() {
        let pace = Pace::per_second(20);
        let start = Instant::now();
        for _ in 0..21 {
            pace.wait().await;
        }
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(999) && took < Duration::from_millis(1100),
            "{took:?}"
        );
    }

    #[test]
    fn transient_and_ambiguous_errors() {
        let e = |k| Error::new(k, "x");
        assert!(is_transient(&e(ErrorKind::Throttled)));
        assert!(is_transient(&e(ErrorKind::Conflict)));
        assert!(is_transient(&e(ErrorKind::Network)));
        assert!(!is_transient(&e(ErrorKind::Validation)));
        assert!(!is_transient(&e(ErrorKind::AccessDenied)));
        assert!(is_ambiguous(&e(ErrorKind::Network)));
        assert!(!is_ambiguous(&e(ErrorKind::Throttled)));
    }
}
