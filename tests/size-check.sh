#!/usr/bin/env bash
# The shipped library's size budget: the FFI crate (the core and its façade) built with the `mobile` profile
# (the one apps ship: LTO, one codegen unit, unwinding panics) for the phones'
# CPU, aarch64, and stripped of its symbol table as an APK or an app bundle
# ships it (the Android Gradle plugin strips native libraries; cargo's
# `strip = true` leaves .symtab in when gcc links for another target). The
# Android target cannot be linked here (no NDK is reachable), so the budget is
# checked on aarch64-unknown-linux-gnu, which builds the same crates with the
# same NEON kernels. Fails past the budget. The library apps ship by default
# leaves out the core's own text recogniser (feature `ocr`: rten and the
# PP-OCR pipeline, 2.9 MiB more: 11,215,576 bytes with it, 8,200,816
# without, measured 2026-12-04), as apps pass the platform's recognised text
# instead; an app that wants it builds with `--features ocr` and bundles the
# 15.6 MB models. The face landmark model (1.2 MB) is an asset the app
# bundles too (`load_face_landmark_model`): embedded it took the library to
# 9.20 MiB.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
budget=$((8 * 1024 * 1024))
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
export AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
cargo build --profile mobile -p icp-companion-ffi --lib --target aarch64-unknown-linux-gnu \
  --no-default-features
lib=target/aarch64-unknown-linux-gnu/mobile/libicp_companion.stripped.so
aarch64-linux-gnu-strip -o "$lib" target/aarch64-unknown-linux-gnu/mobile/libicp_companion.so
size=$(stat -c %s "$lib")
awk -v s="$size" -v b="$budget" 'BEGIN { printf "mobile profile, aarch64, stripped: %d bytes (%.2f MiB; budget %.2f MiB)\n", s, s / 1048576, b / 1048576 }'
if [ "$size" -gt "$budget" ]; then
  echo "error: $lib is $size bytes, over the $budget-byte budget"
  exit 1
fi
