#!/usr/bin/env bash
# `make bench` part 2 (bench/README.md): the assignments matrix with 3,000 accounts × 500
# principals in the real webview — first render <= 300 ms, scrolling with no frame over 50 ms.
# Builds what it needs (ui/dist with bench/matrix.html, the debug app, tauri-driver and the
# test system packages), then runs the ignored test tests/tests/bench_matrix.rs under
# tests/with-peers.sh (it starts Xvfb and the app through tauri-driver itself).
# Writes target/bench/matrix.json; screenshots in target/test-artifacts/bench-matrix-*.png.
# Exit status: 0 both targets met, 1 a target missed, 2 the benchmark itself failed.
# GATEHOUSE_BIN=<binary> uses that build of the app instead (no cargo build of the app);
# BENCH_MATRIX_QUERY=accounts=300&principals=50 tries other sizes (see the test's header).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

fail() { echo "bench/matrix.sh: $*" >&2; exit 2; }

make --no-print-directory ui test-system tauri-driver || fail "setting up (make ui test-system tauri-driver) failed"
# The app's own build (make ui) leaves the page out; build ui/dist again with it when it is
# missing or stale (the Makefile's ui/dist rule tracks ui/src, not ui/bench/). The debug app
# built next embeds it; the page is removed from ui/dist when the bench ends, so the next
# build of the app embeds the app alone.
page=ui/dist/bench/matrix.html
if [ ! -e "$page" ] || [ ui/bench/matrix.html -nt "$page" ] || [ ui/dist/index.html -nt "$page" ]; then
  (cd ui && GATEHOUSE_BENCH_PAGE=1 npm run build) || fail "npm run build failed"
fi
[ -e "$page" ] || fail "$page was not built (ui/vite.config.ts builds it after the app)"
if [ -z "${GATEHOUSE_BIN:-}" ]; then
  cargo build --locked -p gatehouse || fail "cargo build -p gatehouse failed"
fi

out=target/bench/matrix.json
rm -f "$out"
BENCH_STRICT=0 tests/with-peers.sh \
  cargo test --locked -p gatehouse-tests --test bench_matrix -- --ignored --nocapture --test-threads 1
rc=$?
# Out of ui/dist again: the next build of the app embeds the app alone.
rm -rf ui/dist/bench
[ "$rc" -eq 0 ] && [ -e "$out" ] || fail "the benchmark test failed (exit $rc)"
python3 - "$out" <<'PY' || exit 1
import json, sys
passed = json.load(open(sys.argv[1]))["pass"]
sys.exit(0 if all(passed.values()) else 1)
PY
