#!/usr/bin/env bash
# Installs the Debian packages Gatehouse needs, only those missing (idempotent, fast when
# everything is there). Usage: scripts/ensure-system.sh build|test
#   build: compile and run the app (WebKitGTK, build tools, Xvfb for headless demos)
#   test:  + the test peers (WebKitWebDriver, gnome-keyring Secret Service, secret-tool)
set -euo pipefail

build_pkgs=(libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev libdbus-1-dev file
            curl ca-certificates python3-venv xvfb xauth)
test_pkgs=(webkit2gtk-driver gnome-keyring dbus-x11 libsecret-tools)

pkgs=("${build_pkgs[@]}")
[ "${1:-build}" = "test" ] && pkgs+=("${test_pkgs[@]}")

if ! command -v dpkg-query >/dev/null; then
  echo "Gatehouse's setup targets Debian/Ubuntu (dpkg + apt). On other systems install the" >&2
  echo "equivalents of: ${pkgs[*]}" >&2
  exit 1
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node.js 20.19+ (Vite 7) and npm, from the machine.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "Node.js 20.19 or newer with npm is required (https://nodejs.org); it was not found." >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "Node.js $(node --version) is too old: Gatehouse's UI build needs 20.19 or newer." >&2
  exit 1
fi
command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
