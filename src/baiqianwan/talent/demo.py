"""This app's part of `bqw demo`, through the services: 50 county research outposts of Guangdong's
agricultural universities and institutes (most in 粤东西北), with their yearly results and a few people
named on site; 120 致富带头人 registered by the commissioners serving their counties, with yearly
reports; 6 农业科技致富共同体; about 40 talent-programme selections recorded by the province."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.fakes import make_mobile
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.classification import CITY_REGION, Region
from baiqianwan.regions.models import Division

from . import services
from .models import Leader, LeaderGroup, Outpost, OutpostKind, TalentSelection

OUTPOSTS = 50
PRD_OUTPOSTS = 8
LEADERS = 120
GROUPS = 6
SELECTIONS = 40
# The hosts, by name in the organisations' demo, with what their outposts work on.
HOSTS = {
    "华南农业大学": ["荔枝龙眼栽培", "柑橘黄龙病防控", "水稻育种", "生猪健康养殖"],
    "广东省农业科学院": ["茶叶加工", "蔬菜育种", "南药种植", "果树栽培"],
    "仲恺农业工程学院": ["园艺", "农产品加工", "农村电商"],
    "广东海洋大学": ["水产养殖", "海洋生物", "对虾育苗"],
    "嘉应学院": ["客家特色农业", "南药种植", "蜜柚深加工"],
    "韶关学院": ["林下经济", "生态修复", "高山茶"],
    "广东省科学院": ["生物工程", "智能制造"],
    "广东省现代农业装备研究所": ["丘陵山地农机", "智慧农业"],
    "梅州市农林科学院": ["柚类栽培", "病虫害防控"],
}
NAMES = {
    OutpostKind.INSTITUTE: "{host}{county}{field}研究院",
    OutpostKind.STATION: "{host}{county}{field}工作站",
    OutpostKind.EXPERIMENT: "{host}{county}{field}试验站",
    OutpostKind.BRANCH: "{host}{county}{field}分中心",
}
SURNAMES = "陈李张黄林刘吴何郑杨梁罗钟曾谢邓叶冯温古"
GIVEN = ["志强", "建华", "晓燕", "海涛", "丽萍", "文杰", "秀英", "国平", "伟明", "桂兰", "振华", "美玲"]
INDUSTRIES = [
    "蜜柚种植",
    "茶叶",
    "南药",
    "荔枝",
    "稻渔综合种养",
    "生猪养殖",
    "食用菌",
    "百香果",
    "水产养殖",
    "乡村民宿",
]
PROGRAMMES = ["广东特支计划", "扬帆计划", "乡村振兴人才", "珠江人才计划", "粤东粤西粤北创新团队"]


def _commissioner(county: Division, rng: random.Random) -> User:
    """A commissioner account serving the county (bound to it): the demo's own login in 大埔县,
    otherwise a desk account that cannot sign in."""
    found = (
        User.objects.filter(role=Role.COMMISSIONER, division=county, is_active=True).order_by("pk").first()
    )
    if found is not None:
        return found
    user = User(
        username=f"desk_commissioner_{county.code[:6]}",
        display_name=f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}（科技特派员）",
        role=Role.COMMISSIONER,
        division=county,
    )
    user.set_unusable_password()
    user.save()
    return user


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


@transaction.atomic
def demo_talent(rng: random.Random) -> dict[str, Any]:
    if Outpost.all_objects.exists():
        return _counts()
    today = timezone.localdate()
    province = User.objects.get(username="gd_admin")
    hosts = list(Organisation.all_objects.filter(name__in=list(HOSTS)).order_by("name"))
    day = lambda low, high: low + dt.timedelta(days=rng.randrange(max(1, (high - low).days)))  # noqa: E731
    counties = list(Division.objects.filter(level="county").order_by("code"))
    ewn = [c for c in counties if CITY_REGION.get(c.code[:4]) not in (None, Region.PRD)]
    prd = [c for c in counties if CITY_REGION.get(c.code[:4]) == Region.PRD and not c.name.endswith("区")]
    rng.shuffle(ewn)
    rng.shuffle(prd)
    places = ewn[: OUTPOSTS - PRD_OUTPOSTS] + (prd or counties)[:PRD_OUTPOSTS]
    made: list[Outpost] = []
    for n, county in enumerate(places):
        host = hosts[n % len(hosts)]
        kind = rng.choice(list(OutpostKind))
        field = rng.choice(HOSTS[host.name])
        people = list(Person.all_objects.filter(organisation=host).order_by("pk")[:3])
        opened = day(dt.date(2023, 7, 1), today - dt.timedelta(days=90))
        outpost = services.outpost_register(
            acting_user=province,
            county_code=county.code,
            host_id=host.pk,
            name=NAMES[kind].format(host=host.name, county=county.name, field=field)[:120],
            kind=kind,
            fields=field,
            staff_on_site=rng.randrange(2, 16),
            staff_ids=[p.pk for p in rng.sample(people, min(len(people), rng.randrange(0, 3)))],
            partner=f"{county.name}人民政府",
            agreement_signed_on=opened - dt.timedelta(days=rng.randrange(10, 60)),
            agreement_years=rng.choice([3, 5, 5, 10]),
            opened_on=opened,
        )
        made.append(outpost)
        for year in range(opened.year, today.year + 1):
            services.outpost_result_record(
                acting_user=province,
                outpost_id=outpost.pk,
                year=year,
                demands_solved=rng.randrange(1, 20),
                achievements_transferred=rng.randrange(0, 8),
                people_trained=rng.randrange(30, 600),
                summary=f"围绕{field}开展技术服务和培训",
            )
    # Two outposts moved: closed, so they no longer count.
    for outpost in made[-2:]:
        services.outpost_close(acting_user=province, outpost_id=outpost.pk, closed_on=today)
    # 致富带头人: in the villages of 20 counties of 粤东西北, registered by each county's commissioner.
    leader_counties = [Division.objects.get(code="441422000000"), *ewn[:19]]
    leaders: list[Leader] = []
    mobiles: set[str] = set()
    for n in range(LEADERS):
        county = leader_counties[n % len(leader_counties)]
        villages = list(
            Division.objects.filter(level="village", code__startswith=county.code[:6]).order_by("code")[:40]
        )
        village = rng.choice(villages) if villages else None
        if village is None:
            continue
        mobile = make_mobile(rng)
        while mobile in mobiles:
            mobile = make_mobile(rng)
        mobiles.add(mobile)
        industry = rng.choice(INDUSTRIES)
        consent = day(dt.date(2023, 9, 1), today - dt.timedelta(days=30))
        leader = services.leader_register(
            acting_user=_commissioner(county, rng),
            consent=True,
            consent_on=consent,
            name=_name(rng),
            mobile=mobile,
            division_code=village.code,
            industry=industry,
            enterprise_name=f"{village.name}{industry}专业合作社" if rng.random() < 0.7 else "",
            note="科技特派员提供品种、技术和销售渠道对接",
        )
        leaders.append(leader)
        for year in range(consent.year, today.year + 1):
            services.leader_report(
                acting_user=leader.commissioner,
                leader_id=leader.pk,
                year=year,
                jobs_created=rng.randrange(2, 40),
                income_effect=Decimal(rng.randrange(50_000, 3_000_000)).quantize(Decimal("0.01")),
            )
    # 农业科技致富共同体: four led by a commissioner, two by an institute.
    for n in range(GROUPS):
        county = leader_counties[n]
        members = [leader for leader in leaders if leader.division_id.startswith(county.code[:6])]
        industry = members[0].industry if members else rng.choice(INDUSTRIES)
        if n < 4:
            commissioner = _commissioner(county, rng)
            services.group_create(
                acting_user=commissioner,
                name=f"{county.name}{industry}农业科技致富共同体",
                county_code=county.code,
                industry=industry,
                founded_on=day(dt.date(2024, 1, 1), today - dt.timedelta(days=10)),
                member_ids=[m.pk for m in members if m.commissioner_id == commissioner.pk],
            )
        else:
            services.group_create(
                acting_user=province,
                name=f"{hosts[n].name}{county.name}致富共同体",
                county_code=county.code,
                industry=industry,
                founded_on=day(dt.date(2024, 1, 1), today - dt.timedelta(days=10)),
                member_ids=[m.pk for m in members],
                lead_organisation_id=hosts[n].pk,
            )
    # Talent-programme selections: researchers of the hosts and others, most serving a county.
    people = list(Person.all_objects.order_by("pk")[:200])
    rng.shuffle(people)
    for person in people[:SELECTIONS]:
        served = rng.choice(places) if rng.random() < 0.8 else None
        services.selection_record(
            acting_user=province,
            person_id=person.pk,
            programme=rng.choice(PROGRAMMES),
            year=rng.choice([today.year - 1, today.year, today.year]),
            county_code=served.code if served else None,
        )
    return _counts()


def _counts() -> dict[str, Any]:
    return {
        "outposts": Outpost.all_objects.count(),
        "outposts_open": int(services.outposts_open()),
        "leaders": Leader.all_objects.count(),
        "groups": LeaderGroup.all_objects.count(),
        "selections": TalentSelection.all_objects.count(),
    }
