"""Checks of what people type into the market's case and event ledgers, shared by both: text
without markup and not starting like a spreadsheet formula, lists of people's names, dates not in
the future, places in Guangdong's counties, towns and villages — each refusal in Chinese, naming
the field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.text import strip_control_characters, to_simplified
from baiqianwan.regions.models import Division

EARLIEST = dt.date(1996, 10, 1)  # 《促进科技成果转化法》 in force
PLACE_LEVELS = ("county", "town", "village")
MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]")
FORMULA_START = ("=", "+", "-", "@")
NAME = re.compile(r"[\u3400-\u9fffA-Za-z·•.\s]{2,30}")
NAME_SPLIT = re.compile(r"[,，、;；\n]+")
MAX_NAMES = 30


def text(value: Any, field: str, label: str, *, limit: int, minimum: int = 0) -> str:
    """Text as stored: simplified script, control characters gone, trimmed; refused when it holds
    markup, starts like a formula, is too long or shorter than ``minimum`` characters."""
    cleaned = to_simplified(strip_control_characters(str(value or ""))).strip()
    if MARKUP.search(cleaned):
        raise ValidationError(
            {field: gettext("{label}不能包含 HTML 标记（如 <script>）").format(label=label)}
        )
    if cleaned.startswith(FORMULA_START):
        raise ValidationError(
            {field: gettext("{label}不能以 = + - @ 开头（电子表格会把它当作公式）").format(label=label)}
        )
    if len(cleaned) > limit:
        raise ValidationError({field: gettext("{label}最多 {n} 个字").format(label=label, n=limit)})
    if len(cleaned) < minimum:
        raise ValidationError(
            {
                field: gettext("请填写{label}").format(label=label)
                if minimum <= 1
                else gettext("{label}至少 {n} 个字").format(label=label, n=minimum)
            }
        )
    return cleaned


def names(value: Any, field: str, label: str, *, minimum: int = 1) -> list[str]:
    """People's names: a list, or text separated by commas, 、 or new lines; each 2–30 letters."""
    items = value if isinstance(value, list | tuple) else NAME_SPLIT.split(str(value or ""))
    found: list[str] = []
    for item in items:
        name = to_simplified(strip_control_characters(str(item or ""))).strip()
        if not name:
            continue
        if not NAME.fullmatch(name):
            raise ValidationError(
                {
                    field: gettext(
                        "{label}中的“{name}”不是姓名（2–30 个汉字或字母，多人用逗号或顿号分隔）"
                    ).format(label=label, name=name[:30])
                }
            )
        if name not in found:
            found.append(name)
    if len(found) < minimum:
        raise ValidationError({field: gettext("请填写{label}（至少 {n} 人）").format(label=label, n=minimum)})
    if len(found) > MAX_NAMES:
        raise ValidationError({field: gettext("{label}最多 {n} 人").format(label=label, n=MAX_NAMES)})
    return found


def past_date(value: Any, field: str, label: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError({field: gettext("请填写{label}").format(label=label)})
    if value > timezone.localdate():
        raise ValidationError({field: gettext("{label}不能晚于今天").format(label=label)})
    if value < EARLIEST:
        raise ValidationError({field: gettext("{label}不能早于 1996 年 10 月").format(label=label)})
    return value


def place(code: Any, field: str, label: str) -> Division:
    """A county, town or village of Guangdong, chosen with the division picker."""
    code = str(code or "").strip()[:20]
    if not code:
        raise ValidationError({field: gettext("请选择{label}（县、镇或村）").format(label=label)})
    if not code.startswith("44"):
        raise ValidationError(
            {
                field: gettext("{label}须在广东省内（区划代码 {code} 不是广东省的区划）").format(
                    label=label, code=code
                )
            }
        )
    found = Division.objects.filter(pk=code).first()
    if found is None:
        raise ValidationError(
            {
                field: gettext("找不到区划代码 {code}，请用区划选择器选择{label}").format(
                    code=code, label=label
                )
            }
        )
    if found.level not in PLACE_LEVELS:
        raise ValidationError(
            {
                field: gettext(
                    "{label}须选到县（市、区）、乡镇（街道）或村（居），不能是{level}“{name}”"
                ).format(label=label, level=found.get_level_display(), name=found.full_name)
            }
        )
    return found
