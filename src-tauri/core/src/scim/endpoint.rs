//! The SCIM endpoint URL: what IAM Identity Center's looks like, and what else we accept.
//!
//! IAM Identity Center shows one endpoint per instance,
//! `https://scim.<region>.amazonaws.com/<tenant>/scim/v2` (or the dual-stack
//! `https://scim.<region>.api.aws/<tenant>/scim/v2`). Admins paste it by hand, so a typo, a
//! copied console URL or a trailing `/Users` is common and is caught here before any token is
//! sent. Any other https URL (a proxy, a test server) is accepted only after the admin has
//! seen why it looks wrong; plain http only on this machine (loopback), which is how tests
//! reach a local SCIM server. The normalised URL is also the keychain account of the token,
//! so the app and the CLI must agree on it: both call [`check`].

use serde::Serialize;

use super::codes;
use crate::aws::regions::validate_region;
use crate::error::{Error, Result};

/// The shape admins should see in messages.
pub const EXPECTED_SHAPE: &str = "https://scim.<region>.amazonaws.com/<tenant id>/scim/v2";

/// Where the endpoint is shown in the AWS console.
pub const WHERE_TO_COPY_IT: &str =
    "IAM Identity Center → Settings → Identity source → Automatic provisioning";

/// What Gatehouse knows about a SCIM endpoint URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct EndpointInfo {
    /// The normalised URL (no trailing slash), as stored and used as the keychain account.
    pub url: String,
    /// The AWS region in the host name, for an IAM Identity Center endpoint.
    pub region: Option<String>,
    /// The tenant id in the path, for an IAM Identity Center endpoint.
    pub tenant_id: Option<String>,
    /// Whether the URL has the exact shape IAM Identity Center shows.
    pub standard: bool,
    /// Why the URL does not look like IAM Identity Center's, and other things to check
    /// (a region other than the connected instance's, …). Empty when all is well.
    pub warnings: Vec<String>,
}

/// Parses and normalises `raw`. Refuses what can never work (not a URL, plain http to
/// another machine, credentials or a query in the URL); a URL that merely does not look like
/// IAM Identity Center's comes back with `standard: false` and the reasons in `warnings`.
pub fn check(raw: &str) -> Result<EndpointInfo> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Error::validation(format!(
            "Enter the SCIM endpoint. Copy it from {WHERE_TO_COPY_IT}; it looks like {EXPECTED_SHAPE}."
        )));
    }
    let url = url::Url::parse(raw).map_err(|e| {
        Error::validation(format!(
            "\"{raw}\" is not a URL ({e}). Copy the SCIM endpoint from {WHERE_TO_COPY_IT}; it \
             looks like {EXPECTED_SHAPE}."
        ))
    })?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::validation(format!(
                "\"{raw}\" uses plain http: the access token would cross the network unencrypted. \
                 Use the https:// endpoint IAM Identity Center shows ({EXPECTED_SHAPE}); plain \
                 http is only accepted for a server on this machine (127.0.0.1, localhost, ::1)."
            )))
        }
        other => {
            return Err(Error::validation(format!(
                "\"{raw}\" uses the scheme \"{other}\"; the SCIM endpoint is an https:// URL such \
                 as {EXPECTED_SHAPE}."
            )))
        }
    }
    if url.host().is_none() {
        return Err(Error::validation(format!(
            "\"{raw}\" has no host name. The SCIM endpoint looks like {EXPECTED_SHAPE}."
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::validation(
            "The SCIM endpoint must not contain a user name or password; the access token is \
             saved separately (and only in the OS keychain).",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::validation(format!(
            "\"{raw}\" has a ?query or #fragment. The SCIM endpoint is just the base URL, such as \
             {EXPECTED_SHAPE}: check that you copied the SCIM endpoint and not a console link."
        )));
    }

    let mut normalised = url.to_string();
    while normalised.ends_with('/') {
        normalised.pop();
    }

    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();

    let mut warnings = Vec::new();
    let region = aws_region_of_host(&host);
    if url.scheme() != "https" {
        warnings.push(format!(
            "It uses plain http (accepted only because the server is on this machine); IAM \
             Identity Center's endpoint is {EXPECTED_SHAPE}."
        ));
    } else if region.is_none() {
        warnings.push(format!(
            "The host \"{host}\" is not IAM Identity Center's SCIM host (scim.<region>.amazonaws.com \
             or scim.<region>.api.aws)."
        ));
    }
    if url.port().is_some() && url.scheme() == "https" {
        warnings.push("It names a port; IAM Identity Center's endpoint has none.".to_owned());
    }
    let tenant = match segments.as_slice() {
        [tenant, "scim", "v2"] if is_tenant_id(tenant) => Some((*tenant).to_owned()),
        [.., "scim", "v2", last] => {
            warnings.push(format!(
                "The path ends in \"/{last}\"; the endpoint ends in /scim/v2 (Gatehouse and Entra \
                 add /Users and /Groups themselves)."
            ));
            None
        }
        _ => {
            warnings.push(
                "The path is not /<tenant id>/scim/v2 as IAM Identity Center shows it.".to_owned(),
            );
            None
        }
    };
    let standard = warnings.is_empty() && region.is_some() && tenant.is_some();
    Ok(EndpointInfo {
        url: normalised,
        region: if standard { region } else { None },
        tenant_id: if standard { tenant } else { None },
        standard,
        warnings,
    })
}

/// Checks `raw` for saving: an endpoint that does not look like IAM Identity Center's is
/// refused (kind `Validation`, detail [`codes::NONSTANDARD_ENDPOINT`]) with the reasons,
/// unless the admin has seen them and passes `accept_nonstandard`.
pub fn check_for_saving(raw: &str, accept_nonstandard: bool) -> Result<EndpointInfo> {
    let info = check(raw)?;
    if info.standard || accept_nonstandard {
        return Ok(info);
    }
    Err(Error::validation(nonstandard_message(&info)).with_detail(codes::NONSTANDARD_ENDPOINT))
}

/// The warning shown before a non-standard endpoint is used.
pub fn nonstandard_message(info: &EndpointInfo) -> String {
    format!(
        "\"{}\" does not look like an IAM Identity Center SCIM endpoint: {} Copy the endpoint from \
         {WHERE_TO_COPY_IT}; it looks like {EXPECTED_SHAPE}. If this URL is right (a proxy or a \
         test server), confirm that you want to use it.",
        info.url,
        info.warnings.join(" ")
    )
}

/// `scim.<region>.amazonaws.com` or `scim.<region>.api.aws` → the region.
fn aws_region_of_host(host: &str) -> Option<String> {
    let rest = host.strip_prefix("scim.")?;
    let region = rest
        .strip_suffix(".amazonaws.com")
        .or_else(|| rest.strip_suffix(".api.aws"))?;
    validate_region(region).ok()?;
    Some(region.to_owned())
}

fn is_tenant_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// True for a URL on this machine (tests and local servers).
pub fn is_loopback(url: &str) -> bool {
    match url::Url::parse(url).ok().as_ref().and_then(|u| u.host()) {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn identity_center_endpoints_are_standard_and_normalised() {
        let i = check(" https://scim.eu-west-1.amazonaws.com/AbC123-x_9/scim/v2/ ").unwrap();
        assert!(i.standard, "{i:?}");
        assert_eq!(
            i.url,
            "https://scim.eu-west-1.amazonaws.com/AbC123-x_9/scim/v2"
        );
        assert_eq!(i.region.as_deref(), Some("eu-west-1"));
        assert_eq!(i.tenant_id.as_deref(), Some("AbC123-x_9"));
        assert!(i.warnings.is_empty());

        let i = check("https://SCIM.us-gov-west-1.api.aws/t1/scim/v2").unwrap();
        assert!(i.standard, "{i:?}");
        assert_eq!(i.url, "https://scim.us-gov-west-1.api.aws/t1/scim/v2");
        assert_eq!(i.region.as_deref(), Some("us-gov-west-1"));
        check_for_saving("https://scim.ap-southeast-2.amazonaws.com/x/scim/v2", false).unwrap();
    }

    #[test]
    fn other_urls_need_the_admins_word() {
        for (url, why) in [
            (
                "https://scim.example.com/t/scim/v2",
                "not IAM Identity Center's SCIM host",
            ),
            (
                "https://scim.eu-west-1.amazonaws.com/t/scim/v2/Users",
                "ends in \"/Users\"",
            ),
            (
                "https://scim.eu-west-1.amazonaws.com/t/scim",
                "/<tenant id>/scim/v2",
            ),
            (
                "https://scim.eu-west-1.amazonaws.com:8443/t/scim/v2",
                "port",
            ),
            (
                "https://scim.notaregion.amazonaws.com/t/scim/v2",
                "not IAM Identity Center's",
            ),
            ("http://127.0.0.1:9999/tenant/v2", "plain http"),
            ("http://localhost:9999/t/scim/v2", "plain http"),
            ("http://[::1]:9999/t/scim/v2", "plain http"),
        ] {
            let i = check(url).unwrap();
            assert!(!i.standard, "{url}");
            assert!(i.region.is_none() && i.tenant_id.is_none(), "{url}");
            assert!(
                i.warnings.join(" ").contains(why),
                "{url}: {:?}",
                i.warnings
            );
            let err = check_for_saving(url, false).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Validation, "{url}");
            assert_eq!(err.detail.as_deref(), Some(codes::NONSTANDARD_ENDPOINT));
            assert!(
                err.message.contains("confirm that you want to use it"),
                "{}",
                err.message
            );
            assert!(err.message.contains(why), "{url}: {}", err.message);
            let ok = check_for_saving(url, true).unwrap();
            assert!(!ok.standard);
        }
    }

    #[test]
    fn what_can_never_work_is_refused_even_when_accepted() {
        for (url, why) in [
            ("", "Enter the SCIM endpoint"),
            ("scim.eu-west-1.amazonaws.com/t/scim/v2", "is not a URL"),
            (
                "http://scim.eu-west-1.amazonaws.com/t/scim/v2",
                "plain http",
            ),
            ("http://10.0.0.5/t/scim/v2", "plain http"),
            (
                "ftp://scim.eu-west-1.amazonaws.com/t/scim/v2",
                "scheme \"ftp\"",
            ),
            (
                "https://user:pw@scim.eu-west-1.amazonaws.com/t/scim/v2",
                "user name or password",
            ),
            (
                "https://scim.eu-west-1.amazonaws.com/t/scim/v2?x=1",
                "?query",
            ),
            (
                "https://eu-west-1.console.aws.amazon.com/singlesignon/home?region=eu-west-1#/",
                "?query",
            ),
        ] {
            let err = check_for_saving(url, true).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Validation, "{url}");
            assert!(err.message.contains(why), "{url}: {}", err.message);
            assert!(err.detail.is_none(), "{url}: not an overridable warning");
        }
    }

    #[test]
    fn loopback() {
        assert!(is_loopback("http://127.0.0.1:1/x"));
        assert!(is_loopback("http://localhost/x"));
        assert!(!is_loopback("https://scim.eu-west-1.amazonaws.com/x"));
    }
}
