"""Decodes a labelled QR corpus (labels.tsv: file, distortion, severity, text)
with zxing-cpp from PyPI, the peer decoder we measure against; prints
`file<TAB>ok<TAB>ms` for `icp-companion qr eval --compare`. Installs
zxing-cpp and Pillow with pip when missing."""

import subprocess
import sys
import time
from pathlib import Path

try:
    import zxingcpp
    from PIL import Image
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "zxing-cpp", "pillow"], check=True)
    import zxingcpp
    from PIL import Image

corpus = Path(sys.argv[1])
for line in (corpus / "labels.tsv").read_text(encoding="utf-8").splitlines()[1:]:
    file, _kind, _severity, text = line.split("\t", 3)
    luma = Image.open(corpus / file).convert("L")
    luma.load()
    started = time.perf_counter()
    found = zxingcpp.read_barcodes(luma, formats=zxingcpp.BarcodeFormat.QRCode)
    ms = (time.perf_counter() - started) * 1e3
    ok = any(b.text == text for b in found)
    print(f"{file}\t{int(ok)}\t{ms:.3f}")
