"""科技信贷风险补偿 (政策 三(三)二是: 适当提高粤东粤西粤北地区科技信贷风险补偿比例): which ratio a loan
keeps, and what a bank recovers when a loan under the scheme defaults.

Rules a reviewer can rely on:

- Money is `Decimal` yuan with two decimals, never a float; amounts are rounded half up to the
  cent once, at the end (the compensation), never on the way.
- A ratio belongs to a region (珠三角 or 粤东西北) and applies from its date; the province may set a
  new one at any time. A loan keeps the ratio in force on the day it was lent: a later version
  never changes an earlier loan (`ratio_on`).
- The loss is what is outstanding at the default less what was recovered (collateral, guarantor),
  never below zero. The compensation is the loss times the ratio, capped per loan where the
  version has a cap; the bank bears the rest. Compensation and the bank's share add up to the
  loss exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("100000000000.00")  # 1,000 亿元: far above any loan, below any column's limit
REGIONS = {"pearl": "珠三角", "ewn": "粤东西北"}


class CompensationError(ValueError):
    """Bad input, with a Chinese message naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def money(value: object, field: str, label: str) -> Decimal:
    """A non-negative amount of yuan with at most two decimals, or a refusal naming the field."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise CompensationError(field, f"请填写{label}")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise CompensationError(field, f"{label}须是金额（元），如 1200000.00") from None
    if not amount.is_finite():
        raise CompensationError(field, f"{label}须是金额（元），如 1200000.00")
    if amount < 0:
        raise CompensationError(field, f"{label}不能为负数")
    if amount > MAX_AMOUNT:
        raise CompensationError(field, f"{label}超过 {MAX_AMOUNT:,.0f} 元，请核对单位（元）")
    if amount != amount.quantize(CENT):
        raise CompensationError(field, f"{label}最多两位小数（分）")
    return amount.quantize(CENT)


@dataclass(frozen=True)
class RatioVersion:
    """The compensation ratio for loans lent in `region` from `effective_from` on."""

    region: str
    effective_from: dt.date
    ratio: Decimal
    cap: Decimal | None = None  # the most compensated for one loan, yuan; none: no cap


def check_versions(versions: Iterable[RatioVersion]) -> list[RatioVersion]:
    """The versions in date order, each checked: a known region, 0 < ratio ≤ 1, a positive cap,
    one version per region and day."""
    seen: set[tuple[str, dt.date]] = set()
    out = []
    for version in versions:
        if version.region not in REGIONS:
            raise CompensationError("region", f"区域须是{'或'.join(REGIONS.values())}")
        if not Decimal(0) < version.ratio <= Decimal(1):
            raise CompensationError("ratio", "补偿比例须大于 0、不超过 100%")
        if version.cap is not None and version.cap <= 0:
            raise CompensationError("cap", "单笔补偿上限须大于 0")
        key = (version.region, version.effective_from)
        if key in seen:
            raise CompensationError(
                "effective_from", f"{REGIONS[version.region]}在 {version.effective_from} 已有补偿比例"
            )
        seen.add(key)
        out.append(version)
    return sorted(out, key=lambda v: (v.region, v.effective_from))


def ratio_on(versions: Sequence[RatioVersion], *, region: str, day: dt.date) -> RatioVersion:
    """The version in force for `region` on `day`: the latest that started on or before it."""
    if region not in REGIONS:
        raise CompensationError("region", f"区域须是{'或'.join(REGIONS.values())}")
    found = [v for v in versions if v.region == region and v.effective_from <= day]
    if not found:
        raise CompensationError("lent_on", f"{day} 时{REGIONS[region]}还没有科技信贷风险补偿比例")
    return max(found, key=lambda v: v.effective_from)


@dataclass(frozen=True)
class Claim:
    outstanding: Decimal
    recovered: Decimal
    loss: Decimal
    ratio: Decimal
    compensation: Decimal
    bank_bears: Decimal
    capped: bool


def compensation(
    *, outstanding: object, recovered: object = "0", ratio: Decimal, cap: Decimal | None = None
) -> Claim:
    """What the scheme pays for one defaulted loan and what the bank bears."""
    owed = money(outstanding, "outstanding", "违约时贷款余额")
    back = money(recovered, "recovered", "已追回金额")
    if not Decimal(0) < ratio <= Decimal(1):
        raise CompensationError("ratio", "补偿比例须大于 0、不超过 100%")
    loss = max(owed - back, Decimal(0))
    paid = (loss * ratio).quantize(CENT, rounding=ROUND_HALF_UP)
    capped = cap is not None and paid > cap
    if cap is not None and capped:
        paid = cap.quantize(CENT)
    return Claim(owed, back, loss, ratio, paid, loss - paid, capped)


@dataclass(frozen=True)
class Estimate:
    """The calculator's answer for a bank: the ratio a loan lent that day would keep, and what the
    scheme would pay if it defaulted with `principal` outstanding and `recovered` got back."""

    version: RatioVersion
    claim: Claim


def estimate(
    versions: Sequence[RatioVersion],
    *,
    region: str,
    lent_on: dt.date,
    principal: object,
    recovered: object = "0",
) -> Estimate:
    version = ratio_on(versions, region=region, day=lent_on)
    claim = compensation(outstanding=principal, recovered=recovered, ratio=version.ratio, cap=version.cap)
    return Estimate(version, claim)
