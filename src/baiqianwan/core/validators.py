"""Check-digit validators for Chinese identifiers, with messages in Chinese.

- 公民身份号码: GB 11643-1999 (ISO 7064 MOD 11-2 check digit, date of birth).
- 统一社会信用代码: GB 32100-2015 (MOD 31 check character over its 31-character alphabet).
- 手机号码: mainland 11-digit numbers.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalise_code(value: str) -> str:
    """Upper-case, strip spaces and turn full-width characters into ASCII."""
    value = (value or "").strip().replace(" ", "").replace("\u3000", "")
    return "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in value).upper()


def id_number_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def validate_id_number(value: str) -> str:
    """Return the normalised 18-character number or raise ValidationError."""
    number = normalise_code(value)
    if len(number) != 18:
        raise ValidationError(
            gettext("身份证号应为 18 位，实际为 {len} 位").format(len=len(number)), code="id_length"
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(gettext("身份证号前 17 位应为数字，最后一位为数字或 X"), code="id_chars")
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            gettext("身份证号中的出生日期 {value} 不是有效日期").format(value=number[6:14]), code="id_birth"
        ) from None
    expected = id_number_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            gettext("身份证号校验位错误：应为 {expected}，实际为 {value}").format(
                expected=expected, value=number[17]
            ),
            code="id_check",
        )
    return number


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Return the normalised 统一社会信用代码 or raise ValidationError."""
    code = normalise_code(value)
    if len(code) != 18:
        raise ValidationError(
            gettext("统一社会信用代码应为 18 位，实际为 {len} 位").format(len=len(code)), code="uscc_length"
        )
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            gettext("统一社会信用代码含有不允许的字符：{join}（不使用 I、O、Z、S、V）").format(
                join="、".join(bad)
            ),
            code="uscc_chars",
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            gettext("统一社会信用代码第 3–8 位应为登记管理机关行政区划码（6 位数字）"), code="uscc_region"
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            gettext("统一社会信用代码校验位错误：应为 {expected}，实际为 {value}").format(
                expected=expected, value=code[17]
            ),
            code="uscc_check",
        )
    return code


MARKUP_RE = re.compile(r"<\s*/?\s*[A-Za-z!?]|&#?\w+;")


def reject_markup(value: str, field: str, label: str) -> str:
    """Text typed into a public form: markup (tags, entities) is refused, not stored, so nothing a
    stranger sends can change a page for anyone else."""
    if MARKUP_RE.search(value or ""):
        raise ValidationError({field: gettext("{label}不能包含网页标记（如 <、&#）").format(label=label)})
    return value


def validate_mobile(value: str) -> str:
    number = normalise_code(value).removeprefix("+86").replace("-", "")
    if not MOBILE_RE.match(number):
        raise ValidationError(gettext("手机号码应为 1 开头的 11 位数字"), code="mobile")
    return number


def mask_id_number(value: str) -> str:
    return f"{value[:3]}{'*' * 11}{value[-4:]}" if len(value) == 18 else "*" * len(value)


def mask_mobile(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else "*" * len(value)
