//! System tests: automatic provisioning (SCIM) against real peers.
//!
//! The connection test runs against scim2-server (a real SCIM 2.0 server from the test venv)
//! and against what goes wrong in the field: a wrong token, a wrong tenant, nothing
//! listening, a sign-in page, a server error, TLS to a plain-http port, a connection that
//! never answers. The token is saved through `Gatehouse` into the real Secret Service
//! (tests/with-peers.sh) and must never appear in the data directory, in anything a command
//! returns, or in the CLI's output. The Identity Store check runs against the moto-backed
//! local AWS with the demo seed, whose `expected_findings` it must reproduce exactly.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use gatehouse_core::federation::StepStatus;
use gatehouse_core::keychain::{Keychain, KeychainKey, OsBackend};
use gatehouse_core::progress::{CancellationToken, NoProgress, Progress};
use gatehouse_core::scim::verify::ProblemKind;
use gatehouse_core::scim::{codes, probe, NetworkFailure, ProbeOptions, ScimVerdict};
use gatehouse_core::store::Store;
use gatehouse_core::{ErrorKind, Gatehouse, Secret};
use gatehouse_tests::{
    all_bytes_under, free_port, gatehouse_cmd, CannedHttp, LocalAws, ScimServer, SilentListener,
};

const TOKEN: &str = "gh-scim-test-token-7f3a9c21d4e8b6055e1f";
const WRONG_TOKEN: &str = "gh-scim-wrong-token-0000111122223333";

/// For peers that answer (scim2-server, canned HTTP): room for a loaded CI machine.
fn quick() -> ProbeOptions {
    ProbeOptions::with_timeout(Duration::from_secs(10))
}

/// For a peer that never answers: the timeout itself is what is tested.
fn short() -> ProbeOptions {
    ProbeOptions::with_timeout(Duration::from_secs(1))
}

async fn probe(endpoint: &str, token: &str) -> probe::ScimTestResult {
    probe::test_connection(endpoint, &Secret::new(token), quick()).await
}

fn assert_no_token(what: &str, text: &str) {
    for t in [TOKEN, WRONG_TOKEN] {
        assert!(!text.contains(t), "the token appears in {what}: {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn verdicts_against_the_scim_peer() {
    let scim = ScimServer::start(TOKEN);

    let ok = probe(&scim.endpoint(), TOKEN).await;
    assert_eq!(ok.verdict, ScimVerdict::Ok, "{ok:?}");
    assert!(ok.ok);
    assert_eq!(ok.http_status, Some(200));
    assert_eq!(ok.content_type.as_deref(), Some("application/scim+json"));
    assert!(
        ok.message.contains("accepted the access token"),
        "{}",
        ok.message
    );

    let rejected = probe(&scim.endpoint(), WRONG_TOKEN).await;
    assert_eq!(rejected.verdict, ScimVerdict::TokenRejected, "{rejected:?}");
    assert_eq!(rejected.http_status, Some(401));
    assert!(!rejected.ok);
    assert!(
        rejected.message.contains("Replace token"),
        "{}",
        rejected.message
    );

    let other_tenant = format!("http://127.0.0.1:{}/another-tenant/v2", scim.port);
    let nf = probe(&other_tenant, TOKEN).await;
    assert_eq!(nf.verdict, ScimVerdict::NotFound, "{nf:?}");
    assert_eq!(nf.http_status, Some(404));
    assert!(
        nf.message.contains(&format!("{other_tenant}/Users")),
        "{}",
        nf.message
    );

    let wrong_path = format!("http://127.0.0.1:{}/{}/scim/v2", scim.port, scim.tenant);
    assert_eq!(
        probe(&wrong_path, TOKEN).await.verdict,
        ScimVerdict::NotFound
    );

    for r in [&ok, &rejected, &nf] {
        assert_no_token("a verdict", &serde_json::to_string(r).unwrap());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn verdicts_for_what_goes_wrong_in_the_field() {
    // Nothing listening.
    let down = probe(&format!("http://127.0.0.1:{}/t/v2", free_port()), TOKEN).await;
    assert_eq!(down.verdict, ScimVerdict::Unreachable, "{down:?}");
    assert_eq!(down.network_failure, Some(NetworkFailure::Refused));
    assert!(
        down.message.contains("refused the connection"),
        "{}",
        down.message
    );

    // A sign-in page that echoes the Authorization header back.
    let html = CannedHttp::start(
        200,
        "text/html; charset=utf-8",
        "<!DOCTYPE html><html><body>Please sign in. Debug: {authorization}</body></html>",
    );
    let page = probe(&format!("http://127.0.0.1:{}/t/scim/v2", html.port), TOKEN).await;
    assert_eq!(page.verdict, ScimVerdict::NotScim, "{page:?}");
    assert!(page.message.contains("an HTML page"), "{}", page.message);
    let detail = page.detail.clone().unwrap();
    assert!(detail.contains("Bearer <redacted>"), "{detail}");
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );

    // JSON, but not SCIM.
    let json = CannedHttp::start(200, "application/json", r#"{"status":"ok","users":[]}"#);
    let j = probe(&format!("http://127.0.0.1:{}/t/scim/v2", json.port), TOKEN).await;
    assert_eq!(j.verdict, ScimVerdict::NotScim, "{j:?}");
    assert!(
        j.message.contains("not a SCIM list response"),
        "{}",
        j.message
    );

    // A server error.
    let broken = CannedHttp::start(503, "text/plain", "upstream unavailable");
    let e = probe(
        &format!("http://127.0.0.1:{}/t/scim/v2", broken.port),
        TOKEN,
    )
    .await;
    assert_eq!(
        (e.verdict, e.http_status),
        (ScimVerdict::ServerError, Some(503))
    );

    // https to a plain-http port: the TLS handshake fails.
    let tls = probe(&format!("https://127.0.0.1:{}/t/scim/v2", html.port), TOKEN).await;
    assert_eq!(tls.verdict, ScimVerdict::Unreachable, "{tls:?}");
    assert_eq!(tls.network_failure, Some(NetworkFailure::Tls), "{tls:?}");

    // A connection that is accepted and never answered.
    let silent = SilentListener::start();
    let started = std::time::Instant::now();
    let t = probe::test_connection(
        &format!("http://127.0.0.1:{}/t/scim/v2", silent.port),
        &Secret::new(TOKEN),
        short(),
    )
    .await;
    assert_eq!(t.verdict, ScimVerdict::Timeout, "{t:?}");
    assert!(
        t.message.contains("did not answer within 1 s"),
        "{}",
        t.message
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    for r in [&down, &page, &j, &e, &tls, &t] {
        assert_no_token("a verdict", &serde_json::to_string(r).unwrap());
    }
}

fn keychain_service() -> String {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no session bus: run through tests/with-peers.sh (make test does)"
    );
    format!("gatehouse-scim-test-{}-{}", std::process::id(), free_port())
}

fn os_keychain(service: &str) -> Keychain {
    Keychain::with_backend(Arc::new(OsBackend), service)
}

#[tokio::test(flavor = "multi_thread")]
async fn save_test_replace_forget_through_the_os_keychain_without_leaking() {
    let service = keychain_service();
    let scim = ScimServer::start(TOKEN);
    let dir = tempfile::tempdir().unwrap();
    let g = Gatehouse::new(
        Store::open(&dir.path().join("gatehouse.db")).unwrap(),
        os_keychain(&service),
    );
    let mut returned: Vec<String> = Vec::new();

    // The peer's URL is not IAM Identity Center's: refused until the admin accepts it.
    let err = g
        .save_scim_settings(scim.endpoint(), Some(Secret::new(TOKEN)), None, false)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Validation);
    assert_eq!(err.detail.as_deref(), Some(codes::NONSTANDARD_ENDPOINT));
    assert!(err.message.contains("plain http"), "{}", err.message);
    returned.push(serde_json::to_string(&err).unwrap());
    let v = g.provisioning_view().await.unwrap();
    assert!(v.endpoint.is_none() && v.token.is_none(), "nothing saved");

    let v = g
        .save_scim_settings(scim.endpoint(), Some(Secret::new(TOKEN)), None, true)
        .await
        .unwrap();
    returned.push(serde_json::to_string(&v).unwrap());
    let t = v.token.as_ref().unwrap();
    assert_eq!(t.last4, &TOKEN[TOKEN.len() - 4..]);
    assert_eq!(t.days_left, 365);
    assert_eq!(v.steps[0].summary, "Test the connection.");
    // In the Secret Service, under the endpoint's account.
    let key = KeychainKey::ScimToken {
        endpoint: scim.endpoint(),
    };
    assert_eq!(
        os_keychain(&service).read(&key).unwrap().unwrap().expose(),
        TOKEN
    );

    let result = g.test_scim_connection(quick()).await.unwrap();
    assert_eq!(result.verdict, ScimVerdict::Ok, "{result:?}");
    returned.push(serde_json::to_string(&result).unwrap());
    let v = g.confirm_attribute_mapping(true).await.unwrap();
    returned.push(serde_json::to_string(&v).unwrap());
    assert_eq!(v.last_test.as_ref().unwrap().verdict, ScimVerdict::Ok);
    assert_eq!(v.steps[0].status, StepStatus::Done, "{:?}", v.steps[0]);

    // Replace with a wrong token: the test says so, the step turns to attention.
    let v = g
        .save_scim_settings(scim.endpoint(), Some(Secret::new(WRONG_TOKEN)), None, true)
        .await
        .unwrap();
    assert!(v.last_test.is_none(), "a new token clears the last test");
    returned.push(serde_json::to_string(&v).unwrap());
    let result = g.test_scim_connection(quick()).await.unwrap();
    assert_eq!(result.verdict, ScimVerdict::TokenRejected);
    returned.push(serde_json::to_string(&result).unwrap());
    let v = g.provisioning_view().await.unwrap();
    assert_eq!(v.steps[0].status, StepStatus::Attention);
    assert_eq!(
        v.steps[0].summary,
        "The last connection test failed: the token was rejected."
    );
    returned.push(serde_json::to_string(&v).unwrap());
    returned.push(gatehouse_core::scim::mapping::as_text());

    // A server that echoes the Authorization header: the kept result is redacted.
    let echo = CannedHttp::start(200, "text/html", "<html>You sent: {authorization}</html>");
    let echo_endpoint = format!("http://127.0.0.1:{}/t/scim/v2", echo.port);
    g.save_scim_settings(echo_endpoint.clone(), Some(Secret::new(TOKEN)), None, true)
        .await
        .unwrap();
    assert!(
        os_keychain(&service).read(&key).unwrap().is_none(),
        "the old endpoint's entry is removed"
    );
    let result = g.test_scim_connection(quick()).await.unwrap();
    assert_eq!(result.verdict, ScimVerdict::NotScim);
    let v = g.provisioning_view().await.unwrap();
    let kept = v.last_test.as_ref().unwrap().detail.clone().unwrap();
    assert!(kept.contains("You sent: Bearer <redacted>"), "{kept}");
    returned.push(serde_json::to_string(&result).unwrap());
    returned.push(serde_json::to_string(&v).unwrap());
    let key = KeychainKey::ScimToken {
        endpoint: echo_endpoint,
    };

    // Nothing anywhere holds either token: SQLite (with its WAL) and every returned value.
    for text in &returned {
        assert_no_token("a command result", text);
    }
    assert_no_token("the data directory", &all_bytes_under(dir.path()));
    assert!(
        all_bytes_under(dir.path()).contains("setup.scim"),
        "the search looked at the right database"
    );

    // Forget: gone from the keychain and the settings.
    let v = g.forget_scim_token().await.unwrap();
    assert!(v.token.is_none());
    assert!(os_keychain(&service).read(&key).unwrap().is_none());
    let err = g.test_scim_connection(quick()).await.unwrap_err();
    assert_eq!(err.detail.as_deref(), Some(codes::NO_TOKEN));
}

/// Runs `gatehouse scim test …` with `stdin` and returns (exit code, stdout, stderr).
fn cli(
    home: &std::path::Path,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let mut cmd = gatehouse_cmd(home);
    cmd.args(["scim", "test"])
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert_no_token("the CLI's stdout", &stdout);
    assert_no_token("the CLI's stderr", &stderr);
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

#[test]
fn cli_scim_test_with_a_token_on_stdin() {
    let scim = ScimServer::start(TOKEN);
    let home = tempfile::tempdir().unwrap();
    let ep = scim.endpoint();

    let (code, stdout, stderr) = cli(
        home.path(),
        &["--endpoint", &ep, "--token-stdin"],
        &format!("{TOKEN}\n"),
        &[],
    );
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.contains("Verdict   ok"), "{stdout}");
    assert!(
        stderr.contains("warning:") && stderr.contains("testing it anyway"),
        "{stderr}"
    );

    let (code, stdout, _) = cli(
        home.path(),
        &["--endpoint", &ep, "--token-stdin", "--json"],
        TOKEN,
        &[],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (v["verdict"].as_str(), v["ok"].as_bool()),
        (Some("ok"), Some(true))
    );
    assert_eq!(v["http_status"], 200);

    let (code, stdout, _) = cli(
        home.path(),
        &["--endpoint", &ep, "--token-stdin", "--json"],
        WRONG_TOKEN,
        &[],
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["verdict"], "token_rejected");

    let (code, stdout, _) = cli(
        home.path(),
        &["--endpoint", &ep, "--token-stdin"],
        WRONG_TOKEN,
        &[],
    );
    assert_eq!(code, 1);
    assert!(stdout.contains("Verdict   token_rejected"), "{stdout}");

    let silent = SilentListener::start();
    let (code, stdout, _) = cli(
        home.path(),
        &[
            "--endpoint",
            &format!("http://127.0.0.1:{}/t/v2", silent.port),
            "--token-stdin",
            "--json",
            "--timeout",
            "1",
        ],
        TOKEN,
        &[],
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["verdict"], "timeout");

    // What can never work is a usage error.
    let (code, _, stderr) = cli(
        home.path(),
        &["--endpoint", "http://10.1.2.3/t/scim/v2", "--token-stdin"],
        TOKEN,
        &[],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("plain http"), "{stderr}");
    let (code, _, stderr) = cli(home.path(), &["--endpoint", &ep, "--token-stdin"], "", &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("token is empty"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_scim_test_uses_the_token_the_app_stored() {
    let service = keychain_service();
    let scim = ScimServer::start(TOKEN);
    let home = tempfile::tempdir().unwrap();
    let g = Gatehouse::new(
        Store::open(&home.path().join("app.db")).unwrap(),
        os_keychain(&service),
    );
    // Saved with a trailing slash: the CLI finds it under the same normalised endpoint.
    g.save_scim_settings(
        format!("{}/", scim.endpoint()),
        Some(Secret::new(TOKEN)),
        None,
        true,
    )
    .await
    .unwrap();
    // (The CLI runs to completion here; nothing else uses this runtime meanwhile.)
    let env = [("GATEHOUSE_KEYCHAIN_SERVICE", service.as_str())];
    let (code, stdout, stderr) = cli(
        home.path(),
        &["--endpoint", &scim.endpoint(), "--json"],
        "",
        &env,
    );
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["verdict"], "ok");

    // No token stored for another endpoint.
    let other = format!("http://127.0.0.1:{}/other/v2", scim.port);
    let (code, _, stderr) = cli(home.path(), &["--endpoint", &other], "", &env);
    assert_eq!(code, 1);
    assert!(stderr.contains("No access token is stored"), "{stderr}");

    g.forget_scim_token().await.unwrap();
}

async fn connected_to_demo(aws: &LocalAws, dir: &std::path::Path) -> Gatehouse {
    let g = gatehouse_tests::test_gatehouse(Store::open(&dir.join("g.db")).unwrap()).await;
    g.connect(aws.spec("eu-west-1")).await.unwrap();
    g
}

fn strings(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn verification_finds_exactly_the_demo_seeds_problems() {
    let aws = LocalAws::start();
    let seed = aws.seed("demo", "eu-west-1");
    let dir = tempfile::tempdir().unwrap();

    let offline = Gatehouse::new(Store::open_in_memory().unwrap(), Keychain::in_memory());
    let err = offline
        .verify_identity_store(Arc::new(NoProgress), CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotConnected);

    let g = connected_to_demo(&aws, dir.path()).await;
    g.set_expected_groups(vec![
        "developers".into(),
        " AWS-Admins".into(),
        "Finance-Team".into(),
    ])
    .await
    .unwrap();
    // Progress: the users and groups as they are read, then the groups' members one by one.
    let seen: Arc<std::sync::Mutex<Vec<Progress>>> = Arc::default();
    let sink = {
        let seen = seen.clone();
        Arc::new(move |p: Progress| seen.lock().unwrap().push(p))
    };
    let r = g
        .verify_identity_store(sink, CancellationToken::new())
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    let groups = seed["counts"]["groups"].as_u64().unwrap() as u32;
    assert_eq!(
        seen.first().map(|p| p.message.as_str()),
        Some("Reading users…")
    );
    assert_eq!(
        seen.last().map(|p| (p.done, p.total)),
        Some((groups, groups)),
        "{seen:?}"
    );
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done), "{seen:?}");
    assert_eq!(
        r.identity_store_id,
        seed["identity_store_id"].as_str().unwrap()
    );
    assert_eq!(
        r.user_count as u64,
        seed["counts"]["users"].as_u64().unwrap()
    );
    assert_eq!(
        r.group_count as u64,
        seed["counts"]["groups"].as_u64().unwrap()
    );
    assert_eq!(
        r.membership_count as u64,
        seed["counts"]["memberships"].as_u64().unwrap()
    );

    let expected = &seed["expected_findings"];
    let found = |kind: ProblemKind| -> BTreeSet<String> {
        r.problems
            .iter()
            .find(|p| p.kind == kind)
            .map(|p| p.items.iter().map(|i| i.name.clone()).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        found(ProblemKind::UsersWithoutEmail),
        strings(&expected["users_without_email"])
    );
    assert_eq!(
        found(ProblemKind::UsersMissingName),
        strings(&expected["users_missing_family_name"])
    );
    let (dup_name, dup_users) = expected["duplicate_display_names"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    assert_eq!(
        found(ProblemKind::DuplicateDisplayNames),
        strings(dup_users)
    );
    let dups = r
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::DuplicateDisplayNames)
        .unwrap();
    assert!(dups
        .items
        .iter()
        .all(|i| i.shared_value.as_deref() == Some(dup_name.as_str())));
    assert_eq!(
        found(ProblemKind::GroupsWithoutMembers),
        strings(&expected["groups_without_members"])
    );
    assert_eq!(
        found(ProblemKind::UsersWithoutGroups),
        strings(&expected["users_without_groups"])
    );
    // Exactly those kinds: no duplicate user names in the demo.
    let kinds: BTreeSet<ProblemKind> = r.problems.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        BTreeSet::from([
            ProblemKind::UsersWithoutEmail,
            ProblemKind::UsersMissingName,
            ProblemKind::DuplicateDisplayNames,
            ProblemKind::GroupsWithoutMembers,
            ProblemKind::UsersWithoutGroups,
        ])
    );

    assert_eq!(r.missing_groups, ["Finance-Team"]);
    let devs = &r.expected_groups[0];
    assert!(devs.arrived && devs.member_count.unwrap() > 0, "{devs:?}");
    assert!(r.notes.iter().any(|n| n.contains("direct members")));
    assert!(r.notes.iter().any(|n| n.contains("about every 40 minutes")));

    let v = g.provisioning_view().await.unwrap();
    let step = v.steps.iter().find(|s| s.id == "verify").unwrap();
    assert_eq!(step.status, StepStatus::Attention);
    assert!(step.summary.contains("had not arrived"), "{}", step.summary);
    assert_eq!(v.last_verification.unwrap().user_count, r.user_count);
    assert!(v.console_url.unwrap().contains("eu-west-1"));
}

#[tokio::test(flavor = "multi_thread")]
async fn verification_names_the_denied_identity_store_action() {
    let aws = LocalAws::start();
    aws.seed("small", "eu-west-1");
    let dir = tempfile::tempdir().unwrap();
    let g = connected_to_demo(&aws, dir.path()).await;
    aws.set_faults(serde_json::json!([{
        "operation": "ListGroupMemberships",
        "service": "identitystore",
        "error": "AccessDeniedException",
        "message": "User is not authorized to perform: identitystore:ListGroupMemberships"
    }]));
    let err = g
        .verify_identity_store(Arc::new(NoProgress), CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::AccessDenied, "{err:?}");
    assert!(
        err.message.contains("identitystore:ListGroupMemberships"),
        "{}",
        err.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn verification_can_be_cancelled_and_keeps_the_last_result() {
    let aws = LocalAws::start();
    aws.seed("demo", "eu-west-1");
    let dir = tempfile::tempdir().unwrap();
    let g = connected_to_demo(&aws, dir.path()).await;
    // Slow memberships: cancelled while they are read.
    aws.set_faults(serde_json::json!([{
        "operation": "ListGroupMemberships",
        "service": "identitystore",
        "delay_seconds": 2
    }]));
    let cancel = CancellationToken::new();
    let canceller = {
        let cancel = cancel.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            cancel.cancel();
        }
    };
    let started = std::time::Instant::now();
    let (result, ()) = tokio::join!(
        g.verify_identity_store(Arc::new(NoProgress), cancel),
        canceller
    );
    let err = result.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Cancelled, "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "stopped at once"
    );
    // Nothing was recorded as the last verification.
    assert!(g
        .provisioning_view()
        .await
        .unwrap()
        .last_verification
        .is_none());
}
