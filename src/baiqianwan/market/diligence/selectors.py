"""Reads of the 尽职免责 cases, each scoped: a unit's accounts read their unit's, the province every
unit's (by unit, with counts by status and outcome); no one else reads any."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from baiqianwan.core.money import CENT, ZERO
from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import normalise_query

from ..models import DiligenceCase, DiligenceOutcome, DiligenceStatus


def diligence_case_list(
    *, user: Any, q: str = "", status: str = "", outcome: str = ""
) -> QuerySet[DiligenceCase]:
    cases = DiligenceCase.objects.for_user(user).select_related("unit", "deal")
    text = normalise_query(q)
    if text:
        cases = cases.filter(
            Q(title__contains=text) | Q(transfer_title__contains=text) | Q(unit__name__contains=text)
        )
    if status:
        cases = cases.filter(status=status)
    if outcome:
        cases = cases.filter(outcome=outcome)
    return cases.order_by("-created_at", "-id")


def diligence_case_get(*, user: Any, case_id: Any) -> DiligenceCase | None:
    if not valid_id(case_id):
        return None
    return (
        DiligenceCase.objects.for_user(user)
        .select_related("unit__division", "deal__buyer", "created_by", "submitted_by", "decided_by")
        .filter(pk=case_id)
        .first()
    )


def diligence_case_events(*, case: DiligenceCase) -> QuerySet[Any]:
    return case.events.select_related("actor")


def diligence_by_unit(*, user: Any) -> dict[str, Any]:
    """The cases the user may read, by unit: how many, at which step, decided which way, the loss."""
    cases = DiligenceCase.objects.for_user(user).order_by()

    def counts() -> dict[str, Any]:
        return {
            "cases": Count("id"),
            "drafts": Count("id", filter=Q(status=DiligenceStatus.DRAFT)),
            "submitted": Count("id", filter=Q(status=DiligenceStatus.SUBMITTED)),
            "exempt": Count("id", filter=Q(outcome=DiligenceOutcome.EXEMPT)),
            "not_exempt": Count("id", filter=Q(outcome=DiligenceOutcome.NOT_EXEMPT)),
            "transfer_value": Sum("transfer_value"),
            "current_value": Sum("current_value"),
        }

    rows = []
    for row in (
        cases.values("unit_id", "unit__name", "unit__kind").annotate(**counts()).order_by("unit__name")
    ):
        transfer, current = row["transfer_value"] or ZERO, row["current_value"] or ZERO
        rows.append(
            {
                "unit_id": row["unit_id"],
                "unit_name": row["unit__name"],
                "unit_kind": row["unit__kind"],
                "cases": row["cases"],
                "drafts": row["drafts"],
                "submitted": row["submitted"],
                "exempt": row["exempt"],
                "not_exempt": row["not_exempt"],
                "loss": (transfer - current).quantize(CENT),
            }
        )
    total = cases.aggregate(**counts())
    return {
        "units": rows,
        "cases": total["cases"],
        "drafts": total["drafts"],
        "submitted": total["submitted"],
        "exempt": total["exempt"],
        "not_exempt": total["not_exempt"],
        "loss": ((total["transfer_value"] or ZERO) - (total["current_value"] or ZERO)).quantize(CENT),
    }
