//! A string that must never leak: access keys, SCIM tokens.
//!
//! `Secret` prints `<redacted>` in `Debug`, has no `Display` and no `Serialize`, so it cannot
//! reach logs, SQLite, IPC payloads or error messages by accident. It can be *received*
//! from the UI (`Deserialize`) and is wiped from memory on drop. Reading it takes an explicit
//! `expose()`, which is easy to grep for.

use serde::Deserialize;
use zeroize::Zeroizing;

#[derive(Clone, Deserialize, specta::Type)]
#[serde(transparent)]
pub struct Secret(#[specta(type = String)] Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret value. Only hand it to the keychain or to the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// The last four characters, which is all the UI ever shows of a stored token.
    pub fn last4(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_everywhere() {
        let s = Secret::new("AKIA-very-secret-value");
        assert_eq!(format!("{s:?}"), "<redacted>");
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            token: Secret,
        }
        let shown = format!("{:?}", Holder { token: s.clone() });
        assert!(!shown.contains("very-secret"), "{shown}");
        assert_eq!(s.last4(), "alue");
        assert_eq!(Secret::new("ab").last4(), "ab");
    }

    #[test]
    fn deserialises_from_a_plain_string() {
        let s: Secret = serde_json::from_str("\"tok-123\"").unwrap();
        assert_eq!(s.expose(), "tok-123");
    }
}
