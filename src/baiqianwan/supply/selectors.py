from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from baiqianwan.core.text import normalise_query

from .models import Achievement, ExpertProfile


def achievement_list(
    *, user: Any, q: str = "", industry: str = "", maturity: str = ""
) -> QuerySet[Achievement]:
    results: QuerySet[Achievement] = Achievement.objects.for_user(user).select_related(
        "organisation", "organisation__division", "industry"
    )
    text = normalise_query(q)
    if text:
        results = results.filter(
            Q(title__contains=text) | Q(abstract__contains=text) | Q(keywords__contains=text)
        )
    if industry:
        results = results.filter(Q(industry_id=industry) | Q(industry__parent_id=industry))
    if maturity:
        results = results.filter(maturity=maturity)
    return results.order_by("-created_at")


def achievement_get(*, user: Any, pk: int, action: str = "view") -> Achievement | None:
    return (
        Achievement.objects.for_user(user, action)  # type: ignore[arg-type]
        .select_related("organisation", "organisation__division", "industry")
        .filter(pk=pk)
        .first()
    )


def expert_list(*, user: Any, q: str = "", industry: str = "") -> QuerySet[ExpertProfile]:
    results: QuerySet[ExpertProfile] = ExpertProfile.objects.for_user(user).select_related(
        "person", "person__organisation", "home_city"
    )
    text = normalise_query(q)
    if text:
        results = results.filter(
            Q(person__name__contains=text) | Q(keywords__contains=text) | Q(bio__contains=text)
        )
    if industry:
        results = results.filter(Q(industries__code=industry) | Q(industries__parent_id=industry)).distinct()
    return results.prefetch_related("industries").order_by("person__name")


def expert_get(*, user: Any, pk: int, action: str = "view") -> ExpertProfile | None:
    return (
        ExpertProfile.objects.for_user(user, action)  # type: ignore[arg-type]
        .select_related("person", "person__organisation", "home_city")
        .prefetch_related("industries")
        .filter(pk=pk)
        .first()
    )
