//! The headless front end: `gatehouse <subcommand>` runs without a window.
//!
//! The desktop binary calls [`dispatch`] first. With a subcommand (or `--version`/`--help`)
//! the work is done here, on gatehouse-core, and the process exits with the returned code;
//! without one, the app opens, optionally connecting with the `--profile/--region/
//! --endpoint-url` given on the command line. Output for scripts is JSON on stdout; messages
//! for people go to stderr. Secrets are never printed.

use std::ffi::OsString;
use std::io::Write;

use clap::{Args, Parser, Subcommand};
use gatehouse_core::aws::{AwsSession, ConnectionSpec, CredentialSource};
use gatehouse_core::keychain::Keychain;
use gatehouse_core::{Error, ErrorKind};

mod assignments;
mod export;
mod metadata;
mod scim;
mod snapshot;
mod whoami;

/// What the binary should do after argument parsing.
#[derive(Debug)]
pub enum Dispatch {
    /// Headless work is finished; exit with this code.
    Exit(i32),
    /// Open the window. `launch` is a connection given on the command line.
    Gui { launch: Option<ConnectionSpec> },
}

#[derive(Parser, Debug)]
#[command(
    name = "gatehouse",
    version = gatehouse_core::VERSION,
    about = "Gatehouse: connect Microsoft Entra ID to AWS IAM Identity Center and manage who can reach which AWS account.",
    long_about = "Without a subcommand, opens the Gatehouse window (connecting with --profile/--region/--endpoint-url when given). With a subcommand, runs headless."
)]
struct Cli {
    #[command(flatten)]
    aws: AwsArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Flags every AWS subcommand shares. The usual AWS_* variables (AWS_PROFILE, AWS_REGION,
/// AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, …) are honoured by aws-config when a flag is absent.
#[derive(Args, Debug, Clone, Default)]
pub struct AwsArgs {
    /// Profile from your AWS config (SSO profiles included).
    #[arg(long, global = true)]
    profile: Option<String>,
    /// AWS region of the IAM Identity Center instance.
    #[arg(long, global = true)]
    region: Option<String>,
    /// Custom endpoint URL for every AWS service (e.g. a local AWS).
    #[arg(long = "endpoint-url", global = true)]
    endpoint_url: Option<String>,
    /// Use the access keys stored in the OS keychain by the app.
    #[arg(long, global = true)]
    stored_keys: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Who am I connected as: account, caller ARN, organisation role, Identity Center instance.
    Whoami {
        /// Print JSON: account, arn, is_management_account, instance_arn, identity_store_id, region.
        #[arg(long)]
        json: bool,
    },
    /// SAML metadata files (Entra ID federation metadata, AWS SP metadata).
    Metadata {
        #[command(subcommand)]
        command: MetadataCommand,
    },
    /// Automatic provisioning (SCIM) from Entra ID to IAM Identity Center.
    Scim {
        #[command(subcommand)]
        command: ScimCommand,
    },
    /// Read the organization's access state (accounts with their OU path, groups, users,
    /// permission sets, every account assignment) and write it as JSON. Group members and
    /// permission set policies only when asked (they cost more calls). Progress goes to
    /// stderr.
    Snapshot {
        /// Write the JSON to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
        #[command(flatten)]
        parts: snapshot::SnapshotParts,
        #[command(flatten)]
        load: snapshot::LoadFlags,
    },
    /// Account assignment changes: plan, apply, resume, log.
    Assignments {
        #[command(subcommand)]
        command: AssignmentsCommand,
    },
    /// Who has what: one row per account, permission set and principal, with users' access
    /// through groups shown as such (access "group", via_group). Reads a fresh snapshot.
    Report {
        /// csv (RFC 4180, with a header row) or json (an array of rows).
        #[arg(long, value_enum, default_value = "csv")]
        format: snapshot::ReportFormat,
        /// Write the report to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
        /// Report from a file written by `gatehouse snapshot` instead of reading AWS.
        #[arg(long, value_name = "FILE")]
        snapshot: Option<std::path::PathBuf>,
        #[command(flatten)]
        load: snapshot::LoadFlags,
    },
    /// The permission sets and account assignments as code: CloudFormation YAML
    /// (AWS::SSO::PermissionSet, AWS::SSO::Assignment; split into several templates past 500
    /// resources) or Terraform (aws_ssoadmin_* resources with import blocks, so `terraform
    /// plan` adopts what exists). Reads a fresh snapshot; notes go to stderr.
    Export {
        /// cloudformation or terraform.
        #[arg(long, value_enum)]
        format: export::CodeFormat,
        /// Write to this file instead of standard output (a split export also writes
        /// PATH-2, PATH-3… before the extension; required when the export is split).
        #[arg(long, value_name = "PATH")]
        out: Option<std::path::PathBuf>,
        /// Export from a file written by `gatehouse snapshot` instead of reading AWS.
        #[arg(long, value_name = "FILE")]
        snapshot: Option<std::path::PathBuf>,
        /// Apply these staged changes first (the file `gatehouse assignments plan` takes): a
        /// JSON array of {"op": "create"|"delete", "assignment": {...}}. Staged creates get
        /// no Terraform import block.
        #[arg(long, value_name = "FILE")]
        changes: Option<std::path::PathBuf>,
        #[command(flatten)]
        load: snapshot::LoadFlags,
    },
    /// The least-privilege IAM policy for Gatehouse itself: exactly the AWS actions it calls.
    /// Prints the read-write policy document, ready to paste into IAM.
    Policy {
        /// Only the read actions: enough to connect, look, report and export, not to change
        /// permission sets or assignments.
        #[arg(long)]
        read_only: bool,
        /// Print JSON: {"policy": <the document>, "actions": [{action, access, used_for}]}.
        #[arg(long)]
        json: bool,
    },
}

/// Staged account assignment changes: plan (dry run), apply, resume, the audit log.
#[derive(Subcommand, Debug)]
enum AssignmentsCommand {
    /// Dry run: what apply would send, what not and why, and what changed in AWS since the
    /// snapshot.
    Plan {
        /// A JSON array of {"op": "create"|"delete", "assignment": {"account_id",
        /// "permission_set_arn", "principal_type": "GROUP"|"USER", "principal_id"}}.
        #[arg(long, value_name = "FILE")]
        changes: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Plan, then apply: the change set is saved before the first call; progress on stderr.
    /// Exit code 0 only when every change succeeded.
    Apply {
        #[arg(long, value_name = "FILE")]
        changes: std::path::PathBuf,
        /// Print the change set (every item and its outcome) as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Resume the change set a crash or a closed window left unfinished (AWS is checked
    /// first, so nothing is created twice).
    Resume {
        /// The change set (default: the newest interrupted one).
        #[arg(long)]
        id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The audit log: applied change sets, newest first.
    Log {
        #[arg(long, default_value = "50")]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum ScimCommand {
    /// Test a SCIM endpoint and token as Entra's "Test connection" does. Exit 0 when the
    /// connection works, 1 when it does not. The token is never printed.
    Test {
        /// The SCIM endpoint, as IAM Identity Center shows it:
        /// https://scim.<region>.amazonaws.com/<tenant id>/scim/v2
        #[arg(long)]
        endpoint: String,
        /// Read the access token from standard input. Without it, the token the app stored
        /// in the OS keychain for this endpoint is used.
        #[arg(long)]
        token_stdin: bool,
        /// Print JSON (verdict, ok, message, detail, http_status, content_type,
        /// network_failure, endpoint, tested_at, elapsed_ms).
        #[arg(long)]
        json: bool,
        /// Seconds to wait for the connection and for the answer.
        #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = scim::parse_timeout)]
        timeout: std::time::Duration,
    },
}

#[derive(Subcommand, Debug)]
enum MetadataCommand {
    /// Parse and check a metadata file; exit 1 when it has an error.
    Inspect {
        /// The metadata XML file.
        file: std::path::PathBuf,
        /// Which import slot to judge it for: idp (Entra ID) or sp (AWS).
        #[arg(long, value_parser = parse_slot)]
        slot: Option<gatehouse_core::metadata::Slot>,
        /// Print JSON (kind, entity_id, tenant_id, sso_url, region, directory_id, acs_urls,
        /// default_acs_url, certificates, findings).
        #[arg(long)]
        json: bool,
        /// Judge expiry as of this RFC 3339 time instead of now.
        #[arg(long, hide = true, value_parser = parse_time)]
        now: Option<time::OffsetDateTime>,
    },
}

fn parse_slot(s: &str) -> Result<gatehouse_core::metadata::Slot, String> {
    match s {
        "idp" => Ok(gatehouse_core::metadata::Slot::Idp),
        "sp" => Ok(gatehouse_core::metadata::Slot::Sp),
        _ => Err("use idp (Entra ID federation metadata) or sp (AWS SP metadata)".into()),
    }
}

fn parse_time(s: &str) -> Result<time::OffsetDateTime, String> {
    gatehouse_core::time_fmt::parse_rfc3339(s).ok_or_else(|| "expected an RFC 3339 time".into())
}

/// Parses `args` (including argv[0]) and runs a subcommand if there is one.
pub fn dispatch(args: Vec<OsString>) -> Dispatch {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help / --version land here too, with exit code 0.
            let _ = e.print();
            return Dispatch::Exit(e.exit_code());
        }
    };
    let Some(command) = cli.command else {
        let launch = (cli.aws.profile.is_some()
            || cli.aws.region.is_some()
            || cli.aws.endpoint_url.is_some()
            || cli.aws.stored_keys)
            .then(|| {
                let rt = runtime();
                rt.block_on(spec_from_args(&cli.aws))
            });
        return match launch {
            Some(Err(e)) => Dispatch::Exit(report(&e, false)),
            Some(Ok(spec)) => Dispatch::Gui { launch: Some(spec) },
            None => Dispatch::Gui { launch: None },
        };
    };
    let rt = runtime();
    let code = rt.block_on(async {
        match command {
            Command::Whoami { json } => whoami::run(&cli.aws, json).await,
            Command::Metadata {
                command:
                    MetadataCommand::Inspect {
                        file,
                        slot,
                        json,
                        now,
                    },
            } => metadata::inspect(&file, slot, json, now),
            Command::Scim {
                command:
                    ScimCommand::Test {
                        endpoint,
                        token_stdin,
                        json,
                        timeout,
                    },
            } => scim::test(&endpoint, token_stdin, json, timeout).await,
            Command::Snapshot { out, parts, load } => {
                snapshot::snapshot(&cli.aws, out.as_deref(), &parts, &load).await
            }
            Command::Assignments { command } => match command {
                AssignmentsCommand::Plan { changes, json } => {
                    assignments::plan(&cli.aws, &changes, json).await
                }
                AssignmentsCommand::Apply { changes, json } => {
                    assignments::apply(&cli.aws, &changes, json).await
                }
                AssignmentsCommand::Resume { id, json } => {
                    assignments::resume(&cli.aws, id.as_deref(), json).await
                }
                AssignmentsCommand::Log { limit, json } => assignments::log(limit, json),
            },
            Command::Export {
                format,
                out,
                snapshot: from,
                changes,
                load,
            } => {
                let paths = export::Paths {
                    out: out.as_deref(),
                    snapshot: from.as_deref(),
                    changes: changes.as_deref(),
                };
                export::export(&cli.aws, format, paths, &load).await
            }
            Command::Policy { read_only, json } => export::policy(read_only, json),
            Command::Report {
                format,
                out,
                snapshot: from,
                load,
            } => snapshot::report(&cli.aws, format, out.as_deref(), from.as_deref(), &load).await,
        }
    });
    Dispatch::Exit(code)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Turns the flags into a connection: region from --region, else aws-config's region chain.
async fn spec_from_args(args: &AwsArgs) -> Result<ConnectionSpec, Error> {
    let credentials = match (&args.profile, args.stored_keys) {
        (Some(_), true) => {
            return Err(Error::validation(
                "Use either --profile or --stored-keys, not both.",
            ))
        }
        (Some(name), false) => CredentialSource::Profile { name: name.clone() },
        (None, true) => CredentialSource::StoredKeys,
        (None, false) => CredentialSource::DefaultChain,
    };
    let region = match &args.region {
        Some(r) => r.clone(),
        None => gatehouse_core::aws::session::default_region(args.profile.as_deref())
            .await
            .ok_or_else(|| {
                Error::validation(
                    "No AWS region: pass --region, set AWS_REGION, or set a region in the profile.",
                )
            })?,
    };
    Ok(ConnectionSpec {
        credentials,
        region,
        endpoint_url: args.endpoint_url.clone(),
    })
}

/// Opens a session from the flags.
async fn session(args: &AwsArgs) -> Result<AwsSession, Error> {
    let spec = spec_from_args(args).await?;
    AwsSession::new(spec, &Keychain::os()).await
}

/// Prints an error for people (stderr) or scripts (JSON on stdout); returns the exit code.
fn report(e: &Error, json: bool) -> i32 {
    if json {
        let v = serde_json::json!({ "error": e });
        let _ = writeln!(std::io::stdout(), "{v}");
    } else {
        let _ = writeln!(std::io::stderr(), "error: {}", e.message);
        if let Some(d) = &e.detail {
            let _ = writeln!(std::io::stderr(), "  detail: {d}");
        }
    }
    match e.kind {
        ErrorKind::Validation => 2,
        _ => 1,
    }
}
