"""Transfer events of the 省实验室: recorded by the host's account or the bureau of the place, read by
everyone signed in once published; the place a county, town or village of Guangdong (flagged
粤东西北), no future date, achievements shown and the deals that followed; bad input named by field
with nothing stored; list filters and totals, over pages and the API."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.market import services
from baiqianwan.market.events import services as events
from baiqianwan.market.models import TransferEvent

from ..conftest import A, B
from .conftest import register

pytestmark = pytest.mark.django_db

EVENT: dict[str, Any] = {
    "title": "香蕉抗枯萎病新品种成果发布会",
    "host_level": "provincial",
    "kind": "release",
    "place_code": B["village"],
    "held_on": dt.date(2025, 5, 20),
    "industry": "FRUIT-BANANA",
    "attendance": 120,
    "summary": "发布抗枯萎病香蕉新品种，现场对接合作社 12 家。",
}


@pytest.fixture
def lab(market: dict[str, Any], make_org: Any, make_user: Any) -> dict[str, Any]:
    host = make_org("岭南现代农业科学与技术广东省实验室湛江分中心", "institute", B["town"])
    return {**market, "host": host, "host_user": make_user(Role.ORG, organisation=host)}


def record(lab: dict[str, Any], by: str = "host_user", **values: Any) -> TransferEvent:
    return events.transfer_event_create(acting_user=lab[by], **{**EVENT, **values})


def test_the_host_records_and_everyone_reads_once_published(
    lab: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    event = record(lab, achievement_ids=[lab["achievement"].pk])
    assert event.host == lab["host"]
    assert event.in_east_west_north
    assert event.status == "draft"
    page = f"/market/events/{event.pk}/"
    assert client_for(lab["host_user"]).get(page).status_code == 200
    assert client_for(lab["xuwen"]).get(page).status_code == 200  # the bureau of the place
    for outsider in (lab["dabu"], lab["other_user"], lab["users"][Role.EXPERT]):
        assert client_for(outsider).get(page).status_code == 404
        assert client_for(outsider).get(f"/api/v1/market/events/{event.pk}").status_code == 404
    events.transfer_event_publish(acting_user=lab["host_user"], event_id=event.pk)
    for reader in (lab["dabu"], lab["other_user"], lab["users"][Role.EXPERT], lab["users"][Role.VILLAGE]):
        assert client_for(reader).get(page).status_code == 200
    with pytest.raises(PermissionDenied):
        events.transfer_event_update(acting_user=lab["dabu"], event_id=event.pk, **EVENT)


def test_a_bureau_records_for_a_host_only_in_its_region(lab: dict[str, Any]) -> None:
    event = record(lab, by="xuwen", host_id=lab["host"].pk, publish=True)
    assert event.is_public
    assert event.created_by == lab["xuwen"]
    with pytest.raises(PermissionDenied, match="不在本部门管辖范围内"):
        record(lab, by="dabu", host_id=lab["host"].pk)
    with pytest.raises(ValidationError) as raised:
        record(lab, by="xuwen")
    assert "host" in raised.value.message_dict
    with pytest.raises(PermissionDenied):
        record(lab, by="host_user", host_id=lab["seller"].pk)
    with pytest.raises(PermissionDenied):
        events.transfer_event_create(acting_user=lab["users"][Role.TOWN], host_id=lab["host"].pk, **EVENT)
    assert TransferEvent.all_objects.count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"place_code": "450100000000"}, "place", "须在广东省内"),
        ({"place_code": B["city"]}, "place", "不能是地级市"),
        ({"place_code": "440000000000"}, "place", "须选到县"),
        ({"held_on": dt.date.today() + dt.timedelta(days=7)}, "held_on", "不能晚于今天"),
        ({"attendance": 0}, "attendance", "1 到 100,000"),
        ({"attendance": 10**9}, "attendance", "1 到 100,000"),
        ({"kind": "party"}, "kind", "成果发布、路演或培训"),
        ({"title": "<img src=x onerror=alert(1)>"}, "title", "HTML"),
        ({"summary": "=cmd|' /C calc'!A0"}, "summary", "公式"),
        ({"industry": "NOPE"}, "industry", "领域"),
        ({"achievement_ids": [999999]}, "achievement_ids", "999999"),
        ({"deal_ids": "12, x"}, "deal_ids", "不是编号"),
    ],
)
def test_bad_input_is_named_and_nothing_is_stored(
    lab: dict[str, Any], values: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        record(lab, **values)
    assert message in raised.value.message_dict[field][0], raised.value.message_dict
    assert not TransferEvent.all_objects.exists()


def test_follow_up_deals_are_registered_after_the_event(lab: dict[str, Any]) -> None:
    deal = register(lab)
    with pytest.raises(ValidationError, match="尚未登记"):
        record(lab, by="xuwen", host_id=lab["host"].pk, deal_ids=[deal.pk])
    services.deal_confirm(acting_user=lab["buyer_user"], deal_id=deal.pk)
    deal = services.deal_confirm(acting_user=lab["xuwen"], deal_id=deal.pk)
    with pytest.raises(ValidationError, match="早于活动日期"):
        record(lab, by="xuwen", host_id=lab["host"].pk, held_on=dt.date(2025, 6, 2), deal_ids=[deal.pk])
    # The host cannot read the parties' deal: it is not found for it.
    with pytest.raises(ValidationError, match="找不到编号"):
        record(lab, deal_ids=[deal.pk])
    event = record(lab, by="xuwen", host_id=lab["host"].pk, deal_ids=[deal.pk], publish=True)
    assert list(event.deals.all()) == [deal]


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body, default=str), content_type="application/json")


def test_the_api_lists_filters_and_totals(lab: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    host = client_for(lab["host_user"])
    bad = post(host, "/api/v1/market/events", {**EVENT, "place_code": B["city"]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "place"
    created = post(host, "/api/v1/market/events", {**EVENT, "achievement_ids": [lab["achievement"].pk]})
    assert created.status_code == 201, created.content
    event_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert created.json()["achievements"] == [
        {"id": lab["achievement"].pk, "title": lab["achievement"].title}
    ]
    training = {**EVENT, "kind": "training", "held_on": "2024-03-01", "attendance": 40, "publish": True}
    assert post(host, "/api/v1/market/events", training).status_code == 201
    published = post(host, f"/api/v1/market/events/{event_id}/publish", {"version": 0})
    assert published.status_code == 200
    edited = host.put(
        f"/api/v1/market/events/{event_id}",
        data=json.dumps({**EVENT, "attendance": 150, "version": 0}, default=str),
        content_type="application/json",
    )
    assert edited.status_code == 409
    reader = client_for(lab["dabu"])
    assert len(reader.get("/api/v1/market/events").json()["items"]) == 2
    assert [e["kind"] for e in reader.get("/api/v1/market/events", {"kind": "training"}).json()["items"]] == [
        "training"
    ]
    assert len(reader.get("/api/v1/market/events", {"year": 2025}).json()["items"]) == 1
    assert reader.get("/api/v1/market/events", {"region": "prd"}).json()["items"] == []
    assert reader.get("/api/v1/market/events", {"year": "x"}).status_code == 422
    totals = reader.get("/api/v1/market/events/totals").json()
    assert totals["events"] == 2
    assert totals["attendance"] == 160
    assert totals["east_west_north"] == 2
    assert {k["kind"]: k["events"] for k in totals["by_kind"]} == {"release": 1, "roadshow": 0, "training": 1}


def test_the_pages_record_and_list(lab: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    host = client_for(lab["host_user"])
    form = {
        **EVENT,
        "place": B["village"],
        "held_on": "2025-05-20",
        "publish": "on",
    }
    form.pop("place_code")
    response = host.post("/market/events/new/", {**form, "place": A["city"]})
    assert response.status_code == 200
    response = host.post("/market/events/new/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = TransferEvent.all_objects.get()
    assert event.is_public
    page = client_for(lab["users"][Role.VILLAGE]).get("/market/events/").content.decode()
    assert "香蕉抗枯萎病新品种成果发布会" in page
    assert "登记活动" not in page
    county = client_for(lab["xuwen"]).get(f"/market/events/{event.pk}/").content.decode()
    assert "修改" in county
