"""Results of an indicator system: scores, ranks, maps, scorecards and trends from approved data.

Rules every page, API handler and export reads from here:

- Only approved submissions count; drafts, submissions under review and returned ones are ignored.
- The engine's units are the division registry (province, cities, counties, towns, villages; the
  towns of 东莞 and 中山 are children of the city). Scores are normalised across the province within
  each level, so one score serves two ranks: in the province and in the unit's region
  (珠三角/粤东/粤西/粤北), both 并列 ranking (1, 1, 3).
- A period shows its latest publication when there is one. The province may preview the live
  computation at any time and sees live numbers for periods not yet published; everyone else sees
  published periods only.
- Scores and ranks of every unit are open to every signed-in user (they are about regions, not
  people). Indicator values, entry values and scorecards are shown only within the reader's region.
- A grade comes from the index's own grade table when the system defines one; otherwise from the
  province rank: the best 20 % 第一档, to 50 % 第二档, to 80 % 第三档, the rest 第四档.
- The live computation is cached per (definition hash, periods, approval stamp): any approval or
  un-approval changes the stamp, so a page never shows numbers older than the data.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

import numpy as np
import numpy.typing as npt
from django.contrib.staticfiles import finders
from django.core.cache import cache as shared_cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, QuerySet, Sum
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from baiqianwan.regions.classification import REGION_LABELS, Region, prefix_of_code
from baiqianwan.regions.models import Division

from ..collection.models import Submission, SubmissionStatus
from ..definitions.models import MONITORING_SYSTEM, DataSet, Frequency, SystemVersion
from ..definitions.selectors import current_system, system_of
from ..engine import (
    Dataset,
    Direction,
    Hierarchy,
    IndicatorSystem,
    assess,
    forecast,
    peer_groups,
    period_year,
    rank,
)
from ..engine.data import FloatArray, IntArray
from ..engine.model import Indicator
from . import cache
from .models import PublishedResult
from .rules import area_prefix, can_export_entries, can_view_unit, sees_live

DEFAULT_SYSTEM = MONITORING_SYSTEM
REGIONS: tuple[str, ...] = tuple(r.value for r in Region)  # prd, east, west, north
REGION_NAMES: dict[str, str] = {r.value: REGION_LABELS[r] for r in Region}
EAST_WEST_NORTH = "ewn"  # 粤东西北 taken together, the comparison the plan cares about
LEVEL_NAMES = {
    "county": gettext_lazy("县（市、区）"),
    "town": gettext_lazy("乡镇（街道）"),
    "village": gettext_lazy("村（居）"),
}
SCORED_LEVELS = ("county", "town", "village")
HORIZON = (2025, 2027)
# Tier names are stored with published results; pages show them through gettext.
TIERS = (
    (0.2, gettext_noop("第一档")),
    (0.5, gettext_noop("第二档")),
    (0.8, gettext_noop("第三档")),
    (1.0, gettext_noop("第四档")),
)
CACHE_SECONDS = 24 * 3600
DECIMALS = 6  # stored scores; ranks tie at the same number of decimals


# ---- units ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Units:
    """Every division as an engine hierarchy, with names and regions by row."""

    hierarchy: Hierarchy
    names: tuple[str, ...]
    levels: tuple[str, ...]
    regions: tuple[str, ...]
    parents: tuple[str, ...]
    region_ids: IntArray
    signature: str

    @property
    def codes(self) -> tuple[str, ...]:
        return self.hierarchy.codes

    @property
    def index(self) -> dict[str, int]:
        return self.hierarchy.index

    def __len__(self) -> int:
        return len(self.hierarchy)

    def name(self, code: str) -> str:
        row = self.index.get(code)
        return self.names[row] if row is not None else code

    def level(self, code: str) -> str:
        row = self.index.get(code)
        return self.levels[row] if row is not None else ""

    def region(self, code: str) -> str:
        row = self.index.get(code)
        return self.regions[row] if row is not None else ""

    def parent(self, code: str) -> str:
        row = self.index.get(code)
        return self.parents[row] if row is not None else ""

    def city(self, code: str) -> str:
        return code[:4] + "00000000"

    @cached_property
    def by_level(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for code, level in zip(self.codes, self.levels, strict=True):
            out.setdefault(level, []).append(code)
        return out

    @cached_property
    def children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for code, parent in zip(self.codes, self.parents, strict=True):
            if parent:
                out.setdefault(parent, []).append(code)
        return out


def units_load() -> Units:
    """The division registry as engine units, built once per process (rebuilt if it changes)."""
    stamp = Division.objects.aggregate(n=Count("code"), last=Max("code"))
    signature = f"{stamp['n']}:{stamp['last']}"
    found = cache.units.get(signature)
    if isinstance(found, Units):
        return found
    rows = list(Division.objects.order_by("code").values_list("code", "parent_id", "level", "name", "region"))
    codes = [r[0] for r in rows]
    parents = [r[1] or "" for r in rows]
    levels = [r[2] for r in rows]
    hierarchy = Hierarchy.from_parent_codes(codes, parents, levels, [r[3] for r in rows])
    region_index = {region: i for i, region in enumerate(REGIONS)}
    units = Units(
        hierarchy=hierarchy,
        names=tuple(r[3] for r in rows),
        levels=tuple(levels),
        regions=tuple(r[4] or "" for r in rows),
        parents=tuple(parents),
        region_ids=np.array([region_index.get(r[4] or "", -1) for r in rows], dtype=np.int64),
        signature=signature,
    )
    cache.units.put(signature, units)
    return units


# ---- the live computation -----------------------------------------------------------------------


@dataclass
class ItemData:
    """One indicator or index over the units that have any result; arrays are (units, periods)."""

    units: tuple[str, ...]
    score: FloatArray
    rank: npt.NDArray[np.int32]
    region_rank: npt.NDArray[np.int32]
    values: FloatArray | None
    diagnostics: dict[str, int]

    @cached_property
    def position(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.units)}


@dataclass
class Computation:
    """Everything one run of the engine gives, for a system version over the approved data."""

    key: str
    system_hash: str
    periods: tuple[str, ...]
    items: dict[str, ItemData]
    totals: dict[str, dict[str, list[float]]]  # element -> "level:region" -> sum per period
    counts: dict[str, dict[str, list[int]]]  # element -> "level:region" -> reporting units per period
    approved: int
    seconds: float

    def value(self, item: str, unit: str, period: str) -> float | None:
        data = self.items.get(item)
        if data is None or data.values is None or period not in self.periods:
            return None
        i = data.position.get(unit)
        if i is None:
            return None
        v = float(data.values[i, self.periods.index(period)])
        return None if math.isnan(v) else v


def _datasets(system_code: str) -> QuerySet[DataSet]:
    # Results are annual: the engine compares periods of one kind, and the plan's goals are by year.
    return DataSet.objects.filter(system_code=system_code, frequency=Frequency.YEAR)


def approved_submissions(system_code: str) -> QuerySet[Submission]:
    """The data results are computed from: approved returns of the system's annual data sets."""
    return Submission.all_objects.filter(dataset__in=_datasets(system_code), status=SubmissionStatus.APPROVED)


def _fill_years(periods: Iterable[str]) -> tuple[str, ...]:
    """Consecutive years from the first to the last, so ``prev()`` always means the year before."""
    found = sorted({p for p in periods if len(p) == 4 and p.isdigit()})
    if not found:
        return ()
    return tuple(str(y) for y in range(int(found[0]), int(found[-1]) + 1))


def data_periods(system_code: str) -> tuple[str, ...]:
    return _fill_years(approved_submissions(system_code).values_list("period", flat=True).distinct())


def _approval_stamp(system_code: str) -> tuple[int, str]:
    """Changes whenever the approved data may have: a row approved, un-approved or saved."""
    stamp = approved_submissions(system_code).aggregate(
        n=Count("id"), ids=Sum("id"), a=Max("approved_at"), u=Max("updated_at")
    )
    return stamp["n"], f"{stamp['ids']}|{stamp['a']}|{stamp['u']}"


def results_compute(*, version: SystemVersion) -> Computation:
    """Assess ``version`` over the approved data, from the cache when nothing has changed."""
    units = units_load()
    periods = data_periods(version.code)
    approved, stamp = _approval_stamp(version.code)
    parts = f"{','.join(periods)}|{approved}|{stamp}|{units.signature}"
    digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
    key = f"bqw:indicators:results:{version.content_hash[:16]}:{digest}"
    found = cache.computations.get(key)
    if not isinstance(found, Computation):
        found = shared_cache.get(key)
    if not isinstance(found, Computation):
        found = _compute(system_of(version), units, periods, version.code, key, approved)
        shared_cache.set(key, found, CACHE_SECONDS)
    cache.computations.put(key, found)
    return found


def _compute(
    system: IndicatorSystem, units: Units, periods: tuple[str, ...], code: str, key: str, approved: int
) -> Computation:
    started = time.perf_counter()
    if not periods:
        return Computation(key, system.content_hash(), (), {}, {}, {}, 0, 0.0)
    column = {p: j for j, p in enumerate(periods)}
    shape = (len(units), len(periods))
    kinds = {e.code: str(e.kind) for e in system.elements}
    arrays: dict[str, FloatArray] = {}
    rows = approved_submissions(code).values_list("unit_id", "period", "values")
    for unit_id, period, values in rows.iterator(chunk_size=2000):
        row = units.index.get(unit_id)
        col = column.get(period)
        if row is None or col is None:
            continue
        for element, raw in (values or {}).items():
            number = _number(kinds.get(element), raw)
            if number is None:
                continue
            target = arrays.get(element)
            if target is None:
                target = arrays[element] = np.full(shape, np.nan)
            target[row, col] = number
    dataset = Dataset(units.hierarchy, periods, arrays)
    assessment = assess(system, dataset, rank_method="min")
    by_region = peer_groups(units.hierarchy, units.region_ids)
    items: dict[str, ItemData] = {}
    for item_code, item in assessment.items.items():
        keep = ~np.all(np.isnan(item.score), axis=1)
        if item.values is not None:
            keep |= ~np.all(np.isnan(item.values), axis=1)
        kept = item.rows[keep]
        score = item.score[keep]
        items[item_code] = ItemData(
            units=tuple(units.codes[r] for r in kept),
            score=score,
            rank=item.rank[keep].astype(np.int32),
            region_rank=rank(score, by_region[kept], method="min").astype(np.int32),
            values=None if item.values is None else item.values[keep],
            diagnostics=item.diagnostics.as_dict() if item.diagnostics is not None else {},
        )
    totals, counts = _totals(units, arrays, len(periods))
    return Computation(
        key, assessment.system_hash, periods, items, totals, counts, approved, time.perf_counter() - started
    )


def _number(kind: str | None, raw: Any) -> float | None:
    """A stored value as the engine reads it: text is filled (1.0) or absent; never N/A."""
    if kind is None or raw is None or raw == "":
        return None
    if kind == "text":
        return 1.0
    try:
        number = float(raw)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _totals(
    units: Units, arrays: Mapping[str, FloatArray], n_periods: int
) -> tuple[dict[str, dict[str, list[float]]], dict[str, dict[str, list[int]]]]:
    """Sums and reporting counts of every element per level and region (for the plan's KPIs)."""
    levels = np.array(units.levels)
    regions = np.array(units.regions)
    groups = {
        f"{level}:{region}": (levels == level) & (regions == region)
        for level in SCORED_LEVELS
        for region in REGIONS
    }
    totals: dict[str, dict[str, list[float]]] = {}
    counts: dict[str, dict[str, list[int]]] = {}
    for element, array in arrays.items():
        totals[element], counts[element] = {}, {}
        for name, mask in groups.items():
            part = array[mask]
            known = ~np.isnan(part)
            if not known.any():
                continue
            totals[element][name] = [float(np.nansum(part[:, j])) for j in range(n_periods)]
            counts[element][name] = [int(known[:, j].sum()) for j in range(n_periods)]
    return totals, counts


# ---- frames: one period's scores and ranks, published or live ------------------------------------


@dataclass(frozen=True)
class Frame:
    """One period's scores ``{item: {unit: score}}`` and ranks ``{item: {unit: [province, region]}}``,
    the shape stored in ``PublishedResult``."""

    period: str
    scores: dict[str, dict[str, float]]
    ranks: dict[str, dict[str, list[int]]]

    def score(self, item: str, unit: str) -> float | None:
        return self.scores.get(item, {}).get(unit)

    def ranks_of(self, item: str, unit: str) -> tuple[int | None, int | None]:
        found = self.ranks.get(item, {}).get(unit) or [0, 0]
        return (found[0] or None), (found[1] or None if len(found) > 1 else None)


def _remember(key: tuple[str, str], build: Callable[[], Frame]) -> Frame:
    found = cache.frames.remember(key, build)
    assert isinstance(found, Frame)
    return found


def frame_of(computation: Computation, period: str) -> Frame:
    """The live frame of one period, as it would be published."""

    def build() -> Frame:
        col = computation.periods.index(period)
        scores: dict[str, dict[str, float]] = {}
        ranks: dict[str, dict[str, list[int]]] = {}
        for code, item in computation.items.items():
            s = item.score[:, col]
            ok = np.flatnonzero(~np.isnan(s))
            if not len(ok):
                continue
            scores[code] = {item.units[i]: round(float(s[i]), DECIMALS) for i in ok}
            ranks[code] = {item.units[i]: [int(item.rank[i, col]), int(item.region_rank[i, col])] for i in ok}
        return Frame(period, scores, ranks)

    return _remember((computation.key, period), build)


def _published_frame(published: PublishedResult) -> Frame:
    def build() -> Frame:
        scores, ranks = PublishedResult.objects.values_list("scores", "ranks").get(pk=published.pk)
        return Frame(published.period, scores, ranks)

    key = f"published:{published.pk}:{published.system_id}:{published.created_at.isoformat()}"
    return _remember((key, published.period), build)


# ---- what a reader sees for a period ---------------------------------------------------------------


@dataclass
class PeriodView:
    """One period of one system as a given reader sees it."""

    system_code: str
    period: str
    version: SystemVersion  # the definition the scores were computed under
    system: IndicatorSystem
    frame: Frame
    computation: Computation  # under ``version``: indicator values and series
    published: PublishedResult | None  # None: computed now from approved data
    preview: bool  # the province asked for the live numbers although a publication exists

    @property
    def live(self) -> bool:
        return self.published is None

    @property
    def label(self) -> str:
        digest = self.version.content_hash[:12]
        if self.published is not None:
            on = self.published.created_at
            return gettext("已发布（体系版本 {version} 摘要 {digest}，{on:%Y-%m-%d} 发布）").format(
                version=self.version.version, digest=digest, on=on
            )
        if self.preview:
            return gettext(
                "实时预览（体系版本 {version} 摘要 {digest}，按目前已审定的数据计算，未发布）"
            ).format(version=self.version.version, digest=digest)
        return gettext(
            "未发布（体系版本 {version} 摘要 {digest}，按目前已审定的数据实时计算，仅供参考）"
        ).format(version=self.version.version, digest=digest)


def latest_publication(system_code: str, period: str) -> PublishedResult | None:
    return (
        PublishedResult.objects.filter(system__code=system_code, period=period)
        .select_related("system", "published_by")
        .defer("scores", "ranks")
        .order_by("-created_at", "-pk")
        .first()
    )


def result_view(*, user: Any, system_code: str, period: str, preview: bool = False) -> PeriodView | None:
    """The period as ``user`` sees it, or None when there is nothing they may see."""
    province = sees_live(user)
    published = None if (preview and province) else latest_publication(system_code, period)
    if published is not None:
        computation = results_compute(version=published.system)
        return PeriodView(
            system_code,
            period,
            published.system,
            system_of(published.system),
            _published_frame(published),
            computation,
            published,
            False,
        )
    if not province:
        return None
    version, _ = current_system(system_code)
    computation = results_compute(version=version)
    if period not in computation.periods:
        return None
    return PeriodView(
        system_code,
        period,
        version,
        system_of(version),
        frame_of(computation, period),
        computation,
        None,
        preview and latest_publication(system_code, period) is not None,
    )


def published_periods(system_code: str) -> list[str]:
    return sorted(
        set(PublishedResult.objects.filter(system__code=system_code).values_list("period", flat=True)),
        reverse=True,
    )


def result_periods(*, user: Any, system_code: str) -> list[str]:
    """Periods the reader can open, latest first: published ones, and for the province every
    period with approved data."""
    periods = set(published_periods(system_code))
    if sees_live(user):
        periods |= set(data_periods(system_code))
    return sorted(periods, reverse=True)


def default_period(*, user: Any, system_code: str) -> str:
    published = published_periods(system_code)
    if published:
        return published[0]
    periods = result_periods(user=user, system_code=system_code)
    return periods[0] if periods else ""


def previous_period(period: str) -> str:
    return str(int(period) - 1) if period.isdigit() else ""


# ---- what a page asks for --------------------------------------------------------------------------


@dataclass
class Selection:
    """A results page's choices, checked: the period, level, item and region to show."""

    system_code: str
    system_name: str
    periods: list[str]
    period: str
    view: PeriodView | None
    levels: list[str]
    level: str
    items: list[Item]
    item: Item | None
    region: str
    mine: bool  # only the reader's own region
    preview: bool

    @property
    def region_label(self) -> str:
        return gettext({**REGION_NAMES, EAST_WEST_NORTH: "粤东西北"}.get(self.region, "全省"))

    @property
    def indices(self) -> list[Item]:
        return [i for i in self.items if i.kind == "index"]

    @property
    def indicator_groups(self) -> list[tuple[str, list[Item]]]:
        groups: dict[str, list[Item]] = {}
        for item in self.items:
            if item.kind == "indicator":
                groups.setdefault(item.theme or gettext("其他"), []).append(item)
        return list(groups.items())

    def query(self, **changes: Any) -> str:
        """The page's query string with some choices changed (links between the result pages)."""
        params = {
            "period": self.period,
            "level": self.level,
            "item": self.item.code if self.item else "",
            "region": self.region,
            "mine": "1" if self.mine else "",
            "preview": "1" if self.preview else "",
        }
        params.update({k: str(v) for k, v in changes.items()})
        return urlencode({k: v for k, v in params.items() if v})


def selection(*, user: Any, params: Mapping[str, Any], system_code: str = DEFAULT_SYSTEM) -> Selection:
    """Read a page's query parameters; anything unknown falls back to the default."""
    _, current_def = current(system_code)
    preview = sees_live(user) and _flag(params.get("preview"))
    periods = result_periods(user=user, system_code=system_code)
    period = str(params.get("period", ""))
    if period not in periods:
        period = default_period(user=user, system_code=system_code)
    view = result_view(user=user, system_code=system_code, period=period, preview=preview) if period else None
    system = view.system if view is not None else current_def
    levels = [lv for lv in levels_of(system) if view is None or _has_scores(view, system, lv)] or levels_of(
        system
    )
    level = str(params.get("level", ""))
    if level not in levels:
        level = _home_level(user, levels)
    items = items_of(system, level)
    item = next((i for i in items if i.code == str(params.get("item", ""))), None) or top_index(system, level)
    region = str(params.get("region", ""))
    if region not in (*REGIONS, EAST_WEST_NORTH):
        region = ""
    return Selection(
        system_code=system_code,
        system_name=system.name,
        periods=periods,
        period=period,
        view=view,
        levels=levels,
        level=level,
        items=items,
        item=item,
        region=region,
        mine=bool(area_prefix(user)) and _flag(params.get("mine")),
        preview=preview,
    )


def _flag(value: Any) -> bool:
    """A yes/no choice as a filter form gives it (True) or as a query string carries it ("1")."""
    return value is True or str(value or "") == "1"


def _has_scores(view: PeriodView, system: IndicatorSystem, level: str) -> bool:
    return any(view.frame.scores.get(i.code) for i in items_of(system, level) if i.kind == "index")


def _home_level(user: Any, levels: list[str]) -> str:
    """A town account starts on the town ranking; everyone else on the county one."""
    division = getattr(user, "division", None)
    own = getattr(division, "level", "") if getattr(user, "role", "") in ("town", "village") else ""
    if own == "village":
        own = "town"
    return own if own in levels else (levels[0] if levels else "county")


# ---- items and grades ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    kind: str  # "index" or "indicator"
    level: str
    theme: str
    unit: str
    direction: str
    top: bool  # an index no other index uses: the overall score of its level

    @property
    def kind_label(self) -> str:
        return gettext("综合指数") if self.kind == "index" else gettext("指标")


def items_of(system: IndicatorSystem, level: str = "") -> list[Item]:
    """Indices first (the overall one of each level at the head), then indicators by theme."""
    used = {c.ref for index in system.indices for c in index.components}
    out: list[Item] = []
    for index in system.indices:
        for lv in index.levels or SCORED_LEVELS:
            if level and lv != level:
                continue
            out.append(
                Item(
                    index.code,
                    index.name,
                    "index",
                    lv,
                    index.theme,
                    gettext("分"),
                    "higher_better",
                    index.code not in used,
                )
            )
    out.sort(key=lambda i: (SCORED_LEVELS.index(i.level) if i.level in SCORED_LEVELS else 9, not i.top))
    indicators: list[Item] = []
    for ind in system.indicators:
        for lv in ind.levels or SCORED_LEVELS:
            if level and lv != level:
                continue
            indicators.append(
                Item(ind.code, ind.name, "indicator", lv, ind.theme, ind.unit, str(ind.direction), False)
            )
    return out + indicators


def item_get(system: IndicatorSystem, code: str, level: str = "") -> Item | None:
    return next((i for i in items_of(system, level) if i.code == code), None)


def top_index(system: IndicatorSystem, level: str) -> Item | None:
    return next((i for i in items_of(system, level) if i.kind == "index" and i.top), None)


def levels_of(system: IndicatorSystem) -> list[str]:
    found = {i.level for i in items_of(system)}
    return [lv for lv in SCORED_LEVELS if lv in found]


def grade_of(system: IndicatorSystem, item: str, score: float | None, rank_: int | None, ranked: int) -> str:
    if score is None:
        return ""
    index = system.index_map.get(item)
    if index is not None and index.grades:
        for grade in index.grades:  # highest first
            if score >= grade.min_score:
                return grade.name
        return ""
    if not rank_ or not ranked:
        return ""
    share = rank_ / ranked
    return next(name for limit, name in TIERS if share <= limit + 1e-9)


def grade_legend(system: IndicatorSystem, item: str) -> str:
    index = system.index_map.get(item)
    if index is not None and index.grades:
        return "；".join(
            gettext("{name} ≥ {min_score:g} 分").format(name=g.name, min_score=g.min_score)
            for g in index.grades
        )
    return gettext("按全省排名分档：前 20% 为第一档，20%～50% 第二档，50%～80% 第三档，其余第四档")


# ---- rankings -----------------------------------------------------------------------------------------


@dataclass
class RankRow:
    code: str
    name: str
    city: str
    county: str
    region: str
    score: float | None
    grade: str
    rank: int | None
    region_rank: int | None
    change: float | None  # score minus last period's
    rank_change: int | None  # places gained since last period (positive = up)
    value: float | None  # the indicator's value, only within the reader's region
    own: bool  # within the reader's region: the scorecard opens

    @property
    def region_label(self) -> str:
        return gettext(REGION_NAMES[self.region]) if self.region in REGION_NAMES else ""


def ranking(
    *,
    user: Any,
    view: PeriodView,
    item: Item,
    region: str = "",
    within: str = "",
    previous: PeriodView | None = None,
) -> list[RankRow]:
    """Every unit of the item's level (in ``region`` and under the code prefix ``within`` if given),
    ranked ones first by province rank, then those without a score."""
    units = units_load()
    scores = view.frame.scores.get(item.code, {})
    ranks = view.frame.ranks.get(item.code, {})
    before = previous.frame.scores.get(item.code, {}) if previous else {}
    before_ranks = previous.frame.ranks.get(item.code, {}) if previous else {}
    ranked = sum(1 for r in ranks.values() if r and r[0])
    rows: list[RankRow] = []
    for code in units.by_level.get(item.level, []):
        unit_region = units.region(code)
        if not _in_region(unit_region, region) or not code.startswith(within):
            continue
        score = scores.get(code)
        province_rank, region_rank = [*(ranks.get(code) or []), 0, 0][:2]
        was = before.get(code)
        was_rank = (before_ranks.get(code) or [0])[0]
        own = can_view_unit(user, code)
        parent = units.parent(code)
        rows.append(
            RankRow(
                code=code,
                name=units.name(code),
                city=units.name(units.city(code)),
                county=units.name(parent) if units.level(parent) == "county" else "",
                region=unit_region,
                score=score,
                grade=grade_of(view.system, item.code, score, province_rank, ranked),
                rank=province_rank or None,
                region_rank=region_rank or None,
                change=None if score is None or was is None else round(score - was, 2),
                rank_change=(was_rank - province_rank) if (was_rank and province_rank) else None,
                value=view.computation.value(item.code, code, view.period)
                if own and item.kind == "indicator"
                else None,
                own=own,
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    return rows


def _in_region(unit_region: str, region: str) -> bool:
    """An empty region is the whole province; "ewn" is 粤东、粤西 and 粤北 together."""
    if region == EAST_WEST_NORTH:
        return unit_region in (Region.EAST, Region.WEST, Region.NORTH)
    return not region or unit_region == region


# ---- regional comparison ------------------------------------------------------------------------------


@dataclass
class RegionStat:
    region: str
    label: str
    units: int  # units of the level in the region
    scored: int
    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None
    low: float | None
    high: float | None
    best: str  # name of the best unit

    @property
    def box(self) -> list[float]:
        return [round(v or 0, 2) for v in (self.low, self.q1, self.median, self.q3, self.high)]


def region_summary(*, view: PeriodView, item: Item) -> list[RegionStat]:
    """Per region, 粤东西北 together and the province: spread of the item's scores."""
    units = units_load()
    scores = view.frame.scores.get(item.code, {})
    groups: dict[str, list[str]] = {r: [] for r in (*REGIONS, EAST_WEST_NORTH, "all")}
    for code in units.by_level.get(item.level, []):
        region = units.region(code)
        if region:
            groups[region].append(code)
            if region != Region.PRD:
                groups[EAST_WEST_NORTH].append(code)
        groups["all"].append(code)
    labels = {
        **{key: gettext(name) for key, name in REGION_NAMES.items()},
        EAST_WEST_NORTH: gettext("粤东西北合计"),
        "all": gettext("全省"),
    }
    out = []
    for key, codes in groups.items():
        found = sorted((scores[c], c) for c in codes if c in scores)
        values = [v for v, _ in found]
        out.append(
            RegionStat(
                region=key,
                label=labels[key],
                units=len(codes),
                scored=len(values),
                mean=round(statistics.fmean(values), 2) if values else None,
                median=round(statistics.median(values), 2) if values else None,
                q1=_quantile(values, 0.25),
                q3=_quantile(values, 0.75),
                low=round(values[0], 2) if values else None,
                high=round(values[-1], 2) if values else None,
                best=units.name(found[-1][1]) if found else "",
            )
        )
    return out


def _quantile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    return round(float(np.quantile(np.asarray(values), q)), 2)


# ---- maps ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapFeature:
    code: str
    name: str
    city_code: str
    codes: tuple[str, ...]  # the feature's own code and any it also covers (光明区 in 宝安区)


_features: dict[str, list[MapFeature]] = {}


def map_features() -> list[MapFeature]:
    """The county-level polygons of the vendored map (read once; only their properties)."""
    if "counties" not in _features:
        path = finders.find("vendor/maps/guangdong-counties.json")
        features: list[MapFeature] = []
        if isinstance(path, str):
            with open(path, encoding="utf-8") as handle:
                for feature in json.load(handle)["features"]:
                    p = feature["properties"]
                    codes = (p["code"], *p.get("also_codes", []))
                    features.append(MapFeature(p["code"], p["name"], p["city_code"], tuple(codes)))
        _features["counties"] = features
    return _features["counties"]


def map_data(*, user: Any, view: PeriodView, item: Item) -> dict[str, Any]:
    """Scores for the choropleth: per county-level polygon and per city.

    A county item colours each county by its score (宝安区's polygon also holds 光明区: their
    mean). A town item colours each county, and 东莞/中山, by the mean of its towns. A city is the
    mean of its counties (or towns). Ranks of averaged areas are among the areas shown.
    """
    units = units_load()
    scores = view.frame.scores.get(item.code, {})
    ranks = view.frame.ranks.get(item.code, {})
    ranked = sum(1 for r in ranks.values() if r and r[0])
    within = area_prefix(user)
    counties: list[dict[str, Any]] = []
    for feature in map_features():
        members: list[str] = []
        for code in feature.codes:
            if item.level == "county" and units.level(code) == "county":
                members.append(code)
            elif item.level != "county":
                members.extend(_descendants_at(units, code, item.level))
        found = [(c, scores[c]) for c in members if c in scores]
        entry: dict[str, Any] = {
            "code": feature.code,
            "name": feature.name
            if len(feature.codes) == 1
            else gettext("{name}（含{also}）").format(name=feature.name, also=_also(units, feature)),
            "city_code": feature.city_code,
            "value": round(statistics.fmean(v for _, v in found), 2) if found else None,
            "n": len(found),
            "units": [
                {
                    "code": c,
                    "name": units.name(c),
                    "score": round(v, 2),
                    "rank": (ranks.get(c) or [0])[0] or None,
                    "region_rank": ((ranks.get(c) or [0, 0]) + [0])[1] or None,
                    "grade": grade_of(view.system, item.code, v, (ranks.get(c) or [0])[0], ranked),
                }
                for c, v in found
            ]
            if item.level == "county"
            else [],
            "url": "",
        }
        target = feature.code if units.level(feature.code) == "county" else ""
        entry["own"] = _covers(within, feature.codes)
        if target and can_view_unit(user, target):
            entry["url"] = (
                reverse("indicators:results_unit", args=[target])
                + "?"
                + urlencode({"period": view.period, **({"preview": "1"} if view.preview else {})})
            )
        if not found and units.level(feature.code) == "city" and item.level == "county":
            entry["note"] = gettext("不设县级单位，其镇街见镇级排名")
        counties.append(entry)
    _rank_areas(counties)
    if item.level == "county":
        # A single county's rank is its own province rank, not a rank among polygons.
        for entry in counties:
            if len(entry["units"]) == 1:
                entry["rank"] = entry["units"][0]["rank"]
                entry["of"] = ranked
    cities: list[dict[str, Any]] = []
    for city in units.by_level.get("city", []):
        members = [c for c in _descendants_at(units, city, item.level) if c in scores]
        cities.append(
            {
                "code": city,
                "name": units.name(city),
                "region": units.region(city),
                "value": round(statistics.fmean(scores[c] for c in members), 2) if members else None,
                "n": len(members),
                "own": _covers(within, (city,)),
            }
        )
    _rank_areas(cities)
    values = [e["value"] for e in counties + cities if e["value"] is not None]
    return {
        "item": {"code": item.code, "name": item.name, "level": item.level, "kind": item.kind},
        "period": view.period,
        "source": "published" if view.published else "live",
        "label": view.label,
        "counties": counties,
        "cities": cities,
        "min": round(min(values), 2) if values else 0,
        "max": round(max(values), 2) if values else 100,
    }


def _covers(within: str, codes: Iterable[str]) -> bool:
    """Whether an area on the map contains, or lies inside, the reader's own region."""
    return bool(within) and any(c.startswith(within) or within.startswith(prefix_of_code(c)) for c in codes)


def _also(units: Units, feature: MapFeature) -> str:
    return "、".join(units.name(c) for c in feature.codes[1:])


def _descendants_at(units: Units, code: str, level: str) -> list[str]:
    if units.level(code) == level:
        return [code]
    out: list[str] = []
    for child in units.children.get(code, []):
        out.extend(_descendants_at(units, child, level))
    return out


def _rank_areas(entries: list[dict[str, Any]]) -> None:
    shown = sorted((e for e in entries if e["value"] is not None), key=lambda e: -e["value"])
    previous, place = None, 0
    for i, entry in enumerate(shown, start=1):
        if entry["value"] != previous:
            place, previous = i, entry["value"]
        entry["rank"], entry["of"] = place, len(shown)
    for entry in entries:
        entry.setdefault("rank", None)
        entry.setdefault("of", len(shown))


# ---- scorecards -------------------------------------------------------------------------------------


@dataclass
class ScoreLine:
    item: Item
    value: float | None
    score: float | None
    grade: str
    rank: int | None
    region_rank: int | None
    ranked: int
    region_ranked: int
    change: float | None
    rank_change: int | None
    periods: list[str]
    series: list[float | None]  # values (indicator) or scores (index) over ``periods``
    targets: list[dict[str, Any]] = field(default_factory=list)  # [{year, target, projected, short}]
    met: bool | None = None  # this period's value against this period's target
    target_now: float | None = None


@dataclass
class Scorecard:
    unit: Division
    view: PeriodView
    indices: list[ScoreLine]
    themes: list[tuple[str, list[ScoreLine]]]
    children: list[tuple[RankRow, int | None]]  # a county's towns with their rank in the county
    child_item: Item | None
    entries: list[tuple[str, str, Any]]  # (element, unit, value) of the approved return
    periods: list[str]
    changed_since: bool = False  # data approved again after the publication shown

    @property
    def overall(self) -> ScoreLine | None:
        return next((line for line in self.indices if line.item.top), None)


def scorecard(*, user: Any, unit: Division, view: PeriodView) -> Scorecard:
    """One county or town: every index and indicator of its level; a county's towns ranked."""
    if not can_view_unit(user, unit.code):
        raise PermissionDenied(gettext("只能查看本辖区单位的考核结果；其他地区请查看排名"))
    units = units_load()
    system = view.system
    periods = _series_periods(user=user, view=view)
    frames = {p: _frame_for(user, view, p) for p in periods}
    previous = frames.get(previous_period(view.period))
    lines = [
        _line(view, item, unit.code, periods, frames, previous, units)
        for item in items_of(system, unit.level)
    ]
    indices = [line for line in lines if line.item.kind == "index"]
    themes: dict[str, list[ScoreLine]] = {}
    for line in lines:
        if line.item.kind == "indicator":
            themes.setdefault(line.item.theme or gettext("其他"), []).append(line)
    children: list[tuple[RankRow, int | None]] = []
    child_item = None
    if unit.level == "county":
        child_item = top_index(system, "town")
        if child_item is not None:
            prev_view = _view_for(user, view, previous_period(view.period))
            towns = ranking(user=user, view=view, item=child_item, within=unit.prefix, previous=prev_view)
            children = _local_ranks(towns)
    return Scorecard(
        unit=unit,
        view=view,
        indices=indices,
        themes=list(themes.items()),
        children=children,
        child_item=child_item,
        entries=_entries(view, unit),
        periods=periods,
        changed_since=view.published is not None
        and approved_submissions(view.system_code)
        .filter(period=view.period, updated_at__gt=view.published.created_at)
        .exists(),
    )


def _local_ranks(rows: list[RankRow]) -> list[tuple[RankRow, int | None]]:
    """Ranks among the rows given (并列 like the province ranks), from rows sorted by province rank."""
    out: list[tuple[RankRow, int | None]] = []
    place, last = 0, None
    for i, row in enumerate(rows, start=1):
        if row.rank is None:
            out.append((row, None))
            continue
        if row.rank != last:
            place, last = i, row.rank
        out.append((row, place))
    return out


def _series_periods(*, user: Any, view: PeriodView) -> list[str]:
    """Periods up to the one shown that this reader may see (published ones, or all for the province)."""
    allowed = set(view.computation.periods) if sees_live(user) else set()
    allowed |= set(published_periods(view.system_code))
    return sorted(p for p in allowed if p <= view.period)


def _view_for(user: Any, view: PeriodView, period: str) -> PeriodView | None:
    if not period:
        return None
    if period == view.period:
        return view
    return result_view(user=user, system_code=view.system_code, period=period, preview=view.preview)


def _frame_for(user: Any, view: PeriodView, period: str) -> Frame | None:
    found = _view_for(user, view, period)
    return found.frame if found is not None else None


def _line(
    view: PeriodView,
    item: Item,
    unit: str,
    periods: list[str],
    frames: Mapping[str, Frame | None],
    previous: Frame | None,
    units: Units,
) -> ScoreLine:
    frame = view.frame
    score = frame.score(item.code, unit)
    province_rank, region_rank = frame.ranks_of(item.code, unit)
    ranks = frame.ranks.get(item.code, {})
    ranked = sum(1 for r in ranks.values() if r and r[0])
    region = units.region(unit)
    region_ranked = sum(
        1 for c, r in ranks.items() if r and len(r) > 1 and r[1] and units.region(c) == region
    )
    was = previous.score(item.code, unit) if previous else None
    was_rank = previous.ranks_of(item.code, unit)[0] if previous else None
    if item.kind == "indicator":
        series = [view.computation.value(item.code, unit, p) for p in periods]
    else:
        series = [(f.score(item.code, unit) if (f := frames.get(p)) else None) for p in periods]
    line = ScoreLine(
        item=item,
        value=view.computation.value(item.code, unit, view.period) if item.kind == "indicator" else score,
        score=score,
        grade=grade_of(view.system, item.code, score, province_rank, ranked),
        rank=province_rank,
        region_rank=region_rank,
        ranked=ranked,
        region_ranked=region_ranked,
        change=None if score is None or was is None else round(score - was, 2),
        rank_change=(was_rank - province_rank) if (was_rank and province_rank) else None,
        periods=periods,
        series=[None if v is None else round(v, 4) for v in series],
    )
    indicator = view.system.indicator_map.get(item.code)
    if indicator is not None and indicator.targets:
        _targets(line, indicator, periods, series, view.period)
    return line


def _targets(
    line: ScoreLine, indicator: Indicator, periods: list[str], series: list[float | None], period: str
) -> None:
    """Targets beside the actual value, and the engine's trend projection to 2025 and 2027."""
    years = [period_year(p) for p in periods]
    values = np.array([[np.nan if v is None else v for v in series]], dtype=np.float64)
    targets = {y: t for y in HORIZON if (t := indicator.target_for(y)) is not None}
    projection = forecast(values, years, horizon=HORIZON, targets=targets, direction=indicator.direction)
    for year in HORIZON:
        projected = float(projection.projected[year][0])
        line.targets.append(
            {
                "year": year,
                "target": targets.get(year),
                "projected": None if math.isnan(projected) else round(projected, 2),
                "short": bool(projection.shortfall[year][0]) if year in projection.shortfall else False,
            }
        )
    now = indicator.target_for(period_year(period))
    line.target_now = now
    if now is not None and line.value is not None:
        lower = indicator.direction is Direction.LOWER_BETTER
        line.met = line.value <= now if lower else line.value >= now


def _entries(view: PeriodView, unit: Division) -> list[tuple[str, str, Any]]:
    """The unit's approved return for the period, element by element."""
    submission = (
        approved_submissions(view.system_code)
        .filter(unit=unit, period=view.period)
        .order_by("-approved_at")
        .first()
    )
    if submission is None:
        return []
    elements = {e.code: e for e in view.system.elements}
    out = []
    for code in submission.dataset.elements:
        element = elements.get(code)
        if element is None:
            continue
        raw = submission.values.get(code)
        if str(element.kind) == "yes_no" and raw is not None:
            raw = gettext("是") if float(raw) else gettext("否")
        out.append((element.name, element.unit, raw))
    return out


# ---- trends and forecasts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiSpec:
    """A KPI of the plan that the county/town system measures, as a province-wide aggregate."""

    code: str
    name: str | Promise
    unit: str | Promise
    numerator: tuple[tuple[str, str], ...]  # (level, element) summed
    denominator: tuple[tuple[str, str], ...] = ()
    scale: float = 1.0
    regions: tuple[str, ...] = REGIONS
    target_indicator: str = ""  # the system indicator whose targets apply
    note: str | Promise = ""


PLAN_KPIS: tuple[KpiSpec, ...] = (
    KpiSpec(
        "KPI-COUNTY-RD-INTENSITY",
        gettext_lazy("县域研究与试验发展（R&D）经费投入强度"),
        "%",
        (("county", "rd_spend"),),
        (("county", "gdp"),),
        scale=100 / 10000,
        target_indicator="c_rd_intensity",
        note=gettext_lazy(
            "各县（市、区）R&D 经费支出合计 ÷ 地区生产总值合计；目标值取县级 R&D 经费投入强度的目标"
        ),
    ),
    KpiSpec(
        "KPI-COUNTY-HITECH", gettext_lazy("县域高新技术企业数"), gettext_lazy("家"), (("county", "hnte"),)
    ),
    KpiSpec(
        "KPI-COUNTY-OUTPOSTS",
        gettext_lazy("科研院校县域研究机构数"),
        gettext_lazy("个"),
        (("county", "research_outposts"),),
    ),
    KpiSpec(
        "KPI-INNOVATIVE-TOWNS",
        gettext_lazy("创新型专业镇数"),
        gettext_lazy("个"),
        (("town", "is_specialised_town"),),
    ),
    KpiSpec(
        "KPI-EWN-CARRIERS",
        gettext_lazy("粤东粤西粤北地区省级科创载体数"),
        gettext_lazy("个"),
        (("county", "eng_centres"), ("county", "key_labs"), ("county", "new_rd_institutes")),
        regions=("east", "west", "north"),
        note=gettext_lazy("粤东粤西粤北各县省级工程技术研究中心、省重点实验室、省级新型研发机构数合计"),
    ),
    KpiSpec(
        "KPI-EWN-FIN-CENTRES",
        gettext_lazy("粤东粤西粤北地区科技金融服务站点数"),
        gettext_lazy("个"),
        (("county", "finance_service_station"), ("town", "finance_service_station")),
        regions=("east", "west", "north"),
        note=gettext_lazy("粤东粤西粤北设有科技金融服务站点的县和乡镇数"),
    ),
    KpiSpec(
        "KPI-DEMANDS-RESOLVED",
        gettext_lazy("科技需求解决率（县镇村合计）"),
        "%",
        (("county", "demands_resolved"), ("town", "demands_resolved"), ("village", "demands_resolved")),
        (("county", "demands_posted"), ("town", "demands_posted"), ("village", "demands_posted")),
        scale=100,
        target_indicator="c_demand_resolution",
        note=gettext_lazy(
            "统计监测填报的已解决需求数 ÷ 提交需求数；目标值取指标体系中县级科技需求解决率的目标"
        ),
    ),
    KpiSpec(
        "KPI-COMMISSIONERS-SERVING",
        gettext_lazy("乡镇填报的在岗科技特派员数"),
        gettext_lazy("名"),
        (("town", "commissioners_on_duty"),),
        note=gettext_lazy("乡镇年报填报数合计，与特派员选派模块按服务日志统计的人数口径不同，仅作对照"),
    ),
)


@dataclass
class Trend:
    code: str
    name: str
    unit: str
    periods: list[str]
    series: list[float | None]
    projected: dict[int, float | None]
    targets: dict[int, float | None]
    short: dict[int, bool]
    note: str = ""
    by_region: dict[str, list[float | None]] = field(default_factory=dict)

    @property
    def chart_id(self) -> str:
        return f"trend-{self.code}"

    @property
    def has_target(self) -> bool:
        return any(t is not None for t in self.targets.values())

    @property
    def as_dict(self) -> dict[str, Any]:
        """What the chart script reads."""
        return {
            "periods": self.periods,
            "series": self.series,
            "projected": {str(y): v for y, v in self.projected.items()},
            "targets": {str(y): v for y, v in self.targets.items()},
            "by_region": self.by_region,
        }


def _project(
    name_code: str,
    name: str,
    unit: str,
    periods: Sequence[str],
    series: Sequence[float | None],
    targets: Mapping[int, float],
    direction: Direction = Direction.HIGHER_BETTER,
    note: str = "",
) -> Trend:
    years = [period_year(p) for p in periods]
    values = np.array([[np.nan if v is None else v for v in series]], dtype=np.float64)
    if years:
        projection = forecast(values, years, horizon=HORIZON, targets=targets, direction=direction)
        projected = {y: _finite(projection.projected[y][0]) for y in HORIZON}
        short = {y: bool(projection.shortfall[y][0]) for y in projection.shortfall}
    else:
        projected, short = dict.fromkeys(HORIZON), {}
    return Trend(
        name_code,
        name,
        unit,
        list(periods),
        [None if v is None else round(v, 4) for v in series],
        projected,
        {y: targets.get(y) for y in HORIZON},
        short,
        note,
    )


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 4)


def kpi_trends(*, computation: Computation, system: IndicatorSystem, periods: Sequence[str]) -> list[Trend]:
    """The plan's KPIs the system covers: province-wide series, projection and shortfall flags.

    Other apps (the plan page) may read these as they are: aggregates of approved data, no unit's values.
    """
    cols = [computation.periods.index(p) for p in periods if p in computation.periods]
    shown = [computation.periods[j] for j in cols]
    out = []
    elements = {e.code for e in system.elements}
    for spec in PLAN_KPIS:
        used = {e for _, e in (*spec.numerator, *spec.denominator)}
        if not used <= elements:
            continue
        series = []
        reporting = [_reporting(computation, spec.numerator, spec.regions, j) for j in cols]
        partial = _partial_columns(reporting) if not spec.denominator else set()
        for position, j in enumerate(cols):
            top = _sum(computation, spec.numerator, spec.regions, j)
            if spec.denominator:
                bottom = _sum(computation, spec.denominator, spec.regions, j)
                series.append(None if not bottom or top is None else top / bottom * spec.scale)
            elif position in partial:
                series.append(None)  # a sum over part of the units is no point of the trend
            else:
                series.append(None if top is None else top * spec.scale)
        note = str(spec.note)
        if partial:
            full = max(reporting)
            note = "；".join(
                filter(
                    None,
                    [
                        note,
                        gettext("{periods} 数据未报齐（已审核 {counts} / {full} 个单位），不计入趋势").format(
                            periods="、".join(shown[i] for i in sorted(partial)),
                            counts="、".join(str(reporting[i]) for i in sorted(partial)),
                            full=full,
                        ),
                    ],
                )
            )
        indicator = system.indicator_map.get(spec.target_indicator)
        targets = (
            {y: t for y in HORIZON if (t := indicator.target_for(y)) is not None}
            if indicator is not None
            else {}
        )
        direction = indicator.direction if indicator is not None else Direction.HIGHER_BETTER
        out.append(
            _project(spec.code, str(spec.name), str(spec.unit), shown, series, targets, direction, note)
        )
    return out


# A period whose approved returns cover less than this share of the units that reported in the most
# complete period is partial: a total over it would read as a collapse, not as a change.
COMPLETE_SHARE = 0.9


def _reporting(
    computation: Computation, parts: Sequence[tuple[str, str]], regions: Sequence[str], col: int
) -> int:
    """How many units' approved returns a sum over `parts` stands on in period `col`."""
    return sum(
        (computation.counts.get(element, {}).get(f"{level}:{region}") or [0] * (col + 1))[col]
        for level, element in parts
        for region in regions
    )


def _partial_columns(reporting: Sequence[int]) -> set[int]:
    full = max(reporting, default=0)
    return {i for i, n in enumerate(reporting) if 0 < n < COMPLETE_SHARE * full}


def _sum(
    computation: Computation, parts: Sequence[tuple[str, str]], regions: Sequence[str], col: int
) -> float | None:
    total, seen = 0.0, False
    for level, element in parts:
        for region in regions:
            values = computation.totals.get(element, {}).get(f"{level}:{region}")
            counts = computation.counts.get(element, {}).get(f"{level}:{region}")
            if values is not None and counts is not None and counts[col]:
                total += values[col]
                seen = True
    return total if seen else None


def index_trends(*, views: Sequence[PeriodView], system: IndicatorSystem) -> list[Trend]:
    """Each composite index: mean score per region over the periods, with the province's projection."""
    units = units_load()
    out = []
    for index in system.indices:
        for level in index.levels or SCORED_LEVELS:
            by_region: dict[str, list[float | None]] = {r: [] for r in (*REGIONS, "all")}
            for view in views:
                scores = view.frame.scores.get(index.code, {})
                buckets: dict[str, list[float]] = {r: [] for r in (*REGIONS, "all")}
                for code, score in scores.items():
                    if units.level(code) != level:
                        continue
                    buckets["all"].append(score)
                    if units.region(code) in buckets:
                        buckets[units.region(code)].append(score)
                for key, values in buckets.items():
                    by_region[key].append(round(statistics.fmean(values), 2) if values else None)
            if not any(v is not None for v in by_region["all"]):
                continue
            trend = _project(
                index.code, index.name, gettext("分"), [v.period for v in views], by_region["all"], {}
            )
            trend.by_region = by_region
            out.append(trend)
    return out


@dataclass
class TargetCheck:
    item: Item
    targets: dict[int, float | None]
    units: int  # units with a projection
    short: dict[int, dict[str, int]]  # year -> region -> units projected to fall short
    met_now: dict[str, tuple[int, int]]  # region -> (meeting this period's target, reporting)


def target_checks(
    *, computation: Computation, system: IndicatorSystem, periods: Sequence[str], user: Any
) -> list[TargetCheck]:
    """Indicators with 2025/2027 targets: how many units (in the reader's region) are projected short."""
    units = units_load()
    within = area_prefix(user)
    cols = [computation.periods.index(p) for p in periods if p in computation.periods]
    if not cols:
        return []
    years = [period_year(computation.periods[j]) for j in cols]
    out = []
    for indicator in system.indicators:
        data = computation.items.get(indicator.code)
        if not indicator.targets or data is None or data.values is None:
            continue
        keep = [i for i, c in enumerate(data.units) if c.startswith(within)]
        if not keep:
            continue
        values = data.values[np.ix_(keep, cols)]
        targets = {y: t for y in HORIZON if (t := indicator.target_for(y)) is not None}
        projection = forecast(values, years, horizon=HORIZON, targets=targets, direction=indicator.direction)
        regions = [units.region(data.units[i]) for i in keep]
        short: dict[int, dict[str, int]] = {}
        for year, flags in projection.shortfall.items():
            short[year] = dict.fromkeys((*REGIONS, "all"), 0)
            for flag, region in zip(flags.tolist(), regions, strict=True):
                if flag:
                    short[year]["all"] += 1
                    if region in short[year]:
                        short[year][region] += 1
        now_target = indicator.target_for(years[-1])
        met_now: dict[str, tuple[int, int]] = {}
        last = values[:, -1]
        for key in (*REGIONS, "all"):
            mask = np.array([key in ("all", r) for r in regions])
            known = mask & ~np.isnan(last)
            met = 0
            if now_target is not None:
                lower = indicator.direction is Direction.LOWER_BETTER
                met = int(np.sum((last[known] <= now_target) if lower else (last[known] >= now_target)))
            met_now[key] = (met, int(known.sum()))
        item = item_get(system, indicator.code)
        if item is None:
            continue
        out.append(
            TargetCheck(
                item=item,
                targets={y: targets.get(y) for y in HORIZON},
                units=int(np.sum(~np.isnan(projection.projected[HORIZON[-1]]))),
                short=short,
                met_now=met_now,
            )
        )
    return out


def visible_views(*, user: Any, system_code: str, preview: bool = False) -> list[PeriodView]:
    """Every period the reader may see, oldest first."""
    views = []
    for period in sorted(result_periods(user=user, system_code=system_code)):
        view = result_view(user=user, system_code=system_code, period=period, preview=preview)
        if view is not None:
            views.append(view)
    return views


# ---- publishing -------------------------------------------------------------------------------------


@dataclass
class PeriodStatus:
    """How complete a period's data are, to judge whether to publish."""

    period: str
    by_level: list[dict[str, Any]]  # level, units, approved, pending, draft

    @property
    def pending(self) -> int:
        return sum(row["pending"] + row["draft"] for row in self.by_level)


def period_status(*, system_code: str, period: str) -> PeriodStatus:
    units = units_load()
    rows = []
    for dataset in _datasets(system_code).order_by("level"):
        counts = dict(
            Submission.all_objects.filter(dataset=dataset, period=period)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        rows.append(
            {
                "level": dataset.level,
                "label": LEVEL_NAMES.get(dataset.level, dataset.level),
                "units": len(units.by_level.get(dataset.level, [])),
                "approved": counts.get(SubmissionStatus.APPROVED, 0),
                "pending": counts.get(SubmissionStatus.SUBMITTED, 0),
                "draft": counts.get(SubmissionStatus.DRAFT, 0) + counts.get(SubmissionStatus.RETURNED, 0),
            }
        )
    return PeriodStatus(period, rows)


def result_recompute(*, published: PublishedResult) -> Frame:
    """The published period recomputed now under the definition it was published with."""
    computation = results_compute(version=published.system)
    if published.period not in computation.periods:
        return Frame(published.period, {}, {})
    return frame_of(computation, published.period)


def result_differences(*, published: PublishedResult, limit: int = 20) -> list[str]:
    """Where a recomputation under the stored definition differs from what was published."""
    fresh = result_recompute(published=published)
    stored = _published_frame(published)
    out: list[str] = []
    for item in sorted(set(stored.scores) | set(fresh.scores)):
        a, b = stored.scores.get(item, {}), fresh.scores.get(item, {})
        for unit in sorted(set(a) | set(b)):
            if a.get(unit) != b.get(unit) or stored.ranks.get(item, {}).get(unit) != fresh.ranks.get(
                item, {}
            ).get(unit):
                out.append(
                    gettext("{item} {unit}：发布 {get}，重算 {get2}").format(
                        item=item, unit=unit, get=a.get(unit), get2=b.get(unit)
                    )
                )
                if len(out) >= limit:
                    return out
    return out


def publications(*, system_code: str = "") -> QuerySet[PublishedResult]:
    found = PublishedResult.objects.select_related("system", "published_by").defer("scores", "ranks")
    if system_code:
        found = found.filter(system__code=system_code)
    return found.order_by("-period", "-created_at")


# ---- exports ---------------------------------------------------------------------------------------


def entry_rows(*, user: Any, view: PeriodView, level: str) -> tuple[list[str], list[list[Any]]]:
    """Entry values with indicator values and index scores of every unit of ``level`` in the reader's
    area (province and city bureaus only)."""
    if not can_export_entries(user):
        raise PermissionDenied(gettext("含填报原始数据的导出仅限省、市科技部门在辖区范围内使用"))
    units = units_load()
    within = area_prefix(user)
    system = view.system
    datasets = list(_datasets(view.system_code).filter(level=level))
    element_codes = [c for d in datasets for c in d.elements]
    elements = {e.code: e for e in system.elements}
    items = items_of(system, level)
    headers = ["区划代码", "单位", "所属市", "区域"]
    headers += [
        f"{elements[c].name}（{elements[c].unit}）" if elements[c].unit else elements[c].name
        for c in element_codes
        if c in elements
    ]
    headers += [f"{i.name}（{'得分' if i.kind == 'index' else '指标值'}）" for i in items]
    values = {
        s.unit_id: s.values
        for s in approved_submissions(view.system_code).filter(
            dataset__in=datasets, period=view.period, unit_id__startswith=within
        )
    }
    rows = []
    for code in units.by_level.get(level, []):
        if not code.startswith(within) or not can_view_unit(user, code):
            continue
        entry = values.get(code, {})
        row: list[Any] = [
            code,
            units.name(code),
            units.name(units.city(code)),
            REGION_NAMES.get(units.region(code), ""),
        ]
        row += [entry.get(c) for c in element_codes if c in elements]
        for item in items:
            if item.kind == "index":
                score = view.frame.score(item.code, code)
                row.append(None if score is None else round(score, 2))
            else:
                value = view.computation.value(item.code, code, view.period)
                row.append(None if value is None else round(value, 4))
        rows.append(row)
    return headers, rows


# ---- the report ------------------------------------------------------------------------------------


def report_context(*, user: Any, view: PeriodView, top: int = 10) -> dict[str, Any]:
    """What the PDF report of a period shows: regional comparison and the best and weakest units."""
    sections: list[dict[str, Any]] = []
    previous = _view_for(user, view, previous_period(view.period))
    for level in levels_of(view.system):
        item = top_index(view.system, level)
        if item is None or not view.frame.scores.get(item.code):
            continue
        rows = [r for r in ranking(user=user, view=view, item=item, previous=previous) if r.rank is not None]
        dimensions = [i for i in items_of(view.system, level) if i.kind == "index" and not i.top]
        table = []
        for stat in region_summary(view=view, item=item):
            means = []
            for dim in dimensions:
                dim_stats = {s.region: s for s in region_summary(view=view, item=dim)}
                means.append(dim_stats[stat.region].mean)
            table.append((stat, means))
        sections.append(
            {
                "level": level,
                "label": LEVEL_NAMES.get(level, level),
                "item": item,
                "regions": table,
                "dimensions": dimensions,
                "top": rows[:top],
                "bottom": list(reversed(rows[-top:])) if len(rows) > top else [],
                "scored": len(rows),
            }
        )
    return {
        "view": view,
        "sections": sections,
        "legend": {s["level"]: grade_legend(view.system, s["item"].code) for s in sections},
    }


def current(system_code: str = DEFAULT_SYSTEM) -> tuple[SystemVersion, IndicatorSystem]:
    version, _ = current_system(system_code)
    return version, system_of(version)


def scored_unit(code: str) -> Division | None:
    """A county or town with a scorecard."""
    return Division.objects.filter(code=code, level__in=("county", "town")).select_related("parent").first()


def ancestors(unit: Division) -> list[Division]:
    """The unit's city and county, top down (for the scorecard's breadcrumbs)."""
    out = []
    node = unit.parent
    while node is not None and node.level != "province":
        out.append(node)
        node = node.parent
    return list(reversed(out))
