# Sesame — `make run` builds and starts Sesame; `make test` installs what the tests need
# and runs every test. Both work on a fresh Debian machine (root, or a user with sudo).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
NPM ?= npm
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CORPUS ?= ../shared/corpus
# Where cargo builds. CI points CARGO_TARGET_DIR at a cache outside the clone (.ci/run); a
# developer's builds stay in ./target.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
# `sesame --version` and `sesame-app --version` name the commit they were built from.
export SESAME_GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null)
# `make test TIMINGS=1` writes cargo's per-crate timing reports to $(TARGET_DIR)/cargo-timings.
CARGO_TIMINGS := $(if $(TIMINGS),--timings)
TAURI := ui/node_modules/.bin/tauri
# One feature set for every workspace build, lint and test, so dependencies are compiled once:
# the sync server with its Lambda entry point (off by default for people who build only the
# server), whose API Gateway events are tested in sync-server/tests/lambda.rs.
WORKSPACE_FEATURES := --features sesame-sync/lambda

# Debian packages the tests start for real: chrony (a local NTP server for the clock tests),
# GNOME Keyring in a private D-Bus session (the Secret Service the vault's device key uses),
# secret-tool to look inside it, python3-venv for the Cognito emulator's virtualenv
# (scripts/ministack-venv) and the federated tests' OpenID provider (scripts/oidc-idp-venv).
TEST_APT_PACKAGES := chrony dbus dbus-daemon dbus-bin gnome-keyring libsecret-tools python3-venv
# What the desktop app builds against: WebKitGTK and GTK (Tauri), and for screen capture
# (xcap) XCB, PipeWire and libclang (its bindings are generated at build time). Linking needs
# nothing more: since Rust 1.90 rustc links x86_64 Linux binaries with its own lld.
APP_APT_PACKAGES := build-essential pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev \
  libxdo-dev libssl-dev libxcb1-dev libxcb-randr0-dev libxcb-shm0-dev libdbus-1-dev \
  libpipewire-0.3-dev libclang-dev libegl-dev libgbm-dev
# What drives the app in the end-to-end tests: a virtual display, WebKit's WebDriver, and
# xclip to read the clipboard, xclipboard (x11-apps) as a clipboard manager.
E2E_APT_PACKAGES := xvfb xauth webkit2gtk-driver xclip x11-apps imagemagick
# What checks the installable package: lintian, and rpm to read the .rpm.
DIST_APT_PACKAGES := lintian rpm file
# The supply-chain checker `make deny` runs (built from crates.io source, pinned).
CARGO_DENY_VERSION := 0.20.2
# Android is type-checked and linted, not built (no NDK here): `make mobile-check`.
MOBILE_TARGET := aarch64-linux-android
# The one C library the phone app compiles for the target is ring's (rustls' crypto, under
# Cognito's HTTPS). Debian's clang cross-compiles it without an Android sysroot: ring's own
# sysroot-less mode (-nostdlibinc, RING_CORE_NOSTDLIBINC) needs only the compiler's
# freestanding headers, and llvm-ar archives the objects. Where the NDK is installed,
# `tauri android build` sets its own compiler instead (README, "Phones").
MOBILE_APT_PACKAGES := clang llvm
MOBILE_TARGET_VAR := $(subst -,_,$(MOBILE_TARGET))
MOBILE_CC_ENV := CC_$(MOBILE_TARGET_VAR)=clang AR_$(MOBILE_TARGET_VAR)=llvm-ar \
  CFLAGS_$(MOBILE_TARGET_VAR)="-nostdlibinc -DRING_CORE_NOSTDLIBINC=1"
# Crates whose C needs the Android sysroot: none may enter the phone build unnoticed (rustls
# stays on ring, not aws-lc).
MOBILE_NEEDS_SYSROOT := aws-lc-sys|aws-lc-fips-sys|openssl-sys|libsqlite3-sys|zstd-sys|libz-sys

.PHONY: run test setup-run setup-test apt ui ui-test bindings build app lint deny soak unit e2e package-test mobile-check fuzz-check dist bench load fuzz fuzz-campaign fuzz-minimise fuzz-seeds score score-qr score-otp measure-app clean help

help:
	@echo "make run    build Sesame and show how to use it"
	@echo "make test   install test dependencies, then run every check and test"
	@echo "make dist   build the release packages (.deb, .rpm) into $(TARGET_DIR)/release/bundle"
	@echo "make bindings  regenerate ui/src/lib/bindings.ts from the Rust commands and types"
	@echo "make bench  criterion benchmarks (release)"
	@echo "make score  score the QR decoder and the code generator on $(CORPUS)"
	@echo "make soak   SIGKILL sesame mid-save 1,000 times; nothing acknowledged may be lost"
	@echo "make load   50 users syncing at once: sync server latency and throughput"
	@echo "make fuzz   run each fuzz target for FUZZ_SECONDS (default 180) on nightly"
	@echo "make fuzz-campaign  every fuzz target to FUZZ_RUNS (default 10 M) executions, with a table"
	@echo "make fuzz-minimise  shrink the fuzz corpora kept in git (fuzz/corpus/) to a set cover"

## run: opens the desktop app; without a display it builds the CLI and says how to use it.
run: setup-run
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
	  $(CARGO) build --release --bin sesame; \
	  echo; \
	  echo "There is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so the desktop"; \
	  echo "app cannot open. Sesame's command-line tool is ready:"; \
	  echo; \
	  echo "  $(TARGET_DIR)/release/sesame init        # create your vault"; \
	  echo "  $(TARGET_DIR)/release/sesame add 'otpauth://totp/...'   # or --qr IMAGE"; \
	  echo "  $(TARGET_DIR)/release/sesame codes       # current codes"; \
	  echo "  $(TARGET_DIR)/release/sesame --help      # everything else"; \
	  echo; \
	  echo "On a machine without a desktop keyring add --keystore file:PATH (see README)."; \
	else \
	  $(MAKE) --no-print-directory ui; \
	  $(CARGO) build -p sesame -p sesame-app --bins; \
	  exec $(TARGET_DIR)/debug/sesame-app; \
	fi

setup-run:
	@$(MAKE) --no-print-directory apt PACKAGES="$(APP_APT_PACKAGES) gnome-keyring"

## test: everything CI checks. The order matters for time, not for correctness: `build`
## compiles every target of the workspace once, and `unit`, `e2e` and `package-test` reuse it
## (docs/build-times.md).
test: setup-test lint deny ui-test build unit e2e package-test mobile-check fuzz-check

# Installs the Debian packages in PACKAGES that are missing.
apt:
	@missing=""; for p in $(PACKAGES); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

setup-test:
	@$(MAKE) --no-print-directory apt PACKAGES="$(TEST_APT_PACKAGES) $(APP_APT_PACKAGES) $(E2E_APT_PACKAGES) $(DIST_APT_PACKAGES) $(MOBILE_APT_PACKAGES)"
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
	@scripts/ministack-venv
	@scripts/oidc-idp-venv
	@rustup target list --installed | grep -q '^$(MOBILE_TARGET)$$' || rustup target add $(MOBILE_TARGET)
	@command -v tauri-driver >/dev/null || $(CARGO) install tauri-driver --locked --version '^2'
	@$(CARGO) deny --version 2>/dev/null | grep -qx 'cargo-deny $(CARGO_DENY_VERSION)' || $(CARGO) install cargo-deny --locked --version $(CARGO_DENY_VERSION)
	@[ -d "$(CORPUS)" ] || { echo "The shared corpus is missing at $(CORPUS): clone Sesame beside shared/"; exit 1; }
	cd e2e && $(NPM) ci --no-audit --no-fund --loglevel=error

# The web front end, built into ui/dist (what the app embeds); rebuilt only when its sources
# change.
UI_SOURCES := $(shell find ui/src ui/index.html ui/vite.config.ts ui/svelte.config.js ui/package-lock.json -type f 2>/dev/null)
ui: ui/dist/index.html
ui/node_modules/.package-lock.json: ui/package-lock.json
	cd ui && $(NPM) ci --no-audit --no-fund --loglevel=error
ui/dist/index.html: ui/node_modules/.package-lock.json $(UI_SOURCES)
	cd ui && $(NPM) run build

ui-test: ui/node_modules/.package-lock.json
	cd ui && $(NPM) run check
	cd ui && $(NPM) test
	@$(MAKE) --no-print-directory ui

## bindings: rewrites ui/src/lib/bindings.ts (the commands and their types) and the command
## grants of src-tauri/capabilities/default.json from the Rust side (src-tauri/src/bindings.rs);
## `make unit` fails while the checked-in files differ.
bindings: ui
	SESAME_WRITE_BINDINGS=1 $(CARGO) test -p sesame-app --lib bindings

# Every target of the workspace (libraries, both binaries, tests, benches) in one cargo run,
# so dependencies are compiled once with one feature set. `unit`, `e2e` and `package-test`
# only run what this built.
build: ui
	$(CARGO) build --workspace --all-targets $(WORKSPACE_FEATURES) $(CARGO_TIMINGS)

# The desktop app and the CLI, debug builds.
app: ui
	$(CARGO) build -p sesame -p sesame-app --bins

lint: ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets $(WORKSPACE_FEATURES) $(CARGO_TIMINGS) -- -D warnings

## deny: the supply chain against deny.toml: licences, banned and duplicated crates, sources.
## Security advisories too when the RustSec database can be fetched; when it cannot (a
## machine that reaches only the package registries), that is said, never skipped silently.
deny:
	$(CARGO) deny --locked check bans licenses sources
	@if timeout 120 $(CARGO) deny fetch db >/dev/null 2>&1; then \
	  $(CARGO) deny --locked check --disable-fetch advisories; \
	else \
	  echo "*** cargo deny: advisories NOT checked: the RustSec advisory database could not be fetched"; \
	  echo "*** from this machine. Run 'make deny' where it can be (known exceptions: deny.toml)."; \
	fi

# Every test runs inside a private D-Bus session with an unlocked GNOME Keyring.
unit: build
	scripts/with-secret-service $(CARGO) test --workspace --all-targets $(WORKSPACE_FEATURES) --no-fail-fast

# The real app under Xvfb, driven through tauri-driver, with a real Secret Service.
# Screenshots of every screen: e2e/output/.
e2e: build
	SESAME_APP=$(TARGET_DIR)/debug/sesame-app SESAME_CLI=$(TARGET_DIR)/debug/sesame \
	  scripts/with-secret-service e2e/run

# The .deb of the build above: lintian, an install into a throw-away root, `--version` of
# both installed binaries, and the installed app's first-run screen under Xvfb
# (e2e/output/package-first-run.png). `make dist` makes the release packages the same way.
package-test: build
	scripts/bundle debug
	scripts/with-secret-service scripts/check-package --debug-build $(TARGET_DIR)/debug/bundle/deb/*.deb

# The app's code for phones (Cognito included), type-checked and linted for Android.
mobile-check: ui
	@$(MAKE) --no-print-directory apt PACKAGES="$(MOBILE_APT_PACKAGES)"
	@rustup target list --installed | grep -q '^$(MOBILE_TARGET)$$' || rustup target add $(MOBILE_TARGET)
	@clib=$$($(CARGO) tree -q -p sesame-app --target $(MOBILE_TARGET) -e normal --prefix none \
	  | { grep -oE '^($(MOBILE_NEEDS_SYSROOT)) ' || true; } | sort -u | xargs); \
	if [ -n "$$clib" ]; then \
	  echo "mobile-check: $$clib compiles C against the Android C library, which only the NDK has; clang alone cannot check it"; exit 1; \
	fi
	$(MOBILE_CC_ENV) $(CARGO) clippy -p sesame-app --lib --target $(MOBILE_TARGET) $(CARGO_TIMINGS) -- -D warnings

# The fuzz targets must keep compiling (they are run with `make fuzz`, on nightly). Same
# target folder as the rest, so what clippy already checked is reused.
fuzz-check:
	$(CARGO) check --manifest-path fuzz/Cargo.toml --bins --target-dir $(TARGET_DIR) $(CARGO_TIMINGS)

## dist: the release binaries and the packages people install (.deb, .rpm) in
## $(TARGET_DIR)/release/bundle/. AppImage needs linuxdeploy, which the bundler downloads:
## out of reach on an offline build machine.
dist: setup-run ui
	@$(MAKE) --no-print-directory apt PACKAGES="$(DIST_APT_PACKAGES)"
	$(CARGO) build --release -p sesame -p sesame-app --bins
	scripts/bundle release
	scripts/with-secret-service scripts/check-package $(TARGET_DIR)/release/bundle/deb/*.deb
	@ls -l $(TARGET_DIR)/release/sesame $(TARGET_DIR)/release/sesame-app $(TARGET_DIR)/release/bundle/deb/*.deb $(TARGET_DIR)/release/bundle/rpm/*.rpm

bench:
	$(CARGO) bench

# Seeds for the import targets: every fixture of ../shared/corpus/imports (fuzz/corpus/ is
# git-ignored, so the fixtures' licences stay theirs).
fuzz-seeds:
	for target in $$(sed -n 's/^name = "\(import_[a-z_]*\)"/\1/p' fuzz/Cargo.toml); do \
	  mkdir -p fuzz/corpus/$$target; \
	  find $(CORPUS)/imports -type f ! -name 'LICENSE*' ! -path '*source*' -size -3M -exec cp --backup=numbered -t fuzz/corpus/$$target {} + ; \
	done

## soak: SESAME_SOAK_KILLS (default 1000) sesame processes killed with SIGKILL in the middle
## of saves of every kind; the vault must open after each with no acknowledged change lost
## (tests/soak.rs). Then SESAME_SYNC_SOAK_KILLS (default 50) `sesame sync now` pushes killed
## mid-request, every fifth by killing the sync server: nothing lost or doubled (tests/sync.rs).
## Minutes long, so not part of `make test`.
## The sync measurements (measure_*, load_test_*) run here too, being ignored tests of sync.rs.
soak:
	$(CARGO) test --test soak -- --ignored --nocapture
	$(CARGO) build -p sesame-sync
	$(CARGO) test --test sync -- --ignored --nocapture

## load: the sync server under SESAME_SYNC_LOAD_USERS (default 50) users, each with its own
## access token, syncing at once for SESAME_SYNC_LOAD_SECS (default 5) seconds on loopback;
## p50/p99 per endpoint and requests per second on SQLite and DynamoDB-on-ministack, and the
## time of a sync with nothing to do (tests/sync.rs; figures in docs/speed.md).
load:
	$(CARGO) build -p sesame-sync
	$(CARGO) test --test sync -- --ignored --nocapture --test-threads 1 load_test_ measure_a_sync_with_nothing_to_do

FUZZ_SECONDS ?= 180
# Inputs longer than this are cut: the largest seeds (600 KB exports) would otherwise make
# each run of the detector a thousand times slower, for no new paths.
FUZZ_MAX_LEN ?= 65536
fuzz: fuzz-seeds
	@which cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	@rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
	for target in $$($(CARGO) +nightly fuzz list); do \
	  $(CARGO) +nightly fuzz run "$$target" -- -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) || exit 1; \
	done

## fuzz-campaign: every target to FUZZ_RUNS executions (default 10 M), FUZZ_JOBS (2) at a
## time at the lowest priority, then a table of executions, coverage and crashes
## (scripts/fuzz-campaign). Hours on 2 cores.
fuzz-campaign: fuzz-seeds
	scripts/fuzz-campaign

## fuzz-minimise: shrink the fuzz corpora kept in git to a set cover of their coverage
## (scripts/fuzz-minimise); run after a campaign, before committing them.
fuzz-minimise:
	scripts/fuzz-minimise

score: score-otp score-qr

score-otp:
	$(CARGO) build --release --bin sesame
	python3 $(CORPUS)/score_totp.py \
	  --totp-cmd '$(TARGET_DIR)/release/sesame code --secret {secret} --algorithm {alg_lower} --digits {digits} --period {period} --time {time}' \
	  --hotp-cmd '$(TARGET_DIR)/release/sesame code --secret {secret} --algorithm {alg_lower} --digits {digits} --counter {counter}'

score-qr:
	$(CARGO) build --release --bin sesame
	python3 $(CORPUS)/score_qr.py --cmd '$(TARGET_DIR)/release/sesame scan {file}' --jobs 1

# Launch time, memory and size of a release build of the app (figures, not a test).
measure-app: ui
	$(CARGO) build --release -p sesame -p sesame-app --bins
	SESAME_APP=$(TARGET_DIR)/release/sesame-app SESAME_CLI=$(TARGET_DIR)/release/sesame \
	  scripts/with-secret-service e2e/run node measure.mjs

clean:
	$(CARGO) clean
