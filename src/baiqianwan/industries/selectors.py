from __future__ import annotations

from django.db.models import QuerySet

from .models import Industry


def industry_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a select: [(category, [(code, name), ...]), ...]."""
    groups: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for industry in Industry.objects.select_related("parent").order_by("position"):
        if industry.parent_id is None:
            names[industry.code] = industry.name
            groups.setdefault(industry.code, [])
        else:
            groups.setdefault(industry.parent_id, []).append((industry.code, industry.name))
    return [(names.get(code, code), items) for code, items in groups.items()]


def industry_top_levels() -> QuerySet[Industry]:
    return Industry.objects.filter(parent__isnull=True).order_by("position")


def industry_suggest(*, text: str, limit: int = 3) -> list[Industry]:
    """Categories whose name or keywords occur in the text, most mentions first."""
    scored: list[tuple[int, int, Industry]] = []
    for industry in Industry.objects.filter(parent__isnull=False).select_related("parent"):
        terms = [industry.name, *industry.keywords]
        hits = sum(text.count(term) for term in terms if term)
        if hits:
            scored.append((hits, -industry.position, industry))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [industry for _, _, industry in scored[:limit]]
