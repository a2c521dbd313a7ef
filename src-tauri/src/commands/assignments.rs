//! Commands for account assignments: the organisation's access snapshot, who-has-what, and
//! staged changes (plan, apply, resume, retry) with their audit log.

use std::sync::Arc;

use gatehouse_core::changes::{
    ApplyEvent, ApplySettings, ApplySink, ChangePlan, ChangeSet, ChangeSetSummary, StagedChange,
};
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

/// Streams apply's events to the UI over its channel.
fn apply_sink(channel: Channel<ApplyEvent>) -> Arc<dyn ApplySink> {
    Arc::new(move |e: ApplyEvent| {
        let _ = channel.send(e);
    })
}

/// The dry run of staged changes: what apply would send, what not and why, and what changed
/// in AWS since the snapshot (reads the touched account × permission set pairs).
#[tauri::command]
#[specta::specta]
pub async fn plan_assignment_changes(
    g: State<'_, Gatehouse>,
    changes: Vec<StagedChange>,
) -> CmdResult<ChangePlan> {
    g.plan_assignment_changes(changes).await
}

/// Applies staged changes (re-planned against AWS first), streaming each item's outcome.
/// The change set is saved before the first call. Cancel with `cancel_task(task_id)`.
#[tauri::command]
#[specta::specta]
pub async fn apply_assignment_changes(
    g: State<'_, Gatehouse>,
    task_id: String,
    changes: Vec<StagedChange>,
    on_progress: Channel<ApplyEvent>,
) -> CmdResult<ChangeSet> {
    let task = g.tasks().start(task_id);
    g.apply_assignment_changes(changes, apply_sink(on_progress), task.token.clone())
        .await
}

/// Sends again the failed and not-attempted items of a change set (AWS checked first).
#[tauri::command]
#[specta::specta]
pub async fn retry_change_set(
    g: State<'_, Gatehouse>,
    task_id: String,
    id: String,
    on_progress: Channel<ApplyEvent>,
) -> CmdResult<ChangeSet> {
    let task = g.tasks().start(task_id);
    g.retry_change_set(&id, apply_sink(on_progress), task.token.clone())
        .await
}

/// Resumes an interrupted change set (AWS checked first, so nothing is created twice).
#[tauri::command]
#[specta::specta]
pub async fn resume_change_set(
    g: State<'_, Gatehouse>,
    task_id: String,
    id: String,
    on_progress: Channel<ApplyEvent>,
) -> CmdResult<ChangeSet> {
    let task = g.tasks().start(task_id);
    g.resume_change_set(&id, apply_sink(on_progress), task.token.clone())
        .await
}

/// The newest unfinished change set, if any: `running` (applied right now — the UI shows its
/// own apply itself, so to it this is another process) or `interrupted` (a crash or a closed
/// window; resumable).
#[tauri::command]
#[specta::specta]
pub async fn unfinished_change_set(g: State<'_, Gatehouse>) -> CmdResult<Option<ChangeSet>> {
    g.unfinished_change_set().await
}

/// Gives up an interrupted change set (recorded in the audit log).
#[tauri::command]
#[specta::specta]
pub async fn discard_change_set(g: State<'_, Gatehouse>, id: String) -> CmdResult<ChangeSet> {
    g.discard_change_set(&id).await
}

/// The audit log of applied change sets, newest first.
#[tauri::command]
#[specta::specta]
pub async fn activity_log(g: State<'_, Gatehouse>, limit: u32) -> CmdResult<Vec<ChangeSetSummary>> {
    g.activity_log(limit)
}

/// One change set with every item and its outcome.
#[tauri::command]
#[specta::specta]
pub async fn change_set(g: State<'_, Gatehouse>, id: String) -> CmdResult<ChangeSet> {
    g.change_set(&id)
}

/// How fast apply may go (outstanding requests, requests per second).
#[tauri::command]
#[specta::specta]
pub async fn apply_settings(g: State<'_, Gatehouse>) -> CmdResult<ApplySettings> {
    g.apply_settings()
}

#[tauri::command]
#[specta::specta]
pub async fn save_apply_settings(
    g: State<'_, Gatehouse>,
    settings: ApplySettings,
) -> CmdResult<ApplySettings> {
    g.save_apply_settings(settings)
}
