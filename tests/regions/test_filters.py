from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role

from ..conftest import A
from ..filtering import refused_fields, same_filter


def test_the_division_search_page_and_the_api_share_one_filter(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(Role.PROVINCE, "440000000000"))
    query = {"q": "大埔", "level": "county", "within": A["city"][:4]}
    page, items = same_filter(client, page="/regions/", api="/api/v1/regions/search", query=query)
    assert [item["code"] for item in items] == [A["county"]]
    assert A["county"] in page
    bad = {"q": "大埔", "level": "hamlet", "within": "梅州"}
    assert refused_fields(client, api="/api/v1/regions/search", page="/regions/", query=bad) == {
        "level",
        "within",
    }
