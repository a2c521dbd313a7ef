//! The `gatehouse` binary: headless subcommands, or the desktop window.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    match gatehouse_cli::dispatch(std::env::args_os().collect()) {
        gatehouse_cli::Dispatch::Exit(code) => std::process::exit(code),
        gatehouse_cli::Dispatch::Gui { launch } => std::process::exit(gatehouse_app::run(launch)),
    }
}
