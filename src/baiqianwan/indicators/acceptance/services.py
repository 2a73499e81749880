"""Writes of 创新型专业镇验收: its data set, and the dimension weights as a new system version."""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from ..definitions.models import DataSet, Frequency, SystemVersion
from ..definitions.selectors import current_system, system_of
from ..definitions.services import system_store
from ..engine import IndicatorSystem
from .rules import can_change_weights
from .selectors import DATASET_CODE, SYSTEM_CODE, TOTAL, current_version, dimensions_of

APPROVAL_CHAIN = ["county", "city", "province"]
WEIGHT_TOLERANCE = 1e-6


def acceptance_dataset_ensure() -> DataSet:
    """The yearly town data set of the acceptance system; keeps settings the province changed."""
    _, system = current_system(SYSTEM_CODE)
    elements = [e.code for e in system.elements if "town" in e.levels]
    dataset, created = DataSet.objects.get_or_create(
        code=DATASET_CODE,
        defaults={
            "name": "创新型专业镇验收年报",
            "system_code": SYSTEM_CODE,
            "level": "town",
            "frequency": Frequency.YEAR,
            "elements": elements,
            "approval_chain": APPROVAL_CHAIN,
        },
    )
    if not created and dataset.elements != elements:
        dataset.elements = elements
        dataset.save(update_fields=["elements", "updated_at"])
    return dataset


# ---- weights -----------------------------------------------------------------------------------------


def weights_check(system: IndicatorSystem, weights: Mapping[str, Any]) -> dict[str, float]:
    """The five weights as numbers, or a ValidationError naming each problem in Chinese."""
    errors: dict[str, list[str]] = {}
    out: dict[str, float] = {}
    for dim in dimensions_of(system):
        raw = weights.get(dim.code)
        try:
            value = float(str(raw).strip()) if raw is not None and str(raw).strip() else math.nan
        except ValueError:
            value = math.nan
        if math.isnan(value) or math.isinf(value):
            errors.setdefault(dim.code, []).append(
                gettext("{name}：请填写 0 到 1 之间的数字").format(name=dim.name)
            )
        elif value <= 0:
            errors.setdefault(dim.code, []).append(gettext("{name}：权重须大于 0").format(name=dim.name))
        elif value >= 1:
            errors.setdefault(dim.code, []).append(gettext("{name}：权重须小于 1").format(name=dim.name))
        else:
            out[dim.code] = value
    unknown = sorted(set(weights) - {d.code for d in dimensions_of(system)})
    if unknown:
        errors.setdefault("__all__", []).append(
            gettext("没有这些维度：{join}").format(join="、".join(unknown))
        )
    if not errors:
        total = sum(out.values())
        if abs(total - 1) > WEIGHT_TOLERANCE:
            errors.setdefault("__all__", []).append(
                gettext("五个维度的权重之和须为 1，现在是 {total:.4f}").format(total=total)
            )
    if errors:
        raise ValidationError(errors)
    return out


def _next_label(base: str) -> str:
    count = SystemVersion.objects.filter(code=SYSTEM_CODE).count()
    stem = base.split("-w")[0]
    return f"{stem}-w{count + 1}"[:30]


@transaction.atomic
def weights_update(*, acting_user: Any, weights: Mapping[str, Any], note: str = "") -> SystemVersion:
    """Store the current definition with new dimension weights as a new current version (province)."""
    if not can_change_weights(acting_user):
        raise PermissionDenied(gettext("专业镇验收的维度权重由省科技厅调整"))
    version = current_version()
    system = system_of(version)
    chosen = weights_check(system, weights)
    if all(abs(chosen[d.code] - d.weight) <= WEIGHT_TOLERANCE for d in dimensions_of(system)):
        raise ValidationError(gettext("权重与现行版本相同，未保存新版本"))
    definition = copy.deepcopy(version.definition)
    for index in definition["indices"]:
        if index["code"] == TOTAL:
            for component in index["components"]:
                component["weight"] = round(chosen[component["ref"]], 6)
    definition["version"] = _next_label(str(definition.get("version", "")))
    summary = "、".join(f"{d.name} {chosen[d.code]:g}" for d in dimensions_of(system))
    text = gettext("调整维度权重：{summary}").format(summary=summary) + (
        f"（{note.strip()}）" if note.strip() else ""
    )
    return system_store(definition=definition, acting_user=acting_user, note=text[:200])
