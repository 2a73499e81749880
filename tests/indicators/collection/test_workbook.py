"""Excel template and upload of indicator data: round trip, cell-addressed errors, all or nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.models import AuditEvent, Job
from baiqianwan.core.spreadsheets import ImportRejectedError, SpreadsheetError
from baiqianwan.indicators.collection import selectors, services, workbook
from baiqianwan.indicators.collection.models import Submission, SubmissionEvent, SubmissionStatus
from baiqianwan.indicators.definitions import selectors as definition_selectors
from baiqianwan.indicators.definitions import services as definition_services
from baiqianwan.indicators.definitions.models import DataSet
from baiqianwan.indicators.engine import load_shipped
from baiqianwan.indicators.engine.model import system_to_json
from baiqianwan.regions.models import Division

from ...conftest import A, B
from ..factories import fill, town_set_with_a_percentage, town_values

HNTE = "高新技术企业数（家）"
SHARE = "有研发活动的规上工业企业占比（%）"
STATION = "是否设有科技金融服务站点"


@pytest.fixture
def town_set(divisions: None) -> DataSet:
    return town_set_with_a_percentage()


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "town": make_user(Role.TOWN, A["town"]),
        "county": make_user(Role.COUNTY, A["county"]),
        "city": make_user(Role.CITY, A["city"]),
        "province": make_user(Role.PROVINCE, "440000000000"),
        "org": make_user(Role.EXPERT),
    }


@pytest.fixture
def towns() -> list[str]:
    """Two towns of 大埔县 (湖寮镇 first)."""
    other = Division.objects.filter(level="town", code__startswith="441422").exclude(code=A["town"]).first()
    assert other is not None
    return [A["town"], other.code]


def _template(user: User, dataset: DataSet, period: str = "2026") -> bytes:
    data, _ = workbook.template_build(user=user, dataset=dataset, period=period)
    return data


def _import(user: User, dataset: DataSet, data: bytes, period: str = "2026") -> dict[str, Any]:
    return workbook.submissions_import(acting_user=user, dataset=dataset, period=period, data=data)


def _rejected(user: User, dataset: DataSet, data: bytes, period: str = "2026") -> list[str]:
    with pytest.raises(ImportRejectedError) as caught:
        _import(user, dataset, data, period)
    return [str(e) for e in caught.value.errors]


def _row(dataset: DataSet, **overrides: Any) -> dict[str, Any]:
    """A full row by column heading, from plausible values."""

    values = town_values(dataset, **overrides)
    return {selectors.element_header(e): values[e.code] for e in selectors.dataset_elements(dataset)}


def test_the_template_protects_explains_and_names_what_it_is_for(
    town_set: DataSet, people: dict[str, User]
) -> None:
    data, count = workbook.template_build(user=people["county"], dataset=town_set, period="2026")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["填报数据", "填写说明", "模板信息"]
    sheet = book["填报数据"]
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["单位代码", "单位名称"]
    assert HNTE in headers
    assert SHARE in headers
    assert STATION in headers
    assert len(headers) == 2 + len(town_set.elements)
    towns_in_county = Division.objects.filter(level="town", code__startswith="441422").count()
    assert count == towns_in_county == sheet.max_row - 1
    assert sheet["A2"].value.startswith("441422")
    # Headers and unit columns are protected; value cells are open.
    assert sheet.protection.sheet
    assert sheet["A2"].protection.locked
    assert sheet["B2"].protection.locked
    assert not sheet["C2"].protection.locked
    rules = {str(v.sqref).split(":")[0][0]: v for v in sheet.data_validations.dataValidation}
    share = rules[chr(ord("A") + headers.index(SHARE))]
    assert (share.type, share.formula1, share.formula2) == ("decimal", "0", "100")
    station = rules[chr(ord("A") + headers.index(STATION))]
    assert (station.type, station.formula1) == ("list", '"是,否"')
    notes = [[c.value for c in r] for r in book["填写说明"].iter_rows()]
    assert any(r[1] == SHARE and "0–100" in (r[3] or "") for r in notes)
    meta = book["模板信息"]
    assert meta.sheet_state == "veryHidden"
    info = {r[0].value: r[1].value for r in meta.iter_rows()}
    version, _ = definition_selectors.current_system("county_town_system")
    assert info["报表编码"] == "county_town_system.town"
    assert info["统计期"] == "2026"
    assert info["内容摘要"] == version.content_hash
    # A town's template has its own row only; other roles get none.
    town_book = load_workbook(io.BytesIO(_template(people["town"], town_set)))
    assert [r[0].value for r in town_book["填报数据"].iter_rows(min_row=2)] == [A["town"]]
    with pytest.raises(services.PermissionDenied):
        _template(people["org"], town_set)


def test_round_trip_through_the_job_stores_drafts(
    town_set: DataSet,
    people: dict[str, User],
    towns: list[str],
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    county = people["county"]
    data = fill(
        _template(county, town_set),
        {towns[0]: _row(town_set, hnte=12, rd_firm_share=35.5), towns[1]: {HNTE: 4, STATION: "是"}},
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = workbook.upload_job_start(
            acting_user=county, dataset=town_set, period="2026", filename="大埔县.xlsx", data=data
        )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, (job.message, job.errors)
    assert job.result["created"] == 2
    assert sorted(job.result["units"]) == sorted(towns)
    assert job.result["url"].endswith(f"?job={job.pk}")
    assert job.progress == job.total
    first = Submission.all_objects.get(dataset=town_set, period="2026", unit_id=towns[0])
    assert first.status == SubmissionStatus.DRAFT
    assert first.values["hnte"] == 12.0
    assert first.values["rd_firm_share"] == 35.5
    assert first.values["finance_service_station"] == 0.0
    second = Submission.all_objects.get(dataset=town_set, period="2026", unit_id=towns[1])
    assert second.values["finance_service_station"] == 1.0
    assert second.values["gdp"] is None
    assert SubmissionEvent.objects.filter(submission=first, action="import").count() == 1
    assert AuditEvent.objects.filter(kind="import", user=county).exists()
    assert (
        workbook.upload_units(user=county, job_id=job.pk, dataset=town_set, period="2026")
        == job.result["units"]
    )

    # The same template downloaded again carries the values; unchanged rows change nothing.
    again = _template(county, town_set)
    result = _import(county, town_set, again)
    assert (result["created"], result["updated"]) == (0, 0)
    # A corrected value updates the draft and its version.
    result = _import(county, town_set, fill(again, {towns[1]: {HNTE: 5}}))
    assert (result["created"], result["updated"]) == (0, 1)
    second.refresh_from_db()
    assert (second.values["hnte"], second.version) == (5.0, 2)
    # Drafts from an upload are submitted like any other.
    sent = services.submission_submit(acting_user=people["town"], submission=first)
    assert sent.stage == "county"


def test_every_bad_cell_is_named_by_sheet_row_and_cell(
    town_set: DataSet, people: dict[str, User], towns: list[str]
) -> None:
    template = _template(people["county"], town_set)
    headers = [c.value for c in load_workbook(io.BytesIO(template))["填报数据"][1]]

    def column(heading: str) -> str:
        return chr(ord("A") + headers.index(heading))

    rows = {c.value: c.row for c in load_workbook(io.BytesIO(template))["填报数据"]["A"][1:]}
    data = fill(
        template,
        {
            towns[0]: _row(town_set, rd_firm_share=130),
            towns[1]: {HNTE: "N/A", STATION: "也许"},
        },
    )
    expected = [
        (rows[towns[0]], SHARE, "有研发活动的规上工业企业占比）：百分比应在 0 到 100 之间，不能是 130"),
        (rows[towns[1]], STATION, "是否设有科技金融服务站点）：应填“是”或“否”"),
        (rows[towns[1]], HNTE, "高新技术企业数）：应填数字，不能填“N/A”"),
    ]
    expected.sort(key=lambda e: (e[0], headers.index(e[1])))
    assert _rejected(people["county"], town_set, data) == [
        f"工作表“填报数据”第 {row} 行 {column(heading)} 列（{message}" for row, heading, message in expected
    ]
    assert not Submission.all_objects.exists(), "有错误的文件不应导入任何数据"


def test_rows_of_units_the_user_may_not_fill_are_errors(
    town_set: DataSet, people: dict[str, User], towns: list[str]
) -> None:
    template = _template(people["county"], town_set)
    last = load_workbook(io.BytesIO(template))["填报数据"].max_row
    maichen = Division.objects.get(code=B["town"])
    data = fill(
        template,
        {towns[0]: {HNTE: 3}},
        extra=[
            ["441422999999", "不存在的镇", 1],
            [B["town"], maichen.full_name, 1],
            [A["county"], "大埔县", 1],
            [towns[0], "重复的行", 2],
            [None, None, 5],
        ],
    )
    errors = _rejected(people["county"], town_set, data)
    huliao = Division.objects.get(code=towns[0]).full_name
    first_row = next(
        c.row for c in load_workbook(io.BytesIO(template))["填报数据"]["A"] if c.value == towns[0]
    )
    where = "工作表“填报数据”第 {} 行 A 列（单位代码）："
    assert errors == [
        where.format(last + 1) + "找不到单位代码“441422999999”，请填 12 位统计用区划代码",
        where.format(last + 2) + f"“{maichen.full_name}”不在您的管辖范围内",
        where.format(last + 3) + "“梅州市大埔县”不是乡镇，本表由乡镇填报",
        where.format(last + 4) + f"“{huliao}”在第 {first_row} 行已经出现，同一单位只能填一行",
        where.format(last + 5) + "单位代码不能为空",
    ]
    assert not Submission.all_objects.exists()


def test_submitted_and_locked_rows_cannot_be_changed_by_upload(
    town_set: DataSet, people: dict[str, User], towns: list[str]
) -> None:
    huliao = Division.objects.get(code=towns[0])
    draft = services.submission_save(
        acting_user=people["town"], dataset=town_set, period="2026", unit=huliao, values=town_values(town_set)
    )
    services.submission_submit(acting_user=people["town"], submission=draft)
    template = _template(people["county"], town_set)
    sheet = load_workbook(io.BytesIO(template))["填报数据"]
    row = next(c.row for c in sheet["A"] if c.value == towns[0])
    assert sheet.cell(row=row, column=3).protection.locked, "已报送的行应锁定"
    # Unchanged, the submitted row is simply skipped; the other row goes in.
    result = _import(people["county"], town_set, fill(template, {towns[1]: {HNTE: 2}}))
    assert (result["created"], result["unchanged"]) == (1, 1)
    errors = _rejected(people["county"], town_set, fill(template, {towns[0]: {HNTE: 99}}))
    assert errors == [
        f"工作表“填报数据”第 {row} 行 A 列（单位代码）：“{huliao.full_name}”的报表已是“审核中”状态，"
        "不能通过导入修改；如需修改请联系上级退回"
    ]
    # 2024 locked on 2025-02-15: a town cannot change it by upload; the province can.
    old = fill(_template(people["town"], town_set, "2024"), {towns[0]: {HNTE: 1}})
    assert _rejected(people["town"], town_set, old, "2024") == [
        f"工作表“填报数据”第 2 行 A 列（单位代码）：2024 年的“乡镇科技创新监测年报”已于 2025-02-15 锁定，"
        f"“{huliao.full_name}”不能再修改；如需修改请向上级申请临时开放"
    ]
    assert _import(people["province"], town_set, old, "2024")["created"] == 1


def test_a_template_of_another_period_or_report_is_refused(
    town_set: DataSet, people: dict[str, User], towns: list[str]
) -> None:
    county = people["county"]
    last_year = fill(_template(county, town_set, "2025"), {towns[0]: {HNTE: 1}})
    with pytest.raises(SpreadsheetError, match="这是“乡镇科技创新监测年报”的 2025 年模板，当前是 2026 年"):
        _import(county, town_set, last_year, "2026")
    village_set = DataSet.objects.get(code="county_town_system.village")
    village_template, _ = workbook.template_build(user=county, dataset=village_set, period="2026")
    with pytest.raises(
        SpreadsheetError, match="这是“村科技创新监测年报”的模板，当前是“乡镇科技创新监测年报”"
    ):
        _import(county, town_set, village_template)
    plain = Workbook()
    plain.active.append(["单位代码", "单位名称", HNTE])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    plain.save(buffer)
    with pytest.raises(SpreadsheetError, match="不是本平台下载的填报模板"):
        _import(county, town_set, buffer.getvalue())
    with pytest.raises(SpreadsheetError, match="不是 Excel 表格"):
        _import(county, town_set, b"code,name\n")
    assert not Submission.all_objects.exists()


def test_a_template_of_an_older_definition_is_refused_when_its_columns_changed(
    divisions: None, people: dict[str, User], towns: list[str]
) -> None:
    definition_services.system_load_shipped()
    town_set = DataSet.objects.get(code="county_town_system.town")
    old = fill(_template(people["county"], town_set), {towns[0]: {HNTE: 1}})
    # A later version of the system collects one more item from towns.
    definition = json.loads(system_to_json(load_shipped("county_town_system")))
    definition["version"] = f"{definition['version']}-plus"
    definition["elements"].append(
        {"code": "patents", "name": "有效发明专利数", "kind": "number", "unit": "件", "levels": ["town"]}
    )
    definition_services.system_store(definition=definition, note="增加有效发明专利数")
    definition_services.datasets_ensure_defaults()
    town_set.refresh_from_db()
    with pytest.raises(SpreadsheetError, match="填报项目已有变化，请重新下载模板"):
        _import(people["county"], town_set, old)


def test_the_job_page_lists_the_errors(
    town_set: DataSet,
    people: dict[str, User],
    towns: list[str],
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
    client_for: Callable[[User], Any],
) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = fill(_template(people["county"], town_set), {towns[0]: {HNTE: "N/A", SHARE: 130}})
    with django_capture_on_commit_callbacks(execute=True):
        job = workbook.upload_job_start(
            acting_user=people["county"], dataset=town_set, period="2026", filename="x.xlsx", data=data
        )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "文件中有 2 处错误，未导入任何数据"
    assert {e["field"] for e in job.errors} == {"高新技术企业数", "有研发活动的规上工业企业占比"}
    page = client_for(people["county"]).get(f"/jobs/{job.pk}/").content.decode()
    assert "应填数字，不能填“N/A”" in page
    assert "百分比应在 0 到 100 之间，不能是 130" in page


def test_stored_text_goes_into_the_template_as_text_never_as_a_formula(
    town_set: DataSet, people: dict[str, User]
) -> None:
    dataset = next(d for d in DataSet.objects.all() if "work_plan" in d.elements)
    unit = Division.objects.get(code=A["town"] if dataset.level == "town" else A["county"])
    filler = people["town"] if dataset.level == "town" else people["county"]
    planted = '=HYPERLINK("http://evil.example","点此查看")'
    values = {k: v for k, v in town_values(dataset, work_plan=planted).items() if k in dataset.elements}
    services.submission_save(acting_user=filler, dataset=dataset, period="2026", unit=unit, values=values)
    book = load_workbook(io.BytesIO(_template(people["county"], dataset)))
    sheet = book["填报数据"]

    element = next(e for e in selectors.dataset_elements(dataset) if e.code == "work_plan")
    column = [c.value for c in sheet[1]].index(selectors.element_header(element))
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == unit.code)
    cell = row[column]
    assert cell.value == planted
    assert cell.data_type == "s"
    assert cell.quotePrefix
    for each in book.worksheets:
        assert all(c.data_type != "f" for r in each.iter_rows() for c in r)
