"""Hostile input on demand pages and the API: markup, control characters, odd numbers. Always a clear
answer naming what is wrong, never a server error."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.demands import services
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.industries.models import Industry

from ..conftest import A
from .test_workflow import post

HUGE = "99999999999999999999999"


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {"village": make_user(Role.VILLAGE, A["village"]), "county": make_user(Role.COUNTY, A["county"])}


def test_markup_and_control_characters_through_the_api(
    people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    village = client_for(people["village"])
    values = {
        "title": "<script>alert(1)</script>黄龙\x00病",
        "description": "柚树\x00\x07黄化<img src=x onerror=alert(1)>，求专家指导防控。",
        "division_code": A["village"],
        "contact_name": "张\x1b阿姨",
        "contact_phone": "13800138000",
    }
    refused = village.post("/api/v1/demands", json.dumps(values), content_type="application/json")
    assert refused.status_code == 422  # the API names the first field with a control character
    assert refused.json()["errors"][0]["field"] in ("title", "description", "contact_name")
    assert not Demand.all_objects.exists()
    cleaned = {
        key: value.replace("\x00", "").replace("\x07", "").replace("\x1b", "")
        for key, value in values.items()
    }
    response = village.post("/api/v1/demands", json.dumps(cleaned), content_type="application/json")
    assert response.status_code == 201, response.content
    demand = Demand.all_objects.get(pk=response.json()["id"])
    assert demand.contact_name == "张阿姨"
    page = client_for(people["county"]).get(f"/demands/{demand.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page


def test_odd_numbers_and_notes_on_the_pages(
    people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    demand = post(people["village"])
    county = client_for(people["county"])
    base = f"/demands/{demand.pk}"
    for url, data in (
        (f"{base}/merge/", {"merge_into": HUGE}),
        (f"{base}/merge/", {"merge_into": "abc"}),
        (f"{base}/connect/", {"target_kind": "achievement", "target_id": "abc"}),
        (f"{base}/connect/", {"target_kind": "institution", "target_id": HUGE}),
        (f"{base}/return/", {"note": "请补充\x00面积", "version": "-1"}),
        (f"{base}/accept/", {"industry": "FRUIT-POMELO", "version": "abc"}),
    ):
        response = county.post(url, data)
        assert response.status_code == 302, (url, data)
        assert response["Location"] == f"{base}/"
    demand.refresh_from_db()
    assert demand.status == DemandStatus.RETURNED
    assert demand.return_reason == "请补充面积"
    assert county.post(f"/demands/connections/{HUGE}/respond/", {"accept": "1"}).status_code == 403
    assert county.post(f"/demands/connections/{HUGE}/outcome/", {"succeeded": "1"}).status_code == 403


def test_unknown_targets_are_named(people: dict[str, User], client_for: Callable[[User], Client]) -> None:
    demand = post(people["village"])
    services.demand_transition(
        demand_id=demand.pk,
        action="accept",
        acting_user=people["county"],
        industry=Industry.objects.get(code="FRUIT-POMELO"),
    )
    county = client_for(people["county"])
    response = county.post(
        f"/api/v1/demands/{demand.pk}/connections",
        json.dumps({"target_kind": "institution", "target_id": 2**62}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "找不到该机构" in response.content.decode()
    page = county.post(
        f"/demands/{demand.pk}/connect/", {"target_kind": "achievement", "target_id": "0"}, follow=True
    ).content.decode()
    assert "找不到该科技成果" in page
