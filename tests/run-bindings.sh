#!/usr/bin/env bash
# Builds the FFI crate's shared library (libicp_companion.so), generates the Kotlin, Python and Swift
# bindings from it (UniFFI library mode), and runs the binding tests under
# real runners, each writing a JUnit XML report to target/reports:
#   Kotlin on the JVM (JNA) and the Android library's JVM-side layer with its
#   tests — JUnit 4 tests run by the JUnit Platform console;
#   Python — unittest test cases run by pytest.
# Swift is compiled only where swiftc exists. Exits non-zero when any step fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ -z "${ICP_TEST_DEPS_READY:-}" ]; then
  bash tests/setup-deps.sh
  # shellcheck source=/dev/null
  source target/test-deps/env.sh
fi
reports=target/reports
mkdir -p "$reports"

# Built as the test suite builds (the whole workspace with its tests, so
# with the dev-dependencies' features): after `cargo test --workspace` this
# rebuilds nothing, where building only the core and the CLI would rebuild
# them and everything between them and tokio with fewer features.
cargo build --workspace --lib --bins --tests
lib=target/debug/libicp_companion.so

# The development gateway, for the session and upload tests.
gateway_log=$(mktemp)
target/debug/icp-companion gateway --listen 127.0.0.1:0 --dir "$(mktemp -d)" >"$gateway_log" 2>&1 &
gateway_pid=$!
trap 'kill $gateway_pid 2>/dev/null; rm -f "$gateway_log"' EXIT
for _ in $(seq 1 100); do
  grep -q "development gateway at" "$gateway_log" && break
  sleep 0.1
done
ICP_DEV_GATEWAY=$(sed -n 's/^development gateway at \([^ ]*\).*/\1/p' "$gateway_log")
[ -n "$ICP_DEV_GATEWAY" ] || { cat "$gateway_log"; echo "the development gateway did not start"; exit 1; }
export ICP_DEV_GATEWAY
out=target/bindings
rm -rf "$out"
for language in kotlin python swift; do
  target/debug/uniffi-bindgen generate --library "$lib" --language "$language" \
    --out-dir "$out/$language" --config uniffi.toml --no-format
done

status=0
echo "== $(date +%T) API overview (docs/api.md) matches the library's doc comments"
target/debug/api-overview "$lib" >target/api.md
if ! diff -u docs/api.md target/api.md; then
  echo "docs/api.md is stale: cargo run -p uniffi-bindgen --bin api-overview -- $lib > docs/api.md"
  status=1
fi

echo "== $(date +%T) Swift bindings"
# One Swift file, one header and one module map per namespace.
swift_modules=(IcpCompanion IcpCompanionCore IcpProtocol IcpLocation)
for module in "${swift_modules[@]}"; do
  for f in "$module.swift" "${module}FFI.h" "${module}FFI.modulemap"; do
    [ -s "$out/swift/$f" ] || { echo "missing $out/swift/$f"; status=1; }
  done
done
if command -v swiftc >/dev/null; then
  swift_args=()
  for module in "${swift_modules[@]}"; do
    swift_args+=(-Xcc -fmodule-map-file="$out/swift/${module}FFI.modulemap" "$out/swift/$module.swift")
  done
  swiftc -emit-library -module-name IcpCompanion -I "$out/swift" -L target/debug -licp_companion "${swift_args[@]}" \
    -o target/libIcpCompanionSwift.so || status=1
else
  echo "swiftc not found: Swift bindings generated, not compiled (no Swift toolchain here)"
fi

# junit RUNTIME_CLASSPATH REPORT CLASS...: the JUnit Platform console runs the
# JUnit 4 classes (vintage engine) and writes its XML report.
junit() {
  local classpath=$1 report=$2
  shift 2
  local selectors=()
  for class in "$@"; do selectors+=(--select-class "$class"); done
  java -Djna.library.path=target/debug -jar "$JUNIT_CONSOLE" --disable-banner --disable-ansi-colors --details=tree \
    --fail-if-no-tests --class-path "$classpath" --reports-dir "$reports/$report" "${selectors[@]}"
}

echo "== $(date +%T) Kotlin on the JVM (JNA), JUnit"
classes=target/kotlin-test-classes
rm -rf "$classes"
runtime="$JNA_JAR:$COROUTINES_JAR:$KOTLIN_STDLIB:$JUNIT_JARS"
# The façade's bindings and the lower crates' types (packages …companion.core, .protocol, .location).
mapfile -t generated < <(find "$out/kotlin" -name '*.kt' | sort)
if "$KOTLINC" -nowarn -cp "$JNA_JAR:$COROUTINES_JAR:$JUNIT_JARS" "${generated[@]}" \
  tests/kotlin/BindingsTest.kt tests/kotlin/shared/*.kt -d "$classes"; then
  junit "$classes:$runtime" kotlin-bindings BindingsTest || status=1
else
  echo "kotlinc failed on the bindings tests"
  status=1
fi

echo "== $(date +%T) Android library and sample: their Kotlin without android.* and its tests on the JVM, JUnit"
android_classes=target/android-test-classes
rm -rf "$android_classes"
module=android/icp-companion/src
sample=android/sample/src
# Against the bindings and scenes compiled above.
mapfile -t sources < <(find "$module/shared" "$module/test" "$sample/shared" "$sample/test" -name '*.kt' | sort)
mapfile -t tests < <(cd "$module/test/kotlin" && find . -name '*Test.kt'; cd "$root/$sample/test/kotlin" && find . -name '*Test.kt')
mapfile -t tests < <(printf '%s\n' "${tests[@]}" | sed 's#^\./##; s#\.kt$##; s#/#.#g' | sort)
if "$KOTLINC" -nowarn -cp "$classes:$JNA_JAR:$COROUTINES_JAR:$JUNIT_JARS" "${sources[@]}" -d "$android_classes"; then
  junit "$android_classes:$classes:$runtime" android-jvm "${tests[@]}" || status=1
else
  echo "kotlinc failed on the Android library's JVM sources"
  status=1
fi

echo "== $(date +%T) Python, pytest"
cp "$lib" "$out/python/" # beside icp_companion.py, icp_companion_core.py, icp_protocol.py, icp_location.py
PYTHONPATH="$out/python" "$PYTEST" -p no:cacheprovider -v --junitxml="$reports/python/TEST-python.xml" \
  tests/python/test_bindings.py tests/python/test_parity.py || status=1

exit $status
