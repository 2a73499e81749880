"""County research outposts: who registers them where, bad input named by field with nothing stored,
closing, yearly results; the API and the pages for each role; the export; KPI-COUNTY-OUTPOSTS live on
the plan page."""

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
from baiqianwan.plan.selectors import LIVE_KPIS
from baiqianwan.plan.services import plan_load
from baiqianwan.talent import services
from baiqianwan.talent.models import Outpost, OutpostResult

from ..conftest import A, B
from .conftest import outpost

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def test_the_host_and_the_bureau_of_the_place_register(cast: dict[str, Any]) -> None:
    mine = outpost(cast, staff_ids=[cast["researcher"].pk])
    assert (mine.host, mine.in_east_west_north, mine.staff_on_site) == (cast["university"], True, 6)
    assert list(mine.staff.all()) == [cast["researcher"]]
    # 大埔县's bureau registers the institute's 试验站 in its own county.
    station = services.outpost_register(
        acting_user=cast["county"],
        county_code=A["county"],
        host_id=cast["institute"].pk,
        name="省农科院大埔试验站",
        kind="experiment",
        staff_on_site=3,
        opened_on=dt.date(2024, 1, 1),
    )
    assert station.host == cast["institute"]
    # ... but not in 徐闻县, which is not its region.
    with pytest.raises(ValidationError) as refused:
        services.outpost_register(
            acting_user=cast["county"],
            county_code=B["county"],
            host_id=cast["institute"].pk,
            name="越权登记的试验站",
            kind="experiment",
            opened_on=dt.date(2024, 1, 1),
        )
    assert "county" in refused.value.message_dict
    # A unit account registers its own outposts only; a town or a commissioner none.
    with pytest.raises(ValidationError):
        outpost(cast, name="替别人登记的研究院", host_id=cast["institute"].pk)
    for role in (Role.TOWN, Role.COMMISSIONER, Role.EXPERT):
        with pytest.raises(PermissionDenied):
            services.outpost_register(
                acting_user=cast["users"][role], county_code=A["county"], name="某县域研究院", kind="station"
            )
    assert LIVE_KPIS["KPI-COUNTY-OUTPOSTS"]() == 2.0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"county_code": A["town"]}, "county"),  # a town, not a county
        ({"county_code": A["city"]}, "county"),  # a city
        ({"county_code": "110101000000"}, "county"),  # 北京: outside Guangdong
        ({"name": "<script>alert(1)</script>研究院"}, "name"),
        ({"name": '=HYPERLINK("x")研究院'}, "name"),
        ({"fields": "病虫害\x07防控"}, "fields"),
        ({"kind": "castle"}, "kind"),
        ({"staff_on_site": -1}, "staff_on_site"),
        ({"staff_on_site": 10_000_000}, "staff_on_site"),
        ({"opened_on": "2999-01-01"}, "opened_on"),
        ({"agreement_signed_on": "2999-01-01"}, "agreement_signed_on"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    cast: dict[str, Any], values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        outpost(cast, **values)
    assert field in refused.value.message_dict
    assert not Outpost.all_objects.exists()


def test_results_once_a_year_and_closing(cast: dict[str, Any]) -> None:
    made = outpost(cast)
    services.outpost_result_record(
        acting_user=cast["university_user"],
        outpost_id=made.pk,
        year=2024,
        demands_solved=3,
        people_trained=120,
    )
    services.outpost_result_record(
        acting_user=cast["county"], outpost_id=made.pk, year=2024, demands_solved=4, summary="更正"
    )
    result = OutpostResult.all_objects.get(outpost=made)
    assert (result.demands_solved, result.people_trained, result.summary) == (4, 0, "更正")
    with pytest.raises(ValidationError) as refused:
        services.outpost_result_record(acting_user=cast["county"], outpost_id=made.pk, year=2999)
    assert "year" in refused.value.message_dict
    with pytest.raises(PermissionDenied):  # 徐闻's bureau: not its outpost
        services.outpost_close(acting_user=cast["xuwen"], outpost_id=made.pk, closed_on=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):  # before it opened
        services.outpost_close(acting_user=cast["county"], outpost_id=made.pk, closed_on=dt.date(2020, 1, 1))
    services.outpost_close(acting_user=cast["county"], outpost_id=made.pk, closed_on=dt.date(2025, 1, 1))
    assert LIVE_KPIS["KPI-COUNTY-OUTPOSTS"]() == 0.0


def test_the_api(cast: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    client = client_for(cast["university_user"])
    made = send(
        client,
        "POST",
        "/api/v1/talent/outposts",
        {
            "name": "华南农业大学徐闻菠萝工作站",
            "kind": "station",
            "county_code": B["county"],
            "staff_on_site": 4,
            "opened_on": "2024-09-01",
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["host_name"], body["county_code"], body["version"]) == ("华南农业大学", B["county"], 0)
    url = f"/api/v1/talent/outposts/{body['id']}"
    edited = send(client, "PATCH", url, {"staff_on_site": 5, "version": 0})
    assert (edited.status_code, edited.json()["staff_on_site"]) == (200, 5)
    assert send(client, "PATCH", url, {"staff_on_site": 7, "version": 0}).status_code == 409
    recorded = send(client, "POST", f"{url}/results", {"year": 2025, "people_trained": 80})
    assert recorded.status_code == 201, recorded.content
    assert client.get(f"{url}/results").json()[0]["people_trained"] == 80
    figures = client.get("/api/v1/talent/outposts/map").json()
    assert (figures["open"], figures["staff_on_site"]) == (1, 5)
    assert figures["cities"][0]["name"] == "湛江市"
    # 大埔's bureau reads the public outpost but cannot change it.
    dabu = client_for(cast["county"])
    assert dabu.get(url).status_code == 200
    assert send(dabu, "PATCH", url, {"fields": "越权"}).status_code == 403
    bad = send(
        client,
        "POST",
        "/api/v1/talent/outposts",
        {**body, "name": "<b>x</b>研究院", "county_code": A["town"]},
    )
    assert bad.status_code == 422
    closed = send(client, "POST", f"{url}/close", {"closed_on": "2025-06-01"})
    assert closed.json()["closed_on"] == "2025-06-01"


def test_the_pages_for_each_role(cast: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    made = outpost(cast)
    for role in (
        Role.PROVINCE,
        Role.CITY,
        Role.COUNTY,
        Role.TOWN,
        Role.VILLAGE,
        Role.ORG,
        Role.EXPERT,
        Role.COMMISSIONER,
    ):
        client = client_for(cast["users"][role])
        page = client.get("/talent/")
        assert page.status_code == 200, role
        assert "华南农业大学大埔蜜柚研究院" in page.content.decode()
        assert client.get(f"/talent/outposts/{made.pk}/").status_code == 200
        new = client.get("/talent/outposts/new/").status_code
        assert new == (200 if role in (Role.PROVINCE, Role.CITY, Role.COUNTY) else 403), role
    county = client_for(cast["county"])
    response = county.post(
        "/talent/outposts/new/",
        {
            "county": A["county"],
            "host": cast["institute"].pk,
            "name": "广东省农业科学院大埔分中心",
            "kind": "branch",
            "staff_on_site": "2",
            "opened_on": "2025-01-01",
            "is_public": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    refused = county.post(
        "/talent/outposts/new/",
        {
            "county": B["county"],
            "host": cast["institute"].pk,
            "name": "越权研究院",
            "kind": "branch",
            "staff_on_site": "2",
            "opened_on": "2025-01-01",
        },
    )
    assert refused.status_code == 200
    assert not Outpost.all_objects.filter(name="越权研究院").exists()
    host = client_for(cast["university_user"])
    assert host.get("/talent/outposts/new/").status_code == 200
    assert (
        host.post(
            f"/talent/outposts/{made.pk}/",
            {"year": "2025", "demands_solved": "2", "achievements_transferred": "1", "people_trained": "30"},
        ).status_code
        == 302
    )
    edit = host.post(
        f"/talent/outposts/{made.pk}/edit/",
        {
            "name": made.name,
            "kind": "institute",
            "staff_on_site": "8",
            "opened_on": "2024-03-01",
            "version": "0",
        },
    )
    assert edit.status_code == 302, edit.content.decode()[:3000]
    closed = host.post(
        f"/talent/outposts/{made.pk}/steps/close/", {"closed_on": "2025-04-01", "version": "1"}
    )
    assert closed.status_code == 302
    made.refresh_from_db()
    assert (made.staff_on_site, made.closed_on) == (8, dt.date(2025, 4, 1))
    filtered = client_for(cast["province"]).get(
        "/talent/", {"status": "open", "kind": "branch", "region": "north"}
    )
    body = filtered.content.decode()
    assert "广东省农业科学院大埔分中心" in body
    assert "华南农业大学大埔蜜柚研究院" not in body


def test_the_export_writes_formulas_as_text(
    cast: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    cast["university"].name = "=1+1 大学"
    cast["university"].save()
    outpost(cast)
    response = client_for(cast["county"]).get("/talent/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "=1+1 大学"]
    assert cells
    assert all(cell.data_type == "s" for cell in cells)


def test_the_plan_page_shows_the_kpi_live(cast: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    plan_load()
    outpost(cast)
    outpost(cast, name="华南农业大学徐闻菠萝工作站", county_code=B["county"], kind="station")
    page = client_for(cast["province"]).get("/plan/").content.decode()
    row = page[page.index("科研院校县域研究机构数") :].split("</tr>")[0]
    assert "实时统计" in row
    assert "待相关模块接入" not in row
    assert '<td class="text-end">2 个' in row
    assert "科研院校县域研究机构" in page  # the measure's activity under 三(七)一是
