"""A score sheet against the call type's rubric: every criterion scored within its range, a comment
where the score is low, and the weighted total on a 100-point scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from baiqianwan.calls.engine.definition import Criterion


def sheet_total(
    rubric: Sequence[Criterion],
    scores: Mapping[str, Any],
    comments: Mapping[str, str],
    *,
    complete: bool,
) -> tuple[Decimal | None, dict[str, int], dict[str, str]]:
    """(total on 100 points or None while incomplete, the scores as integers, errors by criterion).

    A draft (`complete=False`) may leave criteria empty; a submitted sheet may not, and a score
    under a criterion's `comment_below` needs its comment."""
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    known = {c.code for c in rubric}
    for code in sorted(set(scores) - known):
        errors[code] = f"{code}：不是本评分细则的评分项"
    for criterion in rubric:
        raw = scores.get(criterion.code)
        if raw is None or raw == "":
            if complete:
                errors[criterion.code] = f"{criterion.label}：请打分"
            continue
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            errors[criterion.code] = f"{criterion.label}：须是 0 至 {criterion.maximum} 的整数"
            continue
        text = str(raw).strip()
        if not (text.isdigit() and len(text) <= 4 and int(text) <= criterion.maximum):
            errors[criterion.code] = f"{criterion.label}：须是 0 至 {criterion.maximum} 的整数"
            continue
        value = int(text)
        clean[criterion.code] = value
        below = criterion.comment_below
        if (
            complete
            and below is not None
            and value < below
            and len(str(comments.get(criterion.code, "")).strip()) < 5
        ):
            errors[criterion.code] = f"{criterion.label}：低于 {below} 分须写明理由（至少 5 个字）"
    if errors or len(clean) < len(rubric):
        return None, clean, errors
    total = sum((Decimal(clean[c.code]) / c.maximum * c.weight for c in rubric), Decimal(0))
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), clean, errors
