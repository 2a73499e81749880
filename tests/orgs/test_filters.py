from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role

from ..filtering import refused_fields, same_filter


def test_the_people_page_and_the_api_share_one_filter(
    world: dict[str, Any], make_person: Callable[..., Any], client_for: Callable[[User], Client]
) -> None:
    make_person(world["org_b"], "李六")
    client = client_for(world["users"][Role.PROVINCE])
    query = {"q": "李", "organisation_id": str(world["org_a"].pk)}
    page, items = same_filter(client, page="/orgs/people/", api="/api/v1/orgs/people", query=query)
    assert [item["id"] for item in items] == [world["person_a"].pk]
    assert "四</a>" in page
    assert "六</a>" not in page
    bad = {"organisation_id": "0", "q": "x" * 101}
    assert refused_fields(client, api="/api/v1/orgs/people", page="/orgs/people/", query=bad) == set(bad)
