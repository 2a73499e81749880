"""Who may do what in the service network: small predicates shared by services, pages and the API."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role
from baiqianwan.core.scope import scope_of

from ..models import ServiceStation

BUREAU_ROLES = (Role.PROVINCE, Role.CITY, Role.COUNTY)


def is_bureau(user: Any) -> bool:
    """The province and the city and county bureaus register centres and stations."""
    return bool(user.is_authenticated and (user.is_province or user.role in BUREAU_ROLES))


def can_register(user: Any) -> bool:
    return is_bureau(user)


def covers(user: Any, division_code: str) -> bool:
    """The division lies in the user's own region (the province covers every one)."""
    return is_bureau(user) and scope_of(user).covers(division_code)


def can_change(user: Any, station: ServiceStation) -> bool:
    """The bureau whose region holds the station edits it and closes it, while it is open."""
    return station.closed_on is None and covers(user, station.division_id)


def hosts(user: Any, station: ServiceStation) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.ORG
        and user.organisation_id
        and user.organisation_id == station.host_id
    )


def can_record_activity(user: Any, station: ServiceStation) -> bool:
    """The station's bureau or its host unit records what it held."""
    return covers(user, station.division_id) or hosts(user, station)
