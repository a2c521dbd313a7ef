//! `gatehouse snapshot [--out FILE.json]` and `gatehouse report --format csv|json
//! [--out FILE] [--snapshot FILE.json]`: the organisation's access state and who-has-what,
//! headless.
//!
//! Both read a fresh snapshot from AWS (progress on stderr) unless `report --snapshot` names
//! a file `gatehouse snapshot` wrote. Each command reads only what its output needs:
//! `snapshot` the access state the issue specifies (accounts with OU path, groups, users,
//! permission sets, assignments), plus group members with `--members` and permission set
//! policies with `--definitions`; `report` adds the members (access through groups);
//! `export` the definitions. A fresh snapshot with both (what the app reads) is also kept in
//! the app's database when it can be, so the app shows it at once; failing to keep it is
//! only a warning.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use gatehouse_core::progress::{CancellationToken, Progress};
use gatehouse_core::snapshot::{self, AssignmentStrategy, LoadOptions, Snapshot, Target};
use gatehouse_core::store::Store;
use gatehouse_core::Error;

use crate::{report as report_error, session, AwsArgs};

/// `--format` of `gatehouse report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Csv,
    Json,
}

/// Hidden flags for benchmarks and tests.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LoadFlags {
    /// Force how assignments are read (per-account or per-principal).
    #[arg(long, hide = true, value_parser = parse_strategy)]
    strategy: Option<AssignmentStrategy>,
    /// Requests per second per service instead of AWS's rates (0: no pacing; a local AWS).
    #[arg(long, hide = true, value_name = "N")]
    max_rate: Option<f64>,
}

/// What a command needs beyond the access state itself.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Needs {
    /// Group members (users' access through groups).
    pub members: bool,
    /// Permission set policies, boundary and tags.
    pub definitions: bool,
}

/// `gatehouse snapshot`'s optional parts.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SnapshotParts {
    /// Also read each group's members (one more call per group): users' access through
    /// groups, as `gatehouse report` and the app show it.
    #[arg(long)]
    members: bool,
    /// Also read each permission set's policies, boundary and tags (five more calls per
    /// set), as `gatehouse export` needs them.
    #[arg(long)]
    definitions: bool,
    /// Both of the above: everything the app reads (and the snapshot is kept for the app).
    #[arg(long)]
    complete: bool,
}

impl SnapshotParts {
    fn needs(&self) -> Needs {
        Needs {
            members: self.members || self.complete,
            definitions: self.definitions || self.complete,
        }
    }
}

impl LoadFlags {
    fn options(&self, needs: Needs) -> LoadOptions {
        let mut options = LoadOptions {
            strategy: self.strategy,
            members: needs.members,
            definitions: needs.definitions,
            ..LoadOptions::default()
        };
        if let Some(rate) = self.max_rate {
            let rate = (rate > 0.0).then_some(rate);
            for limit in [
                &mut options.limits.sso_admin,
                &mut options.limits.identity_store,
                &mut options.limits.organizations,
            ] {
                limit.per_second = rate;
            }
        }
        options
    }
}

fn parse_strategy(s: &str) -> Result<AssignmentStrategy, String> {
    match s {
        "per-account" | "per-account-permission-set" => {
            Ok(AssignmentStrategy::PerAccountPermissionSet)
        }
        "per-principal" => Ok(AssignmentStrategy::PerPrincipal),
        _ => Err("use per-account or per-principal".into()),
    }
}

pub async fn snapshot(
    args: &AwsArgs,
    out: Option<&Path>,
    parts: &SnapshotParts,
    load: &LoadFlags,
) -> i32 {
    let result = async {
        let snapshot = load_fresh(args, load, parts.needs()).await?;
        let mut json = serde_json::to_vec_pretty(&snapshot)?;
        json.push(b'\n');
        emit(out, &json)?;
        Ok::<_, Error>(())
    }
    .await;
    match result {
        Ok(()) => 0,
        Err(e) => report_error(&e, false),
    }
}

pub async fn report(
    args: &AwsArgs,
    format: ReportFormat,
    out: Option<&Path>,
    from: Option<&Path>,
    load: &LoadFlags,
) -> i32 {
    let result = async {
        let needs = Needs {
            members: true,
            definitions: false,
        };
        let snapshot = match from {
            Some(path) => read_snapshot(path)?,
            None => load_fresh(args, load, needs).await?,
        };
        snapshot::require_members(&snapshot)?;
        let rows = snapshot::who_has_what(&snapshot);
        let mut buf = Vec::new();
        match format {
            ReportFormat::Csv => snapshot::write_csv(&rows, &mut buf)?,
            ReportFormat::Json => snapshot::write_json(&rows, &mut buf)?,
        }
        emit(out, &buf)?;
        let _ = writeln!(
            std::io::stderr(),
            "{} rows (as of {}).",
            rows.len(),
            snapshot.taken_at
        );
        Ok::<_, Error>(())
    }
    .await;
    match result {
        Ok(()) => 0,
        Err(e) => report_error(&e, false),
    }
}

/// Connects, finds the instance and reads its snapshot (with what `needs` asks for), with
/// progress on stderr.
pub(crate) async fn load_fresh(
    args: &AwsArgs,
    load: &LoadFlags,
    needs: Needs,
) -> Result<Snapshot, Error> {
    let session = session(args).await?;
    let identity = session.whoami().await?;
    let target = Target::from_identity(&session, &identity)?;
    let mut options = load.options(needs);
    // The app's last snapshot of this instance, if any, spares counting the provisioned pairs.
    let store = gatehouse_core::paths::database_path().and_then(|p| Store::open(&p));
    if let Ok(store) = &store {
        if let Ok(Some(previous)) = snapshot::store::latest(store, &target.instance_arn) {
            options.pairs_hint = Some(previous.assignment_pairs());
        }
    }
    let snapshot = snapshot::load::load(
        &target,
        &options,
        Arc::new(StderrProgress::default()),
        CancellationToken::new(),
    )
    .await?;
    let mut err = std::io::stderr();
    let _ = writeln!(err, "Strategy: {}", snapshot.stats.strategy_reason);
    // Only a complete snapshot replaces the app's: the matrix shows access through groups
    // and the permission sets' policies from it.
    let kept = match store {
        Ok(store) if snapshot.is_complete() => snapshot::store::save(&store, &snapshot),
        Ok(_) => {
            let _ = writeln!(
                err,
                "Not kept for the app (it reads group members and permission set policies too; \
                 `gatehouse snapshot --complete` keeps one)."
            );
            Ok(())
        }
        Err(e) => Err(e),
    };
    if let Err(e) = kept {
        let _ = writeln!(
            err,
            "warning: the snapshot was not kept for the app: {}",
            e.message
        );
    }
    Ok(snapshot)
}

pub(crate) fn read_snapshot(path: &Path) -> Result<Snapshot, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::validation(format!("Could not read {}: {e}", path.display())))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::validation(format!(
            "{} is not a snapshot written by `gatehouse snapshot` ({e}).",
            path.display()
        ))
    })
}

/// Writes to `out`, or to stdout when there is none.
fn emit(out: Option<&Path>, bytes: &[u8]) -> Result<(), Error> {
    match out {
        Some(path) => {
            std::fs::write(path, bytes).map_err(|e| {
                Error::new(
                    gatehouse_core::ErrorKind::Storage,
                    format!("Could not write {}.", path.display()),
                )
                .with_detail(e.to_string())
            })?;
            let _ = writeln!(std::io::stderr(), "Wrote {}.", path.display());
        }
        None => {
            std::io::stdout().write_all(bytes)?;
        }
    }
    Ok(())
}

/// Progress lines on stderr: each new step, every tenth of a counted step, and every
/// throttling notice.
#[derive(Default)]
struct StderrProgress {
    last: Mutex<Option<(u32, u32, String)>>,
}

impl gatehouse_core::progress::ProgressSink for StderrProgress {
    fn report(&self, p: Progress) {
        let bucket = (p.done * 10).checked_div(p.total).unwrap_or(p.done);
        // A new step (the text before the count changes) always prints.
        let step = p.message.split(':').next().unwrap_or_default().to_owned();
        let key = (p.total, bucket, step);
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let throttled = p.message.starts_with("AWS is throttling");
        if last.as_ref() == Some(&key) && !throttled && p.done != p.total {
            return;
        }
        *last = Some(key);
        let line = if p.total > 0 {
            format!("[{}/{}] {}", p.done, p.total, p.message)
        } else {
            p.message
        };
        let _ = writeln!(std::io::stderr(), "{line}");
    }
}
