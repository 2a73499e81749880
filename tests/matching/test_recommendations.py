"""Recommendations through the platform: built from the database, scoped, explained, fed back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, TestCase

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.demands import services as demand_services
from baiqianwan.demands.models import Connection, ConnectionStatus, Demand
from baiqianwan.industries.models import Industry
from baiqianwan.matching import selectors
from baiqianwan.matching.services import index_build, index_get
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import Achievement

from ..conftest import A, B


def achievement(
    org: Organisation, title: str, abstract: str, industry: str = "", public: bool = True
) -> Achievement:
    return Achievement.all_objects.create(
        title=title,
        abstract=abstract,
        keywords="",
        industry_id=industry or None,
        maturity="industrial",
        ip_type="know_how",
        transfer_modes=["service"],
        organisation=org,
        is_public=public,
    )


@pytest.fixture
def catalogue(make_org: Callable[..., Organisation]) -> dict[str, Any]:
    scau = make_org("华南农业大学", "university", "440106000000")
    xuwen = make_org("徐闻菠萝公司", "enterprise", B["town"])
    return {
        "hlb": achievement(
            scau,
            "柑橘黄龙病综合防控技术",
            "无病苗木、木虱统防统治和病树清除，柚园病株率下降六成。",
            "FRUIT-POMELO",
        ),
        "lychee": achievement(scau, "荔枝控梢促花技术", "妃子笑荔枝冬梢控制与促花保果。", "FRUIT-LYCHEE"),
        "tea": achievement(scau, "英红九号红茶加工工艺", "萎凋、揉捻、发酵参数标准化。", "TEA-BLACK"),
        "private": achievement(
            xuwen,
            "菠萝黄龙病？不，菠萝心腐病防控内部方案",
            "企业内部的心腐病防控方案，黄龙病无关。",
            public=False,
        ),
    }


@pytest.fixture
def demand(make_user: Callable[..., User]) -> Demand:
    village = make_user(Role.VILLAGE, A["village"])
    return demand_services.demand_create(
        acting_user=village,
        submit=True,
        title="蜜柚园黄龙病蔓延，求防控技术和抗病苗木",
        description="村里三百亩蜜柚，黄龙病病树越来越多。",
        division=Division.objects.get(code=A["village"]),
        contact_name="张阿姨",
        contact_phone="13800138000",
        industry=Industry.objects.get(code="FRUIT-POMELO"),
    )


def test_demand_page_recommends_the_right_achievement_with_reasons(
    catalogue: dict[str, Any], demand: Demand, make_user: Callable[..., User]
) -> None:
    index_build()
    county = make_user(Role.COUNTY, A["county"])
    groups = selectors.demand_recommendations(user=county, demand=demand)["groups"]
    top = groups["achievement"][0]
    assert top.record == catalogue["hlb"]
    assert any("黄龙病" in reason for reason in top.hit.explanation)
    assert any("沙田柚/蜜柚" in reason for reason in top.hit.explanation)


def test_traditional_script_finds_the_same(catalogue: dict[str, Any], make_user: Callable[..., User]) -> None:
    index_build()
    user = make_user(Role.COUNTY, A["county"])
    simplified, _ = selectors.search(user=user, text="柚子黄龙病防控", kinds=("achievement",))
    traditional, _ = selectors.search(user=user, text="柚子黃龍病防控", kinds=("achievement",))
    assert [r.pk for r in simplified] == [r.pk for r in traditional]
    assert simplified[0].record == catalogue["hlb"]


def test_hits_outside_the_users_scope_are_not_shown(
    catalogue: dict[str, Any], make_user: Callable[..., User]
) -> None:
    index_build()
    meizhou = make_user(Role.COUNTY, A["county"])
    found, _ = selectors.search(user=meizhou, text="心腐病 防控 菠萝", kinds=("achievement",))
    assert catalogue["private"].pk not in [r.pk for r in found]
    province = make_user(Role.PROVINCE, "440000000000")
    found, _ = selectors.search(user=province, text="心腐病 防控 菠萝", kinds=("achievement",))
    assert catalogue["private"].pk in [r.pk for r in found]


def test_a_saved_record_is_searchable_at_once(
    catalogue: dict[str, Any],
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    django_capture_on_commit_callbacks: Any,
) -> None:
    index_build()
    user = make_user(Role.PROVINCE, "440000000000")
    with django_capture_on_commit_callbacks(execute=True):
        new = achievement(
            make_org("广东海洋大学", "university", "440811000000"),
            "南美白对虾高位池健康养殖",
            "水质调控与病害预防。",
        )
    found, _ = selectors.search(user=user, text="对虾养殖水质", kinds=("achievement",))
    assert found[0].record == new


def test_similar_demands_in_the_county_for_merging(demand: Demand, make_user: Callable[..., User]) -> None:
    town = make_user(Role.TOWN, A["town"])
    other = demand_services.demand_create(
        acting_user=town,
        submit=True,
        title="柚子树黄化落果，怀疑得了黄龙病",
        description="湖寮镇几个村柚子树黄化落果。",
        division=Division.objects.get(code=A["town"]),
        contact_name="李主任",
        contact_phone="13800138001",
    )
    index_build()
    county = make_user(Role.COUNTY, A["county"])
    similar = selectors.similar_demands(user=county, demand=other)
    assert [r.record for r in similar] == [demand]
    # Merging closes a demand for good: the button asks first.
    client = Client()
    client.force_login(county)
    panel = client.get(f"/matching/demands/{other.pk}/similar/").content.decode()
    assert f'data-confirm="把 #{other.pk} 合并到 #{demand.pk}？' in panel


def test_successful_connections_lift_the_ranking(
    catalogue: dict[str, Any],
    demand: Demand,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> None:
    # The same technique offered by two bodies: only past success can tell them apart.
    rival = achievement(
        make_org("梅州市农林科学院", "institute", "441402000000"),
        catalogue["hlb"].title,
        catalogue["hlb"].abstract,
        "FRUIT-POMELO",
    )
    county = make_user(Role.COUNTY, A["county"])
    query = {"user": county, "text": "黄龙病 防控 苗木", "kinds": ("achievement",)}
    index_build()
    before = [r.pk for r in selectors.search(**query)[0]]
    loser = catalogue["hlb"] if before[0] == rival.pk else rival
    for _ in range(5):
        Connection.all_objects.create(
            demand=demand,
            target_kind="achievement",
            achievement=loser,
            proposed_by=county,
            status=ConnectionStatus.SUCCEEDED,
        )
    index_build()
    after = [r.pk for r in selectors.search(**query)[0]]
    assert after[0] == loser.pk
    assert any("成功对接" in reason for reason in selectors.search(**query)[0][0].hit.explanation)


def test_rebuild_command_and_page(
    catalogue: dict[str, Any], make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    call_command("match", "rebuild", stdout=__import__("io").StringIO())
    assert len(index_get()) >= 3
    province = client_for(make_user(Role.PROVINCE, "440000000000"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = province.post("/matching/rebuild/")
    assert response.status_code == 302
    assert "已完成" in province.get(response["Location"]).content.decode()
    assert client_for(make_user(Role.COUNTY, A["county"])).post("/matching/rebuild/").status_code == 403


def test_search_page_explains_and_highlights(
    catalogue: dict[str, Any], make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    index_build()
    client = client_for(make_user(Role.COUNTY, A["county"]))
    page = client.get("/matching/", {"q": "荔枝 促花"}).content.decode()
    assert "<mark>荔枝</mark>" in page
    assert "匹配关键词" in page
    empty = client.get("/matching/", {"q": "的了吗"}).content.decode()
    assert "没有可检索的关键词" in empty
    hostile = client.get("/matching/", {"q": "<script>alert(1)</script>' OR 1=1 --"})
    assert hostile.status_code == 200
    assert "<script>alert(1)</script>" not in hostile.content.decode()


def test_demand_page_panel_renders(
    catalogue: dict[str, Any],
    demand: Demand,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    index_build()
    client = client_for(make_user(Role.COUNTY, A["county"]))
    demand_services.demand_transition(
        demand_id=demand.pk,
        action="accept",
        acting_user=make_user(Role.COUNTY, A["county"]),
        industry=Industry.objects.get(code="FRUIT-POMELO"),
    )
    panel = client.get(f"/matching/demands/{demand.pk}/recommendations/").content.decode()
    assert f'href="/supply/achievements/{catalogue["hlb"].pk}/"' in panel
    assert "<mark>黄龙病</mark>" in panel
    assert "发起对接" in panel
    triage = client.get(f"/matching/demands/{demand.pk}/similar/")
    assert triage.status_code == 200


def test_everyone_who_may_see_a_demand_sees_the_same_candidates(
    catalogue: dict[str, Any],
    demand: Demand,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    client_for: Callable[[User], Client],
) -> None:
    """The village saw “暂未找到合适的机构” where its county saw an institution of the county."""
    station = make_org("大埔县农业技术推广中心", "extension", "441422118000")  # 西河镇
    achievement(station, "蜜柚黄龙病防控示范", "蜜柚园黄龙病综合防控、无病苗木推广。", "FRUIT-POMELO")
    index_build()
    village = demand.submitted_by
    viewers = [
        village,
        make_user(Role.COUNTY, A["county"]),
        make_user(Role.PROVINCE, "440000000000"),
        make_user(Role.ORG, organisation=catalogue["hlb"].organisation),
    ]

    def seen(user: User) -> dict[str, list[int]]:
        groups = selectors.demand_recommendations(user=user, demand=demand)["groups"]
        return {kind: [r.pk for r in items] for kind, items in groups.items()}

    first = seen(viewers[0])
    assert station.pk in first["institution"]
    assert catalogue["private"].pk not in first["achievement"]
    for viewer in viewers[1:]:
        assert seen(viewer) == first, viewer.role
    # The institution's page stays within scope: the village gets its name, not a link to it.
    village_panel = (
        client_for(village).get(f"/matching/demands/{demand.pk}/recommendations/").content.decode()
    )
    county_panel = (
        client_for(viewers[1]).get(f"/matching/demands/{demand.pk}/recommendations/").content.decode()
    )
    assert "大埔县农业技术推广中心" in village_panel
    assert "暂未找到合适的机构" not in village_panel
    assert f'href="/orgs/{station.pk}/"' not in village_panel
    assert f'href="/orgs/{station.pk}/"' in county_panel
    assert "同在梅州市大埔县（位于西河镇）" in county_panel


def test_possible_duplicates_are_shown_to_the_bureau_only(
    demand: Demand, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    demand_services.demand_create(
        acting_user=demand.submitted_by,
        submit=True,
        title="柚子树黄化落果，怀疑得了黄龙病",
        description="村里的蜜柚黄龙病病树越来越多，叶片黄化。",
        division=Division.objects.get(code=A["village"]),
        contact_name="张阿姨",
        contact_phone="13800138000",
    )
    index_build()
    url = f"/matching/demands/{demand.pk}/recommendations/"
    assert "相似的已有需求" in client_for(make_user(Role.COUNTY, A["county"])).get(url).content.decode()
    assert "相似的已有需求" not in client_for(demand.submitted_by).get(url).content.decode()
