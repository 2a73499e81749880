"""Writes of results: publishing a period freezes its scores and ranks under the current definition."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from ..definitions.selectors import current_system
from .models import PublishedResult
from .rules import can_publish
from .selectors import frame_of, results_compute


@transaction.atomic
def result_publish(*, acting_user: Any, system_code: str, period: str, note: str = "") -> PublishedResult:
    """Freeze a period's scores and ranks under the current definition (province only)."""
    if not can_publish(acting_user):
        raise PermissionDenied(gettext("考核结果由省科技厅发布"))
    version, _ = current_system(system_code)
    computation = results_compute(version=version)
    if period not in computation.periods:
        raise ValidationError(
            {"period": gettext("{period} 没有已审定的数据，不能发布").format(period=period)}
        )
    frame = frame_of(computation, period)
    if not frame.scores:
        raise ValidationError(
            {"period": gettext("{period} 的已审定数据不足以计算任何得分").format(period=period)}
        )
    published = PublishedResult(
        system=version,
        period=period,
        scores=frame.scores,
        ranks=frame.ranks,
        published_by=acting_user,
        note=note.strip()[:200],
    )
    published.full_clean()
    published.save()
    return published
