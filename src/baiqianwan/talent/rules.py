"""Who may do what in the talent ledgers: small predicates shared by services, pages and the API."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import PERSONAL_DATA_ROLES, Role
from baiqianwan.core.scope import scope_of
from baiqianwan.orgs.models import OrganisationKind
from baiqianwan.regions.classification import prefix_of_code

from .models import Leader, LeaderGroup, Outpost

BUREAU_ROLES = (Role.PROVINCE, Role.CITY, Role.COUNTY)
# The units that set up county research outposts (政策: 鼓励科研院校加强县域布局设点).
HOST_KINDS = (OrganisationKind.UNIVERSITY, OrganisationKind.INSTITUTE, OrganisationKind.NEW_RD)


def is_bureau(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_province or user.role in BUREAU_ROLES))


def covers(user: Any, division_code: str) -> bool:
    """The division lies in a bureau's own region (the province covers every one)."""
    return is_bureau(user) and scope_of(user).covers(division_code)


def host_unit(user: Any) -> bool:
    """A university's or institute's own account."""
    return bool(
        user.is_authenticated
        and user.role == Role.ORG
        and user.organisation_id
        and user.organisation.kind in HOST_KINDS
    )


# ---- outposts --------------------------------------------------------------------------------


def can_register_outpost(user: Any) -> bool:
    """The host's own account, the bureau of the county or its city, or the province."""
    return is_bureau(user) or host_unit(user)


def hosts(user: Any, outpost: Outpost) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.ORG
        and user.organisation_id
        and user.organisation_id == outpost.host_id
    )


def can_change_outpost(user: Any, outpost: Outpost) -> bool:
    """The host or the bureau of the place edits an open outpost, records its results, closes it."""
    return outpost.closed_on is None and (covers(user, outpost.county_id) or hosts(user, outpost))


def can_record_result(user: Any, outpost: Outpost) -> bool:
    return covers(user, outpost.county_id) or hosts(user, outpost)


# ---- 致富带头人 ------------------------------------------------------------------------------


def is_commissioner(user: Any) -> bool:
    return bool(user.is_authenticated and user.role == Role.COMMISSIONER)


def commissioner_counties(user: Any) -> set[str]:
    """The counties (6-digit code prefixes) a commissioner serves: where their appointments are or
    were in force, and the county their account is bound to."""
    from baiqianwan.commissioners.models import Assignment, AssignmentStatus

    if not is_commissioner(user):
        return set()
    towns = Assignment.all_objects.filter(
        nomination__expert__user=user,
        status__in=(AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED),
    ).values_list("need__town_id", flat=True)
    counties = {code[:6] for code in towns}
    if user.division_id and len(prefix_of_code(user.division_id)) >= 6:
        counties.add(user.division_id[:6])
    return counties


def serves(user: Any, division_code: str) -> bool:
    return any(division_code.startswith(prefix) for prefix in commissioner_counties(user))


def can_register_leader(user: Any) -> bool:
    """科技特派员 register the leaders they support (政策 三(六)二是: 科技特派员联农带农)."""
    return is_commissioner(user)


def supports(user: Any, leader: Leader) -> bool:
    return bool(user.is_authenticated and leader.commissioner_id == user.pk)


def can_report(user: Any, leader: Leader) -> bool:
    """The commissioner who supports the leader reports the leader's year."""
    return supports(user, leader)


def sees_mobile(user: Any, leader: Leader) -> bool:
    """Full mobile numbers: roles with personal-data rights, and the leader's own commissioner."""
    return bool(user.is_authenticated and (user.role in PERSONAL_DATA_ROLES or user.is_province)) or supports(
        user, leader
    )


def can_create_group(user: Any) -> bool:
    """A commissioner founds a group and leads it; a university or institute leads its own; the
    province registers one under either."""
    return is_commissioner(user) or host_unit(user) or bool(user.is_authenticated and user.is_province)


def leads(user: Any, group: LeaderGroup) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_province:
        return True
    if group.lead_commissioner_id is not None and group.lead_commissioner_id == user.pk:
        return True
    return bool(user.organisation_id and group.lead_organisation_id == user.organisation_id)


# ---- talent programmes ----------------------------------------------------------------------


def can_record_selection(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_province)
