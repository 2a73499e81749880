"""Reads of the review: an expert's queue, and the results table with its ranking and selection."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from baiqianwan.calls.models import Application, Call
from baiqianwan.calls.selectors import call_type_of

from .engine.aggregate import Aggregate, Sheet, aggregate, rank
from .models import AssignmentStatus, ReviewAssignment, ScoreSheet


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
    from baiqianwan.core.selectors import valid_id

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
    return [
        ResultRow(r.position, applications[r.application], r.value, r.explanation, table[r.application])
        for r in rank(
            table,
            by=statistic,
            preferred=preferred,
            names={pk: f"“{a.title}”" for pk, a in applications.items()},
        )
    ]


def selection(
    *, call: Call, rows: list[ResultRow], top: int | None = None, min_score: Decimal | None = None
) -> list[ResultRow]:
    """Who is selected, in ranking order: at most `top` (or the call's places, or the call type's
    places, or the sum of its grades), none under `min_score`, a reserved share for 艰苦边远地区和
    基层一线 when the call type sets one; grades handed out in order."""
    call_type = call_type_of(call)
    chosen_rule = call_type.selection
    grades = [(g.label, g.count) for g in chosen_rule.grades]
    limit = (
        top if top is not None else call.places or chosen_rule.places or (sum(c for _, c in grades) or None)
    )
    eligible = [row for row in rows if min_score is None or Decimal(str(row.value)) >= Decimal(min_score)]
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
