//! SAML metadata import: reads the Microsoft Entra ID federation metadata and the AWS IAM
//! Identity Center SP metadata an admin hands to Gatehouse, and says what is in them.
//!
//! The two sides of the Entra ID <-> IAM Identity Center trust are configured by swapping
//! these files, and most failed setups come from the wrong file, a damaged file or a
//! certificate about to expire. This module turns a file into plain facts (tenant id,
//! entity id, sign-in URL, ACS URLs, region, directory id, every signing certificate and
//! which one is active) plus findings written for the admin, without ever trusting the
//! input: the size is capped before parsing, DTDs are refused, and nothing here reads the
//! wall clock (expiry is judged against the `now` the caller passes).
//!
//! Fatal reading problems come back as [`MetadataError`]; problems in a readable document
//! come back as [`Finding`]s on the [`MetadataFacts`], so the admin still sees what was
//! parsed.

mod cert;
mod kinds;
mod portal;
mod xml;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use portal::{default_portal_url, validate_portal_url};

use xml::{Element, NS_DS, NS_MD};

/// Files larger than this are refused by length, before any parsing. Real metadata files
/// are 1-20 KB.
pub const MAX_METADATA_BYTES: usize = 1024 * 1024;

/// A certificate that expires within this many days gets a `certificate-expiring-soon`
/// warning.
pub const EXPIRY_WARNING_DAYS: i32 = 60;

pub mod codes {
    //! The `code` strings of [`MetadataError`](super::MetadataError) and
    //! [`Finding`](super::Finding), in one place so the UI and tests match on constants.

    /// Not text that could be XML (a certificate, a binary file, JSON, ...).
    pub const NOT_XML: &str = "not-xml";
    /// Zero bytes, or only whitespace / a BOM.
    pub const EMPTY: &str = "empty";
    /// Not well-formed XML (truncated, mismatched tags, bad encoding, ...).
    pub const MALFORMED_XML: &str = "malformed-xml";
    /// Has a DOCTYPE / ENTITY declaration; refused without processing.
    pub const UNSAFE_XML: &str = "unsafe-xml";
    /// The root element is not SAML `md:EntityDescriptor` (e.g. an HTML page).
    pub const WRONG_ROOT: &str = "wrong-root";
    /// The document is not the one the slot expects (or not one Gatehouse can use).
    pub const WRONG_DOCUMENT_KIND: &str = "wrong-document-kind";
    /// An IdP document without any signing certificate.
    pub const MISSING_SIGNING_CERTIFICATE: &str = "missing-signing-certificate";
    /// A certificate value that is not base64 or not an X.509 certificate.
    pub const INVALID_CERTIFICATE: &str = "invalid-certificate";
    /// The active signing certificate has expired (error); an inactive one (warning).
    pub const CERTIFICATE_EXPIRED: &str = "certificate-expired";
    /// The file is over [`MAX_METADATA_BYTES`](super::MAX_METADATA_BYTES).
    pub const TOO_LARGE: &str = "too-large";
    /// The active signing certificate expires within
    /// [`EXPIRY_WARNING_DAYS`](super::EXPIRY_WARNING_DAYS).
    pub const CERTIFICATE_EXPIRING_SOON: &str = "certificate-expiring-soon";
    /// The active signing certificate's validity starts in the future.
    pub const CERTIFICATE_NOT_YET_VALID: &str = "certificate-not-yet-valid";
    /// Several signing certificates, unsigned document: which one is in use is unknown.
    pub const ACTIVE_CERTIFICATE_UNKNOWN: &str = "active-certificate-unknown";
    /// An IdP other than Microsoft Entra ID in the IdP slot.
    pub const UNSUPPORTED_IDP: &str = "unsupported-idp";
    /// The root has no `entityID`.
    pub const MISSING_ENTITY_ID: &str = "missing-entity-id";
    /// An IdP document without an HTTP-POST `SingleSignOnService`.
    pub const MISSING_SSO_URL: &str = "missing-sso-url";
    /// AWS SP metadata without an `AssertionConsumerService`.
    pub const MISSING_ACS_URL: &str = "missing-acs-url";
    /// The document's own `validUntil` has passed.
    pub const METADATA_EXPIRED: &str = "metadata-expired";
    /// SP metadata from a different Region than the connected Identity Center.
    pub const REGION_MISMATCH: &str = "region-mismatch";
    /// SP metadata from a different directory than the connected Identity Center.
    pub const DIRECTORY_MISMATCH: &str = "directory-mismatch";
}

const BINDING_HTTP_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// Which import slot the admin put the file in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum Slot {
    /// Expects the Microsoft Entra ID Federation Metadata XML.
    Idp,
    /// Expects the AWS IAM Identity Center SP metadata.
    Sp,
}

/// What the document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// Entra ID app federation metadata (entityID `https://sts.windows.net/<tenant>/`).
    EntraIdp,
    /// IAM Identity Center SP metadata (entityID on `<region>.signin.aws.amazon.com`).
    AwsSp,
    /// IdP metadata of an IAM Identity Center customer-managed SAML *application*
    /// (`portal.sso.<region>.amazonaws.com/saml/assertion/...`).
    AwsAppIdp,
    /// Any other IdP (Okta, Google Workspace, ...).
    GenericIdp,
    /// Any other SP, including AWS IAM's account-level `saml-metadata.xml`.
    GenericSp,
}

/// How serious a finding is: errors block the import, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One signing certificate found in the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct CertificateFacts {
    /// RFC 2253 style, e.g. `CN=Microsoft Azure Federated SSO Certificate`.
    pub subject: String,
    /// SHA-1 thumbprint as the Entra portal shows it: upper-case hex, no colons.
    pub sha1: String,
    /// SHA-256 fingerprint as openssl shows it: upper-case hex with colons.
    pub sha256: String,
    /// RFC 3339 UTC, e.g. `2025-01-01T09:14:27Z`.
    pub not_before: String,
    /// RFC 3339 UTC, e.g. `2028-01-01T09:14:27Z`.
    pub not_after: String,
    /// Whole days from `now` to `not_after`, rounded down; negative once expired.
    pub days_left: i32,
    /// The certificate that signed the document (or the only one, if unsigned).
    pub active: bool,
}

/// A problem or notice about a readable document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct Finding {
    pub severity: Severity,
    /// Kebab-case code, one of [`codes`].
    pub code: String,
    /// What is wrong and what to do, for the admin.
    pub message: String,
}

/// Everything Gatehouse read from a metadata document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct MetadataFacts {
    pub kind: DocumentKind,
    pub entity_id: String,
    /// Entra tenant id (only for [`DocumentKind::EntraIdp`]).
    pub tenant_id: Option<String>,
    /// The IdP's HTTP-POST `SingleSignOnService` location.
    pub sso_url: Option<String>,
    /// AWS Region (for [`DocumentKind::AwsSp`] and [`DocumentKind::AwsAppIdp`]).
    pub region: Option<String>,
    /// IAM Identity Center directory / identity store id (for [`DocumentKind::AwsSp`]).
    pub directory_id: Option<String>,
    /// Every ACS location, the default one first.
    pub acs_urls: Vec<String>,
    pub default_acs_url: Option<String>,
    pub certificates: Vec<CertificateFacts>,
    pub findings: Vec<Finding>,
}

impl MetadataFacts {
    /// True when any finding is an error (the import should be blocked).
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// A file that could not be read as SAML metadata at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[error("{message}")]
pub struct MetadataError {
    /// Kebab-case code, one of [`codes`].
    pub code: String,
    /// What is wrong and what to do, for the admin.
    pub message: String,
}

fn finding(severity: Severity, code: &str, message: String) -> Finding {
    Finding {
        severity,
        code: code.to_string(),
        message,
    }
}

/// Reads a metadata file. `slot` is where the admin imported it (or `None` to just
/// inspect); `now` is the moment expiry is judged against.
pub fn inspect(
    bytes: &[u8],
    slot: Option<Slot>,
    now: OffsetDateTime,
) -> Result<MetadataFacts, MetadataError> {
    if bytes.len() > MAX_METADATA_BYTES {
        return Err(too_large(bytes.len()));
    }
    let root = xml::parse(bytes)?;
    let entity_id = root
        .attr("entityID")
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    let Some(class) = kinds::classify(&root, &entity_id) else {
        return Err(MetadataError {
            code: codes::WRONG_DOCUMENT_KIND.to_string(),
            message: format!(
                "This SAML metadata describes neither an identity provider nor a service provider (it has no IDPSSODescriptor or SPSSODescriptor), so Gatehouse cannot use it. {} {}",
                kinds::HOW_TO_GET_ENTRA,
                kinds::HOW_TO_GET_AWS_SP
            ),
        });
    };
    let kind = class.kind;
    let is_idp = matches!(
        kind,
        DocumentKind::EntraIdp | DocumentKind::AwsAppIdp | DocumentKind::GenericIdp
    );

    let mut findings = Vec::new();
    if entity_id.is_empty() {
        findings.push(finding(
            Severity::Error,
            codes::MISSING_ENTITY_ID,
            "The metadata has no entity ID (the entityID attribute of EntityDescriptor is missing or empty), so the trust cannot be configured from it. Download the metadata again and import the file unchanged.".to_string(),
        ));
    }
    findings.extend(kinds::slot_findings(kind, slot, &entity_id));

    let sso_url = if is_idp {
        idp_sso_post_url(&root)
    } else {
        None
    };
    if is_idp && sso_url.is_none() {
        findings.push(finding(
            Severity::Warning,
            codes::MISSING_SSO_URL,
            "The metadata has no sign-in URL for the HTTP-POST binding (SingleSignOnService), which IAM Identity Center uses to send users to the identity provider. Check that this is the complete federation metadata of the app.".to_string(),
        ));
    }

    let (acs_urls, default_acs_url) = acs_urls(&root);
    if kind == DocumentKind::AwsSp && acs_urls.is_empty() {
        findings.push(finding(
            Severity::Error,
            codes::MISSING_ACS_URL,
            format!("The SP metadata has no AssertionConsumerService (the Reply URL Entra ID must post to). Download it again. {}", kinds::HOW_TO_GET_AWS_SP),
        ));
    }

    let (certificates, cert_findings) = certificates(&root, kind, is_idp, now);
    findings.extend(cert_findings);

    if let Some(f) = valid_until_finding(&root, now) {
        findings.push(f);
    }

    Ok(MetadataFacts {
        kind,
        entity_id,
        tenant_id: class.tenant_id,
        sso_url,
        region: class.region,
        directory_id: class.directory_id,
        acs_urls,
        default_acs_url,
        certificates,
        findings,
    })
}

fn too_large(len: usize) -> MetadataError {
    // Display only; precision loss on absurd sizes is irrelevant.
    #[allow(clippy::cast_precision_loss)]
    let mib = len as f64 / (1024.0 * 1024.0);
    MetadataError {
        code: codes::TOO_LARGE.to_string(),
        message: format!(
            "The file is {mib:.1} MiB. SAML metadata is normally 2-20 KB, and Gatehouse refuses files over 1 MiB without reading them. Check that you picked the right file: the Federation Metadata XML from Microsoft Entra ID, or the SP metadata file from IAM Identity Center."
        ),
    }
}

fn idp_sso_post_url(root: &Element) -> Option<String> {
    root.children_named(NS_MD, "IDPSSODescriptor")
        .flat_map(|d| d.children_named(NS_MD, "SingleSignOnService"))
        .filter(|s| s.attr("Binding").map(str::trim) == Some(BINDING_HTTP_POST))
        .filter_map(|s| s.attr("Location").map(str::trim))
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

/// All ACS locations of the first SPSSODescriptor, the default first (`isDefault="true"`,
/// else the lowest `index`, else the first listed), the rest by index then document order.
fn acs_urls(root: &Element) -> (Vec<String>, Option<String>) {
    let Some(sp) = root.child(NS_MD, "SPSSODescriptor") else {
        return (Vec::new(), None);
    };
    struct Acs {
        location: String,
        index: Option<u32>,
        is_default: bool,
    }
    let mut all: Vec<Acs> = Vec::new();
    for el in sp.children_named(NS_MD, "AssertionConsumerService") {
        let Some(location) = el.attr("Location").map(str::trim).filter(|l| !l.is_empty()) else {
            continue;
        };
        if all.iter().any(|a| a.location == location) {
            continue;
        }
        all.push(Acs {
            location: location.to_string(),
            index: el.attr("index").and_then(|i| i.trim().parse().ok()),
            is_default: matches!(el.attr("isDefault").map(str::trim), Some("true" | "1")),
        });
    }
    let default_pos = all
        .iter()
        .position(|a| a.is_default)
        .or_else(|| {
            all.iter()
                .enumerate()
                .filter_map(|(i, a)| a.index.map(|idx| (idx, i)))
                .min()
                .map(|(_, i)| i)
        })
        .or(if all.is_empty() { None } else { Some(0) });
    let default = default_pos.map(|p| all.remove(p));
    // Stable: equal indexes keep document order.
    all.sort_by_key(|a| a.index.unwrap_or(u32::MAX));
    let default_url = default.as_ref().map(|d| d.location.clone());
    let urls = default.into_iter().chain(all).map(|a| a.location).collect();
    (urls, default_url)
}

/// A certificate value and where it sits, for messages.
struct CertSite<'a> {
    text: &'a str,
    place: String,
}

/// Certificates published in `KeyDescriptor`s for signing (or with no `use`) of every
/// role descriptor directly under the root.
fn key_descriptor_certs(root: &Element) -> Vec<CertSite<'_>> {
    let mut out = Vec::new();
    for desc in root
        .children
        .iter()
        .filter(|c| c.ns.as_deref() == Some(NS_MD) && c.local.ends_with("Descriptor"))
    {
        for kd in desc.children_named(NS_MD, "KeyDescriptor") {
            if kd.attr("use").is_some_and(|u| u.trim() != "signing") {
                continue;
            }
            for text in x509_certificates(kd) {
                out.push(CertSite {
                    text,
                    place: format!("in the {} section", desc.local),
                });
            }
        }
    }
    out
}

/// `ds:KeyInfo/ds:X509Data/ds:X509Certificate` texts under `parent`.
fn x509_certificates(parent: &Element) -> impl Iterator<Item = &str> {
    parent
        .children_named(NS_DS, "KeyInfo")
        .flat_map(|ki| ki.children_named(NS_DS, "X509Data"))
        .flat_map(|xd| xd.children_named(NS_DS, "X509Certificate"))
        .map(|c| c.text.as_str())
}

/// The certificate in the enveloped signature (`ds:Signature` directly under the root).
fn signature_cert(root: &Element) -> Option<&str> {
    root.child(NS_DS, "Signature")
        .and_then(|sig| x509_certificates(sig).next())
}

fn invalid_cert_finding(place: &str, problem: cert::CertProblem) -> Finding {
    let why = match problem {
        cert::CertProblem::Empty => "the X509Certificate element is empty",
        cert::CertProblem::NotBase64 => "its text is not valid base64, so it was damaged or edited",
        cert::CertProblem::NotDer => "it decodes, but the content is not an X.509 certificate",
    };
    finding(
        Severity::Error,
        codes::INVALID_CERTIFICATE,
        format!("A signing certificate in the metadata ({place}) cannot be read: {why}. Download the metadata again from its source and import the file unchanged."),
    )
}

fn renew_advice(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::EntraIdp => "In Microsoft Entra ID open Enterprise applications > your AWS IAM Identity Center app > Single sign-on > SAML Certificates, create a new certificate and make it active, then download the Federation Metadata XML again and import it here (IAM Identity Center needs the new certificate too).",
        _ => "Renew the signing certificate at the identity provider, then download its metadata again and import it here.",
    }
}

fn certificates(
    root: &Element,
    kind: DocumentKind,
    is_idp: bool,
    now: OffsetDateTime,
) -> (Vec<CertificateFacts>, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut parsed: Vec<cert::ParsedCert> = Vec::new();
    let mut bad_seen: Vec<String> = Vec::new();

    let mut take = |text: &str, place: &str, parsed: &mut Vec<cert::ParsedCert>| {
        let norm = cert::normalize_b64(text);
        match cert::parse_b64(&norm) {
            Ok(p) => {
                let sha1 = p.sha1.clone();
                if !parsed.iter().any(|q| q.sha1 == p.sha1) {
                    parsed.push(p);
                }
                Some(sha1)
            }
            Err(problem) => {
                if !bad_seen.contains(&norm) {
                    bad_seen.push(norm);
                    findings.push(invalid_cert_finding(place, problem));
                }
                None
            }
        }
    };

    for site in key_descriptor_certs(root) {
        take(site.text, &site.place, &mut parsed);
    }
    let signed_by = signature_cert(root)
        .and_then(|text| take(text, "in the document's signature", &mut parsed));
    let any_invalid = !bad_seen.is_empty();

    let active_sha1 = signed_by.or_else(|| match parsed.as_slice() {
        [only] => Some(only.sha1.clone()),
        _ => None,
    });

    let facts: Vec<CertificateFacts> = parsed
        .iter()
        .map(|p| CertificateFacts {
            subject: p.subject.clone(),
            sha1: p.sha1.clone(),
            sha256: p.sha256.clone(),
            not_before: cert::rfc3339(p.not_before),
            not_after: cert::rfc3339(p.not_after),
            days_left: cert::days_left(p.not_after, now),
            active: active_sha1.as_deref() == Some(p.sha1.as_str()),
        })
        .collect();

    if !is_idp {
        return (facts, findings);
    }
    if parsed.is_empty() {
        if !any_invalid {
            findings.push(finding(
                Severity::Error,
                codes::MISSING_SIGNING_CERTIFICATE,
                format!(
                    "The metadata contains no signing certificate (no KeyDescriptor with an X509Certificate), so IAM Identity Center could not verify the identity provider's SAML responses. {}",
                    match kind {
                        DocumentKind::EntraIdp => "In Microsoft Entra ID make sure the app has an active SAML signing certificate (Enterprise applications > your app > Single sign-on > SAML Certificates), then download the Federation Metadata XML again.",
                        _ => "Download the complete metadata from the identity provider again.",
                    }
                ),
            ));
        }
        return (facts, findings);
    }

    let soon = now + time::Duration::days(i64::from(EXPIRY_WARNING_DAYS));
    let advice = renew_advice(kind);
    let active = parsed
        .iter()
        .find(|p| active_sha1.as_deref() == Some(p.sha1.as_str()));
    let expired_inactive = |p: &cert::ParsedCert| {
        finding(
            Severity::Warning,
            codes::CERTIFICATE_EXPIRED,
            format!(
                "An inactive signing certificate (thumbprint {}) expired on {}. It is not used to sign, so sign-in is not affected; you can delete it at the identity provider to keep the metadata tidy.",
                p.sha1,
                cert::date(p.not_after)
            ),
        )
    };
    let expiring = |p: &cert::ParsedCert, which: &str| {
        finding(
            Severity::Warning,
            codes::CERTIFICATE_EXPIRING_SOON,
            format!(
                "The {which} signing certificate (thumbprint {}) expires on {} (in {} days). After that date sign-in to AWS stops working until a new certificate is in place. {advice}",
                p.sha1,
                cert::date(p.not_after),
                cert::days_left(p.not_after, now)
            ),
        )
    };

    match active {
        Some(a) => {
            if a.not_after <= now {
                findings.push(finding(
                    Severity::Error,
                    codes::CERTIFICATE_EXPIRED,
                    format!(
                        "The active signing certificate (thumbprint {}) expired on {}. IAM Identity Center rejects sign-ins signed with an expired certificate. {advice}",
                        a.sha1,
                        cert::date(a.not_after)
                    ),
                ));
            } else if a.not_before > now {
                findings.push(finding(
                    Severity::Warning,
                    codes::CERTIFICATE_NOT_YET_VALID,
                    format!(
                        "The active signing certificate (thumbprint {}) is only valid from {}. Check this computer's clock, or wait until then before relying on it.",
                        a.sha1,
                        cert::date(a.not_before)
                    ),
                ));
            } else if a.not_after <= soon {
                findings.push(expiring(a, "active"));
            }
            for p in parsed.iter().filter(|p| p.sha1 != a.sha1) {
                if p.not_after <= now {
                    findings.push(expired_inactive(p));
                }
            }
        }
        None => {
            findings.push(finding(
                Severity::Warning,
                codes::ACTIVE_CERTIFICATE_UNKNOWN,
                format!(
                    "The metadata lists {} signing certificates and is not signed, so Gatehouse cannot tell which one the identity provider currently signs with. Check which certificate is marked active at the identity provider.",
                    parsed.len()
                ),
            ));
            if parsed.iter().all(|p| p.not_after <= now) {
                let latest = parsed.iter().map(|p| p.not_after).max().unwrap_or(now);
                findings.push(finding(
                    Severity::Error,
                    codes::CERTIFICATE_EXPIRED,
                    format!(
                        "All {} signing certificates have expired (the last one on {}). IAM Identity Center rejects sign-ins signed with an expired certificate. {advice}",
                        parsed.len(),
                        cert::date(latest)
                    ),
                ));
            } else {
                for p in &parsed {
                    if p.not_after <= now {
                        findings.push(expired_inactive(p));
                    } else if p.not_after <= soon {
                        findings.push(expiring(p, "listed"));
                    }
                }
            }
        }
    }
    (facts, findings)
}

fn valid_until_finding(root: &Element, now: OffsetDateTime) -> Option<Finding> {
    let raw = root.attr("validUntil")?.trim();
    let until = OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339).ok()?;
    (until <= now).then(|| {
        finding(
            Severity::Warning,
            codes::METADATA_EXPIRED,
            format!(
                "The metadata says it is valid only until {}, which has passed. Download a current copy from its source and import that.",
                cert::date(until)
            ),
        )
    })
}

/// Cross-checks SP metadata against the connected IAM Identity Center (both optional):
/// a different Region or directory id gives an error finding `region-mismatch` /
/// `directory-mismatch` naming both values and what to do.
pub fn cross_check(
    facts: &MetadataFacts,
    connected_region: Option<&str>,
    identity_store_id: Option<&str>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if facts.kind != DocumentKind::AwsSp {
        return out;
    }
    if let (Some(file), Some(connected)) = (facts.region.as_deref(), connected_region) {
        let connected = connected.trim();
        if !connected.is_empty() && !file.eq_ignore_ascii_case(connected) {
            out.push(finding(
                Severity::Error,
                codes::REGION_MISMATCH,
                format!(
                    "This SP metadata is from IAM Identity Center in {file}, but Gatehouse is connected to IAM Identity Center in {connected}. Download the SP metadata from the instance in {connected} (or connect Gatehouse to the instance in {file} if that is the one you mean to use)."
                ),
            ));
        }
    }
    if let (Some(file), Some(connected)) = (facts.directory_id.as_deref(), identity_store_id) {
        let connected = connected.trim();
        if !connected.is_empty() && !file.eq_ignore_ascii_case(connected) {
            out.push(finding(
                Severity::Error,
                codes::DIRECTORY_MISMATCH,
                format!(
                    "This SP metadata belongs to identity store {file}, but the IAM Identity Center Gatehouse is connected to uses identity store {connected}. It was downloaded from a different Identity Center instance (or account). Download the SP metadata from the connected instance and import that."
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-23 00:00 UTC);

    fn sp(entity: &str, acs: &str) -> Vec<u8> {
        format!(
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity}"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{acs}</md:SPSSODescriptor></md:EntityDescriptor>"#
        )
        .into_bytes()
    }

    fn acs(loc: &str, extra: &str) -> String {
        format!(
            r#"<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{loc}" {extra}/>"#
        )
    }

    const ISSUER: &str = "https://us-east-1.signin.aws.amazon.com/platform/saml/d-90e231a71c";

    #[test]
    fn acs_default_is_is_default_then_lowest_index_then_first() {
        let by_flag = sp(
            ISSUER,
            &[
                acs("https://a/1", r#"index="1""#),
                acs("https://a/0", r#"index="0""#),
                acs("https://a/2", r#"index="2" isDefault="true""#),
            ]
            .concat(),
        );
        let f = inspect(&by_flag, Some(Slot::Sp), NOW).expect("ok");
        assert_eq!(f.acs_urls, ["https://a/2", "https://a/0", "https://a/1"]);
        assert_eq!(f.default_acs_url.as_deref(), Some("https://a/2"));

        let by_index = sp(
            ISSUER,
            &[
                acs("https://a/5", r#"index="5""#),
                acs("https://a/3", r#"index="3""#),
            ]
            .concat(),
        );
        let f = inspect(&by_index, Some(Slot::Sp), NOW).expect("ok");
        assert_eq!(f.acs_urls, ["https://a/3", "https://a/5"]);

        let by_order = sp(
            ISSUER,
            &[acs("https://a/x", ""), acs("https://a/y", "")].concat(),
        );
        let f = inspect(&by_order, Some(Slot::Sp), NOW).expect("ok");
        assert_eq!(f.default_acs_url.as_deref(), Some("https://a/x"));
        assert!(f.findings.is_empty(), "{:?}", f.findings);
    }

    #[test]
    fn sp_without_acs_is_an_error() {
        let f = inspect(&sp(ISSUER, ""), Some(Slot::Sp), NOW).expect("ok");
        assert!(f.findings.iter().any(|x| x.code == codes::MISSING_ACS_URL));
    }

    #[test]
    fn iam_sp_metadata_is_not_identity_center() {
        let f = inspect(
            &sp(
                "urn:amazon:webservices",
                &acs("https://signin.aws.amazon.com/saml", ""),
            ),
            Some(Slot::Sp),
            NOW,
        )
        .expect("ok");
        assert_eq!(f.kind, DocumentKind::GenericSp);
        let w = f
            .findings
            .iter()
            .find(|x| x.code == codes::WRONG_DOCUMENT_KIND)
            .expect("finding");
        assert!(w.message.contains("AWS IAM"), "{}", w.message);
    }

    #[test]
    fn too_large_is_refused_by_length() {
        let big = vec![b' '; MAX_METADATA_BYTES + 1];
        assert_eq!(
            inspect(&big, None, NOW).expect_err("big").code,
            codes::TOO_LARGE
        );
    }

    #[test]
    fn descriptorless_document_is_refused() {
        let xml =
            br#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>"#;
        assert_eq!(
            inspect(xml, None, NOW).expect_err("no descriptor").code,
            codes::WRONG_DOCUMENT_KIND
        );
    }

    #[test]
    fn cross_check_compares_region_and_directory() {
        let f = inspect(&sp(ISSUER, &acs("https://a", "")), Some(Slot::Sp), NOW).expect("ok");
        assert!(cross_check(&f, Some("us-east-1"), Some("d-90e231a71c")).is_empty());
        assert!(cross_check(&f, None, None).is_empty());
        let out = cross_check(&f, Some("eu-west-1"), Some("d-0000000000"));
        let codes_: Vec<&str> = out.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(codes_, [codes::REGION_MISMATCH, codes::DIRECTORY_MISMATCH]);
        assert!(out.iter().all(|x| x.severity == Severity::Error));
        assert!(out[0].message.contains("us-east-1") && out[0].message.contains("eu-west-1"));
        assert!(out[1].message.contains("d-90e231a71c") && out[1].message.contains("d-0000000000"));
    }

    #[test]
    fn serde_shapes() {
        assert_eq!(
            serde_json::to_string(&DocumentKind::AwsAppIdp).expect("json"),
            "\"aws-app-idp\""
        );
        assert_eq!(serde_json::to_string(&Slot::Idp).expect("json"), "\"idp\"");
        assert_eq!(
            serde_json::to_string(&Severity::Warning).expect("json"),
            "\"warning\""
        );
        let e = MetadataError {
            code: "empty".into(),
            message: "m".into(),
        };
        assert_eq!(e.to_string(), "m");
        assert_eq!(
            serde_json::to_value(&e).expect("json"),
            serde_json::json!({"code": "empty", "message": "m"})
        );
    }
}
