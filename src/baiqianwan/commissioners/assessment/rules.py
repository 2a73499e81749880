"""Who scores whom in the yearly assessment, and who reports a key task's progress."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from baiqianwan.accounts.roles import Role
from baiqianwan.core.scope import scope_of

from ..rounds.models import Assignment, AssignmentStatus, Team
from .models import AssessmentRecord, KeyTask

UNIT, HOST = "unit", "host"


SIDE_LABELS = {UNIT: gettext_lazy("派出单位评分"), HOST: gettext_lazy("服务乡镇评分")}


def can_manage_assessment(user: Any) -> bool:
    """Schemes, finalising and key tasks are the province's (年度考核方案由省科技厅管理)."""
    return bool(getattr(user, "is_province", False))


def scoring_side(user: Any) -> str | None:
    """Which score a user gives: 单位 users for their own people, towns and counties for their towns."""
    if not getattr(user, "is_active", False):
        return None
    if user.role == Role.ORG and user.organisation_id:
        return UNIT
    if user.role in (Role.TOWN, Role.COUNTY) and user.division_id:
        return HOST
    return None


def can_score(user: Any, record: AssessmentRecord) -> bool:
    side = scoring_side(user)
    assignment = record.assignment
    if side is None or assignment.nomination.expert.user_id == user.pk:
        return False
    if side == UNIT:
        return bool(assignment.nomination.organisation_id == user.organisation_id)
    return scope_of(user).covers(assignment.need.town_id)


def team_leader_user_id(team: Team) -> int | None:
    return (
        Assignment.all_objects.filter(need_id=team.need_id, leader=True, status=AssignmentStatus.ACCEPTED)
        .values_list("nomination__expert__user_id", flat=True)
        .first()
    )


def can_report_progress(user: Any, task: KeyTask) -> bool:
    """The team's leader, or the county (科技部门) the team's town belongs to."""
    if not getattr(user, "is_active", False):
        return False
    if user.role == Role.COUNTY and user.division_id:
        return scope_of(user).covers(task.team.town_id)
    return bool(user.pk and team_leader_user_id(task.team) == user.pk)
