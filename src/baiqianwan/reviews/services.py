"""Expert review of a call: the pool, conflicts of interest (computed from the platform's records,
or declared), the optimal assignment and replacements, score sheets, and provisional selection by
rule. Each write is one transaction; the solver and the statistics are the engine's."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.calls.models import Application, ApplicationEvent, ApplicationStatus, Call, CallStatus
from baiqianwan.calls.rules import can_manage_calls
from baiqianwan.calls.selectors import call_type_of
from baiqianwan.calls.services import calls_close_due
from baiqianwan.core.concurrency import version_check
from baiqianwan.core.notifications import notify_after_commit
from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import strip_control_characters
from baiqianwan.matching.documents import expert_document, split_id
from baiqianwan.matching.engine import MatchIndex, Query
from baiqianwan.supply.models import ExpertProfile

from . import selectors
from .engine import assign as solver
from .engine.model import MAX_AFFINITY, Assignment, Instance, Result
from .engine.model import Application as SlotApplication
from .engine.model import Reviewer as SlotReviewer
from .engine.rubric import sheet_total
from .models import (
    AssignmentRound,
    AssignmentStatus,
    Conflict,
    ConflictReason,
    PoolMember,
    ReviewAssignment,
    ScoreSheet,
)

MAX_POOL = 5000
CO_APPLICANT_YEARS = 3
# Applications that take part in the review.
IN_REVIEW = (ApplicationStatus.ACCEPTED, ApplicationStatus.REVIEWING)
LIVE = (AssignmentStatus.ASSIGNED, AssignmentStatus.SUBMITTED)


def _province_call(acting_user: Any, call_id: Any) -> Call:
    if not can_manage_calls(acting_user):
        raise PermissionDenied(gettext("只有省科技厅可以组织评审"))
    call = (
        Call.objects.select_for_update().select_related("call_type").filter(pk=call_id).first()
        if valid_id(call_id)
        else None
    )
    if call is None:
        raise PermissionDenied(gettext("找不到该申报指南"))
    return call


# ---- pool and conflicts ----------------------------------------------------------------------


@transaction.atomic
def pool_add(*, acting_user: Any, call_id: int, expert_ids: Iterable[int], capacity: int = 10) -> int:
    """Invite experts to review the call (each needs a platform account to score online)."""
    call = _province_call(acting_user, call_id)
    if call.status in (CallStatus.DRAFT, CallStatus.PUBLICITY, CallStatus.DECIDED):
        raise ValidationError(gettext("指南发布后、公示前才能组建评审专家库"))
    if not 1 <= int(capacity) <= 200:
        raise ValidationError({"capacity": gettext("评审上限须在 1 至 200 项之间")})
    wanted = [pk for pk in dict.fromkeys(expert_ids) if valid_id(pk)]
    if len(wanted) + PoolMember.objects.filter(call=call).count() > MAX_POOL:
        raise ValidationError(gettext("评审专家库最多 {n} 人").format(n=MAX_POOL))
    experts = {e.pk: e for e in ExpertProfile.all_objects.filter(pk__in=wanted).select_related("person")}
    missing = [pk for pk in wanted if pk not in experts]
    if missing:
        raise ValidationError(
            {"experts": gettext("专家不存在：{ids}").format(ids="、".join(map(str, missing[:10])))}
        )
    without_account = [e.person.name for e in experts.values() if e.user_id is None]
    if without_account:
        raise ValidationError(
            {
                "experts": gettext("以下专家没有平台账号，无法在线评审：{names}").format(
                    names="、".join(without_account[:10])
                )
            }
        )
    existing = set(PoolMember.objects.filter(call=call).values_list("expert_id", flat=True))
    added = PoolMember.objects.bulk_create(
        PoolMember(call=call, expert=experts[pk], capacity=int(capacity))
        for pk in wanted
        if pk not in existing
    )
    conflicts_refresh(call=call, expert_ids=[m.expert_id for m in added])
    return len(added)


def conflicts_refresh(
    *, call: Call, application_ids: Iterable[int] | None = None, expert_ids: Iterable[int] | None = None
) -> int:
    """Recompute the conflicts the platform can see, for the applications and experts given (all
    of the call's when None): same organisation as the applicant or a co-builder, named in the
    application, or co-applicant with the applicant within three years. Declared ones stay."""
    candidates = Application.all_objects.filter(call=call).exclude(
        status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
    )
    if application_ids is not None:
        candidates = candidates.filter(pk__in=list(application_ids))
    members = PoolMember.objects.filter(call=call).select_related("expert__person")
    if expert_ids is not None:
        members = members.filter(expert_id__in=list(expert_ids))
    applications = list(
        candidates.select_related("applicant").prefetch_related("partners__organisation", "members")
    )
    experts = [m.expert for m in members]
    if not applications or not experts:
        return 0

    # Each application's co-builders by id, with the name the conflict's explanation gives.
    partner_orgs = {
        a.pk: {p.organisation_id: p.organisation.name for p in a.partners.all()} for a in applications
    }
    named = {
        a.pk: {m.person_id for m in a.members.all()} | ({a.lead_id} if a.lead_id else set())
        for a in applications
    }
    history = _co_applications(
        [e.person_id for e in experts], since=timezone.now() - dt.timedelta(days=365 * CO_APPLICANT_YEARS)
    )

    found: list[Conflict] = []
    for application in applications:
        for expert in experts:
            person = expert.person
            reasons = []
            if person.organisation_id == application.applicant_id:
                reasons.append((ConflictReason.SAME_ORGANISATION, application.applicant.name))
            elif person.organisation_id in partner_orgs[application.pk]:
                reasons.append((ConflictReason.PARTNER, partner_orgs[application.pk][person.organisation_id]))
            if person.pk in named[application.pk]:
                reasons.append((ConflictReason.NAMED, gettext("申报团队成员")))
            for other_ref, other_applicant, people in history.get(person.pk, ()):
                if other_ref != application.reference and (
                    other_applicant == application.applicant_id or people & named[application.pk]
                ):
                    reasons.append(
                        (ConflictReason.CO_APPLICANT, gettext("共同申报 {ref}").format(ref=other_ref))
                    )
                    break
            found.extend(
                Conflict(application=application, expert=expert, reason=r, detail=d[:200]) for r, d in reasons
            )
    stale = Conflict.objects.filter(application__in=applications, expert__in=experts).exclude(
        reason=ConflictReason.DECLARED
    )
    stale.delete()
    Conflict.objects.bulk_create(found, ignore_conflicts=True)
    return len(found)


def _co_applications(
    person_ids: list[int], *, since: dt.datetime
) -> dict[int, list[tuple[str, int, set[int]]]]:
    """For each person: the applications they were named in since `since` (any call), with the
    applicant and everyone named with them."""
    recent = (
        Application.all_objects.filter(created_at__gte=since)
        .filter(Q(members__person_id__in=person_ids) | Q(lead_id__in=person_ids))
        .exclude(status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN))
        .prefetch_related("members")
        .distinct()
    )
    out: dict[int, list[tuple[str, int, set[int]]]] = defaultdict(list)
    wanted = set(person_ids)
    for application in recent:
        people = {m.person_id for m in application.members.all()} | (
            {application.lead_id} if application.lead_id else set()
        )
        for person_id in people & wanted:
            out[person_id].append((application.reference, application.applicant_id, people - {person_id}))
    return out


# ---- assignment ------------------------------------------------------------------------------


def _affinities(applications: list[Application], members: list[PoolMember]) -> dict[tuple[int, int], float]:
    """How well each expert's profile matches each application's text, from the matching engine
    over the pool alone (so every invited expert is scored, public profile or not)."""
    experts = (
        ExpertProfile.all_objects.filter(pk__in=[m.expert_id for m in members])
        .select_related("person__organisation")
        .prefetch_related("industries")
    )
    index = MatchIndex.build(expert_document(e) for e in experts)
    out: dict[tuple[int, int], float] = {}
    for application in applications:
        values = application.values
        text = " ".join(str(values.get(k, "")) for k in ("field", "direction", "achievement", "summary"))
        result = index.search(Query(text=f"{application.title} {text}", kinds=("expert",), top=len(members)))
        for hit in result.hits:
            if hit.score > 0 and math.isfinite(hit.score):
                out[(application.pk, split_id(hit.id)[1])] = round(min(float(hit.score), MAX_AFFINITY), 3)
    return out


def _instance(call: Call, applications: list[Application], members: list[PoolMember]) -> Instance:
    conflicts = set(
        Conflict.objects.filter(application__in=applications).values_list("application_id", "expert_id")
    )
    declined = set(
        ReviewAssignment.objects.filter(
            application__in=applications, status=AssignmentStatus.DECLINED
        ).values_list("application_id", "expert_id")
    )
    org_of = dict(
        ExpertProfile.all_objects.filter(pk__in=[m.expert_id for m in members]).values_list(
            "pk", "person__organisation_id"
        )
    )
    return Instance(
        applications=tuple(
            SlotApplication(a.pk, a.applicant_id, call.reviewers_per_application) for a in applications
        ),
        reviewers=tuple(SlotReviewer(m.expert_id, org_of.get(m.expert_id), m.capacity) for m in members),
        affinity=_affinities(applications, members),
        conflicts=frozenset(conflicts | declined),
    )


def _record_round(
    acting_user: Any, call: Call, kind: str, result: Result, instance: Instance
) -> AssignmentRound:
    references = dict(
        Application.all_objects.filter(pk__in=[u.application for u in result.unfilled]).values_list(
            "pk", "reference"
        )
    )
    return AssignmentRound.objects.create(
        call=call,
        created_by=acting_user,
        kind=kind,
        needed=sum(a.reviewers_needed for a in instance.applications),
        filled=result.filled,
        affinity=result.affinity,
        seconds=round(result.seconds, 3),
        gaps=[
            {
                "application": u.application,
                "reference": references.get(u.application, ""),
                "missing": u.missing,
                "reason": u.reason,
            }
            for u in result.unfilled
        ],
    )


def _store(call: Call, result: Result, instance: Instance, actor: Any) -> None:
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            application_id=a.application,
            expert_id=a.reviewer,
            affinity=instance.affinity.get((a.application, a.reviewer), 0.0),
        )
        for a in result.assignments
    )
    tasks: dict[int, int] = defaultdict(int)
    for a in result.assignments:
        tasks[a.reviewer] += 1
    experts = ExpertProfile.all_objects.filter(pk__in=tasks, user__isnull=False).select_related("user")
    for expert in experts:
        # Nothing of the application here: in a blind call the bell is a place the reviewer looks.
        notify_after_commit(
            [expert.user],
            actor=actor,
            title=gettext("您有 {n} 项新的评审任务：{call}").format(n=tasks[expert.pk], call=call.title),
            body=gettext("请在评审任务中查看材料并打分；有利益冲突或无法评审的，请及时谢绝。"),
            url=reverse("reviews:queue"),
        )


@transaction.atomic
def assignments_make(*, acting_user: Any, call_id: int) -> AssignmentRound:
    """Give every application in review its reviewers: the most slots filled, then the best
    affinity. Assignments already made stay; only gaps are filled."""
    call = _province_call(acting_user, call_id)
    if call.status not in (CallStatus.CLOSED, CallStatus.REVIEWING):
        raise ValidationError(gettext("申报截止后、拟定结果前才能分配评审专家"))
    applications = list(Application.all_objects.filter(call=call, status__in=IN_REVIEW).order_by("pk"))
    if not applications:
        raise ValidationError(gettext("还没有通过形式审查的申报"))
    members = list(PoolMember.objects.filter(call=call).order_by("pk"))
    if not members:
        raise ValidationError(gettext("请先组建评审专家库"))
    conflicts_refresh(call=call)
    instance = _instance(call, applications, members)
    current = [
        Assignment(a, e)
        for a, e in ReviewAssignment.objects.filter(
            application__in=applications, status__in=LIVE
        ).values_list("application_id", "expert_id")
    ]
    result = solver.replace(instance, current, []) if current else solver.solve(instance)
    _store(call, result, instance, acting_user)
    started = Application.all_objects.filter(
        pk__in=[a.pk for a in applications], status=ApplicationStatus.ACCEPTED
    )
    for application in started:
        ApplicationEvent.objects.create(
            application=application,
            actor=acting_user,
            action="review",
            from_status=application.status,
            to_status=ApplicationStatus.REVIEWING,
        )
    started.update(status=ApplicationStatus.REVIEWING)
    call.status = CallStatus.REVIEWING
    call.version += 1
    call.save(update_fields=["status", "version", "updated_at"])
    return _record_round(acting_user, call, "solve" if not current else "fill", result, instance)


def _own_assignment(acting_user: Any, assignment_id: Any) -> ReviewAssignment:
    assignment = (
        ReviewAssignment.objects.select_for_update()
        .select_related("application__call__call_type", "expert")
        .filter(pk=assignment_id, expert__user=acting_user)
        .first()
        if valid_id(assignment_id) and acting_user.is_authenticated
        else None
    )
    if assignment is None:
        raise PermissionDenied(gettext("找不到该评审任务"))
    return assignment


@transaction.atomic
def assignment_decline(
    *, acting_user: Any, assignment_id: int, reason: str, conflict: bool = False
) -> AssignmentRound | None:
    """The expert says no (or declares a conflict); the gap is refilled without moving anyone else."""
    assignment = _own_assignment(acting_user, assignment_id)
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise ValidationError(
            gettext("该评审任务已{status}，不能谢绝").format(status=assignment.get_status_display())
        )
    reason = strip_control_characters(str(reason or "")).strip()[:200]
    if len(reason) < 2:
        raise ValidationError({"reason": gettext("请说明谢绝的原因")})
    assignment.status = AssignmentStatus.DECLINED
    assignment.decline_reason = reason
    assignment.save(update_fields=["status", "decline_reason", "updated_at"])
    if conflict:
        Conflict.objects.get_or_create(
            application=assignment.application,
            expert=assignment.expert,
            reason=ConflictReason.DECLARED,
            defaults={"detail": reason},
        )
    call = assignment.application.call
    applications = list(Application.all_objects.filter(call=call, status__in=IN_REVIEW).order_by("pk"))
    members = list(PoolMember.objects.filter(call=call).order_by("pk"))
    instance = _instance(call, applications, members)
    current = [
        Assignment(a, e)
        for a, e in ReviewAssignment.objects.filter(
            application__in=applications, status__in=LIVE
        ).values_list("application_id", "expert_id")
    ]
    result = solver.replace(instance, current, [])
    _store(call, result, instance, acting_user)
    return _record_round(acting_user, call, "replace", result, instance)


# ---- scoring ---------------------------------------------------------------------------------


@transaction.atomic
def sheet_save(
    *,
    acting_user: Any,
    assignment_id: int,
    scores: dict[str, Any],
    comments: dict[str, Any] | None = None,
    overall: str = "",
    submit: bool = False,
    version: int | None = None,
) -> ScoreSheet:
    """Save (or submit) the expert's scores for one application against the call's rubric."""
    assignment = _own_assignment(acting_user, assignment_id)
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise ValidationError(
            gettext("该评审任务已{status}，不能再修改").format(status=assignment.get_status_display())
        )
    if assignment.application.call.status != CallStatus.REVIEWING:
        raise ValidationError(gettext("评审已结束"))
    sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(assignment=assignment)
    version_check(current=sheet.version, expected=version)
    if not isinstance(scores, dict) or not isinstance(comments or {}, dict):
        raise ValidationError(gettext("评分格式不正确"))
    clean_comments = {
        str(k)[:40]: strip_control_characters(str(v or "")).strip()[:500] for k, v in (comments or {}).items()
    }
    rubric = call_type_of(assignment.application.call).review.rubric
    total, clean_scores, errors = sheet_total(rubric, scores, clean_comments, complete=submit)
    if errors:
        raise ValidationError(errors)
    sheet.scores = clean_scores
    sheet.comments = {k: v for k, v in clean_comments.items() if k in {c.code for c in rubric} and v}
    sheet.overall = strip_control_characters(str(overall or "")).strip()[:3000]
    sheet.total = total
    if submit:
        sheet.submitted_at = timezone.now()
        assignment.status = AssignmentStatus.SUBMITTED
        assignment.save(update_fields=["status", "updated_at"])
    sheet.version += 1
    sheet.save()
    if submit:
        provisional_auto(call=assignment.application.call)
    return sheet


# ---- provisional selection -------------------------------------------------------------------


@transaction.atomic
def provisional_apply(
    *,
    acting_user: Any,
    call_id: int,
    top: int | None = None,
    min_score: Decimal | None = None,
    statistic: str | None = None,
    normalise: bool = False,
    per_city: int | None = None,
) -> list[Any]:
    """Select by rule over the ranking (top N, a minimum score, a quota per 地级市, the call type's
    reserved share and grades); the result is provisional and editable until the 公示. An
    application passed over for its city's quota says so in its history."""
    call = _province_call(acting_user, call_id)
    if call.status not in (CallStatus.REVIEWING, CallStatus.PROVISIONAL):
        raise ValidationError(gettext("评审阶段才能拟定结果"))
    if top is not None and not 0 <= int(top) <= 100000:
        raise ValidationError({"top": gettext("入选数量须在 0 至 100000 之间")})
    if min_score is not None and not Decimal(0) <= Decimal(min_score) <= Decimal(100):
        raise ValidationError({"min_score": gettext("分数线须在 0 至 100 之间")})
    if per_city is not None and not 1 <= int(per_city) <= 10000:
        raise ValidationError({"per_city": gettext("每市入选上限须在 1 至 10000 之间")})
    rows = selectors.results(call=call, statistic=statistic, normalise=normalise)
    if not rows:
        raise ValidationError(gettext("还没有提交的评分表"))
    chosen = selectors.selection(call=call, rows=rows, top=top, min_score=min_score, per_city=per_city)
    picked = {row.application.pk: row for row in chosen}
    capped = (
        set()
        if per_city is None
        else {
            row.application.pk
            for row in selectors.selection(call=call, rows=rows, top=top, min_score=min_score)
            if row.application.pk not in picked
        }
    )
    for row in rows:
        application = row.application
        before = application.status
        application.score = Decimal(str(row.value)).quantize(Decimal("0.01"))
        application.rank = row.position
        application.grade = picked[application.pk].grade if application.pk in picked else ""
        application.status = (
            ApplicationStatus.PROVISIONAL if application.pk in picked else ApplicationStatus.NOT_SELECTED
        )
        application.version += 1
        application.save(update_fields=["score", "rank", "grade", "status", "version", "updated_at"])
        if before != application.status:
            ApplicationEvent.objects.create(
                application=application,
                actor=acting_user,
                action="provisional",
                from_status=before,
                to_status=application.status,
                note=gettext("所在地级市入选已满 {n} 项").format(n=per_city)
                if application.pk in capped
                else "",
            )
    call.status = CallStatus.PROVISIONAL
    call.version += 1
    call.save(update_fields=["status", "version", "updated_at"])
    return chosen


def provisional_auto(*, call: Call) -> list[Any] | None:
    """The automatic transition a call may be set to (`auto_provisional`): once the last score
    sheet is in, rank and select by the call's places and its type's rules, on behalf of whoever
    created the call. The result stays provisional and editable until the 公示."""
    call = Call.objects.filter(pk=call.pk).first() or call
    if not (call.auto_provisional and call.status == CallStatus.REVIEWING):
        return None
    owner = call.created_by
    if not (owner.is_active and can_manage_calls(owner)) or not selectors.reviews_complete(call=call):
        return None
    chosen = provisional_apply(acting_user=owner, call_id=call.pk, top=call.places)
    notify_after_commit(
        [owner],
        title=gettext("评审已全部完成，已自动拟定 {n} 项：{call}").format(n=len(chosen), call=call.title),
        body=gettext("请核对拟定名单，必要时调整后再公示。"),
        url=reverse("reviews:results", args=[call.pk]),
    )
    return chosen


def calls_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The calls' automatic transitions, run by `bqw calls_tick`: close the calls whose deadline has
    passed, and rank the calls set to decide automatically whose reviews are complete (a call
    whose last task was declined rather than submitted is caught here)."""
    closed = calls_close_due(now=now)
    ranked = 0
    for call in Call.objects.filter(auto_provisional=True, status=CallStatus.REVIEWING).order_by("pk"):
        with transaction.atomic():
            if provisional_auto(call=call) is not None:
                ranked += 1
    return {"closed": len(closed), "ranked": ranked}
