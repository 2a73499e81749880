"""Teams in the field: members and the 365-day rule, 工作站, and 服务日志 confirmed by the host town.

A team (usually three, one leader) serves one town for 3 years; each member must be on site at
least 365 days in total. Only logs the host town has confirmed count as on-site days.

- 进度偏慢: once a member has served ``PACE_GRACE_DAYS``, the days expected so far are
  365 × elapsed / term; confirmed days below ``PACE_SHARE`` of that are behind pace.
- 难以达标: confirmed days, plus days still waiting for the town, plus every day left in the
  term (today included) come to less than 365 — even a log every day from now cannot make it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from baiqianwan.core.spreadsheets import Column, SheetSchema

from ..rounds.models import Assignment, AssignmentStatus, Team
from .models import ON_SITE_DAYS_REQUIRED, LogStatus, ServiceLog, ServiceLogPhoto
from .rules import is_reviewer

PACE_SHARE = Decimal("0.8")


PACE_GRACE_DAYS = 30  # the first month is for settling in; no pace warning yet


ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=8, decimal_places=1))


@dataclass(frozen=True)
class Pace:
    confirmed: Decimal
    waiting: Decimal
    expected: Decimal
    remaining: int
    behind: bool
    at_risk: bool

    @property
    def reached(self) -> bool:
        return self.confirmed >= ON_SITE_DAYS_REQUIRED

    @property
    def share(self) -> int:
        """Confirmed days as a percentage of the 365 required (for a progress bar)."""
        return min(100, int(self.confirmed * 100 / ON_SITE_DAYS_REQUIRED))


def pace(*, started_on: dt.date, ends_on: dt.date, confirmed: Decimal, waiting: Decimal, on: dt.date) -> Pace:
    """A member's days against the 365-day rule on the day ``on`` (pure; see the module doc)."""
    term = max(1, (ends_on - started_on).days)
    elapsed = min(max((on - started_on).days, 0), term)
    expected = (Decimal(ON_SITE_DAYS_REQUIRED) * elapsed / term).quantize(Decimal("0.1"))
    first_day = max(on, started_on)
    remaining = max(0, (ends_on - first_day).days + 1)
    reached = confirmed >= ON_SITE_DAYS_REQUIRED
    behind = not reached and elapsed >= PACE_GRACE_DAYS and confirmed < expected * PACE_SHARE
    at_risk = not reached and confirmed + waiting + remaining < ON_SITE_DAYS_REQUIRED
    return Pace(confirmed, waiting, expected, remaining, behind, at_risk)


def days_by_assignment(assignment_ids: Iterable[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """(confirmed, waiting) days of each assignment, in one query."""
    rows = (
        ServiceLog.all_objects.filter(assignment_id__in=list(assignment_ids))
        .order_by()
        .values("assignment_id")
        .annotate(
            confirmed=Coalesce(Sum("days", filter=Q(status=LogStatus.CONFIRMED)), ZERO),
            waiting=Coalesce(Sum("days", filter=Q(status=LogStatus.SUBMITTED)), ZERO),
        )
    )
    return {r["assignment_id"]: (Decimal(r["confirmed"]), Decimal(r["waiting"])) for r in rows}


LOG_RELATED = (
    "assignment__need__town",
    "assignment__need__team",
    "assignment__nomination__expert__person",
    "assignment__nomination__organisation",
    "village",
    "reviewed_by",
)


def log_list(
    *,
    user: Any,
    status: str = "",
    team_id: int | None = None,
    assignment_id: int | None = None,
    q: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    waiting_for_me: bool = False,
    photos: bool = False,
) -> QuerySet[ServiceLog]:
    """The logs a user may read, narrowed by the list's filters (``LogFilterForm``); ``waiting_for_me``
    is the user's review queue instead, and ``photos`` fetches each log's photos with the page."""
    if waiting_for_me:
        return log_queue(user=user, photos=photos)
    logs = ServiceLog.objects.for_user(user).select_related(*LOG_RELATED)
    if photos:
        logs = logs.prefetch_related("photos")
    if status in LogStatus.values:
        logs = logs.filter(status=status)
    if team_id:
        logs = logs.filter(assignment__need__team__pk=team_id)
    if assignment_id:
        logs = logs.filter(assignment_id=assignment_id)
    if q.strip():
        words = q.strip()
        logs = logs.filter(
            Q(village__name__icontains=words)
            | Q(assignment__need__town__name__icontains=words)
            | Q(assignment__nomination__expert__person__name__icontains=words)
            | Q(description__icontains=words)
        )
    if date_from:
        logs = logs.filter(served_on__gte=date_from)
    if date_to:
        logs = logs.filter(served_on__lte=date_to)
    return logs.order_by("-served_on", "-id")


def log_get(*, user: Any, pk: int) -> ServiceLog | None:
    return log_list(user=user).filter(pk=pk).first()


def log_queue(*, user: Any, photos: bool = False) -> QuerySet[ServiceLog]:
    """Logs waiting for this user's confirmation: the host town's (or the county's) queue."""
    if not is_reviewer(user):
        return ServiceLog.objects.none()
    return log_list(user=user, status=LogStatus.SUBMITTED, photos=photos).order_by("served_on", "id")


def log_photo_get(*, log: ServiceLog, pk: int) -> ServiceLogPhoto | None:
    """One photo of a log the caller has already found within the user's scope."""
    return log.photos.filter(pk=pk).first()


def loggable_assignments(*, user: Any) -> QuerySet[Assignment]:
    """The user's own serving assignments that belong to a team: where they may log service."""
    return (
        Assignment.objects.for_user(user)
        .filter(
            nomination__expert__user=user,
            status=AssignmentStatus.ACCEPTED,
            published=True,
            need__team__isnull=False,
        )
        .select_related("need__town", "need__team")
        .order_by("need__town_id")
    )


LOG_SHEET = SheetSchema(
    title="服务日志",
    columns=[
        Column("served_on", "服务日期", width=12),
        Column("team", "团队", width=24),
        Column("town", "服务乡镇", width=28),
        Column("village", "服务村（社区）", width=16),
        Column("name", "科技特派员", width=10),
        Column("organisation", "派出单位", width=22),
        Column("activity", "服务内容", width=10),
        Column("days", "在岗天数", width=9),
        Column("people_trained", "培训人数", width=9),
        Column("problems_solved", "解决问题数", width=10),
        Column("description", "服务情况", width=60),
        Column("status", "状态", width=10),
        Column("reviewed_by", "确认人", width=12),
        Column("reviewed_at", "确认时间", width=17),
        Column("return_reason", "退回原因", width=24),
    ],
)


def log_rows(logs: Iterable[ServiceLog]) -> Iterable[tuple[Any, ...]]:
    for log in logs:
        need = log.assignment.need
        team = getattr(need, "team", None)
        reviewed_at = (
            timezone.localtime(log.reviewed_at).strftime("%Y-%m-%d %H:%M") if log.reviewed_at else ""
        )
        yield (
            log.served_on,
            team.name if team else "",
            need.town.full_name,
            log.village.name,
            log.assignment.nomination.expert.person.name,
            log.assignment.nomination.organisation.name,
            log.get_activity_display(),
            float(log.days),
            log.people_trained,
            log.problems_solved,
            log.description,
            log.get_status_display(),
            (log.reviewed_by.display_name or log.reviewed_by.username) if log.reviewed_by else "",
            reviewed_at,
            log.return_reason,
        )


def loggable_assignment_get(*, user: Any, need_id: int) -> Assignment | None:
    """The user's own serving assignment in a team (by the team's need), if they serve in it."""
    return loggable_assignments(user=user).filter(need_id=need_id).first()


def log_team_get(*, user: Any, pk: int) -> Team | None:
    """The team a list of logs is narrowed to, when the user may see it."""
    visible = Team.objects.for_user(user).values("pk")  # the member paths join assignments
    return Team.all_objects.filter(pk__in=visible).filter(pk=pk).first()
