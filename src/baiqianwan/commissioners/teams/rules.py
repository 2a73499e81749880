"""Who may manage a town's workstations and a team's leader."""

from __future__ import annotations

from typing import Any

from baiqianwan.core.scope import scope_of

from ..rounds.models import Team

REGION_MANAGERS = ("province", "city", "county", "town")


def _covers(user: Any, code: str) -> bool:
    return scope_of(user).covers(code)


def can_register_workstation(user: Any) -> bool:
    """工作站 are registered by the town and the bureaus above it."""
    return bool(user.is_province or user.role in REGION_MANAGERS)


def can_manage_town(user: Any, town_code: str) -> bool:
    """Province, or a city, county or town manager whose area holds the town (工作站登记与关联)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_province:
        return True
    return user.role in REGION_MANAGERS and _covers(user, town_code)


def can_change_leader(user: Any, team: Team) -> bool:
    """The province, or the county the team's town belongs to."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_province or (user.role == "county" and _covers(user, team.town_id)))
