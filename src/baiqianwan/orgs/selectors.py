"""Scoped reads of organisations and people."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from baiqianwan.core.text import normalise_query

from .models import Organisation, Person


def organisation_list(
    *, user: Any, q: str = "", kind: str = "", within: str = "", action: str = "view"
) -> QuerySet[Organisation]:
    results: QuerySet[Organisation] = Organisation.objects.for_user(user, action).select_related("division")  # type: ignore[arg-type]
    text = normalise_query(q)
    if text:
        results = results.filter(Q(name__contains=text) | Q(uscc__iexact=text.upper()))
    if kind:
        results = results.filter(kind=kind)
    if within:
        results = results.filter(division_id__startswith=within)
    return results.annotate(people_count=Count("people")).order_by("division_id", "name")


def organisation_get(*, user: Any, pk: int, action: str = "view") -> Organisation | None:
    return Organisation.objects.for_user(user, action).select_related("division").filter(pk=pk).first()  # type: ignore[arg-type]


def person_list(*, user: Any, q: str = "", organisation_id: int | None = None) -> QuerySet[Person]:
    results = Person.objects.for_user(user).select_related("organisation", "organisation__division")
    text = normalise_query(q)
    if text:
        results = results.filter(
            Q(name__contains=text) | Q(fields__contains=text) | Q(organisation__name__contains=text)
        )
    if organisation_id:
        results = results.filter(organisation_id=organisation_id)
    return results.order_by("organisation__name", "name")


def person_get(*, user: Any, pk: int, action: str = "view") -> Person | None:
    return Person.objects.for_user(user, action).select_related("organisation").filter(pk=pk).first()  # type: ignore[arg-type]


def organisation_counts_by_city(*, user: Any) -> dict[str, int]:
    """Organisations in the user's scope per city code prefix (4 digits)."""
    rows = (
        Organisation.objects.for_user(user)
        .annotate(city=Substr("division_id", 1, 4))
        .values("city")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["city"]: row["n"] for row in rows}
