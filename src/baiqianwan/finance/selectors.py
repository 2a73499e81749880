"""Reads of 科技信贷, each scoped to the user: products (and which fit a borrower's need),
applications, loans, claims, the ratio history, and the dashboard — loans by region, city and year,
the scheme's amount in 粤东西北 (KPI-EWN-TECH-CREDIT), defaults and compensation."""

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
from baiqianwan.industries.models import Industry
from baiqianwan.plan.selectors import MeasureActivity
from baiqianwan.regions.classification import CITY_REGION, REGION_LABELS, Region, is_east_west_north
from baiqianwan.regions.models import Division
from baiqianwan.regions.selectors import region_q

from . import rules
from .engine import products as matcher
from .models import (
    ApplicationStatus,
    ClaimStatus,
    CompensationClaim,
    CompensationRatio,
    CreditProduct,
    Loan,
    LoanApplication,
    LoanStatus,
    ProductStatus,
    SchemeRegion,
)

YI = Decimal("100000000")


# ---- products ---------------------------------------------------------------------------------


def product_list(
    *, user: Any, q: str = "", bank: Any = None, region: str = "", status: str = "", industry: str = ""
) -> QuerySet[CreditProduct]:
    products = CreditProduct.objects.for_user(user).select_related("bank")
    if q:
        text = normalise_query(q)
        products = products.filter(
            Q(name__icontains=text) | Q(bank__name__icontains=text) | Q(summary__icontains=text)
        )
    if valid_id(bank):
        products = products.filter(bank_id=bank)
    if region:
        products = products.filter(eligible_region__in=("all", region))
    if status:
        products = products.filter(status=status)
    if industry:
        products = products.filter(
            Q(industries__code=industry) | Q(industries__children__code=industry) | Q(industries=None)
        ).distinct()
    return products.order_by("status", "bank__name", "name", "id")


def product_get(*, user: Any, product_id: Any) -> CreditProduct | None:
    if not valid_id(product_id):
        return None
    return CreditProduct.objects.for_user(user).select_related("bank__division").filter(pk=product_id).first()


def _terms(product: CreditProduct) -> matcher.ProductTerms:
    return matcher.ProductTerms(
        id=product.pk,
        name=product.name,
        bank=product.bank.name,
        borrower_kinds=frozenset(product.borrower_kinds or ()),
        region=product.eligible_region,
        industries=frozenset(industry.code for industry in product.industries.all()),
        amount_min=product.amount_min,
        amount_max=product.amount_max,
        term_min=product.term_min_months,
        term_max=product.term_max_months,
        rate_min=product.rate_min,
        under_scheme=product.under_scheme,
    )


def product_match(
    *,
    user: Any,
    kind: str,
    division_code: str,
    industry: str = "",
    amount: Decimal | None = None,
    term: int | None = None,
) -> dict[str, Any]:
    """Open products ranked for a borrower's need (the engine's order and reasons)."""
    chosen = Industry.objects.select_related("parent").filter(code=industry).first() if industry else None
    need = matcher.Need(
        kind=kind,
        ewn=is_east_west_north(division_code),
        industry=chosen.code if chosen else "",
        industry_parent=chosen.parent_id or "" if chosen else "",
        industry_name=chosen.name if chosen else "",
        amount=amount,
        term=term,
    )
    products = list(
        CreditProduct.objects.for_user(user)
        .filter(status=ProductStatus.OPEN)
        .select_related("bank")
        .prefetch_related("industries")
    )
    by_id = {product.pk: product for product in products}
    eligible, others = matcher.rank([_terms(product) for product in products], need)
    return {
        "need": need,
        "fits": [(by_id[fit.product.id], fit.reasons) for fit in eligible],
        "others": [(by_id[fit.product.id], fit.reasons) for fit in others],
    }


# ---- applications and loans -------------------------------------------------------------------


def application_list(
    *, user: Any, status: str = "", product: Any = None, q: str = ""
) -> QuerySet[LoanApplication]:
    applications = LoanApplication.objects.for_user(user).select_related("product__bank", "applicant", "loan")
    if status:
        applications = applications.filter(status=status)
    if valid_id(product):
        applications = applications.filter(product_id=product)
    if q:
        text = normalise_query(q)
        applications = applications.filter(
            Q(applicant__name__icontains=text) | Q(product__name__icontains=text)
        )
    return applications.order_by("-created_at", "-id")


def application_get(*, user: Any, application_id: Any) -> LoanApplication | None:
    if not valid_id(application_id):
        return None
    return (
        LoanApplication.objects.for_user(user)
        .select_related("product__bank", "applicant__division", "industry", "submitted_by", "decided_by")
        .filter(pk=application_id)
        .first()
    )


def loan_list(
    *,
    user: Any,
    q: str = "",
    region: str = "",
    status: str = "",
    scheme: str = "",
    year: Any = None,
    bank: Any = None,
) -> QuerySet[Loan]:
    loans = Loan.objects.for_user(user).select_related("bank", "borrower", "place", "product")
    if q:
        text = normalise_query(q)
        loans = loans.filter(
            Q(contract_number__icontains=text)
            | Q(borrower__name__icontains=text)
            | Q(bank__name__icontains=text)
        )
    if region in SchemeRegion.values:
        loans = loans.filter(region=region)
    elif region:
        loans = loans.filter(region_q("place", region))
    if status:
        loans = loans.filter(status=status)
    if scheme == "yes":
        loans = loans.filter(under_scheme=True)
    elif scheme == "no":
        loans = loans.filter(under_scheme=False)
    if year and str(year).isdigit() and 2000 <= int(year) <= 2100:
        loans = loans.filter(lent_on__year=int(year))
    if valid_id(bank):
        loans = loans.filter(bank_id=bank)
    return loans.order_by("-lent_on", "-id")


def loan_get(*, user: Any, loan_id: Any) -> Loan | None:
    if not valid_id(loan_id):
        return None
    return (
        Loan.objects.for_user(user)
        .select_related(
            "bank", "borrower__division", "place", "product", "ratio_version", "application", "recorded_by"
        )
        .filter(pk=loan_id)
        .first()
    )


def loan_claim(loan: Loan) -> CompensationClaim | None:
    return (
        CompensationClaim.all_objects.filter(loan=loan).select_related("decided_by", "submitted_by").first()
    )


def claim_list(*, user: Any, status: str = "") -> QuerySet[CompensationClaim]:
    claims = CompensationClaim.objects.for_user(user).select_related(
        "loan__bank", "loan__borrower", "loan__place"
    )
    if status:
        claims = claims.filter(status=status)
    return claims.order_by("status", "-created_at", "-id")


def ratio_history() -> dict[str, list[CompensationRatio]]:
    history: dict[str, list[CompensationRatio]] = {region: [] for region in SchemeRegion.values}
    for row in CompensationRatio.objects.select_related("set_by").order_by("region", "-effective_from"):
        history[row.region].append(row)
    return history


# ---- the dashboard ----------------------------------------------------------------------------


def dashboard(*, user: Any) -> dict[str, Any]:
    """Loans in the user's scope, in one pass over the ledger grouped by city, year and scheme (the
    region follows from the city; defaults are counted in the same pass); claims (few) in a second
    query. Amounts are Decimal 元; the KPI also in 亿元."""
    rows = (
        Loan.objects.for_user(user)
        .order_by()
        .annotate(city=Substr("place_id", 1, 4), year=ExtractYear("lent_on"))
        .values("city", "year", "under_scheme")
        .annotate(
            n=Count("id"),
            lent=Sum("amount"),
            defaults=Count("id", filter=Q(status=LoanStatus.DEFAULTED)),
            owed=Sum("outstanding_at_default"),
        )
    )
    totals: dict[str, Any] = {
        "loans": 0,
        "amount": ZERO,
        "scheme_loans": 0,
        "scheme_amount": ZERO,
        "defaults": 0,
        "defaulted": ZERO,
    }
    by_region: dict[str, dict[str, Any]] = defaultdict(lambda: {"loans": 0, "amount": ZERO, "scheme": ZERO})
    by_city: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"loans": 0, "amount": ZERO, "scheme": ZERO, "defaults": 0}
    )
    by_year: dict[int, dict[str, Any]] = defaultdict(lambda: {"loans": 0, "amount": ZERO, "ewn_scheme": ZERO})
    for row in rows:
        n, lent = row["n"], row["lent"] or ZERO
        totals["loans"] += n
        totals["amount"] += lent
        scheme = lent if row["under_scheme"] else ZERO
        if row["under_scheme"]:
            totals["scheme_loans"] += n
            totals["scheme_amount"] += lent
        totals["defaults"] += row["defaults"]
        totals["defaulted"] += row["owed"] or ZERO
        region = CITY_REGION.get(row["city"])
        if region is not None:
            by_region[region.value]["loans"] += n
            by_region[region.value]["amount"] += lent
            by_region[region.value]["scheme"] += scheme
        city = by_city[row["city"]]
        city["loans"] += n
        city["amount"] += lent
        city["scheme"] += scheme
        city["defaults"] += row["defaults"]
        year = by_year[row["year"]]
        year["loans"] += n
        year["amount"] += lent
        if row["under_scheme"] and region not in (None, Region.PRD):
            year["ewn_scheme"] += lent
    claims = {
        row["status"]: row
        for row in CompensationClaim.objects.for_user(user)
        .order_by()
        .values("status")
        .annotate(n=Count("id"), paid=Sum("compensation"), loss=Sum("loss"), bank=Sum("bank_bears"))
    }
    names = dict(Division.objects.filter(level="city").values_list("code", "name"))
    ewn_scheme = sum((year["ewn_scheme"] for year in by_year.values()), ZERO)
    return {
        **totals,
        "ewn_scheme_amount": ewn_scheme,
        "ewn_scheme_yi": (ewn_scheme / YI).quantize(Decimal("0.0001")),
        "by_region": [
            {"region": region.value, "label": str(REGION_LABELS[region]), **by_region[region.value]}
            for region in Region
        ],
        "by_city": sorted(
            (
                {"code": f"{code}00000000", "name": names.get(f"{code}00000000", code), **figures}
                for code, figures in by_city.items()
            ),
            key=lambda city: city["code"],
        ),
        "by_year": [{"year": year, **by_year[year]} for year in sorted(by_year)],
        "claims": [
            {
                "status": status,
                "label": str(ClaimStatus(status).label),
                "claims": claims.get(status, {}).get("n", 0),
                "compensation": claims.get(status, {}).get("paid") or ZERO,
                "loss": claims.get(status, {}).get("loss") or ZERO,
                "bank_bears": claims.get(status, {}).get("bank") or ZERO,
            }
            for status in ClaimStatus.values
        ],
        "open_applications": LoanApplication.objects.for_user(user)
        .filter(status=ApplicationStatus.SUBMITTED)
        .count(),
        "ratios": ratio_history(),
        "can_set_ratios": rules.can_set_ratios(user),
        "title": gettext("科技信贷"),
    }


# ---- the plan page ----------------------------------------------------------------------------


def measure_activities(user: Any) -> dict[str, list[MeasureActivity]]:
    """三(三)二是: the banks' products for rural specialty industries and the loans under the
    科技信贷风险补偿 scheme, with what it has paid."""
    products = CreditProduct.all_objects.filter(status=ProductStatus.OPEN).count()
    if not products:
        return {}
    loans = Loan.all_objects.filter(under_scheme=True).aggregate(
        n=Count("id"), ewn=Sum("amount", filter=Q(region=SchemeRegion.EWN))
    )
    paid = CompensationClaim.all_objects.filter(status=ClaimStatus.PAID).aggregate(total=Sum("compensation"))
    return {
        "三(三)二是": [
            MeasureActivity(
                label=gettext("科技信贷与风险补偿"),
                status=gettext("{n} 个信贷产品发布中").format(n=products),
                detail=gettext(
                    "纳入风险补偿的贷款 {n} 笔，其中粤东西北 {ewn} 亿元；已拨付补偿 {paid} 万元"
                ).format(
                    n=loans["n"],
                    ewn=((loans["ewn"] or ZERO) / YI).quantize(Decimal("0.0001")),
                    paid=f"{((paid['total'] or ZERO) / Decimal('10000')).quantize(Decimal('0.01')):,}",
                ),
                url=reverse("finance:home"),
            )
        ]
    }
