"""What the outreach ledgers (科普 events, teacher training, the 智库) accept from a person or a
client: text, dates, choices, counts and places as every ledger checks them (regions.inputs), and
their own hours of training and years, each refused with a message naming the field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.regions.inputs import EARLIEST, choice, count, division, past_date, text

__all__ = ["EARLIEST", "choice", "count", "division", "hours", "past_date", "text", "year"]


def hours(value: Any, field: str, label: str, maximum: int = 500) -> Decimal:
    """A number of 学时: from 0 to ``maximum``, at most one decimal place."""
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, bool) and value is not None else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError({field: gettext("{label}须是数字，如 24 或 12.5").format(label=label)})
    if number < 0:
        raise ValidationError({field: gettext("{label}不能为负数").format(label=label)})
    if number > maximum:
        raise ValidationError({field: gettext("{label}超过上限 {n}，请核对").format(label=label, n=maximum)})
    if number != number.quantize(Decimal("0.1")):
        raise ValidationError({field: gettext("{label}最多一位小数").format(label=label)})
    return number.quantize(Decimal("0.1"))


def year(value: Any, field: str, label: str, *, latest: int | None = None) -> int:
    """A year from 2000 to ``latest`` (default: this year)."""
    latest = latest or timezone.localdate().year
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else 0
    except (TypeError, ValueError):
        raise ValidationError({field: gettext("{label}须是年份，如 2025").format(label=label)}) from None
    if not 2000 <= number <= latest:
        raise ValidationError(
            {field: gettext("{label}须在 2000 到 {latest} 之间").format(label=label, latest=latest)}
        )
    return number
