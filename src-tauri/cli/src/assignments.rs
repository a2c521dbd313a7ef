//! `gatehouse assignments plan|apply|resume|log`: staged account assignment changes,
//! headless, through the same core as the app — the same plan (drift, no-ops, what a
//! delegated administrator cannot do), the same journalled apply, the same audit log.
//!
//! The changes file is a JSON array of `{"op": "create"|"delete", "assignment":
//! {"account_id", "permission_set_arn", "principal_type": "GROUP"|"USER", "principal_id"}}`
//! — the shape the app stages. Progress goes to stderr; `--json` prints the result on stdout.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use gatehouse_core::changes::{ApplyEvent, ApplySink, ChangeSet, ChangeSetStatus, StagedChange};
use gatehouse_core::progress::{CancellationToken, NoProgress};
use gatehouse_core::snapshot::LoadOptions;
use gatehouse_core::{Error, ErrorKind, Gatehouse};

use crate::{report as report_error, spec_from_args, AwsArgs};

async fn connected(args: &AwsArgs) -> Result<Gatehouse, Error> {
    let g = Gatehouse::open_default()?;
    g.connect(spec_from_args(args).await?).await?;
    if g.cached_snapshot().await?.is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "No snapshot of this instance yet: reading the organization's access first…"
        );
        g.load_snapshot(
            LoadOptions::default(),
            Arc::new(NoProgress),
            CancellationToken::new(),
        )
        .await?;
    }
    Ok(g)
}

fn read_changes(path: &Path) -> Result<Vec<StagedChange>, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::validation(format!("Could not read {}: {e}", path.display())))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::validation(format!(
            "{} is not a list of changes ({e}). Expected a JSON array of {{\"op\": \
             \"create\"|\"delete\", \"assignment\": {{\"account_id\", \"permission_set_arn\", \
             \"principal_type\", \"principal_id\"}}}}.",
            path.display()
        ))
    })
}

/// Apply's events as lines on stderr: each finished item, and a count every 10 %.
struct StderrEvents;

impl ApplySink for StderrEvents {
    fn send(&self, e: ApplyEvent) {
        let finished_item = e.item.as_ref().is_some_and(|i| {
            i.status.is_finished() || i.status == gatehouse_core::changes::ItemStatus::NotAttempted
        });
        if finished_item {
            let reason = e
                .item
                .as_ref()
                .and_then(|i| i.reason.as_deref())
                .map(|r| format!(" — {r}"))
                .unwrap_or_default();
            let _ = writeln!(
                std::io::stderr(),
                "[{}/{}] {}{reason}",
                e.done,
                e.total,
                e.message
            );
        }
    }
}

fn print_set(set: &ChangeSet, json: bool) -> Result<(), Error> {
    if json {
        let mut out = serde_json::to_vec_pretty(set)?;
        out.push(b'\n');
        std::io::stdout().write_all(&out)?;
    }
    let c = set.summary.counts;
    let _ = writeln!(
        std::io::stderr(),
        "Change set {}: {} — {} of {} done, {} failed, {} not attempted, {} unfinished.{}",
        set.summary.id,
        set.summary.status.as_str().replace('_', " "),
        c.succeeded,
        c.total,
        c.failed,
        c.not_attempted,
        c.unfinished,
        set.summary
            .message
            .as_deref()
            .map(|m| format!(" {m}"))
            .unwrap_or_default()
    );
    Ok(())
}

fn exit_code(set: &ChangeSet) -> i32 {
    match set.summary.status {
        ChangeSetStatus::Completed => 0,
        _ => 1,
    }
}

pub async fn plan(args: &AwsArgs, changes: &Path, json: bool) -> i32 {
    let result = async {
        let changes = read_changes(changes)?;
        let g = connected(args).await?;
        let plan = g.plan_assignment_changes(changes).await?;
        if json {
            let mut out = serde_json::to_vec_pretty(&plan)?;
            out.push(b'\n');
            std::io::stdout().write_all(&out)?;
        } else {
            let mut o = std::io::stdout();
            for l in &plan.send {
                writeln!(o, "send     {}", l.describe())?;
            }
            for h in &plan.skipped {
                writeln!(o, "skip     {} — {}", h.line.describe(), h.reason)?;
            }
            for h in &plan.blocked {
                writeln!(o, "blocked  {} — {}", h.line.describe(), h.reason)?;
            }
            for d in &plan.drift {
                writeln!(
                    o,
                    "drift    {:?}: {} → {} in {} ({})",
                    d.kind,
                    d.principal_name,
                    d.permission_set_name,
                    d.account_name,
                    d.assignment.account_id
                )?;
            }
        }
        let _ = writeln!(
            std::io::stderr(),
            "{} to assign, {} to remove, {} skipped, {} blocked, {} changed in AWS since the \
             snapshot of {}.",
            plan.creates,
            plan.deletes,
            plan.skipped.len(),
            plan.blocked.len(),
            plan.drift.len(),
            plan.snapshot_taken_at
        );
        Ok::<_, Error>(0)
    }
    .await;
    result.unwrap_or_else(|e| report_error(&e, json))
}

pub async fn apply(args: &AwsArgs, changes: &Path, json: bool) -> i32 {
    let result = async {
        let changes = read_changes(changes)?;
        let g = connected(args).await?;
        let set = g
            .apply_assignment_changes(changes, Arc::new(StderrEvents), CancellationToken::new())
            .await?;
        print_set(&set, json)?;
        Ok::<_, Error>(exit_code(&set))
    }
    .await;
    result.unwrap_or_else(|e| report_error(&e, json))
}

pub async fn resume(args: &AwsArgs, id: Option<&str>, json: bool) -> i32 {
    let result = async {
        let g = connected(args).await?;
        let id = match id {
            Some(id) => id.to_owned(),
            None => g
                .interrupted_change_set()
                .await?
                .map(|s| s.summary.id)
                .ok_or_else(|| {
                    Error::new(ErrorKind::NotFound, "There is no interrupted change set.")
                })?,
        };
        let set = g
            .resume_change_set(&id, Arc::new(StderrEvents), CancellationToken::new())
            .await?;
        print_set(&set, json)?;
        Ok::<_, Error>(exit_code(&set))
    }
    .await;
    result.unwrap_or_else(|e| report_error(&e, json))
}

pub fn log(limit: u32, json: bool) -> i32 {
    let result = (|| {
        let g = Gatehouse::open_default()?;
        let log = g.activity_log(limit)?;
        if json {
            let mut out = serde_json::to_vec_pretty(&log)?;
            out.push(b'\n');
            std::io::stdout().write_all(&out)?;
        } else {
            let mut o = std::io::stdout();
            for s in &log {
                writeln!(
                    o,
                    "{}  {}  {}  {}  +{} −{}  {} ok, {} failed",
                    s.created_at,
                    s.id,
                    s.status.as_str(),
                    s.caller_arn,
                    s.counts.creates,
                    s.counts.deletes,
                    s.counts.succeeded,
                    s.counts.failed
                )?;
            }
        }
        Ok::<_, Error>(0)
    })();
    result.unwrap_or_else(|e| report_error(&e, json))
}
