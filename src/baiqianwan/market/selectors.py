"""Reads of the technology market, each scoped to the user: listings, enquiries, deals, the 公示
list, the statistics (by mode, value band, region of the seller and of implementation, and the
flows from 珠三角 to 粤东西北) and the plan page's view of 三(二)一是."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from baiqianwan.core.money import ZERO
from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import normalise_query
from baiqianwan.plan.selectors import MeasureActivity
from baiqianwan.regions.classification import REGION_LABELS, Region, region_of
from baiqianwan.regions.models import Division
from baiqianwan.regions.selectors import region_q
from baiqianwan.supply.models import TransferMode

from .models import Deal, DealStatus, Enquiry, Listing, ListingStatus

PLACE_LEVELS = ("county", "town", "village")

# Value bands of the statistics, in 元: (key, label, lower bound inclusive, upper bound exclusive).
VALUE_BANDS = (
    ("lt100k", gettext_lazy("10 万元以下"), Decimal("0"), Decimal("100000")),
    ("100k_500k", gettext_lazy("10–50 万元"), Decimal("100000"), Decimal("500000")),
    ("500k_1m", gettext_lazy("50–100 万元"), Decimal("500000"), Decimal("1000000")),
    ("1m_5m", gettext_lazy("100–500 万元"), Decimal("1000000"), Decimal("5000000")),
    ("gt5m", gettext_lazy("500 万元及以上"), Decimal("5000000"), None),
)


# ---- listings ---------------------------------------------------------------------------------


def listing_list(
    *,
    user: Any,
    q: str = "",
    mode: str = "",
    industry: str = "",
    region: str = "",
    status: str = "",
    mine: bool | None = None,
) -> QuerySet[Listing]:
    """What the user may read: every listing on the market (or sold), and the drafts and withdrawn
    listings of their own unit and region; searched by title, filtered by mode, industry, region."""
    listings = Listing.objects.for_user(user).select_related(
        "achievement__industry", "seller__division__parent"
    )
    text = normalise_query(q)
    if text:
        listings = listings.filter(Q(title__contains=text) | Q(achievement__title__contains=text))
    if mode:
        listings = listings.filter(mode=mode)
    if industry:
        listings = listings.filter(
            Q(achievement__industry_id=industry) | Q(achievement__industry__parent_id=industry)
        )
    if region:
        listings = listings.filter(region_q("seller__division", region))
    if status:
        listings = listings.filter(status=status)
    if mine:
        listings = listings.filter(seller_id=getattr(user, "organisation_id", None) or 0)
    return listings.order_by("-listed_at", "-id")


def listing_get(*, user: Any, listing_id: Any) -> Listing | None:
    if not valid_id(listing_id):
        return None
    return (
        Listing.objects.for_user(user)
        .select_related(
            "achievement__industry", "achievement__organisation", "seller__division", "created_by"
        )
        .filter(pk=listing_id)
        .first()
    )


def listing_enquiries(*, user: Any, listing: Listing) -> QuerySet[Enquiry]:
    """The enquiries about a listing the user may read (the seller all of them, a unit its own)."""
    return enquiry_list(user=user).filter(listing=listing)


# ---- enquiries --------------------------------------------------------------------------------


def enquiry_list(*, user: Any, status: str = "") -> QuerySet[Enquiry]:
    enquiries = Enquiry.objects.for_user(user).select_related(
        "listing__seller", "organisation", "asked_by", "replied_by"
    )
    if status:
        enquiries = enquiries.filter(status=status)
    return enquiries.order_by("-created_at", "-id")


def enquiry_get(*, user: Any, enquiry_id: Any) -> Enquiry | None:
    return enquiry_list(user=user).filter(pk=enquiry_id).first() if valid_id(enquiry_id) else None


# ---- deals ------------------------------------------------------------------------------------


def deal_list(
    *,
    user: Any,
    q: str = "",
    mode: str = "",
    status: str = "",
    region: str = "",
    east_west_north: bool | None = None,
    publicity: bool | None = None,
) -> QuerySet[Deal]:
    deals = Deal.objects.for_user(user).select_related(
        "achievement", "seller", "buyer", "place__parent__parent"
    )
    text = normalise_query(q)
    if text:
        deals = deals.filter(
            Q(title__contains=text)
            | Q(contract_number__startswith=text)
            | Q(seller__name__contains=text)
            | Q(buyer__name__contains=text)
            | Q(achievement__title__contains=text)
        )
    if mode:
        deals = deals.filter(mode=mode)
    if status:
        deals = deals.filter(status=status)
    if region:
        deals = deals.filter(region_q("place", region))
    if east_west_north is not None:
        deals = deals.filter(in_east_west_north=east_west_north)
    if publicity is not None:
        deals = deals.filter(publicity=publicity)
    return deals.order_by("-registered_on", "-id")


def deal_get(*, user: Any, deal_id: Any) -> Deal | None:
    if not valid_id(deal_id):
        return None
    return (
        Deal.objects.for_user(user)
        .select_related(
            "achievement",
            "listing",
            "seller__division",
            "buyer__division",
            "place__parent__parent",
            "demand__division",
            "registered_by",
            "party_confirmed_by",
            "bureau_confirmed_by",
        )
        .prefetch_related("payments")
        .filter(pk=deal_id)
        .first()
    )


def deal_events(*, deal: Deal) -> QuerySet[Any]:
    return deal.events.select_related("actor")


def publicity_list() -> QuerySet[Deal]:
    """Registered deals at or above the 公示 value: what every signed-in user (and later the portal)
    reads — the parties, the achievement, the value, the place and the contract number."""
    return (
        Deal.all_objects.filter(status=DealStatus.REGISTERED, publicity=True)
        .select_related("achievement", "seller", "buyer", "place")
        .order_by("-bureau_confirmed_at", "-id")
    )


# ---- statistics -------------------------------------------------------------------------------


def _region_rows(totals: dict[str, list[Any]]) -> list[dict[str, Any]]:
    return [
        {"region": str(region), "label": str(gettext(REGION_LABELS[region])), "deals": n, "value": value}
        for region in Region
        for n, value in [totals.get(region, [0, ZERO])]
    ]


def deal_stats(*, user: Any) -> dict[str, Any]:
    """Registered deals in the user's scope by mode, value band, region of the seller and of the
    place of implementation, by city of implementation, and the flows from 珠三角 to 粤东西北."""
    deals = Deal.objects.for_user(user).filter(status=DealStatus.REGISTERED).order_by()
    totals = deals.aggregate(n=Count("id"), value=Sum("contract_value"))
    labels = dict(TransferMode.choices)
    by_mode = {
        row["mode"]: row for row in deals.values("mode").annotate(n=Count("id"), value=Sum("contract_value"))
    }
    bands = []
    for key, label, low, high in VALUE_BANDS:
        band = deals.filter(contract_value__gte=low)
        if high is not None:
            band = band.filter(contract_value__lt=high)
        found = band.aggregate(n=Count("id"), value=Sum("contract_value"))
        bands.append({"band": key, "label": str(label), "deals": found["n"], "value": found["value"] or ZERO})
    seller_regions: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    place_regions: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    place_cities: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    flows: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, ZERO])
    rows = (
        deals.annotate(seller_city=Substr("seller__division_id", 1, 4), place_city=Substr("place_id", 1, 4))
        .values("seller_city", "place_city")
        .annotate(n=Count("id"), value=Sum("contract_value"))
    )
    for row in rows:
        n, value = row["n"], row["value"] or ZERO
        seller, place = region_of(row["seller_city"]), region_of(row["place_city"])
        keys: list[tuple[dict[str, list[Any]], str | None]] = [
            (seller_regions, seller),
            (place_regions, place),
            (place_cities, row["place_city"]),
        ]
        for table, bucket in keys:
            if bucket is None:
                continue
            table[bucket][0] += n
            table[bucket][1] += value
        if seller == Region.PRD and place not in (None, Region.PRD):
            flows[(row["seller_city"], row["place_city"])][0] += n
            flows[(row["seller_city"], row["place_city"])][1] += value
    names = dict(Division.objects.filter(level="city").values_list("code", "name"))
    city = lambda prefix: names.get(f"{prefix}00000000", prefix)  # noqa: E731
    return {
        "deals": totals["n"],
        "value": totals["value"] or ZERO,
        "achievements_in_counties": deals.filter(place__level__in=PLACE_LEVELS)
        .values("achievement")
        .distinct()
        .count(),
        "east_west_north": deals.filter(in_east_west_north=True).count(),
        "by_mode": [
            {
                "mode": mode,
                "label": str(labels[mode]),
                "deals": by_mode.get(mode, {}).get("n", 0),
                "value": by_mode.get(mode, {}).get("value") or ZERO,
            }
            for mode in TransferMode.values
        ],
        "by_band": bands,
        "by_seller_region": _region_rows(seller_regions),
        "by_place_region": _region_rows(place_regions),
        "by_place_city": [
            {
                "code": prefix,
                "name": city(prefix),
                "region": str(gettext(REGION_LABELS[region_of(prefix)])),  # type: ignore[index]
                "deals": n,
                "value": value,
            }
            for prefix, (n, value) in sorted(place_cities.items())
        ],
        "flows": [
            {
                "from_code": a,
                "from_name": city(a),
                "to_code": b,
                "to_name": city(b),
                "deals": n,
                "value": value,
            }
            for (a, b), (n, value) in sorted(flows.items(), key=lambda item: (-item[1][0], item[0]))
        ],
    }


# ---- the plan page ----------------------------------------------------------------------------


def measure_activities(user: Any) -> dict[str, list[MeasureActivity]]:
    """三(二)一是 (培育科技成果交易市场): the listings on the market and the registered deals."""
    listed = Listing.all_objects.filter(status=ListingStatus.LISTED).count()
    registered = Deal.all_objects.filter(status=DealStatus.REGISTERED)
    if not listed and not registered.exists():
        return {}
    value = registered.aggregate(value=Sum("contract_value"))["value"] or ZERO
    return {
        "三(二)一是": [
            MeasureActivity(
                label=gettext("技术市场挂牌"),
                status=gettext("{n} 项挂牌中").format(n=listed),
                detail=gettext("已成交 {n} 项").format(
                    n=Listing.all_objects.filter(status=ListingStatus.SOLD).count()
                ),
                url=reverse("market:listings"),
            ),
            MeasureActivity(
                label=gettext("技术交易登记"),
                status=gettext("{n} 笔已登记").format(n=registered.count()),
                detail=gettext("合同金额 {value} 万元，其中在粤东西北实施 {ewn} 笔").format(
                    value=f"{(value / Decimal('10000')).quantize(Decimal('0.01')):,}",
                    ewn=registered.filter(in_east_west_north=True).count(),
                ),
                url=reverse("market:deals"),
            ),
        ]
    }
