"""Writes of a dispatch round: needs, nominations with eligibility, the optimal plan, publishing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baiqianwan.core.notifications import notify
from baiqianwan.matching.engine.assign import Commissioner, Instance, Slot, solve
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from .models import (
    FIELDS,
    TERM_YEARS,
    Assignment,
    AssignmentStatus,
    DispatchRound,
    MembershipChange,
    Nomination,
    RoundStatus,
    Team,
    TownNeed,
)

LEADER_TITLES = ("教授", "研究员", "高级")  # 职称 at 副高 or above may lead a team


def _require_province(user: Any) -> None:
    if not user.is_province:
        raise PermissionDenied("选派批次由省科技厅管理")


def _check_fields(fields: list[str]) -> list[str]:
    chosen = list(dict.fromkeys(fields))
    unknown = [f for f in chosen if f not in FIELDS]
    if not chosen or unknown:
        raise ValidationError(
            {
                "fields": "请从列表中选择至少一个领域"
                + (f"（不认识：{'、'.join(unknown)}）" if unknown else "")
            }
        )
    return chosen


@transaction.atomic
def round_create(*, acting_user: Any, name: str, year: int) -> DispatchRound:
    _require_province(acting_user)
    if DispatchRound.all_objects.filter(name=name.strip()).exists():
        raise ValidationError({"name": f"批次“{name}”已存在"})
    dispatch_round = DispatchRound(name=name.strip(), year=year, created_by=acting_user)
    dispatch_round.full_clean()
    dispatch_round.save()
    return dispatch_round


def _open(dispatch_round: DispatchRound) -> None:
    if dispatch_round.status == RoundStatus.PUBLISHED:
        raise ValidationError("该批次已发布，不能再修改")


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
    scope = acting_user.scope
    if town.level != "town":
        raise ValidationError({"town": "需求以乡镇（街道）为单位填报"})
    if not (scope.everything or (scope.division_prefix and town.code.startswith(scope.division_prefix))):
        raise PermissionDenied(f"“{town.full_name}”不在您的管辖范围内")
    if not 1 <= int(slots) <= 10:
        raise ValidationError({"slots": "人数应在 1 到 10 之间"})
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
    elsewhere = (
        Assignment.all_objects.filter(nomination__expert=nomination.expert, published=True)
        .exclude(round=nomination.round)
        .select_related("round")
        .first()
    )
    if elsewhere is not None:
        return f"已在“{elsewhere.round.name}”派驻"
    return ""


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
    organisation = expert.person.organisation
    if acting_user.organisation_id != organisation.pk and not (
        acting_user.is_manager
        and organisation.division_id.startswith(acting_user.scope.division_prefix or "")
    ):
        raise PermissionDenied("只能推荐本单位的专家")
    if not 1 <= int(capacity) <= 5:
        raise ValidationError({"capacity": "可服务乡镇数应在 1 到 5 之间"})
    nomination, _ = Nomination.all_objects.update_or_create(
        round=dispatch_round,
        expert=expert,
        defaults={
            "organisation": organisation,
            "fields": _check_fields(fields),
            "capacity": int(capacity),
            "can_lead": any(word in expert.person.title for word in LEADER_TITLES),
            "in_station_team": in_station_team,
            "in_sanzhi": in_sanzhi,
            "submitted_by": acting_user,
        },
    )
    nomination.excluded_reason = _exclusion(nomination)
    nomination.save(update_fields=["excluded_reason"])
    return nomination


def _instance(dispatch_round: DispatchRound, objective: str, east_west_north_first: bool) -> Instance:
    needs = list(dispatch_round.needs.select_related("town"))
    nominations = [n for n in dispatch_round.nominations.select_related("expert") if n.eligible]
    slots = [
        Slot(id=f"{need.pk}-{i}", town=need.town_id, fields=tuple(need.fields), leader=i == 0)
        for need in needs
        for i in range(need.slots)
    ]
    people = [
        Commissioner(id=str(n.pk), fields=tuple(n.fields), can_lead=n.can_lead, capacity=n.capacity)
        for n in nominations
    ]
    scores: dict[tuple[str, str], float] = {}
    for need in needs:
        for n in nominations:
            overlap = len(set(need.fields) & set(n.fields)) / len(need.fields)
            if overlap:
                nearby = 0.2 if n.expert.home_city_id[:4] == need.town_id[:4] else 0.0
                scores[(need.town_id, str(n.pk))] = round(overlap + nearby, 3)
    priority = {
        need.town_id: 1 for need in needs if east_west_north_first and is_east_west_north(need.town_id)
    }
    return Instance(
        slots=slots,
        commissioners=people,
        scores=scores,
        objective=objective,
        priority=priority,
        town_names={need.town_id: need.town.full_name for need in needs},
        commissioner_names={str(n.pk): n.expert.person.name for n in nominations},
    )


@transaction.atomic
def round_solve(
    *,
    acting_user: Any,
    dispatch_round: DispatchRound,
    objective: str = "max_filled_then_score",
    east_west_north_first: bool = True,
) -> dict[str, Any]:
    """The exact optimum for the round (replacing any unpublished plan), with explanations."""
    _require_province(acting_user)
    _open(dispatch_round)
    if not dispatch_round.needs.exists():
        raise ValidationError("还没有乡镇提交需求")
    solution = solve(_instance(dispatch_round, objective, east_west_north_first)).to_dict()
    dispatch_round.assignments.all().delete()
    needs = {str(n.pk): n for n in dispatch_round.needs.all()}
    for row in solution["assignments"]:
        need_id, index = row["slot"].split("-")
        Assignment.all_objects.create(
            round=dispatch_round,
            need=needs[need_id],
            nomination_id=int(row["commissioner"]),
            leader=index == "0",
        )
    dispatch_round.result = solution
    dispatch_round.status = RoundStatus.SOLVED
    dispatch_round.save(update_fields=["result", "status", "updated_at"])
    return solution


def _team_name(town: Division) -> str:
    return f"{town.name}科技特派员服务团"


@transaction.atomic
def round_publish(*, acting_user: Any, dispatch_round: DispatchRound, on: date | None = None) -> int:
    """Publish the plan: each town with people gets its team (3-year term), each person an invitation."""
    _require_province(acting_user)
    if dispatch_round.status != RoundStatus.SOLVED:
        raise ValidationError("请先生成派驻方案")
    start = on or timezone.localdate()
    assignments = list(
        dispatch_round.assignments.filter(status=AssignmentStatus.PROPOSED).select_related(
            "nomination__expert__user", "need__town"
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
            reason="任团队负责人" if assignment.leader else "",
            by=acting_user,
        )
    dispatch_round.status = RoundStatus.PUBLISHED
    dispatch_round.save(update_fields=["status", "updated_at"])
    for assignment in assignments:
        user = assignment.nomination.expert.user
        if user is not None:
            notify(
                users=[user],
                title=f"您已入选{dispatch_round.name}科技特派员",
                body=f"派驻{assignment.need.town.full_name}"
                + ("，任团队负责人" if assignment.leader else "")
                + "。请在平台上确认接受。",
                url=f"/commissioners/rounds/{dispatch_round.pk}/",
                key=f"dispatch:{dispatch_round.pk}:{assignment.pk}",
            )
    return len(assignments)
