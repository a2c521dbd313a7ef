//! `gatehouse whoami`: the connected account, caller and Identity Center instance.

use std::io::Write;

use serde::Serialize;

use crate::{report, session, AwsArgs};

/// The JSON printed by `whoami --json` (a stable contract for scripts).
#[derive(Serialize)]
struct WhoamiJson<'a> {
    account: &'a str,
    arn: &'a str,
    is_management_account: bool,
    role: gatehouse_core::aws::AccountRole,
    instance_arn: Option<&'a str>,
    identity_store_id: Option<&'a str>,
    region: &'a str,
}

pub async fn run(args: &AwsArgs, json: bool) -> i32 {
    let identity = match async { session(args).await?.whoami().await }.await {
        Ok(i) => i,
        Err(e) => return report(&e, json),
    };
    let mut out = std::io::stdout();
    if json {
        let v = WhoamiJson {
            account: &identity.account_id,
            arn: &identity.caller_arn,
            is_management_account: identity.is_management_account(),
            role: identity.role,
            instance_arn: identity.instance.as_ref().map(|i| i.instance_arn.as_str()),
            identity_store_id: identity
                .instance
                .as_ref()
                .map(|i| i.identity_store_id.as_str()),
            region: &identity.region,
        };
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
    } else {
        let _ = writeln!(out, "Account   {}", identity.account_id);
        let _ = writeln!(out, "Caller    {}", identity.caller_arn);
        let _ = writeln!(out, "Region    {}", identity.region);
        let _ = writeln!(out, "Role      {}", identity.role_note);
        match &identity.instance {
            Some(i) => {
                let _ = writeln!(out, "Instance  {}", i.instance_arn);
                let _ = writeln!(out, "Store     {}", i.identity_store_id);
            }
            None => {
                let _ = writeln!(
                    out,
                    "Instance  none in {} (the app can search every region for it)",
                    identity.region
                );
            }
        }
    }
    if identity.instance.is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "warning: no IAM Identity Center instance in {}",
            identity.region
        );
    }
    0
}
