"""特派员概览: who is on duty where, against the plan's 千名 target; one count for page, API and KPI.

- 在岗: a distinct person with an accepted assignment whose team's 3-year term covers the day
  (and whose own service has started).
- 下乡服务 (KPI-COMMISSIONERS-SERVING, plan.json): 统计期内在县、镇、村有有效派驻（含组团式派驻）并有
  服务日志的科技特派员人数，按人去重 — the 在岗 people whose assignment has at least one service
  log dated on or before the day. A log the town sent back (已退回) is not counted as service; one
  awaiting the town's confirmation is.
- 覆盖村: villages with at least one confirmed service log from a team in service.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.scope import Scope, scope_of
from baiqianwan.core.spreadsheets import Column, SheetSchema
from baiqianwan.plan.models import Goal
from baiqianwan.regions.classification import CITY_REGION, REGION_LABELS, Region
from baiqianwan.regions.models import Division

from .models import FIELDS, Assignment, AssignmentStatus, LogStatus, ServiceLog

KPI_CODE = "KPI-COMMISSIONERS-SERVING"
DEFAULT_TARGET = 1000  # 二、工作目标: 到2025年推动千名农村科技特派员下乡服务
PERSON = "nomination__expert__person_id"


def on_duty_assignments(*, scope: Scope, on: dt.date) -> QuerySet[Assignment]:
    """Accepted assignments in the scope whose team's term covers ``on``."""
    return (
        Assignment.objects.for_scope(scope)
        .filter(
            status=AssignmentStatus.ACCEPTED,
            need__team__started_on__lte=on,
            need__team__ends_on__gte=on,
        )
        .filter(Q(started_on__isnull=True) | Q(started_on__lte=on))
    )


def serving_assignments(*, scope: Scope, on: dt.date) -> QuerySet[Assignment]:
    """On-duty assignments with at least one service log (not sent back) by ``on``."""
    logged = ServiceLog.all_objects.filter(assignment=OuterRef("pk"), served_on__lte=on).exclude(
        status=LogStatus.RETURNED
    )
    return on_duty_assignments(scope=scope, on=on).filter(Exists(logged))


def commissioners_on_duty(*, user: Any, on: dt.date | None = None) -> int:
    on = on or timezone.localdate()
    return on_duty_assignments(scope=scope_of(user), on=on).values(PERSON).distinct().count()


def commissioners_serving(*, scope: Scope, on: dt.date | None = None) -> int:
    on = on or timezone.localdate()
    return serving_assignments(scope=scope, on=on).values(PERSON).distinct().count()


def kpi_commissioners_serving() -> float:
    """The plan page's live value: the whole province, today."""
    return float(commissioners_serving(scope=Scope(everything=True)))


def covered_villages(*, scope: Scope, on: dt.date) -> QuerySet[ServiceLog]:
    return ServiceLog.objects.for_scope(scope).filter(
        status=LogStatus.CONFIRMED,
        served_on__lte=on,
        assignment__need__team__started_on__lte=on,
        assignment__need__team__ends_on__gte=on,
    )


def commissioners_target() -> int:
    """The plan's number for the KPI (the 2025 goal), or 千名 when the plan is not loaded."""
    target = (
        Goal.objects.filter(kpi_id=KPI_CODE, target__isnull=False)
        .order_by("year")
        .values_list("target", flat=True)
        .first()
    )
    return int(target) if target else DEFAULT_TARGET


@dataclass
class Tally:
    """Counts for one city, one region or the whole scope."""

    code: str
    name: str
    region: str = ""
    on_duty: int = 0
    serving: int = 0
    teams: int = 0
    towns: int = 0
    villages: int = 0

    @property
    def region_label(self) -> str:
        return gettext(REGION_LABELS[Region(self.region)]) if self.region else ""


@dataclass
class Overview:
    on: dt.date
    target: int
    total: Tally
    regions: list[Tally]
    cities: list[Tally]
    fields: list[tuple[str, int]] = field(default_factory=list)

    @property
    def attainment(self) -> int:
        return min(100, round(self.total.on_duty * 100 / self.target)) if self.target else 0

    @property
    def fields_covered(self) -> int:
        return sum(1 for _, n in self.fields if n)


def _count(groups: dict[str, set[Any]], key: str) -> int:
    return len(groups.get(key, ()))


def overview_get(*, user: Any, on: dt.date | None = None) -> Overview:
    """The numbers of the overview, in the user's scope: the province sees every city, a city its own."""
    on = on or timezone.localdate()
    scope = scope_of(user)
    duty = list(
        on_duty_assignments(scope=scope, on=on).values_list(
            PERSON, "need__town_id", "need_id", "nomination__fields"
        )
    )
    serving = set(serving_assignments(scope=scope, on=on).values_list(PERSON, "need__town_id"))
    villages = set(covered_villages(scope=scope, on=on).values_list("village_id", flat=True).distinct())

    people: dict[str, set[Any]] = defaultdict(set)
    served: dict[str, set[Any]] = defaultdict(set)
    teams: dict[str, set[Any]] = defaultdict(set)
    towns: dict[str, set[Any]] = defaultdict(set)
    places: dict[str, set[Any]] = defaultdict(set)
    by_field: dict[str, set[Any]] = defaultdict(set)
    for person, town, need, fields in duty:
        for key in ("", town[:4], str(CITY_REGION.get(town[:4], ""))):
            people[key].add(person)
            teams[key].add(need)
            towns[key].add(town)
        for name in fields or ():
            by_field[name].add(person)
    for person, town in serving:
        for key in ("", town[:4], str(CITY_REGION.get(town[:4], ""))):
            served[key].add(person)
    for village in villages:
        for key in ("", village[:4], str(CITY_REGION.get(village[:4], ""))):
            places[key].add(village)

    def tally(key: str, name: str, region: str = "") -> Tally:
        return Tally(
            code=key,
            name=name,
            region=region,
            on_duty=_count(people, key),
            serving=_count(served, key),
            teams=_count(teams, key),
            towns=_count(towns, key),
            villages=_count(places, key),
        )

    cities = Division.objects.filter(level="city").order_by("code")
    if not scope.everything:
        # A region user's own city, and for a unit or a commissioner the cities their people serve.
        codes = {key for key in people if key.isdigit()}
        if scope.division_prefix:
            codes.add(scope.division_prefix[:4])
        cities = cities.filter(code__in=[f"{code}00000000" for code in codes])
    city_rows = [tally(c.code[:4], c.name, str(CITY_REGION.get(c.code[:4], ""))) for c in cities]
    regions = [tally(str(r), gettext(REGION_LABELS[r]), str(r)) for r in Region]
    if not scope.everything:
        shown = {row.region for row in city_rows}
        regions = [r for r in regions if r.region in shown]
    known = [(name, len(by_field.get(name, ()))) for name in FIELDS]
    others = sorted((name, len(p)) for name, p in by_field.items() if name not in FIELDS)
    return Overview(
        on=on,
        target=commissioners_target(),
        total=tally("", gettext("合计")),
        regions=regions,
        cities=sorted(city_rows, key=lambda c: (-c.on_duty, c.code)),
        fields=sorted(known + others, key=lambda pair: -pair[1]),
    )


OVERVIEW_SHEET = SheetSchema(
    title="科技特派员分市统计",
    columns=[
        Column("city", "地级市", width=12),
        Column("region", "区域", width=10),
        Column("on_duty", "在岗科技特派员（人）", width=18),
        Column("serving", "其中有服务日志（人）", width=18),
        Column("teams", "在岗团队（个）", width=14),
        Column("towns", "覆盖乡镇（个）", width=14),
        Column("villages", "覆盖村（社区）（个）", width=18),
    ],
)


def overview_rows(overview: Overview) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        (c.name, c.region_label, c.on_duty, c.serving, c.teams, c.towns, c.villages) for c in overview.cities
    ]
    t = overview.total
    rows.append((gettext("合计（按人去重）"), "", t.on_duty, t.serving, t.teams, t.towns, t.villages))
    return rows
