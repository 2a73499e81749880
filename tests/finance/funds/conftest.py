"""The funds' cast: two fund managers (one in 广州, one in 梅州) each with an account, a sub-fund each,
enterprises in 大埔 (粤北) and 天河 (珠三角), a bank, the bureaus of 梅州 and 湛江, and the province."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.finance.funds import services
from baiqianwan.finance.models import Investment, SubFund
from baiqianwan.orgs.models import Organisation

from ...conftest import A, B

TIANHE = "440106000000"
ESTABLISHED = dt.date(2023, 3, 1)


@pytest.fixture
def funds(
    world: dict[str, Any], make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> dict[str, Any]:
    province = world["users"][Role.PROVINCE]
    manager = make_org("广东粤科农业创业投资管理有限公司", "fund", TIANHE)
    other_manager = make_org("梅州客家产业投资基金管理有限公司", "fund", A["city"])
    fund = services.fund_register(
        acting_user=province,
        name="广东省农业科技创新子基金",
        manager_id=manager.pk,
        size="500000000.00",
        province_share="150000000.00",
        focus_region="ewn",
        focus_fields="现代种业、智能农机",
        established_on=ESTABLISHED,
    )
    other = services.fund_register(
        acting_user=province,
        name="梅州客家乡村振兴子基金",
        manager_id=other_manager.pk,
        size="200000000",
        province_share="60000000",
        established_on=ESTABLISHED,
    )
    return {
        **world,
        "province": province,
        "manager": manager,
        "manager_user": make_user(Role.ORG, organisation=manager, display_name="粤科投资部"),
        "other_manager_user": make_user(Role.ORG, organisation=other_manager),
        "fund": fund,
        "other_fund": other,
        "dabu_ent": make_org("大埔县蜜柚科技有限公司", "enterprise", A["town"]),
        "tianhe_ent": make_org("天河智慧农业科技有限公司", "enterprise", TIANHE),
        "xuwen_ent": make_org("徐闻菠萝科技股份有限公司", "enterprise", B["town"]),
        "bank_user": make_user(Role.ORG, organisation=make_org("梅州客商银行", "bank", A["city"])),
        "city": world["users"][Role.CITY],
        "county": world["users"][Role.COUNTY],
        "zhanjiang": make_user(Role.CITY, B["city"]),
        "guangzhou": make_user(Role.CITY, "440100000000"),
    }


def invest(funds: dict[str, Any], by: str = "manager_user", **values: Any) -> Investment:
    defaults: dict[str, Any] = {
        "fund_id": funds["fund"].pk,
        "enterprise_id": funds["dabu_ent"].pk,
        "round": "a",
        "amount": "12000000.00",
        "invested_on": dt.date(2024, 5, 20),
        "industry_id": "FRUIT-POMELO",
        "field": "蜜柚精深加工",
    }
    return services.investment_record(acting_user=funds[by], **{**defaults, **values})


def fund_of(funds: dict[str, Any]) -> SubFund:
    return SubFund.all_objects.get(pk=funds["fund"].pk)
