"""Who may do what to a demand: small predicates the services and templates share."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role
from baiqianwan.core.scope import scope_of

from .models import Connection, ConnectionStatus, Demand, DemandStatus

POSTER_ROLES = frozenset({Role.VILLAGE, Role.TOWN, Role.COUNTY, Role.CITY, Role.PROVINCE, Role.ORG})
FINAL = frozenset({DemandStatus.SOLVED, DemandStatus.CLOSED, DemandStatus.MERGED})
# Once the other side has accepted, the submitter and that side see each other's contact.
CONTACT_OPEN = frozenset({ConnectionStatus.ACCEPTED, ConnectionStatus.SUCCEEDED})


def can_post(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in POSTER_ROLES))


def is_owner(user: Any, demand: Demand) -> bool:
    return bool(demand.submitted_by_id == user.pk)


def in_area(user: Any, demand: Demand) -> bool:
    return scope_of(user).covers(demand.division_id)


def can_triage(user: Any, demand: Demand) -> bool:
    """County, city and province bureaus accept, classify, merge and return demands in their area."""
    return bool(user.is_manager and in_area(user, demand))


def can_edit(user: Any, demand: Demand) -> bool:
    return demand.status in (DemandStatus.DRAFT, DemandStatus.RETURNED) and (
        is_owner(user, demand) or (user.role in (Role.TOWN, Role.VILLAGE) and in_area(user, demand))
    )


def speaks_for_submitter(user: Any, demand: Demand) -> bool:
    """The person who posted the demand, or a colleague on the same village or town office."""
    return is_owner(user, demand) or bool(
        user.role in (Role.VILLAGE, Role.TOWN) and user.division_id and user.division_id == demand.division_id
    )


def was_solved(demand: Demand) -> bool:
    """Solved as the submitter confirmed it; a closed demand keeps that (办结 after the solution)."""
    return demand.status == DemandStatus.SOLVED or (
        demand.status == DemandStatus.CLOSED and demand.solved_at is not None
    )


def can_rate(user: Any, demand: Demand) -> bool:
    return was_solved(demand) and speaks_for_submitter(user, demand)


def answers_for(user: Any, connection: Connection) -> bool:
    """The user is the proposed expert, or an account of the organisation that owns the target."""
    if connection.expert_id and connection.expert and connection.expert.user_id == user.pk:
        return True
    org_id = getattr(user, "organisation_id", None)
    if not org_id:
        return False
    if connection.achievement_id and connection.achievement:
        return bool(connection.achievement.organisation_id == org_id)
    if connection.expert_id and connection.expert:
        return bool(connection.expert.person.organisation_id == org_id)
    return bool(connection.organisation_id == org_id)
