"""Reading and writing Excel: cell-addressed errors, hostile files, safe exports."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from baiqianwan.core.spreadsheets import (
    Column,
    ImportRejectedError,
    Row,
    Sheet,
    SheetSchema,
    SpreadsheetError,
    Validation,
    header_lookup,
    int_cell,
    number_cell,
    open_workbook,
    read_meta,
    read_sheet,
    sheet_rows,
    text_problem,
    write_sheets,
    write_workbook,
)

SCHEMA = SheetSchema(
    title="测试",
    columns=[
        Column("name", "名称", required=True),
        Column("count", "数量", int_cell),
        Column("share", "比例", number_cell),
        Column("kind", "类型", choices=("甲", "乙")),
    ],
)
LIMIT = 5 * 1024 * 1024


def xlsx(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_valid_rows_are_parsed_with_their_row_numbers() -> None:
    rows = read_sheet(
        xlsx([["名称", "数量", "比例", "类型"], ["连樟村", 12, "0.5", "甲"], ["长教村", "3", 1, None]]),
        SCHEMA,
        max_bytes=LIMIT,
    )
    for row in rows:
        del row["_columns"], row["_bad"]
    assert rows == [
        {"_row": 2, "name": "连樟村", "count": 12, "share": 0.5, "kind": "甲"},
        {"_row": 3, "name": "长教村", "count": 3, "share": 1.0, "kind": None},
    ]


def test_every_bad_cell_is_named_by_sheet_row_and_column() -> None:
    data = xlsx(
        [["名称", "数量", "比例", "类型"], ["连樟村", "N/A", "见附件", "丙"], [None, 1.5, 2, "甲"]],
        title="上报表",
    )
    with pytest.raises(ImportRejectedError) as caught:
        read_sheet(data, SCHEMA, max_bytes=LIMIT)
    messages = [str(e) for e in caught.value.errors]
    assert messages == [
        "工作表“上报表”第 2 行 B 列（数量）：应为整数，实际为“N/A”",
        "工作表“上报表”第 2 行 C 列（比例）：应为数字，实际为“见附件”",
        "工作表“上报表”第 2 行 D 列（类型）：“丙”不在可选值中（甲、乙）",
        "工作表“上报表”第 3 行 A 列（名称）：必填，不能为空",
        "工作表“上报表”第 3 行 B 列（数量）：应为整数，实际为 1.5",
    ]
    assert caught.value.errors[0].as_dict()["cell"] == "B2"


def test_columns_may_come_in_any_order_but_none_may_be_missing() -> None:
    rows = read_sheet(xlsx([["类型", "名称", "比例", "数量"], ["乙", "甲村", 1, 2]]), SCHEMA, max_bytes=LIMIT)
    assert rows[0]["name"] == "甲村"
    with pytest.raises(SpreadsheetError, match=r"缺少列：比例.*不认识的列：C 列“占比”"):
        read_sheet(xlsx([["名称", "数量", "占比", "类型"], ["甲村", 1, 1, "甲"]]), SCHEMA, max_bytes=LIMIT)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "文件为空"),
        (b"name,count\n1,2\n", "不是 Excel 表格"),
        (b"%PDF-1.7 not a sheet", "不是 Excel 表格"),
        (b"PK\x03\x04 broken zip", "已损坏"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(data: bytes, fragment: str) -> None:
    with pytest.raises(SpreadsheetError, match=fragment):
        read_sheet(data, SCHEMA, max_bytes=LIMIT)


def test_empty_sheet_and_header_only_sheet() -> None:
    with pytest.raises(SpreadsheetError, match="是空的"):
        read_sheet(xlsx([]), SCHEMA, max_bytes=LIMIT)
    with pytest.raises(SpreadsheetError, match="只有表头"):
        read_sheet(xlsx([["名称", "数量", "比例", "类型"]]), SCHEMA, max_bytes=LIMIT)


def test_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(SpreadsheetError, match="超过上限"):
        read_sheet(b"PK\x03\x04" + b"0" * 2048, SCHEMA, max_bytes=1024)


def test_too_many_rows_are_refused() -> None:
    small = SheetSchema(title="t", columns=SCHEMA.columns, max_rows=3)
    rows = [["名称", "数量", "比例", "类型"]] + [[f"村{i}", i, 1, "甲"] for i in range(4)]
    with pytest.raises(SpreadsheetError, match="行数 4 超过上限 3"):
        read_sheet(xlsx(rows), small, max_bytes=LIMIT)


def test_zip_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (50 * 1024 * 1024))
    with pytest.raises(SpreadsheetError, match="压缩炸弹"):
        read_sheet(buffer.getvalue(), SCHEMA, max_bytes=LIMIT)


def test_exports_never_carry_live_formulas() -> None:
    data = write_workbook(SCHEMA, [['=HYPERLINK("http://evil","点我")', 1, 0.5, "甲"], ["+1+1", 2, 1, "乙"]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '=HYPERLINK("http://evil","点我")'
    assert sheet["A3"].data_type == "s"


def test_template_has_drop_downs_and_instructions() -> None:
    workbook = load_workbook(io.BytesIO(write_workbook(SCHEMA, [], template=True)))
    sheet = workbook["测试"]
    assert [c.value for c in sheet[1]] == ["名称*", "数量", "比例", "类型"]
    validations = sheet.data_validations.dataValidation
    assert any(v.formula1 == '"甲,乙"' for v in validations)
    assert "填写说明" in workbook.sheetnames
    # The template reads back: starred headers match.
    with pytest.raises(SpreadsheetError, match="只有表头"):
        read_sheet(write_workbook(SCHEMA, [], template=True), SCHEMA, max_bytes=LIMIT)


def test_a_protected_template_leaves_only_its_open_cells_editable_and_records_what_it_is_for() -> None:
    columns = [
        Column("code", "单位代码", width=15),
        Column("name", "单位名称"),
        Column("ok", "是否", validation=Validation.choose(("是", "否"), title="只能选", message="请选择")),
        Column("note", "说明", text=True),
    ]
    rows = [
        Row(["441881000000", "英德市", "是", "=1+1"]),
        Row(["441802000000", "清城区", None, None], editable=False),
    ]
    data = write_sheets(
        [Sheet("填报数据", columns, rows, fixed=2, protect=True)],
        meta=[["格式", "test/1"], ["统计期", "2025"]],
    )
    book = load_workbook(io.BytesIO(data))
    sheet = book["填报数据"]
    assert sheet.protection.sheet
    assert sheet.freeze_panes == "C2"
    assert sheet["A2"].protection.locked
    assert not sheet["C2"].protection.locked
    assert sheet["C3"].protection.locked  # a row that may no longer change stays locked
    assert sheet["D2"].value == "=1+1"
    assert sheet["D2"].data_type == "s"
    assert sheet["D2"].number_format == "@"
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"是,否"'
    assert str(validation.sqref) == "C2:C3"
    assert book["模板信息"].sheet_state == "veryHidden"
    workbook = open_workbook(data, max_bytes=LIMIT)
    assert read_meta(workbook, "模板信息") == {"格式": "test/1", "统计期": "2025"}
    assert read_meta(workbook, "别的") is None
    assert header_lookup(sheet_rows(workbook, "填报数据", max_rows=10)[0]) == {
        "单位代码": 0,
        "单位名称": 1,
        "是否": 2,
        "说明": 3,
    }
    with pytest.raises(SpreadsheetError, match="超过上限"):
        sheet_rows(workbook, "填报数据", max_rows=1)


def test_text_no_field_may_hold_is_named() -> None:
    assert text_problem("连樟\x07村") is not None
    assert text_problem("连樟村") is None
    assert text_problem(3) is None
