"""Excel in and out: strict, cell-addressed validation on import; safe, friendly templates on export.

Imports are read with python-calamine (fast, no formulas evaluated) and checked before anything
is stored: a wrong file type, a zip bomb, a missing column or one bad cell rejects the whole file,
and every error names the sheet, the row and the cell (e.g. ``第 7 行 C 列（统一社会信用代码）``).

Every workbook is written by ``write_sheets`` (streaming openpyxl): columns made at run time, a
drop-down or range check per column (``Validation``), headers and identifying columns protected
with only the cells to fill left open, and a hidden sheet recording what the file was made for
(``read_meta`` reads it back). Every cell goes through ``safe_cell``.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from .text import CONTROL_MESSAGE, has_control_characters, strip_control_characters

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(Exception):
    """The file as a whole cannot be read (type, size, empty, columns)."""


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int  # 1-based, as Excel shows it
    column: int  # 1-based
    header: str
    message: str

    @property
    def cell(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"

    def __str__(self) -> str:
        return gettext("工作表“{sheet}”第 {row} 行 {get_column_letter} 列（{header}）：{message}").format(
            sheet=self.sheet,
            row=self.row,
            get_column_letter=get_column_letter(self.column),
            header=self.header,
            message=self.message,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": get_column_letter(self.column),
            "cell": self.cell,
            "field": self.header,
            "message": self.message,
        }


class ImportRejectedError(Exception):
    """One or more cells are invalid; nothing was stored."""

    def __init__(self, errors: Sequence[CellError]):
        self.errors = list(errors)
        super().__init__(gettext("文件中有 {len} 处错误，未导入任何数据").format(len=len(self.errors)))


Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Validation:
    """Excel's own check of a column's cells while the user types: a drop-down (``kind="list"``,
    ``formula1='"是,否"'``), a number range (``"decimal"``) or a text length (``"textLength"``)."""

    kind: str
    title: str
    message: str
    formula1: str
    formula2: str | None = None
    operator: str | None = None
    allow_blank: bool = True

    @classmethod
    def choose(
        cls, choices: Sequence[str], *, title: str, message: str, allow_blank: bool = True
    ) -> Validation:
        return cls("list", title, message, '"' + ",".join(choices) + '"', allow_blank=allow_blank)

    def data_validation(self) -> DataValidation:
        return DataValidation(
            type=self.kind,
            operator=self.operator,
            formula1=self.formula1,
            formula2=self.formula2,
            allow_blank=self.allow_blank,
            showErrorMessage=True,
            errorTitle=self.title,
            error=self.message,
        )


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Parser = lambda value: value
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    width: float = 18
    validation: Validation | None = None  # default: a drop-down of ``choices`` when there are any
    text: bool = False  # cells formatted as text ("@"), so Excel keeps codes and words as typed

    def checked_by(self) -> Validation | None:
        if self.validation is not None or not self.choices:
            return self.validation
        return Validation.choose(
            self.choices,
            title=gettext("无效的值"),
            message=gettext("请从下拉列表中选择{header}").format(header=self.header),
            allow_blank=not self.required,
        )


@dataclass
class SheetSchema:
    title: str
    columns: Sequence[Column]
    max_rows: int = 100_000
    notes: Sequence[str] = field(default_factory=tuple)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


# ---- parsers for cells ------------------------------------------------------------------------


def text_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def int_cell(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationError(gettext("应为整数"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValidationError(gettext("应为整数，实际为 {value}").format(value=value))
    text = str(value).strip().replace(",", "")
    try:
        return int(text)
    except ValueError:
        raise ValidationError(gettext("应为整数，实际为“{value}”").format(value=text[:30])) from None


def number_cell(value: Any) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationError(gettext("应为数字"))
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        raise ValidationError(gettext("应为数字，实际为“{value}”").format(value=text[:30])) from None


def date_cell(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            gettext("应为日期（如 2025-01-31），实际为“{value}”").format(value=text[:30])
        ) from None


# ---- reading ----------------------------------------------------------------------------------


def check_file(data: bytes, *, max_bytes: int) -> None:
    """Reject what is not a spreadsheet, too big, or a zip bomb, before any parser sees it."""
    if not data:
        raise SpreadsheetError(gettext("文件为空"))
    if len(data) > max_bytes:
        raise SpreadsheetError(
            gettext("文件大小 {value:.1f} MB，超过上限 {value2:.0f} MB").format(
                value=len(data) / 1048576, value2=max_bytes / 1048576
            )
        )
    if data.startswith(XLS_MAGIC):
        return
    if not data.startswith(XLSX_MAGIC):
        raise SpreadsheetError(gettext("文件不是 Excel 表格（请上传 .xlsx 或 .xls 文件）"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise SpreadsheetError(gettext("文件已损坏，无法作为 Excel 表格读取")) from None
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNCOMPRESSED_BYTES or unpacked > MAX_COMPRESSION_RATIO * max(len(data), 1):
        raise SpreadsheetError(gettext("文件解压后异常巨大，疑似压缩炸弹，已拒绝"))
    if not any(info.filename == "xl/workbook.xml" for info in infos):
        raise SpreadsheetError(gettext("文件不是 Excel 表格（压缩包中没有工作簿）"))


def open_workbook(data: bytes, *, max_bytes: int) -> CalamineWorkbook:
    """The file checked (``check_file``) and opened; a damaged file is a ``SpreadsheetError``."""
    check_file(data, max_bytes=max_bytes)
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several types for damaged files
        raise SpreadsheetError(gettext("无法读取表格：{exc}").format(exc=exc)) from None


def sheet_rows(workbook: CalamineWorkbook, name: str, *, max_rows: int) -> list[list[Any]]:
    """A sheet's rows, the header first; an empty sheet or more than ``max_rows`` data rows is refused."""
    try:
        rows = list(_trim(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)))
    except Exception as exc:  # calamine raises several types for damaged sheets
        raise SpreadsheetError(gettext("无法读取表格：{exc}").format(exc=exc)) from None
    if not rows:
        raise SpreadsheetError(gettext("工作表“{sheet_name}”是空的").format(sheet_name=name))
    if len(rows) - 1 > max_rows:
        raise SpreadsheetError(
            gettext("数据行数 {len} 超过上限 {max_rows}").format(len=len(rows) - 1, max_rows=max_rows)
        )
    return rows


def header_lookup(header_row: Sequence[Any]) -> dict[str, int]:
    """Column index by header text (a required column's trailing “*” ignored; the first of repeats)."""
    lookup: dict[str, int] = {}
    for index, value in enumerate(header_row):
        text = text_cell(value).rstrip("*").strip()
        if text and text not in lookup:
            lookup[text] = index
    return lookup


def text_problem(value: Any) -> str | None:
    """What is wrong with a cell's text whatever its column: characters no field may hold."""
    if isinstance(value, str) and has_control_characters(value):
        return str(CONTROL_MESSAGE)
    return None


def read_meta(workbook: CalamineWorkbook, name: str) -> dict[str, str] | None:
    """The key/value rows of the hidden sheet ``write_sheets(meta=…)`` wrote; None without one."""
    if name not in workbook.sheet_names:
        return None
    rows = workbook.get_sheet_by_name(name).to_python()
    return {text_cell(r[0]): text_cell(r[1]) for r in rows if len(r) >= 2}


@dataclass
class ParsedSheet:
    """Rows as parsed; a row's ``_bad`` names its keys whose cells failed, listed in ``errors``."""

    name: str
    rows: list[dict[str, Any]]
    errors: list[CellError]

    def cell_error(self, row: dict[str, Any], key: str, message: str, schema: SheetSchema) -> CellError:
        column = schema.column(key)
        return CellError(self.name, row["_row"], row["_columns"][key], column.header, message)

    def reject_if_any(self, errors: list[CellError]) -> None:
        """All or nothing: the sheet's own errors and the import's checks, in reading order."""
        everything = self.errors + errors
        if everything:
            raise ImportRejectedError(sorted(everything, key=lambda e: (e.row, e.column)))


def read_sheet(data: bytes, schema: SheetSchema, *, max_bytes: int) -> list[dict[str, Any]]:
    """Parse and validate the first sheet against ``schema``; raise on any error, return rows."""
    parsed = parse_sheet(data, schema, max_bytes=max_bytes)
    if parsed.errors:
        raise ImportRejectedError(parsed.errors)
    return parsed.rows


def parse_sheet(data: bytes, schema: SheetSchema, *, max_bytes: int) -> ParsedSheet:
    """Parse the first sheet; file-level problems raise, cell problems are collected."""
    workbook = open_workbook(data, max_bytes=max_bytes)
    sheet_name = workbook.sheet_names[0]
    rows = sheet_rows(workbook, sheet_name, max_rows=schema.max_rows)
    header_row = [text_cell(h).rstrip("*").strip() for h in rows[0]]
    positions = _match_headers(header_row, schema, sheet_name)
    body = rows[1:]
    if not body:
        raise SpreadsheetError(
            gettext("工作表“{sheet_name}”只有表头，没有数据行").format(sheet_name=sheet_name)
        )
    errors: list[CellError] = []
    parsed: list[dict[str, Any]] = []
    columns = {key: index + 1 for key, index in positions.items()}
    for offset, raw in enumerate(body):
        excel_row = offset + 2
        record: dict[str, Any] = {"_row": excel_row, "_columns": columns, "_bad": set()}
        for column in schema.columns:
            index = positions[column.key]
            value = raw[index] if index < len(raw) else None
            problem = _cell_problem(column, value, record)
            if problem:
                errors.append(CellError(sheet_name, excel_row, index + 1, column.header, problem))
                record["_bad"].add(column.key)
                record[column.key] = None
        parsed.append(record)
    return ParsedSheet(sheet_name, parsed, errors)


def _cell_problem(column: Column, value: Any, record: dict[str, Any]) -> str | None:
    """Parse one cell into ``record``; return what is wrong with it, if anything."""
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        record[column.key] = None
        return gettext("必填，不能为空") if column.required else None
    problem = text_problem(value)
    if problem:
        return problem
    if column.choices and text_cell(value) not in column.choices:
        return gettext("“{value}”不在可选值中（{join}）").format(
            value=text_cell(value)[:30], join="、".join(column.choices[:12])
        )
    try:
        record[column.key] = column.parse(value)
    except ValidationError as exc:
        return "；".join(exc.messages)
    return None


def _trim(rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    """Drop trailing fully-empty rows (Excel often keeps formatted blank rows)."""
    buffered: list[list[Any]] = []
    for row in rows:
        if all(v in (None, "") for v in row):
            buffered.append(row)
            continue
        yield from buffered
        buffered = []
        yield row


def _match_headers(header_row: list[str], schema: SheetSchema, sheet: str) -> dict[str, int]:
    lookup = header_lookup(header_row)
    missing = [c.header for c in schema.columns if c.header not in lookup]
    if missing:
        known = {c.header for c in schema.columns}
        unknown = [
            gettext("{get_column_letter} 列“{h}”").format(get_column_letter=get_column_letter(i + 1), h=h)
            for i, h in enumerate(header_row)
            if h and h not in known
        ]
        hint = gettext("；表中不认识的列：{join}").format(join="、".join(unknown)) if unknown else ""
        raise SpreadsheetError(
            gettext("工作表“{sheet}”第 1 行缺少列：{join}{hint}。请使用本页下载的导入模板。").format(
                sheet=sheet, join="、".join(missing), hint=hint
            )
        )
    return {c.key: lookup[c.header] for c in schema.columns}


# ---- writing ----------------------------------------------------------------------------------


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_cell(cell: Any, value: Any) -> Any:
    """Put a stored value into a cell so that opening the file runs nothing and saving it cannot
    fail: text loses the control characters Excel's XML cannot hold, and text that Excel would take
    for a formula is stored as text with Excel's quote prefix. Every workbook writer goes through here.
    A label translated lazily (a choice or column label) is written as the text of the language in use."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = strip_control_characters(value)
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def safe_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for a write-only sheet's ``append``, every value through ``safe_cell``."""
    return [value if isinstance(value, Cell) else safe_cell(WriteOnlyCell(sheet), value) for value in values]


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
FIXED_FILL = PatternFill("solid", fgColor="F2F2F2")  # identifying columns of a template
DONE_FILL = PatternFill("solid", fgColor="D9D9D9")  # a row that may no longer be changed
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
UNLOCKED = Protection(locked=False)


@dataclass(frozen=True)
class Row:
    """A row of a protected sheet: ``editable=False`` shows it greyed and keeps it locked."""

    values: Sequence[Any]
    editable: bool = True


@dataclass
class Sheet:
    """One sheet to write: a styled header from ``columns``, then ``rows``.

    ``fixed`` leading columns identify a row (shaded, frozen beside the header). ``protect`` locks
    the header and the fixed columns (without a password: it stops accidental edits, not a
    determined user) and leaves the other cells of editable rows open. ``title`` and ``intro``
    rows come before the header (a notes sheet), ``after`` rows after the data.
    """

    name: str
    columns: Sequence[Column]
    rows: Iterable[Row | Sequence[Any]] = ()
    fixed: int = 0
    protect: bool = False
    header_height: float | None = None
    validation_rows: int | None = None  # rows the column checks cover; default: the rows written
    title: str = ""
    intro: Sequence[Sequence[Any]] = ()
    after: Sequence[Sequence[Any]] = ()


def _header_cell(sheet: Any, text: Any) -> Any:
    cell = safe_cell(WriteOnlyCell(sheet), text)
    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
    return cell


def _write_sheet(workbook: Workbook, spec: Sheet) -> None:
    sheet = workbook.create_sheet(spec.name[:31])
    columns = list(spec.columns)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    rows = [r if isinstance(r, Row) else Row(r) for r in spec.rows]
    header_row = len(spec.intro) + (2 if spec.title else 1) + (1 if spec.intro else 0)
    if spec.header_height:
        sheet.row_dimensions[header_row].height = spec.header_height
    sheet.freeze_panes = f"{get_column_letter(spec.fixed + 1)}{header_row + 1}"
    if spec.protect:
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
        sheet.protection.formatCells = False
    last = header_row + (spec.validation_rows if spec.validation_rows is not None else max(len(rows), 1))
    for index, column in enumerate(columns, start=1):
        check = column.checked_by()
        if check is not None:
            validation = check.data_validation()
            letter = get_column_letter(index)
            validation.add(f"{letter}{header_row + 1}:{letter}{last}")
            sheet.data_validations.append(validation)
    if spec.title:
        title = safe_cell(WriteOnlyCell(sheet), spec.title)
        title.font = Font(bold=True, size=14)
        sheet.append([title])
    for line in spec.intro:
        sheet.append(safe_row(sheet, line))
    if spec.intro:
        sheet.append([])
    sheet.append([_header_cell(sheet, column.header) for column in columns])
    for row in rows:
        cells = []
        for index, (column, value) in enumerate(zip(columns, row.values, strict=False)):
            cell = safe_cell(WriteOnlyCell(sheet), value)
            if column.text:
                cell.number_format = "@"
            if index < spec.fixed:
                cell.fill = FIXED_FILL
            elif not row.editable:
                cell.fill = DONE_FILL
            elif spec.protect:
                cell.protection = UNLOCKED
            cells.append(cell)
        sheet.append(cells)
    for line in spec.after:
        sheet.append(safe_row(sheet, line))


def write_sheets(
    sheets: Sequence[Sheet], *, meta: Sequence[Sequence[Any]] = (), meta_sheet: str = "模板信息"
) -> bytes:
    """An .xlsx of ``sheets`` (streaming, so a province-wide template stays quick), with ``meta``
    key/value rows on a hidden sheet when given."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        _write_sheet(workbook, spec)
    if meta:
        hidden = workbook.create_sheet(meta_sheet)
        hidden.sheet_state = "veryHidden"
        for line in meta:
            hidden.append(safe_row(hidden, line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_workbook(schema: SheetSchema, rows: Iterable[Sequence[Any]], *, template: bool = False) -> bytes:
    """An .xlsx with a styled header, drop-downs for choice columns and (template) a notes sheet."""
    columns = [
        replace(column, header=column.header + ("*" if column.required and template else ""))
        for column in schema.columns
    ]
    sheets = [Sheet(schema.title, columns, rows, validation_rows=schema.max_rows)]
    if template:
        notes = []
        for column in schema.columns:
            requirement = ("必填。" if column.required else "选填。") + column.help
            if column.choices:
                requirement += " 可选值：" + "、".join(column.choices)
            notes.append([column.header, requirement])
        notes += [["", line] for line in schema.notes]
        head = [Column("header", "列名", width=24), Column("requirement", "填写要求", width=90)]
        sheets.append(Sheet("填写说明", head, notes))
    return write_sheets(sheets)
