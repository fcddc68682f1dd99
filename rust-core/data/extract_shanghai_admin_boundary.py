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

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parents[2] / "shared/reference/geo/osm_shanghai_r913067_v155.geojson"


def polygons_of(document: dict) -> list:
    """Every polygon of every feature as rings of micro-degree lon, lat
    pairs, without the closing repeat and consecutive duplicates."""
    out = []
    for feature in document["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            parts = [geometry["coordinates"]]
        elif geometry["type"] == "MultiPolygon":
            parts = geometry["coordinates"]
        else:
            sys.exit(f"unexpected geometry {geometry['type']}")
        for polygon in parts:
            rings = []
            for ring in polygon:
                points = []
                for lon, lat in ring:
                    p = [round(lon * 1e6), round(lat * 1e6)]
                    if not points or points[-1] != p:
                        points.append(p)
                if len(points) > 1 and points[0] == points[-1]:
                    points.pop()
                if len(points) >= 3:
                    rings.append([c for p in points for c in p])
            if rings:
                out.append(rings)
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
