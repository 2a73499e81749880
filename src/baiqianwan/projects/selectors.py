"""Reads of the 大专项, its tasks and projects, the cities' matching funds and the plan page's view."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.calls.models import Call, CallStatus
from baiqianwan.core.selectors import valid_id
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.plan.selectors import MeasureActivity
from baiqianwan.regions.classification import REGION_LABELS, Region, region_of
from baiqianwan.regions.models import Division

from . import rules
from .engine import DemandText, group
from .models import (
    ZERO,
    ChangeRequest,
    ChangeStatus,
    FundingSource,
    MatchingFund,
    Milestone,
    MilestoneStatus,
    Programme,
    ProgrammeStatus,
    Project,
    ProjectStatus,
    Topic,
)

# Demands that may become a task's source: accepted by the county and not yet solved or closed.
OPEN_DEMAND = (DemandStatus.ACCEPTED, DemandStatus.MATCHING, DemandStatus.CONFIRMING)


def programme_list(*, user: Any) -> QuerySet[Programme]:
    """Every bureau and unit reads the published task lists (they are guides); a list still being
    drawn up is the province's alone."""
    programmes = Programme.objects.select_related("call").annotate(
        topic_count=Count("topics", distinct=True), project_count=Count("projects", distinct=True)
    )
    return programmes if rules.can_manage(user) else programmes.filter(status=ProgrammeStatus.PUBLISHED)


def programme_get(*, user: Any, programme_id: Any) -> Programme | None:
    if not valid_id(programme_id):
        return None
    return programme_list(user=user).filter(pk=programme_id).first()


def topics_of(*, programme: Programme) -> QuerySet[Topic]:
    return programme.topics.select_related("industry").annotate(
        source_count=Count("sources", distinct=True),
        county_count=Count(Substr("sources__demand__division_id", 1, 6), distinct=True),
    )


@dataclass(frozen=True)
class Candidate:
    """A group of near-duplicate open demands the province may list as one task."""

    label: str
    explanation: str
    demands: list[Demand]
    counties: int
    industry: str  # the most common industry of its demands, "" when none is known

    @property
    def ids(self) -> list[int]:
        return sorted(d.pk for d in self.demands)


CANDIDATE_LIMIT = 5000  # the newest open demands considered; the page shows the largest groups
CANDIDATES_SHOWN = 30


def open_unlisted_demands() -> QuerySet[Demand]:
    """Accepted demands, not yet solved, not yet the source of a task (of this programme or an
    earlier one, whose project is already on it)."""
    return (
        Demand.all_objects.filter(status__in=OPEN_DEMAND)
        .exclude(topic_sources__isnull=False)
        .select_related("division", "industry")
        .order_by("-accepted_at", "-pk")
    )


def topic_candidates(*, programme: Programme, shown: int = CANDIDATES_SHOWN) -> list[Candidate]:
    """The open demands grouped by technical problem (the topic engine), groups from more counties
    first; a single demand is not a candidate."""
    demands = {d.pk: d for d in open_unlisted_demands()[:CANDIDATE_LIMIT]}
    texts = [
        DemandText(
            str(d.pk),
            d.title,
            d.description,
            county=d.division_id[:6],
            industry=d.industry.code if d.industry else "",
        )
        for d in demands.values()
    ]
    found = []
    for topic in group(texts):
        if len(topic.sources) < 2:
            continue
        found.append(
            Candidate(
                label=topic.label.replace(" ", ""),
                explanation=topic.explanation,
                demands=[demands[int(i)] for i in topic.sources],
                counties=len(topic.counties),
                industry=topic.industry,
            )
        )
        if len(found) >= shown:
            break
    return found


def topic_sources(*, user: Any, topic: Topic) -> QuerySet[Demand]:
    """The source demands the user may open (the province sees all; a county its own)."""
    return Demand.objects.for_user(user).filter(topic_sources__topic=topic).select_related("division")


def project_list(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    programme_id: int | None = None,
    east_west_north: bool = False,
) -> QuerySet[Project]:
    projects = (
        Project.objects.for_user(user)
        .select_related("organisation", "division", "place", "topic", "programme")
        .distinct()
    )
    if q:
        projects = projects.filter(
            Q(title__icontains=q) | Q(reference__icontains=q) | Q(organisation__name__icontains=q)
        )
    if status:
        projects = projects.filter(status=status)
    if programme_id:
        projects = projects.filter(programme_id=programme_id)
    if east_west_north:
        projects = projects.filter(in_east_west_north=True)
    return projects


def project_get(*, user: Any, project_id: Any) -> Project | None:
    if not valid_id(project_id):
        return None
    return project_list(user=user).filter(pk=project_id).first()


@dataclass(frozen=True)
class MilestoneRow:
    milestone: Milestone
    overdue_days: int

    @property
    def pending(self) -> bool:
        return self.milestone.status == MilestoneStatus.PENDING

    @property
    def state(self) -> str:
        if self.milestone.status == MilestoneStatus.REPORTED:
            late = self.milestone.reported_at and self.milestone.reported_at.date() > self.milestone.due
            return gettext("已报告（逾期）") if late else gettext("已报告")
        return (
            gettext("逾期 {n} 天").format(n=self.overdue_days) if self.overdue_days > 0 else gettext("未到期")
        )


def milestones_of(*, project: Project, today: dt.date | None = None) -> list[MilestoneRow]:
    today = today or timezone.localdate()
    return [MilestoneRow(m, (today - m.due).days) for m in project.milestones.all()]


def budget_table(*, project: Project) -> tuple[list[int], list[tuple[str, list[Decimal], Decimal]]]:
    """The budget as the contract prints it: a row per source, a column per year, totals."""
    lines = list(project.budget.all())
    years = sorted({line.year for line in lines})
    rows = []
    for source, label in FundingSource.choices:
        amounts = [sum((x.amount for x in lines if x.year == y and x.source == source), ZERO) for y in years]
        if any(amounts):
            rows.append((str(label), amounts, sum(amounts, ZERO)))
    return years, rows


def contract_context(project: Project) -> dict[str, Any]:
    application = project.application
    years, budget = budget_table(project=project)
    return {
        "project": project,
        "application": application,
        "indicators": list(project.indicators.all()),
        "milestones": list(project.milestones.all()),
        "years": years,
        "budget": budget,
        "budget_total": sum((row[2] for row in budget), ZERO),
        "funds": list(project.funds.select_related("city")),
        "partners": [
            (
                p.organisation.name,
                p.organisation.division.full_name if p.organisation.division else "",
                p.values.get("role", ""),
            )
            for p in application.partners.select_related("organisation__division")
        ],
        "changes": list(project.changes.filter(status=ChangeStatus.APPROVED)),
    }


def contract_initial(project: Project) -> dict[str, list[dict[str, Any]]]:
    """The contract form's rows: what was saved, or a start drawn from the application."""
    indicators = [{"name": i.name, "unit": i.unit, "planned": i.planned} for i in project.indicators.all()]
    milestones = [
        {"title": m.title, "due": m.due, "deliverable": m.deliverable} for m in project.milestones.all()
    ]
    budget = [{"year": b.year, "source": b.source, "amount": b.amount} for b in project.budget.all()]
    if not budget:
        budget = [
            {
                "year": project.starts_on.year,
                "source": FundingSource.PROVINCE,
                "amount": project.province_funding,
            }
        ]
    if not milestones:
        milestones = [
            {
                "title": gettext("中期检查"),
                "due": project.starts_on + (project.ends_on - project.starts_on) / 2,
            }
        ]
    return {"indicators": indicators, "milestones": milestones, "budget": budget}


def acceptance_batches() -> QuerySet[Call]:
    """The acceptance batches that still take projects: open or closed, not yet in review."""
    return (
        Call.objects.filter(
            call_type__definition__result="acceptance", status__in=(CallStatus.OPEN, CallStatus.CLOSED)
        )
        .select_related("call_type")
        .order_by("-year", "-pk")
    )


def pending_changes(*, project: Project) -> QuerySet[ChangeRequest]:
    return project.changes.filter(status=ChangeStatus.PENDING)


def funds_for(*, user: Any, year: int | None = None) -> QuerySet[MatchingFund]:
    """What the user's city has committed and paid, project by project (the province: all cities)."""
    funds = (
        MatchingFund.objects.for_user(user)
        .select_related("project", "city")
        .order_by("city", "year", "project")
    )
    return funds.filter(year=year) if year else funds


@dataclass(frozen=True)
class RegionFunds:
    region: str
    projects: int
    province: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def owed(self) -> Decimal:
        return self.committed - self.paid


def region_totals(*, user: Any) -> list[RegionFunds]:
    """省市联动 by region: projects carried out there, the province's funding, and the cities'
    matching funds committed and paid."""
    projects = Project.objects.for_user(user).exclude(status=ProjectStatus.TERMINATED).distinct()
    counts: dict[str, int] = defaultdict(int)
    province: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for place, division, funding in projects.values_list("place_id", "division_id", "province_funding"):
        region = region_of(place or division)
        key = region.value if region else ""
        counts[key] += 1
        province[key] += funding
    committed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for city, c, p in (
        MatchingFund.objects.for_user(user)
        .values("city_id")
        .annotate(c=Sum("committed"), p=Sum("paid"))
        .values_list("city_id", "c", "p")
    ):
        region = region_of(city)
        key = region.value if region else ""
        committed[key] += c or ZERO
        paid[key] += p or ZERO
    return [
        RegionFunds(
            gettext(REGION_LABELS[region]),
            counts[region.value],
            province[region.value],
            committed[region.value],
            paid[region.value],
        )
        for region in Region
        if counts[region.value] or committed[region.value]
    ]


def city_arrears(*, user: Any) -> list[tuple[Division, Decimal, Decimal]]:
    """Cities whose paid matching funds fall short of what they committed for past years."""
    year = timezone.localdate().year
    rows = (
        MatchingFund.objects.for_user(user)
        .filter(year__lt=year)
        .values("city_id")
        .annotate(c=Sum("committed"), p=Sum("paid"))
        .filter(c__gt=0)
    )
    cities = Division.objects.in_bulk([r["city_id"] for r in rows])
    return [
        (cities[r["city_id"]], r["c"], r["p"]) for r in rows if r["p"] < r["c"] and r["city_id"] in cities
    ]


def measure_activities(user: Any) -> dict[str, list[MeasureActivity]]:
    """The plan page: 三(一) shows each 大专项 with its tasks and projects, 四(二) the province's and
    the cities' money."""
    found: dict[str, list[MeasureActivity]] = {}
    for programme in programme_list(user=user)[:3]:
        projects = Project.objects.for_user(user).filter(programme=programme).distinct()
        ewn = projects.filter(in_east_west_north=True).count()
        total = projects.count()
        topics = programme.topic_count  # type: ignore[attr-defined]
        detail = gettext("任务 {topics} 项 · 立项 {projects} 项（粤东西北参与 {ewn} 项）").format(
            topics=topics, projects=total, ewn=ewn
        )
        activity = MeasureActivity(
            label=programme.title,
            status=programme.get_status_display(),
            detail=detail,
            url=reverse("projects:programme", args=[programme.pk]),
        )
        found.setdefault("三(一)一是", []).append(activity)
        found.setdefault("S2-M2", []).append(activity)
        if ewn:
            found.setdefault("三(一)二是", []).append(activity)
    totals = region_totals(user=user)
    if totals:
        province = sum((t.province for t in totals), ZERO)
        committed = sum((t.committed for t in totals), ZERO)
        paid = sum((t.paid for t in totals), ZERO)
        found.setdefault("S2-M3", []).append(
            MeasureActivity(
                label=gettext("大专项省市联动"),
                status=gettext("执行中"),
                detail=gettext(
                    "省财政资金 {province} 万元 · 地市承诺配套 {committed} 万元，已到位 {paid} 万元"
                ).format(province=province, committed=committed, paid=paid),
                url=reverse("projects:funds"),
            )
        )
    return found
