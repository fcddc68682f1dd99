"""Decodes a labelled QR folder with zxing-cpp (PyPI), the peer decoder
`icp-companion qr eval --compare` measures against in the same run. Prints
`file<TAB>found<TAB>ms` per image (ms: the decode call alone, on an image
already loaded as grey; the fastest of REPEAT calls, as the core's side is
timed). Layouts: a labels.tsv (file, distortion, severity,
text), or images each beside a .txt holding the expected text. Run with
the peers' Python (tests/eval/setup-peers.sh installs zxing-cpp and Pillow,
pinned)."""

import sys
import time
from pathlib import Path

import zxingcpp
from PIL import Image


def read(path: Path) -> str:
    """The file's text exactly (no newline translation: texts hold CR LF)."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def samples(corpus: Path):
    labels = corpus / "labels.tsv"
    if labels.is_file():
        for line in read(labels).splitlines()[1:]:
            file, _kind, _severity, text = line.split("\t", 3)
            yield file, text
        return
    for path in sorted(corpus.rglob("*")):
        if path.is_dir() or path.suffix in (".txt", ".md"):
            continue
        expected = path.with_suffix(".txt")
        if expected.is_file():
            yield str(path.relative_to(corpus)), read(expected)


corpus = Path(sys.argv[1])
repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 1
for file, text in samples(corpus):
    luma = Image.open(corpus / file).convert("L")
    luma.load()
    ms = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        found = zxingcpp.read_barcodes(luma, formats=zxingcpp.BarcodeFormat.QRCode)
        ms = min(ms, (time.perf_counter() - started) * 1e3)
    ok = any(b.text == text for b in found)
    print(f"{file}\t{int(ok)}\t{ms:.3f}")
