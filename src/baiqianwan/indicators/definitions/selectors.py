"""Reads of definitions: the current version of a system, parsed once per version, and the
periods of a data set (their last day, deadline and lock date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext

from ..engine import DefinitionError, IndicatorSystem, system_from_dict
from .models import LEVEL_ORDER, DataSet, Frequency, SystemVersion

_systems: dict[str, IndicatorSystem] = {}


def system_parse(definition: Mapping[str, Any]) -> IndicatorSystem:
    """A definition as the engine reads it; its problems as a ValidationError."""
    try:
        return system_from_dict(definition)
    except DefinitionError as exc:
        raise ValidationError(exc.errors) from exc


def system_of(version: SystemVersion) -> IndicatorSystem:
    """The engine definition of a stored version (parsed once per process: versions never change)."""
    found = _systems.get(version.content_hash)
    if found is None:
        found = _systems[version.content_hash] = system_parse(version.definition)
    return found


def current_version(code: str) -> SystemVersion:
    version = SystemVersion.objects.filter(code=code, is_current=True).first()
    if version is None:
        raise ValidationError(
            gettext("指标体系“{code}”尚未导入，请运行 bqw indicators load").format(code=code)
        )
    return version


def current_system(code: str) -> tuple[SystemVersion, IndicatorSystem]:
    version = current_version(code)
    return version, system_of(version)


def version_list() -> QuerySet[SystemVersion]:
    return SystemVersion.objects.select_related("loaded_by").order_by("code", "-created_at")


def version_get(pk: int) -> SystemVersion | None:
    return SystemVersion.objects.filter(pk=pk).first()


def dataset_settings_list() -> QuerySet[DataSet]:
    return DataSet.objects.order_by("system_code", "level")


def dataset_by_code(code: str) -> DataSet | None:
    return DataSet.objects.filter(code=code).first()


# ---- periods, deadlines, locks ----------------------------------------------------------------


def period_end(period: str) -> dt.date:
    """Last day of "2025", "2025H1" or "2025Q3"."""
    try:
        year = int(period[:4])
        if len(period) == 4:
            return dt.date(year, 12, 31)
        if period[4] == "H" and period[5:] in ("1", "2"):
            return dt.date(year, 6, 30) if period[5] == "1" else dt.date(year, 12, 31)
        if period[4] == "Q" and period[5:] in ("1", "2", "3", "4"):
            month = int(period[5]) * 3
            return (dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)
    except (ValueError, IndexError):
        pass
    raise ValidationError(
        {"period": gettext("统计期“{period}”格式不对，应为 2025、2025H1 或 2025Q3").format(period=period)}
    )


def check_period(dataset: DataSet, period: str) -> str:
    period_end(period)
    kind = {4: Frequency.YEAR}.get(len(period)) or (Frequency.HALF if "H" in period else Frequency.QUARTER)
    if kind != dataset.frequency:
        raise ValidationError(
            {
                "period": gettext("“{name}”按{frequency}填报，统计期“{period}”不对").format(
                    name=dataset.name, frequency=dataset.get_frequency_display(), period=period
                )
            }
        )
    return period


def deadline(dataset: DataSet, period: str) -> dt.date:
    return period_end(period) + dt.timedelta(days=dataset.due_days)


def lock_date(dataset: DataSet, period: str) -> dt.date:
    """From this day on the period is locked."""
    return deadline(dataset, period) + dt.timedelta(days=dataset.lock_days + 1)


def levels_above(level: str) -> list[str]:
    return LEVEL_ORDER[LEVEL_ORDER.index(level) + 1 :]
