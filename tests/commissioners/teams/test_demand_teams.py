"""A demand page names the commissioner team serving its town, and nearby teams in the right fields."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.rounds.models import (
    Assignment,
    AssignmentStatus,
    DispatchRound,
    Nomination,
    Team,
    TownNeed,
)
from baiqianwan.commissioners.teams.selectors import teams_for_demand
from baiqianwan.core.fakes import make_id_number
from baiqianwan.demands import services as demand_services
from baiqianwan.demands.models import Demand
from baiqianwan.industries.models import Industry
from baiqianwan.matching.services import index_build
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from ...conftest import A, B

ON = dt.date(2025, 6, 1)
XIHE = "441422118000"  # 大埔县西河镇
PINGYUAN = "441426100000"  # 梅州市平远县大柘镇


def _team(province: User, town: str, fields: list[str], keywords: str, *, ends_on: dt.date) -> Team:
    """A serving team of one, built directly (the dispatch itself is tested elsewhere)."""
    dispatch_round, _ = DispatchRound.all_objects.get_or_create(
        name="2023年第一批", defaults={"year": 2023, "created_by": province, "status": "published"}
    )
    unit = Organisation.all_objects.get(name="华南农业大学")
    person = Person.all_objects.create(
        name=f"{town[-6:]}专家",
        title="研究员",
        id_number=make_id_number(
            random.Random(town), division_code="440106000000", born=dt.date(1975, 1, 1), female=True
        ),
        mobile="13800138000",
        organisation=unit,
    )
    expert = ExpertProfile.all_objects.create(person=person, keywords=keywords, home_city_id=A["city"])
    need = TownNeed.all_objects.create(
        round=dispatch_round, town_id=town, fields=fields, slots=1, submitted_by=province
    )
    nomination = Nomination.all_objects.create(
        round=dispatch_round, expert=expert, organisation=unit, fields=fields, submitted_by=province
    )
    Assignment.all_objects.create(
        round=dispatch_round,
        need=need,
        nomination=nomination,
        leader=True,
        published=True,
        status=AssignmentStatus.ACCEPTED,
    )
    return Team.all_objects.create(
        need=need,
        town_id=town,
        name=f"{Division.objects.get(code=town).name}科技特派员服务团",
        started_on=dt.date(2023, 3, 1),
        ends_on=ends_on,
    )


@pytest.fixture
def demand(make_user: Callable[..., User]) -> Demand:
    village = make_user(Role.VILLAGE, A["village"])
    return demand_services.demand_create(
        acting_user=village,
        submit=True,
        title="蜜柚园黄龙病蔓延，求防控技术和抗病苗木",
        description="湖寮镇长教村三百亩蜜柚，柚类黄龙病病树越来越多。",
        division=Division.objects.get(code=A["village"]),
        contact_name="张阿姨",
        contact_phone="13800138000",
        industry=Industry.objects.get(code="FRUIT-POMELO"),
    )


@pytest.fixture
def nearby(team: Team, setting: dict[str, Any]) -> dict[str, Team]:
    province = setting["province"]
    return {
        "xihe": _team(province, XIHE, ["种植"], "金柚 保果", ends_on=dt.date(2026, 3, 1)),
        "pingyuan": _team(province, PINGYUAN, ["种植"], "脐橙", ends_on=dt.date(2026, 3, 1)),
        "unrelated": _team(province, "441422103000", ["水产"], "对虾", ends_on=dt.date(2026, 3, 1)),
        "ended": _team(province, "441422101000", ["种植"], "蜜柚 黄龙病", ends_on=dt.date(2025, 1, 1)),
        "elsewhere": _team(province, B["town"], ["种植"], "蜜柚 黄龙病", ends_on=dt.date(2026, 3, 1)),
    }


def test_the_team_in_the_town_comes_first_then_nearby_teams_in_the_field(
    team: Team, nearby: dict[str, Team], demand: Demand, setting: dict[str, Any], make_user: Any
) -> None:
    index_build()
    village = demand.submitted_by
    found = teams_for_demand(user=village, demand=demand, on=ON)
    assert [s.team for s in found] == [team, nearby["xihe"], nearby["pingyuan"]]
    own = found[0]
    assert own.reasons[:2] == ["驻湖寮镇，服务本镇", "服务领域相符：种植"]
    assert own.reasons[2].startswith("成员专长相符：柚类（")  # the members' profiles say 柚类
    assert len(own.members) == 3
    assert own.leader is not None
    assert found[1].reasons[0] == "驻梅州市大埔县西河镇（同县）"
    assert found[2].reasons[0] == "驻梅州市平远县大柘镇（同市）"
    # Whoever may see the demand sees the same teams; the team page link follows each one's scope.
    county = make_user(Role.COUNTY, A["county"])
    for viewer in (county, setting["org"], setting["province"]):
        again = teams_for_demand(user=viewer, demand=demand, on=ON)
        assert [(s.team, s.reasons) for s in again] == [(s.team, s.reasons) for s in found]
    assert not found[0].openable
    assert teams_for_demand(user=county, demand=demand, on=ON)[0].openable


def test_an_unclassified_demand_still_gets_its_towns_team(team: Team, demand: Demand) -> None:
    Demand.all_objects.filter(pk=demand.pk).update(industry=None, description="村里的柚子出了问题。")
    demand.refresh_from_db()
    found = teams_for_demand(user=demand.submitted_by, demand=demand, on=ON)
    assert [s.team for s in found] == [team]
    assert found[0].reasons == ["驻湖寮镇，服务本镇"]


def test_the_panel_on_the_demand_page(
    team: Team,
    demand: Demand,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    Team.all_objects.filter(pk=team.pk).update(ends_on=dt.date.today() + dt.timedelta(days=30))
    village = client_for(demand.submitted_by)
    assert f'hx-get="/demands/{demand.pk}/teams/"' in village.get(f"/demands/{demand.pk}/").content.decode()
    panel = village.get(f"/demands/{demand.pk}/teams/").content.decode()
    assert "推荐科技特派员团队" in panel
    assert team.name in panel
    assert "驻湖寮镇，服务本镇" in panel
    assert f'href="/commissioners/teams/{team.pk}/"' not in panel
    county = client_for(make_user(Role.COUNTY, A["county"]))
    assert (
        f'href="/commissioners/teams/{team.pk}/"'
        in county.get(f"/demands/{demand.pk}/teams/").content.decode()
    )
    outsider = client_for(make_user(Role.COUNTY, B["county"]))
    assert outsider.get(f"/demands/{demand.pk}/teams/").status_code == 404
    assert county.get("/demands/99999999999999999999/teams/").status_code == 404
