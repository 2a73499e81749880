"""Writes of a dispatch round: needs, nominations with eligibility, the optimal plan, publishing.

Publishing invites every appointee; their confirmation (accounts, the unit confirming for them,
reminders) is ``confirmations.py``. Answers, withdrawals and recalls are here.
"""

from __future__ import annotations

import threading
from datetime import date
from itertools import pairwise
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.accounts.models import User
from baiqianwan.core.jobs import (
    JobCancelledError,
    JobFailedError,
    Progress,
    job_cancel_requested,
    job_complete,
    job_create,
    job_run,
    job_start,
)
from baiqianwan.core.models import Job
from baiqianwan.core.notifications import notify
from baiqianwan.matching.engine.assign import (
    Cancelled,
    Commissioner,
    DispatchInputError,
    Instance,
    ProgressFn,
    Slot,
    compare,
    resolve_gaps,
    solve,
)
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from .confirmations import appointees_tell
from .models import (
    FIELDS,
    HOLDING,
    TERM_YEARS,
    Assignment,
    AssignmentStatus,
    CandidatePreference,
    ConfirmedVia,
    ConstraintKind,
    DispatchRound,
    MembershipChange,
    Nomination,
    PlanConstraint,
    RoundStatus,
    Team,
    TownNeed,
    TownRanking,
)
from .rules import (
    END_RULES,
    can_end,
    can_lead,
    can_manage_rounds,
    can_nominate,
    can_prefer,
    can_rank,
    can_respond,
    can_submit_need,
)
from .selectors import (
    OWN_PREFERENCE_MAX,
    TOWN_RANK_MAX,
    RoundScores,
    candidate_exclusions,
    serving_team_get,
)


def _require_province(user: Any) -> None:
    if not can_manage_rounds(user):
        raise PermissionDenied(gettext("选派批次由省科技厅管理"))


def _check_fields(fields: list[str]) -> list[str]:
    chosen = list(dict.fromkeys(fields))
    unknown = [f for f in chosen if f not in FIELDS]
    if not chosen or unknown:
        raise ValidationError(
            {
                "fields": gettext("请从列表中选择至少一个领域")
                + (gettext("（不认识：{join}）").format(join="、".join(unknown)) if unknown else "")
            }
        )
    return chosen


@transaction.atomic
def round_create(
    *,
    acting_user: Any,
    name: str,
    year: int,
    needs_due: date | None = None,
    nominations_due: date | None = None,
    choices_due: date | None = None,
    max_age: int | None = None,
    max_per_unit: int | None = None,
) -> DispatchRound:
    _require_province(acting_user)
    if DispatchRound.all_objects.filter(name=name.strip()).exists():
        raise ValidationError({"name": gettext("批次“{name}”已存在").format(name=name)})
    dates = [("needs_due", needs_due), ("nominations_due", nominations_due), ("choices_due", choices_due)]
    given = [(field, day) for field, day in dates if day is not None]
    for (_, earlier), (field, later) in pairwise(given):
        if later < earlier:
            raise ValidationError({field: gettext("截止日期应按“乡镇需求 → 单位推荐 → 双向选择”的顺序排列")})
    dispatch_round = DispatchRound(
        name=name.strip(),
        year=year,
        needs_due=needs_due,
        nominations_due=nominations_due,
        choices_due=choices_due,
        max_age=max_age,
        max_per_unit=max_per_unit,
        created_by=acting_user,
    )
    dispatch_round.full_clean()
    dispatch_round.save()
    return dispatch_round


def _before_deadline(user: Any, deadline: date | None, what: str) -> None:
    """After a stage's deadline only the province may still change it (to correct mistakes)."""
    if deadline is not None and timezone.localdate() > deadline and not user.is_province:
        raise ValidationError(
            gettext("{what}已于 {deadline:%Y年%m月%d日} 截止，如需补报请联系省科技厅").format(
                what=what, deadline=deadline
            )
        )


def _open(dispatch_round: DispatchRound) -> None:
    if dispatch_round.status == RoundStatus.PUBLISHED:
        raise ValidationError(gettext("该批次已发布，不能再修改"))


@transaction.atomic
def need_submit(
    *,
    acting_user: Any,
    dispatch_round: DispatchRound,
    town: Division,
    fields: list[str],
    slots: int,
    note: str = "",
) -> TownNeed:
    _open(dispatch_round)
    _before_deadline(acting_user, dispatch_round.needs_due, gettext("乡镇需求填报"))
    if town.level != "town":
        raise ValidationError({"town": gettext("需求以乡镇（街道）为单位填报")})
    if not can_submit_need(acting_user, town.code):
        raise PermissionDenied(gettext("“{full_name}”不在您的管辖范围内").format(full_name=town.full_name))
    if not 1 <= int(slots) <= 10:
        raise ValidationError({"slots": gettext("人数应在 1 到 10 之间")})
    serving = serving_team_get(town_code=town.code, dispatch_round=dispatch_round)
    if serving is not None:
        until = f"{serving.ends_on:%Y年%m月%d日}"
        raise ValidationError(
            {
                "town": gettext("{full_name}已有在期的“{name}”（至 {until}），一个乡镇只派驻一个团队").format(
                    full_name=town.full_name, name=serving.name, until=until
                )
            }
        )
    need, _ = TownNeed.all_objects.update_or_create(
        round=dispatch_round,
        town=town,
        defaults={
            "fields": _check_fields(fields),
            "slots": int(slots),
            "note": note.strip()[:300],
            "submitted_by": acting_user,
        },
    )
    return need


def _exclusion(nomination: Nomination) -> str:
    if nomination.in_station_team:
        return "已是驻镇帮镇扶村工作队成员"
    if nomination.in_sanzhi:
        return "已是三支一扶人员"
    return candidate_exclusions(experts=[nomination.expert], dispatch_round=nomination.round).get(
        nomination.expert_id, ""
    )


@transaction.atomic
def nominate(
    *,
    acting_user: Any,
    dispatch_round: DispatchRound,
    expert: ExpertProfile,
    fields: list[str],
    capacity: int = 1,
    in_station_team: bool = False,
    in_sanzhi: bool = False,
) -> Nomination:
    _open(dispatch_round)
    _before_deadline(acting_user, dispatch_round.nominations_due, gettext("候选人推荐"))
    organisation = expert.person.organisation
    if not can_nominate(acting_user, organisation):
        raise PermissionDenied(gettext("只能推荐本单位的专家"))
    if not 1 <= int(capacity) <= 5:
        raise ValidationError({"capacity": gettext("可服务乡镇数应在 1 到 5 之间")})
    limit = dispatch_round.max_per_unit
    if limit is not None:
        others = dispatch_round.nominations.filter(organisation=organisation).exclude(expert=expert).count()
        if others >= limit:
            raise ValidationError(
                {
                    "expert": gettext("本批次每个单位最多推荐 {limit} 人，{name}已推荐 {others} 人").format(
                        limit=limit, name=organisation.name, others=others
                    )
                }
            )
    nomination, _ = Nomination.all_objects.update_or_create(
        round=dispatch_round,
        expert=expert,
        defaults={
            "organisation": organisation,
            "fields": _check_fields(fields),
            "capacity": int(capacity),
            "can_lead": can_lead(expert.person.title),
            "in_station_team": in_station_team,
            "in_sanzhi": in_sanzhi,
            "submitted_by": acting_user,
        },
    )
    nomination.excluded_reason = _exclusion(nomination)
    nomination.save(update_fields=["excluded_reason"])
    return nomination


def _pin_slots(need: TownNeed, pins: list[PlanConstraint]) -> dict[int, str]:
    """Slot id of each pin in one town: a leader pin takes slot 0, the others the next free slots.

    Without a leader pin, the first pinned person who can lead takes slot 0 (leader first): every
    slot of a town asks for the same fields and a score belongs to the town, so this never costs
    the plan anything, and it leaves an ordinary slot open where the leader slot would have needed
    someone who can lead.
    """
    taken: dict[int, str] = {}
    free = list(range(1, need.slots))
    leaders = [p for p in pins if p.leader]
    if len(leaders) > 1:
        raise ValidationError(
            gettext("{full_name}只能固定一名团队负责人").format(full_name=need.town.full_name)
        )
    if not leaders:
        leaders = [p for p in pins if p.nomination.can_lead][:1]
    for pin in sorted(pins, key=lambda p: p not in leaders):
        if pin in leaders:
            taken[pin.nomination_id] = f"{need.pk}-0"
        elif free:
            taken[pin.nomination_id] = f"{need.pk}-{free.pop(0)}"
        else:
            raise ValidationError(
                gettext("{full_name}的固定安排超过了需求人数（{slots} 人）").format(
                    full_name=need.town.full_name, slots=need.slots
                )
            )
    return taken


def _instance(dispatch_round: DispatchRound, objective: str, east_west_north_first: bool) -> Instance:
    scored = RoundScores(dispatch_round)
    needs, nominations = scored.needs, scored.nominations
    slots = [
        Slot(id=f"{need.pk}-{i}", town=need.town_id, fields=tuple(need.fields), leader=i == 0)
        for need in needs
        for i in range(need.slots)
    ]
    people = [
        Commissioner(id=str(n.pk), fields=tuple(n.fields), can_lead=n.can_lead, capacity=n.capacity)
        for n in nominations
    ]
    constraints = list(dispatch_round.constraints.select_related("need__town", "nomination"))
    pins: list[tuple[str, str]] = []
    for need in needs:
        mine = [c for c in constraints if c.kind == ConstraintKind.PIN and c.need_id == need.pk]
        pins.extend((slot, str(pk)) for pk, slot in _pin_slots(need, mine).items())
    forbidden = [
        (c.need.town_id, str(c.nomination_id)) for c in constraints if c.kind == ConstraintKind.FORBID
    ]
    priority = {
        need.town_id: 1 for need in needs if east_west_north_first and is_east_west_north(need.town_id)
    }
    return Instance(
        slots=slots,
        commissioners=people,
        scores=scored.scores(),
        objective=objective,
        forbidden=forbidden,
        pinned=pins,
        priority=priority,
        town_names={need.town_id: need.town.full_name for need in needs},
        # With the unit, so that identical names are told apart in every explanation.
        commissioner_names={
            str(n.pk): f"{n.expert.person.name}（{n.organisation.name}）" for n in nominations
        },
    )


def _store_plan(dispatch_round: DispatchRound, solution: dict[str, Any], instance: Instance) -> int:
    needs = {str(n.pk): n for n in dispatch_round.needs.all()}
    created = 0
    for row in solution["assignments"]:
        need_id, index = row["slot"].split("-")
        need = needs[need_id]
        if Assignment.all_objects.filter(
            need=need, nomination_id=int(row["commissioner"]), status__in=HOLDING
        ).exists():
            continue  # kept from the current plan
        Assignment.all_objects.create(
            round=dispatch_round,
            need=need,
            nomination_id=int(row["commissioner"]),
            leader=index == "0",
            score=instance.scores.get((need.town_id, row["commissioner"]), 0.0),
        )
        created += 1
    return created


def _solve_options(objective: str) -> str:
    if objective not in ("max_score", "max_filled_then_score"):
        raise ValidationError({"objective": gettext("目标只能是“先填满岗位”或“匹配分总和最高”")})
    return objective


def _check_solvable(acting_user: Any, dispatch_round: DispatchRound, objective: str) -> None:
    _require_province(acting_user)
    _open(dispatch_round)
    _solve_options(objective)
    if not dispatch_round.needs.exists():
        raise ValidationError(gettext("还没有乡镇提交需求"))


@transaction.atomic
def round_solve(
    *,
    acting_user: Any,
    dispatch_round: DispatchRound,
    objective: str = "max_filled_then_score",
    east_west_north_first: bool = True,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> dict[str, Any]:
    """The exact optimum for the round (replacing any unpublished plan), with explanations."""
    _check_solvable(acting_user, dispatch_round, objective)
    instance = _instance(dispatch_round, objective, east_west_north_first)
    try:
        solution = solve(instance, progress=progress, cancel=cancel).to_dict()
    except DispatchInputError as exc:
        raise ValidationError(str(exc)) from exc
    dispatch_round.assignments.all().delete()
    _store_plan(dispatch_round, solution, instance)
    solution["settings"] = {"objective": objective, "east_west_north_first": east_west_north_first}
    dispatch_round.result = solution
    dispatch_round.status = RoundStatus.SOLVED
    dispatch_round.save(update_fields=["result", "status", "updated_at"])
    return solution


STAGE_LABELS = {
    "validate": "检查数据",
    "build": "建立模型",
    "solve": "求解最优方案",
    "extract": "读取方案",
    "explain": "分析空缺原因",
}


def round_solve_job(
    *,
    acting_user: Any,
    dispatch_round: DispatchRound,
    objective: str = "max_filled_then_score",
    east_west_north_first: bool = True,
) -> Job:
    """Solve as a background job with progress that the user can cancel (large rounds take seconds)."""
    _check_solvable(acting_user, dispatch_round, objective)
    job = job_create(
        kind="dispatch:solve",
        title=f"求解派驻方案：{dispatch_round.name}",
        created_by=acting_user,
        params={
            "round": dispatch_round.pk,
            "objective": objective,
            "east_west_north_first": east_west_north_first,
            "cancellable": True,
            "unit": "percent",
            "back": f"/commissioners/rounds/{dispatch_round.pk}/",
        },
    )
    job_start(job)
    return job


def round_solve_execute(job: Job) -> Job:
    def work(job: Job, report: Progress) -> dict[str, Any]:
        stop = threading.Event()

        def progress(stage: str, fraction: float) -> None:
            report(round(fraction * 100), 100, STAGE_LABELS.get(stage, stage))
            if job_cancel_requested(job):
                stop.set()

        dispatch_round = DispatchRound.all_objects.get(pk=job.params["round"])
        try:
            # The plan and the job's end commit together: a worker lost midway stored no part of
            # a plan, and solving again replaces any unpublished plan anyway.
            with transaction.atomic():
                solution = round_solve(
                    acting_user=job.created_by,
                    dispatch_round=dispatch_round,
                    objective=job.params["objective"],
                    east_west_north_first=job.params["east_west_north_first"],
                    progress=progress,
                    cancel=stop,
                )
                filled, seconds = solution["filled"], solution["seconds"]
                result = {
                    "message": gettext("已求得最优方案：填补 {filled} 个岗位，用时 {seconds:.2f} 秒").format(
                        filled=filled, seconds=seconds
                    ),
                    "url": f"/commissioners/rounds/{dispatch_round.pk}/",
                    "filled": solution["filled"],
                }
                job_complete(job, result)
        except Cancelled as exc:
            raise JobCancelledError from exc
        except ValidationError as exc:
            raise JobFailedError("；".join(exc.messages)) from exc
        return result

    return job_run(job, work)


@transaction.atomic
def round_fill_gaps(*, acting_user: Any, dispatch_round: DispatchRound) -> dict[str, Any]:
    """Re-solve a published round: everyone holding a slot stays, only the gaps are filled."""
    _require_province(acting_user)
    if dispatch_round.status != RoundStatus.PUBLISHED:
        raise ValidationError(gettext("补充选派只适用于已发布的批次"))
    settings = dispatch_round.result.get("settings", {})
    instance = _instance(
        dispatch_round,
        settings.get("objective", "max_filled_then_score"),
        settings.get("east_west_north_first", True),
    )
    current = [
        (f"{a.need_id}-{_slot_index(a)}", str(a.nomination_id))
        for a in dispatch_round.assignments.filter(status__in=HOLDING).select_related("need")
    ]
    left = {
        str(pk)
        for pk in dispatch_round.assignments.exclude(status__in=HOLDING).values_list(
            "nomination_id", flat=True
        )
    }
    try:
        solution = resolve_gaps(instance, current, withdrawn=left).to_dict()
    except DispatchInputError as exc:
        raise ValidationError(str(exc)) from exc
    added = _store_plan(dispatch_round, solution, instance)
    solution["added"] = added
    result = dict(dispatch_round.result)
    result["gap_fill"] = solution
    dispatch_round.result = result
    dispatch_round.save(update_fields=["result", "updated_at"])
    return solution


def _slot_index(assignment: Assignment) -> int:
    """Slot 0 is the leader's; members take the others in the order they were assigned."""
    if assignment.leader:
        return 0
    members = list(
        Assignment.all_objects.filter(need_id=assignment.need_id, status__in=HOLDING, leader=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return members.index(assignment.pk) + 1


def _team_name(town: Division) -> str:
    return f"{town.name}科技特派员服务团"


@transaction.atomic
def round_publish(*, acting_user: Any, dispatch_round: DispatchRound, on: date | None = None) -> int:
    """Publish the plan: each town with people gets its team (3-year term), each person an invitation."""
    _require_province(acting_user)
    proposals = dispatch_round.assignments.filter(status=AssignmentStatus.PROPOSED)
    if dispatch_round.status == RoundStatus.OPEN or not proposals.exists():
        raise ValidationError(gettext("没有待发布的派驻安排，请先生成派驻方案"))
    start = on or timezone.localdate()
    assignments = list(
        dispatch_round.assignments.filter(status=AssignmentStatus.PROPOSED).select_related(
            "nomination__expert__user", "nomination__expert__person__organisation", "need__town"
        )
    )
    for need in {a.need for a in assignments}:
        Team.all_objects.get_or_create(
            need=need,
            defaults={
                "town": need.town,
                "name": _team_name(need.town),
                "started_on": start,
                "ends_on": start.replace(year=start.year + TERM_YEARS),
            },
        )
    teams = {t.need_id: t for t in Team.all_objects.filter(need__round=dispatch_round)}
    for assignment in assignments:
        assignment.published = True
        assignment.status = AssignmentStatus.INVITED
        assignment.started_on = start
        assignment.save(update_fields=["published", "status", "started_on", "updated_at"])
        MembershipChange.objects.create(
            team=teams[assignment.need_id],
            assignment=assignment,
            kind=MembershipChange.Kind.JOINED,
            on=start,
            reason=gettext("任团队负责人") if assignment.leader else "",
            by=acting_user,
        )
    dispatch_round.status = RoundStatus.PUBLISHED
    dispatch_round.save(update_fields=["status", "updated_at"])
    # Everyone can answer: an account for whoever has none, the invitation through their unit too.
    appointees_tell(acting_user=acting_user, dispatch_round=dispatch_round, assignments=assignments)
    return len(assignments)


@transaction.atomic
def town_rank(*, acting_user: Any, need: TownNeed, nomination_ids: list[int]) -> list[TownRanking]:
    """The town's choices in order, replacing earlier ones (at most TOWN_RANK_MAX)."""
    _open(need.round)
    _before_deadline(acting_user, need.round.choices_due, gettext("双向选择"))
    if not can_rank(acting_user, need):
        raise PermissionDenied(
            gettext("“{full_name}”不在您的管辖范围内").format(full_name=need.town.full_name)
        )
    chosen = list(dict.fromkeys(int(pk) for pk in nomination_ids))
    if len(chosen) > TOWN_RANK_MAX:
        raise ValidationError(
            {"nominations": gettext("最多选择 {TOWN_RANK_MAX} 名候选人").format(TOWN_RANK_MAX=TOWN_RANK_MAX)}
        )
    candidates = {
        n.pk: n for n in need.round.nominations.filter(pk__in=chosen).select_related("expert__person")
    }
    for pk in chosen:
        nomination = candidates.get(pk)
        if nomination is None:
            raise ValidationError({"nominations": gettext("候选人 {pk} 不在本批次").format(pk=pk)})
        if not nomination.eligible:
            raise ValidationError(
                {
                    "nominations": gettext("{name}不符合条件：{excluded_reason}").format(
                        name=nomination.expert.person.name, excluded_reason=nomination.excluded_reason
                    )
                }
            )
        if not set(nomination.fields) & set(need.fields):
            raise ValidationError(
                {
                    "nominations": gettext("{name}的服务领域与本镇需求不相符").format(
                        name=nomination.expert.person.name
                    )
                }
            )
    need.rankings.all().delete()
    return [
        TownRanking.all_objects.create(need=need, nomination_id=pk, rank=rank)
        for rank, pk in enumerate(chosen, start=1)
    ]


@transaction.atomic
def candidate_prefer(
    *, acting_user: Any, nomination: Nomination, need_ids: list[int]
) -> list[CandidatePreference]:
    """The candidate's towns in order of preference, replacing earlier ones (at most 5)."""
    _open(nomination.round)
    _before_deadline(acting_user, nomination.round.choices_due, gettext("双向选择"))
    if not can_prefer(acting_user, nomination):
        raise PermissionDenied(gettext("只能填报本人或本单位候选人的志愿"))
    chosen = list(dict.fromkeys(int(pk) for pk in need_ids))
    if len(chosen) > OWN_PREFERENCE_MAX:
        raise ValidationError(
            {
                "needs": gettext("最多填报 {OWN_PREFERENCE_MAX} 个志愿乡镇").format(
                    OWN_PREFERENCE_MAX=OWN_PREFERENCE_MAX
                )
            }
        )
    needs = {n.pk: n for n in nomination.round.needs.filter(pk__in=chosen).select_related("town")}
    for pk in chosen:
        if pk not in needs:
            raise ValidationError({"needs": gettext("乡镇需求 {pk} 不在本批次").format(pk=pk)})
        if not set(needs[pk].fields) & set(nomination.fields):
            raise ValidationError(
                {
                    "needs": gettext("{full_name}的需求领域与您的服务领域不相符").format(
                        full_name=needs[pk].town.full_name
                    )
                }
            )
    nomination.preferences.all().delete()
    return [
        CandidatePreference.all_objects.create(nomination=nomination, need_id=pk, rank=rank)
        for rank, pk in enumerate(chosen, start=1)
    ]


@transaction.atomic
def constraint_set(
    *,
    acting_user: Any,
    need: TownNeed,
    nomination: Nomination,
    kind: str,
    leader: bool = False,
    reason: str = "",
) -> PlanConstraint:
    _require_province(acting_user)
    _open(need.round)
    if nomination.round_id != need.round_id:
        raise ValidationError(gettext("候选人与乡镇需求不在同一批次"))
    if kind not in ConstraintKind.values:
        raise ValidationError({"kind": gettext("类型只能是固定安排或禁止安排")})
    if kind == ConstraintKind.PIN:
        if not nomination.eligible:
            raise ValidationError(
                gettext("{name}不符合条件：{excluded_reason}").format(
                    name=nomination.expert.person.name, excluded_reason=nomination.excluded_reason
                )
            )
        if not set(nomination.fields) & set(need.fields):
            raise ValidationError(
                gettext("{name}的服务领域与{full_name}的需求不相符").format(
                    name=nomination.expert.person.name, full_name=need.town.full_name
                )
            )
        if leader and not nomination.can_lead:
            raise ValidationError(
                gettext("{name}的职称不够副高，不能固定为团队负责人").format(
                    name=nomination.expert.person.name
                )
            )
        other = (
            PlanConstraint.all_objects.filter(
                round=need.round, nomination=nomination, kind=ConstraintKind.PIN
            )
            .exclude(need=need)
            .count()
        )
        if other >= nomination.capacity:
            raise ValidationError(
                gettext("{name}已固定在其他乡镇，超出其可服务乡镇数").format(
                    name=nomination.expert.person.name
                )
            )
    constraint, _ = PlanConstraint.all_objects.update_or_create(
        need=need,
        nomination=nomination,
        defaults={
            "round": need.round,
            "kind": kind,
            "leader": bool(leader) and kind == ConstraintKind.PIN,
            "reason": reason.strip()[:200],
            "created_by": acting_user,
        },
    )
    # Fail now, not at the next solve, when the town's pins no longer fit its slots.
    _pin_slots(
        need,
        list(
            PlanConstraint.all_objects.filter(need=need, kind=ConstraintKind.PIN).select_related("nomination")
        ),
    )
    return constraint


@transaction.atomic
def constraint_clear(*, acting_user: Any, constraint: PlanConstraint) -> None:
    _require_province(acting_user)
    _open(constraint.round)
    constraint.delete()


def _locked_assignment(assignment: Assignment) -> Assignment:
    return (
        Assignment.all_objects.select_for_update(of=("self",))
        .select_related("round", "need__town", "nomination__expert__person", "nomination__expert__user")
        .get(pk=assignment.pk)
    )


def _team_change(assignment: Assignment, kind: str, on: date, reason: str, by: Any) -> None:
    team = Team.all_objects.filter(need_id=assignment.need_id).first()
    if team is not None:
        MembershipChange.objects.create(
            team=team, assignment=assignment, kind=kind, on=on, reason=reason[:200], by=by
        )


def _tell_town(assignment: Assignment, title: str, body: str) -> None:
    town_users = User.objects.filter(is_active=True, role="town", division_id=assignment.need.town_id)
    province = User.objects.filter(is_active=True, role="province")
    notify(
        users=[*town_users, *province],
        title=title,
        body=body,
        url="/commissioners/attention/",
        key=f"assignment-end:{assignment.pk}",
    )


@transaction.atomic
def assignment_respond(
    *, acting_user: Any, assignment: Assignment, accept: bool, note: str = ""
) -> Assignment:
    """The invited commissioner accepts or declines; declining leaves a gap to fill."""
    assignment = _locked_assignment(assignment)
    if not can_respond(acting_user, assignment):
        raise PermissionDenied(gettext("只有受邀的科技特派员本人可以答复"))
    if assignment.status != AssignmentStatus.INVITED:
        raise ValidationError(
            gettext("该邀请已是“{status}”状态").format(status=assignment.get_status_display())
        )
    today = timezone.localdate()
    if accept:
        assignment.status = AssignmentStatus.ACCEPTED
        assignment.confirmed_via = ConfirmedVia.SELF
        assignment.confirmed_by = acting_user
        assignment.confirmed_at = timezone.now()
        assignment.save(
            update_fields=["status", "confirmed_via", "confirmed_by", "confirmed_at", "updated_at"]
        )
        return assignment
    if not note.strip():
        raise ValidationError({"note": gettext("谢绝邀请请说明原因")})
    assignment.status = AssignmentStatus.DECLINED
    assignment.ended_on, assignment.end_reason = today, note.strip()[:200]
    assignment.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    _team_change(
        assignment, MembershipChange.Kind.LEFT, today, f"谢绝邀请：{assignment.end_reason}", acting_user
    )
    _tell_town(
        assignment,
        f"{assignment.nomination.expert.person.name}谢绝了派驻{assignment.need.town.name}的邀请",
        f"原因：{assignment.end_reason}。该乡镇团队出现空缺，可在“待补充”中补充选派。",
    )
    return assignment


@transaction.atomic
def assignment_end(*, acting_user: Any, assignment: Assignment, status: str, reason: str) -> Assignment:
    """退出 (by the commissioner), 召回 (by the sending unit) or 撤销 (by the province), always with a reason.

    The change is kept in the record's audit trail and the team's history; the town and the
    province are told so the gap can be filled.
    """
    assignment = _locked_assignment(assignment)
    rule = END_RULES.get(status)  # type: ignore[call-overload]
    if rule is None:
        raise ValidationError({"status": gettext("未知的操作")})
    who, allowed_from = rule
    if not can_end(acting_user, assignment, status):
        raise PermissionDenied(
            {
                "self": gettext("只有本人可以申请退出"),
                "unit": gettext("只有派出单位可以召回"),
                "province": gettext("只有省科技厅可以撤销"),
            }[who]
        )
    if assignment.status not in allowed_from:
        raise ValidationError(
            gettext("该派驻安排已是“{status}”状态，不能再操作").format(status=assignment.get_status_display())
        )
    if not reason.strip():
        raise ValidationError({"reason": gettext("请填写原因")})
    today = timezone.localdate()
    label = AssignmentStatus(status).label
    assignment.status = status
    assignment.ended_on, assignment.end_reason = today, reason.strip()[:200]
    assignment.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    _team_change(
        assignment, MembershipChange.Kind.LEFT, today, f"{label}：{assignment.end_reason}", acting_user
    )
    _tell_town(
        assignment,
        f"{assignment.need.town.name}科技特派员{assignment.nomination.expert.person.name}{label}",
        f"原因：{assignment.end_reason}。该乡镇团队出现空缺"
        + ("且缺少团队负责人" if assignment.leader else "")
        + "，可在“待补充”中补充选派。",
    )
    return assignment


@transaction.atomic
def round_compare(
    *, acting_user: Any, dispatch_round: DispatchRound, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """The current optimum beside a plan made by hand (rows of town code and candidate name)."""
    _require_province(acting_user)
    settings = dispatch_round.result.get("settings", {})
    instance = _instance(
        dispatch_round,
        settings.get("objective", "max_filled_then_score"),
        settings.get("east_west_north_first", True),
    )
    needs = {n.town_id: n for n in dispatch_round.needs.all()}
    by_name: dict[str, list[Nomination]] = {}
    for n in dispatch_round.nominations.select_related("expert__person", "organisation"):
        by_name.setdefault(n.expert.person.name, []).append(n)
    errors: list[str] = []
    manual: list[tuple[str, str]] = []
    used: dict[str, int] = {}
    for row in rows:
        where = gettext("第 {row} 行").format(row=row["_row"])
        need = needs.get(row["town"])
        matches = by_name.get(row["name"], [])
        unit = (row.get("organisation") or "").strip()
        if unit:  # identical names are told apart by the unit that nominated them
            matches = [n for n in matches if n.organisation.name == unit]
        if need is None:
            errors.append(
                gettext("{where}：乡镇 {town} 在本批次没有需求").format(where=where, town=row["town"])
            )
            continue
        if not matches:
            errors.append(
                gettext("{where}：找不到{value}候选人“{name}”").format(
                    where=where, value=unit + "推荐的" if unit else "", name=row["name"]
                )
            )
            continue
        if len(matches) > 1:
            units = "、".join(sorted({n.organisation.name for n in matches}))
            errors.append(
                gettext("{where}：候选人“{name}”有重名（{units}），请在“推荐单位”列注明").format(
                    where=where, name=row["name"], units=units
                )
            )
            continue
        index = 0 if row.get("leader") else used.get(need.town_id, 0) + 1
        if not row.get("leader"):
            used[need.town_id] = index
        manual.append((f"{need.pk}-{index}", str(matches[0].pk)))
    if errors:
        raise ValidationError(errors)
    current = [
        (f"{a.need_id}-{_slot_index(a)}", str(a.nomination_id))
        for a in dispatch_round.assignments.filter(status__in=HOLDING)
    ]
    groups = {town: ("粤东西北" if is_east_west_north(town) else "珠三角") for town in needs}
    comparison = compare(instance, manual, current, groups)
    dispatch_round.result = {**dispatch_round.result, "comparison": comparison}
    dispatch_round.save(update_fields=["result", "updated_at"])
    return comparison
