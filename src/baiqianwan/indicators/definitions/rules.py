"""Who may maintain indicator systems and report settings: the province only."""

from __future__ import annotations

from typing import Any


def can_maintain(user: Any) -> bool:
    """Indicator systems, their versions and each report's deadline, lock and approval levels."""
    return bool(getattr(user, "is_province", False))
