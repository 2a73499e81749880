"""Reads of 典型案例, 通报表扬 and policy pages: scoped lists for signed-in users, and the published
ones the portal shows. Case search runs the matching engine over the published cases, so 繁体 and
简体 words, synonyms of the agricultural dictionary and the question's framing are handled as they
are for demands."""

from __future__ import annotations

import threading
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import normalise_query
from baiqianwan.matching.engine import Document, MatchIndex, Query
from baiqianwan.orgs.models import Person

from ..models import (
    CasePhoto,
    CaseStatus,
    Commendation,
    CommendationEntry,
    PolicyDocument,
    PolicyKind,
    ShowcaseCase,
)

SEARCH_TOP = 500


def _case_related(cases: QuerySet[ShowcaseCase]) -> QuerySet[ShowcaseCase]:
    return cases.select_related("place", "industry", "demand").prefetch_related(
        Prefetch("photos", queryset=CasePhoto.objects.order_by("position", "id")),
        Prefetch("people", queryset=Person.all_objects.select_related("organisation").order_by("name")),
    )


def _filtered(cases: QuerySet[ShowcaseCase], *, region: str, industry: str) -> QuerySet[ShowcaseCase]:
    if region:
        cases = cases.filter(place_id__startswith=region.rstrip("0")[:6] or region)
    if industry:
        cases = cases.filter(Q(industry_id=industry) | Q(industry__parent_id=industry))
    return cases


# ---- search over published cases --------------------------------------------------------------

_index_lock = threading.Lock()
_index: dict[str, Any] = {"stamp": None, "index": None}


def _stamp() -> tuple[int, Any]:
    published = ShowcaseCase.all_objects.filter(is_published=True)
    summary = published.aggregate(n=Count("id"), last=Max("updated_at"))
    return summary["n"], summary["last"]


def _document(case: ShowcaseCase) -> Document:
    keywords = " ".join(filter(None, [case.industry.name if case.industry else "", case.place.full_name]))
    return Document(
        id=f"case:{case.pk}",
        kind="case",
        title=case.title,
        text=f"{case.summary} {case.body} {case.results}",
        keywords=keywords,
        industry=case.industry_id or "",
        region=case.place_id,
    )


def _published_index() -> MatchIndex:
    """One index of the published cases per process, rebuilt when one is published, changed or
    taken down (a few hundred cases build in milliseconds)."""
    stamp = _stamp()
    with _index_lock:
        if _index["stamp"] != stamp or _index["index"] is None:
            cases = ShowcaseCase.all_objects.filter(is_published=True).select_related("industry", "place")
            _index["index"] = MatchIndex.build(_document(case) for case in cases)
            _index["stamp"] = stamp
        return _index["index"]


def case_ids_matching(q: str) -> list[int]:
    """Published cases for the words, best first."""
    result = _published_index().search(Query(text=q, kinds=("case",), top=SEARCH_TOP))
    return [int(hit.id.split(":", 1)[1]) for hit in result.hits if hit.score > 0]


def _ranked(cases: QuerySet[ShowcaseCase], q: str) -> list[ShowcaseCase] | QuerySet[ShowcaseCase]:
    if not q:
        return cases
    order = case_ids_matching(q)
    found = {case.pk: case for case in cases.filter(pk__in=order)}
    return [found[pk] for pk in order if pk in found]


# ---- signed-in users ---------------------------------------------------------------------------


def case_list(
    *, user: Any, q: str = "", region: str = "", industry: str = "", status: str = ""
) -> list[ShowcaseCase] | QuerySet[ShowcaseCase]:
    """The cases a user may read: their region's in every state (a bureau), and the published ones."""
    cases = _filtered(ShowcaseCase.objects.for_user(user), region=region, industry=industry)
    if status:
        cases = cases.filter(status=status)
    if q:
        text = normalise_query(q)
        matched = cases.filter(
            Q(title__icontains=text) | Q(summary__icontains=text) | Q(body__icontains=text)
        )
        ranked = _ranked(cases.filter(is_published=True), q)
        seen = {case.pk for case in ranked}
        return [*ranked, *(case for case in _case_related(matched) if case.pk not in seen)]
    return _case_related(cases).order_by("-published_at", "-updated_at", "-id")


def case_get(*, user: Any, case_id: Any) -> ShowcaseCase | None:
    if not valid_id(case_id):
        return None
    return _case_related(ShowcaseCase.objects.for_user(user)).filter(pk=case_id).first()


def case_status_counts(*, user: Any) -> dict[str, int]:
    rows = ShowcaseCase.objects.for_user(user).order_by().values_list("status").annotate(n=Count("id"))
    counts = dict.fromkeys(CaseStatus.values, 0)
    counts.update(dict(rows))
    return counts


def commendation_list(*, user: Any, year: int | None = None) -> QuerySet[Commendation]:
    items = Commendation.objects.for_user(user).annotate(entry_count=Count("entries"))
    return items.filter(year=year) if year else items  # type: ignore[return-value]


def commendation_get(*, user: Any, commendation_id: Any) -> Commendation | None:
    if not valid_id(commendation_id):
        return None
    return Commendation.objects.for_user(user).filter(pk=commendation_id).first()


def commendation_entries(commendation: Commendation) -> QuerySet[CommendationEntry]:
    return commendation.entries.select_related("place").order_by("kind", "position", "id")


def policy_list(*, user: Any, kind: str = "", q: str = "") -> QuerySet[PolicyDocument]:
    items = PolicyDocument.objects.for_user(user).select_related("interprets")
    if kind:
        items = items.filter(kind=kind)
    if q:
        text = normalise_query(q)
        items = items.filter(
            Q(title__icontains=text) | Q(body__icontains=text) | Q(document_number__icontains=text)
        )
    return items


def policy_get(*, user: Any, policy_id: Any) -> PolicyDocument | None:
    if not valid_id(policy_id):
        return None
    return PolicyDocument.objects.for_user(user).select_related("interprets").filter(pk=policy_id).first()


def policies_for_interpretation(*, user: Any) -> QuerySet[PolicyDocument]:
    return PolicyDocument.objects.for_user(user).filter(kind=PolicyKind.POLICY)


# ---- the portal: published records only ------------------------------------------------------


def published_cases(
    *, q: str = "", region: str = "", industry: str = ""
) -> list[ShowcaseCase] | QuerySet[ShowcaseCase]:
    cases = _case_related(
        _filtered(ShowcaseCase.all_objects.filter(is_published=True), region=region, industry=industry)
    )
    return _ranked(cases, q) if q else cases.order_by("-published_at", "-id")


def published_case(case_id: Any) -> ShowcaseCase | None:
    if not valid_id(case_id):
        return None
    return _case_related(ShowcaseCase.all_objects.filter(is_published=True)).filter(pk=case_id).first()


def published_photo(case_id: Any, photo_id: Any) -> CasePhoto | None:
    if not (valid_id(case_id) and valid_id(photo_id)):
        return None
    return CasePhoto.objects.filter(pk=photo_id, case_id=case_id, case__is_published=True).first()


def published_case_industries() -> list[tuple[str, str]]:
    """The industries of published cases, for the portal's filter."""
    rows = (
        ShowcaseCase.all_objects.filter(is_published=True, industry__isnull=False)
        .values_list("industry_id", "industry__name")
        .distinct()
        .order_by("industry_id")
    )
    return [(code, name) for code, name in rows]


def published_commendations() -> QuerySet[Commendation]:
    return Commendation.all_objects.filter(is_published=True).annotate(entry_count=Count("entries"))


def published_commendation(commendation_id: Any) -> Commendation | None:
    if not valid_id(commendation_id):
        return None
    return Commendation.all_objects.filter(pk=commendation_id, is_published=True).first()


def published_policies(*, kind: str = "") -> QuerySet[PolicyDocument]:
    items = PolicyDocument.all_objects.filter(is_published=True).select_related("interprets")
    return items.filter(kind=kind) if kind else items


def published_policy(policy_id: Any) -> PolicyDocument | None:
    if not valid_id(policy_id):
        return None
    return (
        PolicyDocument.all_objects.filter(pk=policy_id, is_published=True)
        .select_related("interprets")
        .first()
    )


def published_interpretations(policy: PolicyDocument) -> QuerySet[PolicyDocument]:
    return policy.interpretations.filter(is_published=True)
