"""The units (a hierarchy given by parent indices) and the values of data elements over them.

Every data element is a float64 array of shape (units, periods); NaN means missing. Yes/no
elements hold 1/0; a text element may be given as 1.0 (filled) or NaN (empty) so that a
``required`` rule can check it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property

import numpy as np
import numpy.typing as npt

from .errors import DataError

LEVELS: tuple[str, ...] = ("province", "city", "county", "town", "village")
LEVEL_LABELS: dict[str, str] = {
    "province": "省",
    "city": "地级市",
    "county": "县（市、区）",
    "town": "乡镇（街道）",
    "village": "村（居）",
}

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class Hierarchy:
    """Units in a fixed order; ``parent[i]`` is the row of unit i's parent, -1 for a root.

    The children of a unit are the units directly below it, whatever their level: the towns of
    东莞 and 中山 are children of the city, as the counties of the other cities are.
    """

    def __init__(
        self,
        codes: Sequence[str],
        parent: Sequence[int] | npt.ArrayLike,
        levels: Sequence[str] | None = None,
        names: Sequence[str] | None = None,
    ) -> None:
        self.codes: tuple[str, ...] = tuple(codes)
        n = len(self.codes)
        self.parent: IntArray = np.asarray(parent, dtype=np.int64).reshape(-1)
        if self.parent.shape != (n,):
            raise DataError(f"上级索引的个数（{self.parent.size}）与单位个数（{n}）不一致")
        if n and (self.parent.min() < -1 or self.parent.max() >= n):
            raise DataError("上级索引超出单位范围")
        if np.any(self.parent == np.arange(n)):
            raise DataError("单位不能是自己的上级")
        self.levels: tuple[str, ...] | None = tuple(levels) if levels is not None else None
        if self.levels is not None:
            if len(self.levels) != n:
                raise DataError("层级的个数与单位个数不一致")
            bad = sorted(set(self.levels) - set(LEVELS))
            if bad:
                raise DataError(f"未知的层级：{'、'.join(bad)}")
        self.names: tuple[str, ...] | None = tuple(names) if names is not None else None
        if self.names is not None and len(self.names) != n:
            raise DataError("名称的个数与单位个数不一致")
        self.index: dict[str, int] = {code: i for i, code in enumerate(self.codes)}
        if len(self.index) != n:
            raise DataError("单位编码有重复")
        self._check_acyclic()

    def _check_acyclic(self) -> None:
        # Following parents from every unit at once must reach the roots within as many steps as
        # there are levels; a longer chain means a loop.
        anc = self.parent.copy()
        for _ in range(64):
            if not np.any(anc >= 0):
                return
            anc = np.where(anc >= 0, self.parent[np.maximum(anc, 0)], -1)
        raise DataError("上下级关系存在循环")

    @classmethod
    def from_parent_codes(
        cls,
        codes: Sequence[str],
        parent_codes: Sequence[str | None],
        levels: Sequence[str] | None = None,
        names: Sequence[str] | None = None,
    ) -> Hierarchy:
        index = {code: i for i, code in enumerate(codes)}
        parent = []
        for code, up in zip(codes, parent_codes, strict=True):
            if not up:
                parent.append(-1)
            elif up in index:
                parent.append(index[up])
            else:
                raise DataError(f"单位 {code} 的上级 {up} 不在单位列表中")
        return cls(codes, parent, levels, names)

    def __len__(self) -> int:
        return len(self.codes)

    @cached_property
    def child_rows(self) -> IntArray:
        return np.flatnonzero(self.parent >= 0).astype(np.int64)

    @cached_property
    def child_parent(self) -> IntArray:
        return self.parent[self.child_rows]

    @cached_property
    def children(self) -> tuple[tuple[int, ...], ...]:
        """Children of each unit in row order (what the reference evaluator walks)."""
        lists: list[list[int]] = [[] for _ in self.codes]
        for row, up in enumerate(self.parent.tolist()):
            if up >= 0:
                lists[up].append(row)
        return tuple(tuple(c) for c in lists)

    @cached_property
    def n_children(self) -> IntArray:
        return np.bincount(self.child_parent, minlength=len(self)).astype(np.int64)

    def level_mask(self, levels: Iterable[str]) -> BoolArray:
        """Rows at any of ``levels``; every row when ``levels`` is empty."""
        wanted = set(levels)
        if not wanted:
            return np.ones(len(self), dtype=bool)
        if self.levels is None:
            raise DataError("单位未给出层级，无法按层级筛选")
        unknown = wanted - set(LEVELS)
        if unknown:
            raise DataError(f"未知的层级：{'、'.join(sorted(unknown))}")
        return np.isin(self.level_ids, [LEVELS.index(lv) for lv in wanted])

    @cached_property
    def level_ids(self) -> IntArray:
        if self.levels is None:
            return np.zeros(len(self), dtype=np.int64)
        order = {lv: i for i, lv in enumerate(LEVELS)}
        return np.fromiter((order[lv] for lv in self.levels), dtype=np.int64, count=len(self))

    def label(self, row: int) -> str:
        return self.names[row] if self.names is not None else self.codes[row]


def period_year(period: str) -> int:
    """The year of a period label: "2024", "2024H1", "2024Q3"."""
    head = str(period)[:4]
    if not head.isdigit():
        raise DataError(f"无法识别期间“{period}”的年份")
    return int(head)


class Dataset:
    """Values of data elements for every unit of ``hierarchy`` and every period.

    Periods are consecutive periods of one kind (years, half-years or quarters) in order;
    ``prev()`` in a formula means the column before.
    """

    def __init__(
        self,
        hierarchy: Hierarchy,
        periods: Sequence[str | int],
        values: Mapping[str, npt.ArrayLike] | None = None,
    ) -> None:
        self.hierarchy = hierarchy
        self.periods: tuple[str, ...] = tuple(str(p) for p in periods)
        if not self.periods:
            raise DataError("至少需要一个期间")
        if len(set(self.periods)) != len(self.periods):
            raise DataError("期间有重复")
        self.shape: tuple[int, int] = (len(hierarchy), len(self.periods))
        self.values: dict[str, FloatArray] = {}
        for code, array in (values or {}).items():
            self.set(code, array)
        self._empty: FloatArray | None = None

    def set(self, code: str, array: npt.ArrayLike) -> None:
        data = np.asarray(array, dtype=np.float64)
        if data.shape != self.shape:
            raise DataError(f"数据元素 {code} 的数组形状 {data.shape} 应为 {self.shape}（单位数 × 期间数）")
        if np.isinf(data).any():
            raise DataError(f"数据元素 {code} 含有无穷大值")
        self.values[code] = data

    def get(self, code: str) -> FloatArray:
        """The element's values; an element nobody reported is missing everywhere."""
        found = self.values.get(code)
        if found is not None:
            return found
        if self._empty is None:
            self._empty = np.full(self.shape, np.nan)
            self._empty.flags.writeable = False
        return self._empty

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(period_year(p) for p in self.periods)

    @classmethod
    def from_records(
        cls,
        hierarchy: Hierarchy,
        periods: Sequence[str | int],
        records: Iterable[tuple[str, str | int, str, float | None]],
    ) -> Dataset:
        """Build from (unit code, period, element code, value) rows, as read from a database."""
        dataset = cls(hierarchy, periods)
        column = {p: j for j, p in enumerate(dataset.periods)}
        arrays: dict[str, FloatArray] = {}
        for unit, period, element, value in records:
            row = hierarchy.index.get(unit)
            if row is None:
                raise DataError(f"单位 {unit} 不在单位列表中")
            col = column.get(str(period))
            if col is None:
                raise DataError(f"期间 {period} 不在期间列表中")
            if value is None:
                continue
            target = arrays.get(element)
            if target is None:
                target = arrays[element] = np.full(dataset.shape, np.nan)
            target[row, col] = float(value)
        for code, array in arrays.items():
            dataset.set(code, array)
        return dataset
