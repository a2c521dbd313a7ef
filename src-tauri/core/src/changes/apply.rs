//! The apply engine: sends a change set's creations and deletions with at most
//! `max_outstanding` unfinished at once, within the shared requests-per-second pace, polls
//! each until AWS says SUCCEEDED or FAILED, and journals every step in SQLite before and
//! after it happens.
//!
//! Exactly once: a call that failed ambiguously (timeout, 5xx — AWS may have acted) is never
//! simply repeated; the engine first reads the account × permission set from AWS and only
//! sends again when the change is not there. Resuming (after a crash) and retrying start the
//! same way: every unfinished item is checked against AWS before anything is sent.
//!
//! Errors that would fail every item the same way (credentials, access denied) stop the run
//! and leave the set interrupted, to be resumed once fixed. Cancel stops sending; changes
//! already sent are still followed to their outcome.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::aws::{is_ambiguous, is_transient, AssignmentApi, AsyncState};
use super::plan::LiveAssignments;
use super::{
    store, ApplyEvent, ApplySink, ChangeItem, ChangeOp, ChangeSetStatus, ItemStatus, ItemUpdate,
};
use crate::error::{Error, ErrorKind, Result};
use crate::snapshot::Assignment;
use crate::store::Store;

/// Sends of one item, at most (throttling and conflicts back off in between).
pub const MAX_ATTEMPTS: u32 = 8;
/// How long to follow one request before leaving it for a resume.
pub const POLL_DEADLINE: Duration = Duration::from_secs(15 * 60);
const FIRST_POLL: Duration = Duration::from_millis(500);
const MAX_POLL: Duration = Duration::from_secs(5);
const HEARTBEAT: Duration = Duration::from_secs(2);

/// What to do with an unfinished item.
enum Work {
    Send(ChangeItem),
    Poll(ChangeItem, String),
}

/// How a drive ended.
enum Ended {
    Finished,
    /// Still in progress in AWS (poll deadline), or not sent because of cancel.
    Unfinished,
}

struct Run<'a, A> {
    store: &'a Store,
    api: &'a A,
    id: &'a str,
    sink: Arc<dyn ApplySink>,
    /// The admin's cancel.
    cancel: CancellationToken,
    /// Set by a run-ending error: nothing more is sent.
    stop: CancellationToken,
    statuses: Mutex<Vec<ItemStatus>>,
    /// The claim this run holds (`store::owner`): every write is guarded by it.
    owner: String,
}

fn wanted_state_holds(op: ChangeOp, assigned: bool) -> bool {
    (op == ChangeOp::Create) == assigned
}

fn pair_of(a: &Assignment) -> (String, String) {
    (a.account_id.clone(), a.permission_set_arn.clone())
}

/// What AWS shows now for a change that may have been sent.
enum Seen {
    /// The assignment is as the change wants it.
    Done,
    /// AWS is still working on a request for it (its id).
    InFlight(String),
    /// Neither: it has not taken effect.
    Absent,
}

/// Looks at AWS for `item`: a request in flight first, then the pair's assignments (in this
/// order, a request that completes in between is seen in the assignments; the other order
/// could miss it).
async fn look<A: AssignmentApi>(api: &A, item: &ChangeItem) -> Result<Seen> {
    Ok(look_many(api, &[item]).await?.pop().unwrap_or(Seen::Absent))
}

/// [`look`] for many items at once (resume, discard): one in-flight look per operation and
/// one read per account × permission set, whatever the number of items, in the same order.
async fn look_many<A: AssignmentApi>(api: &A, items: &[&ChangeItem]) -> Result<Vec<Seen>> {
    let mut flights: [BTreeMap<Assignment, String>; 2] = Default::default();
    for (slot, op) in [ChangeOp::Create, ChangeOp::Delete].into_iter().enumerate() {
        let wanted: BTreeSet<Assignment> = items
            .iter()
            .filter(|i| i.line.op == op)
            .map(|i| i.line.assignment.clone())
            .collect();
        if !wanted.is_empty() {
            flights[slot] = api.in_flight(op, &wanted).await?;
        }
    }
    let flight_of = |i: &ChangeItem| {
        flights[usize::from(i.line.op == ChangeOp::Delete)].get(&i.line.assignment)
    };
    let pairs: BTreeSet<(String, String)> = items
        .iter()
        .filter(|i| flight_of(i).is_none())
        .map(|i| pair_of(&i.line.assignment))
        .collect();
    let live = if pairs.is_empty() {
        LiveAssignments::new()
    } else {
        api.current_assignments(&pairs).await?
    };
    Ok(items
        .iter()
        .map(|i| {
            if let Some(rid) = flight_of(i) {
                return Seen::InFlight(rid.clone());
            }
            let a = &i.line.assignment;
            let assigned = live
                .get(&pair_of(a))
                .is_some_and(|s| s.contains(&(a.principal_type, a.principal_id.clone())));
            if wanted_state_holds(i.line.op, assigned) {
                Seen::Done
            } else {
                Seen::Absent
            }
        })
        .collect())
}

/// Is the item's wanted state already in AWS? (One account × permission set read.)
async fn already_there<A: AssignmentApi>(api: &A, item: &ChangeItem) -> Result<bool> {
    let a = &item.line.assignment;
    let pair = pair_of(a);
    let live = api
        .current_assignments(&BTreeSet::from([pair.clone()]))
        .await?;
    let assigned = live
        .get(&pair)
        .is_some_and(|s| s.contains(&(a.principal_type, a.principal_id.clone())));
    Ok(wanted_state_holds(item.line.op, assigned))
}

/// For [`super::Gatehouse::discard_change_set`]: what AWS shows for each item that may have
/// been sent (`sending`/`in_progress`), as the status and reason to record. Items AWS could
/// not be asked about are left out (the store then records that it is unknown).
pub(crate) async fn look_before_discard<A: AssignmentApi>(
    api: &A,
    items: &[ChangeItem],
) -> Vec<(u32, ItemStatus, String)> {
    let mut out = Vec::new();
    // Creations and deletions apart: AWS may let the admin read one kind of status and not
    // the other, and what could be read is still recorded.
    for op in [ChangeOp::Create, ChangeOp::Delete] {
        let maybe_sent: Vec<&ChangeItem> = items
            .iter()
            .filter(|i| {
                i.line.op == op && matches!(i.status, ItemStatus::Sending | ItemStatus::InProgress)
            })
            .collect();
        if maybe_sent.is_empty() {
            continue;
        }
        let Ok(seen) = look_many(api, &maybe_sent).await else {
            continue;
        };
        out.extend(
            maybe_sent
                .into_iter()
                .zip(seen)
                .map(|(item, seen)| discard_record(item, seen)),
        );
    }
    out
}

/// What discard records for an item that may have been sent, from what AWS showed.
fn discard_record(item: &ChangeItem, seen: Seen) -> (u32, ItemStatus, String) {
    match seen {
        Seen::Done => (
            item.index,
            ItemStatus::Succeeded,
            "Found done in AWS when the change set was discarded.".to_owned(),
        ),
        Seen::InFlight(rid) => (
            item.index,
            ItemStatus::NotAttempted,
            format!(
                "Discarded while AWS was still working on it (request {rid}): it may \
                     still take effect. Refresh the matrix in a minute to see."
            ),
        ),
        Seen::Absent => (
            item.index,
            ItemStatus::NotAttempted,
            "Discarded; AWS showed it had not taken effect.".to_owned(),
        ),
    }
}

/// Errors after which every other item would fail the same way. Access denied is not one:
/// IAM policies and SCPs can be scoped to accounts or permission sets, so it is that item's
/// failure (with the action named), and the other items go on.
fn ends_the_run(e: &Error) -> bool {
    matches!(e.kind, ErrorKind::Credentials | ErrorKind::NotConnected)
}

impl<A: AssignmentApi> Run<'_, A> {
    fn set(
        &self,
        item: &ChangeItem,
        status: ItemStatus,
        reason: Option<&str>,
        request_id: Option<&str>,
        attempt: bool,
    ) -> Result<()> {
        store::write_item(
            self.store,
            self.id,
            Some(&self.owner),
            item.index,
            status,
            reason,
            request_id,
            attempt,
        )?;
        let (total, done, succeeded, failed, in_flight) = {
            let mut s = self.statuses.lock().expect("statuses");
            if let Some(slot) = s.get_mut(item.index as usize) {
                *slot = status;
            }
            let mut c = (s.len() as u32, 0, 0, 0, 0);
            for st in s.iter() {
                match st {
                    ItemStatus::Succeeded | ItemStatus::AlreadyDone => {
                        c.1 += 1;
                        c.2 += 1
                    }
                    ItemStatus::Failed => {
                        c.1 += 1;
                        c.3 += 1
                    }
                    ItemStatus::NotAttempted => c.1 += 1,
                    ItemStatus::Sending | ItemStatus::InProgress => c.4 += 1,
                    ItemStatus::Pending => {}
                }
            }
            c
        };
        let verb = match status {
            ItemStatus::Pending => "Waiting",
            ItemStatus::Sending => "Sending",
            ItemStatus::InProgress => "In progress",
            ItemStatus::Succeeded => "Done",
            ItemStatus::AlreadyDone => "Already done",
            ItemStatus::Failed => "Failed",
            ItemStatus::NotAttempted => "Not attempted",
        };
        self.sink.send(ApplyEvent {
            change_set_id: self.id.to_owned(),
            done,
            total,
            succeeded,
            failed,
            in_flight,
            message: format!("{verb}: {}", item.line.describe()),
            item: Some(ItemUpdate {
                index: item.index,
                status,
                reason: reason.map(str::to_owned),
            }),
        });
        Ok(())
    }

    /// Records what AWS showed for an item that may have been sent: done (succeeded), or a
    /// request still in flight (in progress, to follow: `Some(Some(rid))`). `None` when it is
    /// not there, so it may be sent.
    fn adopt(&self, item: &ChangeItem, seen: Seen) -> Result<Option<Option<String>>> {
        match seen {
            Seen::Done => {
                self.set(item, ItemStatus::Succeeded, None, None, false)?;
                Ok(Some(None))
            }
            Seen::InFlight(rid) => {
                self.set(item, ItemStatus::InProgress, None, Some(&rid), false)?;
                Ok(Some(Some(rid)))
            }
            Seen::Absent => Ok(None),
        }
    }

    async fn drive(&self, work: Work) -> Result<Ended> {
        let (item, request_id) = match work {
            Work::Poll(item, rid) => (item, rid),
            Work::Send(item) => match self.send(&item).await? {
                Some(rid) => (item, rid),
                None => {
                    return Ok(if self.cancel.is_cancelled() || self.stop.is_cancelled() {
                        Ended::Unfinished
                    } else {
                        Ended::Finished
                    })
                }
            },
        };
        self.poll(&item, &request_id).await
    }

    /// Sends the item; `Some(request id)` when AWS is working on it, `None` when it ended
    /// (recorded) or was not sent.
    async fn send(&self, item: &ChangeItem) -> Result<Option<String>> {
        let mut attempt = 0;
        loop {
            if self.cancel.is_cancelled() {
                self.set(
                    item,
                    ItemStatus::NotAttempted,
                    Some("Cancelled before it was sent."),
                    None,
                    false,
                )?;
                return Ok(None);
            }
            if self.stop.is_cancelled() {
                self.set(item, ItemStatus::Pending, None, None, false)?;
                return Ok(None);
            }
            attempt += 1;
            // Journalled before the call: if the process dies now, resume checks AWS first.
            self.set(item, ItemStatus::Sending, None, None, true)?;
            match self.api.submit(item.line.op, &item.line.assignment).await {
                Ok(s) => match s.state {
                    AsyncState::Succeeded => {
                        self.set(
                            item,
                            ItemStatus::Succeeded,
                            None,
                            s.request_id.as_deref(),
                            false,
                        )?;
                        return Ok(None);
                    }
                    AsyncState::Failed(reason) => {
                        self.set(
                            item,
                            ItemStatus::Failed,
                            Some(&reason),
                            s.request_id.as_deref(),
                            false,
                        )?;
                        return Ok(None);
                    }
                    AsyncState::InProgress => {
                        let Some(rid) = s.request_id else {
                            // Nothing to poll: read the result instead.
                            let status = if already_there(self.api, item).await? {
                                ItemStatus::Succeeded
                            } else {
                                ItemStatus::InProgress
                            };
                            self.set(item, status, None, None, false)?;
                            return Ok(None);
                        };
                        self.set(item, ItemStatus::InProgress, None, Some(&rid), false)?;
                        return Ok(Some(rid));
                    }
                },
                Err(e) if ends_the_run(&e) => {
                    self.set(item, ItemStatus::Pending, None, None, false)?;
                    self.stop.cancel();
                    return Err(e);
                }
                Err(e) if is_ambiguous(&e) && attempt >= MAX_ATTEMPTS => {
                    // Out of attempts after an answer that may have been lost: say what AWS
                    // holds, or leave it unfinished for a resume — never a guessed failure.
                    if let Ok(seen) = look(self.api, item).await {
                        if let Some(next) = self.adopt(item, seen)? {
                            return Ok(next);
                        }
                    }
                    let reason = format!(
                        "{} (after {attempt} attempts; AWS may have carried it out: resume to \
                         check)",
                        e.message
                    );
                    self.set(item, ItemStatus::Sending, Some(&reason), None, false)?;
                    return Ok(None);
                }
                Err(e) if is_transient(&e) && attempt < MAX_ATTEMPTS => {
                    if is_ambiguous(&e) {
                        match look(self.api, item).await {
                            // Done, or AWS took the first one and is still on it: follow that.
                            Ok(seen) => {
                                if let Some(next) = self.adopt(item, seen)? {
                                    return Ok(next);
                                }
                            }
                            // Cannot tell: leave it for a resume rather than risk a duplicate.
                            Err(check) => {
                                self.set(
                                    item,
                                    ItemStatus::Sending,
                                    Some(&format!(
                                        "Sent, but AWS's answer was lost ({}) and the check \
                                         failed ({}). Resume to check again.",
                                        e.message, check.message
                                    )),
                                    None,
                                    false,
                                )?;
                                return Ok(None);
                            }
                        }
                    }
                    tokio::time::sleep(crate::snapshot::load::backoff(
                        Duration::from_millis(500),
                        attempt,
                    ))
                    .await;
                }
                Err(e) => {
                    let reason = match e.kind {
                        ErrorKind::Throttled | ErrorKind::Network | ErrorKind::Conflict => {
                            format!("{} (gave up after {attempt} attempts)", e.message)
                        }
                        _ => e.message.clone(),
                    };
                    self.set(item, ItemStatus::Failed, Some(&reason), None, false)?;
                    return Ok(None);
                }
            }
        }
    }

    /// Follows `request_id` to SUCCEEDED/FAILED. Giving up on it (the deadline, or its status
    /// unreadable again and again) also stops sending: AWS may still count it among the
    /// outstanding requests, so its slot in the window is not freed for another. The set then
    /// ends interrupted, to be resumed (which checks it first).
    async fn poll(&self, item: &ChangeItem, request_id: &str) -> Result<Ended> {
        let ended = self.follow(item, request_id).await;
        if matches!(ended, Ok(Ended::Unfinished)) {
            self.stop.cancel();
        }
        ended
    }

    async fn follow(&self, item: &ChangeItem, request_id: &str) -> Result<Ended> {
        let started = tokio::time::Instant::now();
        let mut wait = FIRST_POLL;
        let mut errors = 0;
        loop {
            if started.elapsed() > POLL_DEADLINE {
                return Ok(Ended::Unfinished);
            }
            tokio::time::sleep(wait).await;
            wait = (wait.mul_f64(1.5)).min(MAX_POLL);
            match self.api.status(item.line.op, request_id).await {
                Ok(s) => match s.state {
                    AsyncState::InProgress => errors = 0,
                    AsyncState::Succeeded => {
                        self.set(item, ItemStatus::Succeeded, None, None, false)?;
                        return Ok(Ended::Finished);
                    }
                    AsyncState::Failed(reason) => {
                        self.set(item, ItemStatus::Failed, Some(&reason), None, false)?;
                        return Ok(Ended::Finished);
                    }
                },
                Err(e) if ends_the_run(&e) => {
                    self.stop.cancel();
                    return Err(e);
                }
                Err(e) if is_transient(&e) => {
                    errors += 1;
                    if errors >= MAX_ATTEMPTS {
                        return Ok(Ended::Unfinished);
                    }
                }
                Err(e) => {
                    // AWS does not know the request (yet, or any more): read the outcome;
                    // when it is not there, keep following until the deadline — only a
                    // FAILED status is a failure.
                    if already_there(self.api, item).await.unwrap_or(false) {
                        self.set(item, ItemStatus::Succeeded, None, None, false)?;
                        return Ok(Ended::Finished);
                    }
                    errors += 1;
                    if errors >= MAX_ATTEMPTS {
                        self.set(
                            item,
                            ItemStatus::InProgress,
                            Some(&format!(
                                "AWS's status of the request could not be read ({}); resume to \
                                 check it.",
                                e.message
                            )),
                            None,
                            false,
                        )?;
                        return Ok(Ended::Unfinished);
                    }
                }
            }
        }
    }
}

/// Applies the unfinished items of change set `id` (which must be marked running). With
/// `check_first`, every unfinished item is first checked against AWS (resume, retry).
pub async fn run<A: AssignmentApi>(
    store: &Store,
    api: &A,
    id: &str,
    sink: Arc<dyn ApplySink>,
    cancel: CancellationToken,
    check_first: bool,
) -> Result<()> {
    let set = store::load(store, id)?;
    let run = Run {
        store,
        api,
        id,
        sink,
        cancel: cancel.clone(),
        stop: CancellationToken::new(),
        statuses: Mutex::new(set.items.iter().map(|i| i.status).collect()),
        // The set was marked running (created or claimed) by this process just before.
        owner: store::owner(store, id)?,
    };
    let work_and_beat = async {
        let main = run_items(&run, set.items, check_first);
        tokio::pin!(main);
        loop {
            tokio::select! {
                r = &mut main => break r,
                _ = tokio::time::sleep(HEARTBEAT) => {
                    if let Err(e) = store::heartbeat(store, id, &run.owner) {
                        if e.kind == ErrorKind::Conflict {
                            // Taken over: stop now, even while only polling.
                            break Err(e);
                        }
                    }
                }
            }
        }
    };
    let result = work_and_beat.await;
    if let Err(e) = &result {
        if e.kind == ErrorKind::Conflict && store::owner(store, id)? != run.owner {
            // Another process holds the set now: its journal is not this run's to finish.
            return result;
        }
    }

    let set = store::load(store, id)?;
    let c = set.summary.counts;
    let (status, message) = match &result {
        Err(e) => (
            ChangeSetStatus::Interrupted,
            Some(format!(
                "Stopped: {} {} of {} changes are done; resume once this is fixed.",
                e.message, c.succeeded, c.total
            )),
        ),
        Ok(()) if c.unfinished > 0 => (
            ChangeSetStatus::Interrupted,
            Some(format!(
                "{} changes were still in progress in AWS when Gatehouse stopped following \
                 them. Resume to check them.",
                c.unfinished
            )),
        ),
        Ok(()) if cancel.is_cancelled() && c.not_attempted > 0 => (
            ChangeSetStatus::Cancelled,
            Some(format!(
                "Cancelled: {} of {} changes are done, {} were not sent.",
                c.succeeded, c.total, c.not_attempted
            )),
        ),
        Ok(()) if c.failed > 0 => (ChangeSetStatus::CompletedWithFailures, None),
        Ok(()) => (ChangeSetStatus::Completed, None),
    };
    store::finish_as(store, id, Some(&run.owner), status, message.as_deref())?;
    match result {
        Err(e) => Err(e),
        Ok(()) if status == ChangeSetStatus::Cancelled => Err(Error::cancelled()),
        Ok(()) => Ok(()),
    }
}

async fn run_items<A: AssignmentApi>(
    run: &Run<'_, A>,
    items: Vec<ChangeItem>,
    check_first: bool,
) -> Result<()> {
    let unfinished: Vec<ChangeItem> = items
        .into_iter()
        .filter(|i| {
            matches!(
                i.status,
                ItemStatus::Pending | ItemStatus::Sending | ItemStatus::InProgress
            )
        })
        .collect();
    let mut work = Vec::with_capacity(unfinished.len());
    if check_first && !unfinished.is_empty() {
        let pairs: BTreeSet<(String, String)> = unfinished
            .iter()
            .map(|i| pair_of(&i.line.assignment))
            .collect();
        let live = run.api.current_assignments(&pairs).await?;
        let mut maybe_sent = Vec::new();
        for item in unfinished {
            let a = &item.line.assignment;
            let assigned = live
                .get(&pair_of(a))
                .is_some_and(|s| s.contains(&(a.principal_type, a.principal_id.clone())));
            if wanted_state_holds(item.line.op, assigned) {
                // Sent before the interruption and carried out, or made elsewhere meanwhile.
                let status = if item.status == ItemStatus::Pending {
                    ItemStatus::AlreadyDone
                } else {
                    ItemStatus::Succeeded
                };
                run.set(&item, status, None, None, false)?;
            } else if let (ItemStatus::InProgress, Some(rid)) =
                (item.status, item.request_id.clone())
            {
                work.push(Work::Poll(item, rid));
            } else if item.status == ItemStatus::Pending {
                work.push(Work::Send(item));
            } else {
                // It may have reached AWS before the interruption and still be in progress
                // (or have completed since the read above): looked at together, below.
                maybe_sent.push(item);
            }
        }
        let looked = if maybe_sent.is_empty() {
            Vec::new()
        } else {
            look_many(run.api, &maybe_sent.iter().collect::<Vec<_>>()).await?
        };
        for (item, seen) in maybe_sent.into_iter().zip(looked) {
            match run.adopt(&item, seen)? {
                Some(Some(rid)) => work.push(Work::Poll(item, rid)),
                Some(None) => {}
                None => work.push(Work::Send(item)),
            }
        }
    } else {
        work.extend(unfinished.into_iter().map(Work::Send));
    }

    let window = run.api.settings().max_outstanding.clamp(1, 15) as usize;
    let results: Vec<Result<Ended>> = futures::stream::iter(work)
        .map(|w| run.drive(w))
        .buffer_unordered(window)
        .collect()
        .await;
    // The first run-ending error (the rest of the items were left pending).
    for r in results {
        r?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::changes::aws::AsyncStatus;
    use crate::changes::plan::{LiveAssignments, Names};
    use crate::changes::store::tests::caller;
    use crate::changes::{ApplySettings, ChangeLine};
    use crate::snapshot::tests::sample;
    use crate::snapshot::PrincipalType;

    /// A fake Identity Center: assignments, async requests that take `polls` status calls,
    /// and scripted faults.
    #[derive(Default)]
    struct Fake {
        state: Mutex<FakeState>,
        settings: Option<ApplySettings>,
        outstanding: AtomicU32,
        max_seen: AtomicU32,
    }

    #[derive(Default)]
    struct FakeState {
        assigned: BTreeSet<Assignment>,
        /// request id → (op, assignment, polls left, failure)
        requests: HashMap<String, (ChangeOp, Assignment, u32, Option<String>)>,
        next: u32,
        polls: u32,
        /// Submits answered with this error, in order (after the first `skip_submits`).
        submit_faults: Vec<Error>,
        /// Apply the change anyway before answering the fault (a lost answer).
        fault_after_acting: bool,
        /// With `fault_after_acting`: AWS accepted the request and is still working on it.
        fault_leaves_in_flight: bool,
        /// `in_flight` calls (one per operation however many items are looked at).
        in_flight_looks: u32,
        fail_reason: BTreeMap<String, String>,
        submits: u32,
        creates_sent: BTreeMap<Assignment, u32>,
    }

    impl Fake {
        fn with(f: impl FnOnce(&mut FakeState)) -> Self {
            let fake = Fake::default();
            f(&mut fake.state.lock().unwrap());
            fake
        }
    }

    impl AssignmentApi for Fake {
        async fn submit(&self, op: ChangeOp, a: &Assignment) -> Result<AsyncStatus> {
            let mut s = self.state.lock().unwrap();
            s.submits += 1;
            if !s.submit_faults.is_empty() {
                let e = s.submit_faults.remove(0);
                if s.fault_after_acting && s.fault_leaves_in_flight {
                    if op == ChangeOp::Create {
                        *s.creates_sent.entry(a.clone()).or_default() += 1;
                    }
                    s.next += 1;
                    let id = format!("req-{}", s.next);
                    let polls = s.polls;
                    s.requests.insert(id, (op, a.clone(), polls, None));
                    self.outstanding.fetch_add(1, Ordering::SeqCst);
                } else if s.fault_after_acting {
                    match op {
                        ChangeOp::Create => {
                            *s.creates_sent.entry(a.clone()).or_default() += 1;
                            s.assigned.insert(a.clone());
                        }
                        ChangeOp::Delete => {
                            s.assigned.remove(a);
                        }
                    }
                }
                return Err(e);
            }
            if op == ChangeOp::Create {
                *s.creates_sent.entry(a.clone()).or_default() += 1;
            }
            s.next += 1;
            let id = format!("req-{}", s.next);
            let fail = s.fail_reason.get(&a.principal_id).cloned();
            let polls = s.polls;
            s.requests.insert(id.clone(), (op, a.clone(), polls, fail));
            let now = self.outstanding.fetch_add(1, Ordering::SeqCst) + 1;
            self.max_seen.fetch_max(now, Ordering::SeqCst);
            Ok(AsyncStatus {
                request_id: Some(id),
                state: AsyncState::InProgress,
            })
        }

        async fn status(&self, _op: ChangeOp, request_id: &str) -> Result<AsyncStatus> {
            let mut s = self.state.lock().unwrap();
            let Some((op, a, left, fail)) = s.requests.get(request_id).cloned() else {
                return Err(Error::not_found("no such request"));
            };
            if left > 0 {
                s.requests.get_mut(request_id).unwrap().2 -= 1;
                return Ok(AsyncStatus {
                    request_id: Some(request_id.into()),
                    state: AsyncState::InProgress,
                });
            }
            s.requests.remove(request_id);
            self.outstanding.fetch_sub(1, Ordering::SeqCst);
            if let Some(reason) = fail {
                return Ok(AsyncStatus {
                    request_id: Some(request_id.into()),
                    state: AsyncState::Failed(reason),
                });
            }
            match op {
                ChangeOp::Create => s.assigned.insert(a),
                ChangeOp::Delete => s.assigned.remove(&a),
            };
            Ok(AsyncStatus {
                request_id: Some(request_id.into()),
                state: AsyncState::Succeeded,
            })
        }

        async fn in_flight(
            &self,
            op: ChangeOp,
            wanted: &BTreeSet<Assignment>,
        ) -> crate::changes::aws::InFlight {
            let mut s = self.state.lock().unwrap();
            s.in_flight_looks += 1;
            let mut found = BTreeMap::new();
            for (id, (o, x, _, _)) in &s.requests {
                if *o == op && wanted.contains(x) {
                    found.entry(x.clone()).or_insert_with(|| id.clone());
                }
            }
            Ok(found)
        }

        async fn current_assignments(
            &self,
            pairs: &BTreeSet<(String, String)>,
        ) -> Result<LiveAssignments> {
            let s = self.state.lock().unwrap();
            let mut live = LiveAssignments::new();
            for p in pairs {
                live.insert(p.clone(), BTreeSet::new());
            }
            for a in &s.assigned {
                if let Some(set) = live.get_mut(&pair_of(a)) {
                    set.insert((a.principal_type, a.principal_id.clone()));
                }
            }
            Ok(live)
        }

        fn settings(&self) -> ApplySettings {
            self.settings.unwrap_or_default()
        }
    }

    fn creates(n: usize) -> Vec<ChangeLine> {
        let s = sample();
        let names = Names::new(&s);
        (0..n)
            .map(|i| {
                names.line(
                    ChangeOp::Create,
                    &Assignment {
                        account_id: "222222222222".into(),
                        permission_set_arn: "arn:ps-ro".into(),
                        principal_type: PrincipalType::User,
                        principal_id: format!("u-{i:03}"),
                    },
                )
            })
            .collect()
    }

    fn new_set(store: &Store, lines: &[ChangeLine]) -> String {
        store::create(store, &caller(), &sample(), lines, &[])
            .unwrap()
            .summary
            .id
    }

    /// Runs a reopened set again (resume, retry): each unfinished item checked first.
    async fn run_again(store: &Store, fake: &Fake, id: &str) {
        let (sink, _) = events();
        run(store, fake, id, sink, CancellationToken::new(), true)
            .await
            .unwrap();
    }

    /// Every creation reached the fake exactly once: no duplicate, no gap.
    fn assert_each_sent_once(fake: &Fake, lines: &[ChangeLine]) {
        let s = fake.state.lock().unwrap();
        for l in lines {
            assert_eq!(
                s.creates_sent.get(&l.assignment),
                Some(&1),
                "{}",
                l.describe()
            );
        }
    }

    fn events() -> (Arc<dyn ApplySink>, Arc<Mutex<Vec<ApplyEvent>>>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let l = log.clone();
        (
            Arc::new(move |e: ApplyEvent| l.lock().unwrap().push(e)),
            log,
        )
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_given_up_on_keeps_its_slot_so_nothing_more_is_sent() {
        let store = Store::open_in_memory().unwrap();
        let lines = creates(40);
        let id = new_set(&store, &lines);
        // AWS never finishes: every request stays IN_PROGRESS past the poll deadline.
        let fake = Fake::with(|s| s.polls = u32::MAX);
        let (sink, _log) = events();
        run(&store, &fake, &id, sink, CancellationToken::new(), false)
            .await
            .unwrap();
        assert_eq!(
            fake.state.lock().unwrap().submits,
            15,
            "only the first window was sent; it may all still be outstanding in AWS"
        );
        let set = store::load(&store, &id).unwrap();
        assert_eq!(set.summary.status, ChangeSetStatus::Interrupted);
        let count = |st: ItemStatus| set.items.iter().filter(|i| i.status == st).count();
        assert_eq!(
            (count(ItemStatus::InProgress), count(ItemStatus::Pending)),
            (15, 25)
        );
        assert!(
            set.summary
                .message
                .as_deref()
                .unwrap_or("")
                .contains("Resume"),
            "{:?}",
            set.summary.message
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_run_taken_over_by_another_process_stops_and_writes_nothing_more() {
        let store = Store::open_in_memory().unwrap();
        let lines = creates(40);
        let id = new_set(&store, &lines);
        // Slow AWS: each request takes 20 status polls, so the run lasts well past 3 s.
        let fake = Fake::with(|s| s.polls = 20);
        let (sink, _log) = events();
        let take_over = async {
            tokio::time::sleep(Duration::from_secs(3)).await;
            // What another process's claim of a stale set does (`store::claim`).
            store
                .conn()
                .execute(
                    "UPDATE change_sets SET owner = 'other', updated_at = ?2 WHERE id = ?1",
                    rusqlite::params![id, crate::time_fmt::now_rfc3339()],
                )
                .unwrap();
            let set = store::load(&store, &id).unwrap();
            (fake.state.lock().unwrap().submits, set.items)
        };
        let (result, (submits_then, items_then)) = tokio::join!(
            run(&store, &fake, &id, sink, CancellationToken::new(), false),
            take_over
        );
        let err = result.unwrap_err();
        assert_eq!(err.kind, ErrorKind::Conflict, "{err:?}");
        assert!(err.message.contains("took over"), "{}", err.message);
        assert!(
            submits_then < 40,
            "the takeover came mid-run ({submits_then} sent)"
        );
        assert_eq!(
            fake.state.lock().unwrap().submits,
            submits_then,
            "nothing sent after the takeover"
        );
        let set = store::load(&store, &id).unwrap();
        assert_eq!(
            set.summary.status,
            ChangeSetStatus::Running,
            "not finished by the loser"
        );
        assert_eq!(set.summary.message, None);
        let statuses = |items: &[ChangeItem]| items.iter().map(|i| i.status).collect::<Vec<_>>();
        assert_eq!(
            statuses(&set.items),
            statuses(&items_then),
            "journal untouched"
        );
    }

    #[tokio::test]
    async fn discarding_records_what_aws_shows_for_items_that_may_have_been_sent() {
        let store = Store::open_in_memory().unwrap();
        let lines = creates(4);
        let id = new_set(&store, &lines);
        // A crash left: 0 sent and done in AWS, 1 accepted and still in progress, 2 sent
        // but never arrived, 3 never sent.
        store::update_item(&store, &id, 0, ItemStatus::Sending, None, None, true).unwrap();
        store::update_item(
            &store,
            &id,
            1,
            ItemStatus::InProgress,
            None,
            Some("r-1"),
            true,
        )
        .unwrap();
        store::update_item(&store, &id, 2, ItemStatus::Sending, None, None, true).unwrap();
        store::finish(&store, &id, ChangeSetStatus::Interrupted, None).unwrap();
        let fake = Fake::with(|s| {
            s.assigned.insert(lines[0].assignment.clone());
            let a = lines[1].assignment.clone();
            s.requests
                .insert("r-1".into(), (ChangeOp::Create, a, 3, None));
        });
        let set = store::load(&store, &id).unwrap();
        let looked = look_before_discard(&fake, &set.items).await;
        assert_eq!(
            looked.len(),
            3,
            "only the items that may have been sent are looked up"
        );
        let set = store::discard(&store, &id, &looked).unwrap();
        assert_eq!(set.summary.status, ChangeSetStatus::Discarded);
        let got: Vec<(ItemStatus, String)> = set
            .items
            .iter()
            .map(|i| (i.status, i.reason.clone().unwrap_or_default()))
            .collect();
        assert_eq!(got[0].0, ItemStatus::Succeeded, "{got:?}");
        assert!(got[0].1.contains("Found done in AWS"), "{got:?}");
        assert_eq!(got[1].0, ItemStatus::NotAttempted);
        assert!(got[1].1.contains("request r-1") && got[1].1.contains("may still take effect"));
        assert_eq!(got[2].0, ItemStatus::NotAttempted);
        assert!(got[2].1.contains("had not taken effect"), "{got:?}");
        assert_eq!(
            got[3],
            (
                ItemStatus::NotAttempted,
                "Discarded after an interruption; never sent.".into()
            )
        );
        assert_eq!(
            fake.state.lock().unwrap().submits,
            0,
            "discarding sends nothing"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn applies_everything_with_bounded_outstanding_requests() {
        let store = Store::open_in_memory().unwrap();
        let lines = creates(40);
        let id = new_set(&store, &lines);
        let fake = Fake::with(|s| s.polls = 3);
        let (sink, log) = events();
        run(&store, &fake, &id, sink, CancellationToken::new(), false)
            .await
            .unwrap();
        let set = store::load(&store, &id).unwrap();
        assert_eq!(set.summary.status, ChangeSetStatus::Completed);
        assert_eq!(set.summary.counts.succeeded, 40);
        assert!(set.summary.finished_at.is_some());
        assert_eq!(fake.state.lock().unwrap().assigned.len(), 40);
        let max = fake.max_seen.load(Ordering::SeqCst);
        assert!(
            (10..=15).contains(&max),
            "outstanding at most 15, saw {max}"
        );
        let log = log.lock().unwrap();
        let last = log.last().unwrap();
        assert_eq!((last.done, last.total, last.succeeded), (40, 40, 40));
        assert!(log.iter().any(|e| e
            .item
            .as_ref()
            .is_some_and(|i| i.status == ItemStatus::InProgress)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_smaller_window_is_honoured() {
        let store = Store::open_in_memory().unwrap();
        let id = new_set(&store, &creates(12));
        let mut fake = Fake::with(|s| s.polls = 2);
        fake.settings = Some(ApplySettings {
            max_outstanding: 3,
            requests_per_second: 20,
        });
        let (sink, _) = events();
        run(&store, &fake, &id, sink, CancellationToken::new(), false)
            .await
            .unwrap();
        assert_eq!(fake.max_seen.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn failures_carry_aws_reason_and_the_set_says_so() {
        let store = Store::open_in_memory().unwrap();
        let id = new_set(&store, &creates(3));
        let fake = Fake::with(|s| {
            s.fail_reason
                .insert("u-001".into(), "Account 222222222222 is suspended.".into());
        });
        let (sink, _) = events();
        run(&store, &fake, &id, sink, CancellationToken::new(), false)
            .await
            .unwrap();
        let set = store::load(&store, &id).unwrap();
        assert_eq!(set.summary.status, ChangeSetStatus::CompletedWithFailures);
        assert_eq!(set.items[1].status, ItemStatus::Failed);
        assert_eq!(
            set.items[1].reason.as_deref(),
            Some("Account 222222222222 is suspended.")
        );
        assert_eq!(set.summary.counts.succeeded, 2);

        // Retry failed: the fault is gone now.
        fake.state.lock().unwrap().fail_reason.clear();
        store::reopen_for_retry(&store, &id).unwrap();
        run_again(&store, &fake, &id).await;
        let set = store::load(&store, &id).unwrap();
        assert_eq!(set.summary.status, ChangeSetStatus::Completed);
        assert_eq!(set.items[1].attempts, 2);
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_backs_off_and_lost_answers_are_checked_not_resent() {
        let store = Store::open_in_memory().unwrap();
        let id = new_set(&store, &creates(4));
        let fake = Fake::with(|s| {
            s.submit_faults = vec![
                Error::new(ErrorKind::Throttled, "slow down"),
                Error::new(ErrorKind::Throttled, "slow down"),
            ];
        });
        let (sink, _) = events();
        run(&store, &fake, &id, sink, CancellationToken::new(), false)
            .await
            .unwrap();
        assert_eq!(
            store::load(&store, &id).unwrap().summary.counts.succeeded,
            4
        );

        // A 5xx after AWS acted: the engine finds the assignment and does not send it again.
        let store = Store::open_in_memory().unwrap();
        let id = new_set(&store, &creates(1));
        let fake = Fake::with(|s| {
            s.submit_faults = vec![Error::new(ErrorKind::Network, "500 internal error")];
            s.fault_after_acting = true;
        });
        let (sink, _) = events();
        run(&store, &fake, &id, sink, CancellationToken::new(), false)
            .await
            .unwrap();
        let set = store::load(&store, &id).unwrap();
        assert_eq!(set.items[0].status, ItemStatus::Succeeded);
        let s = fake.state.lock().unwrap();
        assert_eq!(s.submits, 1, "not resent");
        assert!(s.creates_sent.values().all(|n| *n == 1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_lost_answer_for_a_request_still_in_progress_is_followed_not_resent() {
        let store = Store::open_in_memory().unwrap();
        let id = new_set(&store, &creates(1));
        let fake = Fake::with(|s| {
            s.polls = 3;
            s.submit_faults = vec![Error::new(ErrorKind::Network, "timed out")];
            s.fault_after_acting = true;
            s.fault_leaves_in_flight = true;
        });
        let (sink, _) = events();
        run(&store, &fake, &id, sink, CancellationToken::new(), false)
            .await
            .unwrap();
        let set = store::load(&store, &id).unwrap();
        assert_eq!(set.items[0].status, ItemStatus::Succeeded);
        let s = fake.state.lock().unwrap();
        assert_eq!(s.submits, 1, "followed the first request, not sent again");
        assert_eq!(s.assigned.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn access_denied_fails_that_item_only() {
        let store = Store::open_in_memory().unwrap();
        let id = new_set(&store, &creates(4));
        let mut fake = Fake::with(|s| {
            s.submit_faults = vec![Error::new(
                ErrorKind::AccessDenied,
                "Access denied: these credentials may not call sso:CreateAccountAssignment.",
            )];
        });
        fake.settings = Some(ApplySettings {
            max_outstanding: 1,
            requests_per_second: 20,
        });
        let (sink, _) = events();
        run(&store, &fake, &id, sink, CancellationToken::new(), false)
            .await
            .unwrap();
        let set = store::load(&store, &id).unwrap();
        assert_eq!(set.summary.status, ChangeSetStatus::CompletedWithFailures);
        assert_eq!(set.items[0].status, ItemStatus::Failed);
        assert!(set.items[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("sso:CreateAccountAssignment"));
        assert_eq!(set.summary.counts.succeeded, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn expired_credentials_stop_the_run_and_resume_finishes_it() {
        let store = Store::open_in_memory().unwrap();
        let id = new_set(&store, &creates(5));
        let mut fake = Fake::with(|s| {
            s.submit_faults = vec![Error::new(
                ErrorKind::Credentials,
                "The SSO session expired: run aws sso login.",
            )];
        });
        fake.settings = Some(ApplySettings {
            max_outstanding: 1,
            requests_per_second: 20,
        });
        let (sink, _) = events();
        let err = run(&store, &fake, &id, sink, CancellationToken::new(), false)
            .await
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Credentials);
        let set = store::load(&store, &id).unwrap();
        assert_eq!(set.summary.status, ChangeSetStatus::Interrupted);
        assert!(set
            .summary
            .message
            .as_deref()
            .unwrap()
            .contains("aws sso login"));
        assert_eq!(set.summary.counts.unfinished, 5);

        store::reopen_for_resume(&store, &id).unwrap();
        run_again(&store, &fake, &id).await;
        assert_eq!(
            store::load(&store, &id).unwrap().summary.status,
            ChangeSetStatus::Completed
        );
    }

    #[tokio::test(start_paused = true)]
    async fn resume_after_a_crash_checks_aws_and_creates_no_duplicates() {
        let store = Store::open_in_memory().unwrap();
        let lines = creates(6);
        let id = new_set(&store, &lines);
        let fake = Fake::default();
        // The crashed process: item 0 done, item 1 sent and carried out but not journalled,
        // item 2 sent and still in progress (request known), 3–5 never sent.
        {
            let mut s = fake.state.lock().unwrap();
            s.assigned.insert(lines[0].assignment.clone());
            s.assigned.insert(lines[1].assignment.clone());
            s.creates_sent.insert(lines[0].assignment.clone(), 1);
            s.creates_sent.insert(lines[1].assignment.clone(), 1);
        }
        let req = fake
            .submit(ChangeOp::Create, &lines[2].assignment)
            .await
            .unwrap()
            .request_id
            .unwrap();
        store::update_item(&store, &id, 0, ItemStatus::Succeeded, None, None, true).unwrap();
        store::update_item(&store, &id, 1, ItemStatus::Sending, None, None, true).unwrap();
        store::update_item(
            &store,
            &id,
            2,
            ItemStatus::InProgress,
            None,
            Some(&req),
            true,
        )
        .unwrap();
        store::tests::backdate(&store, &id);

        let found = store::interrupted(&store, None).unwrap().unwrap();
        assert_eq!(found.summary.id, id);
        store::reopen_for_resume(&store, &id).unwrap();
        run_again(&store, &fake, &id).await;
        let set = store::load(&store, &id).unwrap();
        assert_eq!(set.summary.status, ChangeSetStatus::Completed);
        assert_eq!(set.items[1].status, ItemStatus::Succeeded);
        assert_eq!(fake.state.lock().unwrap().assigned.len(), 6);
        assert_each_sent_once(&fake, &lines);
    }

    #[tokio::test(start_paused = true)]
    async fn resume_looks_for_requests_in_flight_once_for_all_items_that_may_have_been_sent() {
        let store = Store::open_in_memory().unwrap();
        let lines = creates(8);
        let id = new_set(&store, &lines);
        let fake = Fake::with(|s| s.polls = 2);
        // The crashed process: items 0–3 journalled as sending; 0 and 1 reached AWS, which is
        // still working on them; 2 and 3 never left. Items 4–7 were not sent.
        for l in &lines[..2] {
            fake.submit(ChangeOp::Create, &l.assignment).await.unwrap();
        }
        for i in 0..4 {
            store::update_item(&store, &id, i, ItemStatus::Sending, None, None, true).unwrap();
        }
        store::tests::backdate(&store, &id);
        store::reopen_for_resume(&store, &id).unwrap();
        run_again(&store, &fake, &id).await;
        let set = store::load(&store, &id).unwrap();
        assert_eq!(set.summary.status, ChangeSetStatus::Completed);
        let s = fake.state.lock().unwrap();
        assert_eq!(s.in_flight_looks, 1, "one look for the four, not one each");
        assert_eq!(s.assigned.len(), 8);
        drop(s);
        assert_each_sent_once(&fake, &lines);
    }

    #[tokio::test(start_paused = true)]
    async fn cancel_stops_sending_and_follows_what_was_sent() {
        let store = Store::open_in_memory().unwrap();
        let id = new_set(&store, &creates(40));
        let mut fake = Fake::with(|s| s.polls = 4);
        fake.settings = Some(ApplySettings {
            max_outstanding: 5,
            requests_per_second: 20,
        });
        let cancel = CancellationToken::new();
        let c = cancel.clone();
        let sink: Arc<dyn ApplySink> = Arc::new(move |e: ApplyEvent| {
            if e.succeeded >= 5 {
                c.cancel();
            }
        });
        let err = run(&store, &fake, &id, sink, cancel, false)
            .await
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Cancelled);
        let set = store::load(&store, &id).unwrap();
        assert_eq!(set.summary.status, ChangeSetStatus::Cancelled);
        let c = set.summary.counts;
        assert_eq!(c.unfinished, 0, "what was sent was followed to the end");
        assert!(c.not_attempted >= 25, "{c:?}");
        assert_eq!(c.succeeded + c.not_attempted, 40);
        assert_eq!(
            fake.state.lock().unwrap().assigned.len() as u32,
            c.succeeded
        );
    }
}
