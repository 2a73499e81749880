"""This app's part of `bqw demo`: demands farmers sent through the public portal, without an
account, to counties across the province — one waiting at the desk, others accepted, one returned
for more detail — so a county's triage desk and the portal's status page both have something to show.
Each demand prints its reference; the status page takes it with the mobile number 139 0000 01xx."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from baiqianwan.demands import services as demands
from baiqianwan.demands.models import Demand
from baiqianwan.industries.models import Industry
from baiqianwan.regions.models import Division

# (place, what, details, contact, industry the desk files it under, what the desk does)
PUBLIC_DEMANDS = (
    (
        "441422100000",
        "沙糖桔黄龙病怎么防",
        "家里种了 30 亩沙糖桔，今年有十几棵叶子斑驳发黄，果子小，怀疑是黄龙病，想请专家来看看。",
        "陈伯",
        "FRUIT-CITRUS",
        "accept",
    ),
    (
        "440825104000",
        "香蕉枯萎病能不能换品种",
        "曲界镇种香蕉 20 亩，枯萎病越来越重，听说有抗病品种，想知道哪里能买到种苗。",
        "林姐",
        "FRUIT-BANANA",
        "accept",
    ),
    (
        "441881102000",
        "英德红茶夏秋茶怎么提高品质",
        "望埠镇茶园 50 亩，夏秋茶苦涩，卖不上价，想学加工工艺。",
        "黄老板",
        "TEA-BLACK",
        "accept",
    ),
    (
        "445103117000",
        "单丛茶园虫害多",
        "凤凰山上茶园茶小绿叶蝉多，不想多打农药，有没有绿色防控的办法？",
        "魏叔",
        "TEA-DANCONG",
        "",
    ),
    (
        "440981104000",
        "荔枝保鲜运不出去",
        "根子镇荔枝每年烂掉不少，想知道小农户能用的保鲜办法。",
        "梁生",
        "FRUIT-LYCHEE",
        "return",
    ),
    (
        "441721102000",
        "罗非鱼夏天死鱼",
        "塘口镇鱼塘 15 亩，一到夏天就死鱼，不知道是水质还是病害。",
        "何哥",
        "AQUA-TILAPIA",
        "accept",
    ),
)


@transaction.atomic
def demo_portal() -> dict[str, Any]:
    if Demand.all_objects.filter(public_reference__isnull=False).exists():
        return {"public_demands": Demand.all_objects.filter(public_reference__isnull=False).count()}
    from baiqianwan.accounts.demo import desk_user
    from baiqianwan.accounts.models import User
    from baiqianwan.accounts.roles import Role

    made = 0
    for index, (code, title, details, contact, industry, action) in enumerate(PUBLIC_DEMANDS):
        place = Division.objects.filter(code=code).first()
        if place is None:
            continue
        demand = demands.public_demand_submit(
            title=title,
            description=details,
            division=place,
            contact_name=contact,
            contact_phone=f"139000001{index:02d}",
        )
        made += 1
        if not action:
            continue
        county = User.objects.filter(
            role=Role.COUNTY, division_id=f"{code[:6]}000000", is_active=True
        ).first()
        desk = county or desk_user(Role.COUNTY, Division.objects.get(code=f"{code[:6]}000000"))
        if action == "accept":
            demands.demand_transition(
                demand_id=demand.pk,
                action="accept",
                acting_user=desk,
                industry=Industry.objects.get(code=industry),
            )
        else:
            demands.demand_transition(
                demand_id=demand.pk,
                action="return",
                acting_user=desk,
                note="请补充果园所在的村和每年的产量，便于安排专家上门",
            )
    return {"public_demands": made}
