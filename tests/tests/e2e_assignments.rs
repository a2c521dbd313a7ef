//! End to end: in the real app, assign a group a permission set across an OU in the matrix
//! (select the OU row and the group's column, pick the set, stage), review the plan, apply,
//! and find the assignments in AWS (moto) — each exactly once.

use std::time::Duration;

use gatehouse_tests::{dummy_aws_env, GuiApp, LocalAws};
use serde_json::Value;

const REGION: &str = "eu-west-1";

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|v| v[key] == value)
        .unwrap_or_else(|| panic!("{key} = {value}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn assign_a_group_across_an_ou_in_the_matrix_and_find_it_in_aws() {
    let aws = LocalAws::start();
    let seed = aws.seed("demo", REGION);
    let ou = find(
        &seed["organizational_units"],
        "path",
        "/Workloads/Production",
    );
    let ou_id = ou["id"].as_str().unwrap().to_owned();
    let support = find(&seed["groups"], "name", "Support")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read_only = find(&seed["permission_sets"], "name", "ReadOnly")["arn"]
        .as_str()
        .unwrap()
        .to_owned();
    let prod: Vec<String> = seed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["ou_path"] == "/Workloads/Production")
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(prod.len() >= 5);

    let app = GuiApp::launch(
        &["--region", REGION, "--endpoint-url", &aws.url],
        &dummy_aws_env(),
    )
    .await;
    let t = Duration::from_secs(60);
    app.wait_connected(t).await;
    app.click("nav-assignments").await;
    // The first visit reads the organisation (no snapshot kept yet).
    app.wait_for("snapshot-as-of", t).await;
    app.screenshot("assignments-matrix").await;
    // Narrow the matrix to the production accounts and the Support group.
    app.type_into("filter-account", "prod").await;
    app.type_into("filter-principal", "Support").await;
    app.wait_for(&format!("ou-row-{ou_id}"), t).await;

    // Select the Production OU row and the Support column, then pick ReadOnly.
    app.click(&format!("ou-row-{ou_id}")).await;
    app.click(&format!("col-{support}")).await;
    app.click("bulk-assign").await;
    app.click("ps-option-ReadOnly").await;
    app.click("stage-assign").await;
    app.wait_until("pending-count", None, |v| v == prod.len().to_string(), t)
        .await;
    // Staged, not sent: the cell shows a pending chip.
    let cell = app
        .wait_for(&format!("cell-{}-{support}", prod[0]), t)
        .await
        .html(false)
        .await
        .unwrap();
    assert!(
        cell.contains("ps-chip-added"),
        "dashed pending chip: {cell}"
    );
    app.screenshot("assignments-staged").await;

    app.click("review-apply").await;
    let headline = app
        .wait_for("apply-headline", t)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        headline.contains(&format!("{} to assign", prod.len())),
        "{headline}"
    );
    app.screenshot("assignments-review").await;
    app.click("apply-confirm").await;
    let result = app.wait_for("apply-result", t).await.text().await.unwrap();
    assert!(result.contains("Completed"), "{result}");
    app.screenshot("assignments-applied").await;
    app.click("apply-done").await;
    app.wait_until("pending-count", None, |v| v == "0", t).await;
    // The matrix shows them as assigned now (the kept snapshot was updated, no refresh).
    let deadline = std::time::Instant::now() + t;
    loop {
        let cell = app
            .wait_for(&format!("cell-{}-{support}", prod[0]), t)
            .await
            .html(false)
            .await
            .unwrap();
        if cell.contains("ps-chip-assigned") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never shown as assigned: {cell}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.screenshot("assignments-after-apply").await;

    // Activity lists the change set with who applied it.
    app.click("nav-activity").await;
    let entry = app
        .wait_for("activity-entry", t)
        .await
        .text()
        .await
        .unwrap();
    assert!(entry.contains(&prod.len().to_string()), "{entry}");
    app.screenshot("activity").await;
    app.close().await;

    // In AWS, exactly once each.
    let session = aws.session(REGION).await;
    let instance = seed["instance_arn"].as_str().unwrap();
    for account in &prod {
        let rows = session
            .sso_admin()
            .list_account_assignments()
            .instance_arn(instance)
            .account_id(account)
            .permission_set_arn(&read_only)
            .send()
            .await
            .unwrap()
            .account_assignments
            .unwrap_or_default();
        let n = rows
            .iter()
            .filter(|r| r.principal_id.as_deref() == Some(support.as_str()))
            .count();
        assert_eq!(n, 1, "Support → ReadOnly in {account}");
    }
}

/// Kills the app mid-apply, starts it again on the same data: it shows the interrupted change
/// set, resumes it, and AWS ends with every assignment exactly once.
#[tokio::test(flavor = "multi_thread")]
async fn the_app_killed_mid_apply_resumes_after_restart_without_duplicates() {
    let aws = LocalAws::start();
    let seed = aws.seed("demo", REGION);
    let workloads = find(&seed["organizational_units"], "path", "/Workloads")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let support = find(&seed["groups"], "name", "Support")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sets: Vec<String> = ["ReadOnly", "SecurityAudit"]
        .iter()
        .map(|n| {
            find(&seed["permission_sets"], "name", n)["arn"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let accounts: Vec<String> = seed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["ou_path"].as_str().unwrap().starts_with("/Workloads"))
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    let total = accounts.len() * sets.len();
    assert!(total >= 30, "{total}");

    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().join("data");
    let data_env = data_dir.to_str().unwrap().to_owned();
    let mut env = dummy_aws_env();
    env.push(("GATEHOUSE_DATA_DIR", &data_env));
    let args = ["--region", REGION, "--endpoint-url", &aws.url];
    let t = Duration::from_secs(60);

    let app = GuiApp::launch(&args, &env).await;
    app.wait_connected(t).await;
    app.click("nav-assignments").await;
    app.wait_for("snapshot-as-of", t).await;
    app.type_into("filter-principal", "Support").await;
    app.click("collapse-all").await;
    app.click(&format!("ou-row-{workloads}")).await;
    app.click(&format!("col-{support}")).await;
    app.click("bulk-assign").await;
    app.click("ps-option-ReadOnly").await;
    app.click("ps-option-SecurityAudit").await;
    app.click("stage-assign").await;
    app.wait_until("pending-count", None, |v| v == total.to_string(), t)
        .await;
    app.click("review-apply").await;
    app.wait_for("apply-headline", t).await;
    // Slow AWS from here on: each creation stays IN_PROGRESS for 3 polls.
    aws.control(
        "POST",
        "/_gatehouse/async",
        Some(serde_json::json!({"enabled": true, "in_progress_polls": 3, "defer": true})),
    );
    app.click("apply-confirm").await;
    app.wait_until(
        "apply-progress",
        None,
        |v| {
            v.split('/')
                .next()
                .and_then(|n| {
                    n.trim()
                        .rsplit(' ')
                        .next()
                        .and_then(|d| d.parse::<usize>().ok())
                })
                .is_some_and(|d| d >= 5)
        },
        t,
    )
    .await;
    app.screenshot("assignments-before-kill").await;
    // Kill the app (only this test's instance has this endpoint on its command line).
    let killed = std::process::Command::new("pkill")
        .args([
            "-9",
            "-f",
            &format!("gatehouse.*--endpoint-url {}", aws.url),
        ])
        .status()
        .unwrap();
    assert!(killed.success(), "the app process was found and killed");
    drop(app);

    // Started again (after the dead process's heartbeat went stale).
    tokio::time::sleep(Duration::from_secs(11)).await;
    let app = GuiApp::launch(&args, &env).await;
    app.wait_connected(t).await;
    app.click("nav-assignments").await;
    let banner = app
        .wait_for("interrupted-banner", t)
        .await
        .text()
        .await
        .unwrap();
    assert!(banner.contains(&format!("of {total} changes")), "{banner}");
    // The matrix shows under the banner (its rows rendered, not only the toolbar).
    let matrix = app.wait_for("matrix", t).await;
    let deadline = std::time::Instant::now() + t;
    loop {
        let cells = matrix
            .find_all(fantoccini::Locator::Css("[data-testid^=\"cell-\"]"))
            .await
            .unwrap();
        let rect = matrix.rectangle().await.unwrap();
        if !cells.is_empty() && rect.3 > 100.0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the matrix under the interrupted banner: {} cells, {rect:?}",
            cells.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.screenshot("assignments-interrupted").await;
    app.click("interrupted-open").await;
    app.wait_for("apply-interrupted", t).await;
    app.click("apply-resume").await;
    // About 30 changes, each IN_PROGRESS for a few polls, beside the other GUI test: room
    // for a loaded machine.
    let result = app
        .wait_for("apply-result", Duration::from_secs(180))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        result.contains(&format!("{total} of {total} done")),
        "{result}"
    );
    let checked = app
        .wait_for("apply-checked-first", t)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        checked.starts_with("Resumed after the interruption"),
        "{checked}"
    );
    app.screenshot("assignments-resumed").await;
    app.close().await;

    let session = aws.session(REGION).await;
    let instance = seed["instance_arn"].as_str().unwrap();
    for account in &accounts {
        for ps in &sets {
            let rows = session
                .sso_admin()
                .list_account_assignments()
                .instance_arn(instance)
                .account_id(account)
                .permission_set_arn(ps)
                .send()
                .await
                .unwrap()
                .account_assignments
                .unwrap_or_default();
            let n = rows
                .iter()
                .filter(|r| r.principal_id.as_deref() == Some(support.as_str()))
                .count();
            assert_eq!(n, 1, "Support → {ps} in {account} exactly once");
        }
    }
}
