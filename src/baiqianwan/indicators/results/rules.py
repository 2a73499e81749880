"""Who may see and do what with results: plain predicates shared by services, pages and the API.

Scores and ranks of every unit are open to every signed-in user (they are about regions, not
people). Indicator values, entry values and scorecards are shown only within the reader's region.
The province publishes, and may preview the live computation at any time.
"""

from __future__ import annotations

from typing import Any

from baiqianwan.core.scope import scope_of


def is_province(user: Any) -> bool:
    return bool(getattr(user, "is_province", False))


def can_publish(user: Any) -> bool:
    """Publishing freezes a period's scores: the province only."""
    return is_province(user)


def sees_live(user: Any) -> bool:
    """Live numbers (periods not yet published, and the preview of published ones): the province."""
    return is_province(user)


def can_view_unit(user: Any, code: str) -> bool:
    """Scorecards, indicator values and entry values: only within the reader's own region."""
    return scope_of(user).covers(code)


def area_prefix(user: Any) -> str:
    """The reader's own region as a code prefix ("" for the province or no region at all)."""
    scope = scope_of(user)
    return "" if scope.everything else (scope.division_prefix or "")


def can_export_entries(user: Any) -> bool:
    """Entry values leave the platform only with the province and city bureaus, within their area."""
    return bool(is_province(user) or (getattr(user, "role", "") == "city" and area_prefix(user)))
