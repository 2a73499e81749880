"""Reads of the transfer events, scoped: published ones for every signed-in user, drafts for the host
and the bureaus of the place; filtered by region, kind and year, with totals."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import normalise_query
from baiqianwan.supply.models import Achievement

from ..models import Deal, EventKind, TransferEvent, TransferEventStatus
from ..selectors import region_q


def transfer_event_list(
    *,
    user: Any,
    q: str = "",
    region: str = "",
    kind: str = "",
    year: int | None = None,
    east_west_north: bool | None = None,
    status: str = "",
) -> QuerySet[TransferEvent]:
    events = TransferEvent.objects.for_user(user).select_related("host", "place__parent__parent", "industry")
    text = normalise_query(q)
    if text:
        events = events.filter(Q(title__contains=text) | Q(host__name__contains=text))
    if region:
        events = events.filter(region_q("place", region))
    if kind:
        events = events.filter(kind=kind)
    if year:
        events = events.filter(held_on__year=year)
    if east_west_north is not None:
        events = events.filter(in_east_west_north=east_west_north)
    if status:
        events = events.filter(status=status)
    return events.order_by("-held_on", "-id")


def transfer_event_get(*, user: Any, event_id: Any) -> TransferEvent | None:
    if not valid_id(event_id):
        return None
    return (
        TransferEvent.objects.for_user(user)
        .select_related("host__division", "place__parent__parent", "industry", "created_by")
        .filter(pk=event_id)
        .first()
    )


def event_achievements(*, user: Any, event: TransferEvent) -> QuerySet[Achievement]:
    """The achievements shown that the user may read (an unpublished one stays its owner's)."""
    return Achievement.objects.for_user(user).filter(transfer_events=event).select_related("organisation")


def event_deals(*, user: Any, event: TransferEvent) -> QuerySet[Deal]:
    """The follow-up deals the user may read (their parties and bureaus); the count is everyone's."""
    return Deal.objects.for_user(user).filter(transfer_events=event).select_related("seller", "buyer")


def transfer_event_totals(events: QuerySet[TransferEvent]) -> dict[str, Any]:
    """The published events of a list: how many, by kind, how many people came, what was shown and
    how many deals followed."""
    published = events.filter(status=TransferEventStatus.PUBLISHED).order_by()
    totals = published.aggregate(events=Count("id"), attendance=Sum("attendance"))
    ids = published.values("id")
    by_kind = dict(published.values_list("kind").annotate(n=Count("id")))
    return {
        "events": totals["events"],
        "attendance": totals["attendance"] or 0,
        "east_west_north": published.filter(in_east_west_north=True).count(),
        "achievements": Achievement.all_objects.filter(transfer_events__in=ids).distinct().count(),
        "deals": Deal.all_objects.filter(transfer_events__in=ids).distinct().count(),
        "by_kind": [
            {"kind": k, "label": str(label), "events": by_kind.get(k, 0)} for k, label in EventKind.choices
        ],
    }
