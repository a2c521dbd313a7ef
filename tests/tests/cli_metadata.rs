//! CLI tests: `gatehouse metadata inspect` over the fixtures, as a script would use it.

use std::path::PathBuf;
use std::process::Output;

use gatehouse_tests::{fixtures_dir, gatehouse_cmd};

const NOW: &str = "2026-11-23T00:00:00Z";

fn inspect(file: &PathBuf, slot: Option<&str>) -> (Output, serde_json::Value) {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = gatehouse_cmd(home.path());
    cmd.args(["metadata", "inspect"])
        .arg(file)
        .args(["--json", "--now", NOW]);
    if let Some(s) = slot {
        cmd.args(["--slot", s]);
    }
    let out = cmd.output().unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out, v)
}

fn fx(rel: &str) -> PathBuf {
    fixtures_dir().join("metadata").join(rel)
}

fn expected() -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(fx("expected.json")).unwrap()).unwrap()
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn entra_metadata_facts_match_the_fixture_expectations() {
    let exp = expected();
    for rel in [
        "entra/valid.xml",
        "entra/as-downloaded.xml",
        "entra/prefixed.xml",
        "entra/bom-crlf.xml",
        "entra/rollover.xml",
    ] {
        let (out, v) = inspect(&fx(rel), Some("idp"));
        assert_eq!(out.status.code(), Some(0), "{rel}: {v}");
        let e = &exp[rel];
        assert_eq!(v["kind"], "entra-idp", "{rel}");
        assert_eq!(v["entity_id"], e["entityID"], "{rel}");
        assert_eq!(v["tenant_id"], e["tenant_id"], "{rel}");
        assert_eq!(v["sso_url"], e["sso_urls"]["HTTP-POST"], "{rel}");
        let certs = v["certificates"].as_array().unwrap();
        let want = e["signing_certificates"].as_array().unwrap();
        assert_eq!(certs.len(), want.len(), "{rel}");
        for (c, w) in certs.iter().zip(want) {
            assert_eq!(c["sha1"], w["sha1_thumbprint_entra_style"], "{rel}");
            assert_eq!(c["sha256"], w["sha256_fingerprint"], "{rel}");
            assert_eq!(c["not_before"], w["not_before"], "{rel}");
            assert_eq!(c["not_after"], w["not_after"], "{rel}");
            assert_eq!(c["subject"], w["subject_rfc2253"], "{rel}");
            let signer = e["metadata_signature"]["signed_by_sha1"].as_str().unwrap();
            assert_eq!(c["active"], w["sha1_fingerprint"] == signer, "{rel}");
        }
    }
    let (_, v) = inspect(&fx("entra/rollover.xml"), Some("idp"));
    assert_eq!(codes(&v), vec!["certificate-expiring-soon"]);
}

#[test]
fn aws_sp_metadata_gives_the_values_entra_needs() {
    let (out, v) = inspect(&fx("aws/sp-metadata-multi-acs.xml"), Some("sp"));
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(v["kind"], "aws-sp");
    let acs = v["acs_urls"].as_array().unwrap();
    assert!(acs.len() >= 3);
    assert_eq!(acs[0], v["default_acs_url"]);
    assert!(v["directory_id"].as_str().unwrap().starts_with("d-"));
    assert!(v["region"].is_string());
}

#[test]
fn blocking_problems_exit_1_with_their_code() {
    let (out, v) = inspect(&fx("entra/expired-cert.xml"), Some("idp"));
    assert_eq!(out.status.code(), Some(1));
    assert!(codes(&v).contains(&"certificate-expired".to_owned()), "{v}");

    let (out, v) = inspect(&fx("aws/sp-metadata.xml"), Some("idp"));
    assert_eq!(out.status.code(), Some(1));
    assert!(codes(&v).contains(&"wrong-document-kind".to_owned()), "{v}");

    let (out, v) = inspect(&fx("aws/app-idp-metadata.xml"), Some("sp"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(v["kind"], "aws-app-idp");
    assert!(codes(&v).contains(&"wrong-document-kind".to_owned()), "{v}");

    let (out, v) = inspect(&fx("bad/no-cert.xml"), Some("idp"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        codes(&v).contains(&"missing-signing-certificate".to_owned()),
        "{v}"
    );
}

#[test]
fn unreadable_documents_print_an_error_object() {
    for (rel, code) in [
        ("bad/not-xml.txt", "not-xml"),
        ("bad/not-xml-der.cer", "not-xml"),
        ("bad/empty.xml", "empty"),
        ("bad/whitespace-only.xml", "empty"),
        ("bad/truncated.xml", "malformed-xml"),
        ("bad/billion-laughs.xml", "unsafe-xml"),
        ("bad/xxe.xml", "unsafe-xml"),
        ("bad/wrong-root.xml", "wrong-root"),
    ] {
        let (out, v) = inspect(&fx(rel), Some("idp"));
        assert_eq!(out.status.code(), Some(1), "{rel}");
        assert_eq!(v["error"]["code"], code, "{rel}: {v}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[test]
fn a_huge_file_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.xml");
    let valid = std::fs::read_to_string(fx("entra/valid.xml")).unwrap();
    let padding = format!("<!--{}-->", "x".repeat(20 * 1024 * 1024));
    let body = valid.replacen("?>", &format!("?>{padding}"), 1);
    std::fs::write(&path, body).unwrap();
    // Against a baseline (starting the binary itself varies with the machine's load): a
    // refusal before reading costs no more than inspecting the small valid file.
    let baseline = std::time::Instant::now();
    let (small, _) = inspect(&fx("entra/valid.xml"), Some("idp"));
    assert_eq!(small.status.code(), Some(0));
    let baseline = baseline.elapsed();
    let start = std::time::Instant::now();
    let (out, v) = inspect(&path, Some("idp"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(v["error"]["code"], "too-large");
    assert!(
        start.elapsed() < baseline + std::time::Duration::from_secs(1),
        "{:?} (baseline {baseline:?})",
        start.elapsed()
    );
}
