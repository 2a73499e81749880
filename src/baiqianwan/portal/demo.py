"""This app's part of `bqw demo`: demands farmers sent through the public portal, without an
account, to counties across the province — one waiting at the desk, others accepted, one returned
for more detail — so a county's triage desk and the portal's status page both have something to show.
Each demand prints its reference; the status page takes it with the mobile number 139 0000 01xx.

The 推广奖 nominations are reviewed by the centre call's pool and their provisional list goes into
公示, with three objections from the public: one waiting for the answer, one upheld and one not —
each can be looked up on the portal by its reference and the contact given."""

from __future__ import annotations

import random
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


# (name, contact, which listed nomination (index), reason, answer, upheld)
OBJECTIONS = (
    (
        "黄先生",
        "13802461357",
        0,
        "该成果在茂名的推广面积与我所了解的不符，推广证明中的部分镇当年并未种植，请核实推广应用证明。",
        "",
        None,
    ),
    (
        "某农业合作社",
        "0759-3312468",
        1,
        "提名材料中的经济效益数据引用了其他单位的统计，与本合作社的实际种植情况不一致，请核查。",
        "经核查，提名材料中 2024 年经济效益数据重复计算了合作社的种植面积，异议成立；"
        "已要求提名单位更正，效益按核实后的数据重新评定。",
        True,
    ),
    (
        "林某",
        "lin.objection@example.com",
        2,
        "反映该成果的主要完成人中有人未实际参与推广工作，请予以核查。",
        "经调阅推广工作记录并向应用地核实，所列完成人均参与了示范基地建设和技术培训，异议不成立，维持拟奖结果。",
        False,
    ),
)


def demo_award_publicity(rng: random.Random) -> dict[str, Any]:
    """The 推广奖 list in 公示 with three objections in their three states."""
    from baiqianwan.accounts.models import User
    from baiqianwan.calls import services as calls
    from baiqianwan.calls.demo import AWARD_TITLE
    from baiqianwan.calls.models import ApplicationStatus, Call, CallStatus, Objection
    from baiqianwan.reviews import services as reviews
    from baiqianwan.reviews.demo import score_all
    from baiqianwan.reviews.models import PoolMember

    call = Call.objects.filter(title=AWARD_TITLE).first()
    if call is None:
        return {"objections": 0}
    if call.status != CallStatus.CLOSED:
        return {"objections": Objection.objects.filter(call=call).count()}
    province = User.objects.get(username="gd_admin")
    reviewers = list(
        PoolMember.objects.exclude(call=call)
        .values_list("expert_id", flat=True)
        .distinct()
        .order_by("expert_id")
    )
    if not reviewers:
        return {"objections": 0}
    reviews.pool_add(acting_user=province, call_id=call.pk, expert_ids=reviewers, capacity=4)
    reviews.assignments_make(acting_user=province, call_id=call.pk)
    score_all(call, rng)
    reviews.provisional_apply(acting_user=province, call_id=call.pk, top=5)
    call = calls.publicity_start(acting_user=province, call_id=call.pk)
    listed = list(call.applications.filter(status=ApplicationStatus.PROVISIONAL).order_by("rank", "pk"))
    made = 0
    for name, contact, index, reason, answer, upheld in OBJECTIONS:
        if not listed:
            break
        objection = calls.objection_file(
            call_id=call.pk,
            application_id=listed[index % len(listed)].pk,
            name=name,
            contact=contact,
            reason=reason,
        )
        made += 1
        if upheld is not None:
            calls.objection_answer(
                acting_user=province, objection_id=objection.pk, answer=answer, upheld=upheld
            )
    return {"objections": made, "award_listed": len(listed)}
