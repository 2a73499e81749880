"""Who is told what as a listing is asked about and a deal moves. Called by services inside their
transaction; sent after the commit (core.notifications.notify_after_commit), never to the person
who acted."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.notifications import notify_after_commit

from .models import Deal, DealSide, Enquiry


def unit_users(organisation_id: int) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.ORG, organisation_id=organisation_id))


def bureau_users(deal: Deal) -> list[User]:
    """The county and city bureaus of the place of implementation and of the seller."""
    codes = set()
    for code in (deal.place_id, deal.seller.division_id):
        codes.add(f"{code[:6]}000000")
        codes.add(f"{code[:4]}00000000")
    return list(
        User.objects.filter(is_active=True, role__in=(Role.COUNTY, Role.CITY), division_id__in=sorted(codes))
    )


def _deal_url(deal: Deal) -> str:
    return reverse("market:deal", args=[deal.pk])


def enquiry_created(enquiry: Enquiry, *, actor: Any) -> None:
    notify_after_commit(
        unit_users(enquiry.listing.seller_id),
        actor=actor,
        title=f"收到挂牌咨询：{enquiry.listing.title}",
        body=f"{enquiry.organisation.name}：{enquiry.message[:300]}",
        url=reverse("market:enquiry", args=[enquiry.pk]),
    )


def enquiry_replied(enquiry: Enquiry, *, actor: Any) -> None:
    notify_after_commit(
        [enquiry.asked_by],
        actor=actor,
        title=f"挂牌单位已回复您的咨询：{enquiry.listing.title}",
        body=enquiry.reply[:300],
        url=reverse("market:enquiry", args=[enquiry.pk]),
    )


def deal_to_confirm(deal: Deal, *, actor: Any) -> None:
    other = deal.buyer_id if deal.registered_side == DealSide.SELLER else deal.seller_id
    notify_after_commit(
        unit_users(other),
        actor=actor,
        title=f"请确认技术交易：{deal.title}",
        body="合同金额 {value}，技术合同登记编号 {number}。请核对后确认或退回。".format(
            value=f"{deal.contract_value:,} 元", number=deal.contract_number
        ),
        url=_deal_url(deal),
    )


def deal_to_bureau(deal: Deal, *, actor: Any) -> None:
    notify_after_commit(
        bureau_users(deal),
        actor=actor,
        title=f"技术交易待确认：{deal.title}",
        body=f"买卖双方已确认，实施地 {deal.place.full_name}。请核对技术合同登记编号后确认。",
        url=_deal_url(deal),
    )


def deal_registered(deal: Deal, *, actor: Any) -> None:
    notify_after_commit(
        [*unit_users(deal.seller_id), *unit_users(deal.buyer_id)],
        actor=actor,
        title=f"技术交易已登记：{deal.title}",
        url=_deal_url(deal),
    )


def deal_rejected(deal: Deal, *, actor: Any) -> None:
    notify_after_commit(
        [*unit_users(deal.seller_id), *unit_users(deal.buyer_id)],
        actor=actor,
        title=f"技术交易被退回：{deal.title}",
        body=deal.return_reason,
        url=_deal_url(deal),
    )
