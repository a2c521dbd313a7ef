#!/usr/bin/env bash
# Runs a command inside the peers that must wrap the whole test process: a private D-Bus
# session bus with an unlocked gnome-keyring (the real Secret Service the keychain tests and
# the app use). The keyring lives in a throw-away XDG_DATA_HOME, never in the user's.
# The tests start their other peers (moto layer, scim2-server, Xvfb, tauri-driver) themselves.
set -euo pipefail
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- bash -c '
  keyring_env=$(echo -n gatehouse-test | gnome-keyring-daemon --unlock --components=secrets)
  [ -n "$keyring_env" ] && eval "export $keyring_env"
  "$@"
' with-peers "$@"
