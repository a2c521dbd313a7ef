# Gatehouse — every entry point sets itself up on a fresh Debian 12 machine.
#   make demo   the app against a seeded local AWS (moto)
#   make test   everything CI runs: lint, unit, system and end-to-end tests
#   make run    the app against real AWS with your own profiles
#   make bindings   regenerate ui/src/backend/bindings.ts from the Rust commands

SHELL := /bin/bash
.DEFAULT_GOAL := help
ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
TOOLS := $(ROOT)/.tools
CARGO_FLAGS := --locked
UI_SOURCES := $(shell find ui/src ui/index.html ui/vite.config.ts ui/tsconfig*.json -type f 2>/dev/null)

export PATH := $(TOOLS)/bin:$(PATH)
export GATEHOUSE_PYTHON := $(VENV)/bin/python
export TAURI_DRIVER := $(TOOLS)/bin/tauri-driver
export CARGO_TERM_COLOR ?= never

.PHONY: help setup test-setup system test-system ui-deps ui venv tauri-driver build demo run \
        test lint fmt-check clippy core-has-no-tauri ui-check cargo-test bindings clean

help:
	@echo "make demo     - Gatehouse against a seeded local AWS (installs what it needs)"
	@echo "make test     - every check and test (installs the test peers too)"
	@echo "make run      - Gatehouse against real AWS with your AWS profiles"
	@echo "make bindings - regenerate the TypeScript bindings after changing commands"
	@echo "make bench    - snapshot vs aws-sso-util on a seeded local AWS (bench/README.md)"

# ---- set-up (idempotent; each step is skipped when already done) ------------------------
system:
	@scripts/ensure-system.sh build
test-system:
	@scripts/ensure-system.sh test

ui/node_modules/.gatehouse-stamp: ui/package-lock.json
	cd ui && npm ci --yes --no-audit --no-fund --loglevel=error
	touch $@
ui-deps: system ui/node_modules/.gatehouse-stamp

ui/dist/index.html: ui/node_modules/.gatehouse-stamp $(UI_SOURCES)
	cd ui && npm run build
ui: ui-deps ui/dist/index.html

$(VENV)/.gatehouse-stamp: tests/support/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r tests/support/requirements.txt
	touch $@
venv: system $(VENV)/.gatehouse-stamp

$(TOOLS)/bin/tauri-driver:
	cargo install tauri-driver --locked --version 2.1.0 --root $(TOOLS)
tauri-driver: $(TOOLS)/bin/tauri-driver

setup: system ui venv
test-setup: setup test-system tauri-driver

# ---- build -------------------------------------------------------------------------------
# The default features embed ui/dist, so the binary runs on its own.
build: ui
	cargo build $(CARGO_FLAGS) -p gatehouse

# ---- run ---------------------------------------------------------------------------------
demo: setup build
	scripts/demo.sh

run: system ui build
	target/debug/gatehouse

# ---- checks ------------------------------------------------------------------------------
test: test-setup build lint ui-check cargo-test
	@echo "==> make test: all green"

lint: fmt-check core-has-no-tauri clippy

fmt-check:
	cargo fmt --all --check

# The core must never depend on Tauri (directly or through another crate).
core-has-no-tauri:
	@if cargo tree $(CARGO_FLAGS) -p gatehouse-core -e normal,build --prefix none | grep -E '^tauri' ; then \
	  echo "gatehouse-core depends on tauri (see above): keep Tauri in src-tauri/src only." >&2; exit 1; \
	else echo "==> gatehouse-core has no Tauri dependency"; fi

clippy: ui
	cargo clippy $(CARGO_FLAGS) --workspace --all-targets -- -D warnings

ui-check: ui-deps
	cd ui && npm run typecheck && npm run lint && npm test

# System and end-to-end tests need the built binary, the venv, tauri-driver and a
# Secret Service; tests/with-peers.sh provides the last one around the whole run.
cargo-test: build venv tauri-driver
	tests/with-peers.sh cargo test $(CARGO_FLAGS) --workspace --no-fail-fast

bindings: ui
	UPDATE_BINDINGS=1 cargo test $(CARGO_FLAGS) -p gatehouse bindings_are_current

# ---- benchmark (bench/README.md) ---------------------------------------------------------
# aws-sso-util gets its own venv under target/ (the test venv keeps moto's pins); the
# binary is a release build, separate from the debug one the tests use.
BENCH_VENV := $(ROOT)/target/bench/venv
.PHONY: bench

$(BENCH_VENV)/.gatehouse-stamp: bench/requirements.txt
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
	touch $@

bench: venv ui $(BENCH_VENV)/.gatehouse-stamp
	cargo build --release $(CARGO_FLAGS) -p gatehouse
	bench/run.sh

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules $(VENV) $(TOOLS) .demo
