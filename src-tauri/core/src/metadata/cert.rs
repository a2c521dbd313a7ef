//! Reads one `ds:X509Certificate` value into the facts an admin compares with the Entra
//! portal: subject, SHA-1 thumbprint (Entra style), SHA-256 fingerprint, validity, days left.
//!
//! Kept apart from the XML walk so certificate decoding (base64 -> DER -> X.509) and its
//! failure reasons live in one place, and so nothing here depends on the wall clock:
//! "days left" is always computed against the `now` the caller passes in.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use x509_parser::asn1_rs::Tag;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

/// Standard alphabet; padding optional (some tools drop it).
const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A parsed certificate, before the caller decides which one is active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedCert {
    pub subject: String,
    pub sha1: String,
    pub sha256: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
}

/// Why a certificate value could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CertProblem {
    /// Not base64 (after removing whitespace and any PEM armour).
    NotBase64,
    /// Empty element.
    Empty,
    /// Valid base64, but the bytes are not an X.509 certificate.
    NotDer,
}

/// Canonical form of an `X509Certificate` text: whitespace and PEM armour removed.
/// Used both to decode and to recognise the same certificate written twice.
pub(crate) fn normalize_b64(text: &str) -> String {
    let text = text
        .replace("-----BEGIN CERTIFICATE-----", "")
        .replace("-----END CERTIFICATE-----", "");
    text.chars().filter(|c| !c.is_ascii_whitespace()).collect()
}

/// Decodes a normalised base64 certificate value.
pub(crate) fn parse_b64(normalized: &str) -> Result<ParsedCert, CertProblem> {
    if normalized.is_empty() {
        return Err(CertProblem::Empty);
    }
    let der = B64.decode(normalized).map_err(|_| CertProblem::NotBase64)?;
    parse_der(&der)
}

fn parse_der(der: &[u8]) -> Result<ParsedCert, CertProblem> {
    let (rest, cert) = x509_parser::parse_x509_certificate(der).map_err(|_| CertProblem::NotDer)?;
    // Fingerprints cover exactly the certificate's DER, not anything appended after it.
    let cert_der = der.get(..der.len() - rest.len()).unwrap_or(der);
    let validity = cert.validity();
    let not_before = OffsetDateTime::from_unix_timestamp(validity.not_before.timestamp())
        .map_err(|_| CertProblem::NotDer)?;
    let not_after = OffsetDateTime::from_unix_timestamp(validity.not_after.timestamp())
        .map_err(|_| CertProblem::NotDer)?;
    Ok(ParsedCert {
        subject: rfc2253(cert.subject()),
        sha1: hex_upper(&Sha1::digest(cert_der), ""),
        sha256: hex_upper(&Sha256::digest(cert_der), ":"),
        not_before,
        not_after,
    })
}

pub(crate) fn hex_upper(bytes: &[u8], sep: &str) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Whole days from `now` until `not_after`, rounded down (negative once expired),
/// clamped into `i32` for the UI.
pub(crate) fn days_left(not_after: OffsetDateTime, now: OffsetDateTime) -> i32 {
    let secs = (not_after - now).whole_seconds();
    let days = secs.div_euclid(86_400);
    i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX })
}

/// RFC 3339 in UTC with a `Z`, seconds precision, e.g. `2028-01-01T09:14:27Z`.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_else(|_| t.to_string())
}

/// Calendar date in UTC, e.g. `2026-12-10`, for messages.
pub(crate) fn date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap_or_else(|_| t.to_string())
}

/// The subject as RFC 2253 writes it: RDNs last-to-first, `,` between them, `+` inside a
/// multi-valued RDN, well-known attribute names abbreviated (`CN`, `O`, `emailAddress`, ...).
fn rfc2253(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter()
        .map(|rdn| rdn.iter().map(attribute).collect::<Vec<_>>().join("+"))
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

fn attribute(atv: &AttributeTypeAndValue<'_>) -> String {
    let oid = atv.attr_type().to_id_string();
    let key = match oid.as_str() {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.42" => "GN",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        "1.2.840.113549.1.9.1" => "emailAddress",
        other => other,
    };
    match value_text(atv) {
        Some(v) => format!("{key}={}", escape_rfc2253(&v)),
        None => format!(
            "{key}=#{}",
            hex_upper(atv.as_slice(), "").to_ascii_lowercase()
        ),
    }
}

fn value_text(atv: &AttributeTypeAndValue<'_>) -> Option<String> {
    if let Ok(s) = atv.as_str() {
        return Some(s.to_string());
    }
    let data = atv.as_slice();
    match atv.attr_value().tag() {
        Tag::BmpString => {
            if !data.len().is_multiple_of(2) {
                return None;
            }
            let units = data
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        Tag::UniversalString => {
            if !data.len().is_multiple_of(4) {
                return None;
            }
            data.chunks_exact(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect::<Option<String>>()
        }
        // T.61 in practice carries Latin-1.
        Tag::TeletexString | Tag::VisibleString => {
            Some(data.iter().map(|&b| char::from(b)).collect())
        }
        _ => None,
    }
}

fn escape_rfc2253(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let last = v.chars().count().saturating_sub(1);
    for (i, c) in v.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn days_left_rounds_down() {
        let now = datetime!(2026-11-23 00:00 UTC);
        assert_eq!(days_left(datetime!(2026-12-10 14:47:03 UTC), now), 17);
        assert_eq!(days_left(datetime!(2026-11-23 00:00 UTC), now), 0);
        assert_eq!(days_left(datetime!(2026-11-22 23:59 UTC), now), -1);
    }

    #[test]
    fn formats() {
        let t = datetime!(2028-01-01 09:14:27 UTC);
        assert_eq!(rfc3339(t), "2028-01-01T09:14:27Z");
        assert_eq!(date(t), "2028-01-01");
        assert_eq!(hex_upper(&[0xd3, 0x01], ":"), "D3:01");
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_rfc2253("Acme, Inc."), "Acme\\, Inc.");
        assert_eq!(escape_rfc2253("#x "), "\\#x\\ ");
    }

    #[test]
    fn problems() {
        assert_eq!(parse_b64(""), Err(CertProblem::Empty));
        assert_eq!(parse_b64("%%%"), Err(CertProblem::NotBase64));
        assert_eq!(parse_b64("aGVsbG8gd29ybGQ="), Err(CertProblem::NotDer));
        assert_eq!(normalize_b64(" ab\r\n cd\t"), "abcd");
    }
}
