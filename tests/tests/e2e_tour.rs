//! End to end: every page of the app against the seeded demo organisation, as `make demo`
//! shows it — each page opens, finishes loading, and shows no error. A page that meets an AWS
//! answer it cannot read (the way the demo once met moto's HTTP 500 for permissions
//! boundaries) fails here. Screenshots of every page land in target/test-artifacts/tour-*.png.

use std::time::{Duration, Instant};

use gatehouse_tests::{dummy_aws_env, GuiApp, LocalAws};

const REGION: &str = "eu-west-1";

/// (sidebar entry, the page's test id)
const PAGES: &[(&str, &str)] = &[
    ("connection", "connection-state"),
    ("setup-entra-app", "setup-entra-app-page"),
    ("setup-saml", "setup-saml-page"),
    ("setup-provisioning", "setup-provisioning-page"),
    ("setup-verify", "setup-verify-page"),
    ("permission-sets", "ps-list-page"),
    ("assignments", "assignments-page"),
    ("reports", "reports-page"),
    ("activity", "activity-page"),
    ("settings", "settings-page"),
];

async fn count(app: &GuiApp, css: &str) -> usize {
    app.client
        .find_all(fantoccini::Locator::Css(css))
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_loads_without_an_error_on_the_demo_organisation() {
    let aws = LocalAws::start();
    aws.seed("demo", REGION);
    let app = GuiApp::launch(
        &["--region", REGION, "--endpoint-url", &aws.url],
        &dummy_aws_env(),
    )
    .await;
    let t = Duration::from_secs(60);
    app.wait_connected(t).await;

    for (nav, page) in PAGES {
        app.click(&format!("nav-{nav}")).await;
        app.wait_for(page, t).await;
        // Loaded: no spinner left on the page (reads of AWS, the keychain, the store).
        let deadline = Instant::now() + t;
        while count(&app, &format!("[data-testid=\"{page}\"] .spinner")).await > 0 {
            assert!(
                Instant::now() < deadline,
                "{page} still loading after {t:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let shot = app.screenshot(&format!("tour-{nav}")).await;
        let errors = app
            .client
            .find_all(fantoccini::Locator::Css(".callout-error"))
            .await
            .unwrap();
        let mut texts = Vec::new();
        for e in errors {
            texts.push(e.text().await.unwrap_or_default());
        }
        assert!(
            texts.is_empty(),
            "{page} shows an error ({}): {texts:?}",
            shot.display()
        );
    }
    app.close().await;
}
