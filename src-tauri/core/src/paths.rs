//! Where Gatehouse keeps its files, computed without Tauri so the app and the CLI agree.
//!
//! The data directory is `<platform data dir>/dev.gatehouse.app` — the same folder Tauri's
//! `app_data_dir()` gives for the identifier in tauri.conf.json — unless
//! `GATEHOUSE_DATA_DIR` points elsewhere (tests and the demo use that).

use std::path::PathBuf;

use crate::error::{Error, ErrorKind, Result};

/// Must equal `identifier` in src-tauri/tauri.conf.json (a test checks).
pub const APP_IDENTIFIER: &str = "dev.gatehouse.app";

pub fn data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("GATEHOUSE_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Storage,
                "Gatehouse could not find a data folder for this user (no home directory?). \
                 Set GATEHOUSE_DATA_DIR to a writable folder.",
            )
        })
}

pub fn database_path() -> Result<PathBuf> {
    Ok(data_dir()?.join("gatehouse.db"))
}

pub fn log_dir() -> Result<PathBuf> {
    Ok(data_dir()?.join("logs"))
}
