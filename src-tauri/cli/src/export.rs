//! `gatehouse export --format cloudformation|terraform [--out PATH] [--snapshot FILE]
//! [--changes FILE]` and `gatehouse policy [--read-only] [--json]`: the organisation's
//! permission sets and account assignments as code, and the IAM policy Gatehouse itself
//! needs, headless.
//!
//! `export` reads a fresh snapshot (progress on stderr) unless `--snapshot` names a file
//! `gatehouse snapshot` wrote. The code goes to stdout, or to `--out` (a split
//! CloudFormation export to `PATH`, `PATH-2`… before the extension); notes for the admin go
//! to stderr.

use std::io::Write;
use std::path::Path;

use gatehouse_core::changes::StagedChange;
use gatehouse_core::export::{self, ExportFormat};
use gatehouse_core::{iam_policy, Error};

use crate::snapshot::{load_fresh, read_snapshot, LoadFlags, Needs};
use crate::{report as report_error, AwsArgs};

/// `--format` of `gatehouse export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CodeFormat {
    /// AWS::SSO::PermissionSet and AWS::SSO::Assignment (YAML), split at 500 resources.
    Cloudformation,
    /// aws_ssoadmin_* resources with import blocks (Terraform 1.5 or later).
    Terraform,
}

impl From<CodeFormat> for ExportFormat {
    fn from(f: CodeFormat) -> Self {
        match f {
            CodeFormat::Cloudformation => ExportFormat::Cloudformation,
            CodeFormat::Terraform => ExportFormat::Terraform,
        }
    }
}

/// Where `export` reads from and writes to.
pub struct Paths<'a> {
    /// Where to write (stdout when absent).
    pub out: Option<&'a Path>,
    /// A snapshot file instead of a fresh snapshot.
    pub snapshot: Option<&'a Path>,
    /// Staged changes to apply first.
    pub changes: Option<&'a Path>,
}

pub async fn export(args: &AwsArgs, format: CodeFormat, paths: Paths<'_>, load: &LoadFlags) -> i32 {
    let out = paths.out;
    let result = async {
        let pending = match paths.changes {
            Some(path) => read_changes(path)?,
            None => Vec::new(),
        };
        let snapshot = match paths.snapshot {
            Some(path) => read_snapshot(path)?,
            None => {
                let needs = Needs {
                    members: false,
                    definitions: true,
                };
                load_fresh(args, load, needs).await?
            }
        };
        let code = export::export(&snapshot, &pending, format.into())?;
        let mut err = std::io::stderr();
        match out {
            Some(path) => {
                for written in export::write_files(&code, path)? {
                    let _ = writeln!(err, "Wrote {written}.");
                }
            }
            None if code.files.len() > 1 => {
                return Err(Error::validation(format!(
                    "The export is split into {} templates (CloudFormation allows 500 resources \
                     per stack). Pass --out PATH to write them as PATH, then PATH-2 and so on \
                     before the extension.",
                    code.files.len()
                )));
            }
            None => {
                for f in &code.files {
                    std::io::stdout().write_all(f.content.as_bytes())?;
                }
            }
        }
        let resources: u32 = code.files.iter().map(|f| f.resources).sum();
        let _ = writeln!(
            err,
            "{resources} resources in {} file(s) (as of {}).",
            code.files.len(),
            code.snapshot_taken_at
        );
        for note in &code.notes {
            let _ = writeln!(err, "note: {note}");
        }
        Ok::<_, Error>(())
    }
    .await;
    match result {
        Ok(()) => 0,
        Err(e) => report_error(&e, false),
    }
}

fn read_changes(path: &Path) -> Result<Vec<StagedChange>, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::validation(format!("Could not read {}: {e}", path.display())))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::validation(format!(
            "{} is not a list of staged changes ({e}): expected [{{\"op\": \"create\"|\"delete\", \
             \"assignment\": {{\"account_id\", \"permission_set_arn\", \"principal_type\", \
             \"principal_id\"}}}}].",
            path.display()
        ))
    })
}

/// Prints the policy document (`read_only`: reads only), or with `json` every action with
/// its access and use alongside it.
pub fn policy(read_only: bool, json: bool) -> i32 {
    let document = iam_policy::policy_document(!read_only);
    let actions: Vec<_> = iam_policy::actions()
        .into_iter()
        .filter(|a| !read_only || a.access == iam_policy::ActionAccess::Read)
        .collect();
    let result = (|| {
        let mut stdout = std::io::stdout();
        if json {
            let policy: serde_json::Value = serde_json::from_str(&document)?;
            let v = serde_json::json!({ "policy": policy, "actions": actions });
            writeln!(stdout, "{}", serde_json::to_string_pretty(&v)?)?;
        } else {
            stdout.write_all(document.as_bytes())?;
            let reads = actions
                .iter()
                .filter(|a| a.access == iam_policy::ActionAccess::Read)
                .count();
            let _ = writeln!(
                std::io::stderr(),
                "{} actions ({reads} read, {} write). {}--json lists what each is used for.",
                actions.len(),
                actions.len() - reads,
                if read_only {
                    ""
                } else {
                    "--read-only leaves out the writes (enough to look, report and export); "
                }
            );
        }
        Ok::<_, Error>(())
    })();
    match result {
        Ok(()) => 0,
        Err(e) => report_error(&e, false),
    }
}
