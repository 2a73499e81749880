"""Teacher training for 粤东西北: courses by the bureaus, trainees one by one or from Excel — all rows or
none, each error naming its row and cell — and totals of trained teachers by county and city."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import Workbook

from baiqianwan.accounts.models import User
from baiqianwan.core.spreadsheets import ImportRejectedError
from baiqianwan.outreach import selectors, services
from baiqianwan.outreach.models import Trainee

from ..conftest import A, B
from .conftest import GUANGZHOU_DISTRICT, course

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "学校", "所在县（市、区）代码", "学段", "任教学科", "完成学时", "考核合格"]
MEIXIAN = "441403000000"  # 梅县区, 梅州


def sheet(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    page = book.active
    page.append(HEADER)
    for row in rows:
        page.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    ["张晓燕", "大埔县湖寮镇中心小学", A["county"], "小学", "科学", 40, "是"],
    ["李建华", "梅县区松口中学", MEIXIAN, "初中", "物理", 32.5, "否"],
]


def trainee(cast: dict[str, Any], made: Any, **values: Any) -> Trainee:
    defaults = {
        "name": "陈志强",
        "school": "大埔县第一中学",
        "county_code": A["county"],
        "stage": "senior",
        "subject": "biology",
        "hours_completed": "40",
        "passed": True,
    }
    return services.trainee_add(acting_user=cast["city"], course_id=made.pk, **{**defaults, **values})


def test_a_city_bureau_runs_a_course_and_its_provider_adds_trainees(cast: dict[str, Any]) -> None:
    made = course(cast)
    assert made.division_id == A["city"]
    trainee(cast, made)
    services.trainee_add(
        acting_user=cast["college_user"],
        course_id=made.pk,
        name="黄海涛",
        school="梅县区华侨中学",
        county_code=MEIXIAN,
        stage="junior",
        subject="chemistry",
        hours_completed="12.5",
    )
    totals = selectors.training_totals(user=cast["city"])
    assert (totals["teachers"], totals["passed"]) == (2, 1)
    assert [c["code"] for c in totals["cities"]] == ["4414"]
    assert {c["code"] for c in totals["counties"]} == {A["county"], MEIXIAN}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"county_code": GUANGZHOU_DISTRICT}, "county"),  # 珠三角: not the training's teachers
        ({"county_code": A["town"]}, "county"),  # a town where a county is needed
        ({"county_code": B["county"]}, "county"),  # 粤西, but outside the course's city
        ({"county_code": "110101000000"}, "county"),
        ({"hours_completed": "41"}, "hours_completed"),  # more than the course has
        ({"hours_completed": "-1"}, "hours_completed"),
        ({"hours_completed": "1.25"}, "hours_completed"),
        ({"name": "=cmd|' /C calc'!A0"}, "name"),
        ({"school": "<img src=x>学校"}, "school"),
        ({"subject": "music"}, "subject"),
    ],
)
def test_bad_trainees_are_refused_naming_the_field(
    cast: dict[str, Any], values: dict[str, Any], field: str
) -> None:
    made = course(cast)
    with pytest.raises(ValidationError) as caught:
        trainee(cast, made, **values)
    assert field in caught.value.message_dict
    assert Trainee.all_objects.count() == 0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"hours": "-8"}, "hours"),
        ({"hours": "9999"}, "hours"),
        ({"ends_on": "2025-02-01"}, "ends_on"),  # before the start
        ({"division_code": "440100000000"}, "division"),  # 广州: 珠三角, and not the city's own
        ({"provider_id": 999999}, "provider"),
    ],
)
def test_bad_courses_are_refused(cast: dict[str, Any], values: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        course(cast, **values)
    assert field in caught.value.message_dict


def test_who_keeps_courses_and_trainees(cast: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.course_register(
            acting_user=cast["town"], title="越权的培训课程", provider_id=cast["college"].pk, mode="online",
            hours=10, starts_on="2025-01-01", ends_on="2025-01-02",
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.course_register(
            acting_user=cast["tianhe"], title="珠三角的培训课程", provider_id=cast["college"].pk,
            mode="online", hours=10, starts_on="2025-01-01", ends_on="2025-01-02",
        )  # fmt: skip
    made = course(cast)
    with pytest.raises(PermissionDenied):
        services.trainee_add(
            acting_user=cast["xuwen"], course_id=made.pk, name="越权", school="越权学校学校",
            county_code=A["county"], stage="primary", subject="science",
        )  # fmt: skip
    # Trainees are personal data: a public course does not show them to others.
    trainee(cast, made)
    assert selectors.trainee_list(user=cast["xuwen"], course=made).count() == 0
    assert selectors.trainee_list(user=cast["county"], course=made).count() == 1


def test_the_import_stores_every_row_or_none(cast: dict[str, Any]) -> None:
    made = course(cast)
    assert services.trainees_import(acting_user=cast["city"], course_id=made.pk, data=sheet(GOOD)) == 2
    assert Trainee.all_objects.get(name="李建华").hours_completed == Decimal("32.5")
    bad = [
        ["王丽萍", "大埔县实验小学", A["county"], "小学", "科学", 20, "是"],
        ["刘文杰", "天河区某小学", GUANGZHOU_DISTRICT, "小学", "科学", 20, "是"],  # row 3: 珠三角
        ["吴秀英", "梅县区某中学", MEIXIAN, "初中", "物理", 99, "是"],  # row 4: too many hours
        ["=1+1", "梅县区某中学", MEIXIAN, "初中", "物理", 10, "是"],  # row 5: a formula
        ["王丽萍", "大埔县实验小学", A["county"], "小学", "科学", 20, "是"],  # row 6: twice
        ["张晓燕", "大埔县湖寮镇中心小学", A["county"], "小学", "科学", 40, "是"],  # row 7: already there
        ["何国平", "梅县区某中学", MEIXIAN, "大学", "物理", 10, "是"],  # row 8: not a stage
    ]
    with pytest.raises(ImportRejectedError) as caught:
        services.trainees_import(acting_user=cast["city"], course_id=made.pk, data=sheet(bad))
    cells = {e.cell: e.message for e in caught.value.errors}
    assert set(cells) == {"C3", "F4", "A5", "A6", "A7", "D8"}, cells
    assert "珠三角" in cells["C3"]
    assert "40" in cells["F4"]
    assert "第 2 行" in cells["A6"]
    assert "第 3 行 C 列" in str(caught.value.errors[0])
    assert Trainee.all_objects.count() == 2  # nothing of the bad file stored


def test_the_import_over_the_api_and_the_page(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    made = course(cast)
    city = client_for(cast["city"])
    url = f"/api/v1/outreach/courses/{made.pk}/trainees/import"
    bad = sheet([["刘文杰", "天河区某小学", GUANGZHOU_DISTRICT, "小学", "科学", 20, "是"]])
    refused = city.post(url, {"file": io.BytesIO(bad)})
    assert refused.status_code == 422
    assert any(e["field"].startswith("C2") for e in refused.json()["errors"]), refused.json()
    not_excel = city.post(url, {"file": io.BytesIO(b"%PDF-1.4 not a sheet")})
    assert (not_excel.status_code, not_excel.json()["errors"][0]["field"]) == (422, "file")
    done = city.post(url, {"file": io.BytesIO(sheet(GOOD))})
    assert (done.status_code, done.json()) == (201, {"imported": 2})
    # 湛江's bureau reads the public course but keeps no trainees of it.
    assert client_for(cast["xuwen"]).post(url, {"file": io.BytesIO(sheet(GOOD))}).status_code == 403
    page = city.post(f"/outreach/training/{made.pk}/import/", {"file": io.BytesIO(bad)}, follow=True)
    assert "第 2 行 C 列" in page.content.decode()
    template = city.get(f"/outreach/training/{made.pk}/template.xlsx")
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_api_and_pages_for_each_role(cast: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    city = client_for(cast["city"])
    made = city.post(
        "/api/v1/outreach/courses",
        data=json.dumps(
            {
                "title": "梅州市初中物理教师线上研修",
                "division_code": A["city"],
                "provider_id": cast["college"].pk,
                "mode": "online",
                "hours": "24",
                "starts_on": "2025-04-01",
                "ends_on": "2025-04-30",
            }
        ),
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    course_id = made.json()["id"]
    added = city.post(
        f"/api/v1/outreach/courses/{course_id}/trainees",
        data=json.dumps(
            {"name": "叶文杰", "school": "大埔县田家炳中学", "county_code": A["county"], "stage": "junior",
             "subject": "physics", "hours_completed": "24", "passed": True}
        ),
        content_type="application/json",
    )  # fmt: skip
    assert added.status_code == 201, added.content
    totals = city.get("/api/v1/outreach/courses/totals").json()
    assert totals["teachers"] == 1
    for role, user in cast["users"].items():
        if role in ("system_admin", "security_admin", "audit_admin"):
            continue
        client = client_for(user)
        assert client.get("/outreach/training/").status_code == 200, role
        assert client.get(f"/outreach/training/{course_id}/").status_code == 200, role
    form = city.post(
        f"/outreach/training/{course_id}/",
        {"name": "钟秀英", "school": "大埔县实验小学", "county": A["county"], "stage": "primary",
         "subject": "science", "hours_completed": "20", "passed": "on"},
    )  # fmt: skip
    assert form.status_code == 302, form.content.decode()[:2000]
    assert Trainee.all_objects.filter(course_id=course_id).count() == 2
