"""This package's part of `bqw demo`, through the services: the provincial 科技金融服务中心 and a centre
in every city, stations reaching most counties and many towns of 粤东西北 (and a few villages), a few
in 珠三角 counties — 90 in all, registered by each city's bureau — with the activities they held."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from baiqianwan.accounts.demo import desk_user
from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.fakes import make_mobile
from baiqianwan.regions.classification import CITY_REGION, Region
from baiqianwan.regions.models import Division

from ..models import ActivityKind, ServiceStation, StationService
from . import services

STATIONS = 90
PRD_COUNTIES = 6
VILLAGES = 8
SURNAMES = "陈李张黄林刘吴何郑杨梁罗钟曾谢邓叶冯"
GIVEN = ["志强", "建华", "晓燕", "海涛", "丽萍", "文杰", "秀英", "国平"]
TITLES = {
    ActivityKind.FINANCING: "{place}科技型企业融资对接会",
    ActivityKind.POLICY: "{place}科技信贷风险补偿政策宣讲",
    ActivityKind.TRAINING: "{place}农业企业知识产权质押融资培训",
    ActivityKind.ROADSHOW: "{place}科技项目路演",
    ActivityKind.VISIT: "走访{place}科技型中小企业",
}


def _bureau(city: Division) -> User:
    user = User.objects.filter(role=Role.CITY, division=city, is_active=True).order_by("pk").first()
    return user or desk_user(Role.CITY, city)


def _services(rng: random.Random, base: list[str]) -> list[str]:
    extra = rng.sample(list(StationService.values), rng.randrange(1, 3))
    return sorted(set(base + extra), key=list(StationService.values).index)


def _station(
    rng: random.Random,
    user: User,
    place: Division,
    name: str,
    opened: dt.date,
    parent: Any = None,
    **values: Any,
) -> ServiceStation:
    return services.station_register(
        acting_user=user,
        division_code=place.code,
        name=name,
        parent_id=parent.pk if parent else None,
        contact=rng.choice(SURNAMES) + rng.choice(GIVEN),
        phone=make_mobile(rng),
        opened_on=opened,
        **values,
    )


@transaction.atomic
def demo_stations(rng: random.Random) -> dict[str, Any]:
    if ServiceStation.all_objects.exists():
        return {"stations": ServiceStation.all_objects.count()}
    today = timezone.localdate()
    province = User.objects.get(username="gd_admin")
    start = dt.date(2023, 7, 1)  # the plan's first year of work
    day = lambda low, high: low + dt.timedelta(days=rng.randrange(max(1, (high - low).days)))  # noqa: E731
    root = Division.objects.get(code="440000000000")
    provincial = _station(
        rng,
        province,
        root,
        "广东省科技金融综合服务中心",
        dt.date(2023, 7, 1),
        services=list(StationService.values),
    )
    made = [provincial]
    centres = {}
    for prefix in sorted(CITY_REGION):
        city = Division.objects.get(code=f"{prefix}00000000")
        centres[prefix] = _station(
            rng,
            _bureau(city),
            city,
            f"{city.name}科技金融服务中心",
            day(start, start + dt.timedelta(days=120)),
            parent=provincial,
            services=_services(rng, ["financing", "credit"]),
        )
        made.append(centres[prefix])
    ewn = [prefix for prefix, region in sorted(CITY_REGION.items()) if region != Region.PRD]
    prd = [prefix for prefix, region in sorted(CITY_REGION.items()) if region == Region.PRD]
    counties = [c for c in Division.objects.filter(level="county").order_by("code") if c.code[:4] in ewn]
    rng.shuffle(counties)
    left = STATIONS - len(made) - PRD_COUNTIES - VILLAGES
    county_count = min(len(counties), left * 3 // 5)
    for county in counties[:county_count]:
        centre = centres[county.code[:4]]
        made.append(
            _station(
                rng,
                _bureau(centre.division),
                county,
                f"{county.name}科技金融服务站",
                day(centre.opened_on, today - dt.timedelta(days=60)),
                parent=centre,
                services=_services(rng, ["credit"]),
            )
        )
    towns = []
    for county in counties[:county_count]:
        towns += [
            t
            for t in Division.objects.filter(parent=county, level="town").order_by("code")
            if 100 <= int(t.code[6:9]) <= 399
        ][:2]
    rng.shuffle(towns)
    for town in towns[: STATIONS - len(made) - PRD_COUNTIES - VILLAGES]:
        centre = centres[town.code[:4]]
        made.append(
            _station(
                rng,
                _bureau(centre.division),
                town,
                f"{town.name}科技金融服务站",
                day(centre.opened_on, today - dt.timedelta(days=30)),
                parent=centre,
                services=_services(rng, ["policy"]),
            )
        )
    served_towns = [s.division for s in made if s.level == "town"]
    for town in served_towns[:VILLAGES]:
        village = Division.objects.filter(parent=town, level="village").order_by("code").first()
        if village is None:
            continue
        centre = centres[town.code[:4]]
        made.append(
            _station(
                rng,
                _bureau(centre.division),
                village,
                f"{village.name}科技金融服务点",
                day(centre.opened_on, today - dt.timedelta(days=20)),
                parent=centre,
                services=["policy", "insurance"],
            )
        )
    prd_counties = [c for c in Division.objects.filter(level="county").order_by("code") if c.code[:4] in prd]
    for county in rng.sample(prd_counties, PRD_COUNTIES):
        centre = centres[county.code[:4]]
        made.append(
            _station(
                rng,
                _bureau(centre.division),
                county,
                f"{county.name}科技金融服务站",
                day(centre.opened_on, today - dt.timedelta(days=60)),
                parent=centre,
                services=_services(rng, ["financing"]),
            )
        )
    # Activities: the centres often, the stations now and then.
    for station in made:
        times = rng.randrange(3, 7) if station.level == "centre" else rng.randrange(0, 4)
        for _ in range(times):
            kind = rng.choice(list(TITLES))
            own = centres.get(station.division_id[:4])
            services.activity_record(
                acting_user=_bureau(own.division) if own else province,
                station_id=station.pk,
                held_on=day(station.opened_on, today),
                kind=kind,
                title=TITLES[kind].format(place=station.division.name),
                attendance=rng.randrange(15, 200),
                enterprises_served=rng.randrange(3, 40),
            )
    # A county station that moved: closed today, so it no longer counts.
    closed = next(s for s in made if s.level == "county")
    services.station_close(
        acting_user=_bureau(centres[closed.division_id[:4]].division), station_id=closed.pk, closed_on=today
    )
    return {
        "stations": ServiceStation.all_objects.count(),
        "east_west_north_open": int(services.east_west_north_stations_open()),
    }
