"""Sums of money: Decimal with two decimals, never float, read from what a person or a client typed
with a message naming the field when it is not a sum the platform can take.

Each ledger keeps its own unit (攻关 projects count in 万元 as their forms do, the technology
market in 元 as contracts do) and its own upper bound, far above any real sum and below the column.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
YUAN = gettext_lazy("元")
WAN_YUAN = gettext_lazy("万元")
# 1 万亿元: no technology contract comes near it; a larger figure is a typing error.
MAX_YUAN = Decimal("1000000000000.00")


def amount(
    value: Any,
    field: str,
    label: str,
    *,
    unit: str | Promise = YUAN,
    maximum: Decimal = MAX_YUAN,
    positive: bool = False,
) -> Decimal:
    """A sum of money in ``unit``, two decimals, not negative (nor zero when ``positive``), not
    above ``maximum``; else a ValidationError on ``field`` whose message names ``label``."""
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: gettext("{label}须是数字（{unit}）").format(label=label, unit=unit)}
        ) from None
    if not number.is_finite():
        raise ValidationError({field: gettext("{label}须是数字（{unit}）").format(label=label, unit=unit)})
    if number < 0:
        raise ValidationError({field: gettext("{label}不能为负数").format(label=label)})
    if positive and number == 0:
        raise ValidationError({field: gettext("{label}须大于 0").format(label=label)})
    if number > maximum:
        raise ValidationError(
            {
                field: gettext("{label}超过上限 {max} {unit}").format(
                    label=label, max=f"{maximum:,}", unit=unit
                )
            }
        )
    if number != number.quantize(CENT):
        raise ValidationError({field: gettext("{label}最多保留两位小数").format(label=label)})
    return number.quantize(CENT)


def money_field(verbose_name: Any, *, max_digits: int = 15, **kwargs: Any) -> models.DecimalField:
    """A column for a sum: two decimals, never negative; 15 digits hold MAX_YUAN with room."""
    return models.DecimalField(
        verbose_name,
        max_digits=max_digits,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
        **kwargs,
    )


def yuan_text(value: Decimal | None) -> str:
    """A sum as a person reads it: 1,250,000.00 元 below 10 万, else in 万元 (125.00 万元)."""
    if value is None:
        return ""
    if abs(value) >= Decimal("100000"):
        return gettext("{n} 万元").format(n=f"{(value / Decimal('10000')).quantize(CENT):,}")
    return gettext("{n} 元").format(n=f"{value:,}")
