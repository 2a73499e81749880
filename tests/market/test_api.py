"""The market over the API: every step of a deal, version checks, and bad input answered with a 422
naming the field in Chinese (never a 500), with nothing stored; other units' records are not found."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.market.models import Deal, DealPayment, Enquiry, Listing
from baiqianwan.supply.models import Achievement

from ..conftest import B
from .conftest import NUMBER, listing_make

pytestmark = pytest.mark.django_db

DEAL = {
    "title": "香蕉抗枯萎病品种推广许可合同",
    "mode": "licence",
    "contract_value": "80000.00",
    "place_code": B["village"],
    "contract_number": NUMBER,
    "registered_on": "2025-06-01",
    "payments": [{"due_on": "2025-06-15", "amount": "30000"}, {"due_on": "2025-12-15", "amount": 50000}],
}


def post(client: Client, url: str, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_a_deal_goes_through_every_step(market: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    listing = listing_make(market)
    buyer, seller, county = (client_for(market[k]) for k in ("buyer_user", "seller_user", "xuwen"))
    enquiry = post(
        buyer, "/api/v1/market/enquiries", {"listing_id": listing.pk, "message": "请问许可费用和种苗供应？"}
    )
    assert enquiry.status_code == 201, enquiry.content
    reply = post(
        seller, f"/api/v1/market/enquiries/{enquiry.json()['id']}/reply", {"reply": "许可费 8 万元。"}
    )
    assert reply.json()["status"] == "answered"
    made = post(buyer, "/api/v1/market/deals", {**DEAL, "listing_id": listing.pk})
    assert made.status_code == 201, made.content
    deal = made.json()
    assert (deal["status"], deal["registered_side"], deal["seller_name"]) == (
        "party",
        "buyer",
        "华南农业大学",
    )
    assert [p["amount"] for p in deal["payments"]] == ["30000.00", "50000.00"]
    url = f"/api/v1/market/deals/{deal['id']}"
    stale = post(seller, f"{url}/confirm", {}, HTTP_IF_MATCH='"7"')
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    confirmed = post(seller, f"{url}/confirm", {"version": deal["version"]})
    assert confirmed.json()["status"] == "bureau"
    assert post(client_for(market["dabu"]), f"{url}/confirm", {}).status_code == 404
    registered = post(county, f"{url}/confirm", {}, HTTP_IF_MATCH=f'"{confirmed.json()["version"]}"')
    assert registered.json()["status"] == "registered"
    assert [e["action"] for e in registered.json()["events"]] == ["register", "confirm", "bureau"]
    assert county.get("/api/v1/market/deals/stats").json()["deals"] == 1
    assert buyer.get("/api/v1/market/listings", {"status": "sold"}).json()["items"][0]["id"] == listing.pk
    publicity = buyer.get("/api/v1/market/deals/publicity").json()
    assert publicity["count"] == 0  # below 100 万元


def test_a_rejected_deal_is_corrected_with_put(
    market: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    seller, buyer = client_for(market["seller_user"]), client_for(market["buyer_user"])
    deal = post(
        seller,
        "/api/v1/market/deals",
        {**DEAL, "achievement_id": market["achievement"].pk, "buyer_uscc": market["buyer"].uscc},
    ).json()
    url = f"/api/v1/market/deals/{deal['id']}"
    missing = post(buyer, f"{url}/reject", {})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    rejected = post(buyer, f"{url}/reject", {"reason": "付款日期与合同不符"}).json()
    assert (rejected["status"], rejected["return_reason"]) == ("rejected", "付款日期与合同不符")
    body = {**DEAL, "payments": [{"due_on": "2025-07-01", "amount": "80000"}], "version": rejected["version"]}
    corrected = seller.put(url, data=json.dumps(body), content_type="application/json")
    assert corrected.status_code == 200, corrected.content
    assert (corrected.json()["status"], len(corrected.json()["payments"])) == ("party", 1)


BAD = [
    ({"contract_value": "-100"}, "contract_value", "合同金额不能为负数"),
    ({"contract_value": 1e400}, "contract_value", None),
    ({"contract_value": "2000000000000"}, "contract_value", "合同金额超过上限"),
    ({"contract_number": "ABC"}, "contract_number", "技术合同登记编号应为 16 位数字"),
    ({"place_code": "310101000000"}, "place", "实施地须在广东省内"),
    ({"place_code": "440800000000"}, "place", "不能是地级市"),
    ({"payments": [{"due_on": "2025-07-01", "amount": "1"}]}, "payments", "与合同金额 80,000.00 元不一致"),
    ({"payments": [{"due_on": "2025-07-01", "amount": "-80000"}]}, "payments.1", "第 1 期付款金额不能为负数"),
    ({"payments": [{"due_on": "明年", "amount": "80000"}]}, "payments.0.due_on", "应为日期"),
    ({"registered_on": "2025-13-01"}, "registered_on", "应为日期"),
    ({"demand_id": 2**62}, "demand", "找不到该需求"),
    ({"demand_id": 2**64}, "demand_id", "过大"),
    ({"achievement_id": 2**62}, "achievement", "找不到该科技成果"),
    ({"listing_id": 2**62}, "listing", "找不到该挂牌"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_is_a_422_naming_the_field_and_stores_nothing(
    market: dict[str, Any],
    client_for: Callable[[User], Client],
    change: dict[str, Any],
    field: str,
    message: str | None,
) -> None:
    body = {**DEAL, "achievement_id": market["achievement"].pk, "buyer_uscc": market["buyer"].uscc, **change}
    response = post(client_for(market["seller_user"]), "/api/v1/market/deals", body)
    assert response.status_code == 422, response.content
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert field in errors, errors
    if message:
        assert message in errors[field]
    assert (Deal.all_objects.count(), DealPayment.objects.count()) == (0, 0)


def test_other_units_records_are_not_found(
    market: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    private = Achievement.all_objects.create(
        title="未公开的保鲜技术",
        abstract="内部。",
        maturity="pilot",
        ip_type="know_how",
        transfer_modes=["licence"],
        organisation=market["seller"],
        is_public=False,
    )
    draft = listing_make(market, publish=False)
    other = client_for(market["other_user"])
    body = {**DEAL, "achievement_id": private.pk}
    assert post(other, "/api/v1/market/deals", body).json()["errors"][0]["field"] == "achievement"
    assert post(other, "/api/v1/market/deals", {**DEAL, "listing_id": draft.pk}).status_code == 422
    assert other.get(f"/api/v1/market/listings/{draft.pk}").status_code == 404
    assert other.get(f"/api/v1/market/listings/{2**63 + 9}").status_code == 404
    listing = post(
        other,
        "/api/v1/market/listings",
        {"achievement_id": private.pk, "mode": "licence", "authority": "冒用他人成果挂牌，声称有授权。"},
    )
    assert listing.status_code == 422
    assert listing.json()["errors"][0]["field"] == "achievement"
    enquiry = post(
        other, "/api/v1/market/enquiries", {"listing_id": draft.pk, "message": "能看到草稿吗？请回复"}
    )
    assert enquiry.status_code == 422
    assert enquiry.json()["errors"][0]["field"] == "listing"
    assert other.get("/api/v1/market/deals/999999").status_code == 404
    assert (
        other.patch(
            f"/api/v1/market/listings/{draft.pk}",
            data=json.dumps({"title": "改别人的"}),
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (Listing.all_objects.count(), Enquiry.all_objects.count(), Deal.all_objects.count()) == (1, 0, 0)


def test_listing_prices_patch_and_clear(market: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    seller = client_for(market["seller_user"])
    listing = listing_make(market)
    url = f"/api/v1/market/listings/{listing.pk}"
    negotiable = seller.patch(
        url, data=json.dumps({"price_min": None, "price_max": None}), content_type="application/json"
    )
    assert (negotiable.json()["price_min"], negotiable.json()["price_max"]) == (None, None)
    bad = seller.patch(url, data=json.dumps({"price_min": "-5"}), content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "price_min", "message": "最低价格不能为负数"}]
    refused = seller.patch(url, data=json.dumps({"title": None}), content_type="application/json")
    assert refused.status_code == 422
    withdrawn = post(seller, f"{url}/withdraw", {"reason": "转为独占许可"})
    assert withdrawn.json()["status"] == "withdrawn"
    assert post(seller, f"{url}/publish", {}).json()["errors"] == [
        {"field": "", "message": "只有草稿可以挂牌（现为“已撤牌”）"}
    ]
