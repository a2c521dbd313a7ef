//! Infrastructure as code from the access state: the permission sets and account
//! assignments of a [`Snapshot`] (optionally with the changes staged in the matrix applied)
//! as a CloudFormation template or a Terraform configuration, so admins who move to code
//! can start from what they have instead of retyping it.
//!
//! Both are pure functions of the snapshot: the same snapshot gives the same bytes (sorted
//! by name, no timestamps but the snapshot's own `taken_at` in a header comment).
//! CloudFormation allows 500 resources per stack, so a large organisation's template is
//! split (permission sets first, then assignment stacks that take the set ARNs as
//! parameters); Terraform has no such limit and writes `import` blocks so `terraform plan`
//! adopts what exists instead of creating it again.
//!
//! | module | what |
//! |---|---|
//! | `mod.rs` | IPC types, [`apply_staged`], [`export`], the `Gatehouse` facade (export, save reports and the Gatehouse IAM policy) |
//! | [`cloudformation`] | `AWS::SSO::PermissionSet` and `AWS::SSO::Assignment` YAML, split at 500 resources |
//! | [`terraform`] | `aws_ssoadmin_*` resources with references and `import` blocks |
//! | `render` | quoting, comments, identifiers, policy documents |

pub mod cloudformation;
mod render;
pub mod terraform;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::changes::{ChangeOp, StagedChange};
use crate::error::{Error, ErrorKind, Result};
use crate::gatehouse::Gatehouse;
use crate::iam_policy::{self, GatehousePolicy};
use crate::snapshot::{self, Assignment, PermissionSetSummary, PrincipalType, ReportRow, Snapshot};

/// Which infrastructure-as-code tool to write for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Cloudformation,
    Terraform,
}

/// One file of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ExportFile {
    /// A suggested file name (`gatehouse-identity-center.yaml`, `…-2.yaml`, `….tf`).
    pub name: String,
    pub content: String,
    /// Resources the file declares.
    pub resources: u32,
}

/// The permission sets and account assignments as code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct CodeExport {
    pub format: ExportFormat,
    /// In deployment order.
    pub files: Vec<ExportFile>,
    /// What the admin should know before using the files (splits, imports, staged changes).
    pub notes: Vec<String>,
    /// When the snapshot the export was made from was taken (RFC 3339).
    pub snapshot_taken_at: String,
}

/// The snapshot as it will be once the staged changes are applied: creates added, deletes
/// removed, in order (a create then a delete of the same assignment leaves it out). Pure;
/// the result is normalised.
pub fn apply_staged(snapshot: &Snapshot, pending: &[StagedChange]) -> Snapshot {
    let mut out = snapshot.clone();
    let mut assignments: BTreeSet<Assignment> = out.assignments.drain(..).collect();
    for change in pending {
        match change.op {
            ChangeOp::Create => {
                assignments.insert(change.assignment.clone());
            }
            ChangeOp::Delete => {
                assignments.remove(&change.assignment);
            }
        }
    }
    out.assignments = assignments.into_iter().collect();
    out.normalize();
    out
}

/// The snapshot (with `pending` applied) as code. Refuses a snapshot without permission set
/// definitions (`gatehouse snapshot` without `--definitions`, or kept by an older
/// Gatehouse): its sets would be written without their policies.
pub fn export(
    snapshot: &Snapshot,
    pending: &[StagedChange],
    format: ExportFormat,
) -> Result<CodeExport> {
    if snapshot
        .permission_sets
        .iter()
        .any(|p| !p.definition_loaded)
    {
        return Err(Error::validation(
            "This snapshot does not have the permission sets' policies, so an export would \
             leave them out. Refresh the account assignments (or write the snapshot file with \
             `gatehouse snapshot --definitions`), then export again.",
        ));
    }
    let mut base = snapshot.clone();
    base.normalize();
    let applied = apply_staged(&base, pending);
    let model = Model::new(&base, &applied);
    let (files, notes) = match format {
        ExportFormat::Cloudformation => cloudformation::render(&model),
        ExportFormat::Terraform => terraform::render(&model),
    };
    Ok(CodeExport {
        format,
        files,
        notes,
        snapshot_taken_at: snapshot.taken_at.clone(),
    })
}

/// A permission set of the export.
pub(crate) struct SetView<'a> {
    pub ps: &'a PermissionSetSummary,
    /// Whether any assignment of the export uses it (for comments).
    pub assignments: usize,
}

/// An account assignment of the export, with the names the comments and identifiers use.
pub(crate) struct AssignmentView<'a> {
    pub a: &'a Assignment,
    pub account_name: &'a str,
    pub principal_name: &'a str,
    /// Index into [`Model::sets`]; `None` when the set is not in the snapshot.
    pub set: Option<usize>,
    /// A staged create that is not in AWS yet (no import).
    pub staged: bool,
}

impl AssignmentView<'_> {
    pub fn principal_kind(&self) -> &'static str {
        match self.a.principal_type {
            PrincipalType::Group => "group",
            PrincipalType::User => "user",
        }
    }
}

/// What both exporters write, in their order: sets by name, assignments by account name,
/// permission set name, principal type and name.
pub(crate) struct Model<'a> {
    pub snapshot: &'a Snapshot,
    pub sets: Vec<SetView<'a>>,
    pub assignments: Vec<AssignmentView<'a>>,
    /// Staged changes that change the export: creates added, deletes removed.
    pub staged_creates: usize,
    pub staged_deletes: usize,
}

impl<'a> Model<'a> {
    fn new(base: &'a Snapshot, applied: &'a Snapshot) -> Self {
        let existing: BTreeSet<&Assignment> = base.assignments.iter().collect();
        let kept: BTreeSet<&Assignment> = applied.assignments.iter().collect();
        let staged_deletes = existing.difference(&kept).count();
        let set_index: HashMap<&str, usize> = applied
            .permission_sets
            .iter()
            .enumerate()
            .map(|(i, p)| (p.arn.as_str(), i))
            .collect();
        let accounts: HashMap<&str, &str> = applied
            .accounts
            .iter()
            .map(|a| (a.id.as_str(), a.name.as_str()))
            .collect();
        let groups: HashMap<&str, &str> = applied
            .groups
            .iter()
            .map(|g| (g.id.as_str(), g.display_name.as_str()))
            .collect();
        let users: HashMap<&str, &str> = applied
            .users
            .iter()
            .map(|u| (u.id.as_str(), u.user_name.as_str()))
            .collect();
        let mut assignments: Vec<AssignmentView> = applied
            .assignments
            .iter()
            .map(|a| {
                let names = match a.principal_type {
                    PrincipalType::Group => &groups,
                    PrincipalType::User => &users,
                };
                AssignmentView {
                    a,
                    account_name: accounts
                        .get(a.account_id.as_str())
                        .copied()
                        .unwrap_or(a.account_id.as_str()),
                    principal_name: names
                        .get(a.principal_id.as_str())
                        .copied()
                        .unwrap_or(a.principal_id.as_str()),
                    set: set_index.get(a.permission_set_arn.as_str()).copied(),
                    staged: !existing.contains(a),
                }
            })
            .collect();
        let set_name = |v: &AssignmentView<'a>| -> &'a str {
            v.set
                .map(|i| applied.permission_sets[i].name.as_str())
                .unwrap_or(v.a.permission_set_arn.as_str())
        };
        assignments.sort_by(|x, y| {
            (
                x.account_name,
                &x.a.account_id,
                set_name(x),
                &x.a.permission_set_arn,
            )
                .cmp(&(
                    y.account_name,
                    &y.a.account_id,
                    set_name(y),
                    &y.a.permission_set_arn,
                ))
                .then(
                    (x.a.principal_type, x.principal_name, &x.a.principal_id).cmp(&(
                        y.a.principal_type,
                        y.principal_name,
                        &y.a.principal_id,
                    )),
                )
        });
        let staged_creates = assignments.iter().filter(|v| v.staged).count();
        let mut sets: Vec<SetView> = applied
            .permission_sets
            .iter()
            .map(|ps| SetView { ps, assignments: 0 })
            .collect();
        for v in &assignments {
            if let Some(i) = v.set {
                sets[i].assignments += 1;
            }
        }
        Self {
            snapshot: applied,
            sets,
            assignments,
            staged_creates,
            staged_deletes,
        }
    }

    /// Header lines shared by every file (without the comment marker).
    pub fn header(&self) -> Vec<String> {
        let s = self.snapshot;
        let mut lines = vec![
            "IAM Identity Center permission sets and account assignments, exported by Gatehouse."
                .to_owned(),
            render::comment(&format!(
                "Instance {} ({}), snapshot taken at {}.",
                s.instance_arn, s.region, s.taken_at
            )),
        ];
        if self.staged_creates + self.staged_deletes > 0 {
            lines.push(format!(
                "Includes changes staged in Gatehouse and not yet applied in AWS: {} assignment(s) \
                 added, {} removed.",
                self.staged_creates, self.staged_deletes
            ));
        }
        lines
    }

    /// Notes both formats share.
    pub fn common_notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.staged_creates + self.staged_deletes > 0 {
            notes.push(format!(
                "The export includes {} staged assignment(s) to add and leaves out {} staged \
                 for removal; they are not applied in AWS yet.",
                self.staged_creates, self.staged_deletes
            ));
        }
        let unknown: BTreeSet<&str> = self
            .assignments
            .iter()
            .filter(|v| v.set.is_none())
            .map(|v| v.a.permission_set_arn.as_str())
            .collect();
        if !unknown.is_empty() {
            notes.push(format!(
                "{} permission set(s) used by assignments are not in the snapshot; those \
                 assignments refer to the set by ARN: {}.",
                unknown.len(),
                unknown.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        let customer = self
            .sets
            .iter()
            .filter(|s| {
                !s.ps.customer_managed_policies.is_empty()
                    || matches!(
                        s.ps.permissions_boundary,
                        Some(snapshot::PermissionsBoundary::CustomerManaged { .. })
                    )
            })
            .count();
        if customer > 0 {
            notes.push(format!(
                "{customer} permission set(s) reference customer managed policies: a policy \
                 with that name and path must exist in every account the set is assigned in."
            ));
        }
        notes
    }
}

/// `path` for the first file; `stem-2.ext`, `stem-3.ext`… for the next ones.
pub fn numbered_path(path: &Path, index: usize) -> PathBuf {
    if index == 0 {
        return path.to_path_buf();
    }
    let n = index + 1;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

/// Writes the export's files to `path` (then `-2`, `-3`… before the extension); returns the
/// paths written.
pub fn write_files(export: &CodeExport, path: &Path) -> Result<Vec<String>> {
    let mut written = Vec::new();
    for (i, file) in export.files.iter().enumerate() {
        let target = numbered_path(path, i);
        write_file(&target, file.content.as_bytes())?;
        written.push(target.display().to_string());
    }
    Ok(written)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| {
        Error::new(
            ErrorKind::Storage,
            format!("Gatehouse could not write {}.", path.display()),
        )
        .with_detail(e.to_string())
    })
}

fn no_snapshot() -> Error {
    Error::not_found(
        "There is no snapshot of the organization's access yet. Refresh the account \
         assignments first.",
    )
}

/// Exports and saved reports (the facade the app calls).
impl Gatehouse {
    /// The cached snapshot (with `pending` applied) as code.
    pub async fn export_code(
        &self,
        format: ExportFormat,
        pending: Vec<StagedChange>,
    ) -> Result<CodeExport> {
        let snapshot = self.cached_snapshot().await?.ok_or_else(no_snapshot)?;
        export(&snapshot, &pending, format)
    }

    /// Exports and writes the file(s) to `path` (split files get `-2`, `-3`… before the
    /// extension); returns the paths written.
    pub async fn save_code_export(
        &self,
        format: ExportFormat,
        pending: Vec<StagedChange>,
        path: &Path,
    ) -> Result<Vec<String>> {
        let export = self.export_code(format, pending).await?;
        write_files(&export, path)
    }

    /// Writes report rows (as the UI shows them) to `path` as CSV or JSON.
    pub fn save_report(
        &self,
        path: &Path,
        format: snapshot::ReportFormat,
        rows: &[ReportRow],
    ) -> Result<()> {
        let mut buf = Vec::new();
        snapshot::write_report(rows, format, &mut buf)?;
        write_file(path, &buf)
    }

    /// The IAM policy Gatehouse needs, read-only and read-write, with each action's use.
    pub fn gatehouse_policy(&self) -> GatehousePolicy {
        iam_policy::gatehouse_policy()
    }

    /// Writes the read-write (or read-only) policy document to `path`.
    pub fn save_gatehouse_policy(&self, path: &Path, read_write: bool) -> Result<()> {
        write_file(path, iam_policy::policy_document(read_write).as_bytes())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::snapshot::tests::sample;

    pub fn staged(
        op: ChangeOp,
        account: &str,
        ps: &str,
        t: PrincipalType,
        p: &str,
    ) -> StagedChange {
        StagedChange {
            op,
            assignment: Assignment {
                account_id: account.into(),
                permission_set_arn: ps.into(),
                principal_type: t,
                principal_id: p.into(),
            },
        }
    }

    #[test]
    fn apply_staged_adds_and_removes_in_order() {
        let mut s = sample();
        s.normalize();
        let pending = [
            staged(
                ChangeOp::Create,
                "111111111111",
                "arn:ps-admin",
                PrincipalType::User,
                "u-ben",
            ),
            // Already there: no change.
            staged(
                ChangeOp::Create,
                "222222222222",
                "arn:ps-admin",
                PrincipalType::User,
                "u-ana",
            ),
            staged(
                ChangeOp::Delete,
                "111111111111",
                "arn:ps-ro",
                PrincipalType::Group,
                "g-empty",
            ),
            // Not there: no change.
            staged(
                ChangeOp::Delete,
                "111111111111",
                "arn:ps-ro",
                PrincipalType::User,
                "u-x",
            ),
            // Added, then removed again.
            staged(
                ChangeOp::Create,
                "111111111111",
                "arn:ps-ro",
                PrincipalType::User,
                "u-ana",
            ),
            staged(
                ChangeOp::Delete,
                "111111111111",
                "arn:ps-ro",
                PrincipalType::User,
                "u-ana",
            ),
        ];
        let out = apply_staged(&s, &pending);
        let brief: Vec<String> = out
            .assignments
            .iter()
            .map(|a| {
                format!(
                    "{} {} {}",
                    a.account_id, a.permission_set_arn, a.principal_id
                )
            })
            .collect();
        assert_eq!(
            brief,
            [
                "111111111111 arn:ps-admin u-ben",
                "222222222222 arn:ps-admin g-dev",
                "222222222222 arn:ps-admin u-ana",
            ]
        );
        assert_eq!(out.permission_sets, s.permission_sets, "sets are untouched");
        assert_eq!(
            apply_staged(&s, &[]),
            s,
            "nothing staged: the snapshot itself"
        );
    }

    #[test]
    fn the_model_orders_names_and_marks_staged_assignments() {
        let mut s = sample();
        s.normalize();
        let applied = apply_staged(
            &s,
            &[
                staged(
                    ChangeOp::Create,
                    "111111111111",
                    "arn:gone",
                    PrincipalType::User,
                    "u-ben",
                ),
                staged(
                    ChangeOp::Delete,
                    "222222222222",
                    "arn:ps-admin",
                    PrincipalType::User,
                    "u-ana",
                ),
            ],
        );
        let m = Model::new(&s, &applied);
        let rows: Vec<String> = m
            .assignments
            .iter()
            .map(|v| {
                format!(
                    "{}|{}|{} {}|{}",
                    v.account_name,
                    v.set.map(|i| m.sets[i].ps.name.as_str()).unwrap_or("?"),
                    v.principal_kind(),
                    v.principal_name,
                    v.staged
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                "management|ReadOnly|group Support|false",
                "management|?|user ben@x.com|true",
                "payments|Admin|group Developers|false",
            ]
        );
        assert_eq!((m.staged_creates, m.staged_deletes), (1, 1));
        let notes = m.common_notes().join("\n");
        assert!(notes.contains("1 staged assignment(s) to add"), "{notes}");
        assert!(notes.contains("arn:gone"), "{notes}");
        assert!(notes.contains("customer managed"), "{notes}");
    }

    #[test]
    fn an_old_snapshot_without_definitions_is_refused() {
        let mut s = sample();
        s.permission_sets[0].definition_loaded = false;
        for format in [ExportFormat::Cloudformation, ExportFormat::Terraform] {
            let err = export(&s, &[], format).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Validation);
            assert!(err.message.contains("Refresh"), "{}", err.message);
        }
    }

    #[test]
    fn numbered_paths_put_the_number_before_the_extension() {
        let p = Path::new("/tmp/out/access.yaml");
        assert_eq!(numbered_path(p, 0), PathBuf::from("/tmp/out/access.yaml"));
        assert_eq!(numbered_path(p, 1), PathBuf::from("/tmp/out/access-2.yaml"));
        assert_eq!(
            numbered_path(p, 9),
            PathBuf::from("/tmp/out/access-10.yaml")
        );
        assert_eq!(
            numbered_path(Path::new("plain"), 2),
            PathBuf::from("plain-3")
        );
        assert_eq!(
            numbered_path(Path::new("a.tar.yaml"), 1),
            PathBuf::from("a.tar-2.yaml")
        );
    }

    #[test]
    fn write_files_writes_every_file_and_reports_paths() {
        let dir = tempfile::tempdir().unwrap();
        let export = CodeExport {
            format: ExportFormat::Cloudformation,
            files: vec![
                ExportFile {
                    name: "a.yaml".into(),
                    content: "one".into(),
                    resources: 1,
                },
                ExportFile {
                    name: "a-2.yaml".into(),
                    content: "two".into(),
                    resources: 1,
                },
            ],
            notes: vec![],
            snapshot_taken_at: "t".into(),
        };
        let target = dir.path().join("mine.yaml");
        let written = write_files(&export, &target).unwrap();
        assert_eq!(
            written,
            [
                target.display().to_string(),
                dir.path().join("mine-2.yaml").display().to_string()
            ]
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("mine-2.yaml")).unwrap(),
            "two"
        );
        let err = write_files(&export, &dir.path().join("missing/dir.yaml")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Storage);
    }
}
