from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role

from ..conftest import A
from ..filtering import refused_fields, same_filter


def test_the_user_page_and_the_api_share_one_filter(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    county = make_user(Role.COUNTY, A["county"])
    active = make_user(Role.TOWN, A["town"], username="dabu_town")
    make_user(Role.TOWN, A["town"], username="dabu_town_gone", is_active=False)
    make_user(Role.VILLAGE, A["village"], username="dabu_village")
    client = client_for(county)
    # The page's select sends 1 or 0; an API client may say true or false.
    for flag in ("1", "true"):
        query = {"q": "dabu", "role": "town", "active": flag}
        page, items = same_filter(client, page="/accounts/users/", api="/api/v1/accounts/users", query=query)
        assert [item["id"] for item in items] == [active.pk]
        assert "dabu_town<" in page.replace("</mark>", "")
        assert "dabu_town_gone" not in page
        assert "dabu_village" not in page
    bad = {"role": "king", "q": "x" * 101}
    assert refused_fields(client, api="/api/v1/accounts/users", page="/accounts/users/", query=bad) == set(
        bad
    )
