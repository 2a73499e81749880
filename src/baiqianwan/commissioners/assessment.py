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
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from baiqianwan.accounts.roles import Role
from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.scope import scope_of
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
from baiqianwan.regions.models import Division

from .models import (
    AssessmentRecord,
    AssessmentScheme,
    Assignment,
    AssignmentStatus,
    Grade,
    KeyTask,
    KeyTaskStatus,
    Team,
)

ONE_DECIMAL = Decimal("0.1")
# Served the year: still on duty, or served the full term. People who withdrew, were recalled or
# rescinded are not graded (their record stays in the team history with the reason).
ASSESSED_STATUSES = (AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED)
UNIT, HOST = "unit", "host"
SIDE_LABELS = {UNIT: gettext_lazy("派出单位评分"), HOST: gettext_lazy("服务乡镇评分")}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
RECORD_RELATED = (
    "scheme",
    "assignment__need__town",
    "assignment__nomination__organisation",
    "assignment__nomination__expert__person",
)


def _require_province(user: Any, what: str | Promise | None = None) -> None:
    if not getattr(user, "is_province", False):
        raise PermissionDenied(what or gettext("年度考核方案由省科技厅管理"))


# ---- grades (pure) -----------------------------------------------------------------------------

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class GradeOutcome:
    """Grades by key, and how the 优秀 quota played out."""

    grades: dict[Any, str]
    cap: int  # at most this many 优秀: floor(n × quota / 100)
    reached: int  # totals at or above the excellent mark
    tie_total: Decimal | None = None  # the tied total that straddled the quota, if any
    tie_size: int = 0
    tie_free_places: int = 0  # places left for the tied group, fewer than its size

    def count(self, grade: str) -> int:
        return sum(1 for g in self.grades.values() if g == grade)


def excellent_cap(count: int, quota: int) -> int:
    return count * quota // 100


def weighted_total(*, unit: Decimal, host: Decimal, unit_weight: int, host_weight: int) -> Decimal:
    total = (unit * unit_weight + host * host_weight) / Decimal(100)
    return total.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def grades_compute(
    totals: Mapping[K, Decimal], *, pass_mark: int, excellent_mark: int, quota: int
) -> GradeOutcome:
    """优秀 for the best totals at or above the mark, by total descending, at most the cap.

    People with equal totals are one group: a group that does not fit in the places left gets no
    优秀 at all (nor does anyone below it), so two people with the same score never get different
    grades.
    """
    cap = excellent_cap(len(totals), quota)
    grades: dict[Any, str] = {
        key: Grade.FAIL if total < pass_mark else Grade.PASS for key, total in totals.items()
    }
    candidates = sorted((t, k) for k, t in totals.items() if t >= excellent_mark)
    by_total: dict[Decimal, list[K]] = {}
    for total, key in reversed(candidates):
        by_total.setdefault(total, []).append(key)
    taken = 0
    tie_total: Decimal | None = None
    tie_size = tie_free = 0
    for total in sorted(by_total, reverse=True):
        group = by_total[total]
        if taken + len(group) > cap:
            if taken < cap:
                tie_total, tie_size, tie_free = total, len(group), cap - taken
            break
        for key in group:
            grades[key] = Grade.EXCELLENT
        taken += len(group)
    return GradeOutcome(grades, cap, len(candidates), tie_total, tie_size, tie_free)


# ---- schemes -------------------------------------------------------------------------------------

SCHEME_FIELDS = ("unit_weight", "host_weight", "excellent_quota", "excellent_mark", "pass_mark")


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


def assessable_assignments(year: int) -> QuerySet[Assignment]:
    """Accepted assignments whose service (and their team's term) overlaps the year."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return Assignment.all_objects.filter(
        status__in=ASSESSED_STATUSES,
        need__team__started_on__lte=last,
        need__team__ends_on__gte=first,
    ).filter(
        Q(started_on__isnull=True) | Q(started_on__lte=last),
        Q(ended_on__isnull=True) | Q(ended_on__gte=first),
    )


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


# ---- scoring -----------------------------------------------------------------------------------


def scoring_side(user: Any) -> str | None:
    """Which score a user gives: 单位 users for their own people, towns and counties for their towns."""
    if not getattr(user, "is_active", False):
        return None
    if user.role == Role.ORG and user.organisation_id:
        return UNIT
    if user.role in (Role.TOWN, Role.COUNTY) and user.division_id:
        return HOST
    return None


def can_score(user: Any, record: AssessmentRecord) -> bool:
    side = scoring_side(user)
    assignment = record.assignment
    if side is None or assignment.nomination.expert.user_id == user.pk:
        return False
    if side == UNIT:
        return bool(assignment.nomination.organisation_id == user.organisation_id)
    return scope_of(user).covers(assignment.need.town_id)


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


# ---- the score sheet (Excel out and back in) ----------------------------------------------------


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


def scorable_records(*, user: Any, scheme: AssessmentScheme) -> list[AssessmentRecord]:
    """The records this user gives a score for, in the order of the score sheet."""
    if scoring_side(user) is None:
        return []
    records = (
        AssessmentRecord.objects.for_user(user)
        .filter(scheme=scheme)
        .select_related(*RECORD_RELATED, "assignment__nomination__expert")
        .order_by("assignment__need__town_id", "assignment__nomination__expert__person__name", "pk")
    )
    return [r for r in records if can_score(user, r)]


def score_sheet_rows(*, user: Any, scheme: AssessmentScheme) -> list[tuple[Any, ...]]:
    side = scoring_side(user)
    rows = []
    for r in scorable_records(user=user, scheme=scheme):
        assert side is not None
        score = getattr(r, f"{side}_score")
        rows.append(
            (
                r.pk,
                r.assignment.nomination.expert.person.name,
                r.assignment.nomination.organisation.name,
                r.assignment.need.town.full_name,
                SIDE_LABELS[side],
                float(score) if score is not None else None,
                getattr(r, f"{side}_comment"),
            )
        )
    return rows


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


# ---- finalising ----------------------------------------------------------------------------------


def missing_scores(scheme: AssessmentScheme) -> list[tuple[AssessmentRecord, list[str]]]:
    """Records that cannot be graded yet, and which scores they lack."""
    records = (
        scheme.records.filter(Q(unit_score__isnull=True) | Q(host_score__isnull=True))
        .select_related(*RECORD_RELATED)
        .order_by("assignment__need__town_id", "pk")
    )
    return [
        (
            r,
            [str(label) for side, label in SIDE_LABELS.items() if getattr(r, f"{side}_score") is None],
        )
        for r in records
    ]


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


# ---- reads -------------------------------------------------------------------------------------


def assessment_scheme_list(*, user: Any) -> QuerySet[AssessmentScheme]:
    return AssessmentScheme.objects.for_user(user).order_by("-year")


def assessment_scheme_get(*, user: Any, pk: int) -> AssessmentScheme | None:
    return AssessmentScheme.objects.for_user(user).filter(pk=pk).first()


def assessment_record_list(
    *,
    user: Any,
    scheme: AssessmentScheme | None = None,
    city: str = "",
    organisation_id: int | None = None,
    grade: str = "",
) -> QuerySet[AssessmentRecord]:
    """The records a user may read, best total first, each with its rank in the year."""
    records: QuerySet[AssessmentRecord] = AssessmentRecord.objects.for_user(user)
    records = records.select_related(*RECORD_RELATED)
    if scheme is not None:
        records = records.filter(scheme=scheme)
    if city:
        records = records.filter(assignment__need__town__startswith=city[:4])
    if organisation_id:
        records = records.filter(assignment__nomination__organisation_id=organisation_id)
    if grade:
        records = records.filter(grade=grade)
    # The rank in the whole year's list, whatever the scope and filters show.
    ahead = (
        AssessmentRecord.all_objects.filter(scheme=OuterRef("scheme"), total__gt=OuterRef("total"))
        .order_by()
        .values("scheme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ranked: QuerySet[AssessmentRecord] = records.annotate(
        rank=Case(
            When(total__isnull=True, then=Value(None)),
            default=Coalesce(Subquery(ahead), 0) + 1,
            output_field=IntegerField(),
        )
    )
    return ranked.order_by(
        F("total").desc(nulls_last=True),
        "assignment__need__town_id",
        "assignment__nomination__expert__person__name",
        "pk",
    )


def assessment_record_get(*, user: Any, pk: int) -> AssessmentRecord | None:
    return AssessmentRecord.objects.for_user(user).select_related(*RECORD_RELATED).filter(pk=pk).first()


@dataclass
class SchemeSummary:
    """Scoring progress and grade counts in the user's scope; the quota check over the province."""

    records: int  # in the user's scope
    unit_scored: int
    host_scored: int
    grades: dict[str, int] = field(default_factory=dict)
    everyone: int = 0  # the whole year's list: the quota applies to it
    excellent: int = 0  # 优秀 across the province
    cap: int = 0
    quota_cut: int = 0  # at or above the excellent mark, graded 合格 by the quota
    tie_total: Decimal | None = None
    tie_size: int = 0
    tie_free_places: int = 0


def scheme_summary(scheme: AssessmentScheme, *, user: Any) -> SchemeSummary:
    """Counts only, no names: the province-wide figures show how the quota was applied."""
    mine = list(
        AssessmentRecord.objects.for_user(user)
        .filter(scheme=scheme)
        .values_list("unit_score", "host_score", "grade")
    )
    summary = SchemeSummary(
        records=len(mine),
        unit_scored=sum(1 for r in mine if r[0] is not None),
        host_scored=sum(1 for r in mine if r[1] is not None),
        grades={g.value: sum(1 for r in mine if r[2] == g) for g in Grade},
        everyone=scheme.records.count(),
    )
    if scheme.finalised:
        totals = {pk: total for pk, total in scheme.records.values_list("pk", "total") if total is not None}
        outcome = grades_compute(
            totals,
            pass_mark=scheme.pass_mark,
            excellent_mark=scheme.excellent_mark,
            quota=scheme.excellent_quota,
        )
        summary.excellent = outcome.count(Grade.EXCELLENT)
        summary.cap = outcome.cap
        summary.quota_cut = outcome.reached - summary.excellent
        summary.tie_total = outcome.tie_total
        summary.tie_size = outcome.tie_size
        summary.tie_free_places = outcome.tie_free_places
    return summary


RESULTS_SHEET = SheetSchema(
    title="年度考核结果",
    columns=[
        Column("rank", "名次", width=8),
        Column("name", "科技特派员", width=12),
        Column("organisation", "派出单位", width=24),
        Column("city", "服务地市", width=10),
        Column("town", "服务乡镇", width=30),
        Column("unit_score", "派出单位评分", width=12),
        Column("unit_comment", "派出单位评语", width=30),
        Column("host_score", "服务乡镇评分", width=12),
        Column("host_comment", "服务乡镇评语", width=30),
        Column("total", "综合得分", width=10),
        Column("grade", "等次", width=8),
    ],
)


def results_rows(records: Iterable[AssessmentRecord], cities: Mapping[str, str]) -> list[tuple[Any, ...]]:
    def number(value: Any) -> float | None:
        return float(value) if value is not None else None

    return [
        (
            getattr(r, "rank", None) if r.total is not None else None,
            r.assignment.nomination.expert.person.name,
            r.assignment.nomination.organisation.name,
            cities.get(r.assignment.need.town_id[:4], ""),
            r.assignment.need.town.full_name,
            number(r.unit_score),
            r.unit_comment,
            number(r.host_score),
            r.host_comment,
            number(r.total),
            r.get_grade_display() if r.grade else "",
        )
        for r in records
    ]


def city_names() -> dict[str, str]:
    return {
        code[:4]: name for code, name in Division.objects.filter(level="city").values_list("code", "name")
    }


# ---- 省级重点派驻任务 -------------------------------------------------------------------------------

TASK_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]{2,29}$")
CLOSING = {KeyTaskStatus.ACCEPTED: gettext_lazy("已验收"), KeyTaskStatus.TERMINATED: gettext_lazy("已终止")}


def _shown_status(status: str, ends_on: dt.date, today: dt.date) -> str:
    if status in (KeyTaskStatus.ACTIVE, KeyTaskStatus.OVERDUE):
        return KeyTaskStatus.OVERDUE if ends_on < today else KeyTaskStatus.ACTIVE
    return status


def key_task_status(task: KeyTask, today: dt.date | None = None) -> str:
    """逾期 is read from the dates: an open task past its end date, whatever was stored."""
    return _shown_status(task.status, task.ends_on, today or timezone.localdate())


def key_task_counts(*, user: Any, today: dt.date | None = None) -> dict[str, int]:
    """How many of the user's tasks are in each shown status."""
    today = today or timezone.localdate()
    counts = dict.fromkeys(KeyTaskStatus.values, 0)
    for status, ends_on in key_task_list(user=user, today=today).values_list("status", "ends_on"):
        counts[_shown_status(status, ends_on, today)] += 1
    return counts


def _status_expression(today: dt.date) -> Case:
    return Case(
        When(
            status__in=(KeyTaskStatus.ACTIVE, KeyTaskStatus.OVERDUE),
            ends_on__lt=today,
            then=Value(KeyTaskStatus.OVERDUE.value),
        ),
        When(status=KeyTaskStatus.OVERDUE, then=Value(KeyTaskStatus.ACTIVE.value)),
        default=F("status"),
        output_field=CharField(),
    )


def key_task_list(
    *, user: Any, status: str = "", city: str = "", q: str = "", today: dt.date | None = None
) -> QuerySet[KeyTask]:
    """Tasks in the user's scope, each with ``shown_status`` (逾期 worked out from the dates)."""
    today = today or timezone.localdate()
    ids = KeyTask.objects.for_user(user).values("pk")  # the owner path joins team members
    tasks = (
        KeyTask.all_objects.filter(pk__in=ids)
        .select_related("team__town")
        .annotate(shown_status=_status_expression(today))
    )
    if status:
        tasks = tasks.filter(shown_status=status)
    if city:
        tasks = tasks.filter(team__town__startswith=city[:4])
    if q.strip():
        tasks = tasks.filter(Q(title__icontains=q.strip()) | Q(code__icontains=q.strip()))
    return tasks.order_by("ends_on", "code")


def key_task_get(*, user: Any, pk: int) -> KeyTask | None:
    return key_task_list(user=user).filter(pk=pk).first()


def team_leader_user_id(team: Team) -> int | None:
    return (
        Assignment.all_objects.filter(need_id=team.need_id, leader=True, status=AssignmentStatus.ACCEPTED)
        .values_list("nomination__expert__user_id", flat=True)
        .first()
    )


def can_report_progress(user: Any, task: KeyTask) -> bool:
    """The team's leader, or the county (科技部门) the team's town belongs to."""
    if not getattr(user, "is_active", False):
        return False
    if user.role == Role.COUNTY and user.division_id:
        return scope_of(user).covers(task.team.town_id)
    return bool(user.pk and team_leader_user_id(task.team) == user.pk)


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


KEY_TASK_SHEET = SheetSchema(
    title="省级重点派驻任务",
    columns=[
        Column("code", "任务编号", width=16),
        Column("title", "任务名称", width=36),
        Column("team", "承担团队", width=26),
        Column("town", "服务乡镇", width=30),
        Column("budget", "省财政资助（万元）", width=12),
        Column("starts_on", "开始日期", width=12),
        Column("ends_on", "结束日期", width=12),
        Column("progress", "完成进度（%）", width=10),
        Column("status", "状态", width=10),
        Column("note", "最新进展", width=40),
        Column("goals", "考核指标", width=40),
    ],
)


def key_task_rows(tasks: Sequence[KeyTask]) -> list[tuple[Any, ...]]:
    labels = dict(KeyTaskStatus.choices)
    return [
        (
            t.code,
            t.title,
            t.team.name,
            t.team.town.full_name,
            float(t.budget),
            t.starts_on,
            t.ends_on,
            t.progress,
            labels[getattr(t, "shown_status", None) or key_task_status(t)],
            t.progress_note,
            t.goals,
        )
        for t in tasks
    ]
