//! Commands for connecting to AWS: profiles, connect, identity, instance discovery.

use gatehouse_core::aws::{ConnectionSpec, ProfileInfo, RegionInstance, IDENTITY_CENTER_REGIONS};
use gatehouse_core::progress::Progress;
use gatehouse_core::{ConnectionStatus, Gatehouse, Secret};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use super::CmdResult;
use crate::LaunchConnection;

#[derive(Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub fn app_info() -> AppInfo {
    AppInfo {
        version: gatehouse_core::VERSION.to_owned(),
        data_dir: gatehouse_core::paths::data_dir()
            .ok()
            .map(|d| d.display().to_string()),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_profiles(g: State<'_, Gatehouse>) -> CmdResult<Vec<ProfileInfo>> {
    g.list_profiles().await
}

#[tauri::command]
#[specta::specta]
pub fn identity_center_regions() -> Vec<String> {
    IDENTITY_CENTER_REGIONS
        .iter()
        .map(|r| r.to_string())
        .collect()
}

/// The connection to open at start: the command line's, else the last one used.
#[tauri::command]
#[specta::specta]
pub fn startup_connection(
    g: State<'_, Gatehouse>,
    launch: State<'_, LaunchConnection>,
) -> CmdResult<Option<ConnectionSpec>> {
    match &launch.0 {
        Some(spec) => Ok(Some(spec.clone())),
        None => g.last_connection(),
    }
}

/// Connects and reads who is calling. Cancel with `cancel_task(task_id)`: the previous
/// connection, if any, stays.
#[tauri::command]
#[specta::specta]
pub async fn connect(
    g: State<'_, Gatehouse>,
    task_id: String,
    spec: ConnectionSpec,
) -> CmdResult<ConnectionStatus> {
    let task = g.tasks().start(task_id);
    g.connect_until(spec, task.token.clone()).await
}

#[tauri::command]
#[specta::specta]
pub async fn refresh_connection(g: State<'_, Gatehouse>) -> CmdResult<ConnectionStatus> {
    g.refresh().await
}

#[tauri::command]
#[specta::specta]
pub async fn disconnect(g: State<'_, Gatehouse>) -> CmdResult<()> {
    g.disconnect().await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn connection_status(g: State<'_, Gatehouse>) -> CmdResult<Option<ConnectionStatus>> {
    Ok(g.status().await)
}

/// Access keys go straight to the OS keychain; nothing is returned.
#[tauri::command]
#[specta::specta]
pub async fn store_access_keys(
    g: State<'_, Gatehouse>,
    access_key_id: String,
    secret_access_key: Secret,
    session_token: Option<Secret>,
) -> CmdResult<()> {
    g.store_access_keys(access_key_id, secret_access_key, session_token)
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn stored_access_key_id(g: State<'_, Gatehouse>) -> CmdResult<Option<String>> {
    g.stored_access_key_id().await
}

#[tauri::command]
#[specta::specta]
pub async fn forget_access_keys(g: State<'_, Gatehouse>) -> CmdResult<bool> {
    g.forget_access_keys().await
}

/// Looks for the Identity Center instance in every region, streaming progress.
/// Cancel with `cancel_task(task_id)`.
#[tauri::command]
#[specta::specta]
pub async fn find_instance_regions(
    g: State<'_, Gatehouse>,
    task_id: String,
    on_progress: Channel<Progress>,
) -> CmdResult<Vec<RegionInstance>> {
    let task = g.tasks().start(task_id);
    let sink = super::progress_sink(on_progress);
    g.find_instance_regions(sink, task.token.clone()).await
}

#[tauri::command]
#[specta::specta]
pub fn cancel_task(g: State<'_, Gatehouse>, task_id: String) -> bool {
    g.tasks().cancel(&task_id)
}
