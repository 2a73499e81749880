"""Sub-funds and investments: the province registers and edits sub-funds; a manager records only its
own funds' investments; who sees which investments; bad input named by field with nothing stored;
the totals by region and year."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from baiqianwan.accounts.roles import Role
from baiqianwan.finance.funds import selectors, services
from baiqianwan.finance.models import Investment, SubFund
from baiqianwan.supply.models import Achievement

from .conftest import ESTABLISHED, invest

pytestmark = pytest.mark.django_db


def test_only_the_province_registers_and_edits_a_sub_fund(funds: dict[str, Any]) -> None:
    for who in ("city", "manager_user", "bank_user"):
        with pytest.raises(PermissionDenied):
            services.fund_register(
                acting_user=funds[who],
                name="越权登记的子基金",
                manager_id=funds["manager"].pk,
                size="1000",
                province_share="100",
                established_on=ESTABLISHED,
            )
    fund = services.fund_update(
        acting_user=funds["province"], fund_id=funds["fund"].pk, version=0, focus_fields="現代種業"
    )
    assert (fund.focus_fields, fund.version) == ("现代种业", 1)
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.fund_update(acting_user=funds["province"], fund_id=fund.pk, version=0, size="1")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"province_share": "600000000"}, "province_share"),
        ({"size": "-1"}, "size"),
        ({"size": "1e30"}, "size"),
        ({"size": "abc"}, "size"),
        ({"size": "100.001"}, "size"),
        ({"established_on": timezone.localdate() + dt.timedelta(days=7)}, "established_on"),
        ({"name": "<img src=x onerror=alert(1)>基金"}, "name"),
        ({"name": "=cmd|' /C calc'!A0"}, "name"),
        ({"focus_fields": "种业\x07农机"}, "focus_fields"),
        ({"focus_region": "mars"}, "focus_region"),
        ({"name": "广东省农业科技创新子基金"}, "name"),
    ],
)
def test_bad_sub_funds_are_refused_by_field(
    funds: dict[str, Any], values: dict[str, Any], field: str
) -> None:
    before = SubFund.all_objects.count()
    defaults = {
        "name": "新子基金一号",
        "manager_id": funds["manager"].pk,
        "size": "500000000",
        "province_share": "100000000",
        "established_on": ESTABLISHED,
    }
    with pytest.raises(ValidationError) as exc:
        services.fund_register(acting_user=funds["province"], **{**defaults, **values})
    assert field in exc.value.message_dict, exc.value.message_dict
    assert SubFund.all_objects.count() == before


def test_the_manager_must_be_a_fund(funds: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        services.fund_register(
            acting_user=funds["province"],
            name="新子基金二号",
            manager_id=funds["dabu_ent"].pk,
            size="1000",
            province_share="10",
            established_on=ESTABLISHED,
        )
    assert "投资基金" in exc.value.message_dict["manager"][0]


def test_a_manager_records_its_own_funds_investments_only(funds: dict[str, Any]) -> None:
    investment = invest(funds)
    assert (investment.in_east_west_north, investment.for_transfer, investment.amount) == (
        True,
        False,
        investment.amount,
    )
    pearl = invest(funds, enterprise_id=funds["tianhe_ent"].pk, amount="3000000")
    assert pearl.in_east_west_north is False
    # Another manager's account, a bank, a bureau: not theirs to record.
    for who in ("other_manager_user", "bank_user", "city"):
        with pytest.raises(PermissionDenied):
            invest(funds, by=who)
    # The province may enter one for the manager.
    assert invest(funds, by="province", amount="1000000").recorded_by == funds["province"]
    with pytest.raises(PermissionDenied):
        services.investment_update(
            acting_user=funds["other_manager_user"], investment_id=investment.pk, amount="1"
        )
    updated = services.investment_update(
        acting_user=funds["manager_user"], investment_id=investment.pk, version=0, round="b"
    )
    assert (updated.round, updated.version) == ("b", 1)


def test_an_achievement_makes_it_a_transfer(funds: dict[str, Any]) -> None:
    achievement = Achievement.all_objects.create(
        title="蜜柚果汁加工技术",
        abstract="蜜柚精深加工。",
        maturity="industrial",
        ip_type="patent",
        transfer_modes=["licence"],
        organisation=funds["dabu_ent"],
        is_public=True,
    )
    investment = invest(funds, achievement_id=achievement.pk)
    assert investment.for_transfer is True
    cleared = services.investment_update(
        acting_user=funds["manager_user"], investment_id=investment.pk, achievement_id=None
    )
    assert cleared.for_transfer is False


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "500000000.01"}, "amount"),  # above the fund's size
        ({"invested_on": timezone.localdate() + dt.timedelta(days=7)}, "invested_on"),
        ({"invested_on": ESTABLISHED - dt.timedelta(days=1)}, "invested_on"),
        ({"round": "z"}, "round"),
        ({"field": "+SUM(1)"}, "field"),
        ({"industry_id": "NOPE"}, "industry"),
        ({"achievement_id": 10**9}, "achievement"),
        ({"enterprise_id": 10**9}, "enterprise"),
        ({"enterprise_id": None, "enterprise_uscc": "123"}, "enterprise_uscc"),
    ],
)
def test_bad_investments_are_refused_by_field(
    funds: dict[str, Any], values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        invest(funds, **values)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert not Investment.all_objects.exists()


def test_a_non_enterprise_and_the_fund_size_are_refused(funds: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        invest(funds, enterprise_id=funds["manager"].pk)
    assert "须是企业" in exc.value.message_dict["enterprise"][0]
    invest(funds, amount="400000000")
    with pytest.raises(ValidationError) as exc:
        invest(funds, amount="100000000.01")
    assert "超过基金规模" in exc.value.message_dict["amount"][0]
    by_uscc = invest(funds, enterprise_id=None, enterprise_uscc=funds["tianhe_ent"].uscc, amount="1")
    assert by_uscc.enterprise_id == funds["tianhe_ent"].pk


def test_who_sees_which_investments(funds: dict[str, Any]) -> None:
    dabu = invest(funds)
    tianhe = invest(funds, enterprise_id=funds["tianhe_ent"].pk, amount="2000000")
    other = services.investment_record(
        acting_user=funds["other_manager_user"],
        fund_id=funds["other_fund"].pk,
        enterprise_id=funds["xuwen_ent"].pk,
        round="seed",
        amount="500000",
        invested_on=dt.date(2025, 1, 5),
    )
    seen = lambda who: set(selectors.investment_list(user=funds[who]))  # noqa: E731
    assert seen("province") == {dabu, tianhe, other}
    assert seen("manager_user") == {dabu, tianhe}
    assert seen("other_manager_user") == {other}
    assert seen("city") == {dabu}  # 梅州's bureau: the enterprise in its region
    assert seen("zhanjiang") == {other}
    assert seen("guangzhou") == {tianhe}
    assert seen("bank_user") == set()
    # Every business user reads the public sub-funds, not their investments.
    assert set(selectors.fund_list(user=funds["bank_user"])) == {funds["fund"], funds["other_fund"]}
    totals = selectors.visible_investment_totals(user=funds["bank_user"], funds=[funds["fund"]])
    assert totals == {}
    stats = selectors.investment_stats(user=funds["province"])
    regions = {row["region"]: (row["investments"], row["value"]) for row in stats["by_region"]}
    assert regions["north"][0] == 1
    assert regions["prd"][0] == 1
    assert regions["west"][0] == 1
    years = {row["year"]: row["investments"] for row in stats["by_year"]}
    assert years == {2024: 2, 2025: 1}
    assert selectors.investment_stats(user=funds["users"][Role.TOWN])["investments"] == 1  # 大埔's town
