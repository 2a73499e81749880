"""创新型专业镇验收评价 (政策 三(五)): the acceptance data set, who takes part, scores and weights.

Rules a reviewer can rely on:

- The acceptance system is the shipped ``specialised_town_acceptance`` definition (five dimensions,
  a total with the grades 优秀/良好/合格/不合格, a target per indicator). Its yearly town data set
  ``specialised_town_acceptance.town`` goes up county → city → province like the other reports.
- Who takes part in year Y: a town of the register of 创新型专业镇 (the towns app adds its
  certified towns through ``participant_source_register``); a town whose latest approved
  乡镇科技创新监测年报 up to Y says 是创新型专业镇 (``is_specialised_town`` = 1); or a town with
  any acceptance return for Y (a candidate that has started its acceptance report). The
  collection pages list, for this data set, the towns that were ever marked so or have any
  acceptance return.
- Only approved returns are scored. Every indicator is scored against its target
  (``assess(targets=…)`` may override the targets per town and year); a missing indicator counts
  0; dimension scores and the total are weighted means; the grade is the system's own grade table;
  ranks are among the towns scored that year, 并列 ranking (1, 1, 3). A participating town without
  an approved return is listed without a score. The growth of the leading industry needs last
  year's output: in a town's first acceptance year it comes from last year's approved monitoring
  report (the same element).
- Scores are computed under a stored system version and name its content hash; recomputing under
  the same version gives the same numbers, whatever version is current.
- The province may change the five dimension weights (each > 0, summing to 1): that stores a new
  system version with a new hash and makes it current; older versions stay available.
- Everyone signed in sees every participating town's rank; scores, grades and indicator values
  only within the reader's own region (the same rule as the results pages).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from baiqianwan.regions.models import Division

from ..collection.models import Submission, SubmissionStatus
from ..definitions.models import (
    ACCEPTANCE_DATASET,
    ACCEPTANCE_SYSTEM,
    MONITORING_TOWN_DATASET,
    SPECIALISED_FLAG,
    SystemVersion,
)
from ..definitions.selectors import current_system, system_of
from ..engine import Dataset, Hierarchy, IndicatorSystem, assess
from ..results.selectors import grade_legend, grade_of
from .rules import can_view_town

SYSTEM_CODE = ACCEPTANCE_SYSTEM
DATASET_CODE = ACCEPTANCE_DATASET
HOST_DATASET_CODE = MONITORING_TOWN_DATASET
FLAG = SPECIALISED_FLAG
TOTAL = "acceptance"
DECIMALS = 6  # as the published results: ranks and grades read scores at this precision
# Read from last year's monitoring report when the town has no acceptance return for that year
# (its first acceptance year): the same element, needed for the growth rate.
PREVIOUS_FROM_MONITORING = ("leading_industry_output",)

STATUS_LABELS = {
    "scored": gettext_lazy("已审定"),
    "pending": gettext_lazy("未审定"),
    "missing": gettext_lazy("未报送"),
}


# ---- who takes part -------------------------------------------------------------------------------


def _flagged(value: Any) -> bool:
    try:
        return float(value) == 1.0
    except (TypeError, ValueError):
        return False


# Apps above this one that keep a register of towns (towns) say who takes part in a year; this
# module may not import them.
PARTICIPANT_SOURCES: list[Callable[[str], dict[str, str]]] = []


def participant_source_register(source: Callable[[str], dict[str, str]]) -> None:
    if source not in PARTICIPANT_SOURCES:
        PARTICIPANT_SOURCES.append(source)


def participants(*, year: str) -> dict[str, str]:
    """Town code → why it takes part in ``year`` (名录, 认定专业镇 or 已填报验收数据)."""
    registered: dict[str, str] = {}
    for source in PARTICIPANT_SOURCES:
        for code, reason in source(year).items():
            registered.setdefault(code, reason)
    latest: dict[str, Any] = {}
    marks = (
        Submission.all_objects.filter(
            dataset__code=HOST_DATASET_CODE, status=SubmissionStatus.APPROVED, period__lte=year
        )
        .order_by("period")
        .values_list("unit_id", f"values__{FLAG}")
    )
    for unit, flag in marks.iterator(chunk_size=5000):
        latest[unit] = flag
    out = registered | {
        code: gettext("认定专业镇")
        for code, flag in latest.items()
        if _flagged(flag) and code not in registered
    }
    reporting = Submission.all_objects.filter(dataset__code=DATASET_CODE, period=year).values_list(
        "unit_id", flat=True
    )
    for code in reporting:
        out.setdefault(code, gettext("已填报验收数据"))
    return out


# ---- versions and weights -------------------------------------------------------------------------


def current_version() -> SystemVersion:
    version, _ = current_system(SYSTEM_CODE)
    return version


def versions() -> list[SystemVersion]:
    """Every stored version of the acceptance system, newest first."""
    return list(
        SystemVersion.objects.filter(code=SYSTEM_CODE)
        .select_related("loaded_by")
        .order_by("-created_at", "-pk")
    )


def version_find(ref: str) -> SystemVersion | None:
    """A stored version by its content hash (or a prefix of at least 8 characters)."""
    ref = ref.strip().lower()
    if len(ref) < 8:
        return None
    found = list(SystemVersion.objects.filter(code=SYSTEM_CODE, content_hash__startswith=ref)[:2])
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str
    weight: float


def dimensions_of(system: IndicatorSystem) -> list[Dimension]:
    """The total's components in their order, weights as stored (they sum to 1)."""
    index = system.index_map[TOTAL]
    names = {i.code: i.name for i in system.indices}
    return [Dimension(c.ref, names.get(c.ref, c.ref), float(c.weight)) for c in index.components]


# ---- the evaluation -------------------------------------------------------------------------------


@dataclass
class IndicatorLine:
    code: str
    name: str
    theme: str
    unit: str
    value: float | None
    target: float | None
    score: float | None

    @property
    def met(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        return self.value >= self.target


@dataclass
class TownRow:
    code: str
    name: str
    city: str
    county: str
    reason: str  # why the town takes part
    status: str  # scored, pending or missing
    rank: int | None
    total: float | None = None
    grade: str = ""
    dimensions: dict[str, float | None] = field(default_factory=dict)
    indicators: list[IndicatorLine] = field(default_factory=list)
    own: bool = True  # within the reader's region: scores shown

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00000000"


@dataclass
class Evaluation:
    year: str
    version: SystemVersion
    system: IndicatorSystem
    dimensions: list[Dimension]
    towns: list[TownRow]

    @property
    def scored(self) -> int:
        return sum(1 for t in self.towns if t.status == "scored")

    @property
    def grade_counts(self) -> list[tuple[str, int]]:
        grades = [g.name for g in self.system.index_map[TOTAL].grades]
        return [(g, sum(1 for t in self.towns if t.grade == g)) for g in grades]

    @property
    def legend(self) -> str:
        return grade_legend(self.system, TOTAL)


def _number(kind: str | None, raw: Any) -> float:
    """A stored value as the engine reads it (text: present or not)."""
    if kind is None or raw is None or raw == "":
        return math.nan
    if kind == "text":
        return 1.0
    try:
        number = float(raw)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), DECIMALS)


def _places(codes: list[str]) -> dict[str, tuple[str, str, str]]:
    """Town code → (name, city name, county name)."""
    towns = Division.objects.filter(code__in=codes).select_related("parent")
    cities = dict(
        Division.objects.filter(code__in={c[:4] + "00000000" for c in codes}).values_list("code", "name")
    )
    out = {}
    for town in towns:
        parent = town.parent
        county = parent.name if parent is not None and parent.level == "county" else ""
        out[town.code] = (town.name, cities.get(town.code[:4] + "00000000", ""), county)
    return out


def years() -> list[str]:
    """Years with any acceptance return, newest first."""
    found = Submission.all_objects.filter(dataset__code=DATASET_CODE).values_list("period", flat=True)
    return sorted({p for p in found.distinct() if len(p) == 4 and p.isdigit()}, reverse=True)


def default_year() -> str:
    approved = (
        Submission.all_objects.filter(dataset__code=DATASET_CODE, status=SubmissionStatus.APPROVED)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    return approved or next(iter(years()), "")


def evaluate(
    *,
    year: str,
    version: SystemVersion | None = None,
    targets: Mapping[str, npt.ArrayLike] | None = None,
) -> Evaluation:
    """Every participating town of ``year`` scored under ``version`` (the current one by default).

    ``targets`` overrides indicator targets as ``assess`` takes them, per period (2,) or per scored
    town and period (towns, 2); the periods are the year before and ``year``.
    """
    if not (len(year) == 4 and year.isdigit()):
        raise ValidationError({"year": gettext("年度应为四位数字，如 2025")})
    version = version or current_version()
    if version.code != SYSTEM_CODE:
        raise ValidationError(gettext("不是专业镇验收评价指标体系的版本"))
    system = system_of(version)
    taking_part = participants(year=year)
    before = str(int(year) - 1)
    periods = (before, year)
    rows = (
        Submission.all_objects.filter(
            dataset__code=DATASET_CODE,
            status=SubmissionStatus.APPROVED,
            period__in=periods,
            unit_id__in=list(taking_part),
        )
        .order_by("unit_id", "period")
        .values_list("unit_id", "period", "values")
    )
    by_unit: dict[str, dict[str, dict[str, Any]]] = {}
    for unit, period, values in rows:
        by_unit.setdefault(unit, {})[period] = values or {}
    scored = sorted(code for code, found in by_unit.items() if year in found)
    _previous_from_monitoring(by_unit, [c for c in scored if before not in by_unit[c]], before)
    statuses = dict(
        Submission.all_objects.filter(
            dataset__code=DATASET_CODE, period=year, unit_id__in=list(taking_part)
        ).values_list("unit_id", "status")
    )
    places = _places(list(taking_part))
    dimensions = dimensions_of(system)
    town_rows: dict[str, TownRow] = {}
    if scored:
        town_rows = _score(system, scored, by_unit, periods, targets, places, taking_part, dimensions)
    out = list(town_rows.values())
    for code in sorted(set(taking_part) - set(town_rows)):
        name, city, county = places.get(code, (code, "", ""))
        status = "pending" if code in statuses else "missing"
        out.append(TownRow(code, name, city, county, taking_part[code], status, None))
    out.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    return Evaluation(year, version, system, dimensions, out)


def _previous_from_monitoring(
    by_unit: dict[str, dict[str, dict[str, Any]]], codes: list[str], before: str
) -> None:
    """A town's first acceptance year takes last year's base from its approved monitoring report."""
    if not codes:
        return
    found = Submission.all_objects.filter(
        dataset__code=HOST_DATASET_CODE, status=SubmissionStatus.APPROVED, period=before, unit_id__in=codes
    ).values_list("unit_id", "values")
    for unit, values in found:
        base = {k: (values or {}).get(k) for k in PREVIOUS_FROM_MONITORING}
        by_unit[unit][before] = {k: v for k, v in base.items() if v is not None}


def _score(
    system: IndicatorSystem,
    scored: list[str],
    by_unit: Mapping[str, Mapping[str, Mapping[str, Any]]],
    periods: tuple[str, str],
    targets: Mapping[str, npt.ArrayLike] | None,
    places: Mapping[str, tuple[str, str, str]],
    taking_part: Mapping[str, str],
    dimensions: list[Dimension],
) -> dict[str, TownRow]:
    n = len(scored)
    hierarchy = Hierarchy.from_parent_codes(scored, [None] * n, ["town"] * n)
    kinds = {e.code: str(e.kind) for e in system.elements}
    arrays = {code: np.full((n, 2), np.nan) for code in kinds}
    for i, unit in enumerate(scored):
        for j, period in enumerate(periods):
            for code, raw in by_unit[unit].get(period, {}).items():
                if code in arrays:
                    arrays[code][i, j] = _number(kinds[code], raw)
    assessment = assess(system, Dataset(hierarchy, periods, arrays), targets=targets, rank_method="min")
    year = int(periods[1])
    total = assessment.items[TOTAL]
    ranked = int(np.sum(~np.isnan(total.score[:, 1])))
    out: dict[str, TownRow] = {}
    for i, unit in enumerate(scored):
        score = _optional(total.score[i, 1])
        rank_ = int(total.rank[i, 1]) or None
        name, city, county = places.get(unit, (unit, "", ""))
        lines = []
        for indicator in system.indicators:
            item = assessment.items[indicator.code]
            assert item.values is not None
            target = indicator.target_for(year)
            given = (targets or {}).get(indicator.code)
            if given is not None:
                array = np.asarray(given, dtype=float)
                target = float(array[1] if array.ndim == 1 else array[i, 1])
            lines.append(
                IndicatorLine(
                    indicator.code,
                    indicator.name,
                    indicator.theme,
                    indicator.unit,
                    _optional(item.values[i, 1]),
                    target,
                    _optional(item.score[i, 1]),
                )
            )
        out[unit] = TownRow(
            code=unit,
            name=name,
            city=city,
            county=county,
            reason=taking_part.get(unit, ""),
            status="scored",
            rank=rank_,
            total=score,
            grade=grade_of(system, TOTAL, score, rank_, ranked),
            dimensions={d.code: _optional(assessment.items[d.code].score[i, 1]) for d in dimensions},
            indicators=lines,
        )
    return out


# ---- what a reader sees ---------------------------------------------------------------------------


def cities_of(evaluation: Evaluation) -> list[tuple[str, str]]:
    """(code, name) of the cities with participating towns, for the filter."""
    found = {t.city_code: t.city for t in evaluation.towns}
    return sorted(found.items())


def visible_rows(*, user: Any, evaluation: Evaluation, city: str = "", mine: bool = False) -> list[TownRow]:
    """The towns as ``user`` may see them: outside the reader's region only name and rank."""
    out = []
    for row in evaluation.towns:
        if city and row.city_code != city:
            continue
        own = can_view_town(user, row.code)
        if mine and not own:
            continue
        if own:
            out.append(row)
        else:
            out.append(
                replace(
                    row, status="", total=None, grade="", dimensions={}, indicators=[], own=False, reason=""
                )
            )
    return out


def town_get(code: str) -> Division | None:
    return Division.objects.filter(code=code, level="town").first()
