"""Who may do what with the register of 创新型专业镇 and its pairs."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role
from baiqianwan.core.scope import scope_of

from .models import InnovativeTown, TownPair

REGION_ROLES = (Role.CITY, Role.COUNTY, Role.TOWN)


def can_manage(user: Any) -> bool:
    """The province keeps the register (certification, status) and confirms the pairs."""
    return bool(user.is_authenticated and user.is_province)


def can_edit_profile(user: Any, town: InnovativeTown) -> bool:
    """The town, its county and its city keep the profile the pairing reads up to date."""
    if can_manage(user):
        return True
    return bool(
        user.is_authenticated and user.role in REGION_ROLES and scope_of(user).covers(town.division_id)
    )


def can_record_activity(user: Any, pair: TownPair) -> bool:
    """Either side's town, county or city records what the pair did together."""
    if can_manage(user):
        return True
    scope = scope_of(user)
    return bool(
        user.is_authenticated
        and user.role in REGION_ROLES
        and (scope.covers(pair.pearl.division_id) or scope.covers(pair.ewn.division_id))
    )
