"""The plan page: every goal with its KPI, every task and safeguard with its measures and status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from baiqianwan.demands.models import Connection, ConnectionStatus, Demand, DemandStatus

from .models import Goal, Measure, ProgressReport, ProgressStatus, Section


def _resolved_demands() -> float:
    return float(Demand.all_objects.filter(status=DemandStatus.SOLVED).count())


def _transferred_achievements() -> float:
    return float(
        Connection.all_objects.filter(status=ConnectionStatus.SUCCEEDED, target_kind="achievement")
        .values("achievement")
        .distinct()
        .count()
    )


# KPIs the platform counts itself; the others wait for their module (noted on the page).
LIVE_KPIS: dict[str, Callable[[], float]] = {
    "KPI-DEMANDS-RESOLVED": _resolved_demands,
    "KPI-TRANSFERS": _transferred_achievements,
}


@dataclass
class GoalRow:
    goal: Goal
    actual: float | None
    live: bool

    @property
    def attainment(self) -> int | None:
        if self.actual is None or not self.goal.target:
            return None
        return min(100, round(self.actual * 100 / self.goal.target))


def goals_by_year() -> list[tuple[int, list[GoalRow]]]:
    actuals = {code: compute() for code, compute in LIVE_KPIS.items()}
    years: dict[int, list[GoalRow]] = {}
    for goal in Goal.objects.select_related("kpi").order_by("position"):
        code = goal.kpi_id or ""
        years.setdefault(goal.year, []).append(GoalRow(goal, actuals.get(code), code in actuals))
    return sorted(years.items())


@dataclass
class MeasureRow:
    measure: Measure
    latest: ProgressReport | None
    reports: int


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
    result = []
    for section in Section.objects.filter(kind=kind).prefetch_related("measures").order_by("position"):
        rows = [MeasureRow(m, latest.get(m.code), counts.get(m.code, 0)) for m in section.measures.all()]
        result.append((section, rows))
    return result


def status_summary(*, user: Any) -> dict[str, int]:
    summary = {status.value: 0 for status in ProgressStatus}
    summary["none"] = 0
    for _, rows in sections(user=user, kind=Section.Kind.TASK):
        for row in rows:
            summary[row.latest.status if row.latest else "none"] += 1
    return summary


# ---- 督办: who owes a progress report --------------------------------------------------------

CITY_BUREAUS = "各地市科技部门"


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
    if not scope.everything:
        cities = cities.filter(code__startswith=scope.division_prefix or "\0")
    done = set(ProgressReport.all_objects.filter(period=period).values_list("measure_id", "division_id"))
    rows: list[DueReport] = []
    for measure in Measure.objects.select_related("section").order_by("position"):
        if scope.everything and "省科技厅" in measure.lead and (measure.code, "440000000000") not in done:
            rows.append(DueReport(measure, "440000000000", "省科技厅", period, due, days))
        if CITY_BUREAUS in measure.responsible:
            for city in cities:
                if (measure.code, city.code) not in done:
                    rows.append(DueReport(measure, city.code, f"{city.name}科技局", period, due, days))
    return rows
