"""Reads of the division registry. Divisions are public reference data: no scope applies."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from baiqianwan.core.text import normalise_query

from .classification import (
    CITY_REGION,
    LEVEL_LABELS,
    PREFIX_LENGTH,
    PROVINCE_CODE,
    REGION_LABELS,
    Level,
    Region,
)
from .models import Division


def division_get(*, code: str) -> Division | None:
    return Division.objects.select_related("parent").filter(code=code).first()


def division_ancestors(*, division: Division) -> list[Division]:
    """Province first, the unit's parent last (one query)."""
    codes = {
        (division.code[:length]).ljust(12, "0")
        for level, length in PREFIX_LENGTH.items()
        if length < PREFIX_LENGTH[division.level_enum]
    }
    codes.discard(division.code)
    return list(Division.objects.filter(code__in=codes).order_by("code"))


def division_children(*, code: str) -> QuerySet[Division]:
    return Division.objects.filter(parent_id=code).order_by("code")


def division_search(*, query: str, level: str | None = None, within: str | None = None) -> QuerySet[Division]:
    """Units whose name or full name contains the query, typed in simplified or traditional script."""
    text = normalise_query(query).replace(" ", "")
    results = Division.objects.all()
    if text:
        results = (
            results.filter(full_name__contains=text) if len(text) > 3 else results.filter(name__contains=text)
        )
    if level:
        results = results.filter(level=level)
    if within:
        results = results.filter(code__startswith=within)
    return results.order_by("code")


def division_stats() -> dict[str, Any]:
    """Counts by level, by type within level, and by region within level, from the database."""
    by_level: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    by_region: dict[str, Counter[str]] = {}
    rows = Division.objects.values("level", "kind", "region").annotate(n=Count("code"))
    for row in rows:
        level, kind, region, n = row["level"], row["kind"], row["region"], row["n"]
        by_level[level] += n
        by_kind.setdefault(level, Counter())[kind] += n
        if region:
            by_region.setdefault(level, Counter())[REGION_LABELS[Region(region)]] += n
    order = [level.value for level in Level]
    return {
        "by_level": {LEVEL_LABELS[Level(lvl)]: by_level[lvl] for lvl in order if lvl in by_level},
        "by_kind": {
            LEVEL_LABELS[Level(lvl)]: dict(sorted(by_kind[lvl].items())) for lvl in order if lvl in by_kind
        },
        "by_region": {
            LEVEL_LABELS[Level(lvl)]: {label: by_region[lvl][label] for label in REGION_LABELS.values()}
            for lvl in order
            if lvl in by_region
        },
    }


def city_summaries() -> list[dict[str, Any]]:
    """Each city with its region and the number of county, town and village units under it."""
    cities = list(Division.objects.filter(level=Level.CITY).order_by("code"))
    counts = {
        (row["city"], row["level"]): row["n"]
        for row in Division.objects.exclude(level__in=[Level.PROVINCE, Level.CITY])
        .annotate(city=Substr("code", 1, 4))
        .values("city", "level")
        .annotate(n=Count("code"))
        .order_by()
    }
    return [
        {
            "code": city.code,
            "name": city.name,
            "region": city.region,
            "region_label": city.region_label,
            "counties": counts.get((city.code[:4], Level.COUNTY), 0),
            "towns": counts.get((city.code[:4], Level.TOWN), 0),
            "villages": counts.get((city.code[:4], Level.VILLAGE), 0),
        }
        for city in cities
    ]


def province() -> Division | None:
    return Division.objects.filter(code=PROVINCE_CODE).first()


def region_q(field: str, value: str) -> Q:
    """Rows whose division ``field`` lies in a region (prd, east, west, north) or a city (4 digits)."""
    if value in {region.value for region in Region}:
        prefixes = [prefix for prefix, region in CITY_REGION.items() if region == value]
    else:
        prefixes = [value[:4]]
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition
