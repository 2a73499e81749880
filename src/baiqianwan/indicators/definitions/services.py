"""Writes of definitions: storing an indicator system as a new version, the shipped systems and
their default data sets, and each report's settings (province only)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from ..engine.model import SHIPPED, load_shipped, system_to_json
from .models import DEFAULT_CHAINS, LEVEL_NAMES, MONITORING_SYSTEM, DataSet, Frequency, SystemVersion
from .rules import can_maintain
from .selectors import current_system, levels_above, system_parse


@transaction.atomic
def system_store(
    *, definition: Mapping[str, Any], acting_user: Any = None, note: str = "", make_current: bool = True
) -> SystemVersion:
    """Store a definition as a new version (or find the identical one) and make it current."""
    if acting_user is not None and not can_maintain(acting_user):
        raise PermissionDenied(gettext("指标体系由省科技厅维护"))
    system = system_parse(definition)
    digest = system.content_hash()
    version = SystemVersion.objects.filter(content_hash=digest).first()
    if version is None:
        version = SystemVersion.objects.create(
            code=system.code,
            name=system.name,
            version=system.version,
            content_hash=digest,
            definition=json.loads(system_to_json(system)),
            loaded_by=acting_user,
            note=note[:200],
        )
    if not make_current:
        return version
    SystemVersion.objects.filter(code=system.code, is_current=True).exclude(pk=version.pk).update(
        is_current=False
    )
    if not version.is_current:
        version.is_current = True
        version.save(update_fields=["is_current", "updated_at"])
    return version


def system_load_shipped() -> list[SystemVersion]:
    """The systems shipped in data/indicators, and the default data sets of the county/town one."""
    versions = []
    for name in SHIPPED:
        current = SystemVersion.objects.filter(code=name, is_current=True).first()
        # A version the province imported or adjusted stays current; the shipped file only
        # replaces a shipped one (or fills an empty database).
        replace = current is None or (current.loaded_by_id is None and not current.note)
        definition = json.loads(system_to_json(load_shipped(name)))
        versions.append(system_store(definition=definition, make_current=replace))
    datasets_ensure_defaults()
    return versions


def system_import_file(*, data: bytes, acting_user: Any) -> SystemVersion:
    try:
        definition = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(gettext("不是有效的 JSON 指标体系文件：{exc}").format(exc=exc)) from exc
    return system_store(definition=definition, acting_user=acting_user, note="上传导入")


def datasets_ensure_defaults(system_code: str = MONITORING_SYSTEM) -> list[DataSet]:
    """One yearly data set per level the system collects at, with the usual approval chain."""
    _, system = current_system(system_code)
    created = []
    for level in ("county", "town", "village"):
        codes = [e.code for e in system.elements if level in e.levels]
        if not codes:
            continue
        dataset, _ = DataSet.objects.update_or_create(
            code=f"{system_code}.{level}",
            defaults={
                "name": f"{LEVEL_NAMES[level]}科技创新监测年报",
                "system_code": system_code,
                "level": level,
                "frequency": Frequency.YEAR,
                "elements": codes,
                "approval_chain": DEFAULT_CHAINS[level],
            },
        )
        created.append(dataset)
    return created


@transaction.atomic
def dataset_update(
    *,
    acting_user: Any,
    dataset: DataSet,
    due_days: int,
    lock_days: int,
    approval_chain: list[str],
    active: bool,
) -> DataSet:
    """Deadline, lock and approval levels of a report; a level may be skipped, never reordered."""
    if not can_maintain(acting_user):
        raise PermissionDenied(gettext("报表设置由省科技厅维护"))
    errors: dict[str, str] = {}
    if not 0 <= int(due_days) <= 120:
        errors["due_days"] = gettext("截止应在期末后 0 到 120 天之间")
    if not 0 <= int(lock_days) <= 365:
        errors["lock_days"] = gettext("锁定应在截止后 0 到 365 天之间")
    above = levels_above(dataset.level)
    chain = [level for level in above if level in approval_chain]
    unknown = [level for level in approval_chain if level not in above]
    if unknown:
        errors["approval_chain"] = gettext("审核层级只能是{value}以上的层级").format(
            value=LEVEL_NAMES[dataset.level]
        )
    elif not chain:
        errors["approval_chain"] = gettext("至少需要一级审核")
    if errors:
        raise ValidationError(errors)
    dataset.due_days, dataset.lock_days = int(due_days), int(lock_days)
    dataset.approval_chain, dataset.active = chain, bool(active)
    dataset.save()
    return dataset
