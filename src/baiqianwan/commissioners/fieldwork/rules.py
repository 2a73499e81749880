"""Who may review or correct a service log."""

from __future__ import annotations

from typing import Any

from baiqianwan.core.scope import scope_of

from ..rounds.models import Assignment
from .models import LogStatus, ServiceLog

LOG_REVIEWERS = ("town", "county")


def _covers(user: Any, code: str) -> bool:
    return scope_of(user).covers(code)


def can_review_log(user: Any, log: ServiceLog) -> bool:
    """The host town, or the county above it, confirms or returns a log."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in LOG_REVIEWERS and _covers(user, log.assignment.need.town_id)


def is_reviewer(user: Any) -> bool:
    """Towns and counties have a queue of logs to confirm."""
    return getattr(user, "role", "") in LOG_REVIEWERS


def is_author(user: Any, log: ServiceLog) -> bool:
    return bool(user.pk and log.assignment.nomination.expert.user_id == user.pk)


def can_correct_log(user: Any, log: ServiceLog) -> bool:
    """The author corrects a log the town has not confirmed."""
    return is_author(user, log) and log.status != LogStatus.CONFIRMED


def can_log_for(user: Any, assignment: Assignment) -> bool:
    """Only the commissioner themself writes logs for their assignment."""
    return bool(assignment.nomination.expert.user_id == user.pk)
