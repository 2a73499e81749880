"""Technology deals: registered by a party, confirmed by the other and by a bureau of the place of
implementation or of the seller, refused with a reason at any step; what registration does (the
KPI, the listing, the demand); and every bad input named, in Chinese, with nothing stored."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from baiqianwan.accounts.roles import Role
from baiqianwan.core.concurrency import ConflictError
from baiqianwan.core.fakes import make_uscc
from baiqianwan.core.models import Notification
from baiqianwan.demands.models import Connection, ConnectionStatus, DemandStatus
from baiqianwan.market import selectors, services
from baiqianwan.market.models import Deal, DealEvent, DealPayment, DealStatus, ListingStatus
from baiqianwan.plan.selectors import LIVE_KPIS
from baiqianwan.supply.models import Achievement

from ..conftest import A, B
from ..projects.fixtures import accepted_demand
from .conftest import NUMBER, listing_make, register, terms

pytestmark = pytest.mark.django_db


def confirm(market: dict[str, Any], deal: Deal, who: str) -> Deal:
    return services.deal_confirm(acting_user=market[who], deal_id=deal.pk)


def test_the_seller_registers_the_buyer_confirms_the_county_registers(market: dict[str, Any]) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        deal = register(market)
    assert (deal.status, deal.registered_side, deal.buyer, deal.seller) == (
        DealStatus.PARTY,
        "seller",
        market["buyer"],
        market["seller"],
    )
    assert deal.in_east_west_north
    assert not deal.publicity
    assert [p.amount for p in deal.payments.all()] == [Decimal("30000.00"), Decimal("50000.00")]
    told = Notification.objects.get(user=market["buyer_user"])
    assert told.title == "请确认技术交易：香蕉抗枯萎病品种推广许可合同"
    # The side that registered cannot confirm its own deal; a bureau cannot skip the other party.
    with pytest.raises(ValidationError, match="须由对方确认"):
        confirm(market, deal, "seller_user")
    with pytest.raises(PermissionDenied):
        confirm(market, deal, "xuwen")
    with TestCase.captureOnCommitCallbacks(execute=True):
        deal = confirm(market, deal, "buyer_user")
    assert deal.status == DealStatus.BUREAU
    assert deal.party_confirmed_by == market["buyer_user"]
    assert Notification.objects.filter(user=market["xuwen"], title__startswith="技术交易待确认").exists()
    assert Notification.objects.filter(user=market["zhanjiang"]).exists()
    # A county with nothing to do with the deal does not even see it; the parties cannot confirm it.
    with pytest.raises(PermissionDenied):
        confirm(market, deal, "dabu")
    with pytest.raises(PermissionDenied):
        confirm(market, deal, "buyer_user")
    deal = confirm(market, deal, "xuwen")
    assert deal.status == DealStatus.REGISTERED
    assert deal.bureau_confirmed_by == market["xuwen"]
    assert [e.action for e in DealEvent.objects.filter(deal=deal)] == ["register", "confirm", "bureau"]
    with pytest.raises(ValidationError, match="已登记"):
        confirm(market, deal, "zhanjiang")


@pytest.mark.parametrize("bureau", ["zhanjiang", "tianhe", "province"])
def test_the_city_of_the_place_the_sellers_district_or_the_province_may_confirm(
    market: dict[str, Any], bureau: str
) -> None:
    deal = confirm(market, register(market, by="buyer"), "seller_user")
    assert confirm(market, deal, bureau).status == DealStatus.REGISTERED


def test_a_step_is_refused_with_a_reason_and_the_deal_corrected(market: dict[str, Any]) -> None:
    deal = register(market, by="buyer")
    with pytest.raises(ValidationError) as caught:
        services.deal_reject(acting_user=market["seller_user"], deal_id=deal.pk, reason="否")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError, match="须由对方确认"):
        services.deal_reject(acting_user=market["buyer_user"], deal_id=deal.pk, reason="自己退回自己")
    deal = services.deal_reject(
        acting_user=market["seller_user"], deal_id=deal.pk, reason="合同金额应为 9 万元"
    )
    assert (deal.status, deal.return_reason) == (DealStatus.REJECTED, "合同金额应为 9 万元")
    with pytest.raises(ValidationError, match="已退回"):
        confirm(market, deal, "seller_user")
    # The seller corrects it: now the buyer confirms, then the bureau refuses, then it is corrected again.
    deal = services.deal_update(
        acting_user=market["seller_user"],
        deal_id=deal.pk,
        version=deal.version,
        **terms(contract_value="90000", payments=[services.PaymentRow(dt.date(2025, 7, 1), "90000")]),
    )
    assert (deal.status, deal.registered_side, deal.return_reason) == (DealStatus.PARTY, "seller", "")
    deal = confirm(market, deal, "buyer_user")
    deal = services.deal_reject(acting_user=market["xuwen"], deal_id=deal.pk, reason="登记编号与登记证明不符")
    assert deal.status == DealStatus.REJECTED
    deal = services.deal_update(acting_user=market["buyer_user"], deal_id=deal.pk, **terms())
    deal = confirm(market, deal, "seller_user")
    deal = confirm(market, deal, "xuwen")
    assert deal.contract_value == Decimal("80000.00")
    assert [e.action for e in deal.events.all()] == [
        "register",
        "reject",
        "edit",
        "confirm",
        "reject",
        "edit",
        "confirm",
        "bureau",
    ]
    with pytest.raises(ValidationError, match="不能再修改"):
        services.deal_update(acting_user=market["buyer_user"], deal_id=deal.pk, **terms())
    with pytest.raises(PermissionDenied):
        services.deal_update(acting_user=market["xuwen"], deal_id=deal.pk, **terms())


def test_a_stale_version_changes_nothing(market: dict[str, Any]) -> None:
    deal = register(market)
    stale = deal.version
    services.deal_reject(
        acting_user=market["buyer_user"], deal_id=deal.pk, reason="付款日期有误", version=stale
    )
    with pytest.raises(ConflictError):
        services.deal_update(acting_user=market["seller_user"], deal_id=deal.pk, version=stale, **terms())
    deal.refresh_from_db()
    assert deal.status == DealStatus.REJECTED


def test_only_registered_deals_in_counties_towns_and_villages_count_each_achievement_once(
    market: dict[str, Any],
) -> None:
    """KPI-TRANSFERS counts the market's deals, not the successful 对接 of demands."""
    Connection.all_objects.create(
        demand=accepted_demand(
            market["users"][Role.VILLAGE], A["village"], "香蕉枯萎病求抗病品种", "枯萎病严重。"
        ),
        target_kind="achievement",
        achievement=market["achievement"],
        status=ConnectionStatus.SUCCEEDED,
        proposed_by=market["users"][Role.COUNTY],
    )
    kpi = LIVE_KPIS["KPI-TRANSFERS"]
    assert kpi() == 0
    first = register(market)
    assert kpi() == 0  # waiting for the other party
    confirm(market, confirm(market, first, "buyer_user"), "xuwen")
    assert kpi() == 1
    # A second deal of the same achievement, in a town of another county: still one achievement.
    second = register(market, contract_number="2025440101000124", place_code=A["town"])
    confirm(market, confirm(market, second, "buyer_user"), "dabu")
    assert kpi() == 1
    # A deal whose place is a city (stored before the rule, or by hand) does not count.
    other = Achievement.all_objects.create(
        title="香蕉组培苗工厂化繁育技术",
        abstract="组培苗繁育。",
        maturity="industrial",
        ip_type="know_how",
        transfer_modes=["service"],
        organisation=market["seller"],
    )
    Deal.all_objects.filter(pk=second.pk).update(achievement=other, place_id=A["city"])
    assert kpi() == 1
    Deal.all_objects.filter(pk=second.pk).update(place_id=A["county"])
    assert kpi() == 2


def test_registration_solves_the_demand_and_sells_the_listing(market: dict[str, Any]) -> None:
    demand = accepted_demand(
        market["users"][Role.VILLAGE], B["village"], "香蕉枯萎病蔓延，求抗病品种", "迈陈镇香蕉枯萎病严重。"
    )
    type(demand).all_objects.filter(pk=demand.pk).update(is_public=True)
    listing = listing_make(market)
    deal = services.deal_register(
        acting_user=market["buyer_user"], listing_id=listing.pk, demand_id=demand.pk, **terms()
    )
    assert (deal.seller, deal.listing, deal.registered_side) == (market["seller"], listing, "buyer")
    deal = confirm(market, confirm(market, deal, "seller_user"), "xuwen")
    demand.refresh_from_db()
    listing.refresh_from_db()
    assert demand.status == DemandStatus.SOLVED
    assert demand.events.last().note.startswith("技术交易“香蕉抗枯萎病品种推广许可合同”已登记")
    assert listing.status == ListingStatus.SOLD
    assert listing.is_public
    assert listing.events.last().note == NUMBER
    with pytest.raises(ValidationError, match="该挂牌已“已成交”"):
        services.deal_register(
            acting_user=market["buyer_user"],
            listing_id=listing.pk,
            **terms(contract_number="2025440101000127"),
        )


def test_the_demand_must_be_open_visible_and_in_the_county_of_implementation(market: dict[str, Any]) -> None:
    village = market["users"][Role.VILLAGE]
    elsewhere = accepted_demand(village, A["village"], "蜜柚黄龙病求防控", "黄龙病严重。")
    type(elsewhere).all_objects.filter(pk=elsewhere.pk).update(is_public=True)
    with pytest.raises(ValidationError, match="不在实施地所在县"):
        register(market, demand_id=elsewhere.pk)
    hidden = accepted_demand(village, B["village"], "香蕉枯萎病求助", "内部处理中。")
    with pytest.raises(ValidationError, match="找不到该需求"):
        register(market, demand_id=hidden.pk)
    type(hidden).all_objects.filter(pk=hidden.pk).update(is_public=True, status=DemandStatus.SOLVED)
    with pytest.raises(ValidationError, match="只能关联受理后尚未解决的需求"):
        register(market, demand_id=hidden.pk)


def test_deals_at_or_above_the_threshold_are_published_once_registered(
    market: dict[str, Any], settings: Any
) -> None:
    settings.MARKET_PUBLICITY_THRESHOLD = Decimal("1000000")
    small = register(market)
    big = register(
        market,
        contract_number="2025440101000125",
        contract_value="1000000",
        payments=[services.PaymentRow(dt.date(2025, 7, 1), "1000000")],
    )
    assert (small.publicity, big.publicity) == (False, True)
    assert list(selectors.publicity_list()) == []
    for deal in (small, big):
        confirm(market, confirm(market, deal, "buyer_user"), "xuwen")
    assert list(selectors.publicity_list()) == [big]


def test_the_statistics_count_registered_deals_in_the_scope(market: dict[str, Any]) -> None:
    deal = confirm(market, confirm(market, register(market), "buyer_user"), "xuwen")
    register(market, contract_number="2025440101000126")  # waiting: not counted
    stats = selectors.deal_stats(user=market["province"])
    assert (stats["deals"], stats["value"], stats["achievements_in_counties"]) == (1, deal.contract_value, 1)
    assert {r["mode"]: r["deals"] for r in stats["by_mode"]}["licence"] == 1
    assert {r["band"]: r["deals"] for r in stats["by_band"]}["lt100k"] == 1
    assert {r["region"]: r["deals"] for r in stats["by_seller_region"]}["prd"] == 1
    assert {r["region"]: r["deals"] for r in stats["by_place_region"]}["west"] == 1
    assert stats["flows"] == [
        {
            "from_code": "4401",
            "from_name": "广州市",
            "to_code": "4408",
            "to_name": "湛江市",
            "deals": 1,
            "value": Decimal("80000.00"),
        }
    ]
    assert selectors.deal_stats(user=market["dabu"])["deals"] == 0
    assert selectors.deal_stats(user=market["xuwen"])["deals"] == 1
    assert selectors.deal_stats(user=market["other_user"])["deals"] == 0


BAD_TERMS = [
    ({"contract_value": "-5"}, "contract_value", "合同金额不能为负数"),
    ({"contract_value": "0"}, "contract_value", "合同金额须大于 0"),
    ({"contract_value": "1000000000000.01"}, "contract_value", "合同金额超过上限 1,000,000,000,000.00 元"),
    ({"contract_value": "1e13"}, "contract_value", "合同金额超过上限"),
    ({"contract_value": "八万"}, "contract_value", "合同金额须是数字（元）"),
    ({"contract_value": "NaN"}, "contract_value", "合同金额须是数字（元）"),
    ({"contract_value": "80000.005"}, "contract_value", "合同金额最多保留两位小数"),
    ({"contract_number": "2025-4401-0000-123"}, "contract_number", "应为 16 位数字"),
    ({"contract_number": "202544010000012X"}, "contract_number", "应为 16 位数字"),
    ({"contract_number": "2025110100000123"}, "contract_number", "应为广东省代码 44（现为 11）"),
    ({"contract_number": "2025449900000123"}, "contract_number", "第 7–8 位 99 不是广东省的地市代码"),
    ({"contract_number": "2025440100000000"}, "contract_number", "序号（后 6 位）不能全为 0"),
    ({"contract_number": "2024440100000123"}, "contract_number", "年份 2024 与登记日期 2025-06-01 不一致"),
    ({"place_code": "110101001000"}, "place", "实施地须在广东省内"),
    ({"place_code": "440000000000"}, "place", "不能是省“广东省”"),
    ({"place_code": B["city"]}, "place", "不能是地级市“湛江市”"),
    ({"place_code": "440825999999"}, "place", "找不到区划代码"),
    ({"place_code": ""}, "place", "请选择实施地"),
    ({"mode": "gift"}, "mode", "转化方式须是"),
    ({"title": "合同"}, "title", "合同名称至少 4 个字"),
    ({"registered_on": dt.date(2099, 1, 1)}, "registered_on", "登记日期不能晚于今天"),
    ({"registered_on": None}, "registered_on", "请填写登记日期"),
    ({"payments": []}, "payments", "请至少填写一期付款计划"),
    (
        {"payments": [services.PaymentRow(dt.date(2025, 7, 1), "79999.99")]},
        "payments",
        "付款计划合计 79,999.99 元，与合同金额 80,000.00 元不一致",
    ),
    (
        {
            "payments": [
                services.PaymentRow(dt.date(2025, 7, 1), "90000"),
                services.PaymentRow(dt.date(2025, 8, 1), "-10000"),
            ]
        },
        "payments.2",
        "第 2 期付款金额不能为负数",
    ),
    (
        {"payments": [services.PaymentRow(dt.date(2040, 7, 1), "80000")]},
        "payments.1",
        "与登记日期相距超过 10 年",
    ),
    ({"payments": [services.PaymentRow(None, "80000")]}, "payments.1", "请填写付款日期"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(
    ("values", "field", "message"), BAD_TERMS, ids=[b[1] + str(i) for i, b in enumerate(BAD_TERMS)]
)
def test_bad_terms_are_named_and_nothing_is_stored(
    market: dict[str, Any], values: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        register(market, **values)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert message in caught.value.message_dict[field][0]
    assert (Deal.all_objects.count(), DealPayment.objects.count(), DealEvent.objects.count()) == (0, 0, 0)


def test_a_correction_with_bad_terms_changes_nothing(market: dict[str, Any]) -> None:
    deal = register(market)
    before = (deal.version, deal.contract_value, list(deal.payments.values_list("amount", flat=True)))
    with pytest.raises(ValidationError, match="不一致"):
        services.deal_update(
            acting_user=market["seller_user"],
            deal_id=deal.pk,
            **terms(contract_value="100000", payments=[services.PaymentRow(dt.date(2025, 7, 1), "100")]),
        )
    deal.refresh_from_db()
    assert (deal.version, deal.contract_value, list(deal.payments.values_list("amount", flat=True))) == before


def test_the_parties_and_the_contract_number_are_checked(market: dict[str, Any]) -> None:
    register(market)
    with pytest.raises(ValidationError, match="已被另一笔交易登记"):
        register(market)
    with pytest.raises(ValidationError) as caught:
        register(market, contract_number="2025440101000200", buyer_uscc="91440000ABCDEFGH1X")
    assert caught.value.message_dict["buyer_uscc"][0].startswith("买方统一社会信用代码")
    with pytest.raises(ValidationError, match="请填写买方的统一社会信用代码"):
        register(market, contract_number="2025440101000203", buyer_uscc="")
    with pytest.raises(ValidationError, match="买方和卖方不能是同一单位"):
        register(market, contract_number="2025440101000201", buyer_uscc=market["seller"].uscc)
    with pytest.raises(ValidationError, match="平台上没有统一社会信用代码"):
        register(
            market,
            contract_number="2025440101000202",
            buyer_uscc=make_uscc(random.Random(99), kind="enterprise", division_code=B["county"]),
        )
    # Units, bureaus and villages that are no party cannot register; a private achievement of
    # another unit is not found.
    private = Achievement.all_objects.create(
        title="未公开的香蕉保鲜技术",
        abstract="内部。",
        maturity="pilot",
        ip_type="know_how",
        transfer_modes=["licence"],
        organisation=market["seller"],
        is_public=False,
    )
    with pytest.raises(ValidationError, match="找不到该科技成果"):
        services.deal_register(acting_user=market["buyer_user"], achievement_id=private.pk, **terms())
    with pytest.raises(ValidationError, match="找不到该科技成果"):
        services.deal_register(acting_user=market["buyer_user"], achievement_id=2**70, **terms())
    with pytest.raises(PermissionDenied):
        services.deal_register(
            acting_user=market["xuwen"], achievement_id=market["achievement"].pk, **terms()
        )
    assert Deal.all_objects.count() == 1
