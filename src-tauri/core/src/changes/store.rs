//! Change sets in SQLite (migration 3): written before apply sends anything and updated as
//! each item moves, so a crash, a closed window or a lost connection loses nothing — and the
//! same rows are the audit log (who, when, what, outcome) the Activity page shows.
//!
//! A set whose status is `running` but whose heartbeat (`updated_at`, touched every few
//! seconds by the applying process) is stale was left by a process that died: it reads as
//! interrupted, so it can be resumed — and a set still being applied by another live
//! Gatehouse (the CLI and the app share the database) cannot be resumed twice.

use rusqlite::{params, OptionalExtension, Row};
use time::OffsetDateTime;

use super::plan::Caller;
use super::{
    ChangeCounts, ChangeItem, ChangeLine, ChangeSet, ChangeSetStatus, ChangeSetSummary, HeldChange,
    ItemStatus,
};
use crate::error::{Error, ErrorKind, Result};
use crate::snapshot::Snapshot;
use crate::store::Store;
use crate::time_fmt::{now_rfc3339, parse_rfc3339};

/// A running set not touched for this long belongs to a process that is gone.
pub const STALE_AFTER: time::Duration = time::Duration::seconds(10);

fn new_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let r = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let now = OffsetDateTime::now_utc();
    format!(
        "cs-{}-{:06x}",
        now.unix_timestamp_nanos() / 1_000_000,
        r & 0xff_ffff
    )
}

/// Saves a new running change set with every line of `send` pending, followed by the
/// staged changes AWS already held when apply began (`held`, recorded as already done with
/// the plan's reason), so the set and the audit log show everything the admin asked for.
pub fn create(
    store: &Store,
    caller: &Caller,
    snapshot: &Snapshot,
    send: &[ChangeLine],
    held: &[HeldChange],
) -> Result<ChangeSet> {
    let id = new_id();
    let now = now_rfc3339();
    {
        let mut conn = store.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO change_sets (id, instance_arn, region, caller_arn, account_id,
                 created_at, updated_at, status, owner)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 'running', ?7)",
            params![
                id,
                snapshot.instance_arn,
                snapshot.region,
                caller.caller_arn,
                caller.account_id,
                now,
                new_id()
            ],
        )?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO change_items (set_id, idx, line, status, reason, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let items = send
                .iter()
                .map(|line| (line, ItemStatus::Pending, None))
                .chain(
                    held.iter()
                        .map(|h| (&h.line, ItemStatus::AlreadyDone, Some(&h.reason))),
                );
            for (i, (line, status, reason)) in items.enumerate() {
                stmt.execute(params![
                    id,
                    i as i64,
                    serde_json::to_string(line)?,
                    status.as_str(),
                    reason,
                    now
                ])?;
            }
        }
        tx.commit()?;
    }
    load(store, &id)
}

/// Records an item's new state (and touches the set's heartbeat), without checking which
/// run holds the set (tests set up journals with it).
#[cfg(test)]
pub fn update_item(
    store: &Store,
    id: &str,
    index: u32,
    status: ItemStatus,
    reason: Option<&str>,
    request_id: Option<&str>,
    add_attempt: bool,
) -> Result<()> {
    write_item(
        store,
        id,
        None,
        index,
        status,
        reason,
        request_id,
        add_attempt,
    )
}

/// Records an item's new state for the run `owner` (and touches the set's heartbeat); a
/// Conflict error, and nothing written, when another process has taken the set over.
#[allow(clippy::too_many_arguments)]
pub fn write_item(
    store: &Store,
    id: &str,
    owner: Option<&str>,
    index: u32,
    status: ItemStatus,
    reason: Option<&str>,
    request_id: Option<&str>,
    add_attempt: bool,
) -> Result<()> {
    let now = now_rfc3339();
    let mut conn = store.conn();
    let tx = conn.transaction()?;
    let holds = tx.execute(
        "UPDATE change_sets SET updated_at = ?2 WHERE id = ?1 AND (?3 IS NULL OR owner = ?3)",
        params![id, now, owner],
    )?;
    owned(id, holds)?;
    tx.execute(
        "UPDATE change_items SET status = ?3, reason = ?4,
             request_id = CASE WHEN ?3 = 'sending' THEN NULL ELSE COALESCE(?5, request_id) END,
             attempts = attempts + ?6, updated_at = ?7
         WHERE set_id = ?1 AND idx = ?2",
        params![
            id,
            index as i64,
            status.as_str(),
            reason,
            request_id,
            i64::from(add_attempt),
            now
        ],
    )?;
    tx.commit()?;
    Ok(())
}

/// Touches the heartbeat of a set being applied.
pub fn heartbeat(store: &Store, id: &str, owner: &str) -> Result<()> {
    let changed = store.conn().execute(
        "UPDATE change_sets SET updated_at = ?2 WHERE id = ?1 AND owner = ?3",
        params![id, now_rfc3339(), owner],
    )?;
    owned(id, changed)
}

/// The run holding a running set, as the claim (or `create`) that made it running wrote it.
/// A run reads it once, right after its own process claimed the set.
pub fn owner(store: &Store, id: &str) -> Result<String> {
    let owner: Option<String> = store.conn().query_row(
        "SELECT owner FROM change_sets WHERE id = ?1",
        params![id],
        |r| r.get(0),
    )?;
    Ok(owner.unwrap_or_default())
}

/// `Ok` when a write guarded by the owner changed a row; otherwise another process has taken
/// the set over (this run stalled past the heartbeat window).
fn owned(id: &str, changed: usize) -> Result<()> {
    if changed > 0 {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Conflict,
        format!(
            "Another Gatehouse took over change set {id} after this one stopped answering for \
             more than {} s (the computer slept, or the process hung); it goes on there. This \
             run stopped and sends nothing more.",
            STALE_AFTER.whole_seconds()
        ),
    ))
}

/// Ends a run: the set's status, when it finished (for final states) and a message.
pub fn finish(
    store: &Store,
    id: &str,
    status: ChangeSetStatus,
    message: Option<&str>,
) -> Result<()> {
    finish_as(store, id, None, status, message)
}

/// [`finish`] for the run `owner`: nothing is written (a Conflict error) when another process
/// has taken the set over.
pub fn finish_as(
    store: &Store,
    id: &str,
    owner: Option<&str>,
    status: ChangeSetStatus,
    message: Option<&str>,
) -> Result<()> {
    let now = now_rfc3339();
    let finished = matches!(
        status,
        ChangeSetStatus::Completed
            | ChangeSetStatus::CompletedWithFailures
            | ChangeSetStatus::Cancelled
            | ChangeSetStatus::Discarded
    );
    let changed = store.conn().execute(
        "UPDATE change_sets SET status = ?2, message = ?3, updated_at = ?4,
             finished_at = CASE WHEN ?5 THEN ?4 ELSE NULL END
         WHERE id = ?1 AND (?6 IS NULL OR owner = ?6)",
        params![id, status.as_str(), message, now, finished, owner],
    )?;
    owned(id, changed)
}

fn summary_row(r: &Row<'_>) -> rusqlite::Result<(ChangeSetSummary, String)> {
    let status: String = r.get("status")?;
    Ok((
        ChangeSetSummary {
            id: r.get("id")?,
            caller_arn: r.get("caller_arn")?,
            account_id: r.get("account_id")?,
            instance_arn: r.get("instance_arn")?,
            region: r.get("region")?,
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
            finished_at: r.get("finished_at")?,
            status: ChangeSetStatus::Running,
            counts: ChangeCounts::default(),
            message: r.get("message")?,
        },
        status,
    ))
}

/// A running set whose heartbeat is stale reads as interrupted.
fn effective_status(raw: &str, updated_at: &str) -> ChangeSetStatus {
    let status = ChangeSetStatus::parse(raw).unwrap_or(ChangeSetStatus::Interrupted);
    if status == ChangeSetStatus::Running {
        let stale =
            parse_rfc3339(updated_at).is_none_or(|t| OffsetDateTime::now_utc() - t > STALE_AFTER);
        if stale {
            return ChangeSetStatus::Interrupted;
        }
    }
    status
}

fn items(store: &Store, id: &str) -> Result<Vec<ChangeItem>> {
    let conn = store.conn();
    let mut stmt = conn.prepare(
        "SELECT idx, line, status, reason, attempts, request_id, updated_at
         FROM change_items WHERE set_id = ?1 ORDER BY idx",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (idx, line, status, reason, attempts, request_id, updated_at) = row?;
        let line: ChangeLine = serde_json::from_str(&line).map_err(|e| {
            Error::new(ErrorKind::Storage, "A saved change set could not be read.")
                .with_detail(e.to_string())
        })?;
        out.push(ChangeItem {
            index: idx as u32,
            line,
            status: ItemStatus::parse(&status).unwrap_or(ItemStatus::Pending),
            reason,
            attempts: attempts as u32,
            request_id,
            updated_at,
        });
    }
    Ok(out)
}

/// A change set with its items and counts.
pub fn load(store: &Store, id: &str) -> Result<ChangeSet> {
    let found = store
        .conn()
        .query_row("SELECT * FROM change_sets WHERE id = ?1", [id], summary_row)
        .optional()?;
    let (mut summary, raw) =
        found.ok_or_else(|| Error::not_found(format!("There is no change set {id}.")))?;
    summary.status = effective_status(&raw, &summary.updated_at);
    let items = items(store, id)?;
    summary.counts = ChangeCounts::of(&items);
    Ok(ChangeSet { summary, items })
}

/// The audit log, newest first, with counts.
pub fn list(store: &Store, limit: u32) -> Result<Vec<ChangeSetSummary>> {
    let rows: Vec<(ChangeSetSummary, String)> = {
        let conn = store.conn();
        let mut stmt =
            conn.prepare("SELECT * FROM change_sets ORDER BY created_at DESC, id DESC LIMIT ?1")?;
        let rows = stmt.query_map([i64::from(limit.max(1))], summary_row)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut out = Vec::with_capacity(rows.len());
    for (mut s, raw) in rows {
        s.status = effective_status(&raw, &s.updated_at);
        s.counts = count(store, &s.id)?;
        out.push(s);
    }
    Ok(out)
}

fn count(store: &Store, id: &str) -> Result<ChangeCounts> {
    Ok(ChangeCounts::of(&items(store, id)?))
}

/// The newest change set of `instance_arn` (any instance with `None`) left unfinished by a
/// process that is gone, if any.
pub fn interrupted(store: &Store, instance_arn: Option<&str>) -> Result<Option<ChangeSet>> {
    newest_unfinished(store, instance_arn, &[ChangeSetStatus::Interrupted])
}

/// The newest set of `instance_arn` (of any, with `None`) whose effective status is one of
/// `wanted` (`running` with a fresh heartbeat, or `interrupted`).
pub fn newest_unfinished(
    store: &Store,
    instance_arn: Option<&str>,
    wanted: &[ChangeSetStatus],
) -> Result<Option<ChangeSet>> {
    let candidates: Vec<(String, String, String)> = {
        let conn = store.conn();
        let mut stmt = conn.prepare(
            "SELECT id, status, updated_at FROM change_sets
             WHERE status IN ('running', 'interrupted') AND (?1 IS NULL OR instance_arn = ?1)
             ORDER BY created_at DESC",
        )?;
        let rows = stmt.query_map([instance_arn], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, raw, updated) in candidates {
        if wanted.contains(&effective_status(&raw, &updated)) {
            return load(store, &id).map(Some);
        }
    }
    Ok(None)
}

/// An unfinished change set of `instance_arn` (running, or interrupted) whose unfinished items
/// include any of `lines`: its id and how many. Applying those again in a new set could send
/// them twice.
pub fn unfinished_overlap(
    store: &Store,
    instance_arn: &str,
    lines: &[ChangeLine],
) -> Result<Option<(String, usize)>> {
    let ids: Vec<String> = {
        let conn = store.conn();
        let mut stmt = conn.prepare(
            "SELECT id FROM change_sets WHERE instance_arn = ?1
             AND status IN ('running', 'interrupted') ORDER BY created_at DESC",
        )?;
        let rows = stmt.query_map([instance_arn], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let wanted: std::collections::BTreeSet<_> =
        lines.iter().map(|l| (l.op, &l.assignment)).collect();
    for id in ids {
        let n = items(store, &id)?
            .iter()
            .filter(|i| !i.status.is_finished() && i.status != ItemStatus::NotAttempted)
            .filter(|i| wanted.contains(&(i.line.op, &i.line.assignment)))
            .count();
        if n > 0 {
            return Ok(Some((id, n)));
        }
    }
    Ok(None)
}

/// Takes a set for this process: one conditional UPDATE marks it running, with a new owner,
/// only if it is still in an allowed state (an interrupted set: also a running one whose
/// heartbeat is stale), so two processes (the app and the CLI, two windows) can never both
/// take it.
fn claim(store: &Store, id: &str, allowed: &[ChangeSetStatus], verb: &str) -> Result<()> {
    let raw: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    let stale_before = crate::time_fmt::rfc3339(OffsetDateTime::now_utc() - STALE_AFTER);
    let takes_stale = allowed.contains(&ChangeSetStatus::Interrupted);
    let placeholders = (0..raw.len())
        .map(|i| format!("?{}", i + 6))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE change_sets SET status = 'running', updated_at = ?2, message = NULL,
             finished_at = NULL, owner = ?5
         WHERE id = ?1 AND (status IN ({placeholders})
             OR (?4 AND status = 'running' AND updated_at < ?3))"
    );
    let mut values: Vec<Box<dyn rusqlite::ToSql>> = vec![
        Box::new(id.to_owned()),
        Box::new(now_rfc3339()),
        Box::new(stale_before),
        Box::new(takes_stale),
        Box::new(new_id()),
    ];
    values.extend(
        raw.iter()
            .map(|r| Box::new((*r).to_owned()) as Box<dyn rusqlite::ToSql>),
    );
    let changed = store
        .conn()
        .execute(&sql, rusqlite::params_from_iter(values.iter()))?;
    if changed == 1 {
        return Ok(());
    }
    let set = load(store, id)?;
    Err(Error::new(
        ErrorKind::Conflict,
        if set.summary.status == ChangeSetStatus::Running {
            format!(
                "Change set {id} is being applied right now (by this or another Gatehouse). \
                 Wait for it to finish."
            )
        } else {
            format!(
                "Change set {id} cannot be {verb}: it is {}.",
                set.summary.status.as_str().replace('_', " ")
            )
        },
    ))
}

/// Marks an interrupted set running again (its unfinished items are checked against AWS by
/// the engine before anything is sent).
pub fn reopen_for_resume(store: &Store, id: &str) -> Result<ChangeSet> {
    claim(store, id, &[ChangeSetStatus::Interrupted], "resumed")?;
    load(store, id)
}

/// Puts the failed and not-attempted items of a finished set back to pending.
pub fn reopen_for_retry(store: &Store, id: &str) -> Result<ChangeSet> {
    let c = load(store, id)?.summary.counts;
    if c.failed + c.not_attempted + c.unfinished == 0 {
        return Err(Error::validation(
            "Nothing to retry: every change succeeded.",
        ));
    }
    claim(
        store,
        id,
        &[
            ChangeSetStatus::CompletedWithFailures,
            ChangeSetStatus::Cancelled,
            ChangeSetStatus::Interrupted,
        ],
        "retried",
    )?;
    {
        let conn = store.conn();
        conn.execute(
            "UPDATE change_items SET status = 'pending', reason = NULL, updated_at = ?2
             WHERE set_id = ?1 AND status IN ('failed', 'not_attempted')",
            params![id, now_rfc3339()],
        )?;
    }
    load(store, id)
}

/// Gives up an interrupted set: unfinished items become not attempted, saying which may have
/// reached AWS anyway.
pub fn discard(store: &Store, id: &str, looked: &[(u32, ItemStatus, String)]) -> Result<ChangeSet> {
    claim(store, id, &[ChangeSetStatus::Interrupted], "discarded")?;
    {
        let conn = store.conn();
        let now = now_rfc3339();
        // What AWS showed for items that may have been sent (only if they are still so).
        for (index, status, reason) in looked {
            conn.execute(
                "UPDATE change_items SET status = ?3, reason = ?4, updated_at = ?5
                 WHERE set_id = ?1 AND idx = ?2 AND status IN ('sending', 'in_progress')",
                params![id, *index as i64, status.as_str(), reason, now],
            )?;
        }
        conn.execute(
            "UPDATE change_items SET status = 'not_attempted',
                 reason = 'Discarded after an interruption. It may have reached AWS before the \
                 interruption: refresh the matrix to see.', updated_at = ?2
             WHERE set_id = ?1 AND status IN ('sending', 'in_progress')",
            params![id, now],
        )?;
        conn.execute(
            "UPDATE change_items SET status = 'not_attempted',
                 reason = 'Discarded after an interruption; never sent.', updated_at = ?2
             WHERE set_id = ?1 AND status = 'pending'",
            params![id, now],
        )?;
    }
    finish(
        store,
        id,
        ChangeSetStatus::Discarded,
        Some("Discarded by the admin after an interruption."),
    )?;
    load(store, id)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::aws::identity::AccountRole;
    use crate::changes::plan::Names;
    use crate::changes::ChangeOp;
    use crate::snapshot::tests::sample;

    pub fn caller() -> Caller {
        Caller {
            caller_arn: "arn:aws:iam::111111111111:user/admin".into(),
            account_id: "111111111111".into(),
            role: AccountRole::Management,
            management_account_id: Some("111111111111".into()),
        }
    }

    pub fn lines(s: &Snapshot) -> Vec<ChangeLine> {
        let names = Names::new(s);
        s.assignments
            .iter()
            .map(|a| names.line(ChangeOp::Delete, a))
            .collect()
    }

    /// Makes the set's heartbeat stale, as a process that died long ago leaves it.
    pub fn backdate(store: &Store, id: &str) {
        store
            .conn()
            .execute(
                "UPDATE change_sets SET updated_at = '2020-01-01T00:00:00Z' WHERE id = ?1",
                [id],
            )
            .unwrap();
    }

    #[test]
    fn changes_aws_already_held_are_recorded_done_and_never_sent() {
        let store = Store::open_in_memory().unwrap();
        let s = sample();
        let all = lines(&s);
        let held = [HeldChange {
            line: all[3].clone(),
            reason: "Already removed in AWS (removed elsewhere since the snapshot).".into(),
        }];
        let set = create(&store, &caller(), &s, &all[..3], &held).unwrap();
        assert_eq!(set.summary.counts.total, 4);
        assert_eq!(set.summary.counts.unfinished, 3);
        assert_eq!(set.summary.counts.succeeded, 1);
        assert_eq!(set.items[3].line, all[3]);
        assert_eq!(set.items[3].status, ItemStatus::AlreadyDone);
        assert_eq!(set.items[3].attempts, 0);
        assert_eq!(
            set.items[3].reason.as_deref(),
            Some(held[0].reason.as_str())
        );
        assert!(set.items[..3]
            .iter()
            .all(|i| i.status == ItemStatus::Pending && i.reason.is_none()));
    }

    #[test]
    fn a_set_is_journalled_item_by_item() {
        let store = Store::open_in_memory().unwrap();
        let s = sample();
        let set = create(&store, &caller(), &s, &lines(&s), &[]).unwrap();
        assert_eq!(set.summary.status, ChangeSetStatus::Running);
        assert_eq!(set.summary.counts.total, 4);
        assert_eq!(set.summary.counts.unfinished, 4);
        assert_eq!(set.items[1].line.principal_name, "ana@x.com");
        let id = &set.summary.id;

        update_item(&store, id, 0, ItemStatus::Sending, None, None, true).unwrap();
        update_item(
            &store,
            id,
            0,
            ItemStatus::InProgress,
            None,
            Some("req-1"),
            false,
        )
        .unwrap();
        update_item(
            &store,
            id,
            1,
            ItemStatus::Failed,
            Some("AWS said no"),
            None,
            true,
        )
        .unwrap();
        let set = load(&store, id).unwrap();
        assert_eq!(set.items[0].status, ItemStatus::InProgress);
        assert_eq!(set.items[0].request_id.as_deref(), Some("req-1"));
        assert_eq!(set.items[0].attempts, 1);
        assert_eq!(set.items[1].reason.as_deref(), Some("AWS said no"));
        assert_eq!(set.summary.counts.failed, 1);

        // Alive: not interrupted, cannot be resumed or discarded by someone else.
        assert_eq!(interrupted(&store, None).unwrap(), None);
        assert_eq!(
            reopen_for_resume(&store, id).unwrap_err().kind,
            ErrorKind::Conflict
        );

        // The process died: the heartbeat goes stale.
        backdate(&store, id);
        let found = interrupted(&store, None).unwrap().expect("interrupted");
        assert_eq!(
            interrupted(&store, Some("arn:other")).unwrap(),
            None,
            "another instance's"
        );
        assert_eq!(found.summary.id, *id);
        assert_eq!(found.summary.status, ChangeSetStatus::Interrupted);
        let resumed = reopen_for_resume(&store, id).unwrap();
        assert_eq!(resumed.summary.status, ChangeSetStatus::Running);
        // Taken: a second process cannot take it too.
        assert_eq!(
            reopen_for_resume(&store, id).unwrap_err().kind,
            ErrorKind::Conflict
        );
        assert_eq!(
            discard(&store, id, &[]).unwrap_err().kind,
            ErrorKind::Conflict
        );
        assert_eq!(
            resumed.items[0].request_id.as_deref(),
            Some("req-1"),
            "kept for polling"
        );
    }

    #[test]
    fn unfinished_items_of_another_set_are_found() {
        let store = Store::open_in_memory().unwrap();
        let mut s = sample();
        s.normalize();
        let all = lines(&s);
        let id = create(&store, &caller(), &s, &all, &[]).unwrap().summary.id;
        update_item(&store, &id, 0, ItemStatus::Succeeded, None, None, true).unwrap();
        // The finished item does not count; the unfinished ones do.
        assert_eq!(
            unfinished_overlap(&store, &s.instance_arn, &all[..1]).unwrap(),
            None
        );
        assert_eq!(
            unfinished_overlap(&store, &s.instance_arn, &all).unwrap(),
            Some((id.clone(), all.len() - 1))
        );
        assert_eq!(unfinished_overlap(&store, "arn:other", &all).unwrap(), None);
        finish(&store, &id, ChangeSetStatus::Completed, None).unwrap();
        assert_eq!(
            unfinished_overlap(&store, &s.instance_arn, &all).unwrap(),
            None
        );
    }

    #[test]
    fn retry_and_discard() {
        let store = Store::open_in_memory().unwrap();
        let s = sample();
        let id = create(&store, &caller(), &s, &lines(&s), &[])
            .unwrap()
            .summary
            .id;
        update_item(&store, &id, 0, ItemStatus::Succeeded, None, None, true).unwrap();
        update_item(&store, &id, 1, ItemStatus::Failed, Some("no"), None, true).unwrap();
        update_item(
            &store,
            &id,
            2,
            ItemStatus::NotAttempted,
            Some("cancelled"),
            None,
            false,
        )
        .unwrap();
        update_item(&store, &id, 3, ItemStatus::Succeeded, None, None, true).unwrap();
        finish(&store, &id, ChangeSetStatus::Cancelled, None).unwrap();
        let log = list(&store, 10).unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].status, ChangeSetStatus::Cancelled);
        assert!(log[0].finished_at.is_some());
        assert_eq!(log[0].counts.succeeded, 2);

        let set = reopen_for_retry(&store, &id).unwrap();
        assert_eq!(set.items[1].status, ItemStatus::Pending);
        assert_eq!(set.items[2].status, ItemStatus::Pending);
        assert_eq!(set.items[0].status, ItemStatus::Succeeded);
        assert_eq!(set.items[1].attempts, 1, "attempts are kept");

        update_item(&store, &id, 1, ItemStatus::Sending, None, None, true).unwrap();
        backdate(&store, &id);
        let set = discard(&store, &id, &[]).unwrap();
        assert_eq!(set.summary.status, ChangeSetStatus::Discarded);
        assert!(set.items[1]
            .reason
            .as_deref()
            .unwrap()
            .contains("may have reached AWS"));
        assert!(set.items[2]
            .reason
            .as_deref()
            .unwrap()
            .contains("never sent"));
        assert_eq!(
            discard(&store, &id, &[]).unwrap_err().kind,
            ErrorKind::Conflict,
            "a finished set cannot be discarded again"
        );
    }
}
