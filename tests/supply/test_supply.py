"""Achievements and expert profiles: services, Excel import/export, pages."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import Workbook, load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.fakes import make_id_number
from baiqianwan.core.imports import import_job_start
from baiqianwan.core.models import Job
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.supply import services
from baiqianwan.supply.importing import ACHIEVEMENT_SCHEMA, EXPERT_SCHEMA
from baiqianwan.supply.models import Achievement, ExpertProfile

from ..conftest import A, B, job_started


def workbook(schema: Any, rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([c.header for c in schema.columns])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def university(make_org: Callable[..., Organisation]) -> Organisation:
    return make_org("华南农业大学", "university", "440106000000")


def test_organisation_staff_register_their_own_achievements_only(
    university: Organisation, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    staff = make_user(Role.ORG, organisation=university)
    achievement = services.achievement_create(
        acting_user=staff,
        title="荔枝保鲜技術",
        abstract="采后预冷与冷链。",
        maturity="industrial",
        ip_type="patent",
        transfer_modes=["licence"],
        organisation=university,
    )
    assert achievement.title == "荔枝保鲜技术"
    other = make_org("徐闻公司", "enterprise", B["town"])
    with pytest.raises(PermissionDenied):
        services.achievement_create(
            acting_user=staff,
            title="冒名成果",
            abstract="……",
            maturity="lab",
            ip_type="patent",
            transfer_modes=["licence"],
            organisation=other,
        )
    with pytest.raises(ValidationError, match="转化方式"):
        services.achievement_create(
            acting_user=staff,
            title="缺少方式",
            abstract="……",
            maturity="lab",
            ip_type="patent",
            transfer_modes=["gift"],
            organisation=university,
        )


def test_achievement_import_reports_every_bad_cell(
    university: Organisation, make_user: Callable[..., User]
) -> None:
    staff = make_user(Role.ORG, organisation=university)
    good = [
        "柑橘黄龙病综合防控技术",
        "无病苗木与木虱统防统治。",
        "黄龙病 柚类",
        "沙田柚/蜜柚",
        "产业化推广",
        "技术秘密",
        "技术服务、许可",
        "面议",
        university.uscc,
        "",
        "",
    ]
    bad = [
        "某成果",
        "简介",
        "",
        "不存在的产业",
        "实验室阶段",
        "专利",
        "赠送",
        "",
        "914403001922038216",
        "",
        "",
    ]
    job = job_started(
        import_job_start,
        acting_user=staff,
        kind="achievements",
        filename="a.xlsx",
        data=workbook(ACHIEVEMENT_SCHEMA, [good, bad]),
    )
    assert job.status == Job.Status.FAILED
    cells = {(e["row"], e["column"]) for e in job.errors}
    assert {(3, "D"), (3, "G"), (3, "I")} <= cells
    assert not Achievement.all_objects.exists()
    job = job_started(
        import_job_start,
        acting_user=staff,
        kind="achievements",
        filename="a.xlsx",
        data=workbook(ACHIEVEMENT_SCHEMA, [good]),
    )
    assert job.status == Job.Status.SUCCEEDED, job.errors
    saved = Achievement.all_objects.get()
    assert saved.transfer_modes == ["service", "licence"]
    assert saved.industry_id == "FRUIT-POMELO"


def test_expert_import_needs_registered_people(
    university: Organisation, make_user: Callable[..., User], make_person: Callable[..., Person]
) -> None:
    staff = make_user(Role.ORG, organisation=university)
    person = make_person(university, "陈晓燕")
    stranger = make_id_number(
        random.Random(2), division_code="440106000000", born=dt.date(1970, 1, 1), female=True
    )
    rows = [
        [
            person.id_number,
            "柑橘黄龙病 木虱防控",
            "沙田柚/蜜柚、柑橘",
            "广州市",
            "粤语、客家话",
            "可接受对接",
            "研究员",
        ],
        [stranger, "茶叶加工", "红茶", "深圳", "闽南话", "", ""],
    ]
    job = job_started(
        import_job_start,
        acting_user=staff,
        kind="experts",
        filename="e.xlsx",
        data=workbook(EXPERT_SCHEMA, rows),
    )
    assert job.status == Job.Status.FAILED
    messages = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "未登记" in messages[(3, "A")]
    assert "地级市" in messages[(3, "D")]
    assert "方言只能填" in messages[(3, "E")]
    job = job_started(
        import_job_start,
        acting_user=staff,
        kind="experts",
        filename="e.xlsx",
        data=workbook(EXPERT_SCHEMA, rows[:1]),
    )
    assert job.status == Job.Status.SUCCEEDED, job.errors
    profile = ExpertProfile.all_objects.get()
    assert profile.dialects == ["cantonese", "hakka"]
    assert sorted(profile.industries.values_list("code", flat=True)) == ["FRUIT-CITRUS", "FRUIT-POMELO"]


def test_exports_mask_personal_numbers_for_roles_that_do_not_need_them(
    university: Organisation,
    make_person: Callable[..., Person],
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    person = make_person(university, "陈晓燕")
    ExpertProfile.all_objects.create(person=person, keywords="柚类", home_city_id="440100000000")
    town = make_user(Role.TOWN, A["town"])
    response = client_for(town).get("/supply/experts/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[1][0] == person.id_number_masked
    assert person.id_number not in str(rows)


def test_private_achievements_stay_inside_their_organisation(
    university: Organisation, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    hidden = Achievement.all_objects.create(
        title="未公开的育种材料",
        abstract="内部。",
        maturity="lab",
        ip_type="variety",
        transfer_modes=["joint"],
        organisation=university,
        is_public=False,
    )
    assert (
        client_for(make_user(Role.TOWN, A["town"])).get(f"/supply/achievements/{hidden.pk}/").status_code
        == 404
    )
    assert (
        client_for(make_user(Role.ORG, organisation=university))
        .get(f"/supply/achievements/{hidden.pk}/")
        .status_code
        == 200
    )
