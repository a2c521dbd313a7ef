//! Commands for what leaves Gatehouse as files: the access state as code
//! (CloudFormation/Terraform), saved reports, and the IAM policy Gatehouse itself needs.
//! Paths come from the native save dialog in the UI.

use std::path::Path;

use gatehouse_core::changes::StagedChange;
use gatehouse_core::export::{CodeExport, ExportFormat};
use gatehouse_core::iam_policy::GatehousePolicy;
use gatehouse_core::snapshot::{ReportFormat, ReportRow};
use gatehouse_core::Gatehouse;
use tauri::State;

use super::CmdResult;

/// The last snapshot's permission sets and assignments as code, with `pending` (the staged
/// changes) applied.
#[tauri::command]
#[specta::specta]
pub async fn export_code(
    g: State<'_, Gatehouse>,
    format: ExportFormat,
    pending: Vec<StagedChange>,
) -> CmdResult<CodeExport> {
    g.export_code(format, pending).await
}

/// Exports and writes the file(s) to `path`; a split export adds `-2`, `-3`… before the
/// extension. Returns the paths written.
#[tauri::command]
#[specta::specta]
pub async fn save_code_export(
    g: State<'_, Gatehouse>,
    format: ExportFormat,
    pending: Vec<StagedChange>,
    path: String,
) -> CmdResult<Vec<String>> {
    g.save_code_export(format, pending, Path::new(&path)).await
}

/// Writes report rows (as shown) to `path` as CSV or JSON.
#[tauri::command]
#[specta::specta]
pub fn save_report(
    g: State<'_, Gatehouse>,
    path: String,
    format: ReportFormat,
    rows: Vec<ReportRow>,
) -> CmdResult<()> {
    g.save_report(Path::new(&path), format, &rows)
}

/// The least-privilege IAM policy for Gatehouse: read-only and read-write documents, and
/// every action with what it is used for.
#[tauri::command]
#[specta::specta]
pub fn gatehouse_policy(g: State<'_, Gatehouse>) -> GatehousePolicy {
    g.gatehouse_policy()
}

/// Writes the read-write (or read-only) policy document to `path`.
#[tauri::command]
#[specta::specta]
pub fn save_gatehouse_policy(
    g: State<'_, Gatehouse>,
    path: String,
    read_write: bool,
) -> CmdResult<()> {
    g.save_gatehouse_policy(Path::new(&path), read_write)
}
