//! Commands for permission sets: list, read, validate, plan/apply a save, provision, usage
//! and delete. Long work streams progress and can be cancelled with `cancel_task(task_id)`.

use gatehouse_core::permission_sets::apply::{ApplyReport, ProvisionReport, ProvisionTarget};
use gatehouse_core::permission_sets::plan::{DeletePlan, Plan};
use gatehouse_core::permission_sets::policy::PolicyValidation;
use gatehouse_core::permission_sets::templates::{ManagedPolicyInfo, PermissionSetTemplate};
use gatehouse_core::permission_sets::validate::FieldProblem;
use gatehouse_core::permission_sets::{
    PermissionSetDetails, PermissionSetState, PermissionSetSummary, PermissionSetUsage,
};
use gatehouse_core::progress::Progress;
use gatehouse_core::Gatehouse;
use tauri::ipc::Channel;
use tauri::State;

use super::{progress_sink as sink, CmdResult};

/// Every permission set of the connected instance, by name, with policy and account counts.
#[tauri::command]
#[specta::specta]
pub async fn list_permission_sets(
    g: State<'_, Gatehouse>,
    task_id: String,
    on_progress: Channel<Progress>,
) -> CmdResult<Vec<PermissionSetSummary>> {
    let task = g.tasks().start(task_id);
    g.list_permission_sets(sink(on_progress), task.token.clone())
        .await
}

/// One permission set in full (policies, boundary, tags, provisioned accounts).
#[tauri::command]
#[specta::specta]
pub async fn get_permission_set(
    g: State<'_, Gatehouse>,
    arn: String,
) -> CmdResult<PermissionSetDetails> {
    g.get_permission_set(&arn).await
}

/// The job-function templates (AdministratorAccess, ViewOnlyAccess, …) as ready states.
#[tauri::command]
#[specta::specta]
pub fn permission_set_templates() -> Vec<PermissionSetTemplate> {
    gatehouse_core::permission_sets::templates::templates()
}

/// The bundled list of common AWS managed policies (job functions first).
#[tauri::command]
#[specta::specta]
pub fn managed_policy_catalog() -> Vec<ManagedPolicyInfo> {
    gatehouse_core::permission_sets::templates::managed_policy_catalog()
}

/// Validates an inline policy as the admin types (pure; no AWS call).
#[tauri::command]
#[specta::specta]
pub fn validate_inline_policy(text: String) -> PolicyValidation {
    gatehouse_core::permission_sets::policy::validate(&text)
}

/// Every problem with the form's fields (pure; no AWS call). Empty: it can be planned.
#[tauri::command]
#[specta::specta]
pub fn validate_permission_set(desired: PermissionSetState) -> Vec<FieldProblem> {
    gatehouse_core::permission_sets::validate::validate_state(
        &gatehouse_core::permission_sets::plan::normalise(desired),
    )
}

/// Plans a save: `current_arn` null creates a set. Reads the current set fresh; changes nothing.
#[tauri::command]
#[specta::specta]
pub async fn plan_permission_set(
    g: State<'_, Gatehouse>,
    current_arn: Option<String>,
    desired: PermissionSetState,
) -> CmdResult<Plan> {
    g.plan_permission_set(current_arn, desired).await
}

/// Applies a create/update plan; the report says which calls succeeded, failed or were not
/// attempted, with the set as re-read from AWS.
#[tauri::command]
#[specta::specta]
pub async fn apply_permission_set_plan(
    g: State<'_, Gatehouse>,
    plan: Plan,
    task_id: String,
    on_progress: Channel<Progress>,
) -> CmdResult<ApplyReport> {
    let task = g.tasks().start(task_id);
    g.apply_permission_set_plan(plan, sink(on_progress), task.token.clone())
        .await
}

/// Provisions the set to its accounts (or the given ones) and waits for AWS's result.
#[tauri::command]
#[specta::specta]
pub async fn provision_permission_set(
    g: State<'_, Gatehouse>,
    arn: String,
    target: ProvisionTarget,
    task_id: String,
    on_progress: Channel<Progress>,
) -> CmdResult<ProvisionReport> {
    let task = g.tasks().start(task_id);
    g.provision_permission_set(&arn, target, sink(on_progress), task.token.clone())
        .await
}

/// Where the set is used: accounts and the users/groups holding it there, by name.
#[tauri::command]
#[specta::specta]
pub async fn permission_set_usage(
    g: State<'_, Gatehouse>,
    arn: String,
) -> CmdResult<PermissionSetUsage> {
    g.permission_set_usage(&arn).await
}

/// Plans deleting the set: its assignments first, then the set. Changes nothing.
#[tauri::command]
#[specta::specta]
pub async fn plan_delete_permission_set(
    g: State<'_, Gatehouse>,
    arn: String,
) -> CmdResult<DeletePlan> {
    g.plan_delete_permission_set(&arn).await
}

/// Applies a delete plan (`DeletePlan.plan`).
#[tauri::command]
#[specta::specta]
pub async fn apply_delete_plan(
    g: State<'_, Gatehouse>,
    plan: Plan,
    task_id: String,
    on_progress: Channel<Progress>,
) -> CmdResult<ApplyReport> {
    let task = g.tasks().start(task_id);
    g.apply_delete_plan(plan, sink(on_progress), task.token.clone())
        .await
}
