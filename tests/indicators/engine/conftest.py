"""A small hierarchy with both shapes Guangdong has: a city with counties (广州) and a city whose
towns stand directly under it (东莞)."""

from __future__ import annotations

import numpy as np
import pytest

from baiqianwan.indicators.engine import Dataset, Hierarchy

NAN = np.nan

# row: code, parent row, level
UNITS = [
    ("P", -1, "province"),  # 0
    ("GZ", 0, "city"),  # 1
    ("C1", 1, "county"),  # 2
    ("C2", 1, "county"),  # 3
    ("T1", 2, "town"),  # 4
    ("T2", 2, "town"),  # 5
    ("T3", 3, "town"),  # 6
    ("DG", 0, "city"),  # 7  no counties
    ("T4", 7, "town"),  # 8
    ("T5", 7, "town"),  # 9
    ("V1", 4, "village"),  # 10
    ("V2", 4, "village"),  # 11
    ("V3", 8, "village"),  # 12
]
ROW = {code: i for i, (code, _, _) in enumerate(UNITS)}


def make_hierarchy() -> Hierarchy:
    return Hierarchy([u[0] for u in UNITS], [u[1] for u in UNITS], [u[2] for u in UNITS])


@pytest.fixture
def tree() -> Hierarchy:
    return make_hierarchy()


@pytest.fixture
def ds(tree: Hierarchy) -> Dataset:
    """Two periods; ``x`` at towns and villages, ``zero`` 0 everywhere, ``gap`` missing everywhere."""
    x = np.full((len(UNITS), 2), NAN)
    x[ROW["T1"]] = [1, 10]
    x[ROW["T2"]] = [2, NAN]
    x[ROW["T3"]] = [NAN, NAN]
    x[ROW["T4"]] = [4, 40]
    x[ROW["T5"]] = [5, 0]
    x[ROW["V1"]] = [0.5, 1]
    x[ROW["V2"]] = [NAN, 3]
    x[ROW["V3"]] = [7, 7]
    y = np.arange(len(UNITS) * 2, dtype=float).reshape(-1, 2)
    return Dataset(
        tree, ["2023", "2024"], {"x": x, "y": y, "zero": np.zeros_like(x), "gap": np.full_like(x, NAN)}
    )
