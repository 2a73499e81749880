"""The home page: bureaus see their area; a village or an organisation sees its own demands and tasks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.demands import services
from baiqianwan.demands.models import Demand
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.models import Division

from ..conftest import A

REGION_WIDE = ("县级单位", "乡级单位", "村级单位", "四大区域", "各地级市", "全省")


def post(user: User, title: str) -> Demand:
    return services.demand_create(
        acting_user=user,
        submit=True,
        title=title,
        description="村里三百亩蜜柚，黄龙病病树越来越多，想请专家指导。",
        division=user.division or Division.objects.get(code=A["village"]),
        contact_name="张阿姨",
        contact_phone="13800138000",
    )


def test_a_village_sees_its_own_demands_and_what_waits_for_it(
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    client_for: Callable[[User], Client],
) -> None:
    village = make_user(Role.VILLAGE, A["village"])
    neighbour = make_user(Role.VILLAGE, "441422100203")
    county = make_user(Role.COUNTY, A["county"])
    returned = post(village, "柚子皮浪费，能不能做成产品")
    services.demand_transition(demand_id=returned.pk, action="return", acting_user=county, note="请补充产量")
    solving = post(village, "蜜柚园黄龙病蔓延，求防控技术")
    services.demand_transition(
        demand_id=solving.pk,
        action="accept",
        acting_user=county,
        industry=Industry.objects.get(code="FRUIT-POMELO"),
    )
    services.demand_transition(demand_id=solving.pk, action="solve", acting_user=county)
    post(neighbour, "邻村的需求不该出现")

    page = client_for(village).get("/").content.decode()
    for words in REGION_WIDE:
        assert words not in page, words
    assert "待我处理" in page
    assert "请确认是否已解决" in page
    assert "被退回，请修改后重新提交" in page
    assert f'href="/demands/{solving.pk}/"' in page
    assert "柚子皮浪费，能不能做成产品" in page
    assert "邻村的需求不该出现" not in page
    assert 'id="my-open">1<' in page  # the returned one is not in hand until resubmitted

    # A bureau still sees its area.
    bureau = client_for(county).get("/").content.decode()
    assert "县级单位" in bureau
    assert "待受理的科技需求" in bureau


def test_an_organisation_sees_what_was_proposed_to_it(
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    client_for: Callable[[User], Client],
) -> None:
    university = make_org("华南农业大学", "university", "440106000000")
    scau = make_user(Role.ORG, organisation=university)
    village = make_user(Role.VILLAGE, A["village"])
    county = make_user(Role.COUNTY, A["county"])
    demand = post(village, "蜜柚园黄龙病蔓延，求防控技术")
    services.demand_transition(
        demand_id=demand.pk,
        action="accept",
        acting_user=county,
        industry=Industry.objects.get(code="FRUIT-POMELO"),
    )
    services.connection_propose(
        acting_user=county, demand_id=demand.pk, target_kind="institution", target_id=university.pk
    )
    page = client_for(scau).get("/").content.decode()
    for words in REGION_WIDE:
        assert words not in page, words
    assert "推荐给您（华南农业大学），请接受或婉拒" in page
    assert "推荐给我的需求" in page
    assert f'href="/demands/{demand.pk}/"' in page


def test_the_personal_home_page_does_not_grow_with_demands(
    make_user: Callable[..., User], client_for: Callable[[User], Client], **_: Any
) -> None:
    village = make_user(Role.VILLAGE, A["village"])
    client = client_for(village)

    def count() -> int:
        client.get("/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    post(village, "第一条需求的标题")
    one = count()
    for i in range(3):
        post(village, f"更多需求的标题{i}")
    assert count() == one
