"""Reads of the talent ledgers, each scoped to the user: outposts (list, one, the map by city),
leaders and their reports, groups, selections; and KPI-TALENT-SERVING counted from its parts.

KPI-TALENT-SERVING (服务县镇村的科技人才人数) is the sum of parts that each app counts for itself. An
app adds its part from its ``ready()``:

    from baiqianwan.talent.selectors import talent_part_register
    talent_part_register("智库成员（本年有活动）", members_active_this_year)

``compute`` takes no argument and returns today's count for the whole province (like the plan's
``live_kpi_register``). talent registers three parts itself: commissioners serving (the count of
KPI-COMMISSIONERS-SERVING), researchers on site at open outposts, and people selected this year by a
talent programme who serve a county. The parts are added as they are; a person counted by two parts
(a commissioner who also works at an outpost) counts twice, as the sources keep no common key."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import normalise_query
from baiqianwan.plan.selectors import MeasureActivity
from baiqianwan.regions.classification import REGION_LABELS, region_of
from baiqianwan.regions.models import Division
from baiqianwan.regions.selectors import region_q

from .models import Leader, LeaderGroup, LeaderReport, Outpost, OutpostKind, OutpostResult, TalentSelection
from .services import open_on

# ---- KPI-TALENT-SERVING -----------------------------------------------------------------------


@dataclass(frozen=True)
class TalentPart:
    label: Any
    compute: Callable[[], float]

    @property
    def source(self) -> str:
        return f"{self.compute.__module__}.{self.compute.__qualname__}"


TALENT_PARTS: list[TalentPart] = []


def talent_part_register(label: Any, compute: Callable[[], float]) -> None:
    """A part of KPI-TALENT-SERVING counted by another app (talent may not import it); called from
    its ready(). Registering the same function again replaces it."""
    TALENT_PARTS[:] = [part for part in TALENT_PARTS if part.compute is not compute]
    TALENT_PARTS.append(TalentPart(label, compute))


def _commissioners_serving() -> float:
    from baiqianwan.commissioners.assessment.selectors import kpi_commissioners_serving

    return kpi_commissioners_serving()


def register_builtin_parts() -> None:
    from .services import outpost_staff_on_site, selections_in_counties

    talent_part_register(gettext_lazy("下乡服务的科技特派员"), _commissioners_serving)
    talent_part_register(gettext_lazy("县域研究机构驻点科研人员"), outpost_staff_on_site)
    talent_part_register(gettext_lazy("本年人才工程入选并服务县域的人员"), selections_in_counties)


def talent_parts() -> list[dict[str, Any]]:
    """Each part with its count today."""
    return [
        {"label": str(part.label), "source": part.source, "value": int(part.compute())}
        for part in TALENT_PARTS
    ]


def talent_serving() -> float:
    """KPI-TALENT-SERVING: the sum of the registered parts, today."""
    return float(sum(part.compute() for part in TALENT_PARTS))


# ---- outposts --------------------------------------------------------------------------------


def outpost_list(
    *, user: Any, q: str = "", kind: str = "", region: str = "", host: Any = None, status: str = ""
) -> QuerySet[Outpost]:
    outposts = Outpost.objects.for_user(user).select_related("county__parent", "host")
    text = normalise_query(q)
    if text:
        outposts = outposts.filter(
            Q(name__contains=text)
            | Q(county__full_name__contains=text)
            | Q(host__name__contains=text)
            | Q(fields__contains=text)
        )
    if kind:
        outposts = outposts.filter(kind=kind)
    if region:
        outposts = outposts.filter(region_q("county", region))
    if host is not None:
        outposts = outposts.filter(host=host)
    today = timezone.localdate()
    if status == "open":
        outposts = outposts.filter(open_on(today))
    elif status == "closed":
        outposts = outposts.filter(closed_on__lte=today)
    return outposts.order_by("county_id", "name", "id")


def outpost_get(*, user: Any, outpost_id: Any) -> Outpost | None:
    if not valid_id(outpost_id):
        return None
    return (
        Outpost.objects.for_user(user)
        .select_related("county__parent", "host", "created_by")
        .prefetch_related("staff")
        .filter(pk=outpost_id)
        .first()
    )


def result_list(*, user: Any, outpost: Outpost) -> QuerySet[OutpostResult]:
    return OutpostResult.objects.for_user(user).filter(outpost=outpost).order_by("-year")


def city_names() -> dict[str, str]:
    return {
        code[:4]: name for code, name in Division.objects.filter(level="city").values_list("code", "name")
    }


def outpost_map(*, user: Any) -> dict[str, Any]:
    """The open outposts in the user's view by city (for the map) and by kind."""
    today = timezone.localdate()
    rows = list(
        Outpost.objects.for_user(user)
        .filter(open_on(today))
        .order_by()
        .values_list("county_id", "kind", "staff_on_site")
    )
    by_city: dict[str, Counter[str]] = defaultdict(Counter)
    staff: Counter[str] = Counter()
    for code, kind, on_site in rows:
        by_city[code[:4]][kind] += 1
        staff[code[:4]] += on_site
    names = city_names()
    cities = []
    for prefix, kinds in sorted(by_city.items()):
        region = region_of(prefix)
        cities.append(
            {
                "code": prefix,
                "name": names.get(prefix, prefix),
                "region": gettext(REGION_LABELS[region]) if region else "",
                "value": sum(kinds.values()),
                "staff": staff[prefix],
            }
        )
    kinds = Counter(kind for _, kind, _ in rows)
    return {
        "open": len(rows),
        "staff_on_site": sum(staff.values()),
        "east_west_north": sum(1 for code, _, _ in rows if (region_of(code[:4]) or "prd") != "prd"),
        "by_kind": [
            {"kind": kind.value, "label": str(kind.label), "outposts": kinds.get(kind.value, 0)}
            for kind in OutpostKind
        ],
        "cities": cities,
    }


# ---- 致富带头人 ------------------------------------------------------------------------------


def leader_list(*, user: Any, q: str = "", region: str = "", industry: str = "") -> QuerySet[Leader]:
    leaders = Leader.objects.for_user(user).select_related("division", "enterprise", "commissioner")
    text = normalise_query(q)
    if text:
        leaders = leaders.filter(
            Q(name__contains=text) | Q(enterprise_name__contains=text) | Q(division__full_name__contains=text)
        )
    if region:
        leaders = leaders.filter(region_q("division", region))
    if industry:
        leaders = leaders.filter(industry__contains=normalise_query(industry))
    return leaders.order_by("division_id", "name", "id")


def leader_get(*, user: Any, leader_id: Any) -> Leader | None:
    if not valid_id(leader_id):
        return None
    return (
        Leader.objects.for_user(user)
        .select_related("division", "enterprise", "commissioner", "commissioner_person")
        .filter(pk=leader_id)
        .first()
    )


def report_list(*, user: Any, leader: Leader) -> QuerySet[LeaderReport]:
    return LeaderReport.objects.for_user(user).filter(leader=leader).order_by("-year")


def leader_totals(*, user: Any) -> dict[str, Any]:
    """Leaders in view, and the jobs and income their reports of the latest year show."""
    leaders = Leader.objects.for_user(user)
    reports = LeaderReport.objects.for_user(user)
    latest = reports.order_by("-year").values_list("year", flat=True).first()
    found = reports.filter(year=latest).aggregate(
        jobs=Sum("jobs_created"), income=Sum("income_effect"), n=Count("id")
    )
    return {
        "leaders": leaders.count(),
        "year": latest,
        "reported": found["n"] or 0,
        "jobs": found["jobs"] or 0,
        "income": found["income"] or 0,
    }


def group_list(*, user: Any) -> QuerySet[Any]:
    return (
        LeaderGroup.objects.for_user(user)
        .select_related("county", "lead_commissioner", "lead_organisation")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("county_id", "name", "id")
    )


def group_get(*, user: Any, group_id: Any) -> LeaderGroup | None:
    if not valid_id(group_id):
        return None
    return group_list(user=user).filter(pk=group_id).first()


def group_members(*, user: Any, group: LeaderGroup) -> QuerySet[Leader]:
    """The members the user may see (a unit leading a group sees how many, not who)."""
    return leader_list(user=user).filter(groups=group)


# ---- talent programmes ----------------------------------------------------------------------


def selection_list(*, user: Any, year: int | None = None, programme: str = "") -> QuerySet[TalentSelection]:
    selections = TalentSelection.objects.for_user(user).select_related("person__organisation", "county")
    if year:
        selections = selections.filter(year=year)
    if programme:
        selections = selections.filter(programme__contains=normalise_query(programme))
    return selections.order_by("-year", "programme", "id")


# ---- the plan page ----------------------------------------------------------------------------


def measure_activities(user: Any) -> dict[str, list[MeasureActivity]]:
    """三(七)一是 (县域布局设点) and 三(六)二是 (致富带头人、致富共同体): what the ledgers hold today."""
    today = timezone.localdate()
    found: dict[str, list[MeasureActivity]] = {}
    outposts = Outpost.all_objects.filter(open_on(today))
    total = outposts.count()
    if total:
        found["三(七)一是"] = [
            MeasureActivity(
                label=gettext("科研院校县域研究机构"),
                status=gettext("{n} 个运行中").format(n=total),
                detail=gettext("其中粤东西北 {ewn} 个，驻点科研人员 {staff} 人").format(
                    ewn=outposts.filter(in_east_west_north=True).count(),
                    staff=outposts.aggregate(n=Sum("staff_on_site"))["n"] or 0,
                ),
                url=reverse("talent:outposts"),
            )
        ]
    leaders = Leader.all_objects.count()
    if leaders:
        found["三(六)二是"] = [
            MeasureActivity(
                label=gettext("科技型农村致富带头人"),
                status=gettext("{n} 人").format(n=leaders),
                detail=gettext("农业科技致富共同体 {g} 个").format(g=LeaderGroup.all_objects.count()),
                url=reverse("talent:leaders"),
            )
        ]
    return found
