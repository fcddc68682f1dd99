#!/usr/bin/env bash
# Builds the core for iOS devices and simulators and packs it as
# build/IcpCompanionFFI.xcframework, then writes the generated Swift
# bindings to Sources/IcpCompanion. Needs macOS with Xcode and rustup.
#   bash ios/build-xcframework.sh            # release
#   PROFILE=debug bash ios/build-xcframework.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
profile=${PROFILE:-release}
flag=$([ "$profile" = release ] && echo --release || true)
cd "$root"

# Device, simulator (Apple silicon and Intel Macs), and macOS for `swift test`.
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${targets[@]}"
for target in "${targets[@]}"; do
  # The static library only: the app links it into its own binary.
  cargo rustc -p icp-companion-ffi --lib --crate-type staticlib $flag --target "$target"
done

# Bindings from this Mac's build of the same crate (UniFFI library mode).
cargo build -p icp-companion-ffi --lib $flag
generated=$(mktemp -d)
cargo run -q -p uniffi-bindgen -- generate --library "target/$profile/libicp_companion.dylib" \
  --language swift --config uniffi.toml --out-dir "$generated"

out="$here/build"
rm -rf "$out" && mkdir -p "$out/headers" "$out/simulator" "$out/macos"
cp "$generated"/*FFI.h "$out/headers/"
# The C modules the Swift files import, one per namespace: `IcpCompanionFFI`
# (the façade's functions), `IcpCompanionCoreFFI`, `IcpProtocolFFI` and
# `IcpLocationFFI` (the lower crates' types' helpers).
cat "$generated"/*FFI.modulemap >"$out/headers/module.modulemap"
lipo -create "target/aarch64-apple-ios-sim/$profile/libicp_companion.a" \
  "target/x86_64-apple-ios/$profile/libicp_companion.a" -output "$out/simulator/libicp_companion.a"
lipo -create "target/aarch64-apple-darwin/$profile/libicp_companion.a" \
  "target/x86_64-apple-darwin/$profile/libicp_companion.a" -output "$out/macos/libicp_companion.a"
xcodebuild -create-xcframework \
  -library "target/aarch64-apple-ios/$profile/libicp_companion.a" -headers "$out/headers" \
  -library "$out/simulator/libicp_companion.a" -headers "$out/headers" \
  -library "$out/macos/libicp_companion.a" -headers "$out/headers" \
  -output "$out/IcpCompanionFFI.xcframework"
# Every namespace's Swift compiles into the one Swift module IcpCompanion.
cp "$generated"/*.swift "$here/Sources/IcpCompanion/"
echo "built $out/IcpCompanionFFI.xcframework and the Swift bindings in Sources/IcpCompanion/"
