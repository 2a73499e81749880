"""Writes of the service network: a bureau registers a 科技金融服务中心 or a station in its own region
(its level follows the division's), edits it, closes it; the bureau or the host unit records the
activities it held. Each write is one transaction, version-checked, kept in the audit log; bad
input is named by field, in Chinese, with nothing stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.concurrency import version_check
from baiqianwan.core.selectors import valid_id
from baiqianwan.orgs.models import Organisation, OrganisationKind
from baiqianwan.regions import inputs
from baiqianwan.regions.classification import PROVINCE_CODE, is_east_west_north
from baiqianwan.regions.models import Division

from ..models import ActivityKind, ServiceStation, StationActivity, StationLevel, StationService
from . import rules

# The level of a station follows the level of the division it is in.
LEVEL_OF_DIVISION = {
    "province": StationLevel.CENTRE,
    "city": StationLevel.CENTRE,
    "county": StationLevel.COUNTY,
    "town": StationLevel.TOWN,
    "village": StationLevel.VILLAGE,
}
MAX_ATTENDANCE = 100_000
MAX_ENTERPRISES = 10_000


def _parent(acting_user: Any, parent_id: Any, division: Division, level: str) -> ServiceStation | None:
    """The centre a station belongs to: an open centre of the same city (a city's centre may belong
    to the provincial one)."""
    if parent_id in (None, ""):
        return None
    parent = (
        ServiceStation.objects.for_user(acting_user).select_related("division").filter(pk=parent_id).first()
        if valid_id(parent_id)
        else None
    )
    if parent is None:
        raise ValidationError({"parent": gettext("找不到该服务中心，或您无权查看")})
    if parent.level != StationLevel.CENTRE:
        raise ValidationError(
            {
                "parent": gettext("“{name}”是{level}，所属单位须是科技金融服务中心").format(
                    name=parent.name, level=parent.get_level_display()
                )
            }
        )
    if parent.closed_on is not None:
        raise ValidationError({"parent": gettext("服务中心“{name}”已撤销").format(name=parent.name)})
    if level == StationLevel.CENTRE:
        if parent.division_id != PROVINCE_CODE or division.code == PROVINCE_CODE:
            raise ValidationError({"parent": gettext("地市服务中心只能隶属于省级科技金融服务中心")})
    elif parent.division_id[:4] != division.code[:4]:
        raise ValidationError(
            {
                "parent": gettext("服务中心“{name}”在{where}，站点须隶属于所在地市的服务中心").format(
                    name=parent.name, where=parent.division.full_name
                )
            }
        )
    return parent


def host_choices(acting_user: Any) -> QuerySet[Organisation]:
    """Who may run a station: a unit of the bureau's region, or any bank or fund (they serve the
    whole province through their branches)."""
    visible = Organisation.objects.for_user(acting_user).values("pk")
    return Organisation.all_objects.filter(
        Q(pk__in=visible) | Q(kind__in=(OrganisationKind.BANK, OrganisationKind.FUND)), is_active=True
    )


def _host(acting_user: Any, host_id: Any) -> Organisation | None:
    if host_id in (None, ""):
        return None
    host = host_choices(acting_user).filter(pk=host_id).first() if valid_id(host_id) else None
    if host is None:
        raise ValidationError({"host": gettext("找不到该运营单位，或它不在您的管辖范围内")})
    return host


def _values(station: ServiceStation, acting_user: Any, values: dict[str, Any]) -> None:
    if "name" in values:
        station.name = inputs.text(values["name"], "name", gettext("名称"), 120, required=True, min_length=4)
    if "host_id" in values:
        station.host = _host(acting_user, values["host_id"])
    if "services" in values:
        station.services = inputs.choices(
            values["services"], "services", gettext("服务内容"), StationService.choices
        )
    if "contact" in values:
        station.contact = inputs.text(values["contact"], "contact", gettext("联系人"), 40)
    if "phone" in values:
        station.phone = inputs.phone(values["phone"])
    if "opened_on" in values:
        station.opened_on = inputs.past_date(values["opened_on"], "opened_on", gettext("设立日期"))
    if "is_public" in values and values["is_public"] is not None:
        station.is_public = bool(values["is_public"])


def _unique_name(station: ServiceStation) -> None:
    taken = (
        ServiceStation.all_objects.filter(division_id=station.division_id, name=station.name)
        .exclude(pk=station.pk)
        .exists()
    )
    if taken:
        raise ValidationError({"name": gettext("同一地方已有名为“{name}”的站点").format(name=station.name)})


@transaction.atomic
def station_register(
    *,
    acting_user: Any,
    division_code: Any,
    parent_id: Any = None,
    **values: Any,
) -> ServiceStation:
    """A bureau registers a centre (at its city, or the province's) or a station at a county, town
    or village of its region. ``values``: name, host_id, services, contact, phone, opened_on, is_public."""
    if not rules.can_register(acting_user):
        raise PermissionDenied(gettext("只有省科技厅和地市、县（市、区）科技部门可以登记服务中心和站点"))
    place = inputs.division(division_code, "division", gettext("所在地"))
    if not rules.covers(acting_user, place.code):
        raise ValidationError(
            {
                "division": gettext("{where}不在您的管辖范围内，只能在本地区登记站点").format(
                    where=place.full_name
                )
            }
        )
    level = LEVEL_OF_DIVISION[place.level]
    station = ServiceStation(division=place, level=level, created_by=acting_user)
    _values(station, acting_user, {"name": "", "services": [], "opened_on": None, **values})
    station.parent = _parent(acting_user, parent_id, place, level)
    if station.parent is not None and station.parent.opened_on > station.opened_on:
        raise ValidationError(
            {
                "opened_on": gettext("设立日期早于所属服务中心的设立日期（{date}）").format(
                    date=station.parent.opened_on
                )
            }
        )
    station.in_east_west_north = is_east_west_north(place.code)
    _unique_name(station)
    station.full_clean(exclude=["division", "parent", "host", "created_by"])
    station.save()
    return station


def _locked(acting_user: Any, station_id: Any, version: int | None) -> ServiceStation:
    station = (
        ServiceStation.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .select_related("division", "parent")
        .filter(pk=station_id)
        .first()
        if valid_id(station_id)
        else None
    )
    if station is None:
        raise PermissionDenied(gettext("找不到该站点，或您无权修改"))
    if not rules.covers(acting_user, station.division_id):
        raise PermissionDenied(gettext("只有站点所在地的科技部门可以修改站点"))
    version_check(current=station.version, expected=version)
    return station


@transaction.atomic
def station_update(
    *, acting_user: Any, station_id: Any, version: int | None = None, **values: Any
) -> ServiceStation:
    """The bureau corrects an open station: name, host, services, contact, opened date, visibility.
    Its place and level stay: a station that moves is closed and registered again."""
    station = _locked(acting_user, station_id, version)
    if station.closed_on is not None:
        raise ValidationError(gettext("站点已于 {date} 撤销，不能再修改").format(date=station.closed_on))
    _values(station, acting_user, values)
    first_activity = station.activities.order_by("held_on").values_list("held_on", flat=True).first()
    if first_activity is not None and station.opened_on > first_activity:
        raise ValidationError(
            {"opened_on": gettext("设立日期晚于站点最早的活动日期（{date}）").format(date=first_activity)}
        )
    _unique_name(station)
    station.full_clean(exclude=["division", "parent", "host", "created_by"])
    station.version += 1
    station.save()
    return station


@transaction.atomic
def station_close(
    *, acting_user: Any, station_id: Any, closed_on: Any, version: int | None = None
) -> ServiceStation:
    """The bureau closes a station (撤销); a centre with open stations under it stays open."""
    station = _locked(acting_user, station_id, version)
    if station.closed_on is not None:
        raise ValidationError(gettext("站点已于 {date} 撤销").format(date=station.closed_on))
    day = inputs.past_date(
        closed_on,
        "closed_on",
        gettext("撤销日期"),
        earliest=station.opened_on,
        earliest_label=gettext("设立日期"),
    )
    still_open = station.stations.filter(closed_on__isnull=True).count()
    if still_open:
        raise ValidationError(
            {"closed_on": gettext("其下还有 {n} 个站点在运行，请先撤销或改隶这些站点").format(n=still_open)}
        )
    station.closed_on = day
    station.version += 1
    station.save(update_fields=["closed_on", "version", "updated_at"])
    return station


@transaction.atomic
def activity_record(
    *,
    acting_user: Any,
    station_id: Any,
    held_on: Any,
    kind: Any,
    title: Any,
    attendance: Any = 0,
    enterprises_served: Any = 0,
    note: Any = "",
) -> StationActivity:
    """The station's bureau or host unit records an activity held while the station was open."""
    station = (
        ServiceStation.objects.for_user(acting_user).filter(pk=station_id).first()
        if valid_id(station_id)
        else None
    )
    if station is None:
        raise PermissionDenied(gettext("找不到该站点，或您无权查看"))
    if not rules.can_record_activity(acting_user, station):
        raise PermissionDenied(gettext("只有站点所在地的科技部门或运营单位可以登记活动"))
    day = inputs.past_date(
        held_on,
        "held_on",
        gettext("活动日期"),
        earliest=station.opened_on,
        earliest_label=gettext("站点设立日期"),
    )
    if station.closed_on is not None and day > station.closed_on:
        raise ValidationError(
            {
                "held_on": gettext("站点已于 {date} 撤销，活动日期不能晚于撤销日期").format(
                    date=station.closed_on
                )
            }
        )
    activity = StationActivity(
        station=station,
        held_on=day,
        kind=inputs.choice(kind, "kind", gettext("活动类型"), ActivityKind.choices),
        title=inputs.text(title, "title", gettext("主题"), 120, required=True, min_length=4),
        attendance=inputs.count(attendance, "attendance", gettext("参加人数"), MAX_ATTENDANCE),
        enterprises_served=inputs.count(
            enterprises_served, "enterprises_served", gettext("服务企业数"), MAX_ENTERPRISES
        ),
        note=inputs.text(note, "note", gettext("说明"), 500),
        recorded_by=acting_user,
    )
    activity.full_clean(exclude=["station", "recorded_by"])
    activity.save()
    return activity


# ---- the KPI ----------------------------------------------------------------------------------


def open_on(day: dt.date) -> Q:
    """Stations open on the day: opened by then and not closed by then."""
    return Q(opened_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def east_west_north_stations_open() -> float:
    """KPI-EWN-FIN-CENTRES: centres and stations of every level open today in 粤东西北."""
    today = timezone.localdate()
    return float(ServiceStation.all_objects.filter(open_on(today), in_east_west_north=True).count())
