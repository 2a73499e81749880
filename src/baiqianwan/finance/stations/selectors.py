"""Reads of the service network, each scoped to the user: the stations, one station with its
activities, the network by city for the map, and the plan page's view of 三(三)三是."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import normalise_query
from baiqianwan.plan.selectors import MeasureActivity
from baiqianwan.regions.classification import REGION_LABELS, region_of

from ..filters import city_names, region_q
from ..models import ServiceStation, StationActivity, StationLevel
from .services import open_on


def station_list(
    *,
    user: Any,
    q: str = "",
    level: str = "",
    region: str = "",
    status: str = "",
    east_west_north: bool | None = None,
) -> QuerySet[ServiceStation]:
    """The stations the user may read: every public one, and those of their region or unit."""
    stations = ServiceStation.objects.for_user(user).select_related("division__parent", "parent", "host")
    text = normalise_query(q)
    if text:
        stations = stations.filter(
            Q(name__contains=text) | Q(division__full_name__contains=text) | Q(host__name__contains=text)
        )
    if level:
        stations = stations.filter(level=level)
    if region:
        stations = stations.filter(region_q("division", region))
    today = timezone.localdate()
    if status == "open":
        stations = stations.filter(open_on(today))
    elif status == "closed":
        stations = stations.filter(closed_on__lte=today)
    if east_west_north is not None:
        stations = stations.filter(in_east_west_north=east_west_north)
    return stations.order_by("division_id", "level", "name", "id")


def station_get(*, user: Any, station_id: Any) -> ServiceStation | None:
    if not valid_id(station_id):
        return None
    return (
        ServiceStation.objects.for_user(user)
        .select_related("division__parent__parent", "parent__division", "host", "created_by")
        .filter(pk=station_id)
        .first()
    )


def station_children(*, user: Any, station: ServiceStation) -> QuerySet[ServiceStation]:
    return station_list(user=user).filter(parent=station)


def activity_list(
    *, user: Any, station: ServiceStation | None = None, kind: str = ""
) -> QuerySet[StationActivity]:
    activities = StationActivity.objects.for_user(user).select_related("station__division", "recorded_by")
    if station is not None:
        activities = activities.filter(station=station)
    if kind:
        activities = activities.filter(kind=kind)
    return activities.order_by("-held_on", "-id")


def activity_totals(*, user: Any, station: ServiceStation) -> dict[str, int]:
    found = activity_list(user=user, station=station).aggregate(
        n=Count("id"), attendance=Sum("attendance"), enterprises=Sum("enterprises_served")
    )
    return {
        "activities": found["n"] or 0,
        "attendance": found["attendance"] or 0,
        "enterprises": found["enterprises"] or 0,
    }


def network(*, user: Any) -> dict[str, Any]:
    """The open network in the user's view by city (for the map), by level, and 粤东西北's count."""
    today = timezone.localdate()
    stations = ServiceStation.objects.for_user(user).filter(open_on(today)).order_by()
    by_city: dict[str, Counter[str]] = defaultdict(Counter)
    for code, level in stations.values_list("division_id", "level"):
        by_city[code[:4]][level] += 1
    names = city_names()
    cities = []
    for prefix, levels in sorted(by_city.items()):
        region = region_of(prefix)
        if prefix not in names:
            continue  # the provincial centre sits at 440000000000, in no city
        cities.append(
            {
                "code": prefix,
                "name": names[prefix],
                "region": gettext(REGION_LABELS[region]) if region else "",
                "value": sum(levels.values()),
                **{level.value: levels.get(level.value, 0) for level in StationLevel},
            }
        )
    levels = Counter(level for _, level in stations.values_list("division_id", "level"))
    return {
        "open": sum(levels.values()),
        "east_west_north": stations.filter(in_east_west_north=True).count(),
        "by_level": [
            {"level": level.value, "label": str(level.label), "stations": levels.get(level.value, 0)}
            for level in StationLevel
        ],
        "cities": cities,
    }


# ---- the plan page ----------------------------------------------------------------------------


def measure_activities(user: Any) -> dict[str, list[MeasureActivity]]:
    """三(三)三是 (科技金融服务中心向县域延伸): the open network and its activities this year."""
    today = timezone.localdate()
    stations = ServiceStation.all_objects.filter(open_on(today))
    total = stations.count()
    if not total:
        return {}
    below_city = stations.exclude(level=StationLevel.CENTRE).count()
    activities = StationActivity.all_objects.filter(held_on__year=today.year).count()
    return {
        "三(三)三是": [
            MeasureActivity(
                label=gettext("科技金融服务中心及站点"),
                status=gettext("{n} 个运行中").format(n=total),
                detail=gettext(
                    "向县镇村延伸的站点 {below} 个，其中粤东西北 {ewn} 个；今年活动 {a} 场"
                ).format(
                    below=below_city,
                    ewn=stations.filter(in_east_west_north=True).count(),
                    a=activities,
                ),
                url=reverse("finance_stations:stations"),
            )
        ]
    }
