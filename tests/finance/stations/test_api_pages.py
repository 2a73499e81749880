"""The network over the API and on its pages: register, edit, close and record activities; bad input
a 422 naming the field with nothing stored; the pages for each role; the export writes formulas as
text; the plan page shows KPI-EWN-FIN-CENTRES live."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.finance.models import ServiceStation, StationActivity
from baiqianwan.plan.services import plan_load

from ...conftest import A, B
from .conftest import county_station

pytestmark = pytest.mark.django_db

STATION = {
    "name": "湖寮镇科技金融服务站",
    "division_code": A["town"],
    "services": ["credit", "policy"],
    "contact": "张晓燕",
    "phone": "13800138000",
    "opened_on": "2024-09-01",
}


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def test_the_api_registers_edits_closes_and_records(
    network: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    county = client_for(network["county"])
    made = send(county, "POST", "/api/v1/finance/stations", {**STATION, "parent_id": network["centre"].pk})
    assert made.status_code == 201, made.content
    station = made.json()
    assert (station["level"], station["in_east_west_north"], station["version"]) == ("town", True, 0)
    url = f"/api/v1/finance/stations/{station['id']}"
    edited = send(county, "PATCH", url, {"contact": "李建华", "version": 0})
    assert (edited.status_code, edited.json()["version"]) == (200, 1)
    stale = send(county, "PATCH", url, {"contact": "王五", "version": 0})
    assert stale.status_code == 409
    activity = send(
        county,
        "POST",
        f"{url}/activities",
        {"held_on": "2025-01-10", "kind": "training", "title": "科技信贷产品培训", "attendance": 40},
    )
    assert activity.status_code == 201, activity.content
    listed = county.get(f"{url}/activities").json()
    assert [a["title"] for a in listed["items"]] == ["科技信贷产品培训"]
    closed = send(county, "POST", f"{url}/close", {"closed_on": "2025-02-01", "version": 1})
    assert (closed.status_code, closed.json()["closed_on"]) == (200, "2025-02-01")
    network_figures = county.get("/api/v1/finance/stations/network").json()
    assert network_figures["open"] == 1  # the centre; the town station is closed
    # 湛江's bureau: the public station reads, but is not theirs to change.
    zhanjiang = client_for(network["zhanjiang"])
    assert zhanjiang.get(url).status_code == 200
    assert send(zhanjiang, "PATCH", url, {"contact": "越权"}).status_code == 403


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"division_code": B["town"]}, "division"),
        ({"name": "<b>服务站</b>"}, "name"),
        ({"services": ["unknown"]}, "services"),
        ({"opened_on": "2999-01-01"}, "opened_on"),
        ({"host_id": 999999}, "host"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    network: dict[str, Any], client_for: Callable[[User], Client], values: dict[str, Any], field: str
) -> None:
    before = ServiceStation.all_objects.count()
    response = send(client_for(network["county"]), "POST", "/api/v1/finance/stations", {**STATION, **values})
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert ServiceStation.all_objects.count() == before


def test_the_pages_for_each_role(network: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    station = county_station(network)
    for role in (Role.PROVINCE, Role.CITY, Role.COUNTY, Role.TOWN, Role.VILLAGE, Role.ORG, Role.EXPERT):
        client = client_for(network["users"][role])
        page = client.get("/finance/stations/")
        assert page.status_code == 200, role
        assert "大埔县科技金融服务站" in page.content.decode()
        assert client.get(f"/finance/stations/{station.pk}/").status_code == 200
        new = client.get("/finance/stations/new/").status_code
        assert new == (200 if role in (Role.PROVINCE, Role.CITY, Role.COUNTY) else 403), role
    county = client_for(network["county"])
    response = county.post(
        "/finance/stations/new/",
        {
            "division": A["village"],
            "name": "长教村科技金融服务点",
            "parent": network["centre"].pk,
            "services": ["insurance", "credit"],
            "opened_on": "2025-01-01",
            "is_public": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = ServiceStation.all_objects.get(name="长教村科技金融服务点")
    assert (made.level, made.services) == ("village", ["credit", "insurance"])
    refused = county.post(
        "/finance/stations/new/",
        {"division": B["town"], "name": "越权服务站", "services": ["credit"], "opened_on": "2025-01-01"},
    )
    assert refused.status_code == 200
    assert "越权服务站" not in [s.name for s in ServiceStation.all_objects.all()]
    recorded = county.post(
        f"/finance/stations/{station.pk}/",
        {
            "held_on": "2025-03-01",
            "kind": "visit",
            "title": "走访科技型企业",
            "attendance": 5,
            "enterprises_served": 3,
        },
    )
    assert recorded.status_code == 302
    assert StationActivity.all_objects.filter(station=station).count() == 1
    edit = county.post(
        f"/finance/stations/{station.pk}/edit/",
        {
            "name": station.name,
            "services": ["credit"],
            "opened_on": "2024-06-01",
            "version": "0",
            "contact": "李四",
        },
    )
    assert edit.status_code == 302
    closed = county.post(
        f"/finance/stations/{station.pk}/steps/close/", {"closed_on": "2025-04-01", "version": "1"}
    )
    assert closed.status_code == 302
    station.refresh_from_db()
    assert (station.contact, station.closed_on) == ("李四", dt.date(2025, 4, 1))


def test_the_export_writes_formulas_as_text(
    network: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    # A unit's name from elsewhere (the organisations' register) may look like a formula.
    network["bank"].name = "=1+1 银行"
    network["bank"].save()
    county_station(network)
    response = client_for(network["county"]).get("/finance/stations/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "=1+1 银行"]
    assert cells
    assert all(cell.data_type == "s" for cell in cells)


def test_the_plan_page_shows_the_kpi_live(
    network: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    plan_load()
    county_station(network)
    page = client_for(network["province"]).get("/plan/").content.decode()
    row = page[page.index("粤东粤西粤北地区科技金融服务中心及站点数") :].split("</tr>")[0]
    assert "实时统计" in row
    assert "待相关模块接入" not in row
    assert '<td class="text-end">2 个' in row  # 梅州's centre and 大埔's station
    assert "科技金融服务中心及站点" in page  # the measure's activity under 三(三)三是
