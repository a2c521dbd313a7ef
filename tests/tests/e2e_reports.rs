//! End to end: open Reports in the real app, read the organisation, filter by one user and
//! see their access — including what they hold through a group, with the group named — and
//! exactly as many rows as the seeded organisation implies.

use std::time::Duration;

use gatehouse_tests::{dummy_aws_env, GuiApp, LocalAws};

const REGION: &str = "eu-west-1";

#[tokio::test(flavor = "multi_thread")]
async fn reports_filter_by_user_shows_access_through_groups() {
    let aws = LocalAws::start();
    let seed = aws.seed("demo", REGION);
    // Priya Patel: a member of Platform-Engineers and Developers, no direct assignment.
    let user = seed["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user_name"].as_str().unwrap().starts_with("priya.patel"))
        .expect("priya in the seed");
    let user_id = user["id"].as_str().unwrap();
    let user_name = user["user_name"].as_str().unwrap();
    let groups: Vec<(String, String)> = seed["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| {
            g["member_user_ids"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m == user_id)
        })
        .map(|g| {
            (
                g["id"].as_str().unwrap().to_owned(),
                g["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let assignments = seed["assignments"].as_array().unwrap();
    let through: Vec<&str> = assignments
        .iter()
        .filter_map(|a| {
            groups
                .iter()
                .find(|(id, _)| a["principal_id"] == id.as_str())
                .map(|(_, name)| name.as_str())
        })
        .collect();
    let direct = assignments
        .iter()
        .filter(|a| a["principal_id"] == user_id)
        .count();
    assert!(
        !through.is_empty(),
        "the seed gives Priya access through a group"
    );

    let app = GuiApp::launch(
        &["--region", REGION, "--endpoint-url", &aws.url],
        &dummy_aws_env(),
    )
    .await;
    let t = Duration::from_secs(60);
    app.wait_connected(t).await;
    app.click("nav-reports").await;
    app.wait_for("reports-page", t).await;
    if !app.exists("report-total").await {
        app.click("report-refresh").await;
    }
    app.wait_for("report-total", t).await;

    app.type_into("report-filter-user", "priya").await;
    app.click("report-user-option").await;
    let want = through.len() + direct;
    app.wait_until(
        "report-total",
        Some("data-rows"),
        |v| v == want.to_string(),
        t,
    )
    .await;
    let rows = app
        .client
        .find_all(fantoccini::Locator::Css("[data-testid=\"report-row\"]"))
        .await
        .unwrap();
    assert_eq!(rows.len(), want);
    let mut texts = Vec::new();
    for r in rows {
        texts.push(r.text().await.unwrap());
    }
    for group in &through {
        assert!(
            texts.iter().any(|t| t.contains(&format!("via {group}"))),
            "a row says via {group}: {texts:#?}"
        );
    }
    let summary = app
        .wait_for("report-user-summary", t)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        summary.contains(user_name) || summary.contains("Priya"),
        "{summary}"
    );
    app.screenshot("reports-user").await;
    app.close().await;
}
