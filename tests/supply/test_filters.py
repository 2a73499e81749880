from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.industries.models import Industry
from baiqianwan.supply import services

from ..filtering import refused_fields, same_filter


def test_the_supply_pages_and_the_api_share_one_filter(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    province = world["users"][Role.PROVINCE]
    common = {
        "abstract": "采后处理。",
        "ip_type": "patent",
        "transfer_modes": ["licence"],
        "organisation": world["org_a"],
    }
    lychee = services.achievement_create(
        acting_user=province,
        title="荔枝保鲜技术",
        maturity="industrial",
        industry=Industry.objects.get(code="FRUIT-LYCHEE"),
        **common,
    )
    services.achievement_create(acting_user=province, title="荔枝烘干设备", maturity="lab", **common)
    client = client_for(province)
    query = {"q": "荔枝", "industry": "FRUIT", "maturity": "industrial"}
    page, items = same_filter(
        client, page="/supply/achievements/", api="/api/v1/supply/achievements", query=query
    )
    assert [item["id"] for item in items] == [lychee.pk]
    assert "保鲜技术" in page  # the searched words are highlighted
    assert "烘干设备" not in page
    bad = {"industry": "NO-SUCH", "maturity": "ripe"}
    api = "/api/v1/supply/achievements"
    assert refused_fields(client, api=api, page="/supply/achievements/", query=bad) == set(bad)
    experts = {"api": "/api/v1/supply/experts", "page": "/supply/experts/"}
    assert refused_fields(client, **experts, query={"industry": "NO-SUCH", "q": "长" * 101}) == {
        "industry",
        "q",
    }
