"""Reads of the yearly assessment and the key tasks, with the pure grading rule, and the overview.

特派员概览: who is on duty where, against the plan's 千名 target; one count for page, API and KPI.

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
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.scope import Scope, scope_of
from baiqianwan.core.spreadsheets import (
    Column,
    SheetSchema,
)
from baiqianwan.plan.models import Goal
from baiqianwan.regions.classification import CITY_REGION, REGION_LABELS, Region
from baiqianwan.regions.models import Division

from ..fieldwork.models import LogStatus, ServiceLog
from ..rounds.models import FIELDS, Assignment, AssignmentStatus
from .models import AssessmentRecord, AssessmentScheme, Grade, KeyTask, KeyTaskStatus
from .rules import SIDE_LABELS, can_score, scoring_side

ONE_DECIMAL = Decimal("0.1")


# Served the year: still on duty, or served the full term. People who withdrew, were recalled or
# rescinded are not graded (their record stays in the team history with the reason).
ASSESSED_STATUSES = (AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED)


RECORD_RELATED = (
    "scheme",
    "assignment__need__town",
    "assignment__nomination__organisation",
    "assignment__nomination__expert__person",
)


K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class GradeOutcome:
    """Grades by key, and how the 优秀 quota played out."""

    grades: dict[Any, str]
    cap: int  # at most this many 优秀: floor(n × quota / 100)
    reached: int  # totals at or above the excellent mark
    tie_total: Decimal | None = None  # the tied total that straddled the quota, if any
    tie_size: int = 0
    tie_free_places: int = 0  # places left for the tied group, fewer than its size

    def count(self, grade: str) -> int:
        return sum(1 for g in self.grades.values() if g == grade)


def excellent_cap(count: int, quota: int) -> int:
    return count * quota // 100


def weighted_total(*, unit: Decimal, host: Decimal, unit_weight: int, host_weight: int) -> Decimal:
    total = (unit * unit_weight + host * host_weight) / Decimal(100)
    return total.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def grades_compute(
    totals: Mapping[K, Decimal], *, pass_mark: int, excellent_mark: int, quota: int
) -> GradeOutcome:
    """优秀 for the best totals at or above the mark, by total descending, at most the cap.

    People with equal totals are one group: a group that does not fit in the places left gets no
    优秀 at all (nor does anyone below it), so two people with the same score never get different
    grades.
    """
    cap = excellent_cap(len(totals), quota)
    grades: dict[Any, str] = {
        key: Grade.FAIL if total < pass_mark else Grade.PASS for key, total in totals.items()
    }
    candidates = sorted((t, k) for k, t in totals.items() if t >= excellent_mark)
    by_total: dict[Decimal, list[K]] = {}
    for total, key in reversed(candidates):
        by_total.setdefault(total, []).append(key)
    taken = 0
    tie_total: Decimal | None = None
    tie_size = tie_free = 0
    for total in sorted(by_total, reverse=True):
        group = by_total[total]
        if taken + len(group) > cap:
            if taken < cap:
                tie_total, tie_size, tie_free = total, len(group), cap - taken
            break
        for key in group:
            grades[key] = Grade.EXCELLENT
        taken += len(group)
    return GradeOutcome(grades, cap, len(candidates), tie_total, tie_size, tie_free)


def assessable_assignments(year: int) -> QuerySet[Assignment]:
    """Accepted assignments whose service (and their team's term) overlaps the year."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return Assignment.all_objects.filter(
        status__in=ASSESSED_STATUSES,
        need__team__started_on__lte=last,
        need__team__ends_on__gte=first,
    ).filter(
        Q(started_on__isnull=True) | Q(started_on__lte=last),
        Q(ended_on__isnull=True) | Q(ended_on__gte=first),
    )


def scorable_records(*, user: Any, scheme: AssessmentScheme) -> list[AssessmentRecord]:
    """The records this user gives a score for, in the order of the score sheet."""
    if scoring_side(user) is None:
        return []
    records = (
        AssessmentRecord.objects.for_user(user)
        .filter(scheme=scheme)
        .select_related(*RECORD_RELATED, "assignment__nomination__expert")
        .order_by("assignment__need__town_id", "assignment__nomination__expert__person__name", "pk")
    )
    return [r for r in records if can_score(user, r)]


def score_sheet_rows(*, user: Any, scheme: AssessmentScheme) -> list[tuple[Any, ...]]:
    side = scoring_side(user)
    rows = []
    for r in scorable_records(user=user, scheme=scheme):
        assert side is not None
        score = getattr(r, f"{side}_score")
        rows.append(
            (
                r.pk,
                r.assignment.nomination.expert.person.name,
                r.assignment.nomination.organisation.name,
                r.assignment.need.town.full_name,
                SIDE_LABELS[side],
                float(score) if score is not None else None,
                getattr(r, f"{side}_comment"),
            )
        )
    return rows


def missing_scores(scheme: AssessmentScheme) -> list[tuple[AssessmentRecord, list[str]]]:
    """Records that cannot be graded yet, and which scores they lack."""
    records = (
        scheme.records.filter(Q(unit_score__isnull=True) | Q(host_score__isnull=True))
        .select_related(*RECORD_RELATED)
        .order_by("assignment__need__town_id", "pk")
    )
    return [
        (
            r,
            [str(label) for side, label in SIDE_LABELS.items() if getattr(r, f"{side}_score") is None],
        )
        for r in records
    ]


def assessment_scheme_list(*, user: Any, with_people: bool = False) -> QuerySet[AssessmentScheme]:
    """The schemes a user may read, latest year first; ``with_people`` counts each one's records."""
    schemes: QuerySet[AssessmentScheme] = AssessmentScheme.objects.for_user(user).order_by("-year")
    return schemes.annotate(people=Count("records")) if with_people else schemes


def assessment_record_count(*, scheme: AssessmentScheme) -> int:
    return scheme.records.count()


def assessment_scheme_get(*, user: Any, pk: int) -> AssessmentScheme | None:
    return AssessmentScheme.objects.for_user(user).filter(pk=pk).first()


def assessment_record_list(
    *,
    user: Any,
    scheme: AssessmentScheme | None = None,
    city: str = "",
    organisation_id: int | None = None,
    grade: str = "",
) -> QuerySet[AssessmentRecord]:
    """The records a user may read, best total first, each with its rank in the year."""
    records: QuerySet[AssessmentRecord] = AssessmentRecord.objects.for_user(user)
    records = records.select_related(*RECORD_RELATED)
    if scheme is not None:
        records = records.filter(scheme=scheme)
    if city:
        records = records.filter(assignment__need__town__startswith=city[:4])
    if organisation_id:
        records = records.filter(assignment__nomination__organisation_id=organisation_id)
    if grade:
        records = records.filter(grade=grade)
    # The rank in the whole year's list, whatever the scope and filters show.
    ahead = (
        AssessmentRecord.all_objects.filter(scheme=OuterRef("scheme"), total__gt=OuterRef("total"))
        .order_by()
        .values("scheme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ranked: QuerySet[AssessmentRecord] = records.annotate(
        rank=Case(
            When(total__isnull=True, then=Value(None)),
            default=Coalesce(Subquery(ahead), 0) + 1,
            output_field=IntegerField(),
        )
    )
    return ranked.order_by(
        F("total").desc(nulls_last=True),
        "assignment__need__town_id",
        "assignment__nomination__expert__person__name",
        "pk",
    )


def record_filter_choices(
    *, user: Any, scheme: AssessmentScheme
) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """The cities and sending units among the scheme's records the user sees, for the list's filters."""
    visible = assessment_record_list(user=user, scheme=scheme)
    names = city_names()
    towns = {code[:4] for code in visible.values_list("assignment__need__town_id", flat=True)}
    organisations = sorted(
        set(
            visible.values_list(
                "assignment__nomination__organisation_id", "assignment__nomination__organisation__name"
            )
        ),
        key=lambda pair: pair[1],
    )
    return sorted((code, names.get(code, code)) for code in towns), organisations


def assessment_record_get(*, user: Any, pk: int) -> AssessmentRecord | None:
    return AssessmentRecord.objects.for_user(user).select_related(*RECORD_RELATED).filter(pk=pk).first()


@dataclass
class SchemeSummary:
    """Scoring progress and grade counts in the user's scope; the quota check over the province."""

    records: int  # in the user's scope
    unit_scored: int
    host_scored: int
    grades: dict[str, int] = field(default_factory=dict)
    everyone: int = 0  # the whole year's list: the quota applies to it
    excellent: int = 0  # 优秀 across the province
    cap: int = 0
    quota_cut: int = 0  # at or above the excellent mark, graded 合格 by the quota
    tie_total: Decimal | None = None
    tie_size: int = 0
    tie_free_places: int = 0


def scheme_summary(scheme: AssessmentScheme, *, user: Any) -> SchemeSummary:
    """Counts only, no names: the province-wide figures show how the quota was applied."""
    mine = list(
        AssessmentRecord.objects.for_user(user)
        .filter(scheme=scheme)
        .values_list("unit_score", "host_score", "grade")
    )
    summary = SchemeSummary(
        records=len(mine),
        unit_scored=sum(1 for r in mine if r[0] is not None),
        host_scored=sum(1 for r in mine if r[1] is not None),
        grades={g.value: sum(1 for r in mine if r[2] == g) for g in Grade},
        everyone=scheme.records.count(),
    )
    if scheme.finalised:
        totals = {pk: total for pk, total in scheme.records.values_list("pk", "total") if total is not None}
        outcome = grades_compute(
            totals,
            pass_mark=scheme.pass_mark,
            excellent_mark=scheme.excellent_mark,
            quota=scheme.excellent_quota,
        )
        summary.excellent = outcome.count(Grade.EXCELLENT)
        summary.cap = outcome.cap
        summary.quota_cut = outcome.reached - summary.excellent
        summary.tie_total = outcome.tie_total
        summary.tie_size = outcome.tie_size
        summary.tie_free_places = outcome.tie_free_places
    return summary


RESULTS_SHEET = SheetSchema(
    title="年度考核结果",
    columns=[
        Column("rank", "名次", width=8),
        Column("name", "科技特派员", width=12),
        Column("organisation", "派出单位", width=24),
        Column("city", "服务地市", width=10),
        Column("town", "服务乡镇", width=30),
        Column("unit_score", "派出单位评分", width=12),
        Column("unit_comment", "派出单位评语", width=30),
        Column("host_score", "服务乡镇评分", width=12),
        Column("host_comment", "服务乡镇评语", width=30),
        Column("total", "综合得分", width=10),
        Column("grade", "等次", width=8),
    ],
)


def results_rows(records: Iterable[AssessmentRecord], cities: Mapping[str, str]) -> list[tuple[Any, ...]]:
    def number(value: Any) -> float | None:
        return float(value) if value is not None else None

    return [
        (
            getattr(r, "rank", None) if r.total is not None else None,
            r.assignment.nomination.expert.person.name,
            r.assignment.nomination.organisation.name,
            cities.get(r.assignment.need.town_id[:4], ""),
            r.assignment.need.town.full_name,
            number(r.unit_score),
            r.unit_comment,
            number(r.host_score),
            r.host_comment,
            number(r.total),
            r.get_grade_display() if r.grade else "",
        )
        for r in records
    ]


def city_names() -> dict[str, str]:
    return {
        code[:4]: name for code, name in Division.objects.filter(level="city").values_list("code", "name")
    }


def _shown_status(status: str, ends_on: dt.date, today: dt.date) -> str:
    if status in (KeyTaskStatus.ACTIVE, KeyTaskStatus.OVERDUE):
        return KeyTaskStatus.OVERDUE if ends_on < today else KeyTaskStatus.ACTIVE
    return status


def key_task_status(task: KeyTask, today: dt.date | None = None) -> str:
    """逾期 is read from the dates: an open task past its end date, whatever was stored."""
    return _shown_status(task.status, task.ends_on, today or timezone.localdate())


def key_task_counts(*, user: Any, today: dt.date | None = None) -> dict[str, int]:
    """How many of the user's tasks are in each shown status."""
    today = today or timezone.localdate()
    counts = dict.fromkeys(KeyTaskStatus.values, 0)
    for status, ends_on in key_task_list(user=user, today=today).values_list("status", "ends_on"):
        counts[_shown_status(status, ends_on, today)] += 1
    return counts


def _status_expression(today: dt.date) -> Case:
    return Case(
        When(
            status__in=(KeyTaskStatus.ACTIVE, KeyTaskStatus.OVERDUE),
            ends_on__lt=today,
            then=Value(KeyTaskStatus.OVERDUE.value),
        ),
        When(status=KeyTaskStatus.OVERDUE, then=Value(KeyTaskStatus.ACTIVE.value)),
        default=F("status"),
        output_field=CharField(),
    )


def key_task_list(
    *, user: Any, status: str = "", city: str = "", q: str = "", today: dt.date | None = None
) -> QuerySet[KeyTask]:
    """Tasks in the user's scope, each with ``shown_status`` (逾期 worked out from the dates)."""
    today = today or timezone.localdate()
    ids = KeyTask.objects.for_user(user).values("pk")  # the owner path joins team members
    tasks = (
        KeyTask.all_objects.filter(pk__in=ids)
        .select_related("team__town")
        .annotate(shown_status=_status_expression(today))
    )
    if status:
        tasks = tasks.filter(shown_status=status)
    if city:
        tasks = tasks.filter(team__town__startswith=city[:4])
    if q.strip():
        tasks = tasks.filter(Q(title__icontains=q.strip()) | Q(code__icontains=q.strip()))
    return tasks.order_by("ends_on", "code")


def key_task_get(*, user: Any, pk: int) -> KeyTask | None:
    return key_task_list(user=user).filter(pk=pk).first()


def key_task_cities(*, user: Any) -> list[tuple[str, str]]:
    """The cities where the user's tasks are carried out, for the list's filter."""
    names = city_names()
    codes = sorted({code[:4] for code in key_task_list(user=user).values_list("team__town_id", flat=True)})
    return [(code, names.get(code, code)) for code in codes]


def key_task_members(task: KeyTask) -> QuerySet[Assignment]:
    """The team members serving now, the leader first."""
    return (
        task.team.need.assignments.filter(status=AssignmentStatus.ACCEPTED)
        .select_related("nomination__expert__person", "nomination__organisation")
        .order_by("-leader", "pk")
    )


KEY_TASK_SHEET = SheetSchema(
    title="省级重点派驻任务",
    columns=[
        Column("code", "任务编号", width=16),
        Column("title", "任务名称", width=36),
        Column("team", "承担团队", width=26),
        Column("town", "服务乡镇", width=30),
        Column("budget", "省财政资助（万元）", width=12),
        Column("starts_on", "开始日期", width=12),
        Column("ends_on", "结束日期", width=12),
        Column("progress", "完成进度（%）", width=10),
        Column("status", "状态", width=10),
        Column("note", "最新进展", width=40),
        Column("goals", "考核指标", width=40),
    ],
)


def key_task_rows(tasks: Sequence[KeyTask]) -> list[tuple[Any, ...]]:
    labels = dict(KeyTaskStatus.choices)
    return [
        (
            t.code,
            t.title,
            t.team.name,
            t.team.town.full_name,
            float(t.budget),
            t.starts_on,
            t.ends_on,
            t.progress,
            labels[getattr(t, "shown_status", None) or key_task_status(t)],
            t.progress_note,
            t.goals,
        )
        for t in tasks
    ]


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
