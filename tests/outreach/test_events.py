"""科普 events: reported by the region where they were held, read by everyone signed in; bad input a
Chinese error naming the field with nothing stored; the list, map, export and balance view."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.outreach import selectors, services
from baiqianwan.outreach.models import OutreachEvent

from ..conftest import A, B
from .conftest import GUANGZHOU_DISTRICT, event

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def test_a_county_reports_an_event_in_its_region(cast: dict[str, Any]) -> None:
    made = event(cast, speakers="张院士，李教授、王老师")
    assert made.in_east_west_north is True
    assert made.speakers == "张院士、李教授、王老师"
    assert made.created_by == cast["county"]
    # Town and city offices report in their region too; the province anywhere.
    services.event_report(
        acting_user=cast["town"],
        kind="science_week",
        title="湖寮镇科技周科普展",
        organiser_id=cast["society"].pk,
        place_code=A["village"],
        held_on=dt.date(2025, 5, 25),
        audience_kind="farmers",
        audience_size=120,
    )
    services.event_report(
        acting_user=cast["province"],
        kind="lecture",
        title="南澳科学会议科普论坛",
        organiser_id=cast["society"].pk,
        place_code="440523000000",  # 南澳县
        held_on=dt.date(2025, 1, 8),
        audience_kind="teachers",
        audience_size=200,
    )
    assert OutreachEvent.all_objects.count() == 3


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"place_code": B["town"]}, "place"),  # outside the county's region
        ({"place_code": A["city"]}, "place"),  # a city where a county, town or village is needed
        ({"place_code": "110101000000"}, "place"),  # outside Guangdong
        ({"held_on": dt.date(2999, 1, 1)}, "held_on"),
        ({"audience_size": -5}, "audience_size"),
        ({"audience_size": 50_000_000}, "audience_size"),
        ({"title": "<script>alert(1)</script>"}, "title"),
        ({"title": '=HYPERLINK("x")科普'}, "title"),
        ({"summary": "正常\x07文字"}, "summary"),
        ({"kind": "party"}, "kind"),
        ({"audience_kind": "aliens"}, "audience_kind"),
        ({"organiser_id": 999999}, "organiser"),
        ({"speaker_ids": [999999]}, "speaker_ids"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    cast: dict[str, Any], values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        event(cast, **values)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert OutreachEvent.all_objects.count() == 0


def test_who_may_report_and_change(cast: dict[str, Any]) -> None:
    made = event(cast)
    for user in (cast["village"], cast["college_user"], cast["users"][Role.EXPERT]):
        with pytest.raises(PermissionDenied):
            services.event_report(
                acting_user=user,
                place_code=A["village"],
                kind="other",
                title="越权登记的活动",
                organiser_id=cast["society"].pk,
                held_on=dt.date(2025, 1, 1),
                audience_kind="other",
                audience_size=1,
            )
    with pytest.raises(PermissionDenied):
        services.event_update(acting_user=cast["xuwen"], event_id=made.pk, title="越权修改的名称")
    changed = services.event_update(acting_user=cast["city"], event_id=made.pk, version=0, audience_size=350)
    assert (changed.audience_size, changed.version) == (350, 1)


def test_everyone_signed_in_reads_public_events_but_not_private_ones(cast: dict[str, Any]) -> None:
    public = event(cast)
    private = event(cast, title="内部统计的科普活动", is_public=False)
    for user in (cast["xuwen"], cast["college_user"], cast["users"][Role.EXPERT]):
        seen = set(selectors.event_list(user=user).values_list("pk", flat=True))
        assert public.pk in seen
        assert private.pk not in seen
    assert private.pk in set(selectors.event_list(user=cast["town"]).values_list("pk", flat=True))


def test_the_balance_view_shows_the_gap_per_county(cast: dict[str, Any]) -> None:
    for n in range(4):
        services.event_report(
            acting_user=cast["tianhe"],
            kind="lecture",
            title=f"天河区科普讲座第{n + 1}场",
            organiser_id=cast["society"].pk,
            place_code=GUANGZHOU_DISTRICT,
            held_on=dt.date(2025, 4, 1 + n),
            audience_kind="residents",
            audience_size=100,
        )
    event(cast)
    balance = selectors.event_balance(user=cast["province"], year=2025)
    rows = {r["region"]: r for r in balance["rows"]}
    assert balance["basis"] == "county"
    assert (rows["prd"]["events"], rows["north"]["events"], rows["east"]["events"]) == (4, 1, 0)
    assert rows["prd"]["events_per_county"] > rows["north"]["events_per_county"]
    assert rows["north"]["gap"] < 0
    assert rows["prd"]["gap"] == 0
    assert rows["north"]["reached"] == 1
    assert selectors.event_balance(user=cast["province"], year=2024)["rows"][0]["events"] == 0


def test_the_api_reports_edits_and_refuses(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    county = client_for(cast["county"])
    body = {
        "kind": "countryside",
        "title": "文化科技卫生三下乡进大埔",
        "organiser_id": cast["society"].pk,
        "place_code": A["village"],
        "held_on": "2025-01-15",
        "audience_kind": "farmers",
        "audience_size": 500,
        "speakers": "农技专家",
        "speaker_ids": [cast["person_a"].pk],
    }
    made = send(county, "POST", "/api/v1/outreach/events", body)
    assert made.status_code == 201, made.content
    url = f"/api/v1/outreach/events/{made.json()['id']}"
    assert send(county, "PATCH", url, {"audience_size": 520, "version": 0}).json()["version"] == 1
    assert send(county, "PATCH", url, {"audience_size": 530, "version": 0}).status_code == 409
    for values, field in (
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"place_code": A["city"]}, "place"),
        ({"audience_size": -1}, "audience_size"),
        ({"title": "=1+1"}, "title"),
    ):
        refused = send(county, "POST", "/api/v1/outreach/events", {**body, **values})
        assert refused.status_code == 422, refused.content
        assert field in {e["field"] for e in refused.json()["errors"]}
        assert "不" in refused.json()["detail"] or "须" in refused.json()["detail"]
    assert OutreachEvent.all_objects.count() == 1
    zhanjiang = client_for(cast["zhanjiang"])
    assert zhanjiang.get(url).status_code == 200
    assert send(zhanjiang, "PATCH", url, {"title": "越权修改的活动名称"}).status_code == 403
    reach = county.get("/api/v1/outreach/events/reach").json()
    assert reach["cities"][0]["code"] == "4414"
    assert reach["audience"] == 520
    balance = county.get("/api/v1/outreach/events/balance", {"year": 2025}).json()
    assert {r["region"] for r in balance["rows"]} == {"prd", "east", "west", "north"}


def test_the_pages_for_each_role(cast: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    made = event(cast)
    for role in (Role.PROVINCE, Role.CITY, Role.COUNTY, Role.TOWN, Role.VILLAGE, Role.ORG, Role.EXPERT):
        client = client_for(cast["users"][role])
        for url in ("/outreach/", "/outreach/balance/", f"/outreach/events/{made.pk}/"):
            page = client.get(url)
            assert page.status_code == 200, (role, url)
        assert "院士走进大埔县中小学科普报告会" in client.get("/outreach/").content.decode()
        new = client.get("/outreach/events/new/").status_code
        assert new == (200 if role in (Role.PROVINCE, Role.CITY, Role.COUNTY, Role.TOWN) else 403), role
    town = client_for(cast["town"])
    posted = town.post(
        "/outreach/events/new/",
        {
            "place": A["village"],
            "kind": "science_week",
            "title": "长教村科普日活动",
            "organiser": cast["society"].pk,
            "held_on": "2025-09-20",
            "audience_kind": "farmers",
            "audience_size": 80,
            "is_public": "on",
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:3000]
    refused = town.post(
        "/outreach/events/new/",
        {
            "place": A["village"],
            "kind": "science_week",
            "title": "未来的科普日活动",
            "organiser": cast["society"].pk,
            "held_on": "2999-09-20",
            "audience_kind": "farmers",
            "audience_size": 80,
        },
    )
    assert refused.status_code == 200
    assert "举办日期不能晚于今天" in refused.content.decode()
    edit = client_for(cast["county"]).post(
        f"/outreach/events/{made.pk}/edit/",
        {
            "kind": "academician_school",
            "title": made.title,
            "organiser": cast["society"].pk,
            "held_on": "2025-05-20",
            "audience_kind": "students",
            "audience_size": 320,
            "is_public": "on",
            "version": "0",
        },
    )
    assert edit.status_code == 302
    made.refresh_from_db()
    assert made.audience_size == 320
    assert client_for(cast["xuwen"]).get(f"/outreach/events/{made.pk}/edit/").status_code == 403


def test_the_export_writes_formulas_as_text(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    cast["society"].name = "=1+1 科协"
    cast["society"].save()
    event(cast)
    response = client_for(cast["county"]).get("/outreach/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "=1+1 科协"]
    assert cells
    assert all(cell.data_type == "s" for cell in cells)
