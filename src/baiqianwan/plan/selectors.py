"""The plan page: every goal with its KPI, every task and safeguard with its measures and status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from baiqianwan.demands.selectors import solved_demand_count
from baiqianwan.indicators.engine import forecast

from .models import Goal, KpiValue, Measure, ProgressReport, ProgressStatus, Section


def _resolved_demands() -> float:
    return float(solved_demand_count())


# KPIs the platform counts itself; the others wait for their module (noted on the page). Apps
# above this one add theirs (KPI-TRANSFERS is counted from the market's registered deals).
LIVE_KPIS: dict[str, Callable[[], float]] = {
    "KPI-DEMANDS-RESOLVED": _resolved_demands,
}


def live_kpi_register(code: str, compute: Callable[[], float]) -> None:
    """A KPI counted by an app above this one (plan may not import it); called from its ready()."""
    LIVE_KPIS[code] = compute


@dataclass(frozen=True)
class MeasureActivity:
    """One instrument run under a measure (a call, a round), shown beside the measure's progress."""

    label: str
    status: str
    detail: str
    url: str


# Apps above this one that run a measure's instruments say so here (plan may not import them):
# each provider gives, for the user, activities keyed by the measure's clause ("三(四)一是") or,
# for a measure without an ordinal of its own, by its id ("S2-M3").
MEASURE_ACTIVITY: list[Callable[[Any], dict[str, list[MeasureActivity]]]] = []


def measure_activity_register(provider: Callable[[Any], dict[str, list[MeasureActivity]]]) -> None:
    MEASURE_ACTIVITY.append(provider)


def measure_clause(section_clause: str, ordinal: str) -> str:
    """ "三、(四)" and "一是" → "三(四)一是", the way call types name the measure they serve."""
    return (section_clause + ordinal).replace("、", "").replace("（", "(").replace("）", ")")


@dataclass
class GoalRow:
    goal: Goal
    actual: float | None
    live: bool
    actual_year: int | None = None
    projected: float | None = None
    outlook: str = ""  # met, missed, on_course, behind, or "" when there is not enough to say

    @property
    def attainment(self) -> int | None:
        target = self.goal.effective_target
        if self.actual is None or not target:
            return None
        return min(100, round(self.actual * 100 / target))

    @property
    def outlook_label(self) -> str:
        return str(OUTLOOK_LABELS.get(self.outlook, ""))


OUTLOOK_LABELS = {
    "met": gettext_lazy("已达成"),
    "missed": gettext_lazy("未达成"),
    "on_course": gettext_lazy("按趋势可达成"),
    "behind": gettext_lazy("按趋势将未达成"),
}
MIN_TREND_YEARS = 3


def kpi_series(today: dt.date | None = None) -> dict[str, dict[int, float]]:
    """Each KPI's values by year: stored values, with this year's live count for platform KPIs."""
    year = (today or timezone.localdate()).year
    series: dict[str, dict[int, float]] = {}
    for row in KpiValue.objects.order_by("year"):
        series.setdefault(row.kpi_id, {})[row.year] = row.value
    for code, compute in LIVE_KPIS.items():
        series.setdefault(code, {})[year] = compute()
    return series


def _outlook(goal: Goal, values: dict[int, float], this_year: int) -> tuple[float | None, str]:
    """(projected value for the goal's year, outlook) from the KPI's yearly values."""
    target = goal.effective_target
    if target is None or not values:
        return None, ""
    if goal.year < this_year:
        reached = values.get(goal.year)
        if reached is None:
            return None, ""
        return reached, "met" if reached >= target else "missed"
    years = sorted(values)
    if len(years) < MIN_TREND_YEARS:
        return None, ""
    trend = forecast(
        np.array([[values[y] for y in years]], dtype=float),
        years,
        horizon=(goal.year,),
        targets={goal.year: target},
        min_points=MIN_TREND_YEARS,
    )
    projected = float(trend.projected[goal.year][0])
    if projected != projected:  # NaN: the trend could not be fitted
        return None, ""
    return projected, "behind" if bool(trend.shortfall[goal.year][0]) else "on_course"


def goals_by_year(today: dt.date | None = None) -> list[tuple[int, list[GoalRow]]]:
    this_year = (today or timezone.localdate()).year
    series = kpi_series(today)
    years: dict[int, list[GoalRow]] = {}
    for goal in Goal.objects.select_related("kpi").order_by("position"):
        code = goal.kpi_id or ""
        values = series.get(code, {})
        latest = max(values) if values else None
        projected, outlook = _outlook(goal, values, this_year)
        years.setdefault(goal.year, []).append(
            GoalRow(
                goal,
                values[latest] if latest is not None else None,
                code in LIVE_KPIS,
                latest,
                projected,
                outlook,
            )
        )
    return sorted(years.items())


def kpi_detail(kpi: Any, today: dt.date | None = None) -> dict[str, Any]:
    """A KPI's yearly values, its goals with their outlook, and the chart series."""
    values = kpi_series(today).get(kpi.code, {})
    stored = {v.year: v for v in KpiValue.objects.filter(kpi=kpi).select_related("reported_by")}
    goals = [row for _, rows in goals_by_year(today) for row in rows if row.goal.kpi_id == kpi.code]
    years = sorted(set(values) | {row.goal.year for row in goals if row.goal.year <= 2030})
    return {
        "rows": [(year, values[year], stored.get(year)) for year in sorted(values)],
        "goals": goals,
        "chart": {
            "years": years,
            "values": [values.get(year) for year in years],
            "targets": [
                {"year": row.goal.year, "value": row.goal.effective_target}
                for row in goals
                if row.goal.effective_target is not None
            ],
            "projected": [
                {"year": row.goal.year, "value": row.projected}
                for row in goals
                if row.projected is not None and row.outlook in ("on_course", "behind")
            ],
        },
    }


@dataclass
class MeasureRow:
    measure: Measure
    latest: ProgressReport | None
    reports: int
    activities: list[MeasureActivity] = field(default_factory=list)


def sections(*, user: Any, kind: str) -> list[tuple[Section, list[MeasureRow]]]:
    """Each section with its measures and the latest report within the user's scope."""
    reports = (
        ProgressReport.objects.for_user(user)
        .select_related("submitted_by")
        .order_by("-period", "-updated_at")
    )
    latest: dict[str, ProgressReport] = {}
    counts: dict[str, int] = {}
    for report in reports:
        latest.setdefault(report.measure_id, report)
        counts[report.measure_id] = counts.get(report.measure_id, 0) + 1
    activities: dict[str, list[MeasureActivity]] = {}
    for provider in MEASURE_ACTIVITY:
        for clause, items in provider(user).items():
            activities.setdefault(clause, []).extend(items)
    result = []
    for section in Section.objects.filter(kind=kind).prefetch_related("measures").order_by("position"):
        rows = [
            MeasureRow(
                m,
                latest.get(m.code),
                counts.get(m.code, 0),
                # By clause ("三(一)一是"), or by the measure's own id where a clause has several
                # unnumbered measures (四(二)'s "S2-M3 地市项目资金配套").
                activities.get(measure_clause(section.clause, m.ordinal), []) + activities.get(m.code, []),
            )
            for m in section.measures.all()
        ]
        result.append((section, rows))
    return result


def report_list(*, user: Any, measure: str = "", period: str = "") -> QuerySet[ProgressReport]:
    reports = ProgressReport.objects.for_user(user).order_by("-period", "measure_id")
    if measure:
        reports = reports.filter(measure_id=measure)
    if period:
        reports = reports.filter(period=period)
    return reports


def status_summary(*, user: Any) -> dict[str, int]:
    summary = {status.value: 0 for status in ProgressStatus}
    summary["none"] = 0
    for _, rows in sections(user=user, kind=Section.Kind.TASK):
        for row in rows:
            summary[row.latest.status if row.latest else "none"] += 1
    return summary


# ---- 督办: who owes a progress report --------------------------------------------------------

CITY_BUREAUS = gettext_lazy("各地市科技部门")


@dataclass(frozen=True)
class DueReport:
    measure: Measure
    division_code: str
    reporter: str
    period: str
    due: dt.date
    days_overdue: int


def closed_period(today: dt.date) -> tuple[str, dt.date]:
    """The latest half-year whose report is due by ``today``: H1 by 15 July, H2 by 15 January."""
    if today >= dt.date(today.year, 7, 15):
        return f"{today.year}H1", dt.date(today.year, 7, 15)
    if today >= dt.date(today.year, 1, 15):
        return f"{today.year - 1}H2", dt.date(today.year, 1, 15)
    return f"{today.year - 1}H1", dt.date(today.year - 1, 7, 15)


def overdue_reports(*, user: Any, today: dt.date) -> list[DueReport]:
    """Measures without a report for the closed period: each city bureau for the measures that
    name 各地市科技部门, the province for every measure it leads. A city sees its own rows."""
    from baiqianwan.regions.models import Division

    period, due = closed_period(today)
    days = (today - due).days
    scope = user.scope
    cities = Division.objects.filter(level="city").order_by("code")
    cities = cities.filter(scope.region_filter("code"))
    done = set(ProgressReport.all_objects.filter(period=period).values_list("measure_id", "division_id"))
    rows: list[DueReport] = []
    for measure in Measure.objects.select_related("section").order_by("position"):
        if (
            scope.everything
            and gettext("省科技厅") in measure.lead
            and (measure.code, "440000000000") not in done
        ):
            rows.append(DueReport(measure, "440000000000", gettext("省科技厅"), period, due, days))
        if CITY_BUREAUS in measure.responsible:
            for city in cities:
                if (measure.code, city.code) not in done:
                    rows.append(
                        DueReport(
                            measure,
                            city.code,
                            gettext("{name}科技局").format(name=city.name),
                            period,
                            due,
                            days,
                        )
                    )
    return rows
