#!/usr/bin/env bash
# Copies SeetaFace's frontal face model (BSD-2) out of the `rustface` crate
# that the core depends on, as published on crates.io, into rust-core/data/
# (run from the repository root). The crate file is checked against the
# sha256 Cargo.lock records for it; the model is copied byte for byte.
set -euo pipefail
version=0.1.7
sha=$(awk '/^name = "rustface"$/{f=1} f&&/^checksum/{gsub(/"/,"",$3); print $3; exit}' Cargo.lock)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -fsSL "https://static.crates.io/crates/rustface/rustface-$version.crate" -o "$tmp/rustface.crate"
echo "$sha  $tmp/rustface.crate" | sha256sum -c -
tar -xzf "$tmp/rustface.crate" -C "$tmp"
cp "$tmp/rustface-$version/model/seeta_fd_frontal_v1.0.bin" rust-core/data/
sha256sum rust-core/data/seeta_fd_frontal_v1.0.bin
