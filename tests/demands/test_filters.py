from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.demands import services
from baiqianwan.industries.models import Industry
from baiqianwan.regions.models import Division

from ..conftest import A
from ..filtering import refused_fields, same_filter


def test_the_demand_page_and_the_api_share_one_filter(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    village = make_user(Role.VILLAGE, A["village"])
    common = {
        "description": "村里三百亩蜜柚，想请专家指导。",
        "division": Division.objects.get(code=A["village"]),
        "contact_name": "张阿姨",
        "contact_phone": "13800138000",
    }
    pomelo = services.demand_create(
        acting_user=village,
        submit=True,
        title="蜜柚黄龙病防控",
        industry=Industry.objects.get(code="FRUIT-POMELO"),
        **common,
    )
    services.demand_create(acting_user=village, submit=True, title="茶叶加工设备", **common)
    client = client_for(make_user(Role.COUNTY, A["county"]))
    # A category matches its industries; the page offers categories, a client may name one industry.
    for industry in ("FRUIT", "FRUIT-POMELO"):
        query = {"industry": industry, "status": "submitted", "within": A["county"][:6]}
        page, items = same_filter(client, page="/demands/", api="/api/v1/demands", query=query)
        assert [item["id"] for item in items] == [pomelo.pk]
        assert "蜜柚黄龙病防控" in page
        assert "茶叶加工设备" not in page
    bad = {"industry": "NO-SUCH", "status": "lost", "within": "梅州"}
    assert refused_fields(client, api="/api/v1/demands", page="/demands/", query=bad) == set(bad)
    # A yes/no filter is typed in the API's schema, so a value that is neither is refused there.
    assert refused_fields(client, api="/api/v1/demands", page="/demands/", query={"mine": "maybe"}) == {
        "mine"
    }
    mine = client_for(village).get("/api/v1/demands", {"mine": "true"}).json()["items"]
    assert len(mine) == 2
