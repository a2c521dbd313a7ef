//! Decides which of the documents an admin is likely to hold this is (Entra federation
//! metadata, Identity Center SP metadata, an Identity Center *application*'s IdP metadata,
//! or some other IdP/SP), and what to tell them when it is in the wrong import slot.
//!
//! Classification uses the descriptor elements present plus the entityID's shape; the
//! identifiers it pulls out (tenant id, region, directory id) come from the same parse.

use super::xml::{Element, NS_MD};
use super::{codes, DocumentKind, Finding, Severity, Slot};

/// What the entityID and descriptors say about the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Classified {
    pub kind: DocumentKind,
    pub tenant_id: Option<String>,
    pub region: Option<String>,
    pub directory_id: Option<String>,
}

/// Where to get each file, for messages.
pub(crate) const HOW_TO_GET_ENTRA: &str = "In Microsoft Entra ID open Enterprise applications > your AWS IAM Identity Center app > Single sign-on > SAML Certificates and download \"Federation Metadata XML\".";
pub(crate) const HOW_TO_GET_AWS_SP: &str = "In the IAM Identity Center console open Settings > Identity source > Actions > Change identity source > External identity provider, and under \"Service provider metadata\" choose \"Download metadata file\".";

/// Host (lower-cased) and the rest (path, query) of an `https://` or `http://` URL.
fn split_url(url: &str) -> Option<(String, &str)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let cut = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, path) = rest.split_at(cut);
    if host.is_empty() {
        return None;
    }
    Some((host.to_ascii_lowercase(), path))
}

fn host_of(url: &str) -> Option<String> {
    split_url(url).map(|(h, _)| h)
}

/// An AWS Region code such as `us-east-1`, `ap-southeast-2`, `us-gov-west-1`.
pub(crate) fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() < 3 {
        return false;
    }
    let first_ok = parts[0].len() == 2 && parts[0].bytes().all(|b| b.is_ascii_lowercase());
    let last = parts[parts.len() - 1];
    let last_ok = !last.is_empty() && last.len() <= 2 && last.bytes().all(|b| b.is_ascii_digit());
    let middle_ok = parts[1..parts.len() - 1]
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()));
    first_ok && middle_ok && last_ok
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// 8-4-4-4-12 hex digits.
pub(crate) fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| is_hex(p, n))
}

/// An identity store / directory id as AWS writes it: `d-` + 10 lower-case hex digits
/// (or, for some instances, a lower-case UUID).
pub(crate) fn is_directory_id(s: &str) -> bool {
    let lower = |x: &str| !x.bytes().any(|b| b.is_ascii_uppercase());
    match s.strip_prefix("d-") {
        Some(hex) => is_hex(hex, 10) && lower(hex),
        None => is_guid(s) && lower(s),
    }
}

/// `https://sts.windows.net/<tenant>/` -> tenant id.
fn entra_tenant(entity_id: &str) -> Option<String> {
    let (host, path) = split_url(entity_id)?;
    if host != "sts.windows.net" || !entity_id.starts_with("https://") {
        return None;
    }
    let tenant = path.strip_prefix('/')?;
    let tenant = tenant.strip_suffix('/').unwrap_or(tenant);
    is_guid(tenant).then(|| tenant.to_string())
}

/// `https://<region>.signin.aws.amazon.com/platform/saml/<directory-id>` -> (region, id).
pub(crate) fn aws_sp_issuer(entity_id: &str) -> Option<(String, String)> {
    if !entity_id.starts_with("https://") {
        return None;
    }
    let (host, path) = split_url(entity_id)?;
    let region = host.strip_suffix(".signin.aws.amazon.com")?;
    let dir = path.strip_prefix("/platform/saml/")?;
    let dir = dir.strip_suffix('/').unwrap_or(dir);
    (is_region(region) && is_directory_id(dir)).then(|| (region.to_string(), dir.to_string()))
}

/// `https://portal.sso.<region>.amazonaws.com/saml/assertion/<id>` -> region.
fn aws_app_idp_region(entity_id: &str) -> Option<String> {
    let (host, path) = split_url(entity_id)?;
    let region = host
        .strip_prefix("portal.sso.")?
        .strip_suffix(".amazonaws.com")?;
    let id = path.strip_prefix("/saml/assertion/")?;
    (is_region(region) && !id.is_empty()).then(|| region.to_string())
}

/// Classifies a document whose root is a SAML `EntityDescriptor`. `None` when it has
/// neither an IdP nor an SP descriptor (nothing Gatehouse can use).
pub(crate) fn classify(root: &Element, entity_id: &str) -> Option<Classified> {
    let has_idp = root.child(NS_MD, "IDPSSODescriptor").is_some();
    let has_sp = root.child(NS_MD, "SPSSODescriptor").is_some();
    let mut c = Classified {
        kind: DocumentKind::GenericIdp,
        tenant_id: None,
        region: None,
        directory_id: None,
    };
    if has_idp {
        if let Some(tenant) = entra_tenant(entity_id) {
            c.kind = DocumentKind::EntraIdp;
            c.tenant_id = Some(tenant);
        } else if let Some(region) = aws_app_idp_region(entity_id) {
            c.kind = DocumentKind::AwsAppIdp;
            c.region = Some(region);
        }
        Some(c)
    } else if has_sp {
        if let Some((region, dir)) = aws_sp_issuer(entity_id) {
            c.kind = DocumentKind::AwsSp;
            c.region = Some(region);
            c.directory_id = Some(dir);
        } else {
            c.kind = DocumentKind::GenericSp;
        }
        Some(c)
    } else {
        None
    }
}

/// At most `n` characters of text taken from the document, for messages.
pub(crate) fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n).collect();
        out.push('…');
        out
    }
}

/// A human name for a third-party IdP, from its entityID host.
fn idp_vendor(entity_id: &str) -> String {
    match host_of(entity_id) {
        Some(h) if h == "okta.com" || h.ends_with(".okta.com") => "Okta".into(),
        Some(h) if h == "accounts.google.com" => "Google Workspace".into(),
        Some(h) => format!("another identity provider ({})", clip(&h, 80)),
        None => format!(
            "another identity provider (entity ID {})",
            clip(entity_id, 120)
        ),
    }
}

fn is_aws_iam_sp(entity_id: &str) -> bool {
    entity_id == "urn:amazon:webservices"
        || host_of(entity_id).is_some_and(|h| h == "signin.aws.amazon.com")
}

fn generic_sp_description(entity_id: &str) -> String {
    if is_aws_iam_sp(entity_id) {
        "This is the SP metadata of AWS IAM (account-level SAML federation, saml-metadata.xml), not of AWS IAM Identity Center".to_string()
    } else {
        format!(
            "This is SAML service-provider (SP) metadata, but not AWS IAM Identity Center's: its entity ID is {} while Identity Center's looks like https://<region>.signin.aws.amazon.com/platform/saml/d-xxxxxxxxxx",
            clip(entity_id, 160)
        )
    }
}

fn error(code: &str, message: String) -> Finding {
    Finding {
        severity: Severity::Error,
        code: code.to_string(),
        message,
    }
}

/// Findings about the document being in the right slot (or not).
pub(crate) fn slot_findings(
    kind: DocumentKind,
    slot: Option<Slot>,
    entity_id: &str,
) -> Vec<Finding> {
    let wrong = |message: String| vec![error(codes::WRONG_DOCUMENT_KIND, message)];
    match (slot, kind) {
        (None, _) | (Some(Slot::Idp), DocumentKind::EntraIdp) | (Some(Slot::Sp), DocumentKind::AwsSp) => {
            Vec::new()
        }
        (Some(Slot::Idp), DocumentKind::GenericIdp) => vec![Finding {
            severity: Severity::Warning,
            code: codes::UNSUPPORTED_IDP.to_string(),
            message: format!(
                "This is identity-provider metadata from {}, not from Microsoft Entra ID. Gatehouse can read it, but it guides only the Microsoft Entra ID setup: the claims, provisioning and Entra steps that follow will not apply. To use this identity provider, follow its own instructions for AWS IAM Identity Center.",
                idp_vendor(entity_id)
            ),
        }],
        (Some(Slot::Idp), DocumentKind::AwsSp) => wrong(format!(
            "This is the AWS IAM Identity Center SP metadata (the file you download from AWS). Import it in step 2b, not here. This step needs the Microsoft Entra ID Federation Metadata XML. {HOW_TO_GET_ENTRA}"
        )),
        (Some(Slot::Idp), DocumentKind::GenericSp) => wrong(format!(
            "{}. This step needs identity-provider metadata: the Microsoft Entra ID Federation Metadata XML. {HOW_TO_GET_ENTRA}",
            generic_sp_description(entity_id)
        )),
        (Some(Slot::Idp), DocumentKind::AwsAppIdp) => wrong(format!(
            "This is the IdP metadata of an IAM Identity Center application (Identity Center signing users in to a SAML app), not Microsoft Entra ID's metadata. With Entra ID as the identity source, this step needs the Entra ID Federation Metadata XML. {HOW_TO_GET_ENTRA}"
        )),
        (Some(Slot::Sp), DocumentKind::EntraIdp) => wrong(format!(
            "This is the Microsoft Entra ID Federation Metadata XML (the identity-provider side). Import it in step 2a (Entra ID metadata), not here. This step needs the AWS IAM Identity Center SP metadata. {HOW_TO_GET_AWS_SP}"
        )),
        (Some(Slot::Sp), DocumentKind::AwsAppIdp) => wrong(format!(
            "This is the IdP metadata of an IAM Identity Center customer-managed SAML application (its entity ID is on portal.sso.<region>.amazonaws.com/saml/assertion/), not the identity-source SP metadata. That file comes from Applications > your app and describes Identity Center signing users in to that app; it is not used to connect Entra ID. {HOW_TO_GET_AWS_SP}"
        )),
        (Some(Slot::Sp), DocumentKind::GenericIdp) => wrong(format!(
            "This is identity-provider metadata from {}, not the AWS IAM Identity Center SP metadata. {HOW_TO_GET_AWS_SP}",
            idp_vendor(entity_id)
        )),
        (Some(Slot::Sp), DocumentKind::GenericSp) => wrong(format!(
            "{}. {HOW_TO_GET_AWS_SP}",
            generic_sp_description(entity_id)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-west-1",
            "ap-southeast-2",
            "us-gov-west-1",
            "il-central-1",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "",
            "us",
            "us-east",
            "US-EAST-1",
            "us-east-x",
            "use-east-1",
            "us--1",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    #[test]
    fn directory_ids() {
        assert!(is_directory_id("d-90e231a71c"));
        assert!(!is_directory_id("d-90E231A71C"));
        assert!(!is_directory_id("d-90e231a71"));
        assert!(is_directory_id("aeaf2303-2d0e-4c32-87ed-2deb6f87cdb4"));
    }

    #[test]
    fn issuers() {
        assert_eq!(
            aws_sp_issuer("https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93009a28c7"),
            Some(("eu-west-1".into(), "d-93009a28c7".into()))
        );
        assert_eq!(
            aws_sp_issuer("https://signin.aws.amazon.com/platform/saml/d-93009a28c7"),
            None
        );
        assert_eq!(
            aws_sp_issuer(
                "https://eu-west-1.signin.aws.amazon.com.evil.example/platform/saml/d-93009a28c7"
            ),
            None
        );
        assert_eq!(
            entra_tenant("https://sts.windows.net/01f97a5a-d031-4bbc-a82d-33571ae4c1b1/"),
            Some("01f97a5a-d031-4bbc-a82d-33571ae4c1b1".into())
        );
        assert_eq!(
            entra_tenant("https://sts.windows.net.example/01f97a5a-d031-4bbc-a82d-33571ae4c1b1/"),
            None
        );
        assert_eq!(
            aws_app_idp_region("https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MzE4"),
            Some("us-east-1".into())
        );
    }
}
