//! End to end: the built app, launched under Xvfb through tauri-driver, connects to the
//! seeded local AWS and shows the account and the Identity Center instance in its header.

use std::time::Duration;

use gatehouse_tests::{dummy_aws_env, GuiApp, LocalAws};

#[tokio::test(flavor = "multi_thread")]
async fn app_connects_and_shows_account_and_instance_in_the_header() {
    let aws = LocalAws::start();
    let seed = aws.seed("demo", "eu-west-1");
    let account = seed["management_account_id"].as_str().unwrap().to_owned();
    let instance_arn = seed["instance_arn"].as_str().unwrap().to_owned();
    let store_id = seed["identity_store_id"].as_str().unwrap().to_owned();
    let instance_id = instance_arn.rsplit('/').next().unwrap().to_owned();

    let app = GuiApp::launch(
        &["--region", "eu-west-1", "--endpoint-url", &aws.url],
        &dummy_aws_env(),
    )
    .await;
    let t = Duration::from_secs(30);
    app.wait_until(
        "header-account",
        Some("data-account-id"),
        |v| v == account,
        t,
    )
    .await;
    let shown = app
        .wait_until("header-instance", None, |v| v.contains(&instance_id), t)
        .await;
    assert!(shown.contains(&instance_id));
    app.wait_until(
        "header-instance",
        Some("data-instance-arn"),
        |v| v == instance_arn,
        t,
    )
    .await;
    app.wait_until("header-store", None, |v| v.contains(&store_id), t)
        .await;
    let role = app.wait_for("header-role", t).await.text().await.unwrap();
    assert!(role.contains("management"), "{role}");
    app.wait_connected(t).await;
    let shot = app.screenshot("foundation-connected").await;
    assert!(
        std::fs::metadata(&shot)
            .map(|m| m.len() > 10_000)
            .unwrap_or(false),
        "screenshot saved"
    );

    // The connection was remembered in the app's SQLite database (no secret in it).
    let db = std::fs::read(app.data_dir.path().join("data/gatehouse.db")).unwrap_or_default();
    let wal = std::fs::read(app.data_dir.path().join("data/gatehouse.db-wal")).unwrap_or_default();
    let text = String::from_utf8_lossy(&[db, wal].concat()).to_string();
    assert!(text.contains("eu-west-1"), "last connection stored");
    assert!(!text.contains("gatehouse-test-secret-not-real"));
    app.close().await;
}
