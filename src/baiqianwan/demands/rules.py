"""Who may do what to a demand: small predicates the services and templates share."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role

from .models import Demand, DemandStatus

POSTER_ROLES = frozenset({Role.VILLAGE, Role.TOWN, Role.COUNTY, Role.CITY, Role.PROVINCE, Role.ORG})
FINAL = frozenset({DemandStatus.SOLVED, DemandStatus.CLOSED, DemandStatus.MERGED})


def can_post(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in POSTER_ROLES))


def is_owner(user: Any, demand: Demand) -> bool:
    return bool(demand.submitted_by_id == user.pk)


def in_area(user: Any, demand: Demand) -> bool:
    scope = user.scope
    return bool(
        scope.everything or (scope.division_prefix and demand.division_id.startswith(scope.division_prefix))
    )


def can_triage(user: Any, demand: Demand) -> bool:
    """County, city and province bureaus accept, classify, merge and return demands in their area."""
    return bool(user.is_manager and in_area(user, demand))


def can_edit(user: Any, demand: Demand) -> bool:
    return demand.status in (DemandStatus.DRAFT, DemandStatus.RETURNED) and (
        is_owner(user, demand) or (user.role in (Role.TOWN, Role.VILLAGE) and in_area(user, demand))
    )


def can_rate(user: Any, demand: Demand) -> bool:
    return demand.status == DemandStatus.SOLVED and (is_owner(user, demand) or in_area(user, demand))
