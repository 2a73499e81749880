"""This package's part of `bqw demo`, through the services: six sub-funds of the 省创新创业基金 with
their managers' accounts and 40 investments (most in 粤东西北 enterprises, some turning an achievement
into practice), and a 上市后备 pool of 60 enterprises recommended by their cities, at every stage,
with the services they were given."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from baiqianwan.accounts.demo import DEMO_PASSWORD, desk_user
from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.fakes import make_mobile, make_uscc
from baiqianwan.orgs.models import Organisation, OrganisationKind
from baiqianwan.regions.classification import CITY_REGION, Region, is_east_west_north
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import Achievement

from ..models import Investment, ReserveEnterprise, ReserveServiceKind, ReserveStage, SubFund
from . import services

INVESTMENTS = 40
POOL = 60
# (username, manager, its city, sub-fund, size in 亿元, province share in 亿元, focus, fields, established)
FUNDS = [
    (
        "fund_yueke",
        "广东粤科农业创业投资管理有限公司",
        "4401",
        "广东省农业科技创新子基金",
        10,
        3,
        "ewn",
        "现代种业、智能农机、农产品精深加工",
        dt.date(2022, 3, 18),
    ),
    (
        "fund_yuebei",
        "粤北生态产业投资基金管理有限公司",
        "4402",
        "粤北乡村振兴科技子基金",
        5,
        1.5,
        "ewn",
        "生态农业、林下经济、中药材",
        dt.date(2022, 9, 6),
    ),
    (
        "fund_yuexi",
        "湛江蓝色海洋产业投资管理有限公司",
        "4408",
        "粤西海洋农业科技子基金",
        6,
        2,
        "ewn",
        "水产种业、海洋生物、冷链物流",
        dt.date(2023, 1, 12),
    ),
    (
        "fund_yuedong",
        "潮汕科技成果转化投资管理有限公司",
        "4405",
        "粤东科技成果转化子基金",
        4,
        1.2,
        "ewn",
        "食品加工、茶产业、数字农业",
        dt.date(2023, 6, 30),
    ),
    (
        "fund_gba",
        "大湾区农业科技创业投资管理有限公司",
        "4403",
        "湾区农业科技天使子基金",
        8,
        2,
        "all",
        "农业科技初创企业、智慧农业",
        dt.date(2021, 11, 1),
    ),
    (
        "fund_hakka",
        "梅州客家产业投资基金管理有限公司",
        "4414",
        "梅州客家乡村产业子基金",
        3,
        1,
        "ewn",
        "金柚、茶叶、客家特色食品",
        dt.date(2023, 10, 15),
    ),
]
PRODUCTS = [
    "金柚",
    "茶叶",
    "荔枝",
    "菠萝",
    "丝苗米",
    "水产",
    "中药材",
    "食用菌",
    "生猪",
    "预制菜",
    "农机",
    "种苗",
]
SUFFIXES = ["科技有限公司", "农业科技股份有限公司", "生物科技有限公司", "食品科技有限公司"]
BOARDS = ["深交所创业板", "深交所主板", "北交所", "上交所科创板", "新三板创新层", ""]
PROVIDERS = {
    ReserveServiceKind.TRAINING: ["深交所广东服务基地", "广东股权交易中心", "北交所华南基地"],
    ReserveServiceKind.COACHING: ["广发证券", "招商证券", "东莞证券", "华林证券"],
    ReserveServiceKind.ROADSHOW: ["广东股权交易中心", "深交所广东服务基地"],
    ReserveServiceKind.FINANCING: ["梅州客商银行", "广东粤科农业创业投资管理有限公司", "农业银行广东分行"],
    ReserveServiceKind.POLICY: ["省科技厅农村科技处", "地市科技局"],
}
# How far through the pool each entry has got: most are still being cultivated.
STAGE_WEIGHTS = [
    (ReserveStage.CULTIVATE, 28),
    (ReserveStage.COACHING, 16),
    (ReserveStage.FILING, 9),
    (ReserveStage.LISTED, 4),
]
EXITS = 3


class Demo:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.today = timezone.localdate()
        self.province = User.objects.get(username="gd_admin")
        self.password = make_password(DEMO_PASSWORD)
        self.cities = {c.code[:4]: c for c in Division.objects.filter(level="city")}

    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        """A day from start to end, never after today."""
        day = start + dt.timedelta(days=self.rng.randrange(max(1, (end - start).days)))
        return min(day, self.today)

    def unit(self, name: str, kind: str, division: Division) -> Organisation:
        organisation, _ = Organisation.all_objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "uscc": make_uscc(self.rng, kind=kind, division_code=division.code),
                "division": division,
                "address": division.full_name,
                "contact_phone": make_mobile(self.rng),
            },
        )
        return organisation

    def account(self, username: str, organisation: Organisation, display: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(
                username=username,
                display_name=display,
                role=Role.ORG,
                organisation=organisation,
                password=self.password,
            )
        return user

    def city_bureau(self, prefix: str) -> User:
        city = self.cities[prefix]
        user = User.objects.filter(role=Role.CITY, division=city, is_active=True).order_by("pk").first()
        return user or desk_user(Role.CITY, city)

    def enterprises(self, prefix: str, n: int) -> list[Organisation]:
        """The city's enterprises registered on the platform, and new ones of its counties up to n."""
        found = list(
            Organisation.all_objects.filter(kind=OrganisationKind.ENTERPRISE, division_id__startswith=prefix)
            .exclude(pk__in=ReserveEnterprise.all_objects.values("enterprise_id"))
            .order_by("pk")[:n]
        )
        counties = list(Division.objects.filter(level="county", code__startswith=prefix).order_by("code"))
        places = counties or [self.cities[prefix]]
        while len(found) < n:
            place = self.rng.choice(places)
            name = f"{place.name.removesuffix('区').removesuffix('县').removesuffix('市')}{self.rng.choice(PRODUCTS)}{self.rng.choice(SUFFIXES)}"
            organisation = self.unit(name, OrganisationKind.ENTERPRISE, place)
            if organisation.kind == OrganisationKind.ENTERPRISE and organisation not in found:
                found.append(organisation)
        return found


def _funds(demo: Demo) -> tuple[list[SubFund], list[tuple[str, str, str]]]:
    funds: list[SubFund] = []
    accounts: list[tuple[str, str, str]] = []
    for username, manager_name, city, name, size, share, focus, fields, established in FUNDS:
        manager = demo.unit(manager_name, OrganisationKind.FUND, demo.cities[city])
        demo.account(username, manager, f"{manager_name}投资部")
        funds.append(
            services.fund_register(
                acting_user=demo.province,
                name=name,
                manager_id=manager.pk,
                size=Decimal(size * 100_000_000).quantize(Decimal("0.01")),
                province_share=Decimal(share * 100_000_000).quantize(Decimal("0.01")),
                focus_region=focus,
                focus_fields=fields,
                established_on=established,
            )
        )
        if len(accounts) < 2:
            accounts.append((username, str(Role.ORG.label), manager_name))
    return funds, accounts


def _investments(demo: Demo, funds: list[SubFund]) -> None:
    ewn_cities = [p for p, r in CITY_REGION.items() if r != Region.PRD]
    prd_cities = [p for p, r in CITY_REGION.items() if r == Region.PRD]
    achievements = list(Achievement.all_objects.filter(is_public=True).order_by("pk")[:200])
    users = {f.pk: User.objects.get(username=FUNDS[i][0]) for i, f in enumerate(funds)}
    for n in range(INVESTMENTS):
        fund = funds[n % len(funds)]
        city = demo.rng.choice(
            ewn_cities if fund.focus_region == "ewn" or demo.rng.random() < 0.6 else prd_cities
        )
        enterprise = demo.rng.choice(demo.enterprises(city, 3))
        amount = Decimal(demo.rng.randrange(50, 3000) * 10_000)
        achievement = demo.rng.choice(achievements) if achievements and demo.rng.random() < 0.3 else None
        services.investment_record(
            acting_user=users[fund.pk],
            fund_id=fund.pk,
            enterprise_id=enterprise.pk,
            round=demo.rng.choice(["seed", "angel", "a", "a", "b", "growth", "pre_ipo"]),
            amount=amount,
            invested_on=demo.day_between(fund.established_on, demo.today),
            field=demo.rng.choice(PRODUCTS)
            + demo.rng.choice(["精深加工", "种业", "智能装备", "冷链", "数字化"]),
            achievement_id=achievement.pk if achievement else None,
        )


def _pool(demo: Demo) -> None:
    cities = sorted(demo.cities)
    # Two in three entries in 粤东西北, the rest in 珠三角.
    ewn = [c for c in cities if is_east_west_north(c + "00000000")]
    prd = [c for c in cities if c not in ewn]
    picks = [ewn[i % len(ewn)] for i in range(40)] + [prd[i % len(prd)] for i in range(POOL - 40)]
    stages = [stage for stage, weight in STAGE_WEIGHTS for _ in range(weight)]
    demo.rng.shuffle(stages)
    start = demo.today - dt.timedelta(days=3 * 365)
    by_city: dict[str, list[Organisation]] = {}
    for n, city in enumerate(picks):
        pool = by_city.setdefault(city, demo.enterprises(city, picks.count(city)))
        enterprise = pool.pop()
        bureau = demo.city_bureau(city)
        recommended = demo.day_between(start, demo.today - dt.timedelta(days=400))
        entry = services.reserve_recommend(
            acting_user=bureau,
            enterprise_id=enterprise.pk,
            recommended_on=recommended,
            target_board=demo.rng.choice(BOARDS),
        )
        day = recommended
        target = stages[n] if n < len(stages) else ReserveStage.CULTIVATE
        for stage in list(ReserveStage.values)[1 : list(ReserveStage.values).index(target) + 1]:
            day = demo.day_between(min(day + dt.timedelta(days=30), demo.today), day + dt.timedelta(days=300))
            entry = services.reserve_stage(
                acting_user=demo.province if stage == "listed" else bureau,
                entry_id=entry.pk,
                stage=stage,
                on=day,
            )
        for _ in range(demo.rng.randrange(1, 4)):
            kind = demo.rng.choice(list(ReserveServiceKind.values))
            services.reserve_service_record(
                acting_user=bureau,
                entry_id=entry.pk,
                given_on=demo.day_between(recommended, demo.today),
                kind=kind,
                provider=demo.rng.choice(PROVIDERS[ReserveServiceKind(kind)]),
            )
        if n < EXITS and target == ReserveStage.CULTIVATE:
            services.reserve_stage(
                acting_user=bureau,
                entry_id=entry.pk,
                exit=True,
                on=demo.day_between(day, demo.today),
                reason="企业经营战略调整，暂不考虑上市",
            )


@transaction.atomic
def demo_funds(rng: random.Random) -> dict[str, Any]:
    if SubFund.all_objects.exists():
        return {
            "funds": SubFund.all_objects.count(),
            "investments": Investment.all_objects.count(),
            "users": [],
        }
    demo = Demo(rng)
    funds, accounts = _funds(demo)
    _investments(demo, funds)
    _pool(demo)
    return {
        "funds": len(funds),
        "investments": Investment.all_objects.count(),
        "pool": ReserveEnterprise.all_objects.count(),
        "users": accounts,
    }
