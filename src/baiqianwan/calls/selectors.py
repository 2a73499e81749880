"""Reads of calls and applications, already scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.selectors import valid_id
from baiqianwan.indicators.collection.selectors import latest_approved_values
from baiqianwan.orgs.models import Organisation
from baiqianwan.plan.selectors import MeasureActivity
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.regions.models import Division

from .engine.definition import CallType, definition_from_dict
from .engine.eligibility import Facts, Verdict, evaluate
from .models import (
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    Call,
    CallStatus,
    CallTypeVersion,
    Carrier,
    CarrierStatus,
    Objection,
)
from .rules import PARTNER_KINDS

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
    return calls.order_by("-year", "-opens_at", "-id")


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


def nomination_places(*, user: Any, call: Call) -> tuple[int, int]:
    """(used, quota) of the nominating unit the user speaks for: a city bureau for its city, a
    university or institute for itself."""
    quota = int(call.call_type.definition.get("nominator_quota") or 0)
    if user.role == "city":
        used = nominations_used(call=call, division_id=user.division_id, organisation_id=None)
    else:
        used = nominations_used(call=call, division_id=None, organisation_id=user.organisation_id)
    return used, quota


def call_type_of(call: Call) -> CallType:
    """The engine's view of the definition the call was published under, with the call's own
    options filled into the fields that take them from the call."""
    definition = call.call_type.definition
    if call.choices:
        definition = {
            **definition,
            "fields": [
                {**spec, "choices": list(call.choices.get(spec["code"], []))}
                if spec.get("choices_from_call")
                else spec
                for spec in definition.get("fields", [])
            ],
        }
    return definition_from_dict(definition)


def eligibility_of(application: Application) -> Verdict:
    """The call type's rules applied to the application as it is now."""
    call_type = call_type_of(application.call)
    regions: dict[str, tuple[str, bool]] = {}
    for spec in call_type.fields:
        if spec.type == "region" and application.values.get(spec.code):
            division = Division.objects.filter(pk=application.values[spec.code]).first()
            if division is not None:
                regions[spec.code] = (division.full_name, is_east_west_north(division.code))
    partners = list(application.partners.select_related("organisation"))
    facts = Facts(
        values=application.values,
        partners=[p.values for p in partners],
        partners_in_ewn=[
            p.organisation.name for p in partners if is_east_west_north(p.organisation.division_id or "")
        ],
        applicant_kind=APPLICANT_KINDS.get(application.applicant.kind, "other"),
        applicant_in_ewn=application.in_east_west_north,
        regions=regions,
    )
    return evaluate(call_type, facts)


def call_type_versions() -> QuerySet[CallTypeVersion]:
    return CallTypeVersion.objects.select_related("loaded_by").annotate(call_count=Count("calls"))


def call_type_version_get(*, version_id: Any) -> CallTypeVersion | None:
    return CallTypeVersion.objects.filter(pk=version_id).first() if valid_id(version_id) else None


def call_counts(*, call: Call) -> list[tuple[str, int]]:
    """How many of the call's applications stand at each status, in lifecycle order."""
    counts = dict(Application.all_objects.filter(call=call).values_list("status").annotate(n=Count("id")))
    return [(str(label), counts[value]) for value, label in ApplicationStatus.choices if value in counts]


@dataclass(frozen=True)
class Answer:
    label: str
    value: str
    unit: str


def _shown(spec: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True or value is False:
        return "是" if value else "否"
    if spec.type == "region":
        division = Division.objects.filter(pk=value).first()
        return division.full_name if division else str(value)
    return str(value)


def answers_shown(*, application: Application, call_type: CallType) -> list[Answer]:
    return [
        Answer(
            spec.label,
            _shown(spec, application.values.get(spec.code)),
            spec.unit if spec.type in ("integer", "decimal") else "",
        )
        for spec in call_type.fields
    ]


def partners_shown(*, application: Application, call_type: CallType) -> list[tuple[Any, list[Answer]]]:
    specs = [spec for spec in call_type.fields if spec.partners]
    return [
        (
            partner.organisation,
            [Answer(s.label, _shown(s, partner.values.get(s.code)), s.unit) for s in specs],
        )
        for partner in application.partners.select_related("organisation")
    ]


def attachments_shown(
    *, application: Application, call_type: CallType
) -> list[tuple[ApplicationAttachment, str]]:
    """Each stored file with the name of the material it is (the call type's label)."""
    labels = {spec.code: spec.label for spec in call_type.attachments}
    return [(f, labels.get(f.spec, f.spec)) for f in application.attachments.all()]


def attachment_get(*, application: Application, attachment_id: Any) -> ApplicationAttachment | None:
    return application.attachments.filter(pk=attachment_id).first() if valid_id(attachment_id) else None


def publicity_list(*, call: Call) -> list[Application]:
    """What the 公示 shows: the provisional list while it runs, the approved list afterwards."""
    if call.status not in (CallStatus.PUBLICITY, CallStatus.DECIDED):
        return []
    wanted = (
        ApplicationStatus.PROVISIONAL if call.status == CallStatus.PUBLICITY else ApplicationStatus.APPROVED
    )
    return list(
        Application.all_objects.filter(call=call, status=wanted)
        .select_related("applicant", "division")
        .order_by("rank", "reference")
    )


def approved_list(*, call: Call) -> list[Application]:
    return list(
        Application.all_objects.filter(call=call, status=ApplicationStatus.APPROVED)
        .select_related("applicant", "division")
        .order_by("rank", "reference")
    )


def carrier_list(
    *, user: Any, q: str = "", kind: str = "", east_west_north: bool = False
) -> QuerySet[Carrier]:
    """The register is public to every business user (it is published); lists are not scoped."""
    carriers = Carrier.all_objects.select_related("organisation", "division").order_by(
        "-certified_on", "name"
    )
    if q:
        carriers = carriers.filter(
            Q(name__icontains=q) | Q(organisation__name__icontains=q) | Q(field__icontains=q)
        )
    if kind:
        carriers = carriers.filter(kind=kind)
    if east_west_north:
        carriers = carriers.filter(in_east_west_north=True)
    return carriers


def objections(*, user: Any, call: Call) -> QuerySet[Objection]:
    """The objections to a call's 公示: the province's to answer (they carry contact details)."""
    if not user.is_province:
        raise PermissionDenied(gettext("只有省科技厅可以查看异议"))
    return call.objections.select_related("application")


def town_government(*, division_id: str | None) -> Organisation | None:
    """The town's government as registered by its county: the applicant of a town's application."""
    if not division_id:
        return None
    return (
        Organisation.all_objects.filter(kind="government", division_id=division_id, is_active=True)
        .order_by("pk")
        .first()
    )


def prefill_values(*, call_type: CallType, division_id: str | None) -> tuple[dict[str, Any], str]:
    """The answers a place already reported: for each field with `prefill`, the latest approved
    value of that indicator element for the place, and the period it comes from."""
    specs = {spec.code: spec for spec in call_type.fields if spec.prefill}
    if not specs or not division_id:
        return {}, ""
    values, period = latest_approved_values(
        unit_code=division_id, elements={str(spec.prefill) for spec in specs.values()}
    )
    return {
        field: _as_answer(spec.type, values[str(spec.prefill)])
        for field, spec in specs.items()
        if str(spec.prefill) in values
    }, period


def _as_answer(kind: str, value: Any) -> Any:
    """A reported number as the form's field takes it: reports store 12.0, a count field wants 12."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if kind == "integer" and float(value).is_integer():
        return int(value)
    if kind == "decimal":
        return Decimal(str(value))
    return value


def partner_choices(call_type: CallType | None = None) -> QuerySet[Organisation]:
    """The units the call type takes as partners (by default universities, institutes and new R&D
    institutions) anywhere in the province."""
    kinds = call_type.partner_kinds if call_type is not None else PARTNER_KINDS
    return Organisation.all_objects.filter(is_active=True, kind__in=kinds).order_by("kind", "name")


def nominee_choices(*, user: Any) -> QuerySet[Organisation]:
    """A nominator names units of its own area, or an institution anywhere."""
    in_scope = Organisation.objects.for_user(user).values("pk")
    return (
        Organisation.all_objects.filter(is_active=True)
        .filter(Q(pk__in=in_scope) | Q(kind__in=PARTNER_KINDS))
        .order_by("name")
    )


def measure_activities(user: Any) -> dict[str, list[MeasureActivity]]:
    """The plan page's view of the calls: for each measure a call type serves, its latest calls
    with how many applied and how many were approved, and for carrier types the register's count."""
    calls = (
        call_list(user=user)
        .annotate(
            approved_count=Count("applications", filter=Q(applications__status=ApplicationStatus.APPROVED))
        )
        .select_related("call_type")
    )
    today = timezone.localdate()
    valid = Carrier.all_objects.filter(status=CarrierStatus.ACTIVE).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    carriers = dict(valid.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    carriers_ewn = dict(
        valid.filter(in_east_west_north=True)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    found: dict[str, list[MeasureActivity]] = {}
    for call in calls[:200]:
        definition = call.call_type.definition
        clause = str(definition.get("measure", ""))
        if not clause or len(found.get(clause, [])) >= 3:  # the latest three calls per measure
            continue
        detail = gettext("申报 {n} 项").format(n=call.submitted_count)  # type: ignore[attr-defined]
        if call.status == CallStatus.DECIDED:
            detail += gettext(" · 立项/认定 {n} 项").format(n=call.approved_count)
        kind = str(definition.get("carrier_kind", ""))
        if kind and kind in carriers and not any(a.label == kind for a in found.get(clause, [])):
            found.setdefault(clause, []).append(
                MeasureActivity(
                    label=kind,
                    status=gettext("在册"),
                    detail=gettext("{n} 家，其中粤东西北 {ewn} 家").format(
                        n=carriers[kind], ewn=carriers_ewn.get(kind, 0)
                    ),
                    url=reverse("calls:carriers") + "?" + urlencode({"kind": kind}),
                )
            )
        found.setdefault(clause, []).append(
            MeasureActivity(
                label=call.title,
                status=call.get_status_display(),
                detail=detail,
                url=reverse("calls:call", args=[call.pk]),
            )
        )
    return found
