"""Excel for indicator collection: the template of one data set and period, and its upload.

The template has one row per unit at the data set's level in the user's scope (code, name, then a
column per data element headed “名称（单位）”), drop-downs for 是/否, a 0–100 check on
percentages, headers and unit columns protected, a sheet explaining every column, and a hidden
sheet naming the data set, period and definition (content hash) it was made for, so a file made
for another report or year is refused with a plain message instead of being read into the
wrong one.

An upload is checked whole before anything is stored: every cell through the same
``services.clean_value`` as the entry form, and every row for its unit (unknown, outside the
uploader's scope, wrong level, repeated, already submitted or locked). Any error stores nothing;
every error names the sheet, row and cell. A valid file stores drafts (new ones, and changes to
drafts or returned submissions) in bulk; the user then submits from the pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl.utils import get_column_letter

from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.jobs import JobFailedError, Progress, job_create, job_run, job_start
from baiqianwan.core.models import AuditEvent, Job
from baiqianwan.core.spreadsheets import (
    CellError,
    Column,
    ImportRejectedError,
    Row,
    Sheet,
    SpreadsheetError,
    Validation,
    header_lookup,
    open_workbook,
    read_meta,
    sheet_rows,
    text_cell,
    text_problem,
    write_sheets,
)
from baiqianwan.regions.models import Division

from ..definitions.models import LEVEL_NAMES, DataSet
from ..definitions.selectors import check_period, current_system, lock_date
from ..engine import LABELS, DataElement
from . import selectors, services
from .models import EDITABLE, LockException, Submission, SubmissionEvent, SubmissionStatus
from .rules import can_upload

FORMAT = "baiqianwan.indicator-template/1"
DATA_SHEET = "填报数据"
NOTES_SHEET = "填写说明"
META_SHEET = "模板信息"
CODE_HEADER = "单位代码"
NAME_HEADER = "单位名称"
MAX_ROWS = 100_000
BATCH = 500


@dataclass(frozen=True)
class TemplateMeta:
    """What the hidden sheet records about the template."""

    dataset_code: str
    dataset_name: str
    period: str
    system_code: str
    system_version: str
    content_hash: str
    elements: tuple[str, ...]

    def rows(self) -> list[list[str]]:
        return [
            ["格式", FORMAT],
            ["报表编码", self.dataset_code],
            ["报表名称", self.dataset_name],
            ["统计期", self.period],
            ["指标体系", self.system_code],
            ["体系版本", self.system_version],
            ["内容摘要", self.content_hash],
            ["数据元素", ",".join(self.elements)],
        ]


@dataclass(frozen=True)
class TemplateRow:
    code: str
    name: str
    values: dict[str, Any] | None = None  # current values, shown for checking and correcting
    editable: bool = True  # False: already submitted or approved, shown greyed and locked


def current_meta(dataset: DataSet, period: str) -> TemplateMeta:
    version, _ = current_system(dataset.system_code)
    return TemplateMeta(
        dataset_code=dataset.code,
        dataset_name=dataset.name,
        period=period,
        system_code=dataset.system_code,
        system_version=version.version,
        content_hash=version.content_hash,
        elements=tuple(dataset.elements),
    )


# ---- writing the template --------------------------------------------------------------------


def template_build(*, user: Any, dataset: DataSet, period: str) -> tuple[bytes, int]:
    """The template for the user's units, with the values already entered; (file, unit count)."""
    if not can_upload(user, dataset):
        raise PermissionDenied(f"您不填报“{dataset.name}”")
    check_period(dataset, period)
    existing = {
        s["unit_id"]: s
        for s in Submission.objects.for_user(user)
        .filter(dataset=dataset, period=period)
        .values("unit_id", "status", "values")
    }
    rows = []
    for code, name in selectors.units_in_scope(user=user, dataset=dataset).values_list("code", "full_name"):
        found = existing.get(code)
        rows.append(
            TemplateRow(
                code=code,
                name=name,
                values=found["values"] if found else None,
                editable=found is None or found["status"] in EDITABLE,
            )
        )
    data = template_write(
        meta=current_meta(dataset, period),
        elements=selectors.dataset_elements(dataset),
        rows=rows,
        notes=_notes(dataset, period),
    )
    return data, len(rows)


def _notes(dataset: DataSet, period: str) -> list[list[str]]:
    state = selectors.period_state(dataset, period)
    chain = "、".join(str(LEVEL_NAMES.get(level, level)) for level in dataset.approval_chain)
    return [
        ["报表", f"{dataset.name}（{dataset.code}）"],
        ["统计期", state.label],
        ["填报截止", f"{state.deadline:%Y-%m-%d}"],
        ["锁定日期", f"{state.lock_date:%Y-%m-%d}（此后修改须上级临时开放）"],
        ["审核", f"报送后依次由{chain}审核" if chain else "报送即审定"],
    ]


GENERAL_NOTES = (
    "只填写白色单元格。灰色的行已报送或已审定，不能通过导入修改；如需修改请联系上级退回。",
    "某一格不填表示该项暂无数据，不要填“N/A”“无”“/”等文字。整行都不填的单位不导入。",
    "百分比填 0 到 100 之间的数字，如 35 表示 35%；不要把单元格设成百分比格式。",
    "是否类的项目从下拉列表中选择“是”或“否”。",
    "不要修改表头、单位代码和工作表名称。本模板只用于上述报表和统计期，换统计期请重新下载。",
    "任何一格有错，整个文件都不会导入，系统会列出出错的工作表、行和列，改正后重新上传即可。",
    "导入后为草稿，请在“指标填报”页面核对后报送（可一次“全部报送”）。",
)


def template_write(
    *,
    meta: TemplateMeta,
    elements: Sequence[DataElement],
    rows: Iterable[TemplateRow],
    notes: Sequence[Sequence[str]] = (),
) -> bytes:
    """The data sheet (a row per unit, a column per element), the notes sheet and the hidden meta sheet."""
    columns = [
        Column("code", CODE_HEADER, width=15),
        Column("name", NAME_HEADER, width=34),
        *(
            Column(
                e.code,
                selectors.element_header(e),
                width=min(max(len(selectors.element_header(e)) * 1.6, 10), 26),
                validation=_validation(e),
                text=e.kind == "text",
            )
            for e in elements
        ),
    ]
    data = [
        Row(
            [row.code, row.name, *(_shown(e.kind, (row.values or {}).get(e.code)) for e in elements)],
            editable=row.editable,
        )
        for row in rows
    ]
    sheet = Sheet(DATA_SHEET, columns, data, fixed=2, protect=True, header_height=48)
    return write_sheets([sheet, _notes_sheet(meta, elements, notes)], meta=meta.rows(), meta_sheet=META_SHEET)


def _validation(element: DataElement) -> Validation:
    name = element.name
    if element.kind == "yes_no":
        return Validation.choose(
            ("是", "否"), title="只能选“是”或“否”", message=f"{name}：请从下拉列表中选择“是”或“否”"
        )
    if element.kind == "percent":
        return Validation(
            "decimal",
            "百分比应在 0 到 100 之间",
            f"{name}：请填 0 到 100 之间的数字，如 35 表示 35%",
            "0",
            "100",
            operator="between",
        )
    if element.kind == "number":
        return Validation(
            "decimal",
            "应填数字",
            f"{name}：请填数字；暂无数据请留空",
            "-1000000000000",
            "1000000000000",
            operator="between",
        )
    return Validation("textLength", "文字过长", f"{name}：不超过 500 字", "500", operator="lessThanOrEqual")


def _shown(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "yes_no":
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _notes_sheet(
    meta: TemplateMeta, elements: Sequence[DataElement], notes: Sequence[Sequence[str]]
) -> Sheet:
    columns = [
        Column("column", "列", width=10),
        Column("header", "表头", width=34),
        Column("kind", "类型", width=10),
        Column("requirement", "填写要求", width=30),
        Column("description", "说明", width=60),
    ]
    rows: list[Sequence[Any]] = [
        ["A", CODE_HEADER, "文本", "12 位统计用区划代码", "不要修改；导入按此代码对应单位"],
        ["B", NAME_HEADER, "文本", "仅供核对", "导入时不读取"],
    ]
    rows += [
        [
            get_column_letter(index),
            selectors.element_header(element),
            LABELS.get(element.kind, str(element.kind)),
            selectors.KIND_HINTS.get(element.kind, ""),
            element.description,
        ]
        for index, element in enumerate(elements, start=3)
    ]
    after = [[], ["注意事项"], *([f"{number}.", line] for number, line in enumerate(GENERAL_NOTES, start=1))]
    return Sheet(
        NOTES_SHEET,
        columns,
        rows,
        title=f"{meta.dataset_name} · {selectors.period_label(meta.period)} · 填写说明",
        intro=notes,
        after=after,
    )


# ---- reading an upload -----------------------------------------------------------------------


@dataclass
class _Row:
    number: int  # as Excel shows it
    code: str
    values: dict[str, Any]
    blank: bool


def _meta_of(workbook: Any) -> dict[str, str]:
    found = read_meta(workbook, META_SHEET)
    if found is None:
        raise SpreadsheetError(
            "这不是本平台下载的填报模板（缺少模板信息），请在“指标填报”页面下载本报表的模板后填写"
        )
    if found.get("格式") != FORMAT:
        raise SpreadsheetError("模板信息无法识别，请重新下载模板")
    return found


def _check_meta(found: dict[str, str], expected: TemplateMeta) -> None:
    if found.get("报表编码") != expected.dataset_code:
        raise SpreadsheetError(
            f"这是“{found.get('报表名称') or found.get('报表编码')}”的模板，当前是“{expected.dataset_name}”。"
            "请在对应报表的页面上传，或下载本报表的模板"
        )
    if found.get("统计期") != expected.period:
        raise SpreadsheetError(
            f"这是“{expected.dataset_name}”的 {selectors.period_label(found.get('统计期', ''))}模板，"
            f"当前是 {selectors.period_label(expected.period)}。请下载本统计期的模板"
        )
    if found.get("内容摘要") != expected.content_hash and found.get("数据元素") != ",".join(
        expected.elements
    ):
        raise SpreadsheetError(
            f"模板是按指标体系 {found.get('体系版本', '')} 版生成的，现行为 {expected.system_version} 版，"
            "填报项目已有变化，请重新下载模板"
        )


def _columns(header: list[Any], elements: Sequence[DataElement], sheet: str) -> tuple[int, list[int]]:
    lookup = header_lookup(header)
    missing = [CODE_HEADER] if CODE_HEADER not in lookup else []
    positions = []
    for element in elements:
        found = lookup.get(selectors.element_header(element), lookup.get(element.name))
        if found is None:
            missing.append(selectors.element_header(element))
        else:
            positions.append(found)
    if missing:
        raise SpreadsheetError(
            f"工作表“{sheet}”第 1 行缺少列：{'、'.join(missing)}。请不要修改表头，或重新下载模板"
        )
    return lookup[CODE_HEADER], positions


def _read_rows(
    raw_rows: list[list[Any]],
    code_index: int,
    positions: list[int],
    elements: Sequence[DataElement],
    sheet: str,
    errors: list[CellError],
    progress: Progress | None,
) -> list[_Row]:
    rows: list[_Row] = []
    total = len(raw_rows) - 1
    columns = list(zip(elements, positions, strict=True))
    for offset, raw in enumerate(raw_rows[1:]):
        number = offset + 2
        width = len(raw)
        code = text_cell(raw[code_index]) if code_index < width else ""
        values: dict[str, Any] = {}
        blank = True
        for element, index in columns:
            cell = raw[index] if index < width else None
            if cell is None or cell == "":
                values[element.code] = None
                continue
            try:
                problem = text_problem(cell)
                if problem:
                    raise ValueError(problem)
                value = services.clean_value(element, cell)
            except ValueError as exc:
                errors.append(CellError(sheet, number, index + 1, element.name, str(exc)))
                value = None
                blank = False
            else:
                blank = blank and value is None
            values[element.code] = value
        if not code:
            if not blank:
                errors.append(CellError(sheet, number, code_index + 1, CODE_HEADER, "单位代码不能为空"))
            continue
        rows.append(_Row(number, code, values, blank))
        if progress is not None and offset % 1000 == 0:
            progress(offset, total, "逐格校验")
    return rows


def _unit_errors(
    rows: list[_Row], *, user: Any, dataset: DataSet, sheet: str, code_column: int
) -> tuple[dict[str, str], list[CellError]]:
    """Units of the rows that may be filled by the user (code → name), and errors for the others."""
    units = selectors.units_in_scope(user=user, dataset=dataset, listed=False)
    reachable = dict(units.values_list("code", "full_name"))
    errors: list[CellError] = []
    unknown = sorted({r.code for r in rows if r.code not in reachable})
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(unknown), BATCH):
        chunk = unknown[start : start + BATCH]
        found.update(
            {
                c: (lv, n)
                for c, lv, n in Division.objects.filter(code__in=chunk).values_list(
                    "code", "level", "full_name"
                )
            }
        )
    first_row: dict[str, int] = {}
    wanted = LEVEL_NAMES.get(dataset.level, dataset.level)
    for row in rows:
        message = ""
        if row.code in reachable:
            if row.code in first_row:
                message = f"“{reachable[row.code]}”在第 {first_row[row.code]} 行已经出现，同一单位只能填一行"
            else:
                first_row[row.code] = row.number
        elif row.code not in found:
            message = f"找不到单位代码“{row.code[:20]}”，请填 12 位统计用区划代码"
        else:
            level, name = found[row.code]
            if level != dataset.level:
                message = f"“{name}”不是{wanted}，本表由{wanted}填报"
            else:
                message = f"“{name}”不在您的管辖范围内"
        if message:
            errors.append(CellError(sheet, row.number, code_column, CODE_HEADER, message))
    return reachable, errors


def submissions_import(
    *,
    acting_user: Any,
    dataset: DataSet,
    period: str,
    data: bytes,
    filename: str = "",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Check the whole file, then store drafts for the changed rows, or nothing at all."""
    if not can_upload(acting_user, dataset):
        raise PermissionDenied(f"您不填报“{dataset.name}”")
    check_period(dataset, period)
    workbook = open_workbook(data, max_bytes=settings.UPLOAD_MAX_BYTES)
    expected = current_meta(dataset, period)
    _check_meta(_meta_of(workbook), expected)
    sheet = DATA_SHEET if DATA_SHEET in workbook.sheet_names else workbook.sheet_names[0]
    raw_rows = sheet_rows(workbook, sheet, max_rows=MAX_ROWS)
    elements = selectors.dataset_elements(dataset)
    code_index, positions = _columns(raw_rows[0], elements, sheet)
    errors: list[CellError] = []
    rows = _read_rows(raw_rows, code_index, positions, elements, sheet, errors, progress)
    reachable, unit_errors = _unit_errors(
        rows, user=acting_user, dataset=dataset, sheet=sheet, code_column=code_index + 1
    )
    errors.extend(unit_errors)
    existing = _existing(acting_user, dataset, period)
    open_units = _open_units(acting_user, dataset, period)
    created: list[_Row] = []
    updated: list[tuple[_Row, dict[str, Any]]] = []
    unchanged = blank = 0
    bad_rows = {e.row for e in unit_errors}
    for row in rows:
        if row.number in bad_rows or row.code not in reachable:
            continue
        current = existing.get(row.code)
        if row.blank and current is None:
            blank += 1
            continue
        if row.blank or (current is not None and _same(current["values"], row.values, expected.elements)):
            unchanged += 1
            continue
        name = reachable[row.code]
        problem = ""
        if current is not None and current["status"] not in EDITABLE:
            status = selectors.STATUS_LABELS.get(current["status"], current["status"])
            problem = f"“{name}”的报表已是“{status}”状态，不能通过导入修改；如需修改请联系上级退回"
        elif open_units is not None and row.code not in open_units:
            locked_on = lock_date(dataset, period)
            problem = (
                f"{selectors.period_label(period)}的“{dataset.name}”已于 {locked_on:%Y-%m-%d} 锁定，"
                f"“{name}”不能再修改；如需修改请向上级申请临时开放"
            )
        if problem:
            errors.append(CellError(sheet, row.number, code_index + 1, CODE_HEADER, problem))
        elif current is None:
            created.append(row)
        else:
            updated.append((row, current))
    if errors:
        raise ImportRejectedError(sorted(errors, key=lambda e: (e.row, e.column)))
    _store(acting_user, dataset, period, created, updated, existing, filename, progress)
    units = [r.code for r in created] + [r.code for r, _ in updated]
    message = f"已导入 {len(units)} 个单位的数据（新建草稿 {len(created)} 个，更新 {len(updated)} 个）"
    if unchanged:
        message += f"，{unchanged} 个单位未变动"
    if blank:
        message += f"，{blank} 个单位未填"
    return {
        "message": message + "。请核对后报送",
        "created": len(created),
        "updated": len(updated),
        "unchanged": unchanged,
        "blank": blank,
        "units": units,
    }


def _existing(user: Any, dataset: DataSet, period: str) -> dict[str, dict[str, Any]]:
    return {
        s["unit_id"]: s
        for s in Submission.objects.for_user(user)
        .filter(dataset=dataset, period=period)
        .values("pk", "unit_id", "status", "values", "version")
    }


def _open_units(user: Any, dataset: DataSet, period: str) -> set[str] | None:
    """None when the period is open to this user; else the units reopened by an exception."""
    if user.is_province or timezone.localdate() < lock_date(dataset, period):
        return None
    return set(
        LockException.objects.for_user(user)
        .filter(dataset=dataset, period=period, until__gt=timezone.now())
        .values_list("unit_id", flat=True)
    )


def _same(stored: dict[str, Any], values: dict[str, Any], codes: Sequence[str]) -> bool:
    return all(stored.get(code) == values.get(code) for code in codes)


def _store(
    user: Any,
    dataset: DataSet,
    period: str,
    created: list[_Row],
    updated: list[tuple[_Row, dict[str, Any]]],
    snapshot: dict[str, dict[str, Any]],
    filename: str,
    progress: Progress | None,
) -> None:
    total = len(created) + len(updated)
    note = f"Excel 导入：{filename}"[:300]
    try:
        with transaction.atomic():
            # Optimistic check: if anyone changed these units since the file was read, store nothing.
            latest = _existing(user, dataset, period)
            if latest.keys() != snapshot.keys() or any(
                (snapshot[code]["version"], snapshot[code]["status"]) != (row["version"], row["status"])
                for code, row in latest.items()
            ):
                raise SpreadsheetError("导入期间有人修改了这些单位的数据，未导入任何数据，请重新上传")
            now = timezone.now()
            fresh = [
                Submission(dataset=dataset, period=period, unit_id=r.code, values=r.values, updated_by=user)
                for r in created
            ]
            for start in range(0, len(fresh), BATCH):
                Submission.all_objects.bulk_create(fresh[start : start + BATCH])
                if progress is not None:
                    progress(start + len(fresh[start : start + BATCH]), total, "写入中")
            changed = []
            before: dict[int, str] = {}
            for row, current in updated:
                before[current["pk"]] = current["status"]
                changed.append(
                    Submission(
                        pk=current["pk"],
                        values=row.values,
                        version=current["version"] + 1,
                        updated_by=user,
                        updated_at=now,
                    )
                )
            for start in range(0, len(changed), BATCH):
                Submission.all_objects.bulk_update(
                    changed[start : start + BATCH], ["values", "version", "updated_by", "updated_at"]
                )
                if progress is not None:
                    progress(len(fresh) + start + len(changed[start : start + BATCH]), total, "写入中")
            events = [
                SubmissionEvent(
                    submission_id=s.pk,
                    action="import",
                    from_status=before.get(s.pk, ""),
                    to_status=before.get(s.pk, SubmissionStatus.DRAFT),
                    reason=note,
                    by=user,
                )
                for s in [*fresh, *changed]
            ]
            SubmissionEvent.objects.bulk_create(events, batch_size=1000)
    except IntegrityError:
        raise SpreadsheetError("导入期间有人新建了这些单位的数据，未导入任何数据，请重新上传") from None


# ---- the upload as a background job ----------------------------------------------------------

JOB_KIND = "indicators:upload"


def upload_job_start(*, acting_user: Any, dataset: DataSet, period: str, filename: str, data: bytes) -> Job:
    """Keep the file on a job and check and store it in the background (in-process without a broker)."""
    if not can_upload(acting_user, dataset):
        raise PermissionDenied(f"您不填报“{dataset.name}”")
    check_period(dataset, period)
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(f"文件超过 {settings.UPLOAD_MAX_BYTES // 1048576} MB 上限")
    back = reverse("indicators:collect_units", args=[dataset.code, period])
    job = job_create(
        kind=JOB_KIND,
        title=f"导入{dataset.name}（{selectors.period_label(period)}）：{filename[:60]}",
        created_by=acting_user,
        params={"dataset": dataset.code, "period": period, "filename": filename[:100], "back": back},
    )
    job.input_file.save(filename[-100:] or "upload.xlsx", ContentFile(data), save=True)
    job_start(job)
    return job


def upload_execute(job: Job) -> Job:
    def work(job: Job, progress: Progress) -> dict[str, Any]:
        dataset = DataSet.objects.get(code=job.params["dataset"])
        period = job.params["period"]
        with job.input_file.open("rb") as handle:
            data = handle.read()
        try:
            result = submissions_import(
                acting_user=job.created_by,
                dataset=dataset,
                period=period,
                data=data,
                filename=job.params.get("filename", ""),
                progress=progress,
            )
        except SpreadsheetError as exc:
            raise JobFailedError(str(exc)) from exc
        except ImportRejectedError as exc:
            raise JobFailedError(str(exc), [e.as_dict() for e in exc.errors[:1000]]) from exc
        except (PermissionDenied, ValidationError) as exc:
            raise JobFailedError("；".join(getattr(exc, "messages", [str(exc)]))) from exc
        result["url"] = reverse("indicators:collect_units", args=[dataset.code, period]) + f"?job={job.pk}"
        audit_event_record(
            kind=AuditEvent.Kind.IMPORT, user=job.created_by, detail=f"{job.title}：{result['message']}"
        )
        return result

    return job_run(job, work)


def upload_units(*, user: Any, job_id: int | str | None, dataset: DataSet, period: str) -> list[str] | None:
    """The units a finished upload job of this user stored, for “全部报送”; None if no such job."""
    if not job_id or not str(job_id).isdigit():
        return None
    job = (
        Job.objects.for_user(user).filter(pk=int(job_id), kind=JOB_KIND, status=Job.Status.SUCCEEDED).first()
    )
    if job is None or job.params.get("dataset") != dataset.code or job.params.get("period") != period:
        return None
    return list(job.result.get("units", []))
