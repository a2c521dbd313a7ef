//! Commands for the Setup wizard's automatic provisioning steps (SCIM endpoint and token,
//! connection test, token expiry, attribute mappings, Identity Store verification).

use gatehouse_core::progress::Progress;
use gatehouse_core::scim::{ProbeOptions, ProvisioningView, ScimTestResult, VerificationReport};
use gatehouse_core::{Gatehouse, Secret};
use tauri::ipc::Channel;
use tauri::State;

use super::CmdResult;

/// Everything Setup steps 3 (provisioning) and 4 (verify) show.
#[tauri::command]
#[specta::specta]
pub async fn provisioning_view(g: State<'_, Gatehouse>) -> CmdResult<ProvisioningView> {
    g.provisioning_view().await
}

/// Saves the SCIM endpoint and, when `token` is given, the access token (to the OS keychain
/// only; `null` or empty keeps the stored one). `token_created_on` is YYYY-MM-DD (default
/// today for a new token; alone, it corrects the stored token's date). An endpoint that does
/// not look like IAM Identity Center's fails with kind `validation` and detail
/// `nonstandard-endpoint` unless `accept_nonstandard` is true.
#[tauri::command]
#[specta::specta]
pub async fn save_scim_settings(
    g: State<'_, Gatehouse>,
    endpoint: String,
    token: Option<Secret>,
    token_created_on: Option<String>,
    accept_nonstandard: bool,
) -> CmdResult<ProvisioningView> {
    g.save_scim_settings(endpoint, token, token_created_on, accept_nonstandard)
        .await
}

/// Removes the access token from the OS keychain and the settings (the endpoint stays).
#[tauri::command]
#[specta::specta]
pub async fn forget_scim_token(g: State<'_, Gatehouse>) -> CmdResult<ProvisioningView> {
    g.forget_scim_token().await
}

/// Tests the saved endpoint with the saved token as Entra does; the result is also kept as
/// the view's `last_test`.
#[tauri::command]
#[specta::specta]
pub async fn test_scim_connection(g: State<'_, Gatehouse>) -> CmdResult<ScimTestResult> {
    g.test_scim_connection(ProbeOptions::default()).await
}

#[tauri::command]
#[specta::specta]
pub async fn confirm_attribute_mapping(
    g: State<'_, Gatehouse>,
    confirmed: bool,
) -> CmdResult<ProvisioningView> {
    g.confirm_attribute_mapping(confirmed).await
}

/// Replaces the list of Entra groups assigned to the enterprise application.
#[tauri::command]
#[specta::specta]
pub async fn set_expected_groups(
    g: State<'_, Gatehouse>,
    groups: Vec<String>,
) -> CmdResult<ProvisioningView> {
    g.set_expected_groups(groups).await
}

/// Reads the connected instance's Identity Store and reports what arrived (needs a
/// connection), streaming progress. Cancel with `cancel_task(task_id)`.
#[tauri::command]
#[specta::specta]
pub async fn verify_identity_store(
    g: State<'_, Gatehouse>,
    task_id: String,
    on_progress: Channel<Progress>,
) -> CmdResult<VerificationReport> {
    let task = g.tasks().start(task_id);
    g.verify_identity_store(super::progress_sink(on_progress), task.token.clone())
        .await
}

/// The attribute mapping checklist as plain text, for the clipboard.
#[tauri::command]
#[specta::specta]
pub fn attribute_mapping_text() -> String {
    gatehouse_core::scim::mapping::as_text()
}
