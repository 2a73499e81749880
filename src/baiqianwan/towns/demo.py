"""This app's part of `bqw demo`, through the services: a register of real towns with their leading
industries — 珠三角 towns strong in processing, equipment and markets, 粤东西北 towns with specialty
crops and their needs — certified, under review, rectifying and in cultivation; the pairs the
engine proposes and the province confirms; and what some pairs have done together."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from baiqianwan.accounts.demo import desk_user
from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services as calls
from baiqianwan.calls.demo import DEMO_PDF
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus
from baiqianwan.core.fakes import make_uscc
from baiqianwan.indicators.acceptance import selectors as acceptance
from baiqianwan.indicators.collection.models import Submission, SubmissionStatus
from baiqianwan.indicators.demo_acceptance import demo_towns as acceptance_towns
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.regions.models import Division

from . import services
from .models import InnovativeTown, TownPair, TownReview, TownStatus

# (town code, leading industry, GB/T 4754 codes, products, platforms, enterprises, strengths, needs, status)
TOWNS = [
    (
        "442000118000",
        "五金与智能装备",
        "C3489, C3311",
        "智能锁 五金制品 包装机械",
        18,
        160,
        "智能装备研发 自动化生产线 工业设计",
        "",
        "certified",
    ),
    (
        "442000105000",
        "灯饰照明",
        "C3872",
        "灯饰 照明器具 智能照明",
        12,
        120,
        "照明设计 电商 标准制定",
        "",
        "certified",
    ),
    (
        "441900113000",
        "毛织服装",
        "C1721, C1830",
        "毛织 针织服装",
        9,
        80,
        "纺织工艺 品牌设计 检测认证",
        "",
        "certified",
    ),
    (
        "440606102000",
        "家电制造",
        "C3851, C3856",
        "家用电器 小家电",
        25,
        210,
        "家电研发 智能控制 质量检测",
        "",
        "reviewing",
    ),
    (
        "440705001000",
        "陈皮与柑橘加工",
        "A0152, C1495, C1530",
        "新会陈皮 柑普茶 柑橘 保鲜 加工",
        11,
        45,
        "柑橘类加工 陈化仓储 品质检测 电商品牌 冷链保鲜",
        "",
        "certified",
    ),
    (
        "440117113000",
        "岭南水果与蔬菜",
        "A0153, A0141",
        "荔枝 蔬菜 保鲜 冷链",
        6,
        30,
        "采后保鲜 冷链物流 农产品电商",
        "",
        "certified",
    ),
    (
        "440705104000",
        "柑橘种植与陈皮",
        "A0152",
        "柑橘 陈皮 茶枝柑",
        4,
        18,
        "柑橘良种 绿色防控 品质检测",
        "",
        "certified",
    ),
    (
        "440606004000",
        "水产养殖与加工",
        "A0412, C1361",
        "鳗鱼 鱼糜 水产 加工 冷冻",
        7,
        40,
        "水产健康养殖 鱼病防控 水产品加工",
        "",
        "certified",
    ),
    (
        "441204114000",
        "花卉苗木",
        "A0143",
        "花卉 盆栽 苗木",
        5,
        22,
        "花卉育种 组培 设施栽培",
        "",
        "rectifying",
    ),
    (
        "441422100000",
        "蜜柚种植与加工",
        "A0152, C1371",
        "蜜柚 柚果 加工 柚子茶",
        3,
        6,
        "",
        "柚果保鲜 精深加工 黄龙病防控 电商品牌",
        "cultivating",
    ),
    (
        "441403100000",
        "金柚与客家食品",
        "A0152, C1495",
        "金柚 柚子 客家腌制品",
        2,
        4,
        "",
        "柚果 加工 品质检测 冷链",
        "certified",
    ),
    (
        "441881129000",
        "英红九号红茶",
        "A0164, C1530",
        "红茶 英红九号 茶叶加工",
        3,
        8,
        "",
        "茶叶加工 品质检测 电商品牌 标准",
        "certified",
    ),
    (
        "440825104000",
        "菠萝种植与加工",
        "A0151, C1371",
        "菠萝 菠萝罐头 果汁",
        2,
        5,
        "",
        "保鲜 冷链 加工 电商",
        "certified",
    ),
    (
        "440515102000",
        "狮头鹅养殖与加工",
        "A0321, C1352",
        "狮头鹅 卤鹅 禽肉加工",
        2,
        7,
        "",
        "疫病防控 冷链 加工 品牌",
        "certified",
    ),
    (
        "440982116000",
        "化橘红",
        "A0170, C2740",
        "化橘红 南药 饮片",
        2,
        9,
        "",
        "加工 品质检测 标准 电商",
        "reviewing",
    ),
    (
        "445103117000",
        "单丛茶",
        "A0164, C1530",
        "单丛茶 凤凰单丛 茶叶加工",
        3,
        10,
        "",
        "茶叶加工 标准 电商品牌 检测",
        "certified",
    ),
    ("441625103000", "油茶", "A0163, C1331", "油茶 茶油", 1, 3, "", "低产林改造 加工 品牌", "certified"),
    (
        "440205100000",
        "优质稻",
        "A0111, C1310",
        "丝苗米 大米加工",
        2,
        4,
        "",
        "品种 机械化 加工 品牌",
        "certified",
    ),
    ("441781106000", "蚕桑", "A0190, C1741", "蚕茧 桑叶 丝绸", 1, 2, "", "蚕病防控 缫丝 加工", "rectifying"),
    ("445322112000", "无核黄皮", "A0159", "无核黄皮 黄皮干", 1, 3, "", "保鲜 加工 冷链 电商", "certified"),
    ("440825108000", "菠萝与香蕉", "A0151", "菠萝 香蕉", 1, 3, "", "保鲜 冷链 电商", "certified"),
    ("441881110000", "麻竹笋", "A0220, C1371", "麻竹笋 笋干 罐头", 1, 4, "", "加工 保鲜 电商", "reviewing"),
    ("441521103000", "食品加工", "C1391", "糕点 腌制食品", 1, 5, "", "食品检测 工艺", "cultivating"),
    ("445203108000", "竹笋与蔬菜", "A0220, A0141", "竹笋 蔬菜", 0, 1, "", "保鲜 加工", "cultivating"),
]

ACTIVITIES = [
    (
        "research",
        "柚果保鲜与精深加工共性技术联合攻关",
        "双方企业与省农科院共建柚果加工中试线，联合开展保鲜和柚皮综合利用技术研发。",
        "形成柚子茶新工艺 1 项，中试线年处理柚果 2000 吨",
    ),
    (
        "model",
        "“陈皮+电商”模式现场学习",
        "组织湖寮镇合作社和企业到新会考察陈皮仓储、品牌和电商运营模式。",
        "3 家合作社开通电商渠道",
    ),
    (
        "standard",
        "柑橘类产品团体标准联动",
        "共同起草柚果、柑橘类初加工产品团体标准，统一分级和包装。",
        "团体标准草案 1 项",
    ),
]


@transaction.atomic
def demo_towns() -> dict[str, int]:
    province = User.objects.get(username="gd_admin")
    certified = dt.date(2023, 12, 20)
    for code, industry, codes, products, platforms, enterprises, strengths, needs, status in TOWNS:
        if not Division.objects.filter(pk=code).exists():
            continue
        services.town_register(
            acting_user=province,
            division_code=code,
            status=status,
            certified_on=None if status == TownStatus.CULTIVATING else certified,
            valid_until=None if status == TownStatus.CULTIVATING else dt.date(2026 + 3, 12, 19),
            leading_industry=industry,
            industry_codes=codes,
            products=products,
            platforms=platforms,
            enterprises=enterprises,
            strengths=strengths,
            needs=needs,
        )
    proposal, _towns = services.pairing_propose(acting_user=province)
    best = sorted(proposal.pairs, key=lambda p: -p.score)[:8]
    created = services.pairs_confirm(acting_user=province, pairs=[f"{p.pearl}-{p.ewn}" for p in best])
    for index, pair in enumerate(created[:3]):
        kind, title, summary, results = ACTIVITIES[index]
        services.activity_record(
            acting_user=province,
            pair_id=pair.pk,
            kind=kind,
            title=title,
            held_on=dt.date(2026, 3 + 2 * index, 15),
            summary=summary,
            results=results,
        )
    managed = demo_annual_management(province)
    certified_2025 = demo_certification_2025(province)
    demo_certification_call(province)
    return {
        "towns": InnovativeTown.all_objects.count(),
        "pairs": TownPair.all_objects.count(),
        "managed": managed,
        "certified_2025": certified_2025,
    }


# Each city's best-known specialty industry, and its GB/T 4754 codes: the leading industry of the
# demo towns that have no hand-written profile above.
CITY_INDUSTRIES = {
    "4401": ("花卉园艺", "A0143"),
    "4402": ("优质稻米种植与加工", "A0111, C1311"),
    "4403": ("电子信息", "C3971"),
    "4404": ("水产养殖与加工", "A0412, C1361"),
    "4405": ("玩具创意", "C2452"),
    "4406": ("家具制造", "C2110"),
    "4407": ("陈皮与柑橘加工", "A0152, C1371"),
    "4408": ("菠萝种植与加工", "A0151, C1371"),
    "4409": ("荔枝龙眼种植与加工", "A0151, C1371"),
    "4412": ("南药种植与加工", "A0171, C2740"),
    "4413": ("梅菜种植与加工", "A0141, C1461"),
    "4414": ("金柚种植与加工", "A0152, C1371"),
    "4415": ("海水养殖", "A0411"),
    "4416": ("茶叶种植与加工", "A0164, C1530"),
    "4417": ("五金刀剪", "C3324"),
    "4418": ("红茶种植与加工", "A0164, C1530"),
    "4419": ("毛织服装", "C1721"),
    "4420": ("灯饰照明", "C3872"),
    "4451": ("单丛茶与陶瓷", "A0164, C3074"),
    "4452": ("不锈钢制品", "C3381"),
    "4453": ("石材加工", "C3032"),
}


def _industry(code: str) -> tuple[str, str]:
    return CITY_INDUSTRIES.get(code[:4], ("特色农产品加工", "C1371"))


@transaction.atomic
def demo_annual_management(province: User) -> int:
    """The towns with acceptance returns are 2023's certified towns; six have their 2025
    conclusion: the good ones pass (one its final acceptance, renewed), the 不合格 rectify."""
    codes = [c for c in acceptance_towns() if not InnovativeTown.all_objects.filter(division_id=c).exists()]
    reported = dict(
        Submission.all_objects.filter(
            dataset__code=acceptance.DATASET_CODE,
            period="2025",
            status=SubmissionStatus.APPROVED,
            unit_id__in=codes,
        ).values_list("unit_id", "values")
    )
    for code in codes:
        industry, industry_codes = _industry(code)
        values = reported.get(code) or {}
        services.town_register(
            acting_user=province,
            division_code=code,
            status=TownStatus.CERTIFIED,
            certified_on=dt.date(2023, 12, 20),
            valid_until=dt.date(2026, 12, 19),
            leading_industry=industry,
            industry_codes=industry_codes,
            products=industry,
            platforms=int(values.get("provincial_platforms") or 0)
            + int(values.get("public_service_platforms") or 0),
            enterprises=int(values.get("hnte") or 0),
        )
    rows = {row.code: row for row in acceptance.evaluate(year="2025").towns if row.status == "scored"}
    chosen = [c for c in codes if c in rows][:6]
    for index, code in enumerate(chosen):
        row = rows[code]
        town = InnovativeTown.all_objects.get(division_id=code)
        failing = row.grade == services.FAILING_GRADE
        kind = "final" if index == 0 and not failing else ("midterm" if index == 1 else "annual")
        services.town_review_record(
            acting_user=province,
            town_id=town.pk,
            year=2025,
            kind=kind,
            outcome="rectify" if failing else "pass",
            note="验收评价不合格，限期一年整改，重点补齐研发投入和平台建设。"
            if failing
            else "年度建设任务按计划推进，同意通过。",
        )
    return TownReview.objects.count()


CERTIFICATION_APPLICANTS = 30
CERTIFIED = 18


def _applicant_towns(count: int) -> list[Division]:
    """Towns (镇, not urban 街道) not yet in the register, taken a few from each city in turn."""
    taken = set(InnovativeTown.all_objects.values_list("division_id", flat=True))
    pools = [
        list(
            Division.objects.filter(level="town", code__startswith=prefix, name__endswith="镇")
            .exclude(code__in=taken)
            .order_by("code")[:12:6]
        )
        for prefix in sorted(CITY_INDUSTRIES)
    ]
    out: list[Division] = []
    while len(out) < count and any(pools):
        for pool in pools:
            if pool and len(out) < count:
                out.append(pool.pop(0))
    return out


def _town_government(rng: random.Random, town: Division) -> None:
    Organisation.all_objects.get_or_create(
        name=f"{town.parent.name if town.parent else ''}{town.name}人民政府",
        defaults={
            "kind": "government",
            "division": town,
            "uscc": make_uscc(rng, kind="government", division_code=town.code),
        },
    )


def _certification_values(rng: random.Random, town: Division) -> dict[str, object]:
    industry, industry_codes = _industry(town.code)
    ewn = is_east_west_north(town.code)
    output = rng.uniform(150000, 1200000)
    return {
        "leading_industry": industry,
        "industry_codes": industry_codes,
        "products": industry,
        "above_scale_enterprises": rng.randint(30, 200),
        "hnte": rng.randint(6 if ewn else 11, 40),
        "rd_spend": f"{output * rng.uniform(0.008, 0.02):.2f}",
        "industrial_output": f"{output:.2f}",
        "provincial_platforms": rng.randint(1, 6),
        "public_service_platforms": rng.randint(0, 3),
        "leading_industry_output": f"{output * rng.uniform(0.35, 0.7):.2f}",
        "tech_contract_value": f"{rng.uniform(200, 5000):.2f}",
        "achievements_transferred": rng.randint(2, 20),
        "rd_staff": rng.randint(100, 1500),
        "plan": f"围绕{industry}全产业链，建设公共技术创新服务平台，推进产学研合作和技术改造，三年内高新技术企业数量翻一番。",
    }


@transaction.atomic
def demo_certification_2025(province: User) -> int:
    """The 2025 认定: 30 towns applied through their governments, their counties recommended
    them, the province checked them, and the 18 best were certified after the 公示."""
    rng = random.Random(20251218)
    now = timezone.now()
    call = calls.call_create(
        acting_user=province,
        call_type_code="innovative_town",
        title="2025年度广东省创新型专业镇认定",
        year=2025,
        guide="由镇（街道）申报，县、市科技部门推荐。按企业发展、平台建设、产业集聚、科技成果转化、人才建设五个方面"
        "填报建设基础和三年目标。认定后列入创新型专业镇名录，有效期三年。",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        places=CERTIFIED,
    )
    calls.call_publish(acting_user=province, call_id=call.pk)
    applications: list[Application] = []
    for town in _applicant_towns(CERTIFICATION_APPLICANTS):
        _town_government(rng, town)
        applicant = desk_user(Role.TOWN, town)
        application = calls.application_create(
            acting_user=applicant,
            call_id=call.pk,
            title=f"{town.name}创新型专业镇（{_industry(town.code)[0]}）",
            values=_certification_values(rng, town),
        )
        calls.application_attach(
            acting_user=applicant,
            application_id=application.pk,
            spec="plan_document",
            name="建设方案.pdf",
            data=DEMO_PDF,
        )
        calls.application_submit(acting_user=applicant, application_id=application.pk)
        county = town.parent if town.parent is not None else town
        calls.application_step(
            acting_user=desk_user(Role.COUNTY if county.level == "county" else Role.CITY, county),
            application_id=application.pk,
            action="recommend",
        )
        calls.application_step(acting_user=province, application_id=application.pk, action="accept")
        applications.append(application)
    ranked = sorted(applications, key=lambda a: -rng.uniform(60, 95))
    for rank, application in enumerate(ranked, start=1):
        Application.all_objects.filter(pk=application.pk).update(
            score=round(95 - rank * 0.9, 2),
            rank=rank,
            status=ApplicationStatus.PROVISIONAL if rank <= CERTIFIED else ApplicationStatus.NOT_SELECTED,
        )
    Call.objects.filter(pk=call.pk).update(
        status=CallStatus.PROVISIONAL, closes_at=now - dt.timedelta(hours=1)
    )
    call = calls.publicity_start(acting_user=province, call_id=call.pk)
    calls.call_decide(
        acting_user=province,
        call_id=call.pk,
        decision_number="粤科函农字〔2025〕402号",
        today=call.publicity_ends,
    )
    return Application.all_objects.filter(call=call, status=ApplicationStatus.APPROVED).count()


def demo_certification_call(province: User) -> None:
    """The 2026 认定 call is open; 湖寮镇 (in cultivation) has started its application from the
    figures it reported, through its government as the county registered it."""
    now = timezone.now()
    call = calls.call_create(
        acting_user=province,
        call_type_code="innovative_town",
        title="2026年度广东省创新型专业镇认定",
        year=2026,
        guide="由镇（街道）申报，县、市科技部门推荐。按企业发展、平台建设、产业集聚、科技成果转化、人才建设五个方面"
        "填报建设基础和三年目标；数据从本镇已审定的统计监测数据预填。认定后列入名录，有效期三年。",
        opens_at=now - dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=45),
        places=20,
    )
    calls.call_publish(acting_user=province, call_id=call.pk)
    town = Division.objects.get(pk="441422100000")
    Organisation.all_objects.get_or_create(
        name="大埔县湖寮镇人民政府",
        defaults={
            "kind": "government",
            "division": town,
            "uscc": make_uscc(random.Random(20261207), kind="government", division_code=town.code),
        },
    )
    applicant = User.objects.filter(username="huliao_town").first()
    if applicant is not None:
        calls.application_create(
            acting_user=applicant,
            call_id=call.pk,
            title="大埔县湖寮镇创新型专业镇（蜜柚）",
            values={
                "leading_industry": "蜜柚种植与加工",
                "industry_codes": "A0152, C1371",
                "products": "蜜柚 柚果加工 柚子茶",
                "plan": "围绕蜜柚全产业链，建设柚果保鲜与精深加工公共技术服务平台，三年内高新技术企业增至 10 家。",
            },
        )
