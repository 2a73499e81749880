"""Who may see and change what of 专业镇验收: the same region rule as the results pages."""

from __future__ import annotations

from typing import Any

from ..results.rules import can_view_unit, is_province


def can_view_town(user: Any, code: str) -> bool:
    """Scores, grades and indicator values of a town: only within the reader's own region."""
    return can_view_unit(user, code)


def can_change_weights(user: Any) -> bool:
    """The five dimension weights are the province's to set."""
    return is_province(user)
