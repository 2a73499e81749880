"""What the portal reads: only what the platform publishes — the plan's live figures, lists in
their 公示 period, registered deals above the 公示 value, and aggregates by city and year. Nothing
here reads a record a signed-in user would need rights for."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear, Substr
from django.utils import timezone

from baiqianwan.calls.models import Call, CallStatus, Objection
from baiqianwan.calls.selectors import publicity_list
from baiqianwan.commissioners.rounds.models import (
    Assignment,
    AssignmentStatus,
    DispatchRound,
    RoundStatus,
)
from baiqianwan.core.text import normalise_query
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.market.models import Deal, DealStatus, Listing, ListingStatus
from baiqianwan.market.selectors import publicity_list as deal_publicity
from baiqianwan.plan.models import Goal, Kpi
from baiqianwan.plan.selectors import LIVE_KPIS
from baiqianwan.regions.classification import CITY_REGION, REGION_LABELS
from baiqianwan.regions.models import Division

# The figures the home page leads with, in this order (KPI codes of data/plan/plan.json).
HEADLINE = (
    "KPI-COMMISSIONERS-SERVING",
    "KPI-DEMANDS-RESOLVED",
    "KPI-TRANSFERS",
    "KPI-INNOVATIVE-TOWNS",
    "KPI-EWN-CARRIERS",
    "KPI-EWN-FIN-CENTRES",
    "KPI-EWN-TECH-CREDIT",
)
CACHE_SECONDS = 60


def _headline() -> list[dict[str, Any]]:
    kpis = {kpi.code: kpi for kpi in Kpi.objects.filter(code__in=HEADLINE)}
    year = timezone.localdate().year
    targets: dict[str, tuple[int, float]] = {}
    for goal in Goal.objects.filter(kpi_id__in=HEADLINE).order_by("year"):
        effective = goal.effective_target
        if effective is not None and goal.kpi_id and goal.kpi_id not in targets and goal.year >= year:
            targets[goal.kpi_id] = (goal.year, effective)
    rows = []
    for code in HEADLINE:
        kpi, compute = kpis.get(code), LIVE_KPIS.get(code)
        if kpi is None or compute is None:
            continue
        value = compute()
        target = targets.get(code)
        rows.append(
            {
                "code": code,
                "name": kpi.name,
                "unit": kpi.unit,
                "value": value,
                "target_year": target[0] if target else None,
                "target": target[1] if target else None,
                "share": min(100, round(value * 100 / target[1])) if target and target[1] else None,
            }
        )
    return rows


def headline() -> list[dict[str, Any]]:
    """The live figures, computed at most once a minute however many people open the page."""
    return cache.get_or_set("portal:headline", _headline, CACHE_SECONDS) or []


def _solved_by_city() -> list[dict[str, Any]]:
    solved = Q(status=DemandStatus.SOLVED) | Q(status=DemandStatus.CLOSED, solved_at__isnull=False)
    counts = dict(
        Demand.all_objects.filter(solved)
        .order_by()
        .annotate(city=Substr("division_id", 1, 4))
        .values_list("city")
        .annotate(n=Count("id"))
    )
    names = dict(Division.objects.filter(level="city").values_list("code", "name"))
    return [
        {
            "name": names.get(f"{prefix}00000000", prefix),
            "region": str(REGION_LABELS[region]),
            "value": counts.get(prefix, 0),
        }
        for prefix, region in sorted(CITY_REGION.items())
    ]


def solved_by_city() -> list[dict[str, Any]]:
    return cache.get_or_set("portal:solved_by_city", _solved_by_city, CACHE_SECONDS) or []


# ---- 公示 ---------------------------------------------------------------------------------------


def calls_in_publicity() -> list[Call]:
    """Lists in their 公示 period (拟立项、拟认定), newest first."""
    return list(Call.objects.filter(status=CallStatus.PUBLICITY).order_by("-publicity_ends", "-id"))


def call_in_publicity(call_id: int) -> Call | None:
    return Call.objects.filter(pk=call_id, status=CallStatus.PUBLICITY).first()


def call_list(call: Call) -> list[Any]:
    return publicity_list(call=call)


def deals_published() -> Any:
    return deal_publicity()


def objection_lookup(*, reference: Any, contact: Any) -> Objection | None:
    """An objection by its reference, only with the contact it was filed with."""
    code = str(reference or "").strip()[:30]
    given = "".join(str(contact or "").split())
    if not code or len(given) < 5:
        return None
    objection = Objection.objects.select_related("call").filter(reference=code).first()
    if objection is None or "".join(objection.contact.split()) != given:
        return None
    return objection


# ---- the market's listings ----------------------------------------------------------------------


def listings_published(*, q: str = "", mode: str = "") -> Any:
    """Listings on the market (挂牌中), as every signed-in user sees them; drafts, withdrawn and sold
    ones are not on the public side."""
    listings = Listing.all_objects.filter(status=ListingStatus.LISTED, is_public=True).select_related(
        "achievement__industry", "seller__division"
    )
    if q:
        text = normalise_query(q)
        listings = listings.filter(Q(title__icontains=text) | Q(achievement__title__icontains=text))
    if mode:
        listings = listings.filter(mode=mode)
    return listings.order_by("-listed_at", "-id")


def listing_published(listing_id: int) -> Listing | None:
    return listings_published().filter(pk=listing_id).first()


# ---- open data ----------------------------------------------------------------------------------


def open_data() -> dict[str, list[dict[str, Any]]]:
    """Published aggregates by city and year: solved demands (by the year solved) and registered
    deals (by the year registered, where implemented)."""
    names = dict(Division.objects.filter(level="city").values_list("code", "name"))
    solved = Q(status=DemandStatus.SOLVED) | Q(status=DemandStatus.CLOSED, solved_at__isnull=False)
    demands: dict[tuple[str, int], int] = defaultdict(int)
    for row in (
        Demand.all_objects.filter(solved, solved_at__isnull=False)
        .order_by()
        .annotate(city=Substr("division_id", 1, 4), year=ExtractYear("solved_at"))
        .values("city", "year")
        .annotate(n=Count("id"))
    ):
        demands[(row["city"], row["year"])] += row["n"]
    deals = (
        Deal.all_objects.filter(status=DealStatus.REGISTERED)
        .order_by()
        .annotate(city=Substr("place_id", 1, 4), year=ExtractYear("registered_on"))
        .values("city", "year")
        .annotate(n=Count("id"), value=Sum("contract_value"))
        .order_by("city", "year")
    )

    def city(prefix: str) -> dict[str, str]:
        region = CITY_REGION.get(prefix)
        return {
            "city_code": f"{prefix}00000000",
            "city": names.get(f"{prefix}00000000", prefix),
            "region": str(REGION_LABELS[region]) if region else "",
        }

    return {
        "demands_solved": [
            {**city(prefix), "year": year, "solved": n} for (prefix, year), n in sorted(demands.items())
        ],
        "deals_registered": [
            {**city(row["city"]), "year": row["year"], "deals": row["n"], "value_yuan": str(row["value"])}
            for row in deals
        ],
    }


# ---- the commissioner dispatch list ------------------------------------------------------------

# Who is on a published dispatch list: invited, serving or served their term (not those who
# declined, withdrew or were recalled).
DISPATCH_LISTED = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED)


def dispatch_rounds() -> list[DispatchRound]:
    """Published dispatch rounds, newest first, with how many commissioners each lists."""
    return list(
        DispatchRound.all_objects.filter(status=RoundStatus.PUBLISHED)
        .annotate(
            listed=Count(
                "assignments",
                filter=Q(assignments__published=True, assignments__status__in=DISPATCH_LISTED),
            )
        )
        .order_by("-year", "-id")
    )


def dispatch_round(round_id: int) -> DispatchRound | None:
    return DispatchRound.all_objects.filter(pk=round_id, status=RoundStatus.PUBLISHED).first()


def dispatch_list(dispatch_round: DispatchRound, *, city: str = "") -> Any:
    """The published list: name, sending unit, town served, leader — nothing personal beyond that."""
    rows = (
        Assignment.all_objects.filter(round=dispatch_round, published=True, status__in=DISPATCH_LISTED)
        .select_related("nomination__expert__person", "nomination__organisation", "need__town__parent")
        .order_by("need__town_id", "-leader", "nomination__expert__person__name")
    )
    if city:
        rows = rows.filter(need__town_id__startswith=city[:4])
    return rows


# ---- 典型案例, 通报表扬, policies -------------------------------------------------------------------


def city_choices() -> list[tuple[str, str]]:
    names = dict(Division.objects.filter(level="city").values_list("code", "name"))
    return [(prefix, names.get(f"{prefix}00000000", prefix)) for prefix in sorted(CITY_REGION)]
