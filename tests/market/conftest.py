"""The market's cast: a 广州 university selling a banana variety, a 徐闻 cooperative buying it to
plant in 迈陈镇, the bureaus of 徐闻县, 湛江市 and 天河区 (the seller's district), and 大埔县, which has
nothing to do with the deal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.market import services
from baiqianwan.market.models import Deal, Listing
from baiqianwan.orgs.models import Organisation
from baiqianwan.supply.models import Achievement

from ..conftest import A, B

TIANHE = "440106000000"
NUMBER = "2025440101000123"
DAY = dt.date(2025, 6, 1)


@pytest.fixture
def market(
    world: dict[str, Any], make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> dict[str, Any]:
    seller = make_org("华南农业大学", "university", TIANHE)
    buyer = make_org("徐闻县迈陈镇香蕉种植专业合作社", "cooperative", B["town"])
    other = make_org("大埔县湖寮镇蜜柚专业合作社", "cooperative", A["town"])
    achievement = Achievement.all_objects.create(
        title="香蕉枯萎病抗病品种“中蕉9号”",
        abstract="抗香蕉枯萎病 4 号小种的新品种，产量与巴西蕉相当。",
        industry_id="FRUIT-BANANA",
        maturity="industrial",
        ip_type="variety",
        transfer_modes=["licence", "assignment"],
        organisation=seller,
    )
    return {
        **world,
        "seller": seller,
        "buyer": buyer,
        "other": other,
        "achievement": achievement,
        "seller_user": make_user(Role.ORG, organisation=seller, display_name="华农科技处"),
        "buyer_user": make_user(Role.ORG, organisation=buyer, display_name="合作社理事长"),
        "other_user": make_user(Role.ORG, organisation=other),
        "xuwen": make_user(Role.COUNTY, B["county"], display_name="徐闻县科技局"),
        "zhanjiang": make_user(Role.CITY, B["city"]),
        "tianhe": make_user(Role.COUNTY, TIANHE),
        "dabu": make_user(Role.COUNTY, A["county"]),
        "province": world["users"][Role.PROVINCE],
    }


def listing_make(market: dict[str, Any], **values: Any) -> Listing:
    defaults = {
        "achievement_id": market["achievement"].pk,
        "mode": "licence",
        "price_min": "50000",
        "price_max": "120000",
        "licence_terms": "普通许可，广东省内，期限 5 年。",
        "authority": "已获植物新品种权（品种权号 CNA20191003456.7），本校依法享有处置权。",
        "publish": True,
    }
    return services.listing_create(acting_user=market["seller_user"], **{**defaults, **values})


def terms(**values: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "title": "香蕉抗枯萎病品种推广许可合同",
        "mode": "licence",
        "contract_value": "80000.00",
        "place_code": B["village"],
        "contract_number": NUMBER,
        "registered_on": DAY,
        "payments": [
            services.PaymentRow(due_on=dt.date(2025, 6, 15), amount=Decimal("30000.00")),
            services.PaymentRow(due_on=dt.date(2025, 12, 15), amount="50,000.00"),
        ],
    }
    return {**defaults, **values}


def register(market: dict[str, Any], *, by: str = "seller", **values: Any) -> Deal:
    """A deal of the achievement registered by its seller (naming the buyer) or by the buyer."""
    own = {"achievement_id": market["achievement"].pk}
    if by == "seller":
        own["buyer_uscc"] = market["buyer"].uscc
    return services.deal_register(acting_user=market[f"{by}_user"], **{**own, **terms(**values)})
