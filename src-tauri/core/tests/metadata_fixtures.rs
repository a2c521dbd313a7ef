//! Runs the metadata reader over every file in `tests/fixtures/metadata` and compares it
//! with `expected.json` and the outcomes the fixtures README promises (bad files, slot
//! swaps, size cap, XXE, UTF-16). "Now" is pinned to 2026-11-23 so the expiry outcomes
//! never depend on the day the tests run.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gatehouse_core::metadata::{
    codes, cross_check, default_portal_url, inspect, validate_portal_url, DocumentKind,
    MetadataError, MetadataFacts, Severity, Slot,
};
use serde_json::Value;
use time::macros::datetime;
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2026-11-23 00:00 UTC);
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/metadata");

fn dir() -> PathBuf {
    PathBuf::from(FIXTURES)
}

fn read(rel: &str) -> Vec<u8> {
    let path = dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn expected() -> serde_json::Map<String, Value> {
    let v: Value = serde_json::from_slice(&read("expected.json")).expect("expected.json parses");
    v.as_object().expect("expected.json is an object").clone()
}

fn ok(rel: &str, slot: Option<Slot>) -> MetadataFacts {
    inspect(&read(rel), slot, NOW).unwrap_or_else(|e| panic!("{rel}: unexpected error {e:?}"))
}

fn err(bytes: &[u8], slot: Option<Slot>) -> MetadataError {
    match inspect(bytes, slot, NOW) {
        Ok(f) => panic!("expected an error, got {f:?}"),
        Err(e) => e,
    }
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn codes_of(f: &MetadataFacts, severity: Severity) -> Vec<&str> {
    f.findings
        .iter()
        .filter(|x| x.severity == severity)
        .map(|x| x.code.as_str())
        .collect()
}

/// Every fixture file, relative to the fixtures folder (README/expected.json excluded).
fn all_files() -> Vec<String> {
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(d).expect("fixture dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("under base");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(&dir(), &dir(), &mut out);
    out.retain(|f| f != "README.md" && f != "expected.json");
    out.sort();
    out
}

fn kind_of(expected_kind: &str) -> DocumentKind {
    match expected_kind {
        "entra-idp-federation-metadata" => DocumentKind::EntraIdp,
        "aws-identity-center-sp-metadata" => DocumentKind::AwsSp,
        "aws-identity-center-application-idp-metadata" => DocumentKind::AwsAppIdp,
        "okta-idp-metadata" | "google-workspace-idp-metadata" => DocumentKind::GenericIdp,
        other => panic!("unknown kind in expected.json: {other}"),
    }
}

/// The slot a document belongs in; the Identity Center application IdP metadata
/// belongs in neither.
fn slot_for(kind: DocumentKind) -> Option<Slot> {
    match kind {
        DocumentKind::AwsSp => Some(Slot::Sp),
        DocumentKind::EntraIdp | DocumentKind::GenericIdp => Some(Slot::Idp),
        DocumentKind::AwsAppIdp | DocumentKind::GenericSp => None,
    }
}

/// Compares the parsed facts of a readable fixture with its expected.json entry.
fn check_facts(rel: &str, exp: &Value) {
    let kind = kind_of(s(exp, "kind").expect("kind"));
    let f = ok(rel, None);
    assert_eq!(f.kind, kind, "{rel}: kind");
    assert_eq!(
        Some(f.entity_id.as_str()),
        s(exp, "entityID"),
        "{rel}: entity id"
    );
    assert_eq!(
        f.tenant_id.as_deref(),
        s(exp, "tenant_id"),
        "{rel}: tenant id"
    );
    let post = exp.get("sso_urls").and_then(|u| s(u, "HTTP-POST"));
    assert_eq!(f.sso_url.as_deref(), post, "{rel}: sso url");
    assert_eq!(f.region.as_deref(), s(exp, "region"), "{rel}: region");
    assert_eq!(
        f.directory_id.as_deref(),
        s(exp, "directory_id"),
        "{rel}: directory id"
    );

    // ACS: all of them, the default one first.
    let exp_acs: Vec<&Value> = exp
        .get("acs_urls")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut want: Vec<(bool, i64, &str)> = exp_acs
        .iter()
        .map(|a| {
            (
                !a.get("isDefault").and_then(Value::as_bool).unwrap_or(false),
                a.get("index").and_then(Value::as_i64).unwrap_or(i64::MAX),
                s(a, "location").expect("location"),
            )
        })
        .collect();
    want.sort();
    let want: Vec<&str> = want.into_iter().map(|(_, _, l)| l).collect();
    assert_eq!(f.acs_urls, want, "{rel}: acs urls");
    assert_eq!(
        f.default_acs_url.as_deref(),
        s(exp, "acs_url"),
        "{rel}: default acs"
    );

    // Certificates, in document order.
    let certs = exp
        .get("signing_certificates")
        .and_then(Value::as_array)
        .expect("signing_certificates");
    assert_eq!(
        f.certificates.len(),
        certs.len(),
        "{rel}: certificate count"
    );
    for (got, want) in f.certificates.iter().zip(certs) {
        assert_eq!(
            Some(got.subject.as_str()),
            s(want, "subject_rfc2253"),
            "{rel}: subject"
        );
        assert_eq!(
            Some(got.sha1.as_str()),
            s(want, "sha1_thumbprint_entra_style"),
            "{rel}: sha1"
        );
        assert_eq!(
            Some(got.sha256.as_str()),
            s(want, "sha256_fingerprint"),
            "{rel}: sha256"
        );
        assert_eq!(
            Some(got.not_before.as_str()),
            s(want, "not_before"),
            "{rel}: not_before"
        );
        assert_eq!(
            Some(got.not_after.as_str()),
            s(want, "not_after"),
            "{rel}: not_after"
        );
        let not_after = OffsetDateTime::parse(
            &got.not_after,
            &time::format_description::well_known::Rfc3339,
        )
        .expect("not_after is RFC 3339");
        let days = (not_after - NOW).whole_seconds().div_euclid(86_400);
        assert_eq!(i64::from(got.days_left), days, "{rel}: days_left");
    }

    // Active = the certificate that signed the document; unsigned with one cert = that one.
    let signed_by = exp
        .get("metadata_signature")
        .and_then(|m| s(m, "signed_by_sha1"))
        .map(|x| x.replace(':', ""));
    let active: Vec<&str> = f
        .certificates
        .iter()
        .filter(|c| c.active)
        .map(|c| c.sha1.as_str())
        .collect();
    match (signed_by, f.certificates.len()) {
        (Some(sha1), _) => assert_eq!(active, [sha1.as_str()], "{rel}: active cert"),
        (None, 1) => assert_eq!(active.len(), 1, "{rel}: single cert is active"),
        (None, _) => assert!(active.is_empty(), "{rel}: no active cert"),
    }

    // In its own slot a readable fixture is accepted: no wrong-document-kind; the
    // application IdP metadata is refused in both slots.
    for slot in [Slot::Idp, Slot::Sp] {
        let in_slot = ok(rel, Some(slot));
        let refused = in_slot
            .findings
            .iter()
            .any(|x| x.code == codes::WRONG_DOCUMENT_KIND);
        assert_eq!(
            refused,
            slot_for(kind) != Some(slot),
            "{rel} in {slot:?}: {:?}",
            in_slot.findings
        );
    }
}

/// The README's expected outcome for a bad fixture.
fn check_bad(rel: &str, exp: &Value) {
    let expected_error = s(exp, "expected_error").expect("expected_error");
    let class = expected_error.split([' ', '(']).next().unwrap_or_default();
    let bytes = read(rel);
    match class {
        "NotXml" => {
            let e = err(&bytes, Some(Slot::Idp));
            assert_eq!(e.code, codes::NOT_XML, "{rel}");
            assert!(e.message.contains("certificate"), "{rel}: {}", e.message);
            assert!(
                e.message.contains("Federation Metadata XML"),
                "{rel}: {}",
                e.message
            );
        }
        "Empty" => assert_eq!(err(&bytes, Some(Slot::Idp)).code, codes::EMPTY, "{rel}"),
        "MalformedXml" => {
            assert_eq!(
                err(&bytes, Some(Slot::Idp)).code,
                codes::MALFORMED_XML,
                "{rel}"
            );
        }
        "UnsafeXml" => {
            let start = Instant::now();
            let e = err(&bytes, Some(Slot::Idp));
            assert!(
                start.elapsed() < Duration::from_secs(1),
                "{rel}: must fail fast"
            );
            assert_eq!(e.code, codes::UNSAFE_XML, "{rel}");
        }
        "WrongRoot" => {
            let e = err(&bytes, Some(Slot::Idp));
            assert_eq!(e.code, codes::WRONG_ROOT, "{rel}");
            assert!(e.message.contains("web page"), "{rel}: {}", e.message);
        }
        "MissingSigningCertificate" => {
            let f = ok(rel, Some(Slot::Idp));
            assert_eq!(Some(f.entity_id.as_str()), s(exp, "entityID"), "{rel}");
            assert!(f.certificates.is_empty(), "{rel}");
            assert_eq!(
                codes_of(&f, Severity::Error),
                [codes::MISSING_SIGNING_CERTIFICATE],
                "{rel}"
            );
        }
        "InvalidCertificate" => {
            let f = ok(rel, Some(Slot::Idp));
            assert_eq!(f.kind, DocumentKind::EntraIdp, "{rel}");
            assert!(f.certificates.is_empty(), "{rel}");
            assert_eq!(
                codes_of(&f, Severity::Error),
                [codes::INVALID_CERTIFICATE],
                "{rel}"
            );
        }
        // Not shipped (huge.xml) or not a file (slot swaps): covered by dedicated tests.
        "TooLarge" | "WrongDocumentKind" => {}
        other => panic!("{rel}: unknown expected_error {other}"),
    }
}

#[test]
fn every_fixture_matches_expected_json() {
    let expected = expected();
    let files = all_files();
    assert!(
        files.len() >= 30,
        "fixtures not found in {FIXTURES}: {files:?}"
    );
    let mut checked = 0;
    for rel in &files {
        if let Some(pem) = rel.strip_prefix("certs/") {
            // A public certificate where metadata belongs: not XML, and said so.
            let e = err(&read(rel), Some(Slot::Idp));
            assert_eq!(e.code, codes::NOT_XML, "{pem}");
            assert!(e.message.contains("certificate"), "{pem}: {}", e.message);
            checked += 1;
            continue;
        }
        let exp = expected
            .get(rel.as_str())
            .unwrap_or_else(|| panic!("{rel} has no entry in expected.json"));
        if exp.get("kind").is_some() {
            check_facts(rel, exp);
        } else {
            check_bad(rel, exp);
        }
        checked += 1;
    }
    assert_eq!(checked, files.len());
    // And nothing in expected.json points at a file that is gone.
    for key in expected.keys() {
        if !key.contains("(no file)") && key != "bad/huge.xml" {
            assert!(
                files.contains(key),
                "expected.json lists {key}, which is missing"
            );
        }
    }
}

#[test]
fn entra_files_in_the_idp_slot() {
    for rel in [
        "entra/valid.xml",
        "entra/as-downloaded.xml",
        "entra/prefixed.xml",
        "entra/bom-crlf.xml",
    ] {
        let f = ok(rel, Some(Slot::Idp));
        assert!(f.findings.is_empty(), "{rel}: {:?}", f.findings);
        assert_eq!(
            f,
            ok("entra/valid.xml", Some(Slot::Idp)),
            "{rel}: same facts as valid.xml"
        );
    }

    let f = ok("entra/rollover.xml", Some(Slot::Idp));
    assert!(codes_of(&f, Severity::Error).is_empty(), "{:?}", f.findings);
    assert_eq!(
        codes_of(&f, Severity::Warning),
        [codes::CERTIFICATE_EXPIRING_SOON]
    );
    assert!(
        f.findings[0].message.contains("2026-12-19"),
        "{}",
        f.findings[0].message
    );
    assert!(f.findings[0]
        .message
        .contains("BFC8A41B5C70AF7A85E6B770A7BE690452C4762D"));
    assert_eq!(
        f.certificates
            .iter()
            .map(|c| c.days_left)
            .collect::<Vec<_>>(),
        [26, 1089]
    );
    assert_eq!(
        f.certificates.iter().map(|c| c.active).collect::<Vec<_>>(),
        [true, false]
    );

    let f = ok("entra/expiring-soon.xml", Some(Slot::Idp));
    assert!(codes_of(&f, Severity::Error).is_empty(), "{:?}", f.findings);
    assert_eq!(
        codes_of(&f, Severity::Warning),
        [codes::CERTIFICATE_EXPIRING_SOON]
    );
    assert!(
        f.findings[0].message.contains("2026-12-10"),
        "{}",
        f.findings[0].message
    );
    assert_eq!(f.certificates[0].days_left, 17);

    let f = ok("entra/expired-cert.xml", Some(Slot::Idp));
    assert_eq!(codes_of(&f, Severity::Error), [codes::CERTIFICATE_EXPIRED]);
    assert!(f.has_errors());
    assert!(
        f.findings[0].message.contains("2024-06-30"),
        "{}",
        f.findings[0].message
    );
    assert!(f.certificates[0].days_left < 0);
}

#[test]
fn active_certificate_does_not_depend_on_document_order() {
    // Swap the two KeyDescriptor certificates of rollover.xml everywhere except the
    // signature: the active one must still be the one in ds:Signature/KeyInfo.
    let text = String::from_utf8(read("entra/rollover.xml")).expect("utf-8");
    let f = ok("entra/rollover.xml", None);
    let sig_end = text.find("</Signature>").expect("signature");
    let (head, tail) = text.split_at(sig_end);
    let open = "<X509Certificate>";
    let certs: Vec<&str> = tail
        .split(open)
        .skip(1)
        .filter_map(|p| p.split("</X509Certificate>").next())
        .collect();
    let (a, b) = (certs[0].to_string(), certs[1].to_string());
    let swapped = tail
        .replace(&a, "@@A@@")
        .replace(&b, &a)
        .replace("@@A@@", &b);
    let doc = format!("{head}{swapped}");
    let g = inspect(doc.as_bytes(), Some(Slot::Idp), NOW).expect("parses");
    assert_eq!(
        g.certificates[0].sha1, f.certificates[1].sha1,
        "order follows the document"
    );
    let active: Vec<&str> = g
        .certificates
        .iter()
        .filter(|c| c.active)
        .map(|c| c.sha1.as_str())
        .collect();
    assert_eq!(active, ["BFC8A41B5C70AF7A85E6B770A7BE690452C4762D"]);
}

#[test]
fn aws_sp_metadata_in_the_sp_slot() {
    for rel in [
        "aws/sp-metadata.xml",
        "aws/sp-metadata-eu.xml",
        "aws/sp-metadata-multi-acs.xml",
    ] {
        let f = ok(rel, Some(Slot::Sp));
        assert!(f.findings.is_empty(), "{rel}: {:?}", f.findings);
        let exp = expected();
        let want = s(&exp[rel], "derived_default_portal_url_NOT_in_document").expect("portal");
        let portal = default_portal_url(f.directory_id.as_deref().expect("directory id"));
        assert_eq!(portal, want);
        assert_eq!(validate_portal_url(&portal).as_deref(), Ok(want));
        let region = f.region.as_deref().expect("region");
        let dir = f.directory_id.as_deref().expect("dir");
        assert!(cross_check(&f, Some(region), Some(dir)).is_empty());
        let mismatch = cross_check(&f, Some("ap-northeast-3"), Some("d-0123456789"));
        let got: Vec<&str> = mismatch.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(
            got,
            [codes::REGION_MISMATCH, codes::DIRECTORY_MISMATCH],
            "{rel}"
        );
        assert!(
            mismatch[0].message.contains(region) && mismatch[0].message.contains("ap-northeast-3")
        );
        assert!(mismatch[1].message.contains(dir) && mismatch[1].message.contains("d-0123456789"));
    }
}

#[test]
fn sp_metadata_in_the_idp_slot_is_the_wrong_document() {
    for rel in ["aws/sp-metadata.xml", "aws/sp-metadata-eu.xml"] {
        let f = ok(rel, Some(Slot::Idp));
        assert_eq!(f.kind, DocumentKind::AwsSp);
        assert_eq!(
            codes_of(&f, Severity::Error),
            [codes::WRONG_DOCUMENT_KIND],
            "{rel}"
        );
        let m = &f.findings[0].message;
        assert!(
            m.contains("AWS IAM Identity Center SP metadata") && m.contains("step 2b"),
            "{m}"
        );
        assert!(m.contains("Federation Metadata XML"), "{m}");
        // The admin still sees what was parsed.
        assert!(f.directory_id.is_some() && f.default_acs_url.is_some());
    }
}

#[test]
fn idp_metadata_in_the_sp_slot_is_the_wrong_document() {
    let entra = ok("entra/valid.xml", Some(Slot::Sp));
    assert_eq!(
        codes_of(&entra, Severity::Error),
        [codes::WRONG_DOCUMENT_KIND]
    );
    let m = &entra.findings[0].message;
    assert!(
        m.contains("Microsoft Entra ID Federation Metadata XML"),
        "{m}"
    );
    assert!(m.contains("Download metadata file"), "{m}");

    let app = ok("aws/app-idp-metadata.xml", Some(Slot::Sp));
    assert_eq!(app.kind, DocumentKind::AwsAppIdp);
    assert_eq!(app.region.as_deref(), Some("us-east-1"));
    assert_eq!(
        codes_of(&app, Severity::Error),
        [codes::WRONG_DOCUMENT_KIND]
    );
    let m = &app.findings[0].message;
    assert!(
        m.contains("application") && m.contains("not the identity-source SP metadata"),
        "{m}"
    );
    assert_ne!(
        m, &entra.findings[0].message,
        "the app IdP metadata gets its own explanation"
    );

    for rel in ["other-idps/okta.xml", "other-idps/google.xml"] {
        let f = ok(rel, Some(Slot::Sp));
        assert_eq!(
            codes_of(&f, Severity::Error),
            [codes::WRONG_DOCUMENT_KIND],
            "{rel}"
        );
    }
}

#[test]
fn other_idps_are_read_with_an_unsupported_warning() {
    for (rel, name) in [
        ("other-idps/okta.xml", "Okta"),
        ("other-idps/google.xml", "Google"),
    ] {
        let f = ok(rel, Some(Slot::Idp));
        assert_eq!(f.kind, DocumentKind::GenericIdp);
        assert!(
            codes_of(&f, Severity::Error).is_empty(),
            "{rel}: {:?}",
            f.findings
        );
        assert_eq!(
            codes_of(&f, Severity::Warning),
            [codes::UNSUPPORTED_IDP],
            "{rel}"
        );
        assert!(
            f.findings[0].message.contains(name),
            "{}",
            f.findings[0].message
        );
        assert!(
            f.findings[0].message.contains("Entra ID"),
            "{}",
            f.findings[0].message
        );
    }
}

#[test]
fn twenty_mib_file_is_refused_by_size_before_parsing() {
    let valid = read("entra/valid.xml");
    let decl_end = valid
        .windows(2)
        .position(|w| w == b"?>")
        .expect("declaration")
        + 2;
    let chunk = format!("<!-- {} -->", "x".repeat(1010));
    let mut huge = Vec::with_capacity(21 * 1024 * 1024);
    huge.extend_from_slice(&valid[..decl_end]);
    while huge.len() < 20 * 1024 * 1024 {
        huge.extend_from_slice(chunk.as_bytes());
    }
    huge.extend_from_slice(&valid[decl_end..]);

    let start = Instant::now();
    let e = err(&huge, Some(Slot::Idp));
    let elapsed = start.elapsed();
    assert_eq!(e.code, codes::TOO_LARGE);
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    assert!(e.message.contains("1 MiB"), "{}", e.message);
}

#[test]
fn xxe_is_refused_and_nothing_from_the_file_leaks() {
    let bytes = read("bad/xxe.xml");
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let secret_lines: Vec<&str> = passwd.lines().filter(|l| l.len() > 8).collect();
    for slot in [None, Some(Slot::Idp), Some(Slot::Sp)] {
        let e = err(&bytes, slot);
        assert_eq!(e.code, codes::UNSAFE_XML);
        let outputs = [
            format!("{e}"),
            format!("{e:?}"),
            serde_json::to_string(&e).expect("json"),
        ];
        for out in &outputs {
            assert!(!out.contains("/etc/passwd"), "{out}");
            assert!(!out.contains("root:"), "{out}");
            for line in &secret_lines {
                assert!(!out.contains(line), "{out}");
            }
        }
    }
}

fn utf16(bytes: &[u8], big_endian: bool) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).expect("utf-8");
    let text = text.replace("encoding=\"utf-8\"", "encoding=\"utf-16\"");
    let mut out: Vec<u8> = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

#[test]
fn utf16_le_and_be_give_the_same_facts() {
    let valid = read("entra/valid.xml");
    let want = ok("entra/valid.xml", Some(Slot::Idp));
    for be in [false, true] {
        let got = inspect(&utf16(&valid, be), Some(Slot::Idp), NOW)
            .unwrap_or_else(|e| panic!("utf-16 (be={be}): {e:?}"));
        assert_eq!(got, want, "utf-16 be={be}");
    }
    // The SP side too.
    let sp = read("aws/sp-metadata.xml");
    let text = String::from_utf8(sp.clone())
        .expect("utf-8")
        .replace("UTF-8", "utf-8");
    let got = inspect(&utf16(text.as_bytes(), false), Some(Slot::Sp), NOW).expect("sp utf-16");
    assert_eq!(got, ok("aws/sp-metadata.xml", Some(Slot::Sp)));
}

#[test]
fn no_panic_on_truncated_or_damaged_input() {
    for rel in [
        "entra/valid.xml",
        "entra/prefixed.xml",
        "other-idps/okta.xml",
    ] {
        let bytes = read(rel);
        for cut in (0..bytes.len()).step_by(37) {
            // Any answer is fine; a panic is not. A cut file is never accepted as complete.
            if let Ok(f) = inspect(&bytes[..cut], Some(Slot::Idp), NOW) {
                panic!("{rel} cut at {cut} was accepted: {f:?}");
            }
        }
        for pos in (0..bytes.len()).step_by(53) {
            let mut damaged = bytes.clone();
            damaged[pos] ^= 0x5A;
            let _ = inspect(&damaged, Some(Slot::Sp), NOW);
        }
    }
}
