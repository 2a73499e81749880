"""Which credit products fit a borrower's need, best first, each with the reasons a person can check.

A product is eligible when it takes the borrower's kind (企业, 合作社, 家庭农场), lends in the
borrower's region, and its amount and term ranges can hold the need. Among eligible products the
order is: the closest industry (the borrower's own industry, then its parent, then products open
to every industry), then products under the 科技信贷风险补偿 scheme (the bank shares the risk, so it
lends more readily), then the lower rate, then the name. An ineligible product is kept with the
reason it does not fit, so a borrower sees why a product they know of is not offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class ProductTerms:
    id: int
    name: str
    bank: str
    borrower_kinds: frozenset[str]
    region: str  # "all", "ewn" or "pearl"
    industries: frozenset[str]  # codes; empty: every industry
    amount_min: Decimal
    amount_max: Decimal
    term_min: int
    term_max: int
    rate_min: Decimal
    under_scheme: bool


@dataclass(frozen=True)
class Need:
    kind: str
    ewn: bool  # the borrower is in 粤东西北
    industry: str = ""  # code, may be empty
    industry_parent: str = ""
    industry_name: str = ""
    amount: Decimal | None = None
    term: int | None = None


@dataclass(frozen=True)
class Fit:
    product: ProductTerms
    eligible: bool
    score: tuple[int, int, Decimal, str]
    reasons: tuple[str, ...] = field(default_factory=tuple)


REGION_LABELS = {"ewn": "粤东西北", "pearl": "珠三角"}
KIND_LABELS = {"enterprise": "企业", "cooperative": "农民专业合作社", "family_farm": "家庭农场"}


def _wan(value: Decimal) -> str:
    return f"{(value / Decimal(10000)).normalize():f} 万元"


def fit(product: ProductTerms, need: Need) -> Fit:
    """How one product fits one need: eligible or not, its rank key and the reasons."""
    refusals: list[str] = []
    reasons: list[str] = []
    if need.kind not in product.borrower_kinds:
        refusals.append(f"不面向{KIND_LABELS.get(need.kind, need.kind)}")
    if product.region == "ewn" and not need.ewn:
        refusals.append("只面向粤东西北")
    elif product.region == "pearl" and need.ewn:
        refusals.append("只面向珠三角")
    if need.amount is not None:
        if need.amount > product.amount_max:
            refusals.append(f"最高额度 {_wan(product.amount_max)}，低于所需 {_wan(need.amount)}")
        elif need.amount < product.amount_min:
            refusals.append(f"最低额度 {_wan(product.amount_min)}，高于所需 {_wan(need.amount)}")
        else:
            reasons.append(
                f"额度 {_wan(product.amount_min)}–{_wan(product.amount_max)} 覆盖所需 {_wan(need.amount)}"
            )
    if need.term is not None:
        if not product.term_min <= need.term <= product.term_max:
            refusals.append(f"期限 {product.term_min}–{product.term_max} 个月，不含 {need.term} 个月")
        else:
            reasons.append(f"期限 {product.term_min}–{product.term_max} 个月")
    industry_rank = 1
    if product.industries:
        if need.industry and need.industry in product.industries:
            industry_rank = 3
            reasons.insert(0, f"适用产业：{need.industry_name or need.industry}")
        elif need.industry_parent and need.industry_parent in product.industries:
            industry_rank = 2
            reasons.insert(0, f"适用产业大类含{need.industry_name or need.industry}")
        elif need.industry:
            refusals.append("不含所选产业")
    else:
        reasons.insert(0, "不限产业")
    if product.under_scheme:
        reasons.append("纳入科技信贷风险补偿")
    eligible = not refusals
    score = (industry_rank, int(product.under_scheme), -product.rate_min, product.name)
    return Fit(product, eligible, score, tuple(refusals if not eligible else reasons))


def rank(products: Iterable[ProductTerms], need: Need) -> tuple[list[Fit], list[Fit]]:
    """(eligible best first, ineligible by name)."""
    fits = [fit(product, need) for product in products]
    eligible = sorted((f for f in fits if f.eligible), key=_order)
    others = sorted((f for f in fits if not f.eligible), key=lambda f: (f.product.name, f.product.id))
    return eligible, others


def _order(item: Fit) -> tuple[int, int, Decimal, str, int]:
    industry, scheme, negative_rate, name = item.score
    return (-industry, -scheme, -negative_rate, name, item.product.id)


def best(products: Sequence[ProductTerms], need: Need, limit: int = 10) -> list[Fit]:
    return rank(products, need)[0][:limit]
