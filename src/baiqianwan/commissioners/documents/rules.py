"""Who may download what of the dispatch documents."""

from __future__ import annotations

from typing import Any


def can_download_round(user: Any) -> bool:
    """A whole round's letters and agreements in one zip are for the province only."""
    return bool(getattr(user, "is_province", False))
