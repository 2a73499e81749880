"""Chinese text normalisation shared by search: traditional → simplified, full → half width."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters become simplified; simplified text passes unchanged."""
    return _t2s().convert(text) if text else text


def normalise_query(text: str) -> str:
    """What a user typed, made comparable with stored names: NFKC width folding, simplified, trimmed."""
    return to_simplified(unicodedata.normalize("NFKC", text or "")).strip()
