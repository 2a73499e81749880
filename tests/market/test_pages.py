"""The market's pages: list, list a result, ask about it, register a deal from its listing with the
payment schedule, confirm and refuse by button, the 公示 and the statistics; the exports are audited
and write stored markup and formulas as text."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.core.models import AuditEvent
from baiqianwan.market.models import Deal, DealStatus, Enquiry, Listing

from ..conftest import B
from .conftest import NUMBER, listing_make, register

pytestmark = pytest.mark.django_db

WORST = '=HYPERLINK("http://x")<script>alert(1)</script>'


def deal_form(**values: Any) -> dict[str, Any]:
    data = {
        "title": "香蕉抗枯萎病品种推广许可合同",
        "mode": "licence",
        "contract_value": "80000.00",
        "place": B["village"],
        "contract_number": NUMBER,
        "registered_on": "2025-06-01",
        "p-TOTAL_FORMS": "3",
        "p-INITIAL_FORMS": "0",
        "p-0-due_on": "2025-06-15",
        "p-0-amount": "30000",
        "p-1-due_on": "2025-12-15",
        "p-1-amount": "50000",
    }
    return {**data, **values}


def test_a_unit_lists_and_another_asks(market: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    seller = client_for(market["seller_user"])
    assert "中蕉9号" in seller.get("/market/listings/new/").content.decode()
    response = seller.post(
        "/market/listings/new/",
        {
            "achievement": market["achievement"].pk,
            "mode": "licence",
            "price_min": "50000",
            "price_max": "-1",
            "authority": "已获植物新品种权，本校依法享有处置权。",
            "publish": "on",
        },
    )
    assert "最高价格不能为负数" in response.content.decode()
    response = seller.post(
        "/market/listings/new/",
        {
            "achievement": market["achievement"].pk,
            "mode": "licence",
            "price_min": "50000",
            "authority": "已获植物新品种权，本校依法享有处置权。",
            "licence_terms": WORST,
            "publish": "on",
        },
    )
    listing = Listing.all_objects.get()
    assert response.status_code == 302
    assert listing.status == "listed"
    buyer = client_for(market["buyer_user"])
    page = buyer.get(f"/market/listings/{listing.pk}/").content.decode()
    assert "咨询挂牌单位" in page
    assert "<script>alert(1)" not in page
    assert "登记购买" in page
    answered = buyer.post(
        f"/market/listings/{listing.pk}/", {"message": "合作社想引种，请问许可费和种苗供应？"}
    )
    enquiry = Enquiry.all_objects.get()
    assert answered["Location"] == f"/market/enquiries/{enquiry.pk}/"
    assert "回复" in seller.get(f"/market/enquiries/{enquiry.pk}/").content.decode()
    seller.post(f"/market/enquiries/{enquiry.pk}/", {"reply": "许可费 8 万元。"})
    enquiry.refresh_from_db()
    assert enquiry.status == "answered"
    listed = buyer.get(
        "/market/listings/", {"q": "中蕉", "mode": "licence", "region": "prd"}
    ).content.decode()
    assert "香蕉枯萎病抗病品种“<mark>中蕉</mark>9号”" in listed
    assert client_for(market["other_user"]).get(f"/market/enquiries/{enquiry.pk}/").status_code == 404


def test_the_buyer_registers_from_the_listing_and_the_bureau_confirms(
    market: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    listing = listing_make(market)
    buyer = client_for(market["buyer_user"])
    page = buyer.get("/market/deals/new/", {"listing": listing.pk}).content.decode()
    assert "买方统一社会信用代码" not in page
    assert "付款计划" in page
    coarse = buyer.post("/market/deals/new/", {**deal_form(place=B["city"]), "listing": listing.pk})
    assert "请选到县级或更细的区划" in coarse.content.decode()
    unbalanced = buyer.post(
        "/market/deals/new/", {**deal_form(**{"p-1-amount": "5000"}), "listing": listing.pk}
    )
    assert "付款计划合计 35,000.00 元，与合同金额 80,000.00 元不一致" in unbalanced.content.decode()
    assert not Deal.all_objects.exists()
    done = buyer.post("/market/deals/new/", {**deal_form(), "listing": listing.pk})
    deal = Deal.all_objects.get()
    assert done["Location"] == f"/market/deals/{deal.pk}/"
    assert (deal.registered_side, deal.listing, deal.payments.count()) == ("buyer", listing, 2)
    seller = client_for(market["seller_user"])
    assert "确认交易" in seller.get(f"/market/deals/{deal.pk}/").content.decode()
    refused = seller.post(f"/market/deals/{deal.pk}/steps/reject/", {"reason": ""}, follow=True)
    assert "原因：这个字段是必填项。" in refused.content.decode()
    seller.post(f"/market/deals/{deal.pk}/steps/confirm/", {"version": deal.version})
    county = client_for(market["xuwen"])
    assert "确认登记" in county.get(f"/market/deals/{deal.pk}/").content.decode()
    county.post(f"/market/deals/{deal.pk}/steps/confirm/")
    deal.refresh_from_db()
    assert deal.status == DealStatus.REGISTERED
    stats = county.get("/market/deals/stats/").content.decode()
    assert "广州市" in stats
    assert "湛江市" in stats
    assert client_for(market["dabu"]).get(f"/market/deals/{deal.pk}/").status_code == 404


def test_the_seller_corrects_a_refused_deal(
    market: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    deal = register(market)
    buyer, seller = client_for(market["buyer_user"]), client_for(market["seller_user"])
    buyer.post(f"/market/deals/{deal.pk}/steps/reject/", {"reason": "金额应为 9 万元"})
    deal.refresh_from_db()
    assert deal.status == "rejected"
    assert "金额应为 9 万元" in seller.get(f"/market/deals/{deal.pk}/").content.decode()
    form = seller.get(f"/market/deals/{deal.pk}/edit/").content.decode()
    assert market["buyer"].uscc in form
    seller.post(
        f"/market/deals/{deal.pk}/edit/",
        deal_form(
            contract_value="90000",
            buyer_uscc=market["buyer"].uscc,
            version=deal.version,
            **{"p-1-amount": "60000", "p-INITIAL_FORMS": "2"},  # the two instalments the page showed
        ),
    )
    deal.refresh_from_db()
    assert (deal.status, deal.contract_value) == ("party", 90000)
    assert client_for(market["other_user"]).get(f"/market/deals/{deal.pk}/edit/").status_code == 404


def test_exports_are_audited_and_write_text_only(
    market: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    listing_make(market, title=WORST + "香蕉")
    register(market, title=WORST + "合同")
    province = client_for(market["province"])
    for url, name in (("/market/listings/", "成果挂牌"), ("/market/deals/", "技术交易")):
        response = province.get(url, {"export": "xlsx"})
        book = load_workbook(io.BytesIO(response.content))
        cell = book.active["A2"] if name == "成果挂牌" else book.active["C2"]
        assert cell.value.startswith("=HYPERLINK"), name
        assert (cell.data_type, cell.quotePrefix) == ("s", True), name
        assert AuditEvent.objects.filter(kind="export", detail__startswith=f"导出{name} 1 条").exists()
    page = province.get("/market/deals/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_publicity_lists_registered_deals_from_the_threshold(
    market: dict[str, Any], client_for: Callable[[User], Client], settings: Any
) -> None:
    settings.MARKET_PUBLICITY_THRESHOLD = 50000
    deal = register(market)
    page = client_for(market["other_user"]).get("/market/deals/publicity/").content.decode()
    assert "暂无须公示的技术交易" in page
    Deal.all_objects.filter(pk=deal.pk).update(status=DealStatus.REGISTERED)
    page = client_for(market["other_user"]).get("/market/deals/publicity/").content.decode()
    assert NUMBER in page
    assert "80,000.00 元" in page
    assert "50,000 元" in page
