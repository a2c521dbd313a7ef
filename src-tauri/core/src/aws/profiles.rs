//! The profiles in the admin's AWS config, read by aws-config's own parser.
//!
//! Gatehouse never parses ~/.aws/config itself; it asks `aws_config::profile::load` (which
//! honours `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`) and only classifies what it got,
//! so the picker can say "SSO" and errors can suggest `aws sso login --profile X`.

use aws_runtime::env_config::file::EnvConfigFiles as ProfileFiles;
use aws_types::os_shim_internal::{Env, Fs};
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// IAM Identity Center (SSO) sign-in: `sso_session` or `sso_start_url`.
    Sso,
    /// Assumes a role from another profile or a web identity.
    AssumeRole,
    /// Static access keys in the credentials file.
    AccessKeys,
    /// `credential_process`.
    Process,
    /// Anything else (a region-only profile, `login`, …).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ProfileInfo {
    pub name: String,
    pub kind: ProfileKind,
    /// The profile's `region`, if it sets one.
    pub region: Option<String>,
    /// For SSO profiles: the account the profile signs in to.
    pub sso_account_id: Option<String>,
    pub sso_role_name: Option<String>,
}

/// Every profile in the AWS config and credentials files, sorted by name.
pub async fn list_profiles() -> Result<Vec<ProfileInfo>> {
    let set = aws_config::profile::load(&Fs::real(), &Env::real(), &ProfileFiles::default(), None)
        .await
        .map_err(|e| {
            Error::new(
                ErrorKind::Validation,
                "Your AWS config or credentials file could not be read. Fix the file (see details) and try again.",
            )
            .with_detail(e.to_string())
        })?;
    let mut out: Vec<ProfileInfo> = set
        .profiles()
        .filter_map(|name| set.get_profile(name))
        .map(|p| {
            let kind = if p.get("sso_session").is_some() || p.get("sso_start_url").is_some() {
                ProfileKind::Sso
            } else if p.get("role_arn").is_some() {
                ProfileKind::AssumeRole
            } else if p.get("aws_access_key_id").is_some() {
                ProfileKind::AccessKeys
            } else if p.get("credential_process").is_some() {
                ProfileKind::Process
            } else {
                ProfileKind::Other
            };
            ProfileInfo {
                name: p.name().to_owned(),
                kind,
                region: p.get("region").map(str::to_owned),
                sso_account_id: p.get("sso_account_id").map(str::to_owned),
                sso_role_name: p.get("sso_role_name").map(str::to_owned),
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Whether `name` is an SSO profile (false if it does not exist or the files can't be read).
pub async fn is_sso_profile(name: &str) -> bool {
    list_profiles()
        .await
        .map(|ps| {
            ps.iter()
                .any(|p| p.name == name && p.kind == ProfileKind::Sso)
        })
        .unwrap_or(false)
}
