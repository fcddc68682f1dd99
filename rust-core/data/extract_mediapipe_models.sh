#!/usr/bin/env bash
# Copies MediaPipe's BlazeFace short-range detector and its face landmark
# model out of the pinned PyPI wheel into rust-core/data/ (run from the
# repository root). The wheel's hash is checked; the model files are copied
# byte for byte, with the wheel's licence.
set -euo pipefail
wheel=mediapipe-0.10.14-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
sha=a807328339e7356fda0bb14df12fedbf1d33bdf81649c5f8666b0026b1cc30b4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.11 \
  --platform manylinux2014_x86_64 "mediapipe==0.10.14" -d "$tmp"
echo "$sha  $tmp/$wheel" | sha256sum -c -
(cd "$tmp" && python3 -m zipfile -e "$wheel" x >/dev/null)
cp "$tmp/x/mediapipe/modules/face_detection/face_detection_short_range.tflite" rust-core/data/
cp "$tmp/x/mediapipe/modules/face_landmark/face_landmark.tflite" rust-core/data/
cp "$tmp/x/mediapipe-0.10.14.dist-info/LICENSE" rust-core/data/LICENSE-mediapipe-model.txt
sha256sum rust-core/data/face_detection_short_range.tflite rust-core/data/face_landmark.tflite
