from __future__ import annotations

import pytest
from django.test import Client

from baiqianwan.core.pagination import COUNT_LIMIT
from baiqianwan.regions.models import Division

pytestmark = pytest.mark.usefixtures("divisions")


def test_unit_with_ancestors(client: Client) -> None:
    body = client.get("/api/v1/regions/441422100202").json()
    assert body["full_name"] == "梅州市大埔县湖寮镇长教村委会"
    assert body["parent_code"] == "441422100000"
    assert [a["name"] for a in body["ancestors"]] == ["广东省", "梅州市", "大埔县", "湖寮镇"]
    assert body["region_label"] == "粤北"


def test_unknown_code_is_a_chinese_404(client: Client) -> None:
    response = client.get("/api/v1/regions/449999999999")
    assert response.status_code == 404
    assert "找不到" in response.json()["detail"]


def test_children_for_the_picker(client: Client) -> None:
    cities = client.get("/api/v1/regions/440000000000/children").json()
    assert len(cities) == 21
    dongguan_towns = client.get("/api/v1/regions/441900000000/children").json()
    assert {t["level"] for t in dongguan_towns} == {"town"}


def test_name_search_in_traditional_script_is_paginated(client: Client) -> None:
    body = client.get("/api/v1/regions/search", {"q": "鎮", "level": "town", "page_size": 5}).json()
    assert Division.objects.filter(level="town", name__contains="镇").count() > COUNT_LIMIT
    # More than the lists count: the count stops at the limit and says so (core/pagination.py).
    assert body["count"] == COUNT_LIMIT
    assert body["count_capped"] is True
    assert len(body["items"]) == 5
