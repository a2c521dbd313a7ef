//! System tests: connecting to a real (moto-backed) AWS through the real SDK.
//!
//! Covers connect, whoami, instance discovery across regions, remembering the last
//! connection, and the faults an admin meets: no credentials, expired SSO session, a region
//! without an instance, AccessDenied naming the IAM action, an unreachable endpoint.

use std::sync::{Arc, Mutex};

use gatehouse_core::aws::{AccountRole, AwsSession, ConnectionSpec, CredentialSource};
use gatehouse_core::keychain::Keychain;
use gatehouse_core::progress::{CancellationToken, NoProgress, Progress};
use gatehouse_core::store::Store;
use gatehouse_core::{ErrorKind, Gatehouse, Secret};
use gatehouse_tests::{
    free_port, gatehouse_cmd, test_gatehouse, LocalAws, LocalAwsOptions, SilentListener,
};

async fn gatehouse(dir: &std::path::Path) -> Gatehouse {
    test_gatehouse(Store::open(&dir.join("g.db")).unwrap()).await
}

fn spec(aws: &LocalAws, region: &str) -> ConnectionSpec {
    aws.spec(region)
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_reads_identity_and_remembers_the_connection() {
    let aws = LocalAws::start();
    let seed = aws.seed("small", "eu-west-1");
    let dir = tempfile::tempdir().unwrap();
    let g = gatehouse(dir.path()).await;

    let status = g.connect(spec(&aws, "eu-west-1")).await.unwrap();
    let id = &status.identity;
    assert_eq!(
        id.account_id,
        seed["management_account_id"].as_str().unwrap()
    );
    assert!(id.caller_arn.starts_with("arn:aws:"), "{}", id.caller_arn);
    assert_eq!(id.role, AccountRole::Management);
    let inst = id.instance.as_ref().expect("instance in eu-west-1");
    assert_eq!(inst.instance_arn, seed["instance_arn"].as_str().unwrap());
    assert_eq!(
        inst.identity_store_id,
        seed["identity_store_id"].as_str().unwrap()
    );
    assert_eq!(
        id.organization.as_ref().unwrap().management_account_id,
        id.account_id
    );

    // Remembered in SQLite, without any secret.
    drop(g);
    let store = Store::open(&dir.path().join("g.db")).unwrap();
    let g2 = Gatehouse::new(store, Keychain::in_memory());
    assert_eq!(g2.last_connection().unwrap(), Some(spec(&aws, "eu-west-1")));
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        all.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let haystack = String::from_utf8_lossy(&all);
    assert!(
        !haystack.contains("gatehouse-test-secret-not-real"),
        "secret found in the data dir"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn instance_discovery_finds_the_one_region_and_can_be_cancelled() {
    let aws = LocalAws::start_with(LocalAwsOptions {
        instance_regions: vec!["ap-southeast-2"],
    });
    let dir = tempfile::tempdir().unwrap();
    let g = gatehouse(dir.path()).await;

    let status = g.connect(spec(&aws, "eu-west-1")).await.unwrap();
    assert!(
        status.identity.instance.is_none(),
        "no instance in eu-west-1"
    );

    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = {
        let seen = seen.clone();
        Arc::new(move |p: Progress| seen.lock().unwrap().push(p))
    };
    let found = g
        .find_instance_regions(sink, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].region, "ap-southeast-2");
    assert!(found[0].instance_arn.contains(":instance/ssoins-"));
    let seen = seen.lock().unwrap().clone();
    let total = gatehouse_core::aws::IDENTITY_CENTER_REGIONS.len() as u32;
    assert_eq!(seen.last().unwrap().done, total, "progress reaches the end");
    assert!(seen.iter().all(|p| p.total == total));

    let cancel = CancellationToken::new();
    cancel.cancel();
    let err = g
        .find_instance_regions(Arc::new(NoProgress), cancel)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Cancelled);

    // Switching to the found region connects to that instance.
    let status = g.connect(spec(&aws, "ap-southeast-2")).await.unwrap();
    assert_eq!(
        status.identity.instance.unwrap().instance_arn,
        found[0].instance_arn
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn access_denied_names_the_missing_action_and_keeps_the_old_connection() {
    let aws = LocalAws::start();
    let dir = tempfile::tempdir().unwrap();
    let g = gatehouse(dir.path()).await;
    g.connect(spec(&aws, "us-east-1")).await.unwrap();

    aws.set_faults(serde_json::json!([{
        "operation": "ListInstances",
        "error": "AccessDeniedException",
        "status": 400,
        "message": "User: arn:aws:iam::123456789012:user/moto is not authorized to perform: sso:ListInstances"
    }]));
    let err = g.connect(spec(&aws, "eu-west-1")).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::AccessDenied);
    assert!(err.message.contains("sso:ListInstances"), "{}", err.message);
    assert!(err.detail.unwrap().contains("AccessDeniedException"));
    // The failed attempt did not replace the working connection.
    assert_eq!(g.status().await.unwrap().spec.region, "us-east-1");
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_endpoint_is_a_network_error_naming_the_url() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let spec = ConnectionSpec {
        credentials: CredentialSource::StoredKeys,
        region: "eu-west-1".into(),
        endpoint_url: Some(url.clone()),
    };
    let kc = Keychain::in_memory();
    gatehouse_core::aws::session::store_access_keys(
        &kc,
        "AKIAGATEHOUSETEST0001",
        &Secret::new("x-secret"),
        None,
    )
    .unwrap();
    let session = AwsSession::new(spec, &kc).await.unwrap();
    let err = session.whoami().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Network, "{err:?}");
    assert!(err.message.contains(&url), "{}", err.message);
}

#[test]
fn cli_whoami_json_against_local_aws() {
    let aws = LocalAws::start();
    let seed = aws.seed("small", "us-east-1");
    let home = tempfile::tempdir().unwrap();
    let out = gatehouse_cmd(home.path())
        .envs(gatehouse_tests::dummy_aws_env())
        .args([
            "whoami",
            "--json",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &aws.url,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["account"], seed["management_account_id"]);
    assert_eq!(v["is_management_account"], true);
    assert_eq!(v["instance_arn"], seed["instance_arn"]);
    assert_eq!(v["identity_store_id"], seed["identity_store_id"]);
    assert_eq!(v["region"], "us-east-1");
    assert!(v["arn"].as_str().unwrap().starts_with("arn:aws:"));
}

#[test]
fn cli_honours_aws_endpoint_url_and_region_variables() {
    let aws = LocalAws::start();
    let home = tempfile::tempdir().unwrap();
    let out = gatehouse_cmd(home.path())
        .envs(gatehouse_tests::dummy_aws_env())
        .env("AWS_ENDPOINT_URL", &aws.url)
        .env("AWS_REGION", "eu-central-1")
        .args(["whoami", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["region"], "eu-central-1");
    assert!(v["instance_arn"].as_str().unwrap().contains("ssoins-"));
}

#[test]
fn cli_region_without_instance_says_so() {
    let aws = LocalAws::start_with(LocalAwsOptions {
        instance_regions: vec!["eu-west-1"],
    });
    let home = tempfile::tempdir().unwrap();
    let out = gatehouse_cmd(home.path())
        .envs(gatehouse_tests::dummy_aws_env())
        .args([
            "whoami",
            "--region",
            "us-west-2",
            "--endpoint-url",
            &aws.url,
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("none in us-west-2"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no IAM Identity Center instance in us-west-2"),
        "{stderr}"
    );
}

#[test]
fn cli_without_credentials_explains_what_to_do() {
    let home = tempfile::tempdir().unwrap();
    let out = gatehouse_cmd(home.path())
        .args([
            "whoami",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            &format!("http://127.0.0.1:{}", free_port()),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("No AWS credentials were found"), "{stderr}");
}

#[test]
fn cli_expired_sso_session_tells_which_login_to_run() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("aws-config"),
        "[profile org-admin]\n\
         sso_session = corp\n\
         sso_account_id = 111122223333\n\
         sso_role_name = AdministratorAccess\n\
         region = eu-west-1\n\
         \n\
         [sso-session corp]\n\
         sso_start_url = https://d-1234567890.awsapps.com/start\n\
         sso_region = eu-west-1\n\
         sso_registration_scopes = sso:account:access\n",
    )
    .unwrap();
    // An expired cached token, as `aws sso login` leaves it after 8-12 hours.
    let cache = home.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let name = {
        use std::fmt::Write;
        // aws-config names the cache file after the SHA-1 of the session name.
        let digest = sha1_hex(b"corp");
        let mut s = String::new();
        write!(s, "{digest}.json").unwrap();
        s
    };
    std::fs::write(
        cache.join(name),
        r#"{"accessToken":"expired-token","expiresAt":"2020-01-01T00:00:00Z","region":"eu-west-1","startUrl":"https://d-1234567890.awsapps.com/start"}"#,
    )
    .unwrap();
    let out = gatehouse_cmd(home.path())
        .args([
            "whoami",
            "--profile",
            "org-admin",
            "--endpoint-url",
            &format!("http://127.0.0.1:{}", free_port()),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("aws sso login --profile org-admin"),
        "{stderr}"
    );
}

fn sha1_hex(data: &[u8]) -> String {
    let out = std::process::Command::new("sha1sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(data)?;
            c.wait_with_output()
        })
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn cli_version_and_bad_flags() {
    let home = tempfile::tempdir().unwrap();
    let out = gatehouse_cmd(home.path())
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("gatehouse {}", gatehouse_core::VERSION)
    );
    let out = gatehouse_cmd(home.path())
        .args(["whoami", "--region", "not a region"])
        .envs(gatehouse_tests::dummy_aws_env())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an AWS region name"));
}

#[test]
fn gui_without_a_display_says_so() {
    let home = tempfile::tempdir().unwrap();
    let out = gatehouse_cmd(home.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a graphical display"));
}

#[tokio::test(flavor = "multi_thread")]
async fn connecting_can_be_cancelled_and_keeps_the_previous_connection() {
    let aws = LocalAws::start();
    aws.seed("small", "eu-west-1");
    let dir = tempfile::tempdir().unwrap();
    let g = gatehouse(dir.path()).await;
    let first = g.connect(spec(&aws, "eu-west-1")).await.unwrap();

    // An endpoint that accepts and never answers: the SDK would wait for its timeouts.
    let silent = SilentListener::start();
    let mut stuck = spec(&aws, "eu-west-1");
    stuck.endpoint_url = Some(format!("http://127.0.0.1:{}", silent.port));
    let cancel = CancellationToken::new();
    let c = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        c.cancel();
    });
    let started = std::time::Instant::now();
    let err = g.connect_until(stuck, cancel).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Cancelled, "{err:?}");
    // Well before the SDK's 20 s attempt timeout would have ended it.
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    // Nothing changed: the previous connection is live and is the one remembered.
    let now = g.status().await.expect("still connected");
    assert_eq!(now.spec, first.spec);
    assert_eq!(now.identity.account_id, first.identity.account_id);
    assert_eq!(g.last_connection().unwrap(), Some(first.spec));
}
