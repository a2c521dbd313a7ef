//! The one error type every fallible core operation returns, and the shape the UI receives.
//!
//! `Error` serialises as `{ kind, message, detail? }`. `kind` is exhaustive so the UI can
//! decide what to offer (retry on `Throttled`/`Network`, "run aws sso login" on
//! `Credentials`, …); `message` is written for the admin; `detail` holds the raw cause
//! (an SDK error code, a path) one click away. Secrets never go into any of the three.

use serde::Serialize;

/// What went wrong, in the categories the UI reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Input that does not have the required shape (a field, a file, a flag).
    Validation,
    /// No usable AWS credentials, or an expired SSO session.
    Credentials,
    /// AWS refused the call for lack of an IAM permission.
    AccessDenied,
    /// AWS asked us to slow down and retries ran out.
    Throttled,
    /// The thing asked for does not exist (an instance, a permission set, a profile).
    NotFound,
    /// The endpoint could not be reached, timed out, or TLS/DNS failed.
    Network,
    /// The OS keychain is locked, missing or refused access.
    Keychain,
    /// The change conflicts with the current state (a name already taken, …).
    Conflict,
    /// The admin cancelled the operation.
    Cancelled,
    /// Gatehouse is not connected to AWS yet.
    NotConnected,
    /// Local storage (SQLite, files) failed.
    Storage,
    /// A bug or an answer we could not understand.
    Internal,
}

/// The error every core operation returns and the UI receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[serde(rename = "IpcError")]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Validation, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub fn cancelled() -> Self {
        Self::new(ErrorKind::Cancelled, "Cancelled.")
    }

    pub fn not_connected() -> Self {
        Self::new(
            ErrorKind::NotConnected,
            "Gatehouse is not connected to AWS. Choose a profile and region, then Connect.",
        )
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::new(
            ErrorKind::Storage,
            "Gatehouse could not read or write its local database.",
        )
        .with_detail(e.to_string())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(
            ErrorKind::Storage,
            "A local file could not be read or written.",
        )
        .with_detail(e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::internal("Gatehouse could not encode or decode its own data.")
            .with_detail(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_the_ipc_shape() {
        let e = Error::new(ErrorKind::AccessDenied, "nope").with_detail("sso:ListInstances");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "access_denied", "message": "nope", "detail": "sso:ListInstances"})
        );
        let v = serde_json::to_value(Error::cancelled()).unwrap();
        assert!(v.get("detail").is_none(), "absent detail is omitted: {v}");
    }
}
