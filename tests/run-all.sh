#!/usr/bin/env bash
# The whole test suite: formatting, lints, Rust tests, the Android target
# check, and the binding tests (Kotlin on the JVM, Python, Swift generation).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

echo "== $(date +%T) cargo fmt --check"
cargo fmt --all --check

echo "== $(date +%T) cargo clippy"
cargo clippy -q --workspace --all-targets -- -D warnings

echo "== $(date +%T) Android target (aarch64-linux-android): the core compiles for phones"
rustup target add aarch64-linux-android >/dev/null 2>&1 || true
# rustls's crypto (ring) compiles C. Without the NDK (no registry here has
# it), Debian's clang targeting Android with aarch64 libc headers is enough
# to compile-check; linking an app still needs the NDK.
if ! command -v clang >/dev/null || [ ! -d /usr/aarch64-linux-gnu/include ]; then
  echo "installing clang and libc6-dev-arm64-cross"
  (apt-get update -qq && apt-get install -y -qq clang llvm libc6-dev-arm64-cross) >&2
fi
CC_aarch64_linux_android=clang \
  CFLAGS_aarch64_linux_android="--target=aarch64-linux-android21 -isystem /usr/aarch64-linux-gnu/include" \
  AR_aarch64_linux_android=llvm-ar \
  cargo check -q -p icp-companion-core --target aarch64-linux-android

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== $(date +%T) binding tests"
bash tests/run-bindings.sh 2>&1 | tee -a "$log"

echo "== $(date +%T) Rust tests"
# Tests on fetched photos are #[ignore]d for a bare `cargo test`; here the
# photos are present, so they run.
eval "$(bash tests/setup-deps.sh)"
export ICP_FACE_PHOTOS ICP_TUS_SERVER
cargo test -q --workspace -- --include-ignored 2>&1 | tee -a "$log"

echo "== $(date +%T) the demo (the README's main job), on the debug build"
demo_log=$(mktemp)
if cargo run -q -p icp-companion-cli -- demo --out target/demo-ci >"$demo_log" 2>&1 \
    && grep -q "^Demo finished." "$demo_log"; then
  echo "demo: ok"
else
  cat "$demo_log"
  echo "demo: FAILED"
  exit 1
fi

# One closing line for the whole suite: Rust, Kotlin, JUnit and Python counts.
python3 - "$log" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
passed = failed = 0
for p, f in re.findall(r"test result: \w+\. (\d+) passed; (\d+) failed", text):
    passed += int(p); failed += int(f)
for p, f in re.findall(r"^(\d+) passed, (\d+) failed$", text, re.M):
    passed += int(p); failed += int(f)
for n in re.findall(r"^OK \((\d+) tests?\)$", text, re.M):   # JUnit
    passed += int(n)
for n, f in re.findall(r"^Tests run: (\d+),\s+Failures: (\d+)$", text, re.M):
    passed += int(n) - int(f); failed += int(f)
m = re.search(r"^Ran (\d+) tests?", text, re.M)
if m and re.search(r"^OK", text, re.M):
    passed += int(m.group(1))
print(f"total: {passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
PY
