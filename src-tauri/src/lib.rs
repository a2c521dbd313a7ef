//! The Gatehouse desktop app: Tauri glue over gatehouse-core.
//!
//! Everything with domain meaning lives in the core; this crate wires the window, plugins,
//! managed state and IPC commands (one-line adapters in `commands/`).

pub mod commands;
mod logging;

use gatehouse_core::aws::ConnectionSpec;
use gatehouse_core::Gatehouse;

/// A connection given on the command line (`gatehouse --profile … --region …`).
pub struct LaunchConnection(pub Option<ConnectionSpec>);

/// Opens the window. Returns the process exit code.
pub fn run(launch: Option<ConnectionSpec>) -> i32 {
    if let Some(msg) = missing_display() {
        eprintln!("{msg}");
        return 1;
    }
    let gatehouse = match Gatehouse::open_default() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("Gatehouse cannot start: {}", e.message);
            if let Some(d) = e.detail {
                eprintln!("  detail: {d}");
            }
            return 1;
        }
    };
    let _log_guard = logging::init();
    let builder = commands::specta_builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(builder.invoke_handler())
        .manage(gatehouse)
        .manage(LaunchConnection(launch))
        .setup(move |app| {
            builder.mount_events(app);
            Ok(())
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("Gatehouse could not open its window: {e}");
            1
        }
    }
}

/// On Linux/BSD a window needs X11 or Wayland; say so plainly instead of a GTK panic.
fn missing_display() -> Option<String> {
    if !cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd"
    )) {
        return None;
    }
    let has = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty());
    if has("DISPLAY") || has("WAYLAND_DISPLAY") {
        return None;
    }
    Some(
        "Gatehouse needs a graphical display, and there is none (DISPLAY and WAYLAND_DISPLAY are \
         not set). Run it from a desktop session, or under Xvfb (`xvfb-run gatehouse`). Headless \
         commands work without a display: see `gatehouse --help`."
            .to_owned(),
    )
}
