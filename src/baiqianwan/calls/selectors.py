"""Reads of calls and applications, already scoped to the user."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Count, Q, QuerySet

from baiqianwan.core.selectors import valid_id
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.regions.models import Division

from .engine.definition import CallType, definition_from_dict
from .engine.eligibility import Facts, Verdict, evaluate
from .models import Application, ApplicationStatus, Call, CallStatus, CallTypeVersion

# Organisation kinds as the eligibility rules name them.
APPLICANT_KINDS = {
    "enterprise": "enterprise",
    "cooperative": "enterprise",
    "family_farm": "enterprise",
    "university": "university",
    "institute": "institute",
    "new_rd": "institute",
    "government": "government",
}

# Applications the offices work on; drafts stay the applicant's own business.
SUBMITTED_STATES = frozenset(set(ApplicationStatus) - {ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN})


def call_type_current(*, code: str) -> CallTypeVersion | None:
    return CallTypeVersion.objects.filter(code=code, is_current=True).first()


def call_types_current() -> QuerySet[CallTypeVersion]:
    return CallTypeVersion.objects.filter(is_current=True).order_by("code")


def call_list(*, user: Any, q: str = "", status: str = "", year: int | None = None) -> QuerySet[Call]:
    """Every logged-in user sees the published calls; drafts only the province."""
    calls = Call.objects.select_related("call_type").annotate(
        submitted_count=Count("applications", filter=Q(applications__status__in=SUBMITTED_STATES))
    )
    if not user.is_province:
        calls = calls.exclude(status=CallStatus.DRAFT)
    if q:
        calls = calls.filter(Q(title__icontains=q) | Q(call_type__name__icontains=q))
    if status:
        calls = calls.filter(status=status)
    if year:
        calls = calls.filter(year=year)
    return calls


def call_get(*, user: Any, call_id: Any) -> Call | None:
    if not valid_id(call_id):
        return None
    return call_list(user=user).filter(pk=call_id).first()


def application_list(
    *,
    user: Any,
    call_id: int | None = None,
    q: str = "",
    status: str = "",
    action: Literal["view", "change"] = "view",
) -> QuerySet[Application]:
    """The applications the user's scope reaches: their own unit's, their area's, or all."""
    applications = (
        Application.objects.for_user(user, action)
        .select_related("call__call_type", "applicant", "division")
        .order_by("-submitted_at", "-id")
    )
    if not user.is_province:
        # An office sees what was submitted in its area; drafts belong to the applicant.
        applications = applications.filter(
            Q(status__in=SUBMITTED_STATES) | Q(submitted_by=user) | Q(applicant_id=user.organisation_id)
        )
    if call_id is not None:
        applications = applications.filter(call_id=call_id)
    if q:
        applications = applications.filter(
            Q(title__icontains=q) | Q(reference__icontains=q) | Q(applicant__name__icontains=q)
        )
    if status:
        applications = applications.filter(status=status)
    return applications


def application_get(
    *, user: Any, application_id: Any, action: Literal["view", "change"] = "view"
) -> Application | None:
    if not valid_id(application_id):
        return None
    return application_list(user=user, action=action).filter(pk=application_id).first()


def application_duplicates(*, application: Application) -> QuerySet[Application]:
    """Other live applications of the same unit in the same year, in any call, or with the same
    title from anyone: what the formal check must look at (one project, one application)."""
    return (
        Application.all_objects.filter(call__year=application.call.year)
        .filter(Q(applicant_id=application.applicant_id) | Q(title=application.title))
        .exclude(pk=application.pk)
        .exclude(status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN))
        .select_related("call", "applicant")
    )


def nominations_used(*, call: Call, division_id: str | None, organisation_id: int | None) -> int:
    """How many of a nominator's places in this call are taken."""
    nominations = Application.all_objects.filter(call=call).exclude(status=ApplicationStatus.WITHDRAWN)
    if division_id:
        return nominations.filter(nominator_division_id=division_id).count()
    return nominations.filter(nominator_organisation_id=organisation_id).count()


def call_type_of(call: Call) -> CallType:
    """The engine's view of the definition the call was published under."""
    return definition_from_dict(call.call_type.definition)


def eligibility_of(application: Application) -> Verdict:
    """The call type's rules applied to the application as it is now."""
    call_type = call_type_of(application.call)
    regions: dict[str, tuple[str, bool]] = {}
    for spec in call_type.fields:
        if spec.type == "region" and application.values.get(spec.code):
            division = Division.objects.filter(pk=application.values[spec.code]).first()
            if division is not None:
                regions[spec.code] = (division.full_name, is_east_west_north(division.code))
    facts = Facts(
        values=application.values,
        partners=[p.values for p in application.partners.all()],
        applicant_kind=APPLICANT_KINDS.get(application.applicant.kind, "other"),
        applicant_in_ewn=application.in_east_west_north,
        regions=regions,
    )
    return evaluate(call_type, facts)
