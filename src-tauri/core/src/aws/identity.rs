//! Who the admin is connected as: caller, organisation role, Identity Center instance.
//!
//! This is what the header shows and what `gatehouse whoami` prints. It also decides whether
//! the account is the organisation's management account or a delegated administrator,
//! because that limits what Gatehouse may change (a delegated administrator cannot touch
//! permission sets provisioned to the management account).

use aws_sdk_organizations::operation::describe_organization::DescribeOrganizationError;
use serde::Serialize;

use super::session::AwsSession;
use crate::error::{ErrorKind, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct InstanceInfo {
    pub instance_arn: String,
    pub identity_store_id: String,
    pub owner_account_id: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub region: String,
}

impl InstanceInfo {
    /// `ssoins-…`, the short id the console shows.
    pub fn instance_id(&self) -> &str {
        self.instance_arn
            .rsplit('/')
            .next()
            .unwrap_or(&self.instance_arn)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct OrganizationInfo {
    pub id: String,
    pub management_account_id: String,
}

/// How the connected account relates to the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    /// The organisation's management account: everything can be managed.
    Management,
    /// A delegated administrator for IAM Identity Center.
    DelegatedAdmin,
    /// An account instance of Identity Center (not the organisation's).
    AccountInstance,
    /// A member account that sees no organisation instance.
    Member,
    /// Not in an AWS Organization.
    Standalone,
    /// The organisation could not be read.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Identity {
    pub account_id: String,
    pub caller_arn: String,
    pub region: String,
    pub role: AccountRole,
    /// What the role means for the admin, in one or two sentences.
    pub role_note: String,
    pub organization: Option<OrganizationInfo>,
    /// The Identity Center instance in the connected region, if there is one.
    pub instance: Option<InstanceInfo>,
}

impl Identity {
    pub fn is_management_account(&self) -> bool {
        self.role == AccountRole::Management
    }
}

impl AwsSession {
    /// Every Identity Center instance visible in this session's region.
    pub async fn list_instances(&self) -> Result<Vec<InstanceInfo>> {
        let pages: Vec<_> = self
            .sso_admin()
            .list_instances()
            .into_paginator()
            .items()
            .send()
            .collect::<Vec<_>>()
            .await;
        let mut out = Vec::new();
        for item in pages {
            let i = item.map_err(|e| self.err("sso:ListInstances", e))?;
            if let (Some(arn), Some(store)) = (i.instance_arn, i.identity_store_id) {
                out.push(InstanceInfo {
                    instance_arn: arn,
                    identity_store_id: store,
                    owner_account_id: i.owner_account_id,
                    name: i.name,
                    status: i.status.map(|s| s.as_str().to_owned()),
                    region: self.region().to_owned(),
                });
            }
        }
        Ok(out)
    }

    /// Caller, organisation role and instance. Credentials problems surface from the first
    /// call (STS) with the clearest message; the organisation and instance are asked
    /// concurrently after it.
    pub async fn whoami(&self) -> Result<Identity> {
        let caller = self
            .sts()
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| self.err("sts:GetCallerIdentity", e))?;
        let account_id = caller.account.unwrap_or_default();
        let caller_arn = caller.arn.unwrap_or_default();

        let orgs = self.organizations();
        let (org, instances) =
            tokio::join!(orgs.describe_organization().send(), self.list_instances());
        let instances = instances?;
        // Prefer an ACTIVE instance; an organisation has one.
        let instance = instances
            .iter()
            .find(|i| i.status.as_deref() == Some("ACTIVE"))
            .or(instances.first())
            .cloned();

        let (organization, org_error) = match org {
            Ok(out) => (
                out.organization.and_then(|o| {
                    Some(OrganizationInfo {
                        id: o.id?,
                        management_account_id: o.master_account_id?,
                    })
                }),
                None,
            ),
            Err(e) => {
                let not_in_use = matches!(
                    e.as_service_error(),
                    Some(DescribeOrganizationError::AwsOrganizationsNotInUseException(_))
                );
                if not_in_use {
                    (None, None)
                } else {
                    (
                        None,
                        Some(self.err("organizations:DescribeOrganization", e)),
                    )
                }
            }
        };

        let (role, role_note) = classify(
            &account_id,
            organization.as_ref(),
            instance.as_ref(),
            org_error.as_ref().map(|e| e.kind),
        );
        Ok(Identity {
            account_id,
            caller_arn,
            region: self.region().to_owned(),
            role,
            role_note,
            organization,
            instance,
        })
    }
}

fn classify(
    account: &str,
    org: Option<&OrganizationInfo>,
    instance: Option<&InstanceInfo>,
    org_error: Option<ErrorKind>,
) -> (AccountRole, String) {
    match (org, org_error) {
        (Some(o), _) if o.management_account_id == account => (
            AccountRole::Management,
            "This is the organization's management account: Gatehouse can manage every permission \
             set and account assignment, including those in the management account."
                .to_owned(),
        ),
        (Some(o), _) => match instance {
            Some(i) if i.owner_account_id.as_deref() == Some(o.management_account_id.as_str()) => (
                AccountRole::DelegatedAdmin,
                format!(
                    "This account is a delegated administrator for IAM Identity Center. It cannot \
                     change permission sets provisioned to the management account ({}) or account \
                     assignments in it; use the management account for those.",
                    o.management_account_id
                ),
            ),
            Some(_) => (
                AccountRole::AccountInstance,
                "This is an account instance of IAM Identity Center, not the organization's: it \
                 serves applications in this account only, without permission sets or AWS account \
                 assignments."
                    .to_owned(),
            ),
            None => (
                AccountRole::Member,
                format!(
                    "This is a member account of organization {}, neither its management account \
                     nor a delegated administrator. Connect with the management account ({}) or \
                     register this account as delegated administrator for IAM Identity Center.",
                    o.id, o.management_account_id
                ),
            ),
        },
        (None, None) => (
            AccountRole::Standalone,
            "This account is not part of an AWS Organization, so there are no AWS accounts to \
             assign access to."
                .to_owned(),
        ),
        (None, Some(ErrorKind::AccessDenied)) => (
            AccountRole::Unknown,
            "Gatehouse could not read the organization (organizations:DescribeOrganization was \
             denied), so it cannot tell whether this is the management account or a delegated \
             administrator."
                .to_owned(),
        ),
        (None, Some(_)) => (
            AccountRole::Unknown,
            "Gatehouse could not read the organization, so it cannot tell whether this is the \
             management account or a delegated administrator."
                .to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> OrganizationInfo {
        OrganizationInfo {
            id: "o-abc".into(),
            management_account_id: "111111111111".into(),
        }
    }

    fn inst(owner: &str) -> InstanceInfo {
        InstanceInfo {
            instance_arn: "arn:aws:sso:::instance/ssoins-1234567890abcdef".into(),
            identity_store_id: "d-1234567890".into(),
            owner_account_id: Some(owner.into()),
            name: None,
            status: Some("ACTIVE".into()),
            region: "eu-west-1".into(),
        }
    }

    #[test]
    fn roles() {
        let o = org();
        assert_eq!(
            classify("111111111111", Some(&o), None, None).0,
            AccountRole::Management
        );
        let (role, note) = classify("222222222222", Some(&o), Some(&inst("111111111111")), None);
        assert_eq!(role, AccountRole::DelegatedAdmin);
        assert!(note.contains("111111111111"));
        assert_eq!(
            classify("222222222222", Some(&o), Some(&inst("222222222222")), None).0,
            AccountRole::AccountInstance
        );
        assert_eq!(
            classify("222222222222", Some(&o), None, None).0,
            AccountRole::Member
        );
        assert_eq!(classify("2", None, None, None).0, AccountRole::Standalone);
        assert_eq!(
            classify("2", None, None, Some(ErrorKind::AccessDenied)).0,
            AccountRole::Unknown
        );
        assert_eq!(inst("1").instance_id(), "ssoins-1234567890abcdef");
    }
}
