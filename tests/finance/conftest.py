"""科技信贷's cast: 湛江农商银行 with a 特色产业科技贷 for 粤东西北 bananas under the scheme, a 徐闻
banana cooperative (粤东西北) and a 佛山 family farm (珠三角) who borrow, another bank, the bureaus of
徐闻县 and 大埔县, and the province with the ratios: 珠三角 40%, 粤东西北 50% raised to 60% in 2025."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.finance import services
from baiqianwan.finance.models import CreditProduct
from baiqianwan.orgs.models import Organisation

from ..conftest import A, B

FOSHAN_TOWN = "440607101000"  # 佛山市三水区 a town


def product_values(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "特色产业科技贷",
        "summary": "面向粤东西北香蕉产业",
        "eligible_region": "ewn",
        "borrower_kinds": ["cooperative", "enterprise", "family_farm"],
        "industries": ["FRUIT-BANANA"],
        "amount_min": "100000",
        "amount_max": "3000000",
        "term_min_months": 6,
        "term_max_months": 36,
        "rate_min": "3.45",
        "rate_max": "4.80",
        "collateral": "信用；保证",
        "under_scheme": True,
    }
    values.update(overrides)
    return values


@pytest.fixture
def credit(
    world: dict[str, Any], make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> dict[str, Any]:
    province = world["users"][Role.PROVINCE]
    bank = make_org("湛江农村商业银行股份有限公司", "bank", B["city"])
    other_bank = make_org("梅州客商银行", "bank", A["city"])
    coop = make_org("徐闻县曲界镇香蕉种植专业合作社", "cooperative", B["town"])
    farm = make_org("三水区家庭农场", "family_farm", FOSHAN_TOWN)
    university = make_org("华南农业大学", "university", "440106000000")
    for region, day, ratio, cap in (
        ("pearl", dt.date(2023, 1, 1), "0.40", "2000000"),
        ("ewn", dt.date(2023, 1, 1), "0.50", "3000000"),
        ("ewn", dt.date(2025, 1, 1), "0.60", None),
    ):
        services.ratio_create(acting_user=province, region=region, effective_from=day, ratio=ratio, cap=cap)
    bank_user = make_user(Role.ORG, organisation=bank, display_name="湛江农商银行普惠金融部")
    product = services.product_create(acting_user=bank_user, publish=True, **product_values())
    return {
        **world,
        "province": province,
        "bank": bank,
        "bank_user": bank_user,
        "other_bank": other_bank,
        "other_bank_user": make_user(Role.ORG, organisation=other_bank),
        "coop": coop,
        "coop_user": make_user(Role.ORG, organisation=coop, display_name="合作社理事长"),
        "farm": farm,
        "farm_user": make_user(Role.ORG, organisation=farm),
        "university_user": make_user(Role.ORG, organisation=university),
        "product": product,
        "xuwen": make_user(Role.COUNTY, B["county"], display_name="徐闻县科技局"),
        "dabu": make_user(Role.COUNTY, A["county"]),
    }


def lend(credit: dict[str, Any], **overrides: Any) -> Any:
    values = {
        "acting_user": credit["bank_user"],
        "product_id": credit["product"].pk,
        "borrower_uscc": credit["coop"].uscc,
        "contract_number": "ZJ2024000123",
        "amount": "800000",
        "rate": "3.85",
        "term_months": 24,
        "lent_on": dt.date(2024, 6, 1),
    }
    values.update(overrides)
    return services.loan_record(**values)


def open_product(credit: dict[str, Any]) -> CreditProduct:
    return credit["product"]
