"""Who may fill in, review, un-approve and reopen a return: plain predicates shared by the
services, the pages and the API.

- A unit fills in its own return, or a region office above it enters data on its behalf.
- A submission moves up the data set's chain, skipping a level the unit has no ancestor at
  (东莞 and 中山 towns have no county); the reviewer is the office at the waiting level over the
  unit, or the province.
- Only the level that gave the final approval (or the province) may un-approve; after the period
  lock only the province. A period locks ``lock_days`` after its deadline; a time-limited exception
  reopens it for one unit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from baiqianwan.core.scope import scope_of
from baiqianwan.regions.models import Division

from ..definitions.models import LEVEL_ORDER, DataSet
from ..definitions.selectors import lock_date
from .models import LockException, Submission, SubmissionStatus


def level_of(user: Any) -> str:
    """The level a user acts at: province, city, county, town or village ("" for other roles)."""
    if user.is_province:
        return "province"
    division = getattr(user, "division", None)
    return division.level if division is not None and user.role == division.level else ""


def visible_levels(user: Any) -> list[str]:
    """A region user sees the data sets of their own level and of the levels below."""
    level = level_of(user)
    if not level:
        return []
    return LEVEL_ORDER[: LEVEL_ORDER.index(level) + 1]


def _covers(user: Any, unit_code: str) -> bool:
    return scope_of(user).covers(unit_code)


def can_fill(user: Any, dataset: DataSet, unit: Division) -> bool:
    """The unit itself, or a region office above it that enters data on its behalf."""
    level = level_of(user)
    return bool(level) and unit.level == dataset.level and _covers(user, unit.code)


def can_upload(user: Any, dataset: DataSet) -> bool:
    """Region users at or above the data set's level fill it in (for their units) by Excel."""
    return dataset.level in visible_levels(user)


def completeness_available(user: Any, dataset: DataSet) -> bool:
    """Completeness is counted per division under the user's, for data sets below the user's level."""
    level = level_of(user)
    return bool(level) and LEVEL_ORDER.index(dataset.level) < LEVEL_ORDER.index(level)


def _ancestor_levels(unit: Division) -> set[str]:
    levels: set[str] = set()
    node = unit.parent
    while node is not None:
        levels.add(node.level)
        node = node.parent
    return levels


def chain_for(dataset: DataSet, unit: Division) -> list[str]:
    """The data set's approval levels this unit actually has above it."""
    present = _ancestor_levels(unit) | {"province"}
    return [level for level in dataset.approval_chain if level in present]


def reviews(user: Any, unit: Division, *, level: str = "", any_level: bool = False) -> bool:
    """The user reviews the unit at ``level`` (or at some level above it, ``any_level``)."""
    mine = level_of(user)
    if mine == "province":
        return True
    if not mine or not _covers(user, unit.code) or mine == unit.level:
        return False
    return any_level or mine == level


def active_exception(dataset: DataSet, period: str, unit_code: str) -> LockException | None:
    return (
        LockException.all_objects.filter(
            dataset=dataset, period=period, unit_id=unit_code, until__gt=timezone.now()
        )
        .order_by("-until")
        .first()
    )


def is_locked(dataset: DataSet, period: str, unit_code: str, *, today: dt.date | None = None) -> bool:
    if (today or timezone.localdate()) < lock_date(dataset, period):
        return False
    return active_exception(dataset, period, unit_code) is None


def can_review(user: Any, submission: Submission) -> bool:
    """Whether ``user`` is the reviewer the submission is waiting for."""
    return submission.status == SubmissionStatus.SUBMITTED and reviews(
        user, submission.unit, level=submission.stage
    )


def final_level(submission: Submission) -> str:
    """The level that gives the final approval (the province when the chain is empty)."""
    chain = chain_for(submission.dataset, submission.unit)
    return chain[-1] if chain else "province"


def can_unapprove(user: Any, submission: Submission) -> bool:
    if submission.status != SubmissionStatus.APPROVED:
        return False
    if not reviews(user, submission.unit, level=final_level(submission)):
        return False
    return user.is_province or not is_locked(submission.dataset, submission.period, submission.unit_id)


def can_grant_exception(user: Any, dataset: DataSet, period: str, unit: Division) -> bool:
    """A reviewer above a unit whose period is locked may reopen it for a while."""
    return is_locked(dataset, period, unit.code) and reviews(user, unit, any_level=True)
