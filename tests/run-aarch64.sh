#!/usr/bin/env bash
# The core's tests built for aarch64-unknown-linux-gnu (the phones' CPU) and
# run under qemu-user. The subset covers every module with SIMD or unsafe
# code: all unit tests (frame conversion with strides and the unsafe plane
# views, the CNN's matrix products, resampling, morphology, the queue's
# crypto), `faces` (BlazeFace through matrixmultiply's NEON kernels and
# SeetaFace on real photos), `normalise` (JPEG decode/encode and
# fast_image_resize's NEON paths on 12 MP photos) and the fast order, rules,
# location and upload suites; the document reading (rten's NEON kernels
# running the PP-OCR models on one drawn document). `capture` is left out: it replays whole capture
# sessions through the same kernels and takes 4+ minutes under emulation.
# So are `inspect::document`'s unit tests: they draw a dozen document photos
# and check them (the print's blur at 1024 px, scalar code), 31 of the 41 s
# the unit tests take unoptimised on x86_64 and about 3.5 minutes under
# emulation; x86_64 runs them. And the size sample's accuracy on eight
# 12 MP encodes (statistics, not the kernels: the encoder's NEON path is
# checked by `imaging::encode`'s tests and `normalise`). And the tiny code
# in a 2400×1800 photo: the cascade reaches the upscaled region only after
# the fast reader's binarisation, which is the core's own unoptimised code
# in tests (427 ms of the 1.5 s test budget natively); emulated, the budget
# runs out first (at opt-level 1 too). x86_64 runs it (with the tests'
# tenfold budget); the binarisation's bits are checked here by
# `scan::hybrid`'s tests against rxing's own.
# Needs what tests/setup-deps.sh installs (gcc-aarch64-linux-gnu,
# libc6-dev-arm64-cross, qemu-user, the Rust target).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ -z "${ICP_TEST_DEPS_READY:-}" ]; then
  bash tests/setup-deps.sh
  # shellcheck source=/dev/null
  source target/test-deps/env.sh
fi
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
export AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
# One drawn document (the first, an ID card front) under emulation: each
# photo takes about 100 s there.
export ICP_READING_EVERY=10
cargo test -p icp-companion-core --target aarch64-unknown-linux-gnu --lib \
  --test faces --test normalise --test order_qr --test rules --test location --test upload_tus \
  --test document_reading --test document_ocr \
  "$@" -- --include-ignored --skip inspect::document::tests \
  --skip imaging::normalise::tests::the_size_sample_predicts_the_whole_encoding \
  --skip scan::decoder::tests::tiny_code_in_a_large_photo_is_read_through_the_upscaled_region
