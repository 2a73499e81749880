"""Place names, so that a demand's "湖寮镇几个村" does not match on 湖、寮、镇.

Where a record is is a structured fact (its division code) that the re-rank and the explanation
use; written in the text it is no evidence that two records are about the same thing. The names of
Guangdong's cities, counties and towns are given to the segmenter, so it cuts them whole, and are
then dropped like stopwords, in documents and queries alike.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from .normalise import data_dir

# Levels whose names are kept out of matching (village names are too many and too often words).
LEVELS = frozenset({"province", "city", "county", "town"})
SUFFIXES = ("街道", "自治县", "省", "市", "区", "县", "镇", "乡")
# Bare names of cities and counties that are also everyday words: kept as words.
EVERYDAY_WORDS = frozenset(
    {"城区", "光明", "清新", "新兴", "和平", "白云", "高明", "江海", "南山", "紫金", "中山"}
)


def divisions_file() -> Path:
    return data_dir() / "divisions" / "guangdong.csv"


def place_names(rows: list[tuple[str, str]]) -> frozenset[str]:
    """Full names of the given (name, level) rows, and the bare names of cities and counties
    (大埔县 → 大埔, 梅州市 → 梅州), which are written without their suffix as often as with it."""
    names: set[str] = set()
    for name, level in rows:
        if level not in LEVELS or len(name) < 2:
            continue
        names.add(name)
        if level in ("city", "county"):
            for suffix in SUFFIXES:
                bare = name.removesuffix(suffix)
                if bare != name:
                    if len(bare) >= 2 and bare not in EVERYDAY_WORDS:
                        names.add(bare)
                    break
    return frozenset(names)


@lru_cache(maxsize=1)
def default_place_names() -> frozenset[str]:
    """The shipped registry's names; empty when the file is absent (an engine used on its own)."""
    path = divisions_file()
    if not path.exists():
        return frozenset()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(row["name"], row["level"]) for row in csv.DictReader(handle)]
    return place_names(rows)
