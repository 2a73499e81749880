"""What a ledger accepts from a person or a client — text, dates, places and choices — each refused
with a message naming the field. Shared by the finance, outreach and other ledgers; it lives here
because a place is a division.

Text is stored simplified (traditional script accepted). It is refused, not quietly cleaned, when
it holds what no one means to type into a ledger that is exported and shown to others: invisible
control characters, markup (``<script>``), or a leading ``=``/``+``/``-``/``@`` that a spreadsheet
would run as a formula. The exports neutralise formulas as well (core.spreadsheets.safe_cell)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.text import CONTROL_MESSAGE, has_control_characters, to_simplified

from .models import Division

MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&#?\w+;")
FORMULA_START = ("=", "+", "-", "@")
EARLIEST = dt.date(2000, 1, 1)
PHONE = re.compile(r"^[0-9][0-9\-]{6,19}$")


def text(
    value: Any, field: str, label: str, limit: int, *, required: bool = False, min_length: int = 0
) -> str:
    """The text a person typed, simplified and trimmed, or a refusal naming the field."""
    raw = "" if value is None else str(value)
    if has_control_characters(raw):
        raise ValidationError({field: f"{label}{CONTROL_MESSAGE}"})
    cleaned = to_simplified(raw).strip()
    if MARKUP.search(cleaned):
        raise ValidationError(
            {field: gettext("{label}不能包含 HTML 标记（如 <script>），请只填写文字").format(label=label)}
        )
    if cleaned.startswith(FORMULA_START):
        raise ValidationError(
            {field: gettext("{label}不能以 = + - @ 开头（电子表格会把它当作公式）").format(label=label)}
        )
    if len(cleaned) > limit:
        raise ValidationError(
            {
                field: gettext("{label}最多 {n} 个字（现为 {m} 个）").format(
                    label=label, n=limit, m=len(cleaned)
                )
            }
        )
    if required and not cleaned:
        raise ValidationError({field: gettext("请填写{label}").format(label=label)})
    if cleaned and len(cleaned) < min_length:
        raise ValidationError({field: gettext("{label}至少 {n} 个字").format(label=label, n=min_length)})
    return cleaned


def phone(value: Any, field: str = "phone", label: str = "") -> str:
    """A telephone number: a mobile or a landline with its area code (0753-2181234); may be empty."""
    label = label or gettext("联系电话")
    number = re.sub(r"\s", "", str(value or ""))
    if number and not PHONE.fullmatch(number):
        raise ValidationError(
            {field: gettext("{label}应为手机号或带区号的固定电话，如 0753-2181234").format(label=label)}
        )
    return number


def past_date(
    value: Any, field: str, label: str, *, earliest: dt.date = EARLIEST, earliest_label: str = ""
) -> dt.date:
    """A date that has happened: not after today, not before ``earliest``."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(
                {field: gettext("{label}应为日期，如 2025-06-01").format(label=label)}
            ) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({field: gettext("请填写{label}").format(label=label)})
    if value > timezone.localdate():
        raise ValidationError({field: gettext("{label}不能晚于今天").format(label=label)})
    if value < earliest:
        raise ValidationError(
            {
                field: gettext("{label}不能早于{what}（{date}）").format(
                    label=label, what=earliest_label or gettext("2000 年"), date=earliest.isoformat()
                )
            }
        )
    return value


def choice(value: Any, field: str, label: str, choices: Iterable[tuple[str, Any]]) -> str:
    options = dict(choices)
    if value not in options:
        raise ValidationError(
            {
                field: gettext("{label}须是以下之一：{options}").format(
                    label=label, options="、".join(str(v) for v in options.values())
                )
            }
        )
    return str(value)


def choices(value: Any, field: str, label: str, options: Iterable[tuple[str, Any]]) -> list[str]:
    """A list of choices, at least one, each once, in the order the options are listed."""
    known = dict(options)
    given = list(value or []) if isinstance(value, list | tuple | set) else [value] if value else []
    unknown = [str(item)[:20] for item in given if item not in known]
    if unknown:
        raise ValidationError(
            {
                field: gettext("{label}中的“{item}”不可选；可选：{options}").format(
                    label=label, item=unknown[0], options="、".join(str(v) for v in known.values())
                )
            }
        )
    if not given:
        raise ValidationError({field: gettext("请至少选择一项{label}").format(label=label)})
    return [key for key in known if key in given]


def division(code: Any, field: str, label: str) -> Division:
    """A division of Guangdong chosen by its 12-digit code."""
    code = str(code or "").strip()[:20]
    if not code:
        raise ValidationError({field: gettext("请选择{label}").format(label=label)})
    found = Division.objects.filter(pk=code).first() if code.startswith("44") else None
    if found is None:
        raise ValidationError(
            {field: gettext("{label}：找不到广东省的区划代码 {code}").format(label=label, code=code)}
        )
    return found


def count(value: Any, field: str, label: str, maximum: int) -> int:
    """A number of people or enterprises: a whole number from 0 to ``maximum``."""
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else -1
    except (TypeError, ValueError):
        raise ValidationError({field: gettext("{label}须是整数").format(label=label)}) from None
    if number < 0:
        raise ValidationError({field: gettext("{label}不能为负数").format(label=label)})
    if number > maximum:
        raise ValidationError(
            {field: gettext("{label}超过上限 {n}，请核对").format(label=label, n=f"{maximum:,}")}
        )
    return number
