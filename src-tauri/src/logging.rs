//! Log files in the data directory (`logs/gatehouse.log`), plus stderr in debug builds.
//!
//! Only core `tracing` events are written; secrets are a redacting type and never logged.

use tracing_subscriber::EnvFilter;

pub struct LogGuard;

pub fn init() -> Option<LogGuard> {
    let dir = gatehouse_core::paths::log_dir().ok()?;
    std::fs::create_dir_all(&dir).ok()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("gatehouse.log"))
        .ok()?;
    let filter =
        EnvFilter::try_from_env("GATEHOUSE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init()
        .ok()?;
    tracing::info!(version = gatehouse_core::VERSION, "Gatehouse started");
    Some(LogGuard)
}
