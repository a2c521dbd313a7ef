//! End to end: create a permission set from a job-function template with an inline policy
//! in the real app (plan preview, then apply), and find it in AWS (moto) afterwards.

use std::time::Duration;

use gatehouse_core::aws::{AwsSession, ConnectionSpec, CredentialSource};
use gatehouse_core::keychain::Keychain;
use gatehouse_core::Secret;
use gatehouse_tests::{dummy_aws_env, GuiApp, LocalAws};

const NAME: &str = "E2E-ReadOnly";
const INLINE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    { "Sid": "ReadLogs", "Effect": "Allow", "Action": ["logs:Get*", "logs:Describe*"], "Resource": "*" }
  ]
}"#;

#[tokio::test(flavor = "multi_thread")]
async fn create_from_template_with_inline_policy_and_find_it_in_aws() {
    let aws = LocalAws::start();
    let seed = aws.seed("small", "us-east-1");
    let app = GuiApp::launch(
        &["--region", "us-east-1", "--endpoint-url", &aws.url],
        &dummy_aws_env(),
    )
    .await;
    let t = Duration::from_secs(30);
    app.wait_connected(t).await;

    app.click("nav-permission-sets").await;
    app.click("ps-new").await;
    app.click("ps-template-ReadOnlyAccess").await;
    app.type_into("ps-name", NAME).await;
    if app.exists("ps-tab-policies").await {
        app.click("ps-tab-policies").await;
    }
    app.wait_for("ps-inline-editor", t).await;
    app.client
        .execute(
            "window.__gatehouseSetInlinePolicy(arguments[0]);",
            vec![INLINE.into()],
        )
        .await
        .expect("set the inline policy");
    // Review is enabled once the latest edit has been checked (it stays disabled while an
    // earlier draft's problems are still shown).
    let deadline = std::time::Instant::now() + t;
    loop {
        let disabled = app
            .client
            .execute(
                r#"return document.querySelector('[data-testid="ps-review"]').disabled;"#,
                vec![],
            )
            .await
            .unwrap();
        if disabled == serde_json::Value::Bool(false) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "Review never became enabled"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.click("ps-review").await;
    app.wait_for("ps-plan-step-0", t).await;
    let plan = app.wait_for("ps-plan", t).await.text().await.unwrap();
    assert!(plan.contains(NAME), "the plan names the set: {plan}");
    app.click("ps-apply").await;
    app.wait_until(
        "ps-apply-report",
        Some("data-outcome"),
        |v| v == "succeeded",
        Duration::from_secs(60),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.screenshot("permission-set-created").await;
    app.close().await;

    // Independently of the app: ask AWS (moto) through the SDK.
    let kc = Keychain::in_memory();
    gatehouse_core::aws::session::store_access_keys(
        &kc,
        "AKIAGATEHOUSETEST0001",
        &Secret::new("x"),
        None,
    )
    .unwrap();
    let session = AwsSession::new(
        ConnectionSpec {
            credentials: CredentialSource::StoredKeys,
            region: "us-east-1".into(),
            endpoint_url: Some(aws.url.clone()),
        },
        &kc,
    )
    .await
    .unwrap();
    let instance = seed["instance_arn"].as_str().unwrap();
    let sso = session.sso_admin();
    let arns = sso
        .list_permission_sets()
        .instance_arn(instance)
        .send()
        .await
        .unwrap();
    let mut found = None;
    for arn in arns.permission_sets() {
        let d = sso
            .describe_permission_set()
            .instance_arn(instance)
            .permission_set_arn(arn)
            .send()
            .await
            .unwrap();
        if d.permission_set().and_then(|p| p.name()) == Some(NAME) {
            found = Some(arn.to_owned());
        }
    }
    let arn = found.expect("the permission set exists in AWS");
    let managed = sso
        .list_managed_policies_in_permission_set()
        .instance_arn(instance)
        .permission_set_arn(&arn)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = managed
        .attached_managed_policies()
        .iter()
        .filter_map(|p| p.name())
        .collect();
    assert!(names.contains(&"ReadOnlyAccess"), "{names:?}");
    let inline = sso
        .get_inline_policy_for_permission_set()
        .instance_arn(instance)
        .permission_set_arn(&arn)
        .send()
        .await
        .unwrap();
    let got: serde_json::Value =
        serde_json::from_str(inline.inline_policy().unwrap_or("{}")).unwrap();
    let want: serde_json::Value = serde_json::from_str(INLINE).unwrap();
    assert_eq!(got, want);
}
