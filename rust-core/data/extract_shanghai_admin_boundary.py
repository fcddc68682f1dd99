"""Extracts Shanghai Municipality's administrative area (OpenStreetMap
relation 913067, version 155: land, sea area and the farm exclaves in
Jiangsu and Anhui) into `shanghai-admin.osm.wgs84.json`, the format the core
reads (`rust-core/src/location/region.rs`).

The source is the reference file `osm_shanghai_r913067_v155.geojson`
(© OpenStreetMap contributors, Open Database License 1.0). The output is a
derived database under the same licence: see `rust-core/data/README.md` and
`LICENSE-osm-odbl.txt`.

Usage: python3 rust-core/data/extract_shanghai_admin_boundary.py [GEOJSON]
(GEOJSON defaults to ../shared/reference/geo/osm_shanghai_r913067_v155.geojson
next to the repository; standard library only).
"""

import hashlib
import json
import sys
from pathlib import Path

from extract_shanghai_boundary import rings

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parents[2] / "shared/reference/geo/osm_shanghai_r913067_v155.geojson"


def polygons_of(document: dict) -> list:
    """Every polygon of every feature, as `extract_shanghai_boundary.rings`
    writes them (micro-degree rings without closing or repeated vertices)."""
    out = []
    for feature in document["features"]:
        out.extend(rings(feature["geometry"]))
    return out


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    raw = source.read_bytes()
    document = json.loads(raw)
    polygons = polygons_of(document)
    result = {
        "version": "shanghai-admin/osm-r913067-v155",
        "datum": "WGS-84",
        "units": "micro-degrees, [lon, lat, lon, lat, ...] per ring; first ring of a polygon is its exterior",
        "source": f"OpenStreetMap relation 913067 version 155 ({source.name}, sha256 {hashlib.sha256(raw).hexdigest()})",
        "licence": "© OpenStreetMap contributors; Open Database License 1.0, see LICENSE-osm-odbl.txt",
        "polygons": polygons,
    }
    text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    (HERE / "shanghai-admin.osm.wgs84.json").write_text(text + "\n", encoding="utf-8")
    vertices = sum(len(r) // 2 for p in polygons for r in p)
    print(f"{len(polygons)} polygons, {vertices} vertices")


if __name__ == "__main__":
    main()
