"""Reads of the outreach ledgers, each scoped to the user: the 科普 events with their reach by city and
the balance between regions, the teacher courses and trainees with totals by county and city, and
the 智库's members, reports and seminars; the plan page's view of 三(八)一是 and 三是; and the count
of 智库 members active in a year that the talent KPI adds up."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import normalise_query
from baiqianwan.plan.selectors import MeasureActivity
from baiqianwan.regions.classification import CITY_REGION, REGION_LABELS, Region, region_of
from baiqianwan.regions.models import Division

from .filters import city_names, region_q
from .models import OutreachEvent, ResearchReport, Seminar, TeacherCourse, ThinkTankMember, Trainee
from .services import active_in

# ---- 科普 events -------------------------------------------------------------------------------


def event_list(
    *,
    user: Any,
    q: str = "",
    region: str = "",
    kind: str = "",
    year: int | None = None,
    audience: str = "",
    east_west_north: bool | None = None,
) -> QuerySet[OutreachEvent]:
    """The events the user may read: every public one, and those of their region or unit."""
    events = OutreachEvent.objects.for_user(user).select_related("place__parent", "organiser")
    text = normalise_query(q)
    if text:
        events = events.filter(
            Q(title__contains=text)
            | Q(place__full_name__contains=text)
            | Q(organiser__name__contains=text)
            | Q(speakers__contains=text)
        )
    if region:
        events = events.filter(region_q("place", region))
    if kind:
        events = events.filter(kind=kind)
    if year:
        events = events.filter(held_on__year=year)
    if audience:
        events = events.filter(audience_kind=audience)
    if east_west_north is not None:
        events = events.filter(in_east_west_north=east_west_north)
    return events.order_by("-held_on", "-id")


def event_get(*, user: Any, event_id: Any) -> OutreachEvent | None:
    if not valid_id(event_id):
        return None
    return (
        OutreachEvent.objects.for_user(user)
        .select_related("place__parent__parent", "organiser", "created_by")
        .prefetch_related("speaker_people__organisation")
        .filter(pk=event_id)
        .first()
    )


def event_reach(*, user: Any, events: QuerySet[OutreachEvent] | None = None) -> dict[str, Any]:
    """Events and audience by city (for the map) over the events given (default: all the user reads)."""
    events = event_list(user=user) if events is None else events
    by_city: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, size in events.order_by().values_list("place_id", "audience_size"):
        by_city[code[:4]][0] += 1
        by_city[code[:4]][1] += size
    names = city_names()
    cities: list[dict[str, Any]] = [
        {
            "code": prefix,
            "name": names.get(prefix, prefix),
            "region": gettext(REGION_LABELS[region]) if (region := region_of(prefix)) else "",
            "value": n,
            "audience": audience,
        }
        for prefix, (n, audience) in sorted(by_city.items())
    ]
    return {
        "events": sum(c["value"] for c in cities),
        "audience": sum(c["audience"] for c in cities),
        "east_west_north": sum(c["value"] for c in cities if region_of(c["code"]) not in (None, Region.PRD)),
        "cities": cities,
    }


def _county_units() -> dict[str, int]:
    """County-level units of each region: counties, and the towns of 东莞 and 中山 (no county level)
    count as one unit each for their city."""
    counts: dict[str, int] = defaultdict(int)
    for code in Division.objects.filter(level="county").values_list("code", flat=True):
        region = region_of(code)
        if region is not None:
            counts[region.value] += 1
    for _prefix in ("4419", "4420"):
        counts[Region.PRD.value] += 1
    return counts


def event_balance(*, user: Any, year: int | None = None) -> dict[str, Any]:
    """三(八)三是 优化科普资源区域平衡: events and audience by region, per county-level unit (the
    platform ships no population figures, so the fair comparison it can make is per county), and the
    gap between 珠三角 and each other region."""
    events = event_list(user=user, year=year).order_by()
    units = _county_units()
    rows: dict[str, dict[str, Any]] = {
        region.value: {
            "region": region.value,
            "label": gettext(REGION_LABELS[region]),
            "events": 0,
            "audience": 0,
        }
        for region in Region
    }
    counties_reached: dict[str, set[str]] = defaultdict(set)
    for code, size in events.values_list("place_id", "audience_size"):
        region = region_of(code)
        if region is None:
            continue
        rows[region.value]["events"] += 1
        rows[region.value]["audience"] += size
        counties_reached[region.value].add(code[:6] if code[:4] not in ("4419", "4420") else code[:4])
    prd = rows[Region.PRD.value]
    for key, row in rows.items():
        n = units.get(key, 0) or 1
        row["counties"] = units.get(key, 0)
        row["reached"] = len(counties_reached[key])
        row["events_per_county"] = round(row["events"] / n, 2)
        row["audience_per_county"] = round(row["audience"] / n, 1)
        row["reached_share"] = round(100 * row["reached"] / n, 1)
    base = prd["events_per_county"] or 0
    for row in rows.values():
        row["gap"] = round(row["events_per_county"] - base, 2)
        row["ratio"] = round(100 * row["events_per_county"] / base, 1) if base else None
    ewn = [rows[r.value] for r in Region if r is not Region.PRD]
    ewn_units = sum(r["counties"] for r in ewn) or 1
    return {
        "year": year,
        "rows": list(rows.values()),
        "east_west_north": {
            "events": sum(r["events"] for r in ewn),
            "audience": sum(r["audience"] for r in ewn),
            "events_per_county": round(sum(r["events"] for r in ewn) / ewn_units, 2),
        },
        "max_per_county": max((r["events_per_county"] for r in rows.values()), default=0) or 1,
        "basis": "county",
    }


def event_years(*, user: Any) -> list[int]:
    dates = OutreachEvent.objects.for_user(user).dates("held_on", "year", order="DESC")
    return [d.year for d in dates]


# ---- teacher training ----------------------------------------------------------------------------


def course_list(
    *, user: Any, q: str = "", mode: str = "", year: int | None = None
) -> QuerySet[TeacherCourse]:
    courses = (
        TeacherCourse.objects.for_user(user)
        .select_related("provider", "division")
        .annotate(trainee_count=Count("trainees"))
    )
    text = normalise_query(q)
    if text:
        courses = courses.filter(Q(title__contains=text) | Q(provider__name__contains=text))
    if mode:
        courses = courses.filter(mode=mode)
    if year:
        courses = courses.filter(starts_on__year=year)
    return courses.order_by("-starts_on", "-id")  # type: ignore[return-value]


def course_get(*, user: Any, course_id: Any) -> TeacherCourse | None:
    if not valid_id(course_id):
        return None
    return (
        TeacherCourse.objects.for_user(user)
        .select_related("provider", "division", "created_by")
        .filter(pk=course_id)
        .first()
    )


def trainee_list(
    *, user: Any, course: TeacherCourse | None = None, q: str = "", region: str = ""
) -> QuerySet[Trainee]:
    """Trainees are personal data: only the bureaus of their county or the course's region and the
    course's provider read them (no public flag)."""
    trainees = Trainee.objects.for_user(user).select_related("county__parent", "course")
    if course is not None:
        trainees = trainees.filter(course=course)
    text = normalise_query(q)
    if text:
        trainees = trainees.filter(Q(name__contains=text) | Q(school__contains=text))
    if region:
        trainees = trainees.filter(region_q("county", region))
    return trainees.order_by("county_id", "school", "name", "id")


def trainee_get(*, user: Any, trainee_id: Any) -> Trainee | None:
    if not valid_id(trainee_id):
        return None
    return Trainee.objects.for_user(user).select_related("county", "course").filter(pk=trainee_id).first()


def training_totals(*, user: Any) -> dict[str, Any]:
    """Teachers trained (distinct by name and school) and passed, by county and by city, in the
    user's view."""
    trainees = Trainee.objects.for_user(user).order_by()
    by_county: dict[str, dict[str, Any]] = {}
    teachers: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for code, name, school, passed, hours in trainees.values_list(
        "county_id", "name", "school", "passed", "hours_completed"
    ):
        row = by_county.setdefault(code, {"code": code, "places": 0, "passed": 0, "hours": 0})
        row["places"] += 1
        row["passed"] += int(passed)
        row["hours"] += float(hours)
        teachers[code].add((name, school))
    names = dict(Division.objects.filter(pk__in=list(by_county)).values_list("code", "full_name"))
    counties = []
    for code, row in sorted(by_county.items()):
        row["name"] = names.get(code, code)
        row["teachers"] = len(teachers[code])
        counties.append(row)
    cities_names = city_names()
    by_city: dict[str, dict[str, Any]] = {}
    for row in counties:
        city = by_city.setdefault(
            row["code"][:4],
            {
                "code": row["code"][:4],
                "name": cities_names.get(row["code"][:4], ""),
                "value": 0,
                "passed": 0,
                "counties": 0,
            },
        )
        city["value"] += row["teachers"]
        city["passed"] += row["passed"]
        city["counties"] += 1
    return {
        "teachers": sum(r["teachers"] for r in counties),
        "passed": sum(r["passed"] for r in counties),
        "places": sum(r["places"] for r in counties),
        "counties": counties,
        "cities": sorted(by_city.values(), key=lambda c: c["code"]),
    }


def course_totals(*, user: Any, course: TeacherCourse) -> dict[str, Any]:
    found = trainee_list(user=user, course=course).aggregate(
        n=Count("id"), passed=Count("id", filter=Q(passed=True)), hours=Sum("hours_completed")
    )
    return {"trainees": found["n"] or 0, "passed": found["passed"] or 0, "hours": found["hours"] or 0}


# ---- 智库联盟 -------------------------------------------------------------------------------------


def member_list(
    *, user: Any, q: str = "", category: str = "", active: bool | None = None
) -> QuerySet[ThinkTankMember]:
    members = ThinkTankMember.objects.for_user(user).select_related("organisation", "person", "expert")
    text = normalise_query(q)
    if text:
        members = members.filter(
            Q(name__contains=text) | Q(fields__contains=text) | Q(organisation__name__contains=text)
        )
    if category:
        members = members.filter(category=category)
    if active is not None:
        now = active_in(timezone.localdate().year)
        members = members.filter(now) if active else members.exclude(now)
    return members.order_by("category", "name", "id")


def member_get(*, user: Any, member_id: Any) -> ThinkTankMember | None:
    if not valid_id(member_id):
        return None
    return member_list(user=user).filter(pk=member_id).first()


def member_reports(*, user: Any, member: ThinkTankMember) -> QuerySet[ResearchReport]:
    return report_list(user=user).filter(members=member)


def member_seminars(*, user: Any, member: ThinkTankMember) -> QuerySet[Seminar]:
    return seminar_list(user=user).filter(members=member)


def report_list(*, user: Any, q: str = "", year: int | None = None) -> QuerySet[ResearchReport]:
    reports = ResearchReport.objects.for_user(user).prefetch_related("counties", "members")
    text = normalise_query(q)
    if text:
        reports = reports.filter(Q(title__contains=text) | Q(summary__contains=text))
    if year:
        reports = reports.filter(year=year)
    return reports.order_by("-year", "-id")


def report_get(*, user: Any, report_id: Any) -> ResearchReport | None:
    if not valid_id(report_id):
        return None
    return report_list(user=user).filter(pk=report_id).first()


def seminar_list(*, user: Any, q: str = "", year: int | None = None) -> QuerySet[Seminar]:
    seminars = Seminar.objects.for_user(user).select_related("place").prefetch_related("members")
    text = normalise_query(q)
    if text:
        seminars = seminars.filter(Q(title__contains=text) | Q(other_participants__contains=text))
    if year:
        seminars = seminars.filter(held_on__year=year)
    return seminars.order_by("-held_on", "-id")


def seminar_get(*, user: Any, seminar_id: Any) -> Seminar | None:
    if not valid_id(seminar_id):
        return None
    return seminar_list(user=user).filter(pk=seminar_id).first()


def active_think_tank_members(year: int | None = None) -> int:
    """Members of the 智库联盟 active in the year (default this year): a part of KPI-TALENT-SERVING."""
    year = year or timezone.localdate().year
    return ThinkTankMember.all_objects.filter(active_in(year)).count()


# ---- the plan page ----------------------------------------------------------------------------


def measure_activities(user: Any) -> dict[str, list[MeasureActivity]]:
    """三(八)一是 (智库) and 三(八)三是 (科普, teacher training): this year's figures."""
    year = timezone.localdate().year
    found: dict[str, list[MeasureActivity]] = {}
    members = active_think_tank_members(year)
    if members:
        found["三(八)一是"] = [
            MeasureActivity(
                label=gettext("乡村振兴智库联盟"),
                status=gettext("在册成员 {n} 名").format(n=members),
                detail=gettext("今年深调研报告 {r} 份，研讨会和论坛 {s} 场").format(
                    r=ResearchReport.all_objects.filter(year=year).count(),
                    s=Seminar.all_objects.filter(held_on__year=year).count(),
                ),
                url=reverse("outreach:members"),
            )
        ]
    events = OutreachEvent.all_objects.filter(held_on__year=year)
    teachers = Trainee.all_objects.values("name", "school").distinct().count()
    if events.exists() or teachers:
        found["三(八)三是"] = [
            MeasureActivity(
                label=gettext("科普活动"),
                status=gettext("今年 {n} 场").format(n=events.count()),
                detail=gettext("其中粤东西北 {e} 场，受众 {a} 人次").format(
                    e=events.filter(in_east_west_north=True).count(),
                    a=events.aggregate(a=Sum("audience_size"))["a"] or 0,
                ),
                url=reverse("outreach:balance"),
            ),
            MeasureActivity(
                label=gettext("粤东西北中小学科学教师培训"),
                status=gettext("累计培训 {n} 名").format(n=teachers),
                detail=gettext("培训课程 {c} 期").format(c=TeacherCourse.all_objects.count()),
                url=reverse("outreach:courses"),
            ),
        ]
    return found


def regions_of_cities() -> dict[str, str]:
    return {prefix: region.value for prefix, region in CITY_REGION.items()}
