#!/usr/bin/env bash
# Makes cli/data/demo-portrait.jpg, the administrator the demo photographs:
# the head and shoulders of NASA's portrait of astronaut Eileen Collins (public
# domain), as scikit-image 0.26.0 ships it (skimage/data/astronaut.png, in the
# PyPI wheel, checked by sha256), cropped around the face and saved as JPEG.
# Run from the repository root; needs Python and the peers of
# tests/eval/setup-peers.sh (Pillow). The result is committed; nothing is
# downloaded when the demo runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
eval "$(bash "$root/tests/eval/setup-peers.sh")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "scikit-image==0.26.0 --hash=sha256:74aa5518ccea28121f57a95374581d3b979839adc25bb03f289b1bc9b99c58af" >"$tmp/req.txt"
python3 -m pip download -q --no-deps --require-hashes --only-binary=:all: --platform manylinux_2_28_x86_64 \
  --python-version 3.11 --implementation cp --abi cp311 -d "$tmp" -r "$tmp/req.txt"
(cd "$tmp" && python3 -m zipfile -e scikit_image-*.whl wheel >/dev/null)
"$ICP_PEER_PYTHON" - "$tmp/wheel/skimage/data/astronaut.png" "$root/cli/data/demo-portrait.jpg" <<'PY'
import sys
from PIL import Image
photo = Image.open(sys.argv[1]).convert("RGB")
# Hair to chest, the face in the middle: the demo paints the shoulders itself.
photo.crop((120, 0, 330, 240)).save(sys.argv[2], "JPEG", quality=92)
PY
echo "wrote cli/data/demo-portrait.jpg"
