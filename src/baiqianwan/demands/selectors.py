"""Scoped reads of demands, their history and their connections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import normalise_query

from . import rules
from .models import Connection, ConnectionStatus, Demand, DemandAttachment, DemandEvent, DemandStatus

TRIAGE_STATUSES = (DemandStatus.SUBMITTED,)


def demand_list(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    industry: str = "",
    within: str = "",
    mine: bool = False,
) -> QuerySet[Demand]:
    results: QuerySet[Demand] = Demand.objects.for_user(user).select_related(
        "division", "industry", "submitted_by"
    )
    # Drafts are private to whoever wrote them, even inside a bureau's area.
    results = results.exclude(Q(status=DemandStatus.DRAFT) & ~Q(submitted_by=user))
    text = normalise_query(q)
    if text:
        results = results.filter(Q(title__contains=text) | Q(description__contains=text))
    if status:
        results = results.filter(status=status)
    if industry:
        results = results.filter(Q(industry_id=industry) | Q(industry__parent_id=industry))
    if within:
        results = results.filter(division__startswith=within)
    if mine:
        results = results.filter(submitted_by=user)
    return results.order_by("-created_at")


DETAIL_RELATED = ("division", "industry", "industry__parent", "submitted_by", "merged_into", "organisation")


def demand_get(*, user: Any, pk: int) -> Demand | None:
    if not valid_id(pk):
        return None
    demand = Demand.objects.for_user(user).select_related(*DETAIL_RELATED).filter(pk=pk).first()
    if demand is None and Connection.objects.for_user(user).filter(demand_id=pk).exists():
        # The expert or organisation a demand was proposed to reads it, even when it is not public.
        demand = Demand.all_objects.select_related(*DETAIL_RELATED).filter(pk=pk).first()
    if demand is not None and demand.status == DemandStatus.DRAFT and demand.submitted_by_id != user.pk:
        return None
    return demand


def demand_attachment_get(*, demand: Demand, pk: int) -> DemandAttachment | None:
    """An attachment of a demand the caller has already fetched through ``demand_get``."""
    return demand.attachments.filter(pk=pk).first() if valid_id(pk) else None


def answers_for_anyone(user: Any) -> bool:
    """The user may be the other side of a 对接: an organisation's account or an expert's."""
    return bool(getattr(user, "organisation_id", None)) or hasattr(user, "expert_profile")


def open_connections(user: Any) -> QuerySet[Connection]:
    """Accepted connections the user sees, with what ``rules.answers_for`` reads."""
    return (
        Connection.objects.for_user(user)
        .filter(status__in=rules.CONTACT_OPEN)
        .select_related("achievement", "expert__person")
    )


def with_viewer_connections(demands: QuerySet[Demand], *, user: Any) -> QuerySet[Demand]:
    """A list of demands that shows contacts: each demand's open connections this user sees, in one
    query per page rather than one per demand (read by ``counterpart_connections``)."""
    if not answers_for_anyone(user):
        return demands
    return demands.prefetch_related(
        Prefetch("connections", open_connections(user), to_attr="viewer_connections")
    )


def counterpart_connections(*, user: Any, demand: Demand) -> list[Connection]:
    """The demand's accepted connections that this user answers for (as the expert or their unit)."""
    if not answers_for_anyone(user):
        return []  # a region's account answers for no achievement, expert or institution
    connections = getattr(demand, "viewer_connections", None)
    if connections is None:
        connections = open_connections(user).filter(demand=demand)
    return [c for c in connections if rules.answers_for(user, c)]


@dataclass(frozen=True)
class Contacts:
    """What contact details a demand page shows this user, given the connections it lists."""

    submitter: bool  # the submitter's name and phone
    by_party: bool  # shown only because the user is the other side of an accepted connection
    connections: frozenset[int]  # connections whose other side's contact is shown
    answerable: frozenset[int]  # proposed connections this user may accept or decline


def demand_contacts(*, user: Any, demand: Demand, connections: list[Connection]) -> Contacts:
    own_side = rules.is_owner(user, demand) or rules.in_area(user, demand)
    mine = {c.pk for c in connections if rules.answers_for(user, c)}
    open_ids = {c.pk for c in connections if c.status in rules.CONTACT_OPEN}
    by_party = not own_side and bool(mine & open_ids)
    return Contacts(
        submitter=own_side or by_party,
        by_party=by_party,
        connections=frozenset(open_ids if own_side else open_ids & mine),
        answerable=frozenset(
            c.pk for c in connections if c.pk in mine and c.status == ConnectionStatus.PROPOSED
        ),
    )


def triage_queue(*, user: Any) -> QuerySet[Demand]:
    """Submitted demands the user may accept: those in the bureau's area (one index range)."""
    queue = demand_list(user=user, status=DemandStatus.SUBMITTED)
    prefix = user.scope.division_prefix
    if prefix:
        queue = queue.filter(division__startswith=prefix)
    return queue.prefetch_related("attachments").order_by("submitted_at")


def demand_events(*, demand: Demand) -> QuerySet[DemandEvent]:
    return demand.events.select_related("actor").order_by("at", "id")


def demand_connections(*, user: Any, demand: Demand) -> QuerySet[Connection]:
    return (
        Connection.objects.for_user(user)
        .filter(demand=demand)
        .select_related("achievement", "expert__person", "organisation", "proposed_by")
    )


def connections_for_target(*, user: Any) -> QuerySet[Connection]:
    """Connections proposed to the user (as an expert) or to the user's organisation."""
    query = Q(expert__user=user)
    if getattr(user, "organisation_id", None):
        query |= Q(achievement__organisation_id=user.organisation_id)
        query |= Q(expert__person__organisation_id=user.organisation_id)
        query |= Q(organisation_id=user.organisation_id)
    return (
        Connection.objects.for_user(user)
        .filter(query)
        .select_related("demand", "demand__division", "achievement", "expert__person", "organisation")
    )


@dataclass(frozen=True)
class Task:
    """Something waiting for this user on a demand: what to do, and where."""

    label: str
    demand: Demand
    url: str


def demand_tasks(*, user: Any, limit: int = 10) -> list[Task]:
    """What waits for the submitter (confirm a solution, fix a returned demand, rate, finish a
    draft) and for the other side of a 对接 (answer a proposal); most urgent first."""
    mine = Demand.objects.for_user(user).filter(submitted_by=user).select_related("division")
    tasks: list[Task] = []
    for status, label in (
        (DemandStatus.CONFIRMING, gettext("请确认是否已解决")),
        (DemandStatus.RETURNED, gettext("被退回，请修改后重新提交")),
        (DemandStatus.DRAFT, gettext("草稿，尚未提交")),
    ):
        for demand in mine.filter(status=status).order_by("-updated_at")[:limit]:
            tasks.append(Task(label, demand, reverse("demands:detail", args=[demand.pk])))
    rateable = mine.filter(rating__isnull=True).filter(
        Q(status=DemandStatus.SOLVED) | Q(status=DemandStatus.CLOSED, solved_at__isnull=False)
    )
    for demand in rateable.order_by("-updated_at")[:limit]:
        tasks.append(
            Task(gettext("已解决，请评价这次服务"), demand, reverse("demands:detail", args=[demand.pk]))
        )
    for connection in connections_for_target(user=user).filter(status=ConnectionStatus.PROPOSED)[:limit]:
        tasks.append(
            Task(
                gettext("推荐给您（{target_label}），请接受或婉拒").format(
                    target_label=connection.target_label
                ),
                connection.demand,
                reverse("demands:detail", args=[connection.demand_id]),
            )
        )
    return tasks[:limit]


OPEN_STATUSES = (
    DemandStatus.SUBMITTED,
    DemandStatus.ACCEPTED,
    DemandStatus.MATCHING,
    DemandStatus.CONFIRMING,
)


def own_demand_summary(*, user: Any) -> dict[str, int]:
    """The user's own demands: how many in all (drafts too), still being handled, and solved."""
    mine = Demand.objects.for_user(user).filter(submitted_by=user)
    return mine.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        solved=Count(
            "id",
            filter=Q(status=DemandStatus.SOLVED) | Q(status=DemandStatus.CLOSED, solved_at__isnull=False),
        ),
    )


def demand_status_counts(*, user: Any) -> dict[str, int]:
    rows = demand_list(user=user).order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def solved_demand_count() -> int:
    """Demands whose submitter confirmed the solution, whether or not the bureau has closed them since."""
    return Demand.all_objects.filter(
        Q(status=DemandStatus.SOLVED) | Q(status=DemandStatus.CLOSED, solved_at__isnull=False)
    ).count()


def success_counts() -> dict[str, int]:
    """Successful connections per matching document id ("achievement:12", "expert:3", ...)."""
    counts: dict[str, int] = {}
    rows = (
        Connection.all_objects.filter(status=ConnectionStatus.SUCCEEDED)
        .values("target_kind", "achievement_id", "expert_id", "organisation_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        target = row["achievement_id"] or row["expert_id"] or row["organisation_id"]
        key = f"{row['target_kind']}:{target}"
        counts[key] = counts.get(key, 0) + row["n"]
    return counts
