"""What the talent ledgers accept from a person or a client: text, choices and counts as every
ledger checks them (regions.inputs), and their own dates, years, places of a level and mobile
numbers, each refused with a message naming the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.validators import validate_mobile
from baiqianwan.regions.classification import LEVEL_LABELS, Level
from baiqianwan.regions.inputs import choice, count, text
from baiqianwan.regions.models import Division

EARLIEST = dt.date(2000, 1, 1)
FIRST_YEAR = 2000

__all__ = ["choice", "count", "date", "division", "mobile", "optional_past_date", "past_date", "text", "year"]


def mobile(value: Any, field: str = "mobile", label: str = "") -> str:
    label = label or gettext("手机号码")
    raw = str(value or "").strip()
    if not raw:
        raise ValidationError({field: gettext("请填写{label}").format(label=label)})
    try:
        return validate_mobile(raw[:30])
    except ValidationError:
        raise ValidationError(
            {field: gettext("{label}应为 1 开头的 11 位数字").format(label=label)}
        ) from None


def date(value: Any, field: str, label: str) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(
                {field: gettext("{label}应为日期，如 2025-06-01").format(label=label)}
            ) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({field: gettext("请填写{label}").format(label=label)})
    return value


def past_date(
    value: Any, field: str, label: str, *, earliest: dt.date = EARLIEST, earliest_label: str = ""
) -> dt.date:
    """A date that has happened: not after today, not before ``earliest``."""
    day = date(value, field, label)
    if day > timezone.localdate():
        raise ValidationError({field: gettext("{label}不能晚于今天").format(label=label)})
    if day < earliest:
        raise ValidationError(
            {
                field: gettext("{label}不能早于{what}（{date}）").format(
                    label=label, what=earliest_label or gettext("2000 年"), date=earliest.isoformat()
                )
            }
        )
    return day


def optional_past_date(value: Any, field: str, label: str, **kwargs: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return past_date(value, field, label, **kwargs)


def year(value: Any, field: str, label: str, *, earliest: int = FIRST_YEAR) -> int:
    """A year that has begun: from ``earliest`` to this year."""
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else -1
    except (TypeError, ValueError):
        raise ValidationError({field: gettext("{label}须是四位年份，如 2025").format(label=label)}) from None
    this_year = timezone.localdate().year
    if number > this_year:
        raise ValidationError({field: gettext("{label}不能晚于今年（{y}）").format(label=label, y=this_year)})
    if number < earliest:
        raise ValidationError({field: gettext("{label}不能早于 {y} 年").format(label=label, y=earliest)})
    return number


def division(code: Any, field: str, label: str, *, levels: Iterable[str]) -> Division:
    """A division of Guangdong chosen by its 12-digit code, at one of ``levels``."""
    code = str(code or "").strip()[:20]
    if not code:
        raise ValidationError({field: gettext("请选择{label}").format(label=label)})
    found = Division.objects.filter(pk=code).first() if code.startswith("44") else None
    if found is None:
        raise ValidationError(
            {field: gettext("{label}：找不到广东省的区划代码 {code}").format(label=label, code=code)}
        )
    allowed = list(levels)
    if found.level not in allowed:
        raise ValidationError(
            {
                field: gettext("{label}须选到{levels}（“{name}”是{level}）").format(
                    label=label,
                    levels="或".join(gettext(LEVEL_LABELS[Level(level)]) for level in allowed),
                    name=found.full_name,
                    level=gettext(LEVEL_LABELS[Level(found.level)]),
                )
            }
        )
    return found
