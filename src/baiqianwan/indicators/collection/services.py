"""Writes of indicator collection: submissions up the approval chain, period lock exceptions.

Rules a reviewer can rely on (who may do what is in ``rules``):
- a value is checked against its element's kind (a number field takes numbers only) and the
  system's validation rules before it can be submitted; errors block, warnings become flags;
- a submission moves town → county → city → province along the data set's chain;
- approved data are locked; only the level that gave the final approval (or the province) may
  un-approve, always with a reason, and after the period lock only the province;
- a time-limited exception reopens a locked period for one unit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.concurrency import STALE_MESSAGE, ConflictError, version_check
from baiqianwan.core.notifications import notify
from baiqianwan.regions.models import Division

from ..definitions.models import LEVEL_NAMES, DataSet
from ..definitions.selectors import check_period, current_system, lock_date
from ..engine import Dataset, Hierarchy, IndicatorSystem, parse, references, validate
from .models import EDITABLE, LockException, Submission, SubmissionEvent, SubmissionStatus
from .rules import can_fill, chain_for, final_level, is_locked, reviews

YES = {"是", "有", "yes", "y", "true", "1", "√"}
NO = {"否", "无", "no", "n", "false", "0", "×"}


@transaction.atomic
def lock_exception_grant(
    *, acting_user: Any, dataset: DataSet, period: str, unit: Division, days: int, reason: str
) -> LockException:
    """Reopen a locked period for one unit, for at most 30 days, by a reviewer above it."""
    if not reviews(acting_user, unit, any_level=True):
        raise PermissionDenied(gettext("只有上级审核部门可以为该单位开放已锁定的统计期"))
    if not 1 <= int(days) <= 30:
        raise ValidationError({"days": gettext("开放天数应在 1 到 30 之间")})
    if not reason.strip():
        raise ValidationError({"reason": gettext("请说明开放的原因")})
    return LockException.all_objects.create(
        dataset=dataset,
        period=check_period(dataset, period),
        unit=unit,
        until=timezone.now() + dt.timedelta(days=int(days)),
        reason=reason.strip()[:200],
        granted_by=acting_user,
    )


# ---- values -------------------------------------------------------------------------------------


def _element_map(system: IndicatorSystem) -> dict[str, Any]:
    return {e.code: e for e in system.elements}


def clean_value(element: Any, raw: Any) -> float | str | None:
    """One cell: number, percent (0–100), yes/no or text; raises ValueError with a Chinese reason."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if element.kind == "text":
        return str(raw).strip()[:500]
    if element.kind == "yes_no":
        word = str(raw).strip().lower()
        if isinstance(raw, bool):
            return 1.0 if raw else 0.0
        if word in YES:
            return 1.0
        if word in NO:
            return 0.0
        raise ValueError(gettext("应填“是”或“否”"))
    if isinstance(raw, bool):
        raise ValueError(gettext("应填数字"))
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        text = str(raw).strip().replace(",", "").replace("，", "")
        if element.kind == "percent" and text.endswith("%"):
            text = text[:-1]
        try:
            number = float(text)
        except ValueError:
            raise ValueError(
                gettext("应填数字，不能填“{value}”").format(value=str(raw).strip()[:20])
            ) from None
    if not math.isfinite(number):
        raise ValueError(gettext("应填有限的数字"))
    if element.kind == "percent" and not 0 <= number <= 100:
        raise ValueError(gettext("百分比应在 0 到 100 之间，不能是 {number:g}").format(number=number))
    return number


def clean_values(system: IndicatorSystem, dataset: DataSet, raw: Mapping[str, Any]) -> dict[str, Any]:
    elements = _element_map(system)
    unknown = [code for code in raw if code not in dataset.elements]
    if unknown:
        raise ValidationError(
            {
                "values": gettext("“{name}”没有这些数据元素：{join}").format(
                    name=dataset.name, join="、".join(unknown)
                )
            }
        )
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for code in dataset.elements:
        element = elements[code]
        try:
            cleaned[code] = clean_value(element, raw.get(code))
        except ValueError as exc:
            errors.setdefault(code, []).append(f"{element.name}：{exc}")
    if errors:
        raise ValidationError(errors)
    return cleaned


def history_dataset(
    system: IndicatorSystem, dataset: DataSet, unit: Division, period: str, values: Mapping[str, Any]
) -> Dataset:
    """This unit's approved history plus the values being checked, for the engine's rules."""
    past = {
        s.period: s.values
        for s in Submission.all_objects.filter(
            dataset=dataset, unit=unit, status=SubmissionStatus.APPROVED, period__lt=period
        ).order_by("period")
    }
    periods = [*sorted(past)[-5:], period]
    columns = {**{p: past[p] for p in periods[:-1]}, period: values}
    hierarchy = Hierarchy.from_parent_codes([unit.code], [None], [unit.level], [unit.name])
    kinds = {e.code: e.kind for e in system.elements}
    arrays = {}
    for code in dataset.elements:
        row = []
        for p in periods:
            value = columns[p].get(code)
            if kinds[code] == "text":
                row.append(1.0 if value else math.nan)
            else:
                row.append(math.nan if value is None else float(value))
        arrays[code] = np.array([row], dtype=float)
    return Dataset(hierarchy, periods, arrays)


def check_values(
    system: IndicatorSystem, dataset: DataSet, unit: Division, period: str, values: Mapping[str, Any]
) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the system's rules for this submission, in Chinese."""
    data = history_dataset(system, dataset, unit, period, values)
    rules = [r for r in system.rules if not r.levels or unit.level in r.levels]
    elements = [e for e in system.elements if e.code in dataset.elements]
    applicable = [r for r in rules if all(code in dataset.elements for code in _rule_elements(r))]
    report = validate(applicable, data, elements=elements, periods=[len(data.periods) - 1])
    return [f.message for f in report.errors], [f.message for f in report.warnings]


def _rule_elements(rule: Any) -> list[str]:
    if rule.formula:
        return list(references(parse(rule.formula)))
    return [rule.element] if rule.element else []


# ---- the workflow -------------------------------------------------------------------------------


def _event(
    submission: Submission, by: Any, action: str, before: str, reason: str = "", level: str = ""
) -> None:
    SubmissionEvent.objects.create(
        submission=submission,
        action=action,
        level=level,
        from_status=before,
        to_status=submission.status,
        reason=reason[:300],
        by=by,
    )


def _check_open(submission: Submission, user: Any) -> None:
    if is_locked(submission.dataset, submission.period, submission.unit_id) and not user.is_province:
        locked_on = lock_date(submission.dataset, submission.period)
        raise ValidationError(
            gettext(
                "{period} 的“{name}”已于 {locked_on:%Y年%m月%d日} 锁定；如需修改请向上级申请临时开放"
            ).format(period=submission.period, name=submission.dataset.name, locked_on=locked_on)
        )


@transaction.atomic
def submission_save(
    *,
    acting_user: Any,
    dataset: DataSet,
    period: str,
    unit: Division,
    values: Mapping[str, Any],
    version: int | None = None,
) -> Submission:
    """Store a draft (or correct a returned submission); nothing stored if any value is invalid."""
    if not can_fill(acting_user, dataset, unit):
        raise PermissionDenied(
            gettext("您不能为“{full_name}”填报“{name}”").format(full_name=unit.full_name, name=dataset.name)
        )
    check_period(dataset, period)
    _, system = current_system(dataset.system_code)
    cleaned = clean_values(system, dataset, values)
    submission, created = Submission.all_objects.select_for_update().get_or_create(
        dataset=dataset, period=period, unit=unit, defaults={"values": cleaned, "updated_by": acting_user}
    )
    if not created:
        if submission.status not in EDITABLE:
            raise ValidationError(
                gettext("该报表已是“{status}”状态，不能修改").format(status=submission.get_status_display())
            )
        version_check(
            current=submission.version, expected=version, message=gettext("数据已被他人修改，请刷新后再改")
        )
    _check_open(submission, acting_user)
    before = submission.status
    submission.values = cleaned
    submission.version += 0 if created else 1
    submission.updated_by = acting_user
    submission.save()
    _event(submission, acting_user, "save", before)
    return submission


@transaction.atomic
def submission_submit(
    *, acting_user: Any, submission: Submission, confirm_warnings: bool = False
) -> Submission:
    """Send up for review: errors block; warnings need confirming and are kept as flags."""
    submission = _locked(submission)
    if not can_fill(acting_user, submission.dataset, submission.unit):
        raise PermissionDenied(gettext("您不能报送该单位的报表"))
    if submission.status not in EDITABLE:
        raise ValidationError(
            gettext("该报表已是“{status}”状态").format(status=submission.get_status_display())
        )
    _check_open(submission, acting_user)
    _, system = current_system(submission.dataset.system_code)
    errors, warnings = check_values(
        system, submission.dataset, submission.unit, submission.period, submission.values
    )
    if errors:
        raise ValidationError(errors)
    if warnings and not confirm_warnings:
        raise ValidationError(
            [*warnings, gettext("以上数据与规则或历史数据差异较大，请核实；确认无误请勾选“已核实”后再报送")]
        )
    chain = chain_for(submission.dataset, submission.unit)
    before = submission.status
    submission.flags = warnings
    submission.submitted_at = timezone.now()
    submission.version += 1
    if chain:
        submission.status, submission.stage = SubmissionStatus.SUBMITTED, chain[0]
    else:
        submission.status, submission.stage = SubmissionStatus.APPROVED, ""
        submission.approved_at = submission.submitted_at
    submission.save()
    _event(submission, acting_user, "submit", before, "；".join(warnings))
    return submission


def _locked(submission: Submission) -> Submission:
    return (
        Submission.all_objects.select_for_update(of=("self",))
        .select_related("dataset", "unit__parent")
        .get(pk=submission.pk)
    )


def _seen(submission: Submission, version: int | None) -> None:
    """Refuse a review made from an older version of the submission: someone acted first."""
    if version is None or version == submission.version:
        return
    if submission.status == SubmissionStatus.APPROVED:
        message = gettext("该报表已被他人审核通过（已审定），请刷新后查看")
    elif submission.status == SubmissionStatus.RETURNED:
        message = gettext("该报表已被他人退回，请刷新后查看")
    elif submission.status == SubmissionStatus.SUBMITTED:
        level = LEVEL_NAMES.get(submission.stage, submission.stage)
        message = gettext("该报表已被他人审核，现等待{level}审核，请刷新后查看").format(level=level)
    else:
        message = str(STALE_MESSAGE)
    raise ConflictError(message)


def _reviewer_of(user: Any, submission: Submission) -> None:
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(
            gettext("该报表是“{status}”状态，没有待审核的内容").format(status=submission.get_status_display())
        )
    if not reviews(user, submission.unit, level=submission.stage):
        raise PermissionDenied(
            gettext("该报表正等待{get}审核").format(get=LEVEL_NAMES.get(submission.stage, submission.stage))
        )


@transaction.atomic
def submission_approve(*, acting_user: Any, submission: Submission, version: int | None = None) -> Submission:
    """Approve at the current level; ``version`` is the one the reviewer saw (stale: refused)."""
    submission = _locked(submission)
    _seen(submission, version)
    _reviewer_of(acting_user, submission)
    chain = chain_for(submission.dataset, submission.unit)
    level = submission.stage
    later = chain[chain.index(level) + 1 :] if level in chain else []
    before = submission.status
    if later:
        submission.stage = later[0]
    else:
        submission.status, submission.stage = SubmissionStatus.APPROVED, ""
        submission.approved_at = timezone.now()
    submission.version += 1
    submission.save()
    _event(submission, acting_user, "approve", before, level=level)
    return submission


def _tell_filler(submission: Submission, title: str, body: str) -> None:
    from baiqianwan.accounts.models import User

    notify(
        users=User.objects.filter(is_active=True, division_id=submission.unit_id),
        title=title,
        body=body,
        url=f"/indicators/submissions/{submission.pk}/",
        key=f"indicators:{submission.pk}:{submission.version}:{submission.status}",
    )


@transaction.atomic
def submission_return(
    *, acting_user: Any, submission: Submission, reason: str, version: int | None = None
) -> Submission:
    submission = _locked(submission)
    _seen(submission, version)
    _reviewer_of(acting_user, submission)
    if not reason.strip():
        raise ValidationError({"reason": gettext("退回须说明原因，便于填报单位改正")})
    before, level = submission.status, submission.stage
    submission.status, submission.stage = SubmissionStatus.RETURNED, ""
    submission.version += 1
    submission.save()
    _event(submission, acting_user, "return", before, reason.strip(), level=level)
    _tell_filler(
        submission,
        gettext("{name}（{period}）被退回").format(name=submission.dataset.name, period=submission.period),
        reason.strip(),
    )
    return submission


@transaction.atomic
def submission_unapprove(
    *, acting_user: Any, submission: Submission, reason: str, version: int | None = None
) -> Submission:
    """Reopen approved data for the final reviewer: only that level or the province, with a reason."""
    submission = _locked(submission)
    version_check(current=submission.version, expected=version)
    if submission.status != SubmissionStatus.APPROVED:
        raise ValidationError(gettext("只有已审定的报表可以撤销审定"))
    final = final_level(submission)
    if not reviews(acting_user, submission.unit, level=final):
        raise PermissionDenied(
            gettext("只有作出最终审定的{get}或省科技厅可以撤销审定").format(get=LEVEL_NAMES.get(final, final))
        )
    if not reason.strip():
        raise ValidationError({"reason": gettext("撤销审定须说明原因")})
    if is_locked(submission.dataset, submission.period, submission.unit_id) and not acting_user.is_province:
        raise ValidationError(gettext("统计期已锁定，撤销审定须由省科技厅办理"))
    before = submission.status
    submission.status, submission.stage, submission.approved_at = SubmissionStatus.SUBMITTED, final, None
    submission.version += 1
    submission.save()
    _event(submission, acting_user, "unapprove", before, reason.strip(), level=final)
    _tell_filler(
        submission,
        gettext("{name}（{period}）的审定被撤销").format(
            name=submission.dataset.name, period=submission.period
        ),
        reason.strip(),
    )
    return submission


def _failure(exc: ValidationError | PermissionDenied) -> str:
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc) or gettext("没有权限")


def submission_submit_many(
    *, acting_user: Any, submissions: list[Submission], confirm_warnings: bool = False
) -> tuple[list[Submission], list[tuple[Submission, str]]]:
    """Submit each one on its own (one bad unit does not hold back the others); say why any failed."""
    done: list[Submission] = []
    failed: list[tuple[Submission, str]] = []
    for submission in submissions:
        try:
            done.append(
                submission_submit(
                    acting_user=acting_user, submission=submission, confirm_warnings=confirm_warnings
                )
            )
        except (ValidationError, PermissionDenied) as exc:
            failed.append((submission, _failure(exc)))
    return done, failed


def submission_approve_many(
    *, acting_user: Any, submissions: list[Submission]
) -> tuple[list[Submission], list[tuple[Submission, str]]]:
    """Approve each one through the same checks as a single approval; say why any failed."""
    done: list[Submission] = []
    failed: list[tuple[Submission, str]] = []
    for submission in submissions:
        try:
            done.append(submission_approve(acting_user=acting_user, submission=submission))
        except (ValidationError, PermissionDenied) as exc:
            failed.append((submission, _failure(exc)))
    return done, failed
