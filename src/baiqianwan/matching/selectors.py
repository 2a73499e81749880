"""Recommendations and search: the engine's hits, narrowed to what the user may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from baiqianwan.demands.models import Demand
from baiqianwan.matching.engine import Hit, Query, SearchResult
from baiqianwan.regions.classification import is_east_west_north

from . import documents
from .services import index_get


@dataclass(frozen=True)
class Recommendation:
    hit: Hit
    record: Any
    kind: str

    @property
    def pk(self) -> int:
        return int(self.record.pk)


def _visible(user: Any, hits: list[Hit]) -> list[Recommendation]:
    """Keep hits the user may see, in the engine's order (one query per kind)."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for hit in hits:
        kind, pk = documents.split_id(hit.id)
        wanted[kind].append(pk)
    records: dict[str, dict[int, Any]] = {}
    for kind, pks in wanted.items():
        model = documents.MODELS[kind]
        queryset = model.objects.for_user(user).filter(pk__in=pks)
        if kind == "expert":
            queryset = queryset.select_related("person", "person__organisation")
        elif kind == "achievement":
            queryset = queryset.select_related("organisation")
        elif kind == "demand":
            queryset = queryset.select_related("division")
        records[kind] = {r.pk: r for r in queryset}
    visible = []
    for hit in hits:
        kind, pk = documents.split_id(hit.id)
        record = records.get(kind, {}).get(pk)
        if record is not None:
            visible.append(Recommendation(hit=hit, record=record, kind=kind))
    return visible


def search(
    *, user: Any, text: str, kinds: tuple[str, ...], top: int = 10, **options: Any
) -> tuple[list[Recommendation], SearchResult]:
    # Ask for more than shown: some hits may fall outside the user's scope.
    result = index_get().search(Query(text=text, kinds=kinds, top=top * 3, **options))
    return _visible(user, result.hits)[:top], result


def demand_recommendations(*, user: Any, demand: Demand) -> dict[str, Any]:
    text = f"{demand.title} {demand.description}"
    common = {
        "industry": demand.industry_id or "",
        "prefer_region": demand.division_id,
    }
    groups = {}
    hint = ""
    terms: list[str] = []
    for kind, top in (("achievement", 5), ("expert", 5), ("institution", 3)):
        recommendations, result = search(user=user, text=text, kinds=(kind,), top=top, **common)
        groups[kind] = recommendations
        hint = hint or result.hint
        terms = terms or result.terms
    return {"groups": groups, "hint": hint, "terms": terms}


def similar_demands(*, user: Any, demand: Demand, top: int = 5) -> list[Recommendation]:
    """Demands like this one in the same county (for merging duplicates at triage)."""
    recommendations, _ = search(
        user=user,
        text=f"{demand.title} {demand.description}",
        kinds=("demand",),
        top=top,
        region_prefix=demand.division_id[:6],
        exclude=(documents.doc_id("demand", demand.pk),),
        industry=demand.industry_id or "",
        prefer_region=demand.division_id,
    )
    return recommendations


def demands_for_expert(*, user: Any, expert: Any, top: int = 8) -> list[Recommendation]:
    text = f"{expert.keywords} {' '.join(i.name for i in expert.industries.all())} {expert.bio}"
    recommendations, _ = search(
        user=user,
        text=text,
        kinds=("demand",),
        top=top,
        only_available=True,
        prefer_region=expert.home_city_id,
        prefer_east_west_north=True,
    )
    return recommendations


def prefers_east_west_north(code: str) -> bool:
    return is_east_west_north(code)
