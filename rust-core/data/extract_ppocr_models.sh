#!/usr/bin/env bash
# Extracts the PP-OCRv4 mobile text detection and recognition models
# (PaddleOCR, Apache-2.0) from the PyPI wheel rapidocr-onnxruntime 1.4.4 into
# a models folder (default target/models/ppocr; run from the repository
# root). The wheel is checked against its sha256; the models are copied byte
# for byte, with the licence notice. Apps ship this folder as an asset (15.6
# MB); the library never downloads it.
set -euo pipefail
dest=${1:-target/models/ppocr}
version=1.4.4
sha=971d7d5f223a7a808662229df1ef69893809d8457d834e6373d3854bc1782cbf
models=(ch_PP-OCRv4_det_infer.onnx ch_PP-OCRv4_rec_infer.onnx)
if [ -f "$dest/NOTICE" ] && for m in "${models[@]}"; do [ -f "$dest/$m" ] || exit 1; done; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "rapidocr-onnxruntime==$version --hash=sha256:$sha" >"$tmp/requirement.txt"
python3 -m pip download --quiet --no-deps --require-hashes -d "$tmp" -r "$tmp/requirement.txt"
(cd "$tmp" && python3 -m zipfile -e rapidocr_onnxruntime-$version-py3-none-any.whl wheel)
mkdir -p "$dest.part"
for m in "${models[@]}"; do
  cp "$tmp/wheel/rapidocr_onnxruntime/models/$m" "$dest.part/"
done
licence=$(awk -F': ' '/^License: /{print $2; exit}' "$tmp/wheel/rapidocr_onnxruntime-$version.dist-info/METADATA")
[ "$licence" = "Apache-2.0" ] || { echo "error: the wheel's licence is '$licence', expected Apache-2.0" >&2; exit 1; }
cat >"$dest.part/NOTICE" <<NOTICE
PP-OCRv4 mobile text detection and recognition models (ch_PP-OCRv4_det_infer,
ch_PP-OCRv4_rec_infer) by PaddlePaddle's PaddleOCR project, converted to ONNX
and distributed by RapidAI in the PyPI wheel rapidocr-onnxruntime $version
(sha256 $sha), whose metadata gives the licence: $licence.
Licensed under the Apache License, Version 2.0: http://www.apache.org/licenses/LICENSE-2.0
https://github.com/PaddlePaddle/PaddleOCR  https://github.com/RapidAI/RapidOCR
NOTICE
rm -rf "$dest" && mv "$dest.part" "$dest"
(cd "$dest" && sha256sum "${models[@]}")
