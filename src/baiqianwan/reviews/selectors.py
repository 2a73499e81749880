"""Reads of the review: an expert's queue, and the results table with its ranking and selection."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from baiqianwan.calls.models import Application, ApplicationAttachment, ApplicationStatus, Call, CallStatus
from baiqianwan.calls.selectors import call_type_of
from baiqianwan.core.selectors import valid_id
from baiqianwan.supply.titles import at_least_q

from .engine.aggregate import Aggregate, Sheet, aggregate, rank
from .models import AssignmentRound, AssignmentStatus, Conflict, PoolMember, ReviewAssignment, ScoreSheet
from .rules import can_manage_review

# From the close of applications to the 公示: the stages whose review the province organises.
REVIEW_STAGES = (CallStatus.CLOSED, CallStatus.REVIEWING, CallStatus.PROVISIONAL)
IN_REVIEW_STATES = frozenset({ApplicationStatus.ACCEPTED, ApplicationStatus.REVIEWING})
DONE_STATES = frozenset({ApplicationStatus.PROVISIONAL, ApplicationStatus.NOT_SELECTED})
LIVE_STATES = (AssignmentStatus.ASSIGNED, AssignmentStatus.SUBMITTED)


def expert_queue(*, user: Any) -> QuerySet[ReviewAssignment]:
    """The expert's own review tasks, newest call first; nothing else is reachable to them."""
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(expert__user=user)
        .exclude(status=AssignmentStatus.DECLINED)
        .select_related("application__call__call_type")
        .order_by("status", "-application__call__closes_at", "application_id")
    )


def expert_assignment(*, user: Any, assignment_id: Any) -> ReviewAssignment | None:
    if not valid_id(assignment_id):
        return None
    return expert_queue(user=user).filter(pk=assignment_id).first()


@dataclass(frozen=True)
class ResultRow:
    position: int
    application: Application
    value: float
    explanation: str
    stats: Aggregate
    grade: str = ""


def _statistic_labels() -> dict[str, str]:
    return {
        "mean": gettext("平均分"),
        "median": gettext("中位数"),
        "trimmed_mean": gettext("去掉最高最低后的平均分"),
        "normalised": gettext("按专家尺度校正后的平均分"),
    }


def _ranking_wording() -> dict[str, str]:
    """The ranking's explanations in the language in use (the engine's WORDING, translated)."""
    return {
        "preferred_first": gettext("，与 {others} 同分，{preferred}同分优先"),
        "preferred_other": gettext("，与 {others} 同分，对方为{preferred}，同分优先"),
        "shared": gettext("；与 {others} 同分并列"),
        "and_more": gettext("{names} 等 {n} 项"),
        "separator": gettext("、"),
    }


def results(*, call: Call, statistic: str | None = None, normalise: bool = False) -> list[ResultRow]:
    """Every application with submitted sheets, ranked by the call type's statistic (or the one
    asked for), 粤东西北 first among equals where the call type says so."""
    call_type = call_type_of(call)
    statistic = statistic or call_type.review.statistic
    normalise = normalise or statistic == "normalised"
    sheets = ScoreSheet.objects.filter(
        assignment__application__call=call, assignment__status=AssignmentStatus.SUBMITTED, total__isnull=False
    ).values_list("assignment__application_id", "assignment__expert_id", "total")
    table = aggregate(
        (Sheet(app, expert, float(total)) for app, expert, total in sheets if total is not None),
        contested_spread=float(call_type.review.contested_spread),
        normalise=normalise,
    )
    applications = (
        Application.all_objects.filter(pk__in=list(table)).select_related("applicant", "division").in_bulk()
    )
    preferred = (
        {pk for pk, a in applications.items() if a.in_east_west_north}
        if call_type.selection.ewn_first_among_equals
        else set()
    )
    reserved = reserved_share(call=call)
    reserved_for = (
        {pk for pk, a in applications.items() if a.values.get(call_type.selection.grassroots_field) is True}
        if reserved
        else set()
    )
    return [
        ResultRow(
            r.position,
            applications[r.application],
            r.value,
            r.explanation
            + (gettext("；艰苦边远地区和基层一线，可入预留名额") if r.application in reserved_for else ""),
            table[r.application],
        )
        for r in rank(
            table,
            by=statistic,
            preferred=preferred,
            names={pk: f"“{a.title}”" for pk, a in applications.items()},
            # A carrier is built by a unit; the other tie-breaks are between teams (人才项目).
            preferred_label=gettext("粤东西北依托单位")
            if call_type.result == "carrier"
            else gettext("粤东西北创新团队"),
            labels=_statistic_labels(),
            wording=_ranking_wording(),
        )
    ]


@dataclass(frozen=True)
class ReservedShare:
    """The share of places a call type keeps for 艰苦边远地区和基层一线, and the question that
    says who is."""

    percent: int
    question: str


def reserved_share(*, call: Call) -> ReservedShare | None:
    selection_rule = call_type_of(call).selection
    if not (selection_rule.grassroots_share and selection_rule.grassroots_field):
        return None
    question = call_type_of(call).field(selection_rule.grassroots_field).label
    return ReservedShare(round(float(selection_rule.grassroots_share) * 100), question)


def city_of(application: Application) -> str:
    """The 地级市 an application counts against in a per-city quota."""
    return (application.division_id or "")[:4]


def selection(
    *,
    call: Call,
    rows: list[ResultRow],
    top: int | None = None,
    min_score: Decimal | None = None,
    per_city: int | None = None,
) -> list[ResultRow]:
    """Who is selected, in ranking order: at most `top` (or the call's places, or the call type's
    places, or the sum of its grades), none under `min_score`, at most `per_city` from one 地级市,
    a reserved share for 艰苦边远地区和基层一线 when the call type sets one; grades handed out in
    order."""
    call_type = call_type_of(call)
    chosen_rule = call_type.selection
    grades = [(g.label, g.count) for g in chosen_rule.grades]
    limit = (
        top if top is not None else call.places or chosen_rule.places or (sum(c for _, c in grades) or None)
    )
    eligible = [row for row in rows if min_score is None or Decimal(str(row.value)) >= Decimal(min_score)]
    if per_city is not None:
        # The quota is taken in ranking order, so a city's best applications are the ones kept.
        per_city_taken: dict[str, int] = {}
        within = []
        for candidate in eligible:
            city = city_of(candidate.application)
            if per_city_taken.get(city, 0) < per_city:
                per_city_taken[city] = per_city_taken.get(city, 0) + 1
                within.append(candidate)
        eligible = within
    if limit is None:
        picked = eligible
    else:
        picked = []
        share, field = chosen_rule.grassroots_share, chosen_rule.grassroots_field
        if share and field:
            reserved = math.ceil(limit * float(share))
            grassroots = [row for row in eligible if row.application.values.get(field) is True]
            picked = grassroots[:reserved]
        taken = {row.application.pk for row in picked}
        picked += [row for row in eligible if row.application.pk not in taken][: max(limit - len(picked), 0)]
        picked.sort(key=lambda row: (row.position, row.application.pk))
    if grades:
        labelled = []
        queue = iter(picked)
        for label, count in grades:
            for _ in range(count):
                row = next(queue, None)
                if row is None:
                    break
                labelled.append(replace(row, grade=label))
        return labelled
    return picked


# ---- the reviewer's view of a task (blind-aware) ---------------------------------------------


@dataclass(frozen=True)
class Answer:
    label: str
    value: str
    unit: str = ""
    help: str = ""


@dataclass(frozen=True)
class PartnerView:
    label: str
    answers: list[Answer]


@dataclass(frozen=True)
class AttachmentView:
    id: int
    label: str
    name: str
    size: int


@dataclass(frozen=True)
class TaskView:
    """What the assigned expert may see of an application. In a blind review nothing that names
    the applicant is in it: no applicant, co-builder or team names (they are also cut out of the
    free-text answers), no division, no title, no history, attachments named by their material."""

    assignment: ReviewAssignment
    blind: bool
    reference: str
    title: str
    call_title: str
    applicant: str
    division: str
    lead: str
    members: list[tuple[str, str]]
    answers: list[Answer]
    partners: list[PartnerView]
    attachments: list[AttachmentView]
    rubric: list[Any]
    sheet: ScoreSheet | None


def _identities(application: Application, fields: list[Any]) -> list[str]:
    """Every name and code that would identify the applicant, longest first (so a longer name is
    cut before a shorter one inside it): its units, its people, its title and the answers the call
    type marks as identifying (a team's name, its leader)."""
    names: set[str] = {application.title}
    names.update(str(application.values.get(f.code) or "") for f in fields if f.identifies)
    organisations = [application.applicant, *(p.organisation for p in application.partners.all())]
    for organisation in organisations:
        names.update(v for v in (organisation.name, organisation.uscc) if v)
    people = [m.person for m in application.members.all()] + ([application.lead] if application.lead else [])
    names.update(person.name for person in people if person.name)
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def _shown(field: Any, value: Any, *, blind: bool) -> str | None:
    """An answer as a reviewer reads it; None when a blind review hides it (a region names a place)."""
    if value is None or value == "":
        return ""
    if field.type == "boolean":
        return str(gettext("是") if value is True or value == "true" else gettext("否"))
    if field.type == "region":
        if blind:
            return None
        from baiqianwan.regions.models import Division

        division = Division.objects.filter(pk=str(value)[:12]).first()
        return division.full_name if division else str(value)
    return str(value)


def _answers(fields: list[Any], values: dict[str, Any], *, blind: bool, redact: Any) -> list[Answer]:
    out = []
    for field in fields:
        if field.code not in values or (blind and field.identifies):
            continue
        shown = _shown(field, values.get(field.code), blind=blind)
        if shown is None:
            continue
        out.append(Answer(field.label, redact(shown), field.unit, field.help))
    return out


def task_view(*, assignment: ReviewAssignment) -> TaskView:
    application = (
        Application.all_objects.select_related("call__call_type", "applicant", "division", "lead")
        .prefetch_related("partners__organisation", "members__person", "attachments")
        .get(pk=assignment.application_id)
    )
    call = application.call
    call_type = call_type_of(call)
    blind = bool(call.blind)
    hidden = _identities(application, list(call_type.fields)) if blind else []

    def redact(text: str) -> str:
        for name in hidden:
            text = text.replace(name, str(gettext("【已隐去】")))
        return text

    partner_fields = [f for f in call_type.fields if f.partners]
    partners = [
        PartnerView(
            str(gettext("共建单位 {n}").format(n=n)) if blind else partner.organisation.name,
            _answers(partner_fields, partner.values, blind=blind, redact=redact),
        )
        for n, partner in enumerate(application.partners.all(), start=1)
    ]
    specs = {a.code: a.label for a in call_type.attachments}
    counts: dict[str, int] = {}
    attachments = []
    for attachment in application.attachments.all():
        counts[attachment.spec] = counts.get(attachment.spec, 0) + 1
        label = specs.get(attachment.spec, attachment.spec)
        suffix = attachment.name.rsplit(".", 1)[-1].lower()[:5] if "." in attachment.name else ""
        name = f"{label}-{counts[attachment.spec]}" + (f".{suffix}" if suffix.isalnum() else "")
        attachments.append(
            AttachmentView(attachment.pk, label, name if blind else attachment.name, attachment.size)
        )
    return TaskView(
        assignment=assignment,
        blind=blind,
        reference=application.reference,
        title="" if blind else application.title,
        call_title=call.title,
        applicant="" if blind else application.applicant.name,
        division="" if blind else application.division.full_name,
        lead="" if blind or application.lead is None else application.lead.name,
        members=[] if blind else [(m.person.name, m.role) for m in application.members.all()],
        answers=_answers(list(call_type.fields), application.values, blind=blind, redact=redact),
        partners=partners,
        attachments=attachments,
        rubric=list(call_type.review.rubric),
        sheet=ScoreSheet.objects.filter(assignment=assignment).first(),
    )


def task_attachment(*, user: Any, assignment_id: Any, attachment_id: Any) -> tuple[Any, str] | None:
    """(the file, the name to download it under) for the expert assigned to its application only."""
    assignment = expert_assignment(user=user, assignment_id=assignment_id)
    if assignment is None or not valid_id(attachment_id):
        return None
    view = task_view(assignment=assignment)
    shown = next((a for a in view.attachments if a.id == int(attachment_id)), None)
    if shown is None:
        return None
    return ApplicationAttachment.objects.get(pk=shown.id), shown.name


# ---- the province's view of a call's review --------------------------------------------------


def review_calls(*, user: Any) -> QuerySet[Call]:
    """Calls whose review the province organises: from the close of applications to the 公示."""
    if not can_manage_review(user):
        return Call.objects.none()
    return (
        Call.objects.filter(status__in=REVIEW_STAGES)
        .select_related("call_type")
        .annotate(
            in_review=Count(
                "applications",
                filter=Q(applications__status__in=IN_REVIEW_STATES),
                distinct=True,
            )
        )
        .order_by("-closes_at", "-id")
    )


def review_call(*, user: Any, call_id: Any) -> Call | None:
    if not valid_id(call_id) or not can_manage_review(user):
        return None
    return Call.objects.select_related("call_type").filter(pk=call_id).first()


def _count(queryset: QuerySet[Any]) -> Any:
    return Coalesce(Subquery(queryset.values("expert").annotate(n=Count("pk")).values("n")[:1]), 0)


def pool_list(*, call: Call) -> QuerySet[PoolMember]:
    """The call's pool with each expert's conflicts and tasks counted."""
    mine = {"expert": OuterRef("expert"), "application__call": OuterRef("call")}
    return (
        PoolMember.objects.filter(call=call)
        .select_related("expert__person__organisation")
        .annotate(
            conflict_count=_count(Conflict.objects.filter(**mine)),
            task_count=_count(ReviewAssignment.objects.filter(status__in=LIVE_STATES, **mine)),
            submitted_count=_count(
                ReviewAssignment.objects.filter(status=AssignmentStatus.SUBMITTED, **mine)
            ),
        )
        .order_by("expert__person__name", "pk")
    )


def pool_candidates(
    *, user: Any, call: Call, q: str = "", industry: str = "", seniority: str = ""
) -> QuerySet[Any]:
    """Experts of the library the user may see who are not in the call's pool yet, by field
    (text, industry) and seniority (at least 正高级 or 副高级)."""
    from baiqianwan.supply.selectors import expert_list

    return (
        expert_list(user=user, q=q, industry=industry)
        .filter(at_least_q(seniority))
        .exclude(pk__in=PoolMember.objects.filter(call=call).values("expert_id"))
    )


def rounds(*, call: Call) -> QuerySet[AssignmentRound]:
    return AssignmentRound.objects.filter(call=call).select_related("created_by")


def reviewers(*, call: Call) -> list[tuple[Application, list[ReviewAssignment]]]:
    """Each application in review with its reviewers (declined ones too, with the reason)."""
    applications = list(
        Application.all_objects.filter(call=call, status__in=IN_REVIEW_STATES | DONE_STATES)
        .select_related("applicant")
        .order_by("reference")
    )
    by_application: dict[int, list[ReviewAssignment]] = {a.pk: [] for a in applications}
    for assignment in ReviewAssignment.objects.filter(application__call=call).select_related(
        "expert__person"
    ):
        by_application.setdefault(assignment.application_id, []).append(assignment)
    return [(a, by_application[a.pk]) for a in applications]


@dataclass(frozen=True)
class Progress:
    submitted: int
    assigned: int
    declined: int

    @property
    def percent(self) -> int:
        total = self.submitted + self.assigned
        return round(100 * self.submitted / total) if total else 0


def progress(*, call: Call) -> Progress:
    counts = dict(
        ReviewAssignment.objects.filter(application__call=call)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return Progress(
        submitted=counts.get(AssignmentStatus.SUBMITTED, 0),
        assigned=counts.get(AssignmentStatus.ASSIGNED, 0),
        declined=counts.get(AssignmentStatus.DECLINED, 0),
    )


def conflicts(*, call: Call) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(application__call=call)
        .select_related("application", "expert__person")
        .order_by("application__reference", "expert__person__name", "reason")
    )


def reviews_complete(*, call: Call) -> bool:
    """Every reviewer of the applications in review has submitted, and at least one sheet exists:
    the point at which a call set to decide automatically is provisionally ranked."""
    tasks = ReviewAssignment.objects.filter(
        application__call=call, application__status=ApplicationStatus.REVIEWING
    )
    return (
        not tasks.filter(status=AssignmentStatus.ASSIGNED).exists()
        and tasks.filter(status=AssignmentStatus.SUBMITTED).exists()
    )
