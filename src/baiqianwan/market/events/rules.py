"""Who records a transfer event: the host's own accounts, or the bureau (province, city, county) of
the place where it was held. Every signed-in user reads the published ones."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role
from baiqianwan.core.scope import scope_of

from ..models import TransferEvent, TransferEventStatus
from ..rules import _org_user, speaks_for

BUREAU_ROLES = (Role.CITY, Role.COUNTY)


def unit_account(user: Any) -> bool:
    return _org_user(user)


def is_bureau(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_province or user.role in BUREAU_ROLES))


def can_record(user: Any) -> bool:
    return _org_user(user) or is_bureau(user)


def records_for(user: Any, host_id: int | None, place_code: str | None) -> bool:
    """The host's account; the province; a city or county bureau whose region holds the place."""
    if speaks_for(user, host_id):
        return True
    if not is_bureau(user):
        return False
    return scope_of(user).covers(place_code)


def can_edit(user: Any, event: TransferEvent) -> bool:
    return records_for(user, event.host_id, event.place_id)


def can_publish(user: Any, event: TransferEvent) -> bool:
    return event.status == TransferEventStatus.DRAFT and can_edit(user, event)
