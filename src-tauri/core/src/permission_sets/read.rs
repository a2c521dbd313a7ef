//! Reading permission sets from AWS: the list, one set in full, and where a set is used.
//!
//! sso-admin allows about 20 requests per second for the whole instance and every set takes
//! several calls (describe, policies, accounts), so sets are read a few at a time and the
//! SDK's retry (standard mode) absorbs throttling. Principal names are resolved through the
//! Identity Store, also with a bound, so the admin sees "Group Admins" rather than an id.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ssoadmin::types::PrincipalType;
use aws_smithy_types::date_time::Format;
use futures::StreamExt;

use super::validate::session_hours;
use super::{
    short_id, AccountUsage, CustomerPolicyRef, PermissionSetDetails, PermissionSetState,
    PermissionSetSummary, PermissionSetUsage, PermissionsBoundary, PrincipalKind, PrincipalRef,
    TagPair,
};
use crate::aws::AwsSession;
use crate::error::{Error, ErrorKind, Result};
use crate::progress::{CancellationToken, Progress, ProgressSink};

/// Permission sets read at once (each takes four calls at the same time).
const SET_CONCURRENCY: usize = 4;
/// Accounts whose assignments are listed at once.
const ACCOUNT_CONCURRENCY: usize = 4;
/// Identity Store principals described at once.
const PRINCIPAL_CONCURRENCY: usize = 4;

fn rfc3339(d: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    d.and_then(|d| d.fmt(Format::DateTime).ok())
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Every permission set ARN of the instance.
pub async fn list_arns(session: &AwsSession, instance_arn: &str) -> Result<Vec<String>> {
    session
        .sso_admin()
        .list_permission_sets()
        .instance_arn(instance_arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| session.err("sso:ListPermissionSets", e))
}

/// Accounts the set is provisioned to.
pub async fn provisioned_accounts(
    session: &AwsSession,
    instance_arn: &str,
    arn: &str,
) -> Result<Vec<String>> {
    let mut accounts: Vec<String> = session
        .sso_admin()
        .list_accounts_for_provisioned_permission_set()
        .instance_arn(instance_arn)
        .permission_set_arn(arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| session.err("sso:ListAccountsForProvisionedPermissionSet", e))?;
    accounts.sort();
    accounts.dedup();
    Ok(accounts)
}

struct Described {
    name: String,
    description: Option<String>,
    session_duration: Option<String>,
    relay_state: Option<String>,
    created_at: Option<String>,
}

async fn describe(session: &AwsSession, instance_arn: &str, arn: &str) -> Result<Described> {
    let out = session
        .sso_admin()
        .describe_permission_set()
        .instance_arn(instance_arn)
        .permission_set_arn(arn)
        .send()
        .await
        .map_err(|e| session.err("sso:DescribePermissionSet", e))?;
    let ps = out.permission_set.ok_or_else(|| {
        Error::internal("AWS described a permission set without its details.")
            .with_detail(arn.to_owned())
    })?;
    Ok(Described {
        name: ps.name.clone().unwrap_or_else(|| short_id(arn).to_owned()),
        description: ps.description.clone().filter(|d| !d.is_empty()),
        session_duration: ps.session_duration.clone(),
        relay_state: ps.relay_state.clone().filter(|r| !r.is_empty()),
        created_at: rfc3339(ps.created_date()),
    })
}

async fn managed_policies(
    session: &AwsSession,
    instance_arn: &str,
    arn: &str,
) -> Result<Vec<String>> {
    let items: Vec<_> = session
        .sso_admin()
        .list_managed_policies_in_permission_set()
        .instance_arn(instance_arn)
        .permission_set_arn(arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| session.err("sso:ListManagedPoliciesInPermissionSet", e))?;
    Ok(items.into_iter().filter_map(|p| p.arn).collect())
}

async fn customer_policies(
    session: &AwsSession,
    instance_arn: &str,
    arn: &str,
) -> Result<Vec<CustomerPolicyRef>> {
    let items: Vec<_> = session
        .sso_admin()
        .list_customer_managed_policy_references_in_permission_set()
        .instance_arn(instance_arn)
        .permission_set_arn(arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| session.err("sso:ListCustomerManagedPolicyReferencesInPermissionSet", e))?;
    Ok(items
        .into_iter()
        .map(|c| CustomerPolicyRef {
            path: c.path().unwrap_or("/").to_owned(),
            name: c.name,
        })
        .collect())
}

async fn inline_policy(
    session: &AwsSession,
    instance_arn: &str,
    arn: &str,
) -> Result<Option<String>> {
    let out = session
        .sso_admin()
        .get_inline_policy_for_permission_set()
        .instance_arn(instance_arn)
        .permission_set_arn(arn)
        .send()
        .await
        .map_err(|e| session.err("sso:GetInlinePolicyForPermissionSet", e))?;
    Ok(out.inline_policy.filter(|p| !p.trim().is_empty()))
}

/// The boundary, or None (AWS answers ResourceNotFoundException when there is none).
async fn boundary(
    session: &AwsSession,
    instance_arn: &str,
    arn: &str,
) -> Result<Option<PermissionsBoundary>> {
    let out = session
        .sso_admin()
        .get_permissions_boundary_for_permission_set()
        .instance_arn(instance_arn)
        .permission_set_arn(arn)
        .send()
        .await;
    let out = match out {
        Ok(o) => o,
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            return Ok(None)
        }
        Err(e) => return Err(session.err("sso:GetPermissionsBoundaryForPermissionSet", e)),
    };
    Ok(out.permissions_boundary.and_then(|b| {
        if let Some(arn) = b.managed_policy_arn {
            Some(PermissionsBoundary::Managed { arn })
        } else {
            b.customer_managed_policy_reference
                .map(|c| PermissionsBoundary::CustomerManaged {
                    path: c.path().unwrap_or("/").to_owned(),
                    name: c.name,
                })
        }
    }))
}

async fn tags(session: &AwsSession, instance_arn: &str, arn: &str) -> Result<Vec<TagPair>> {
    let items: Vec<_> = session
        .sso_admin()
        .list_tags_for_resource()
        .instance_arn(instance_arn)
        .resource_arn(arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| session.err("sso:ListTagsForResource", e))?;
    Ok(items
        .into_iter()
        .map(|t| TagPair {
            key: t.key,
            value: t.value,
        })
        .collect())
}

/// One set in full: seven calls, made concurrently.
pub async fn details(
    session: &AwsSession,
    instance_arn: &str,
    arn: &str,
) -> Result<PermissionSetDetails> {
    let (d, managed, customer, inline, boundary, tags, accounts) = tokio::try_join!(
        describe(session, instance_arn, arn),
        managed_policies(session, instance_arn, arn),
        customer_policies(session, instance_arn, arn),
        inline_policy(session, instance_arn, arn),
        boundary(session, instance_arn, arn),
        tags(session, instance_arn, arn),
        provisioned_accounts(session, instance_arn, arn),
    )?;
    let session_duration = d.session_duration.unwrap_or_default();
    Ok(PermissionSetDetails {
        arn: arn.to_owned(),
        created_at: d.created_at,
        session_hours: session_hours(&session_duration),
        state: PermissionSetState {
            name: d.name,
            description: d.description,
            session_duration,
            relay_state: d.relay_state,
            managed_policies: managed,
            customer_managed_policies: customer,
            inline_policy: inline,
            permissions_boundary: boundary,
            tags,
        },
        provisioned_account_ids: accounts,
    })
}

async fn summary(
    session: &AwsSession,
    instance_arn: &str,
    arn: &str,
) -> Result<PermissionSetSummary> {
    let (d, managed, customer, accounts) = tokio::try_join!(
        describe(session, instance_arn, arn),
        managed_policies(session, instance_arn, arn),
        customer_policies(session, instance_arn, arn),
        provisioned_accounts(session, instance_arn, arn),
    )?;
    Ok(PermissionSetSummary {
        arn: arn.to_owned(),
        session_hours: d.session_duration.as_deref().and_then(session_hours),
        name: d.name,
        description: d.description,
        session_duration: d.session_duration,
        relay_state: d.relay_state,
        created_at: d.created_at,
        managed_policy_count: count(managed.len()),
        customer_managed_policy_count: count(customer.len()),
        provisioned_account_count: count(accounts.len()),
    })
}

/// Every set of the instance, sorted by name, with policy and account counts.
pub async fn list_summaries(
    session: &AwsSession,
    instance_arn: &str,
    progress: Arc<dyn ProgressSink>,
    cancel: CancellationToken,
) -> Result<Vec<PermissionSetSummary>> {
    progress.report(Progress {
        done: 0,
        total: 0,
        message: "Listing permission sets…".into(),
    });
    let arns = tokio::select! {
        _ = cancel.cancelled() => return Err(Error::cancelled()),
        r = list_arns(session, instance_arn) => r?,
    };
    let total = count(arns.len());
    let mut stream = futures::stream::iter(arns.into_iter().map(|arn| {
        let session = session.clone();
        let instance_arn = instance_arn.to_owned();
        async move { summary(&session, &instance_arn, &arn).await }
    }))
    .buffer_unordered(SET_CONCURRENCY);
    let mut out = Vec::new();
    loop {
        let next = tokio::select! {
            _ = cancel.cancelled() => return Err(Error::cancelled()),
            n = stream.next() => n,
        };
        let Some(result) = next else { break };
        match result {
            Ok(s) => out.push(s),
            // Deleted between the list and the describe: not an error for a list.
            Err(e) if e.kind == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        progress.report(Progress {
            done: count(out.len()),
            total,
            message: format!("Read {} of {total} permission sets", out.len()),
        });
    }
    out.sort_by_key(|a| a.name.to_lowercase());
    Ok(out)
}

/// Account names from Organizations, best effort (a delegated administrator may not read
/// them; the ids are enough to act on).
async fn account_names(session: &AwsSession) -> HashMap<String, String> {
    let pages: std::result::Result<Vec<_>, _> = session
        .organizations()
        .list_accounts()
        .into_paginator()
        .send()
        .try_collect()
        .await;
    match pages {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.accounts.unwrap_or_default())
            .filter_map(|a| Some((a.id?, a.name?)))
            .collect(),
        Err(e) => {
            tracing::debug!(
                "account names unavailable: {}",
                session.err("organizations:ListAccounts", e)
            );
            HashMap::new()
        }
    }
}

/// An account and the principals assigned the set there.
type AccountAssignments = (String, Vec<(PrincipalKind, String)>);

async fn account_assignments(
    session: &AwsSession,
    instance_arn: &str,
    arn: &str,
    account_id: &str,
) -> Result<Vec<(PrincipalKind, String)>> {
    let items: Vec<_> = session
        .sso_admin()
        .list_account_assignments()
        .instance_arn(instance_arn)
        .account_id(account_id)
        .permission_set_arn(arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| session.err("sso:ListAccountAssignments", e))?;
    let mut out: Vec<(PrincipalKind, String)> = items
        .into_iter()
        .filter_map(|a| {
            let kind = match a.principal_type? {
                PrincipalType::User => PrincipalKind::User,
                _ => PrincipalKind::Group,
            };
            Some((kind, a.principal_id?))
        })
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// Describes a user or group; None when it cannot be read.
async fn resolve(
    session: &AwsSession,
    identity_store_id: &str,
    kind: PrincipalKind,
    id: &str,
) -> PrincipalRef {
    let client = session.identity_store();
    let mut p = PrincipalRef {
        kind,
        id: id.to_owned(),
        display_name: None,
        user_name: None,
        resolved: false,
    };
    match kind {
        PrincipalKind::User => {
            if let Ok(u) = client
                .describe_user()
                .identity_store_id(identity_store_id)
                .user_id(id)
                .send()
                .await
            {
                p.display_name = u.display_name;
                p.user_name = u.user_name;
                p.resolved = true;
            }
        }
        PrincipalKind::Group => {
            if let Ok(g) = client
                .describe_group()
                .identity_store_id(identity_store_id)
                .group_id(id)
                .send()
                .await
            {
                p.display_name = g.display_name;
                p.resolved = true;
            }
        }
    }
    p
}

/// Where the set is used: provisioned accounts, the principals assigned in each (by name).
pub async fn usage(
    session: &AwsSession,
    instance_arn: &str,
    identity_store_id: &str,
    arn: &str,
) -> Result<PermissionSetUsage> {
    let (d, accounts) = tokio::try_join!(
        describe(session, instance_arn, arn),
        provisioned_accounts(session, instance_arn, arn),
    )?;
    let names = if accounts.is_empty() {
        HashMap::new()
    } else {
        account_names(session).await
    };
    let per_account: Vec<Result<AccountAssignments>> =
        futures::stream::iter(accounts.into_iter().map(|account| {
            let session = session.clone();
            async move {
                let a = account_assignments(&session, instance_arn, arn, &account).await?;
                Ok((account, a))
            }
        }))
        .buffered(ACCOUNT_CONCURRENCY)
        .collect()
        .await;
    let per_account = per_account.into_iter().collect::<Result<Vec<_>>>()?;

    let mut distinct: Vec<(PrincipalKind, String)> = per_account
        .iter()
        .flat_map(|(_, a)| a.iter().cloned())
        .collect();
    distinct.sort();
    distinct.dedup();
    let resolved: HashMap<(PrincipalKind, String), PrincipalRef> =
        futures::stream::iter(distinct.into_iter().map(|(kind, id)| {
            let session = session.clone();
            async move {
                let p = resolve(&session, identity_store_id, kind, &id).await;
                ((kind, id), p)
            }
        }))
        .buffer_unordered(PRINCIPAL_CONCURRENCY)
        .collect()
        .await;

    let unresolved = count(resolved.values().filter(|p| !p.resolved).count());
    let mut assignment_count = 0;
    let accounts = per_account
        .into_iter()
        .map(|(account_id, assigned)| {
            assignment_count += assigned.len();
            let mut principals: Vec<PrincipalRef> = assigned
                .into_iter()
                .filter_map(|k| resolved.get(&k).cloned())
                .collect();
            principals.sort_by(|a, b| {
                (a.kind, a.display_name.as_deref().unwrap_or(&a.id))
                    .cmp(&(b.kind, b.display_name.as_deref().unwrap_or(&b.id)))
            });
            AccountUsage {
                account_name: names.get(&account_id).cloned(),
                account_id,
                principals,
            }
        })
        .collect();
    Ok(PermissionSetUsage {
        permission_set_arn: arn.to_owned(),
        name: d.name,
        accounts,
        assignment_count: count(assignment_count),
        unresolved_principal_count: unresolved,
    })
}
