#!/usr/bin/env bash
# Builds the core as a shared library, generates the Kotlin, Python and Swift
# bindings from it (UniFFI library mode), and runs the Kotlin (JVM + JNA) and
# Python binding tests, and the Android library's JVM-side Kotlin layer
# with its tests. Swift is compiled and tested only where swiftc exists.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
eval "$(bash tests/setup-deps.sh)"

cargo build -q -p icp-companion-core -p icp-companion-cli
lib=target/debug/libicp_companion.so

# The development gateway, for the session and upload tests.
gateway_log=$(mktemp)
target/debug/icp-companion gateway --listen 127.0.0.1:0 --dir "$(mktemp -d)" >"$gateway_log" 2>&1 &
gateway_pid=$!
trap 'kill $gateway_pid 2>/dev/null || true; rm -f "$gateway_log"' EXIT
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
  cargo run -q -p uniffi-bindgen -- generate --library "$lib" --language "$language" \
    --out-dir "$out/$language" --config uniffi.toml --no-format >/dev/null
done

status=0
echo "== $(date +%T) API overview (docs/api.md) matches the library's doc comments"
cargo run -q -p uniffi-bindgen --bin api-overview -- "$lib" > target/api.md
if ! diff -u docs/api.md target/api.md; then
  echo "docs/api.md is stale: cargo run -p uniffi-bindgen --bin api-overview -- $lib > docs/api.md"
  status=1
fi

echo "== $(date +%T) Swift bindings"
for f in IcpCompanion.swift IcpCompanionFFI.h IcpCompanionFFI.modulemap; do
  [ -s "$out/swift/$f" ] || { echo "missing $out/swift/$f"; status=1; }
done
if command -v swiftc >/dev/null; then
  swiftc -emit-library -module-name IcpCompanion -I "$out/swift" -L target/debug -licp_companion \
    -Xcc -fmodule-map-file="$out/swift/IcpCompanionFFI.modulemap" "$out/swift/IcpCompanion.swift" \
    -o target/libIcpCompanionSwift.so || status=1
else
  echo "swiftc not found: Swift bindings generated, not compiled (no Swift toolchain here)"
fi

echo "== $(date +%T) Kotlin on the JVM (JNA)"
classes=target/kotlin-test-classes
rm -rf "$classes"
"$KOTLINC" -nowarn -cp "$JNA_JAR:$COROUTINES_JAR" "$out/kotlin/cn/icpfiling/companion/icp_companion.kt" \
  tests/kotlin/BindingsTest.kt tests/kotlin/shared/*.kt -d "$classes" 2>&1 | grep -v '^warning:' || true
java -Djna.library.path=target/debug -cp "$classes:$JNA_JAR:$COROUTINES_JAR:$KOTLIN_STDLIB" BindingsTestKt || status=1

echo "== $(date +%T) Android library and sample: their Kotlin without android.* and its tests on the JVM (JUnit 4)"
android_classes=target/android-test-classes
rm -rf "$android_classes"
module=android/icp-companion/src
sample=android/sample/src
# Against the bindings and scenes compiled above.
"$KOTLINC" -nowarn -cp "$classes:$JNA_JAR:$COROUTINES_JAR:$JUNIT_JARS" \
  $(find "$module/shared" "$module/test" "$sample/shared" "$sample/test" -name '*.kt') -d "$android_classes" 2>&1 | grep -v '^warning:' || true
tests=$(cd "$module/test/kotlin" && find . -name '*Test.kt'; cd "$root/$sample/test/kotlin" && find . -name '*Test.kt')
tests=$(echo "$tests" | sed 's#^\./##; s#\.kt$##; s#/#.#g' | sort)
java -Djna.library.path=target/debug -cp "$android_classes:$classes:$JNA_JAR:$COROUTINES_JAR:$KOTLIN_STDLIB:$JUNIT_JARS" \
  org.junit.runner.JUnitCore $tests || status=1

echo "== $(date +%T) Python"
cp "$lib" "$out/python/"
PYTHONPATH="$out/python" python3 tests/python/test_bindings.py || status=1

exit $status
