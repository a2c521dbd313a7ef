//! Commands for the Setup wizard's SAML federation steps (Entra app, metadata exchange).

use gatehouse_core::federation::{FederationView, ImportSource, ENTRA_ENTERPRISE_APPS_URL};
use gatehouse_core::metadata::Slot;
use gatehouse_core::Gatehouse;
use tauri::State;

use super::CmdResult;

#[tauri::command]
#[specta::specta]
pub async fn federation_view(g: State<'_, Gatehouse>) -> CmdResult<FederationView> {
    g.federation_view().await
}

/// Imports a metadata document (a picked or dropped file, or pasted text) into a slot.
/// A refused import leaves the slot as it was.
#[tauri::command]
#[specta::specta]
pub async fn import_metadata(
    g: State<'_, Gatehouse>,
    slot: Slot,
    source: ImportSource,
) -> CmdResult<FederationView> {
    g.import_metadata(slot, source).await
}

#[tauri::command]
#[specta::specta]
pub async fn clear_metadata(g: State<'_, Gatehouse>, slot: Slot) -> CmdResult<FederationView> {
    g.clear_metadata(slot).await
}

/// Sets the custom AWS access portal URL (None = derive it from the directory id).
#[tauri::command]
#[specta::specta]
pub async fn set_portal_url(
    g: State<'_, Gatehouse>,
    url: Option<String>,
) -> CmdResult<FederationView> {
    g.set_portal_url(url).await
}

#[tauri::command]
#[specta::specta]
pub async fn confirm_entra_app(
    g: State<'_, Gatehouse>,
    confirmed: bool,
) -> CmdResult<FederationView> {
    g.confirm_entra_app(confirmed).await
}

/// Saves an imported document to a file the admin chose (to upload it elsewhere).
#[tauri::command]
#[specta::specta]
pub fn save_metadata_copy(g: State<'_, Gatehouse>, slot: Slot, path: String) -> CmdResult<()> {
    g.save_metadata_copy(slot, std::path::Path::new(&path))
}

#[tauri::command]
#[specta::specta]
pub fn entra_enterprise_apps_url() -> String {
    ENTRA_ENTERPRISE_APPS_URL.to_owned()
}
