"""The calls as their users meet them in the browser and over the API: the province writes and
publishes a call, a 梅州 company applies jointly with a university, the county recommends, the
province checks; bad input is refused by name and nothing partial is stored."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus, Carrier
from baiqianwan.orgs.models import Organisation

from .fixtures import CENTRE_VALUES, PDF, definition


def test_the_province_writes_and_publishes_a_call_on_its_pages(
    province: User, client_for: Callable[[User], Client]
) -> None:
    services.call_type_load(acting_user=province, data=definition("engineering_centre"))
    client = client_for(province)
    assert client.get("/calls/new/").status_code == 200
    response = client.post(
        "/calls/new/",
        {
            "call_type": "engineering_centre",
            "title": "2026年度广东省工程技术研究中心认定",
            "year": "2026",
            "guide": "重点支持县域特色产业领域的工程中心建设，鼓励企业与高校院所联合申报。",
            "opens_at": "2026-03-01T09:00",
            "closes_at": "2099-04-30T17:00",
            "reviewers_per_application": "5",
            "publicity_days": "7",
        },
    )
    call = Call.objects.get()
    assert response.status_code == 302
    client.post(f"/calls/{call.pk}/steps/publish/")
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    page = client.get("/calls/").content.decode()
    assert "2026年度广东省工程技术研究中心认定" in page


def test_a_company_applies_jointly_through_the_form_and_the_offices_take_it_on(
    open_call: Callable[..., Call],
    enterprise: User,
    university: Organisation,
    world: dict[str, Any],
    client_for: Callable[[User], Client],
) -> None:
    call = open_call()
    company = client_for(enterprise)
    detail = company.get(f"/calls/{call.pk}/").content.decode()
    assert "我要申报" in detail
    form = {"title": "广东省柚类精深加工工程技术研究中心", **{f"v_{k}": v for k, v in CENTRE_VALUES.items()}}
    form.update({"p1_organisation": str(university.pk), "p1_equipment_value": "90", "p1_researchers": "6"})
    form["p1_qualified_researchers"] = "5"
    response = company.post(f"/calls/{call.pk}/apply/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.all_objects.get()
    page = company.get(f"/calls/applications/{application.pk}/").content.decode()
    assert "专职科研人员 18 人（含共建单位 6 人）≥ 粤东西北门槛 10 人" in page  # the live preview
    for spec in ("licence", "equipment_list"):
        company.post(
            f"/calls/applications/{application.pk}/attach/",
            {"spec": spec, "file": io.BytesIO(PDF)},
        )
    assert application.attachments.count() == 2
    download = company.get(
        f"/calls/applications/{application.pk}/files/{application.attachments.first().pk}/"
    )
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    company.post(f"/calls/applications/{application.pk}/submit/")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    county = client_for(world["users"][Role.COUNTY])
    assert "推荐" in county.get(f"/calls/applications/{application.pk}/").content.decode()
    county.post(
        f"/calls/applications/{application.pk}/step/", {"action": "recommend", "version": application.version}
    )
    province = client_for(world["users"][Role.PROVINCE])
    province.post(f"/calls/applications/{application.pk}/step/", {"action": "accept"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    # Another unit, and 湛江's bureau, see nothing of it.
    assert (
        client_for(world["users"][Role.ORG]).get(f"/calls/applications/{application.pk}/").status_code == 404
    )
    assert client_for(world["user_b"]).get(f"/calls/applications/{application.pk}/").status_code == 404
    assert (
        client_for(world["user_b"])
        .get(f"/calls/applications/{application.pk}/files/{application.attachments.first().pk}/")
        .status_code
        == 404
    )


def test_bad_answers_come_back_on_the_form_by_field(
    open_call: Callable[..., Call], enterprise: User, client_for: Callable[[User], Client]
) -> None:
    call = open_call()
    response = client_for(enterprise).post(
        f"/calls/{call.pk}/apply/",
        {
            "title": "柚类加工工程中心",
            "v_researchers": "-3",
            "v_revenue": "很多",
            "v_direction": "=cmd|' /C calc'!A0",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "专职科研人员：不能小于 0 人" in page
    assert "上一年度主营业务收入：须是数字" in page
    assert not Application.all_objects.exists()


def test_a_broken_call_type_file_lists_every_problem(
    province: User, client_for: Callable[[User], Client]
) -> None:
    broken = definition("engineering_centre")
    broken["fields"][0]["type"] = "colour"
    broken["review"]["rubric"][0]["weight"] = 0
    upload = io.BytesIO(json.dumps(broken, ensure_ascii=False).encode())
    upload.name = "centre.json"
    page = client_for(province).post("/calls/types/", {"file": upload}).content.decode()
    assert "fields[0].type：取值不在可选范围内" in page
    assert "review.rubric[0].weight：须大于 0" in page
    good = io.BytesIO(json.dumps(definition("engineering_centre"), ensure_ascii=False).encode())
    good.name = "centre.json"
    assert client_for(province).post("/calls/types/", {"file": good}).status_code == 302
    assert client_for(province).get("/calls/types/").status_code == 200


def test_the_register_lists_and_exports_carriers(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    Carrier.all_objects.create(
        kind="工程技术研究中心",
        name="广东省蜜柚加工工程技术研究中心",
        organisation=world["org_a"],
        division_id=world["org_a"].division_id,
        in_east_west_north=True,
        certified_on="2025-11-20",
    )
    client = client_for(world["users"][Role.TOWN])
    assert (
        "广东省蜜柚加工工程技术研究中心" in client.get("/calls/carriers/?east_west_north=on").content.decode()
    )
    export = client.get("/calls/carriers/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[1][1] == "广东省蜜柚加工工程技术研究中心"
    api = client.get("/api/v1/calls/carriers?east_west_north=true").json()
    assert api["count"] == 1


def test_the_api_runs_the_same_steps_with_clear_errors(
    open_call: Callable[..., Call],
    enterprise: User,
    university: Organisation,
    world: dict[str, Any],
    client_for: Callable[[User], Client],
) -> None:
    call = open_call()
    company = client_for(enterprise)
    refused = company.post(
        "/api/v1/calls/applications",
        {"call_id": call.pk, "title": "柚类加工工程中心", "values": {"researchers": "abc"}},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "researchers"
    created = company.post(
        "/api/v1/calls/applications",
        {
            "call_id": call.pk,
            "title": "广东省柚类精深加工工程技术研究中心",
            "values": CENTRE_VALUES,
            "partners": [
                {
                    "organisation_id": university.pk,
                    "values": {"researchers": "6", "equipment_value": "90", "qualified_researchers": "5"},
                }
            ],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    application_id = created.json()["id"]
    for spec in ("licence", "equipment_list"):
        upload = io.BytesIO(PDF)
        upload.name = f"{spec}.pdf"
        response = company.post(
            f"/api/v1/calls/applications/{application_id}/attachments?spec={spec}", {"file": upload}
        )
        assert response.status_code == 201, response.content
    submitted = company.post(
        f"/api/v1/calls/applications/{application_id}/submit", {}, content_type="application/json"
    )
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["eligible"] is True
    wrong = client_for(world["user_b"]).post(
        f"/api/v1/calls/applications/{application_id}/steps",
        {"action": "recommend"},
        content_type="application/json",
    )
    assert wrong.status_code == 404
    city = client_for(world["users"][Role.CITY])
    done = city.post(
        f"/api/v1/calls/applications/{application_id}/steps",
        {"action": "recommend"},
        content_type="application/json",
    )
    assert done.json()["status"] == "recommended"
    assert company.get(f"/api/v1/calls/applications/{10**30}").status_code in (404, 422)
    assert (
        client_for(world["users"][Role.CITY])
        .post("/api/v1/calls", {"call_type": "x"}, content_type="application/json")
        .status_code
        == 422
    )


def test_every_step_button_on_the_call_page_takes_its_step(
    open_call: Callable[..., Call],
    province: User,
    world: dict[str, Any],
    client_for: Callable[[User], Client],
) -> None:
    """Each of the call's own buttons posts where the step is taken; 发布公示 once posted to the
    公示 page itself (its URL and the step's were the same), which showed an empty list and did nothing."""
    call = open_call()
    client = client_for(province)

    def press(label: str) -> None:
        page = client.get(f"/calls/{call.pk}/").content.decode()
        match = re.search(
            rf'<form method="post" action="([^"]+)">[^<]*<input[^>]*>\s*<button[^>]*>{label}<', page
        )
        assert match, f"没有“{label}”按钮"
        assert client.post(match.group(1)).status_code == 302

    press("截止申报")
    assert Call.objects.get(pk=call.pk).status == CallStatus.CLOSED
    Call.objects.filter(pk=call.pk).update(status=CallStatus.PROVISIONAL)
    application = Application.all_objects.create(
        call=call,
        reference="2025-001-0001",
        title="广东省柚类精深加工工程技术研究中心",
        applicant=world["org_a"],
        division_id=world["org_a"].division_id,
        status=ApplicationStatus.PROVISIONAL,
        submitted_by=province,
    )
    press("发布公示")
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLICITY
    assert call.publicity_starts is not None
    assert application.title in client.get(f"/calls/{call.pk}/publicity/").content.decode()


def test_a_city_bureaus_nomination_shows_the_bureau_as_nominator(
    open_call: Callable[..., Call],
    world: dict[str, Any],
    make_org: Callable[..., Organisation],
    client_for: Callable[[User], Client],
) -> None:
    """A nomination made by a city bureau has no nominating organisation; its page once failed
    (a template default looked up the missing organisation's name) instead of naming the city."""
    call = open_call("promotion_award", title="2025年度科技成果推广奖（粤东粤西粤北）")
    city = world["users"][Role.CITY]
    nominee = make_org("梅州市农林科学院", "institute")
    nomination = services.application_create(
        acting_user=city,
        call_id=call.pk,
        title="金柚高效栽培技术集成与推广",
        values={"achievement": "金柚高效栽培技术", "application_region": "441422100000", "benefit": "800"},
        applicant_id=nominee.pk,
    )
    response = client_for(city).get(f"/calls/applications/{nomination.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"提名单位</dt><dd[^>]*>梅州市</dd>", page)


def test_a_submitted_nomination_says_it_goes_to_the_province(
    open_call: Callable[..., Call],
    world: dict[str, Any],
    make_org: Callable[..., Organisation],
    client_for: Callable[[User], Client],
) -> None:
    """A nomination skips the local recommendation; the bureau that submits it was once told it
    would wait for the local bureau's recommendation."""
    call = open_call("promotion_award", title="2025年度科技成果推广奖（粤东粤西粤北）")
    city = world["users"][Role.CITY]
    nomination = services.application_create(
        acting_user=city,
        call_id=call.pk,
        title="金柚高效栽培技术集成与推广",
        values={
            "achievement": "金柚高效栽培技术",
            "lead_person": "李振华",
            "application_region": "441422100000",
            "benefit": "800",
            "summary": "在大埔县推广金柚高效栽培。",
        },
        applicant_id=make_org("梅州市农林科学院", "institute").pk,
    )
    for spec in ("application_evidence", "benefit_evidence"):
        services.application_attach(
            acting_user=city, application_id=nomination.pk, spec=spec, name="a.pdf", data=PDF
        )
    response = client_for(city).post(f"/calls/applications/{nomination.pk}/submit/", follow=True)
    page = response.content.decode()
    assert "已提交提名，等待省科技厅形式审查" in page
    assert "等待所在地科技部门推荐" not in page
    assert Application.all_objects.get(pk=nomination.pk).status == ApplicationStatus.RECOMMENDED


def test_deciding_a_call_that_certifies_nothing_does_not_speak_of_the_register(
    open_call: Callable[..., Call],
    province: User,
    world: dict[str, Any],
    client_for: Callable[[User], Client],
) -> None:
    """A talent call's decision selects teams; it once said certified carriers had entered the
    register, where nothing had."""
    call = open_call("talent_team", title="2025年度乡村振兴科技创新团队")
    today = timezone.localdate()
    Call.objects.filter(pk=call.pk).update(
        status=CallStatus.PUBLICITY,
        publicity_starts=today - dt.timedelta(days=8),
        publicity_ends=today - dt.timedelta(days=1),
    )
    Application.all_objects.create(
        call=call,
        reference="2025-001-0001",
        title="客家山区茶产业服务团队",
        applicant=world["org_a"],
        division_id=world["org_a"].division_id,
        status=ApplicationStatus.PROVISIONAL,
        submitted_by=province,
    )
    response = client_for(province).post(
        f"/calls/{call.pk}/decide/", {"decision_number": "粤科函农字〔2025〕104号"}, follow=True
    )
    page = response.content.decode()
    assert "已作出决定，入选名单已确定" in page
    assert "认定的载体已进入名录" not in page
    assert Call.objects.get(pk=call.pk).status == CallStatus.DECIDED
    assert not Carrier.all_objects.exists()
