"""Demo dispatch round: real towns' needs, nominated experts, and the solved plan (not yet published)."""

from __future__ import annotations

from baiqianwan.accounts.models import User
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from . import services
from .models import DispatchRound

NEEDS = [
    ("441422100000", ["种植", "茶叶"], 3, "蜜柚黄龙病防控与茶园管理"),
    ("441881129000", ["茶叶", "信息化与电商"], 3, "英红九号加工与电商销售"),
    ("441422118000", ["种植"], 2, "金柚保果"),
    ("440825102000", ["水产", "种植"], 3, "对虾养殖与菠萝种植"),
    ("440515000000", ["养殖"], 2, "狮头鹅养殖"),
]
KEYWORD_FIELDS = [
    ("柚", "种植"),
    ("荔枝", "种植"),
    ("菠萝", "种植"),
    ("茶", "茶叶"),
    ("虾", "水产"),
    ("鹅", "养殖"),
    ("电商", "信息化与电商"),
    ("无人机", "农机装备"),
    ("烘干", "农机装备"),
    ("陈皮", "农产品加工"),
    ("南药", "南药"),
    ("污水", "生态环保"),
    ("土壤", "生态环保"),
    ("油茶", "种植"),
]


def demo_dispatch() -> None:
    province = User.objects.filter(username="gd_admin").first()
    if province is None or DispatchRound.all_objects.exists():
        return
    dispatch_round = services.round_create(acting_user=province, name="2025年第二批", year=2025)
    for code, fields, slots, note in NEEDS:
        town = Division.objects.filter(code=code, level="town").first()
        if town is not None:
            services.need_submit(
                acting_user=province,
                dispatch_round=dispatch_round,
                town=town,
                fields=fields,
                slots=slots,
                note=note,
            )
    for expert in ExpertProfile.all_objects.select_related("person", "person__organisation"):
        fields = sorted({field for word, field in KEYWORD_FIELDS if word in expert.keywords})
        if fields:
            services.nominate(
                acting_user=province, dispatch_round=dispatch_round, expert=expert, fields=fields
            )
    services.round_solve(acting_user=province, dispatch_round=dispatch_round)
