//! System tests: the keychain service against a real Secret Service.
//!
//! `make test` runs the suite inside `dbus-run-session` with an unlocked gnome-keyring
//! (tests/with-peers.sh); these tests check what really lands there with `secret-tool`.

use gatehouse_core::keychain::{Keychain, KeychainKey};
use gatehouse_core::Secret;
use gatehouse_tests::gatehouse_cmd;

fn secret_tool_finds(service: &str, needle: &str) -> bool {
    let out = std::process::Command::new("secret-tool")
        .args(["search", "--all", "service", service])
        .output()
        .expect("secret-tool (apt package libsecret-tools)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.contains(needle)
}

#[test]
fn round_trip_through_the_secret_service() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no session bus: run through `make test` (tests/with-peers.sh starts one with gnome-keyring)"
    );
    let service = format!("gatehouse-test-{}", std::process::id());
    let kc = Keychain::with_backend(
        std::sync::Arc::new(gatehouse_core::keychain::OsBackend),
        service.clone(),
    );
    let key = KeychainKey::ScimToken {
        endpoint: "https://scim.eu-west-1.amazonaws.com/abc/scim/v2".into(),
    };
    let value = "scim-token-value-for-keychain-test";
    assert!(kc.read(&key).unwrap().is_none());
    kc.store(&key, &Secret::new(value)).unwrap();
    assert!(
        secret_tool_finds(&service, value),
        "the secret is in the Secret Service"
    );
    assert_eq!(kc.read(&key).unwrap().unwrap().expose(), value);
    assert!(kc.delete(&key).unwrap());
    assert!(kc.read(&key).unwrap().is_none());
    assert!(
        !secret_tool_finds(&service, value),
        "deleted from the Secret Service"
    );
}

#[test]
fn unavailable_keychain_is_a_clear_error_and_nothing_is_written_elsewhere() {
    // No session bus at all: what an admin sees on a machine without a Secret Service.
    let home = tempfile::tempdir().unwrap();
    let out = gatehouse_cmd(home.path())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .args(["whoami", "--stored-keys", "--region", "eu-west-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("OS keychain is locked or not available"),
        "{stderr}"
    );
    assert!(
        stderr.contains("never writes secrets anywhere else"),
        "{stderr}"
    );
}
