"""Who may do what in a dispatch round: plain predicates the services, pages and API share."""

from __future__ import annotations

from typing import Any

from baiqianwan.core.scope import scope_of

from .models import Assignment, AssignmentStatus, Nomination, TownNeed

LEADER_TITLES = ("教授", "研究员", "高级")  # 职称 at 副高 or above may lead a team

END_RULES = {
    # status: (who may do it, from which statuses)
    AssignmentStatus.WITHDRAWN: ("self", (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)),
    AssignmentStatus.RECALLED: ("unit", (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)),
    AssignmentStatus.RESCINDED: ("province", (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)),
}


def can_lead(title: str) -> bool:
    """副高 and above: 教授/副教授, 研究员/副研究员, 高级工程师/高级农艺师…; not 助理研究员."""
    return "助理" not in title and any(word in title for word in LEADER_TITLES)


def can_manage_rounds(user: Any) -> bool:
    """Rounds, the plan, constraints and publishing are the province's (选派批次由省科技厅管理)."""
    return bool(getattr(user, "is_province", False))


def can_submit_need(user: Any, town_code: str) -> bool:
    """A need is posted for a town in the user's area."""
    return bool(user.scope.covers(town_code))


def can_nominate(user: Any, organisation: Any) -> bool:
    """The expert's own unit, or a manager whose area holds the unit."""
    return bool(
        user.organisation_id == organisation.pk
        or (user.is_manager and user.scope.covers(organisation.division_id))
    )


def can_rank(user: Any, need: TownNeed) -> bool:
    """双向选择, the town's side: whoever's scope holds the town."""
    return scope_of(user).covers(need.town_id)


def speaks_for(user: Any, nomination: Nomination) -> bool:
    """The candidate themself, or their unit's operator."""
    return nomination.expert.user_id == user.pk or (
        user.organisation_id is not None and user.organisation_id == nomination.organisation_id
    )


def can_prefer(user: Any, nomination: Nomination) -> bool:
    """双向选择, the candidate's side: the candidate or their unit fills in the towns."""
    return speaks_for(user, nomination)


def can_respond(user: Any, assignment: Assignment) -> bool:
    """Only the invited commissioner accepts or declines the invitation."""
    return bool(assignment.nomination.expert.user_id == user.pk)


def can_end(user: Any, assignment: Assignment, status: str) -> bool:
    """退出 by the commissioner, 召回 by the sending unit, 撤销 by the province."""
    rule = END_RULES.get(status)  # type: ignore[call-overload]
    if rule is None:
        return False
    return bool(
        {
            "self": assignment.nomination.expert.user_id == user.pk,
            "unit": user.organisation_id == assignment.nomination.organisation_id,
            "province": user.is_province,
        }[rule[0]]
    )


def can_confirm_for(user: Any, assignment: Assignment) -> bool:
    """Only the unit that nominated the appointee answers for them."""
    return user.organisation_id is not None and user.organisation_id == assignment.nomination.organisation_id


def can_send_reminders(user: Any) -> bool:
    """The province, or a unit (for its own people)."""
    return bool(user.is_province or user.organisation_id)


def can_remind(user: Any, assignment: Assignment) -> bool:
    return bool(user.is_province or can_confirm_for(user, assignment))
