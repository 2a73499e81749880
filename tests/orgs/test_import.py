"""Organisation and people imports: all or nothing, errors by row and column, scope enforced."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, TestCase
from openpyxl import Workbook, load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.fakes import make_id_number, make_uscc
from baiqianwan.core.imports import import_job_start
from baiqianwan.core.models import AuditEvent, Job
from baiqianwan.orgs.importing import ORGANISATION_SCHEMA, PERSON_SCHEMA
from baiqianwan.orgs.models import Organisation, Person

from ..conftest import A, B, job_started

HEADERS = [c.header for c in ORGANISATION_SCHEMA.columns]


def workbook(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "单位"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def org_row(rng: random.Random, name: str, division: str = A["town"]) -> list[Any]:
    return [name, "企业", make_uscc(rng, kind="enterprise", division_code=division), division, "", "", ""]


@pytest.fixture
def county(make_user: Callable[..., User]) -> User:
    return make_user(Role.COUNTY, A["county"])


def test_valid_file_is_stored_in_one_job(county: User) -> None:
    rng = random.Random(3)
    rows = [org_row(rng, f"大埔县测试企业{i}") for i in range(25)]
    rows.append([*org_row(rng, "按全称定位的单位")[:3], "梅州市大埔县湖寮镇", "湖寮镇", "", ""])
    job = job_started(
        import_job_start, acting_user=county, kind="organisations", filename="单位.xlsx", data=workbook(rows)
    )
    assert job.status == Job.Status.SUCCEEDED, job.errors
    assert job.result["created"] == 26
    assert job.progress == job.total == 26
    assert Organisation.all_objects.filter(name="按全称定位的单位", division_id=A["town"]).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT, user=county).exists()


def test_one_bad_cell_stores_nothing_and_names_row_and_column(county: User) -> None:
    rng = random.Random(4)
    good = org_row(rng, "好单位")
    bad_code = org_row(rng, "校验位错误的单位")
    bad_code[2] = bad_code[2][:17] + ("0" if bad_code[2][17] != "0" else "1")
    outside = org_row(rng, "外市单位", division=B["town"])
    unknown_kind = org_row(rng, "类型不对的单位")
    unknown_kind[1] = "公司"
    job = job_started(
        import_job_start,
        acting_user=county,
        kind="organisations",
        filename="单位.xlsx",
        data=workbook([good, bad_code, outside, unknown_kind, good]),
    )
    assert job.status == Job.Status.FAILED
    assert Organisation.all_objects.count() == 0
    cells = {(e["row"], e["column"]) for e in job.errors}
    assert (3, "C") in cells  # 统一社会信用代码 check character
    assert (5, "B") in cells  # 单位类型 not in the list
    assert (4, "D") in cells  # 所在地 outside 大埔县
    assert (2, "C") in cells  # the same code twice in the file
    assert (6, "C") in cells
    messages = " ".join(e["message"] for e in job.errors)
    assert "校验位错误" in messages
    assert "不在您的管辖范围内" in messages
    assert "在文件中重复出现" in messages


def test_wrong_columns_and_wrong_file_type_fail_with_a_message(county: User) -> None:
    job = job_started(
        import_job_start,
        acting_user=county,
        kind="organisations",
        filename="x.xlsx",
        data=workbook([["a"]], headers=["名称", "代码"]),
    )
    assert job.status == Job.Status.FAILED
    assert "缺少列" in job.message
    job = job_started(
        import_job_start, acting_user=county, kind="organisations", filename="x.csv", data=b"a,b\n1,2\n"
    )
    assert job.status == Job.Status.FAILED
    assert "不是 Excel 表格" in job.message


def test_existing_code_is_reported_not_overwritten(
    county: User, make_org: Callable[..., Organisation]
) -> None:
    existing = make_org("已有单位")
    rng = random.Random(5)
    row = org_row(rng, "重名登记")
    row[2] = existing.uscc
    job = job_started(
        import_job_start, acting_user=county, kind="organisations", filename="u.xlsx", data=workbook([row])
    )
    assert job.status == Job.Status.FAILED
    assert "已在平台登记" in job.errors[0]["message"]
    existing.refresh_from_db()
    assert existing.name == "已有单位"


def test_people_import_validates_id_numbers_and_scope(
    county: User, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    org_a = make_org("大埔合作社", "cooperative", A["town"])
    org_b = make_org("徐闻公司", "enterprise", B["town"])
    rng = random.Random(6)
    headers = [c.header for c in PERSON_SCHEMA.columns]
    good_id = make_id_number(rng, division_code=A["town"], born=dt.date(1980, 1, 2), female=True)
    rows = [
        ["黄丽萍", "女", good_id, "13800138000", "", org_a.uscc, "农艺师", "", "柚类栽培"],
        [
            "谢文彬",
            "男",
            good_id[:17] + ("1" if good_id[17] != "1" else "2"),
            "13800138001",
            "",
            org_a.uscc,
            "",
            "",
            "",
        ],
        [
            "邓振宇",
            "男",
            make_id_number(rng, division_code=B["town"], born=dt.date(1990, 3, 4), female=False),
            "1380013",
            "",
            org_b.uscc,
            "",
            "",
            "",
        ],
    ]
    job = job_started(
        import_job_start, acting_user=county, kind="people", filename="p.xlsx", data=workbook(rows, headers)
    )
    assert job.status == Job.Status.FAILED
    cells = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "校验位错误" in cells[(3, "C")]
    assert "11 位" in cells[(4, "D")]
    assert "不在您的管辖范围内" in cells[(4, "F")]
    assert Person.all_objects.count() == 0
    job = job_started(
        import_job_start,
        acting_user=county,
        kind="people",
        filename="p.xlsx",
        data=workbook(rows[:1], headers),
    )
    assert job.status == Job.Status.SUCCEEDED
    assert Person.all_objects.get().id_number == good_id


def test_import_page_flow(county: User, client_for: Callable[[User], Client]) -> None:
    client = client_for(county)
    template = client.get("/imports/organisations/?template=1")
    assert template.status_code == 200
    headers = [c.value for c in load_workbook(io.BytesIO(template.content))["单位"][1]]
    assert headers[0] == "单位名称*"
    upload = io.BytesIO(workbook([org_row(random.Random(8), "页面导入单位")]))
    upload.name = "单位.xlsx"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/imports/organisations/", {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已导入 1 个单位" in page


def test_import_is_for_managers_only(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(Role.TOWN, A["town"]))
    assert client.get("/imports/organisations/").status_code == 403


def test_imported_records_reach_the_matching_index_and_the_change_log(county: User) -> None:
    from auditlog.models import LogEntry

    from baiqianwan.matching.documents import doc_id
    from baiqianwan.matching.services import index_get

    rng = random.Random(5)
    rows = [org_row(rng, "大埔县农业科学研究所"), org_row(rng, "大埔县蜜柚企业")]
    rows[0][1] = "科研院所"
    job = job_started(
        import_job_start, acting_user=county, kind="organisations", filename="单位.xlsx", data=workbook(rows)
    )
    assert job.status == Job.Status.SUCCEEDED, job.errors
    institute = Organisation.all_objects.get(name="大埔县农业科学研究所")
    company = Organisation.all_objects.get(name="大埔县蜜柚企业")
    assert doc_id("institution", institute.pk) in index_get()  # found by matching without a rebuild
    assert doc_id("institution", company.pk) not in index_get()  # enterprises are not institutions
    for organisation in (institute, company):
        entry = LogEntry.objects.get_for_object(organisation).get()
        assert entry.action == LogEntry.Action.CREATE
        assert entry.actor_id == county.pk
        assert entry.changes["name"] == ["None", organisation.name]


def test_people_import_masks_personal_numbers_in_the_change_log(county: User, make_org: Any) -> None:
    from auditlog.models import LogEntry

    rng = random.Random(8)
    org = make_org("大埔县蜜柚研究会", "society", A["town"])
    number = make_id_number(rng, division_code=A["county"], born=dt.date(1979, 3, 9), female=True)
    headers = [c.header for c in PERSON_SCHEMA.columns]
    data = workbook([["刘梅", "女", number, "13902345678", "", org.uscc, "", "", "植保"]], headers)
    job = job_started(import_job_start, acting_user=county, kind="people", filename="人员.xlsx", data=data)
    assert job.status == Job.Status.SUCCEEDED, job.errors
    entry = LogEntry.objects.get_for_object(Person.all_objects.get(name="刘梅")).get()
    assert number not in str(entry.changes)
    assert "13902345678" not in str(entry.changes)


def test_a_control_character_in_a_cell_is_refused_by_row_and_column(county: User) -> None:
    rng = random.Random(4)
    # Excel stores a control character in a cell as the escape _x0007_ (how a pasted BEL arrives).
    rows = [org_row(rng, "大埔县_x0007_测试企业"), org_row(rng, "正常企业")]
    job = job_started(
        import_job_start, acting_user=county, kind="organisations", filename="单位.xlsx", data=workbook(rows)
    )
    assert job.status == Job.Status.FAILED
    assert job.errors[0]["row"] == 2
    assert job.errors[0]["column"] == "A"
    assert "控制字符" in job.errors[0]["message"]
    assert not Organisation.all_objects.filter(name="正常企业").exists()
