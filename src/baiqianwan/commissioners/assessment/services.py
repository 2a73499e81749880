"""年度考核 and 省级重点派驻任务: the rules as plain functions (writes check rights, reads are scoped).

Yearly assessment, as practised elsewhere in China: the sending unit and the host town each give
a score (50 % each by default); the weighted total decides the grade — 不合格 below the pass mark,
优秀 at or above the excellent mark but for at most ``quota`` % of the people assessed, everything
else 合格. Who is assessed: every assignment that was accepted (still serving, or served its
term) and whose service overlaps the year. The list is built when the scheme is created and
brought up to date whenever the rules are saved, on request, and again just before finalising, so
someone who joined late cannot be left out of the results.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.spreadsheets import (
    CellError,
    Column,
    ImportRejectedError,
    SheetSchema,
    SpreadsheetError,
    int_cell,
    parse_sheet,
    text_cell,
)

from ..rounds.models import Team
from .models import AssessmentRecord, AssessmentScheme, Grade, KeyTask, KeyTaskStatus
from .rules import SIDE_LABELS, can_manage_assessment, can_report_progress, can_score, scoring_side
from .selectors import (
    ONE_DECIMAL,
    RECORD_RELATED,
    GradeOutcome,
    assessable_assignments,
    grades_compute,
    missing_scores,
    scorable_records,
    weighted_total,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


SCHEME_FIELDS = ("unit_weight", "host_weight", "excellent_quota", "excellent_mark", "pass_mark")


def _require_province(user: Any, what: str | Promise | None = None) -> None:
    if not can_manage_assessment(user):
        raise PermissionDenied(what or gettext("年度考核方案由省科技厅管理"))


def whole_number(value: Any) -> int | None:
    """An integer typed as such or as digits; anything else (1.5, "五十", True) is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _scheme_errors(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    numbers: dict[str, int] = {}
    labels = {
        f: str(getattr(AssessmentScheme._meta.get_field(f), "verbose_name", f))
        for f in ("year", *SCHEME_FIELDS)
    }
    for name, value in values.items():
        number = whole_number(value)
        if number is None:
            errors[name] = gettext("{value}应为整数").format(value=labels[name])
        else:
            numbers[name] = number
    year = numbers.get("year")
    if year is not None and not 2023 <= year <= 2100:
        errors["year"] = gettext("考核年度应在 2023 年至 2100 年之间")
    for name in SCHEME_FIELDS:
        if name in numbers and not 0 <= numbers[name] <= 100:
            errors[name] = gettext("{value}应在 0 到 100 之间").format(value=labels[name])
    if not errors:
        if numbers["unit_weight"] + numbers["host_weight"] != 100:
            errors["host_weight"] = gettext("两方评分权重之和应为 100%（现为 {value}%）").format(
                value=numbers["unit_weight"] + numbers["host_weight"]
            )
        if numbers["pass_mark"] >= numbers["excellent_mark"]:
            errors["pass_mark"] = gettext("合格最低分应低于优秀最低分")
    return errors


@transaction.atomic
def assessment_scheme_create(
    *,
    acting_user: Any,
    year: int,
    unit_weight: int = 50,
    host_weight: int = 50,
    excellent_quota: int = 30,
    excellent_mark: int = 90,
    pass_mark: int = 60,
) -> AssessmentScheme:
    _require_province(acting_user)
    values = {
        "year": year,
        "unit_weight": unit_weight,
        "host_weight": host_weight,
        "excellent_quota": excellent_quota,
        "excellent_mark": excellent_mark,
        "pass_mark": pass_mark,
    }
    errors = _scheme_errors(values)
    if errors:
        raise ValidationError(errors)
    if AssessmentScheme.all_objects.filter(year=int(year)).exists():
        raise ValidationError({"year": gettext("{year} 年度的考核方案已存在").format(year=year)})
    scheme = AssessmentScheme(**{k: int(v) for k, v in values.items()})
    scheme.full_clean()
    scheme.save()
    _roster_sync(scheme)
    return scheme


def _locked_scheme(scheme: AssessmentScheme) -> AssessmentScheme:
    return AssessmentScheme.all_objects.select_for_update().get(pk=scheme.pk)


def _open(scheme: AssessmentScheme) -> None:
    if scheme.finalised:
        raise ValidationError(gettext("{year} 年度考核已定档，评分和规则已锁定").format(year=scheme.year))


@transaction.atomic
def assessment_scheme_update(
    *, acting_user: Any, scheme: AssessmentScheme, **values: Any
) -> AssessmentScheme:
    """Change weights, quota or marks; the year stays (the list of people depends on it)."""
    _require_province(acting_user)
    scheme = _locked_scheme(scheme)
    _open(scheme)
    unknown = set(values) - set(SCHEME_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), gettext("不能修改")))
    merged = {name: values.get(name, getattr(scheme, name)) for name in SCHEME_FIELDS}
    errors = _scheme_errors(merged)
    if errors:
        raise ValidationError(errors)
    for name, value in merged.items():
        setattr(scheme, name, int(value))
    scheme.full_clean()
    scheme.save()
    _roster_sync(scheme)
    return scheme


def _roster_sync(scheme: AssessmentScheme) -> tuple[int, int]:
    """Records for exactly the assessable assignments: add newcomers, drop those who left."""
    wanted = set(assessable_assignments(scheme.year).values_list("pk", flat=True))
    have = set(scheme.records.values_list("assignment_id", flat=True))
    AssessmentRecord.all_objects.bulk_create(
        [AssessmentRecord(scheme=scheme, assignment_id=pk) for pk in sorted(wanted - have)]
    )
    removed, _ = scheme.records.filter(assignment_id__in=have - wanted).delete()
    return len(wanted - have), removed


@transaction.atomic
def assessment_records_sync(*, acting_user: Any, scheme: AssessmentScheme) -> tuple[int, int]:
    """Bring the list up to date (people accepted or gone since the scheme was created)."""
    _require_province(acting_user)
    scheme = _locked_scheme(scheme)
    _open(scheme)
    return _roster_sync(scheme)


def score_parse(value: Any, *, label: str | Promise | None = None) -> Decimal:
    """0 to 100 with at most one decimal."""
    label = label or gettext("评分")
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
        raise ValidationError(gettext("{label}必填").format(label=label))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(
            gettext("{label}应为数字，实际为“{value}”").format(label=label, value=str(value)[:20])
        ) from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise ValidationError(gettext("{label}应在 0 到 100 之间").format(label=label))
    if number != number.quantize(ONE_DECIMAL):
        raise ValidationError(gettext("{label}最多保留一位小数").format(label=label))
    return number.quantize(ONE_DECIMAL)


def _comment(text: Any) -> str:
    comment = str(text or "").strip()
    if len(comment) > 300:
        raise ValidationError(
            {"comment": gettext("评语最多 300 字（现为 {len} 字）").format(len=len(comment))}
        )
    return comment


def _apply_score(record: AssessmentRecord, side: str, score: Decimal, comment: str) -> None:
    setattr(record, f"{side}_score", score)
    setattr(record, f"{side}_comment", comment)


@transaction.atomic
def assessment_score(
    *, acting_user: Any, record: AssessmentRecord, score: Any, comment: str = ""
) -> AssessmentRecord:
    """The acting user's side of the score: the sending unit's or the host town's."""
    record = (
        AssessmentRecord.all_objects.select_for_update(of=("self",))  # not the scheme: scorers work at once
        .select_related(*RECORD_RELATED, "assignment__nomination__expert")
        .get(pk=record.pk)
    )
    side = scoring_side(acting_user)
    if record.assignment.nomination.expert.user_id == acting_user.pk:
        raise PermissionDenied(gettext("不能为本人评分"))
    if side is None or not can_score(acting_user, record):
        raise PermissionDenied(
            gettext("只有派出单位和服务乡镇（或其所在县）可以为该科技特派员评分")
            if side is None
            else gettext("只能为本单位派出或在本辖区服务的科技特派员评分")
        )
    _open(record.scheme)
    try:
        value = score_parse(score)
    except ValidationError as exc:
        raise ValidationError({"score": exc.messages}) from None
    _apply_score(record, side, value, _comment(comment))
    record.full_clean()
    record.save()
    return record


def _score_cell(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    return score_parse(value)


SCORE_SHEET = SheetSchema(
    title="考核评分表",
    columns=[
        Column("record", "记录编号", int_cell, required=True, help="请勿修改", width=10),
        Column("name", "科技特派员", text_cell, width=12),
        Column("organisation", "派出单位", text_cell, width=24),
        Column("town", "服务乡镇", text_cell, width=30),
        Column("side", "评分方", text_cell, width=14),
        Column("score", "评分", _score_cell, help="0 到 100，最多一位小数；留空表示暂不评分", width=10),
        Column("comment", "评语", text_cell, help="最多 300 字", width=40),
    ],
    notes=(
        "只填“评分”和“评语”两列，其他列请勿修改。",
        "整个文件只要有一格错误，就不会保存任何评分；请按提示改正后重新上传。",
    ),
)


@transaction.atomic
def score_sheet_import(*, acting_user: Any, scheme: AssessmentScheme, data: bytes) -> int:
    """Store every score in the sheet, or none: any bad cell rejects the file, naming the cell."""
    scheme = _locked_scheme(scheme)
    _open(scheme)
    side = scoring_side(acting_user)
    if side is None:
        raise PermissionDenied(gettext("只有派出单位和服务乡镇（或其所在县）可以上传评分"))
    parsed = parse_sheet(data, SCORE_SHEET, max_bytes=MAX_UPLOAD_BYTES)
    mine = {r.pk: r for r in scorable_records(user=acting_user, scheme=scheme)}
    errors: list[CellError] = list(parsed.errors)
    seen: set[int] = set()
    changes: list[tuple[AssessmentRecord, Decimal, str]] = []
    for row in parsed.rows:
        bad = row["_bad"]
        target = mine.get(row.get("record") or 0)
        if "record" not in bad:
            if target is None:
                errors.append(
                    parsed.cell_error(row, "record", gettext("不是您可以评分的考核记录"), SCORE_SHEET)
                )
                continue
            if target.pk in seen:
                errors.append(parsed.cell_error(row, "record", gettext("与前面的行重复"), SCORE_SHEET))
                continue
            seen.add(target.pk)
        comment = row.get("comment") or ""
        if "comment" not in bad and len(comment) > 300:
            errors.append(
                parsed.cell_error(
                    row,
                    "comment",
                    gettext("最多 300 字（现为 {len} 字）").format(len=len(comment)),
                    SCORE_SHEET,
                )
            )
            continue
        if bad or target is None or row.get("score") is None:
            continue  # the error is already listed, or the row is left for later
        changes.append((target, row["score"], comment))
    if errors:
        raise ImportRejectedError(sorted(errors, key=lambda e: (e.row, e.column)))
    if not changes:
        raise SpreadsheetError(gettext("表中没有填写任何评分"))
    locked = {
        r.pk: r
        for r in AssessmentRecord.all_objects.select_for_update().filter(pk__in=[r.pk for r, _, _ in changes])
    }
    for record, score, comment in changes:
        fresh = locked[record.pk]
        _apply_score(fresh, side, score, comment)
        fresh.save(update_fields=[f"{side}_score", f"{side}_comment", "updated_at"])
    audit_event_record(
        kind=AuditEvent.Kind.IMPORT,
        user=acting_user,
        detail=f"导入{scheme.year}年度考核{SIDE_LABELS[side]} {len(changes)} 条",
    )
    return len(changes)


def _who(record: AssessmentRecord) -> str:
    return f"{record.assignment.nomination.expert.person.name}（{record.assignment.need.town.name}）"


@transaction.atomic
def assessment_finalise(*, acting_user: Any, scheme: AssessmentScheme) -> GradeOutcome:
    """Compute totals and grades and lock the scores; refused while anyone lacks a score."""
    _require_province(acting_user, gettext("只有省科技厅可以定档"))
    scheme = _locked_scheme(scheme)
    _open(scheme)
    _roster_sync(scheme)
    missing = missing_scores(scheme)
    if missing:
        listed = "；".join(
            gettext("{who}缺{join}").format(who=_who(r), join="、".join(lacks)) for r, lacks in missing[:20]
        )
        more = (
            gettext("等 {len} 人").format(len=len(missing))
            if len(missing) > 20
            else gettext("共 {len} 人").format(len=len(missing))
        )
        raise ValidationError(
            gettext("以下科技特派员评分未齐，不能定档（{more}）：{listed}").format(more=more, listed=listed)
        )
    records = list(scheme.records.select_for_update())
    if not records:
        raise ValidationError(gettext("{year} 年度没有需要考核的科技特派员").format(year=scheme.year))
    totals = {
        r.pk: weighted_total(
            unit=Decimal(r.unit_score),  # type: ignore[arg-type]
            host=Decimal(r.host_score),  # type: ignore[arg-type]
            unit_weight=scheme.unit_weight,
            host_weight=scheme.host_weight,
        )
        for r in records
    }
    outcome = grades_compute(
        totals,
        pass_mark=scheme.pass_mark,
        excellent_mark=scheme.excellent_mark,
        quota=scheme.excellent_quota,
    )
    for r in records:
        r.total, r.grade = totals[r.pk], outcome.grades[r.pk]
    AssessmentRecord.all_objects.bulk_update(records, ["total", "grade"])
    scheme.finalised = True
    scheme.save(update_fields=["finalised", "updated_at"])
    audit_event_record(
        kind=AuditEvent.Kind.PERMISSION,
        user=acting_user,
        detail=f"{scheme.year}年度考核定档，评分锁定：优秀 {outcome.count(Grade.EXCELLENT)} 人、"
        f"合格 {outcome.count(Grade.PASS)} 人、不合格 {outcome.count(Grade.FAIL)} 人",
        scheme=scheme.pk,
        action="finalise",
    )
    return outcome


@transaction.atomic
def assessment_unfinalise(*, acting_user: Any, scheme: AssessmentScheme, reason: str) -> AssessmentScheme:
    """Reopen scoring (grades are cleared and computed again at the next finalising)."""
    _require_province(acting_user, gettext("只有省科技厅可以撤销定档"))
    scheme = _locked_scheme(scheme)
    if not scheme.finalised:
        raise ValidationError(gettext("{year} 年度考核尚未定档").format(year=scheme.year))
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("撤销定档请说明原因")})
    scheme.records.update(total=None, grade="")
    scheme.finalised = False
    scheme.save(update_fields=["finalised", "updated_at"])
    audit_event_record(
        kind=AuditEvent.Kind.PERMISSION,
        user=acting_user,
        detail=f"撤销{scheme.year}年度考核定档，重新开放评分。原因：{reason[:200]}",
        scheme=scheme.pk,
        action="unfinalise",
        reason=reason[:200],
    )
    return scheme


TASK_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]{2,29}$")


CLOSING = {KeyTaskStatus.ACCEPTED: gettext_lazy("已验收"), KeyTaskStatus.TERMINATED: gettext_lazy("已终止")}


def _decimal(value: Any, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        raise ValidationError(gettext("{label}应为数字").format(label=label)) from None
    if not number.is_finite():
        raise ValidationError(gettext("{label}应为数字").format(label=label))
    return number


@transaction.atomic
def key_task_create(
    *,
    acting_user: Any,
    team: Team,
    code: str,
    title: str,
    goals: str,
    budget: Any,
    starts_on: dt.date,
    ends_on: dt.date,
) -> KeyTask:
    _require_province(acting_user, gettext("省级重点派驻任务由省科技厅下达"))
    errors: dict[str, str] = {}
    code = str(code or "").strip().upper()
    if not TASK_CODE.match(code):
        errors["code"] = gettext("任务编号应为 3 到 30 位字母、数字或连字符，如 ZDPZ-2025-001")
    elif KeyTask.all_objects.filter(code=code).exists():
        errors["code"] = gettext("任务编号 {code} 已被使用").format(code=code)
    title = str(title or "").strip()
    if len(title) < 4:
        errors["title"] = gettext("请填写任务名称（至少 4 个字）")
    elif len(title) > 120:
        errors["title"] = gettext("任务名称最多 120 字")
    goal_lines = [line.strip() for line in str(goals or "").splitlines() if line.strip()]
    if not goal_lines:
        errors["goals"] = gettext("请至少填写一项考核指标（每行一项）")
    try:
        amount = _decimal(budget, gettext("省财政资助"))
    except ValidationError as exc:
        errors["budget"] = exc.messages[0]
    else:
        if amount <= 0:
            errors["budget"] = gettext("省财政资助应大于 0 万元")
        elif amount >= Decimal("1000000"):
            errors["budget"] = gettext("省财政资助应小于 100 万万元，请以万元为单位填写")
        elif amount != amount.quantize(Decimal("0.01")):
            errors["budget"] = gettext("省财政资助最多保留两位小数（万元）")
    if not starts_on or not ends_on:
        errors["starts_on" if not starts_on else "ends_on"] = gettext("请填写开始日期和结束日期")
    elif ends_on <= starts_on:
        errors["ends_on"] = gettext("结束日期应晚于开始日期")
    elif starts_on < team.started_on:
        errors["starts_on"] = gettext("开始日期不能早于团队服务开始（{started_on:%Y-%m-%d}）").format(
            started_on=team.started_on
        )
    elif ends_on > team.ends_on:
        errors["ends_on"] = gettext("结束日期不能晚于团队服务期满（{ends_on:%Y-%m-%d}）").format(
            ends_on=team.ends_on
        )
    if errors:
        raise ValidationError(errors)
    task = KeyTask(
        team=team,
        code=code,
        title=title,
        goals="\n".join(goal_lines),
        budget=amount.quantize(Decimal("0.01")),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    task.full_clean()
    task.save()
    return task


def _locked_task(task: KeyTask) -> KeyTask:
    return KeyTask.all_objects.select_for_update(of=("self",)).select_related("team").get(pk=task.pk)


@transaction.atomic
def key_task_progress(*, acting_user: Any, task: KeyTask, progress: Any, note: str) -> KeyTask:
    task = _locked_task(task)
    if not can_report_progress(acting_user, task):
        raise PermissionDenied(gettext("只有团队负责人或所在县科技部门可以填报进展"))
    if task.status in CLOSING:
        raise ValidationError(
            gettext("任务{value}，不能再填报进展").format(value=CLOSING[KeyTaskStatus(task.status)])
        )
    errors: dict[str, str] = {}
    percent = whole_number(progress)
    if percent is None:
        errors["progress"] = gettext("完成进度应为 0 到 100 的整数")
    elif not 0 <= percent <= 100:
        errors["progress"] = gettext("完成进度应在 0 到 100 之间")
    note = str(note or "").strip()
    if not note:
        errors["note"] = gettext("请填写最新进展")
    elif len(note) > 2000:
        errors["note"] = gettext("最新进展最多 2000 字")
    if errors:
        raise ValidationError(errors)
    assert percent is not None
    task.progress, task.progress_note = percent, note
    task.full_clean()
    task.save(update_fields=["progress", "progress_note", "updated_at"])
    return task


@transaction.atomic
def key_task_close(*, acting_user: Any, task: KeyTask, status: str, reason: str = "") -> KeyTask:
    """已验收 (the work is done) or 已终止 (stopped, with a reason kept in the latest progress)."""
    _require_province(acting_user, gettext("只有省科技厅可以验收或终止任务"))
    task = _locked_task(task)
    if status not in CLOSING:
        raise ValidationError({"status": gettext("只能标记为已验收或已终止")})
    if task.status in CLOSING:
        raise ValidationError(gettext("任务已是“{status}”状态").format(status=task.get_status_display()))
    reason = str(reason or "").strip()
    if status == KeyTaskStatus.ACCEPTED and task.progress < 100:
        raise ValidationError(
            gettext("任务完成进度为 {progress}%，达到 100% 后才能验收").format(progress=task.progress)
        )
    if status == KeyTaskStatus.TERMINATED:
        if not reason:
            raise ValidationError({"reason": gettext("终止任务请说明原因")})
        task.progress_note = gettext("终止原因：{value}").format(value=reason[:300]) + (
            f"\n{task.progress_note}" if task.progress_note else ""
        )
    task.status = status
    task.save(update_fields=["status", "progress_note", "updated_at"])
    return task
