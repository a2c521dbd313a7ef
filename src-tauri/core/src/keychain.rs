//! The OS keychain, the only place secrets are stored.
//!
//! Secrets (AWS access keys the admin typed, SCIM access tokens) go to the platform store
//! through `keyring` (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows). If that store is locked or missing, the operation fails with
//! [`ErrorKind::Keychain`] and a message saying so; nothing is ever written anywhere else
//! instead. A [`MemoryBackend`] exists for unit tests of code that uses the keychain.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

/// The keychain "service" Gatehouse files its entries under.
pub const DEFAULT_SERVICE: &str = "dev.gatehouse.app";

/// The entries Gatehouse keeps. The account name is derived here and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeychainKey {
    /// The AWS access keys entered in the connection dialog (JSON of id, secret, token).
    AwsAccessKeys,
    /// A SCIM access token, per SCIM endpoint.
    ScimToken { endpoint: String },
}

impl KeychainKey {
    pub fn account(&self) -> String {
        match self {
            KeychainKey::AwsAccessKeys => "aws-access-keys".to_owned(),
            KeychainKey::ScimToken { endpoint } => format!("scim-token:{endpoint}"),
        }
    }
}

/// Where secrets physically go. The real one is [`OsBackend`].
pub trait SecretBackend: Send + Sync {
    fn set(&self, service: &str, account: &str, secret: &Secret) -> Result<()>;
    fn get(&self, service: &str, account: &str) -> Result<Option<Secret>>;
    /// Returns whether an entry existed.
    fn delete(&self, service: &str, account: &str) -> Result<bool>;
}

/// The keychain service used by the app and the CLI.
#[derive(Clone)]
pub struct Keychain {
    backend: Arc<dyn SecretBackend>,
    service: String,
}

impl Keychain {
    /// The platform keychain, under [`DEFAULT_SERVICE`] (or `GATEHOUSE_KEYCHAIN_SERVICE`,
    /// which tests use to keep their entries apart).
    pub fn os() -> Self {
        let service = std::env::var("GATEHOUSE_KEYCHAIN_SERVICE")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| DEFAULT_SERVICE.to_owned());
        Self::with_backend(Arc::new(OsBackend), service)
    }

    pub fn with_backend(backend: Arc<dyn SecretBackend>, service: impl Into<String>) -> Self {
        Self {
            backend,
            service: service.into(),
        }
    }

    pub fn in_memory() -> Self {
        Self::with_backend(Arc::new(MemoryBackend::default()), DEFAULT_SERVICE)
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    pub fn store(&self, key: &KeychainKey, secret: &Secret) -> Result<()> {
        if secret.is_empty() {
            return Err(Error::validation(
                "The secret is empty; nothing was stored.",
            ));
        }
        self.backend.set(&self.service, &key.account(), secret)
    }

    pub fn read(&self, key: &KeychainKey) -> Result<Option<Secret>> {
        self.backend.get(&self.service, &key.account())
    }

    pub fn delete(&self, key: &KeychainKey) -> Result<bool> {
        self.backend.delete(&self.service, &key.account())
    }
}

/// The platform store through `keyring`.
pub struct OsBackend;

impl OsBackend {
    fn entry(service: &str, account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(service, account).map_err(map_keyring_error)
    }
}

impl SecretBackend for OsBackend {
    fn set(&self, service: &str, account: &str, secret: &Secret) -> Result<()> {
        Self::entry(service, account)?
            .set_password(secret.expose())
            .map_err(map_keyring_error)
    }

    fn get(&self, service: &str, account: &str) -> Result<Option<Secret>> {
        match Self::entry(service, account)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn delete(&self, service: &str, account: &str) -> Result<bool> {
        match Self::entry(service, account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_keyring_error(e)),
        }
    }
}

/// keyring's errors, in the admin's words. The detail never contains the secret: keyring's
/// messages name the store, not the value.
fn map_keyring_error(e: keyring::Error) -> Error {
    let message = match &e {
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            "The OS keychain is locked or not available (on Linux: a Secret Service such as \
             GNOME Keyring or KWallet must be running and unlocked). Nothing was saved or read; \
             Gatehouse never writes secrets anywhere else. Unlock the keychain and try again."
        }
        keyring::Error::TooLong(..) => "The secret is too long for the OS keychain.",
        keyring::Error::BadEncoding(_) => {
            "The keychain entry is not valid text. Remove it (Forget) and store it again."
        }
        keyring::Error::Ambiguous(_) => {
            "The keychain holds several entries for this item. Remove them (Forget) and store it again."
        }
        _ => "The OS keychain refused the operation.",
    };
    Error::new(ErrorKind::Keychain, message).with_detail(e.to_string())
}

/// An in-process store for unit tests (never used by the app).
#[derive(Default)]
pub struct MemoryBackend {
    entries: Mutex<HashMap<(String, String), Secret>>,
    /// When set, every call fails like a locked keychain.
    pub locked: std::sync::atomic::AtomicBool,
}

impl MemoryBackend {
    fn check(&self) -> Result<()> {
        if self.locked.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(map_keyring_error(keyring::Error::NoStorageAccess(
                "locked (test)".into(),
            )));
        }
        Ok(())
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Secret>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SecretBackend for MemoryBackend {
    fn set(&self, service: &str, account: &str, secret: &Secret) -> Result<()> {
        self.check()?;
        self.entries()
            .insert((service.into(), account.into()), secret.clone());
        Ok(())
    }

    fn get(&self, service: &str, account: &str) -> Result<Option<Secret>> {
        self.check()?;
        Ok(self
            .entries()
            .get(&(service.into(), account.into()))
            .cloned())
    }

    fn delete(&self, service: &str, account: &str) -> Result<bool> {
        self.check()?;
        Ok(self
            .entries()
            .remove(&(service.into(), account.into()))
            .is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    #[test]
    fn round_trip_and_locked_store() {
        let backend = Arc::new(MemoryBackend::default());
        let kc = Keychain::with_backend(backend.clone(), "svc");
        let key = KeychainKey::ScimToken {
            endpoint: "https://scim.eu-west-1.amazonaws.com/abc/scim/v2".into(),
        };
        assert!(kc.read(&key).unwrap().is_none());
        kc.store(&key, &Secret::new("tok")).unwrap();
        assert_eq!(kc.read(&key).unwrap().unwrap().expose(), "tok");
        assert!(kc.delete(&key).unwrap());
        assert!(!kc.delete(&key).unwrap());

        backend.locked.store(true, Ordering::SeqCst);
        let err = kc.store(&key, &Secret::new("tok2")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Keychain);
        assert!(err.message.contains("locked or not available"), "{err:?}");
        assert!(!format!("{err:?}").contains("tok2"));
    }

    #[test]
    fn empty_secrets_are_refused() {
        let kc = Keychain::in_memory();
        let err = kc
            .store(&KeychainKey::AwsAccessKeys, &Secret::new("  "))
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Validation);
    }
}
