"""Reads of the sub-funds and the 上市后备 pool, each scoped to the user: sub-funds with what the user
may see of their investments, the investments with totals by region and by year, the pool with its
count table (city × stage), and the plan page's view of 三(三)一是 and 三是."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, Substr
from django.urls import reverse
from django.utils.translation import gettext

from baiqianwan.core.money import ZERO
from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import normalise_query
from baiqianwan.plan.selectors import MeasureActivity
from baiqianwan.regions.classification import REGION_LABELS, Region, region_of

from ..filters import city_names, region_q
from ..models import Investment, ReserveEnterprise, ReserveEvent, ReserveService, ReserveStage, SubFund

# ---- sub-funds --------------------------------------------------------------------------------


def fund_list(
    *, user: Any, q: str = "", focus_region: str = "", mine: bool | None = None
) -> QuerySet[SubFund]:
    """Every public sub-fund (and the manager's own); each with the count and sum of the
    investments the user may see (a bank sees the fund, not whom it invested in)."""
    funds = SubFund.objects.for_user(user).select_related("manager")
    text = normalise_query(q)
    if text:
        funds = funds.filter(
            Q(name__contains=text) | Q(manager__name__contains=text) | Q(focus_fields__contains=text)
        )
    if focus_region:
        funds = funds.filter(focus_region=focus_region)
    if mine:
        funds = funds.filter(manager_id=getattr(user, "organisation_id", None) or 0)
    return funds.order_by("-established_on", "name", "id")


def visible_investment_totals(*, user: Any, funds: list[SubFund]) -> dict[int, dict[str, Any]]:
    """For each fund, the investments the user may see: count, sum, how many in 粤东西北."""
    rows = (
        Investment.objects.for_user(user)
        .filter(fund__in=[f.pk for f in funds])
        .order_by()
        .values("fund")
        .annotate(n=Count("id"), value=Sum("amount"), ewn=Count("id", filter=Q(in_east_west_north=True)))
    )
    return {row["fund"]: {"n": row["n"], "value": row["value"] or ZERO, "ewn": row["ewn"]} for row in rows}


def fund_totals(*, user: Any, funds: QuerySet[SubFund]) -> dict[str, Any]:
    found = funds.order_by().aggregate(n=Count("id"), size=Sum("size"), share=Sum("province_share"))
    invested = (
        Investment.objects.for_user(user)
        .filter(fund__in=funds.values("pk"))
        .aggregate(n=Count("id"), value=Sum("amount"))
    )
    return {
        "funds": found["n"],
        "size": found["size"] or ZERO,
        "province_share": found["share"] or ZERO,
        "investments": invested["n"],
        "invested": invested["value"] or ZERO,
    }


def fund_get(*, user: Any, fund_id: Any) -> SubFund | None:
    if not valid_id(fund_id):
        return None
    return (
        SubFund.objects.for_user(user)
        .select_related("manager__division", "created_by")
        .filter(pk=fund_id)
        .first()
    )


# ---- investments ------------------------------------------------------------------------------


def investment_list(
    *,
    user: Any,
    fund: SubFund | None = None,
    q: str = "",
    round: str = "",
    region: str = "",
    year: int | None = None,
    east_west_north: bool | None = None,
    for_transfer: bool | None = None,
) -> QuerySet[Investment]:
    """The investments the user may see: the manager its funds', the enterprise its own, the
    bureaus those in their region, the province all."""
    investments = Investment.objects.for_user(user).select_related(
        "fund", "enterprise__division__parent", "industry", "achievement"
    )
    if fund is not None:
        investments = investments.filter(fund=fund)
    text = normalise_query(q)
    if text:
        investments = investments.filter(
            Q(enterprise__name__contains=text) | Q(field__contains=text) | Q(fund__name__contains=text)
        )
    if round:
        investments = investments.filter(round=round)
    if region:
        investments = investments.filter(region_q("enterprise__division", region))
    if year:
        investments = investments.filter(invested_on__year=year)
    if east_west_north is not None:
        investments = investments.filter(in_east_west_north=east_west_north)
    if for_transfer is not None:
        investments = investments.filter(for_transfer=for_transfer)
    return investments.order_by("-invested_on", "-id")


def investment_get(*, user: Any, investment_id: Any) -> Investment | None:
    if not valid_id(investment_id):
        return None
    return (
        Investment.objects.for_user(user)
        .select_related("fund__manager", "enterprise__division", "industry", "achievement", "recorded_by")
        .filter(pk=investment_id)
        .first()
    )


def investment_stats(*, user: Any, fund: SubFund | None = None) -> dict[str, Any]:
    """Totals of the investments in view by region of the enterprise (珠三角/粤东/粤西/粤北) and by year."""
    investments = investment_list(user=user, fund=fund).order_by()
    totals = investments.aggregate(n=Count("id"), value=Sum("amount"))
    regions: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    for row in (
        investments.annotate(city=Substr("enterprise__division_id", 1, 4))
        .values("city")
        .annotate(n=Count("id"), value=Sum("amount"))
    ):
        region = region_of(row["city"])
        if region is not None:
            regions[region][0] += row["n"]
            regions[region][1] += row["value"] or ZERO
    years = (
        investments.annotate(year=ExtractYear("invested_on"))
        .values("year")
        .annotate(
            n=Count("id"),
            value=Sum("amount"),
            ewn=Sum("amount", filter=Q(in_east_west_north=True)),
            transfer=Count("id", filter=Q(for_transfer=True)),
        )
        .order_by("year")
    )
    return {
        "investments": totals["n"],
        "value": totals["value"] or ZERO,
        "east_west_north": investments.filter(in_east_west_north=True).count(),
        "for_transfer": investments.filter(for_transfer=True).count(),
        "by_region": [
            {
                "region": str(region),
                "label": str(gettext(REGION_LABELS[region])),
                "investments": regions[region][0] if region in regions else 0,
                "value": regions[region][1] if region in regions else ZERO,
            }
            for region in Region
        ],
        "by_year": [
            {
                "year": row["year"],
                "investments": row["n"],
                "value": row["value"] or ZERO,
                "east_west_north_value": row["ewn"] or ZERO,
                "for_transfer": row["transfer"],
            }
            for row in years
        ],
    }


# ---- the 上市后备 pool -----------------------------------------------------------------------------


def reserve_list(
    *,
    user: Any,
    q: str = "",
    stage: str = "",
    region: str = "",
    exited: bool | None = None,
) -> QuerySet[ReserveEnterprise]:
    entries = ReserveEnterprise.objects.for_user(user).select_related(
        "enterprise__division__parent", "recommended_by"
    )
    text = normalise_query(q)
    if text:
        entries = entries.filter(Q(enterprise__name__contains=text) | Q(target_board__contains=text))
    if stage:
        entries = entries.filter(stage=stage)
    if region:
        entries = entries.filter(region_q("enterprise__division", region))
    if exited is not None:
        entries = entries.filter(exited=exited)
    return entries.order_by("-recommended_on", "-id")


def reserve_get(*, user: Any, entry_id: Any) -> ReserveEnterprise | None:
    if not valid_id(entry_id):
        return None
    return (
        ReserveEnterprise.objects.for_user(user)
        .select_related("enterprise__division__parent", "recommended_by")
        .filter(pk=entry_id)
        .first()
    )


def reserve_services(*, entry: ReserveEnterprise) -> QuerySet[ReserveService]:
    return entry.services.select_related("recorded_by").order_by("-given_on", "-id")


def reserve_events(*, entry: ReserveEnterprise) -> QuerySet[ReserveEvent]:
    return entry.events.select_related("actor").order_by("at", "id")


def reserve_table(*, user: Any) -> dict[str, Any]:
    """The pool in the user's view as a count table: a row per city, a column per stage (entries
    still in the pool), with the exits, each region's subtotal and the total."""
    entries = ReserveEnterprise.objects.for_user(user).order_by()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        entries.annotate(city=Substr("enterprise__division_id", 1, 4))
        .values("city", "stage", "exited")
        .annotate(n=Count("id"))
    ):
        counts[row["city"]]["exited" if row["exited"] else row["stage"]] += row["n"]
    names = city_names()
    stages = list(ReserveStage.values)
    rows: list[dict[str, Any]] = []
    by_region: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for city in sorted(counts, key=lambda c: (list(Region).index(region_of(c) or Region.PRD), c)):
        region = region_of(city)
        cells = [counts[city].get(stage, 0) for stage in stages]
        rows.append(
            {
                "code": city,
                "name": names.get(city, city),
                "region": str(gettext(REGION_LABELS[region])) if region else "",
                "stages": cells,
                "total": sum(cells),
                "exited": counts[city].get("exited", 0),
            }
        )
        if region is not None:
            for stage, n in zip(stages, cells, strict=True):
                by_region[region][stage] += n
    totals = [sum(row["stages"][i] for row in rows) for i in range(len(stages))]
    return {
        "stages": [{"stage": s.value, "label": str(s.label)} for s in ReserveStage],
        "rows": rows,
        "regions": [
            {
                "region": str(region),
                "label": str(gettext(REGION_LABELS[region])),
                "stages": [by_region[region].get(stage, 0) for stage in stages],
                "total": sum(by_region[region].values()),
            }
            for region in Region
        ],
        "totals": totals,
        "total": sum(totals),
        "exited": sum(row["exited"] for row in rows),
    }


# ---- the plan page ----------------------------------------------------------------------------


def measure_activities(user: Any) -> dict[str, list[MeasureActivity]]:
    """三(三)一是 (省创新创业基金 sub-funds and their investments) and the pool of 三(三)三是."""
    found: dict[str, list[MeasureActivity]] = {}
    funds = SubFund.all_objects.count()
    if funds:
        investments = Investment.all_objects.aggregate(
            n=Count("id"), value=Sum("amount"), ewn=Count("id", filter=Q(in_east_west_north=True))
        )
        value = (investments["value"] or ZERO) / Decimal("10000")
        found["三(三)一是"] = [
            MeasureActivity(
                label=gettext("省创新创业基金子基金"),
                status=gettext("{n} 支子基金").format(n=funds),
                detail=gettext("已投资 {n} 笔、{value} 万元，其中投向粤东西北 {ewn} 笔").format(
                    n=investments["n"], value=f"{value.quantize(Decimal('0.01')):,}", ewn=investments["ewn"]
                ),
                url=reverse("finance_funds:funds"),
            )
        ]
    pool = ReserveEnterprise.all_objects.filter(exited=False)
    if pool.exists():
        found["三(三)三是"] = [
            MeasureActivity(
                label=gettext("上市后备科技企业库"),
                status=gettext("{n} 家在库").format(n=pool.count()),
                detail=gettext("其中辅导 {c} 家、申报 {f} 家，已上市 {l} 家").format(
                    c=pool.filter(stage=ReserveStage.COACHING).count(),
                    f=pool.filter(stage=ReserveStage.FILING).count(),
                    l=pool.filter(stage=ReserveStage.LISTED).count(),
                ),
                url=reverse("finance_funds:reserve"),
            )
        ]
    return found
