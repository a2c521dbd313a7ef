//! End to end: Setup step 3 in the real app. The admin saves a SCIM endpoint and token,
//! runs "Test connection" against the real scim2-server peer, and the token is then looked
//! for everywhere it must never be: every IPC payload the UI received, the page itself, the
//! app data directory (SQLite, WAL, logs). It must be in the OS keychain only.

use std::time::Duration;

use gatehouse_tests::{all_bytes_under, dummy_aws_env, GuiApp, LocalAws, ScimServer};

const TOKEN: &str = "scim-e2e-token-7c1f0b2a9e4d4f1f8a3b6c5d4e3f2a1b";

#[tokio::test(flavor = "multi_thread")]
async fn token_is_saved_tested_and_never_leaks() {
    let aws = LocalAws::start();
    aws.seed("small", "us-east-1");
    let scim = ScimServer::start(TOKEN);
    let service = format!("gatehouse-e2e-{}", std::process::id());
    let mut env = dummy_aws_env();
    env.push(("GATEHOUSE_KEYCHAIN_SERVICE", service.as_str()));
    let app = GuiApp::launch(&["--region", "us-east-1", "--endpoint-url", &aws.url], &env).await;
    let t = Duration::from_secs(30);
    app.wait_connected(t).await;

    // Record every IPC payload the UI receives from here on.
    app.client
        .execute("globalThis.__GATEHOUSE_IPC_LOG__ = [];", vec![])
        .await
        .unwrap();

    app.click("nav-setup-provisioning").await;
    app.type_into("scim-endpoint", &scim.endpoint()).await;
    app.type_into("scim-token", TOKEN).await;
    app.click("scim-save").await;
    // scim2-server's path is not AWS's shape: the admin is warned and accepts it.
    app.click("scim-accept-nonstandard").await;
    let info = app
        .wait_for("scim-token-info", t)
        .await
        .text()
        .await
        .unwrap();
    assert!(info.contains(&TOKEN[TOKEN.len() - 4..]), "{info}");

    app.click("scim-test").await;
    app.wait_until("scim-test-result", Some("data-verdict"), |v| v == "ok", t)
        .await;
    app.wait_for("header-scim-token", t).await;
    app.screenshot("provisioning-tested").await;

    // Nowhere but the keychain.
    let ipc = app
        .client
        .execute(
            "return JSON.stringify(globalThis.__GATEHOUSE_IPC_LOG__);",
            vec![],
        )
        .await
        .unwrap();
    let ipc = ipc.as_str().unwrap_or_default().to_owned();
    assert!(
        ipc.contains("provisioning"),
        "the recorder saw the commands: {ipc:.200}"
    );
    assert!(!ipc.contains(TOKEN), "token in an IPC payload");
    let page = app.client.source().await.unwrap();
    assert!(!page.contains(TOKEN), "token in the page");
    let data = all_bytes_under(app.data_dir.path());
    assert!(!data.contains(TOKEN), "token in the data directory or logs");
    let found = std::process::Command::new("secret-tool")
        .args(["search", "--all", "service", &service])
        .output()
        .unwrap();
    let found = format!(
        "{}{}",
        String::from_utf8_lossy(&found.stdout),
        String::from_utf8_lossy(&found.stderr)
    );
    assert!(found.contains(TOKEN), "the token is in the OS keychain");

    // Forget removes it from the keychain.
    app.click("scim-forget").await;
    // The UI asks to confirm (it may render a moment later).
    app.click("scim-forget-confirm").await;
    let deadline = std::time::Instant::now() + t;
    loop {
        let out = std::process::Command::new("secret-tool")
            .args(["search", "--all", "service", &service])
            .output()
            .unwrap();
        if !String::from_utf8_lossy(&out.stdout).contains(TOKEN) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "Forget left the token in the keychain"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.close().await;
}
