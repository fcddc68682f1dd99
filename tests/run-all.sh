#!/usr/bin/env bash
# The whole test suite, as `.ci/run` runs it: what the tests need is installed
# first (tests/setup-deps.sh), then formatting, lints, the Android compile
# check, the Rust tests on x86_64, the demo, the Rust tests on aarch64 under
# qemu, the binding tests (Kotlin on the JVM through JUnit, Python through
# pytest) and the shipped library's size budget. Any failing step stops the
# suite; each runner writes its own report under target/reports, and the
# closing table is read from those reports.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started=$(date +%s)
step() { echo "== $(date +%T) (+$(($(date +%s) - started)) s) $*"; }
# A suite builds everything once: incremental caches would only double the
# disk it needs (see the README, Tests).
export CARGO_INCREMENTAL=0

step "setup: system and registry packages"
bash tests/setup-deps.sh
# shellcheck source=/dev/null
source target/test-deps/env.sh
reports=target/reports
rm -rf "$reports" && mkdir -p "$reports"

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (workspace, all targets; then the CLI with the camera feature)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p icp-companion-cli --features camera --all-targets -- -D warnings

step "Android target (aarch64-linux-android): the shipped library (core and façade, default features off as apps ship it) compiles for phones without a warning"
# rustls's crypto (ring) compiles C. Without the NDK (no registry here has
# it), Debian's clang targeting Android with aarch64 libc headers is enough
# to compile-check; linking an app still needs the NDK.
CC_aarch64_linux_android=clang \
  CFLAGS_aarch64_linux_android="--target=aarch64-linux-android21 -isystem /usr/aarch64-linux-gnu/include" \
  AR_aarch64_linux_android=llvm-ar \
  cargo clippy -p icp-companion-ffi --target aarch64-linux-android --no-default-features -- -D warnings

step "Rust tests (x86_64)"
# Tests on fetched photos are #[ignore]d for a bare `cargo test`; here the
# photos are present, so they run.
cargo test --workspace -- --include-ignored 2>&1 | tee "$reports/rust-x86_64.log"

step "the demo (the README's main job), on the debug build the tests ran"
# The binary `cargo test` built for the CLI's tests: `cargo run -p
# icp-companion-cli` would rebuild it with the CLI's features alone.
demo_log=$reports/demo.log
if target/debug/icp-companion demo --out target/demo-ci >"$demo_log" 2>&1 &&
  grep -q "^Demo finished." "$demo_log"; then
  echo "demo: ok"
else
  cat "$demo_log"
  echo "demo: FAILED"
  exit 1
fi

step "Rust tests of the core on aarch64 (the phones' CPU: NEON paths), under qemu-user"
bash tests/run-aarch64.sh 2>&1 | tee "$reports/rust-aarch64.log"

step "binding tests"
bash tests/run-bindings.sh

step "size of the shipped library (mobile profile)"
bash tests/size-check.sh

step "summary"
python3 tests/summary.py "$reports"
