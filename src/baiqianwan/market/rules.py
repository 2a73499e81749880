"""Who may do what on the technology market: small predicates shared by services, pages and the API."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role
from baiqianwan.core.scope import scope_of

from .models import Deal, DealSide, DealStatus, Enquiry, Listing, ListingStatus

BUREAU_ROLES = (Role.CITY, Role.COUNTY)


def _org_user(user: Any) -> bool:
    return bool(user.is_authenticated and user.role == Role.ORG and user.organisation_id)


def can_manage(user: Any) -> bool:
    """The province keeps the market: it may enter a listing for any unit."""
    return bool(user.is_authenticated and user.is_province)


def speaks_for(user: Any, organisation_id: int | None) -> bool:
    """A unit's own accounts act for it on the market."""
    return _org_user(user) and user.organisation_id == organisation_id


def can_list(user: Any) -> bool:
    """Units list their achievements (or those they are authorised to); the province enters listings."""
    return _org_user(user) or can_manage(user)


def can_edit_listing(user: Any, listing: Listing) -> bool:
    if listing.status not in (ListingStatus.DRAFT, ListingStatus.LISTED):
        return False
    return speaks_for(user, listing.seller_id) or can_manage(user)


def can_enquire(user: Any, listing: Listing) -> bool:
    """Another unit's account asks about a listing on the market."""
    return (
        _org_user(user)
        and listing.status == ListingStatus.LISTED
        and user.organisation_id != listing.seller_id
    )


def can_reply(user: Any, enquiry: Enquiry) -> bool:
    return speaks_for(user, enquiry.listing.seller_id)


def can_register_deal(user: Any) -> bool:
    """A deal is registered by one of its parties: a unit's account."""
    return _org_user(user)


def side_of(user: Any, deal: Deal) -> str:
    """Which party the user speaks for ("seller", "buyer"), or "" for neither."""
    if speaks_for(user, deal.seller_id):
        return DealSide.SELLER
    if speaks_for(user, deal.buyer_id):
        return DealSide.BUYER
    return ""


def can_edit_deal(user: Any, deal: Deal) -> bool:
    """Either party corrects the deal until the other has confirmed it, or after a refusal."""
    return deal.status in (DealStatus.PARTY, DealStatus.REJECTED) and bool(side_of(user, deal))


def can_confirm_as_party(user: Any, deal: Deal) -> bool:
    """The side that did not register (or last change) the deal confirms it."""
    return deal.status == DealStatus.PARTY and side_of(user, deal) == deal.other_side


def bureau_covers(user: Any, deal: Deal) -> bool:
    """The county or city bureau of the place of implementation or of the seller; the province."""
    if can_manage(user):
        return True
    if not (user.is_authenticated and user.role in BUREAU_ROLES):
        return False
    scope = scope_of(user)
    return scope.covers(deal.place_id) or scope.covers(deal.seller.division_id)


def can_confirm_as_bureau(user: Any, deal: Deal) -> bool:
    return deal.status == DealStatus.BUREAU and bureau_covers(user, deal)


def can_reject(user: Any, deal: Deal) -> bool:
    """At each step, whoever would confirm it may send it back with a reason."""
    return can_confirm_as_party(user, deal) or can_confirm_as_bureau(user, deal)
