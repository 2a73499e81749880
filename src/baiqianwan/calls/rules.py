"""Who may do what in a call: small predicates the services, views and API share."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role
from baiqianwan.core.scope import scope_of

from .models import Application, ApplicationStatus, Call, CallStatus

EDITABLE = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.RETURNED})
# Units that may nominate for a nomination-only call besides the city bureaus (eligible units).
NOMINATING_KINDS = frozenset({"university", "institute"})
# Who co-builds with an applicant (三(四)一是: enterprises with universities and institutes); these
# are public institutions, listed province-wide.
PARTNER_KINDS = frozenset({"university", "institute", "new_rd"})


def can_manage_calls(user: Any) -> bool:
    """The province writes call types and calls, runs the formal check and decides."""
    return bool(user.is_authenticated and user.is_province)


def is_nomination(call: Call) -> bool:
    return call.call_type.definition.get("mode") == "nomination"


def is_enrolment(call: Call) -> bool:
    """Records are enrolled by the app that owns them (a project's acceptance), not applied for."""
    return call.call_type.definition.get("mode") == "enrolment"


def applies_as_town(call: Call) -> bool:
    return call.call_type.definition.get("applicant") == "town"


def can_apply(user: Any, call: Call) -> bool:
    """A unit's account applies for its unit while the call is open (nomination calls excepted);
    where towns apply, a town's account applies for its town."""
    if (
        not (user.is_authenticated and call.status == CallStatus.OPEN)
        or is_nomination(call)
        or is_enrolment(call)
    ):
        return False
    if applies_as_town(call):
        return bool(user.role == Role.TOWN and user.division_id)
    return bool(user.role == Role.ORG and user.organisation_id)


def can_nominate(user: Any, call: Call) -> bool:
    """City bureaus, and universities and institutes, nominate for a nomination-only call."""
    if not (user.is_authenticated and call.status == CallStatus.OPEN and is_nomination(call)):
        return False
    if user.role == Role.CITY and user.division_id:
        return True
    organisation = getattr(user, "organisation", None)
    return bool(user.role == Role.ORG and organisation is not None and organisation.kind in NOMINATING_KINDS)


def speaks_for_applicant(user: Any, application: Application) -> bool:
    """Who filled it in, a colleague of the applicant unit, or the nominator's office."""
    if application.submitted_by_id == user.pk:
        return True
    if user.role == Role.ORG and user.organisation_id == application.applicant_id:
        return True
    if (
        user.role == Role.TOWN
        and user.division_id == application.division_id
        and applies_as_town(application.call)
    ):
        return True
    return bool(
        application.nominator_division_id
        and user.role == Role.CITY
        and user.division_id == application.nominator_division_id
    )


def can_edit(user: Any, application: Application) -> bool:
    return application.status in EDITABLE and speaks_for_applicant(user, application)


def can_recommend(user: Any, application: Application) -> bool:
    """The city or county bureau of the applicant's area recommends or returns (推荐/初审); for a
    攻关 project, so may the bureau of a partner's area (梅州 for a 华农 project with a 梅州 company:
    三(一) asks for 粤东西北 participation, and that city pays the 配套)."""
    if user.is_authenticated and user.is_province:
        return True
    if not (user.is_authenticated and user.role in (Role.CITY, Role.COUNTY)):
        return False
    scope = scope_of(user)
    if scope.covers(application.division_id):
        return True
    if application.call.call_type.definition.get("result") != "project":
        return False
    return any(
        scope.covers(division)
        for division in application.partners.values_list("organisation__division_id", flat=True)
        if division
    )


def can_check(user: Any, application: Application) -> bool:
    """The province's formal check (形式审查)."""
    return can_manage_calls(user)
