# Sesame — `make run` builds and starts Sesame; `make test` installs what the tests need
# and runs every test. Both work on a fresh Debian machine (root, or a user with sudo).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CORPUS ?= ../shared/corpus

# Debian packages the tests start for real: chrony (a local NTP server for the clock tests),
# GNOME Keyring in a private D-Bus session (the Secret Service the vault's device key uses),
# secret-tool to look inside it.
TEST_APT_PACKAGES := chrony dbus dbus-daemon dbus-bin gnome-keyring libsecret-tools

.PHONY: run test setup-test lint unit fuzz-check bench fuzz score score-qr score-otp clean help

help:
	@echo "make run    build Sesame and show how to use it"
	@echo "make test   install test dependencies, then run every check and test"
	@echo "make bench  criterion benchmarks (release)"
	@echo "make score  score the QR decoder and the code generator on $(CORPUS)"
	@echo "make fuzz   run each fuzz target for FUZZ_SECONDS (default 180) on nightly"

## run: the desktop app does not exist yet, so this builds the CLI and shows its help.
run:
	$(CARGO) build --release --bin sesame
	@echo
	@echo "Sesame's desktop app is not built yet; the command-line tool is ready:"
	@echo "  ./target/release/sesame --help"
	@echo
	./target/release/sesame --help

## test: everything CI checks.
test: setup-test lint unit fuzz-check

setup-test:
	@missing=""; for p in $(TEST_APT_PACKAGES); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
	@[ -d "$(CORPUS)" ] || { echo "The shared corpus is missing at $(CORPUS): clone Sesame beside shared/"; exit 1; }

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

# Every test runs inside a private D-Bus session with an unlocked GNOME Keyring.
unit:
	scripts/with-secret-service $(CARGO) test --all-targets --no-fail-fast

# The fuzz targets must keep compiling (they are run with `make fuzz`, on nightly).
fuzz-check:
	$(CARGO) check --manifest-path fuzz/Cargo.toml --bins

bench:
	$(CARGO) bench

FUZZ_SECONDS ?= 180
fuzz:
	@which cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	@rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
	for target in $$($(CARGO) +nightly fuzz list); do \
	  $(CARGO) +nightly fuzz run "$$target" -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done

score: score-otp score-qr

score-otp:
	$(CARGO) build --release --bin sesame
	python3 $(CORPUS)/score_totp.py \
	  --totp-cmd 'target/release/sesame code --secret {secret} --algorithm {alg_lower} --digits {digits} --period {period} --time {time}' \
	  --hotp-cmd 'target/release/sesame code --secret {secret} --algorithm {alg_lower} --digits {digits} --counter {counter}'

score-qr:
	$(CARGO) build --release --bin sesame
	python3 $(CORPUS)/score_qr.py --cmd 'target/release/sesame scan {file}' --jobs 1

clean:
	$(CARGO) clean
