"""Listings and enquiries: a unit lists its achievement (or one it is authorised to), drafts stay
with the seller and its bureaus, the market is read by everyone; other units ask, the seller's
accounts are told and answer."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.concurrency import ConflictError
from baiqianwan.core.models import Notification
from baiqianwan.market import selectors, services
from baiqianwan.market.models import Enquiry, Listing, ListingStatus
from baiqianwan.orgs.models import Organisation

from ..conftest import A
from .conftest import listing_make

pytestmark = pytest.mark.django_db


def test_a_unit_lists_its_achievement_and_the_market_reads_it(market: dict[str, Any]) -> None:
    draft = listing_make(market, publish=False, title="", price_min="", price_max="")
    assert (draft.status, draft.is_public, draft.title, draft.negotiable) == (
        ListingStatus.DRAFT,
        False,
        "香蕉枯萎病抗病品种“中蕉9号”",
        True,
    )
    # A draft: the seller and its district's bureau, not another unit or another county.
    assert selectors.listing_get(user=market["seller_user"], listing_id=draft.pk) == draft
    assert selectors.listing_get(user=market["tianhe"], listing_id=draft.pk) == draft
    assert selectors.listing_get(user=market["buyer_user"], listing_id=draft.pk) is None
    assert selectors.listing_get(user=market["dabu"], listing_id=draft.pk) is None
    listed = services.listing_publish(
        acting_user=market["seller_user"], listing_id=draft.pk, version=draft.version
    )
    assert listed.status == ListingStatus.LISTED
    assert listed.listed_at is not None
    for who in ("buyer_user", "dabu", "other_user"):
        assert selectors.listing_get(user=market[who], listing_id=draft.pk) == listed
    assert list(selectors.listing_list(user=market["buyer_user"], q="中蕉")) == [listed]
    assert list(selectors.listing_list(user=market["buyer_user"], q="荔枝")) == []
    assert list(selectors.listing_list(user=market["buyer_user"], mode="licence", industry="FRUIT")) == [
        listed
    ]
    assert list(selectors.listing_list(user=market["buyer_user"], region="prd")) == [listed]
    assert list(selectors.listing_list(user=market["buyer_user"], region="4401")) == [listed]
    assert list(selectors.listing_list(user=market["buyer_user"], region="north")) == []
    with pytest.raises(ConflictError):
        services.listing_update(
            acting_user=market["seller_user"], listing_id=draft.pk, version=draft.version, price_min="60000"
        )
    listed = services.listing_update(
        acting_user=market["seller_user"], listing_id=draft.pk, price_min="60000", price_max="90000"
    )
    assert (listed.price_min, listed.price_max) == (Decimal("60000.00"), Decimal("90000.00"))
    withdrawn = services.listing_withdraw(
        acting_user=market["seller_user"], listing_id=draft.pk, reason="已独占许可"
    )
    assert (withdrawn.status, withdrawn.is_public) == (ListingStatus.WITHDRAWN, False)
    assert selectors.listing_get(user=market["buyer_user"], listing_id=draft.pk) is None
    assert [e.action for e in withdrawn.events.all()] == ["create", "publish", "edit", "withdraw"]
    with pytest.raises(ValidationError, match="不能撤牌"):
        services.listing_withdraw(acting_user=market["seller_user"], listing_id=draft.pk, reason="再次撤牌")


def test_only_the_seller_changes_a_listing(market: dict[str, Any]) -> None:
    listing = listing_make(market)
    for who in ("buyer_user", "xuwen", "tianhe"):
        with pytest.raises(PermissionDenied):
            services.listing_update(acting_user=market[who], listing_id=listing.pk, title="别人的修改")
        with pytest.raises(PermissionDenied):
            services.listing_withdraw(acting_user=market[who], listing_id=listing.pk, reason="别人撤牌")
    with pytest.raises(PermissionDenied):
        services.listing_create(
            acting_user=market["seller_user"],
            achievement_id=market["achievement"].pk,
            seller_id=market["buyer"].pk,
            mode="service",
            authority="冒用其他单位的名义挂牌。",
        )
    with pytest.raises(PermissionDenied):
        services.listing_create(
            acting_user=market["dabu"], achievement_id=market["achievement"].pk, mode="service", authority="x"
        )


def test_an_agency_lists_by_authority_and_the_province_for_any_unit(
    market: dict[str, Any], make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    agency = make_org("广东华南技术转移中心有限公司", "enterprise", "440106000000")
    agent = make_user(Role.ORG, organisation=agency)
    with pytest.raises(ValidationError, match="请写明授权情况"):
        services.listing_create(
            acting_user=agent,
            achievement_id=market["achievement"].pk,
            mode="licence",
            authority="我们有授权。",
        )
    listing = services.listing_create(
        acting_user=agent,
        achievement_id=market["achievement"].pk,
        mode="licence",
        authority="受华南农业大学委托代理该品种的许可事宜，委托书编号 WT2025-007，有效期至 2027-12-31。",
        publish=True,
    )
    assert listing.seller == agency
    with pytest.raises(ValidationError, match="已有同一转化方式的挂牌"):
        listing_make(market)
    by_province = services.listing_create(
        acting_user=market["province"],
        achievement_id=market["achievement"].pk,
        mode="assignment",
        authority="已获植物新品种权，学校同意整体转让。",
    )
    assert by_province.seller == market["seller"]
    assert by_province.created_by == market["province"]


BAD_LISTINGS = [
    ({"price_min": "-1"}, "price_min", "最低价格不能为负数"),
    ({"price_max": "1000000000001"}, "price_max", "最高价格超过上限"),
    ({"price_min": "90000", "price_max": "80000"}, "price_max", "最高价格不能低于最低价格"),
    ({"price_min": "abc"}, "price_min", "最低价格须是数字（元）"),
    ({"mode": "lease"}, "mode", "转化方式须是"),
    ({"authority": "有"}, "authority", "请说明成果权属"),
    ({"title": "新品"}, "title", "挂牌名称至少 4 个字"),
    ({"achievement_id": 0}, "achievement", "找不到该科技成果"),
]


@pytest.mark.parametrize(("values", "field", "message"), BAD_LISTINGS)
def test_bad_listings_are_named_and_nothing_is_stored(
    market: dict[str, Any], values: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        listing_make(market, **values)
    assert message in caught.value.message_dict[field][0]
    assert Listing.all_objects.count() == 0


def test_units_ask_and_the_seller_answers(market: dict[str, Any], make_user: Callable[..., User]) -> None:
    listing = listing_make(market)
    colleague = make_user(Role.ORG, organisation=market["seller"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        enquiry = services.enquiry_create(
            acting_user=market["buyer_user"],
            listing_id=listing.pk,
            message="合作社有香蕉地 600 亩，想引种，请问许可费和种苗供应方式？",
        )
    assert {n.user for n in Notification.objects.filter(title__startswith="收到挂牌咨询")} == {
        market["seller_user"],
        colleague,
    }
    with pytest.raises(ValidationError, match="不能咨询本单位的挂牌"):
        services.enquiry_create(
            acting_user=colleague, listing_id=listing.pk, message="本单位自己咨询自己的挂牌"
        )
    with pytest.raises(ValidationError) as caught:
        services.enquiry_create(acting_user=market["other_user"], listing_id=listing.pk, message="多少钱")
    assert "message" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.enquiry_create(
            acting_user=market["xuwen"], listing_id=listing.pk, message="科技局不作为买方咨询。"
        )
    # The enquiry: the two units and their bureaus, not a third unit.
    assert selectors.enquiry_get(user=market["other_user"], enquiry_id=enquiry.pk) is None
    assert selectors.enquiry_get(user=market["xuwen"], enquiry_id=enquiry.pk) == enquiry
    assert selectors.enquiry_get(user=market["dabu"], enquiry_id=enquiry.pk) is None
    with pytest.raises(PermissionDenied):
        services.enquiry_reply(acting_user=market["buyer_user"], enquiry_id=enquiry.pk, reply="自问自答")
    with TestCase.captureOnCommitCallbacks(execute=True):
        answered = services.enquiry_reply(
            acting_user=colleague, enquiry_id=enquiry.pk, reply="许可费 8 万元，提供组培苗和两次现场培训。"
        )
    assert (answered.status, answered.replied_by) == ("answered", colleague)
    assert Notification.objects.filter(user=market["buyer_user"], title__startswith="挂牌单位已回复").exists()
    services.listing_withdraw(acting_user=market["seller_user"], listing_id=listing.pk, reason="暂停挂牌")
    with pytest.raises(ValidationError, match="找不到该挂牌"):
        services.enquiry_create(
            acting_user=market["other_user"], listing_id=listing.pk, message="撤牌以后还能咨询吗？"
        )
    assert Enquiry.all_objects.count() == 1


def test_markup_and_formulas_are_kept_as_text(market: dict[str, Any]) -> None:
    listing = listing_make(market, licence_terms='=HYPERLINK("http://x")<script>alert(1)</script>')
    assert listing.licence_terms == '=HYPERLINK("http://x")<script>alert(1)</script>'
    enquiry = services.enquiry_create(
        acting_user=market["buyer_user"], listing_id=listing.pk, message="<b>加粗</b>=1+1 请问价格？合作社"
    )
    assert enquiry.message == "<b>加粗</b>=1+1 请问价格？合作社"
    assert Listing.all_objects.filter(pk=listing.pk, seller__division_id__startswith=A["city"][:2]).exists()
