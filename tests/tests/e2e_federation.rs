//! End to end: the Setup wizard's SAML step in the real app. Both metadata documents are
//! imported through the paste path (the native picker cannot be driven), then the three
//! values Entra needs are read from the screen and compared with what the parser says.

use std::time::Duration;

use gatehouse_core::metadata::{self, Slot};
use gatehouse_tests::{dummy_aws_env, fixtures_dir, GuiApp, LocalAws};

fn fixture(rel: &str) -> String {
    std::fs::read_to_string(fixtures_dir().join("metadata").join(rel)).unwrap()
}

/// Sets a React-controlled textarea's value the way a paste does, then fires `input`.
async fn paste(app: &GuiApp, testid: &str, text: &str) {
    let script = r#"
        const el = document.querySelector(`[data-testid="${arguments[0]}"]`);
        const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
        setter.call(el, arguments[1]);
        el.dispatchEvent(new Event('input', { bubbles: true }));
    "#;
    app.client
        .execute(script, vec![testid.into(), text.into()])
        .await
        .expect("paste");
}

#[tokio::test(flavor = "multi_thread")]
async fn import_both_documents_by_paste_and_read_the_entra_values() {
    let aws = LocalAws::start();
    aws.seed("small", "us-east-1");
    let app = GuiApp::launch(
        &["--region", "us-east-1", "--endpoint-url", &aws.url],
        &dummy_aws_env(),
    )
    .await;
    let t = Duration::from_secs(30);
    app.wait_connected(t).await;

    let now = time::OffsetDateTime::now_utc();
    let idp_xml = fixture("entra/valid.xml");
    let sp_xml = fixture("aws/sp-metadata-multi-acs.xml");
    let idp = metadata::inspect(idp_xml.as_bytes(), Some(Slot::Idp), now).unwrap();
    let sp = metadata::inspect(sp_xml.as_bytes(), Some(Slot::Sp), now).unwrap();

    app.click("nav-setup-saml").await;

    // A wrong document first: refused, with a clear message, nothing kept.
    app.click("paste-toggle-idp").await;
    paste(&app, "paste-idp", &sp_xml).await;
    app.click("paste-import-idp").await;
    let err = app
        .wait_for("import-error-idp", t)
        .await
        .text()
        .await
        .unwrap();
    assert!(err.contains("SP metadata"), "{err}");

    // The Entra federation metadata.
    paste(&app, "paste-idp", &idp_xml).await;
    app.click("paste-import-idp").await;
    let tenant = idp.tenant_id.clone().unwrap();
    app.wait_until("idp-tenant-id", None, |v| v.contains(&tenant), t)
        .await;
    let cert = app.wait_for("idp-cert-0", t).await;
    assert_eq!(
        cert.attr("data-active").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(
        cert.attr("data-sha1").await.unwrap(),
        Some(idp.certificates[0].sha1.clone())
    );

    // The AWS SP metadata.
    app.click("paste-toggle-sp").await;
    paste(&app, "paste-sp", &sp_xml).await;
    app.click("paste-import-sp").await;
    app.wait_until("sp-issuer", None, |v| v.contains(&sp.entity_id), t)
        .await;

    // The three values Entra needs, exactly.
    let identifier = app
        .wait_for("entra-identifier", t)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(identifier.trim(), sp.entity_id);
    for (i, acs) in sp.acs_urls.iter().enumerate() {
        let shown = app
            .wait_for(&format!("entra-reply-url-{i}"), t)
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(shown.trim(), acs);
    }
    assert_eq!(
        sp.acs_urls.first(),
        sp.default_acs_url.as_ref(),
        "default ACS first"
    );
    let sign_on = app
        .wait_for("entra-sign-on-url", t)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        sign_on.trim(),
        metadata::default_portal_url(sp.directory_id.as_deref().unwrap())
    );

    // The fixture's directory is not the connected identity store: a clear verdict.
    app.wait_for("cross-check-directory-mismatch", t).await;
    app.client
        .execute(
            r#"document.querySelector('[data-testid="entra-identifier"]').scrollIntoView({block: 'start', behavior: 'instant'})"#,
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("federation-values").await;

    // Closing and reopening resumes where the admin was (documents kept in SQLite).
    let db = std::fs::read(app.data_dir.path().join("data/gatehouse.db")).unwrap_or_default();
    let wal = std::fs::read(app.data_dir.path().join("data/gatehouse.db-wal")).unwrap_or_default();
    assert!(!db.is_empty() || !wal.is_empty());
    app.close().await;
}
