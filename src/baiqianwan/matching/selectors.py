"""Recommendations and search: the engine's hits, narrowed to what the user may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from baiqianwan.core.scope import NO_SCOPE
from baiqianwan.demands.models import Demand
from baiqianwan.matching.engine import Hit, Query, SearchResult
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.supply.models import Achievement, ExpertProfile

from . import documents
from .services import index_get

# A scope that reaches nothing of its own: through it a model shows only its published rows.
PUBLISHED = NO_SCOPE


@dataclass(frozen=True)
class Recommendation:
    hit: Hit
    record: Any
    kind: str
    openable: bool = True  # the viewer may open the record's own page

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


def _offered(user: Any, hits: list[Hit]) -> list[Recommendation]:
    """What may be recommended for any demand, whoever looks at it: published achievements and
    expert profiles, and research and extension institutions (public bodies, named with their kind).

    Candidates do not depend on the viewer, so the village, the county and the expert's unit see
    the same list for the same demand; only the link to a record's page follows the viewer's scope.
    """
    wanted: dict[str, list[int]] = defaultdict(list)
    for hit in hits:
        kind, pk = documents.split_id(hit.id)
        wanted[kind].append(pk)
    records: dict[str, dict[int, Any]] = {}
    openable: set[int] = set()
    if wanted.get("achievement"):
        published = Achievement.objects.for_scope(PUBLISHED).filter(pk__in=wanted["achievement"])
        records["achievement"] = {r.pk: r for r in published.select_related("organisation")}
    if wanted.get("expert"):
        published = ExpertProfile.objects.for_scope(PUBLISHED).filter(pk__in=wanted["expert"])
        records["expert"] = {r.pk: r for r in published.select_related("person", "person__organisation")}
    if wanted.get("institution"):
        institutions = Organisation.all_objects.filter(
            pk__in=wanted["institution"], kind__in=documents.INSTITUTION_KINDS, is_active=True
        )
        records["institution"] = {r.pk: r for r in institutions}
        openable = set(
            Organisation.objects.for_user(user)
            .filter(pk__in=records["institution"])
            .values_list("pk", flat=True)
        )
    offered = []
    for hit in hits:
        kind, pk = documents.split_id(hit.id)
        record = records.get(kind, {}).get(pk)
        if record is not None:
            offered.append(
                Recommendation(
                    hit=hit, record=record, kind=kind, openable=kind != "institution" or pk in openable
                )
            )
    return offered


def demand_recommendations(*, user: Any, demand: Demand) -> dict[str, Any]:
    """Achievements, experts and institutions for a demand the user may see (the caller has fetched
    it through ``demand_get``); the same for every viewer."""
    text = f"{demand.title} {demand.description}"
    groups = {}
    hint = ""
    terms: list[str] = []
    for kind, top in (("achievement", 5), ("expert", 5), ("institution", 3)):
        query = Query(
            text=text,
            kinds=(kind,),
            top=top * 3,
            industry=demand.industry_id or "",
            prefer_region=demand.division_id,
        )
        result = index_get().search(query)
        groups[kind] = _offered(user, result.hits)[:top]
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
