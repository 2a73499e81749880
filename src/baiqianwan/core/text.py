"""Chinese text normalisation shared by search: traditional → simplified, full → half width."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters become simplified; simplified text passes unchanged."""
    return _t2s().convert(text) if text else text


def normalise_query(text: str) -> str:
    """What a user typed, made comparable with stored names: NFKC width folding, simplified, trimmed."""
    return to_simplified(unicodedata.normalize("NFKC", text or "")).strip()


# Characters no user means to type and some consumers cannot take: C0 controls other than tab and
# line breaks (openpyxl refuses them, XML forbids them), DEL and C1 controls, lone surrogates,
# the non-characters U+FFFE/U+FFFF, and the bidirectional overrides that make text display in an
# order other than the one stored (a file name or a name in a list could be spoofed with them).
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)
CONTROL_MESSAGE = _("含有不可见的控制字符，请删除后重试（常见于从其他软件复制的文本）")


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def strip_control_characters(text: str) -> str:
    """What is stored or written out: the text without the characters above."""
    return CONTROL_CHARACTERS.sub("", text)
