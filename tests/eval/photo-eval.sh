#!/usr/bin/env bash
# Builds the labelled photo and document corpora from registry packages and
# prints the check-eval tables, then the blur sweeps':  bash tests/eval/photo-eval.sh [SEED]
#   faces: npm @vladmandic/face-api demo photos (fetched by tests/setup-deps.sh)
#   font:  Debian fonts-wqy-microhei (downloaded, not installed)
#   needs: python3 with numpy and Pillow (installed with pip when missing)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seed=${1:-2}
deps="$root/target/test-deps"
bash "$root/tests/setup-deps.sh" >&2
source "$deps/env.sh"
font="$deps/fonts/wqy-microhei.ttc"
if [ ! -f "$font" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download fonts-wqy-microhei >/dev/null 2>&1 && dpkg-deb -x fonts-wqy-microhei_*.deb x)
  mkdir -p "$deps/fonts" && cp "$tmp"/x/usr/share/fonts/truetype/wqy/wqy-microhei.ttc "$font"
  rm -rf "$tmp"
fi
python3 -c "import numpy, PIL" 2>/dev/null || python3 -m pip install -q numpy Pillow
cargo build -q --release -p icp-companion-cli
cli="$root/target/release/icp-companion"
out="$root/target/eval/seed-$seed"
rm -rf "$out" && mkdir -p "$out"
"$cli" faces "$ICP_FACE_PHOTOS"/sample*.jpg > "$out/faces.tsv"
cd "$root/tests/eval"
python3 make_photo_corpus.py "$out/photos" --photos "$ICP_FACE_PHOTOS" --faces "$out/faces.tsv" --font "$font" --seed "$seed"
python3 make_document_corpus.py "$out/documents" --photos "$ICP_FACE_PHOTOS" --faces "$out/faces.tsv" --font "$font" --seed "$seed"
for kind in photo document; do
  python3 "make_${kind}_corpus.py" "$out/$kind-blur-sweep" --sweep --photos "$ICP_FACE_PHOTOS" --faces "$out/faces.tsv" --font "$font" --seed "$seed"
done
echo "## Administrator photos (seed $seed)"
"$cli" check-eval "$out/photos"
echo
echo "## Documents (seed $seed)"
"$cli" check-eval "$out/documents"
for kind in photo document; do
  echo
  echo "## Blur sweep, ${kind}s (seed $seed)"
  "$cli" check-eval "$out/$kind-blur-sweep"
done
