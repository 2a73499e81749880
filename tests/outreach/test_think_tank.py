"""The 智库联盟: the province registers members, 深调研 reports with the counties visited and a PDF
checked by its content, and seminars; a member with a person is invited into the expert pool; the
members active in a year are counted for the talent KPI."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.outreach import selectors, services
from baiqianwan.outreach.models import ResearchReport, Seminar, ThinkTankMember
from baiqianwan.supply.models import ExpertProfile

from ..conftest import A, B

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def member(cast: dict[str, Any], **values: Any) -> ThinkTankMember:
    defaults = {
        "name": "罗院士",
        "category": "academician",
        "organisation_id": cast["org_a"].pk,
        "fields": "果树栽培、柚子病虫害",
        "joined_year": 2023,
    }
    return services.member_register(acting_user=cast["province"], **{**defaults, **values})


def test_the_province_keeps_the_think_tank(cast: dict[str, Any]) -> None:
    this_year = timezone.localdate().year
    member(cast)
    member(cast, name="陈委员", category="cppcc", joined_year=2023, left_year=2024)
    member(cast, name="新成员", category="entrepreneur", joined_year=this_year)
    assert selectors.active_think_tank_members() == 2
    assert selectors.active_think_tank_members(2024) == 2
    assert selectors.active_think_tank_members(2023) == 2
    with pytest.raises(PermissionDenied):
        services.member_register(
            acting_user=cast["city"], name="越权", category="other", organisation_id=cast["org_a"].pk,
            fields="领域", joined_year=2024,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"category": "king"}, "category"),
        ({"joined_year": 1900}, "joined_year"),
        ({"joined_year": 2999}, "joined_year"),
        ({"left_year": 2020}, "left_year"),  # before joining
        ({"name": "<b>某</b>人"}, "name"),
        ({"fields": "@SUM(A1)"}, "fields"),
        ({"person_id": 999999}, "person"),
    ],
)
def test_bad_members_are_refused(cast: dict[str, Any], values: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        member(cast, **values)
    assert field in caught.value.message_dict
    assert ThinkTankMember.all_objects.count() == 0


def test_a_member_is_invited_into_the_expert_pool(cast: dict[str, Any]) -> None:
    without = member(cast)
    with pytest.raises(ValidationError) as caught:
        services.member_invite_as_expert(acting_user=cast["province"], member_id=without.pk)
    assert "person" in caught.value.message_dict
    linked = member(cast, name="李四", person_id=cast["person_a"].pk)
    profile = services.member_invite_as_expert(acting_user=cast["province"], member_id=linked.pk)
    assert profile.person == cast["person_a"]
    assert profile.home_city_id == A["city"]
    linked.refresh_from_db()
    assert linked.expert_id == profile.pk
    # Twice, or a person who already has a profile: linked, not duplicated.
    again = services.member_invite_as_expert(acting_user=cast["province"], member_id=linked.pk)
    assert again.pk == profile.pk
    assert ExpertProfile.all_objects.filter(person=cast["person_a"]).count() == 1
    with pytest.raises(PermissionDenied):
        services.member_invite_as_expert(acting_user=cast["city"], member_id=linked.pk)


def test_reports_take_counties_and_only_a_real_pdf(cast: dict[str, Any]) -> None:
    one = member(cast)
    report = services.report_register(
        acting_user=cast["province"],
        title="粤北山区柚子产业深调研",
        year=2024,
        member_ids=[one.pk],
        county_codes=[A["county"], B["county"], "442000118000"],  # a 中山 town stands for its county
        summary="调研大埔、徐闻两县。",
    )
    assert report.counties.count() == 3
    for codes, field in (([A["city"]], "counties"), ([], "counties"), (["110101000000"], "counties")):
        with pytest.raises(ValidationError) as caught:
            services.report_register(
                acting_user=cast["province"],
                title="不合格的调研",
                year=2024,
                member_ids=[one.pk],
                county_codes=codes,
            )
        assert field in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.report_register(
            acting_user=cast["province"],
            title="没有成员的调研",
            year=2024,
            member_ids=[],
            county_codes=[A["county"]],
        )
    assert "members" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.report_attach(
            acting_user=cast["province"],
            report_id=report.pk,
            name="报告.pdf",
            data=b"MZ\x90\x00 an exe renamed",
        )
    assert (
        "不是PDF 文件" in caught.value.message_dict["file"][0]
        or "PDF" in caught.value.message_dict["file"][0]
    )
    report.refresh_from_db()
    assert not report.file
    services.report_attach(acting_user=cast["province"], report_id=report.pk, name="报告.pdf", data=PDF)
    report.refresh_from_db()
    assert report.file_name == "报告.pdf"
    assert ResearchReport.all_objects.count() == 1


def test_seminars(cast: dict[str, Any]) -> None:
    one = member(cast)
    seminar = services.seminar_register(
        acting_user=cast["province"],
        kind="forum",
        title="乡村振兴智库论坛",
        held_on=dt.date(2024, 12, 1),
        place_code=A["county"],
        member_ids=[one.pk],
        other_participants="县委书记、镇长",
        participant_count=60,
    )
    assert list(seminar.members.all()) == [one]
    for values, field in (
        ({"held_on": dt.date(2999, 1, 1)}, "held_on"),
        ({"participant_count": -3}, "participant_count"),
        ({"participant_count": 0}, "participant_count"),  # fewer than the members named
        ({"place_code": "120000000000"}, "place"),
    ):
        base = {"held_on": dt.date(2024, 1, 1), "place_code": A["county"], "participant_count": 10}
        with pytest.raises(ValidationError) as caught:
            services.seminar_register(
                acting_user=cast["province"], kind="seminar", title="不合格的研讨会", member_ids=[one.pk],
                **{**base, **values},
            )  # fmt: skip
        assert field in caught.value.message_dict
    assert Seminar.all_objects.count() == 1


def test_the_api_and_pages(cast: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    province = client_for(cast["province"])
    made = province.post(
        "/api/v1/outreach/members",
        data=json.dumps(
            {"name": "李四", "category": "scientist", "organisation_id": cast["org_a"].pk,
             "fields": "柚子", "person_id": cast["person_a"].pk, "joined_year": 2024}
        ),
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    member_id = made.json()["id"]
    invited = province.post(f"/api/v1/outreach/members/{member_id}/invite")
    assert invited.status_code == 200, invited.content
    report = province.post(
        "/api/v1/outreach/reports",
        data=json.dumps(
            {"title": "大埔县深调研", "year": 2025, "member_ids": [member_id], "county_codes": [A["county"]]}
        ),
        content_type="application/json",
    )
    assert report.status_code == 201, report.content
    url = f"/api/v1/outreach/reports/{report.json()['id']}/file"
    fake = province.post(url, {"file": io.BytesIO(b"<html>not a pdf</html>")})
    assert (fake.status_code, fake.json()["errors"][0]["field"]) == (422, "file")
    real = province.post(url, {"file": io.BytesIO(PDF)})
    assert real.status_code == 200
    assert real.json()["has_file"] is True
    report_id = report.json()["id"]
    download = province.get(f"/outreach/reports/{report_id}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    for role in (Role.CITY, Role.COUNTY, Role.TOWN, Role.ORG, Role.EXPERT):
        client = client_for(cast["users"][role])
        for page in ("/outreach/think-tank/", f"/outreach/think-tank/{member_id}/", "/outreach/reports/",
                     f"/outreach/reports/{report_id}/", "/outreach/seminars/"):  # fmt: skip
            assert client.get(page).status_code == 200, (role, page)
        assert client.get("/outreach/think-tank/new/").status_code == 403
        assert client.post(f"/outreach/think-tank/{member_id}/invite/").status_code == 403
    page = province.get(f"/outreach/think-tank/{member_id}/").content.decode()
    assert "已入库" in page


def test_active_members_are_a_part_of_the_talent_kpi(cast: dict[str, Any]) -> None:
    from baiqianwan.plan.selectors import LIVE_KPIS
    from baiqianwan.talent.selectors import TALENT_PARTS

    assert "当年活跃的智库联盟成员" in [str(part.label) for part in TALENT_PARTS]
    before = LIVE_KPIS["KPI-TALENT-SERVING"]()
    member(cast)
    assert LIVE_KPIS["KPI-TALENT-SERVING"]() == before + 1
