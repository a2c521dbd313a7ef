//! Gatehouse core: the domain logic behind the desktop app and the CLI.
//!
//! This crate never imports Tauri (CI checks `cargo tree`). The app crate adapts it to IPC,
//! the CLI crate to a terminal. See ARCHITECTURE.md for the map.

pub mod aws;
pub mod changes;
pub mod error;
pub mod export;
pub mod federation;
pub mod gatehouse;
pub mod iam_policy;
pub mod keychain;
pub mod metadata;
pub mod paths;
pub mod permission_sets;
pub mod progress;
pub mod scim;
pub mod secret;
pub mod snapshot;
pub mod store;
pub mod time_fmt;

pub use error::{Error, ErrorKind, Result};
pub use gatehouse::{ConnectionStatus, Gatehouse};
pub use secret::Secret;

/// The version printed by `gatehouse --version` and shown in the UI.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
