//! Commands for account assignments: the organisation's access snapshot and who-has-what.

use gatehouse_core::progress::Progress;
use gatehouse_core::snapshot::{LoadOptions, ReportRow, Snapshot};
use gatehouse_core::Gatehouse;
use tauri::ipc::Channel;
use tauri::State;

use super::CmdResult;

/// The last snapshot kept locally (the connected instance's, or the newest before a
/// connection is up), to show at once while a refresh runs. `null` when there is none.
#[tauri::command]
#[specta::specta]
pub async fn cached_snapshot(g: State<'_, Gatehouse>) -> CmdResult<Option<Snapshot>> {
    g.cached_snapshot().await
}

/// Reads the organisation's access state from AWS, streaming progress, and keeps it as the
/// last snapshot. Cancel with `cancel_task(task_id)`.
#[tauri::command]
#[specta::specta]
pub async fn refresh_snapshot(
    g: State<'_, Gatehouse>,
    task_id: String,
    on_progress: Channel<Progress>,
) -> CmdResult<Snapshot> {
    let task = g.tasks().start(task_id);
    let sink = super::progress_sink(on_progress);
    g.load_snapshot(LoadOptions::default(), sink, task.token.clone())
        .await
}

/// Who has what, from the last snapshot: group assignments expanded to their members.
#[tauri::command]
#[specta::specta]
pub async fn who_has_what(g: State<'_, Gatehouse>) -> CmdResult<Vec<ReportRow>> {
    g.who_has_what().await
}
