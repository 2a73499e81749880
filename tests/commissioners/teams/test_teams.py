"""Teams in the field: members' on-site days and warnings, leader changes, 工作站, what each role
reaches, the API and the pages. (The 服务日志 themselves are tested in ``fieldwork/``.)"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.fieldwork import selectors as fieldwork_selectors
from baiqianwan.commissioners.fieldwork import services as fieldwork_services
from baiqianwan.commissioners.fieldwork.models import LogStatus
from baiqianwan.commissioners.rounds import services as rounds_services
from baiqianwan.commissioners.rounds.models import (
    Assignment,
    AssignmentStatus,
    MembershipChange,
    Team,
    TownNeed,
    Workstation,
)
from baiqianwan.commissioners.teams import selectors as teams_selectors
from baiqianwan.commissioners.teams import services as teams_services
from baiqianwan.regions.models import Division

from ...conftest import A, B
from ..conftest import WUSHAN
from ..helpers import (
    account,
    api_refuses,
    confirmed_days,
    log_write,
    member_named,
    page_ignores,
    png_upload,
    team_leader,
)

TODAY = timezone.localdate()

pytestmark = pytest.mark.usefixtures("media")


# ---- on-site days and pace -------------------------------------------------------------------------


def test_only_confirmed_logs_count_as_on_site_days(team: Team, setting: dict[str, Any]) -> None:
    chen, huang = member_named(team, "陈晓燕"), member_named(team, "黄志强")
    confirmed_days(chen, 100, dt.date(2024, 3, 1))
    confirmed_days(huang, 40, dt.date(2024, 3, 1))
    log_write(chen, served_on=dt.date(2024, 8, 1))  # waiting
    returned = log_write(chen, served_on=dt.date(2024, 8, 2))
    fieldwork_services.log_return(acting_user=setting["town"], log_id=returned.pk, reason="照片与村名不符")

    members = {m.name: m for m in teams_selectors.team_members(team, on=dt.date(2025, 3, 1))}
    assert members["陈晓燕"].pace is not None
    assert members["陈晓燕"].pace.confirmed == Decimal(100)
    assert members["陈晓燕"].pace.waiting == Decimal(1)
    assert not members["陈晓燕"].pace.behind
    assert members["黄志强"].pace
    assert members["黄志强"].pace.behind
    assert members["李建华"].pace
    assert members["李建华"].pace.confirmed == 0
    assert next(iter(members)) == team_leader(team).nomination.expert.person.name  # leader first

    row = teams_selectors.team_rows([team], on=dt.date(2025, 3, 1))[0]
    assert row.confirmed == Decimal(140)
    assert row.warnings == ["进度偏慢：黄志强、李建华"]
    late = teams_selectors.team_rows([team], on=dt.date(2026, 11, 29))[0]
    assert late.warnings[0].startswith("难以达标：")
    assert {m.name for m in late.at_risk} == {"陈晓燕", "黄志强", "李建华"}
    numbers = teams_selectors.team_numbers(team)
    assert (numbers.logs, numbers.waiting, numbers.villages, numbers.days) == (140, 1, 1, Decimal(140))
    assert teams_selectors.team_list(user=setting["town"]).get().confirmed_days == Decimal(140)


def test_a_member_who_left_carries_no_warning(team: Team, setting: dict[str, Any]) -> None:
    li = member_named(team, "李建华")
    rounds_services.assignment_end(
        acting_user=account(li), assignment=li, status=AssignmentStatus.WITHDRAWN, reason="身体原因"
    )
    members = {m.name: m for m in teams_selectors.team_members(team, on=dt.date(2026, 11, 29))}
    assert not members["李建华"].on_duty
    assert members["李建华"].pace
    assert not members["李建华"].pace.at_risk
    assert list(members)[-1] == "李建华"
    assert teams_selectors.team_rows([team], on=dt.date(2024, 6, 1))[0].warnings[0] == "在岗 2 人，缺 1 人"


# ---- leader --------------------------------------------------------------------------------------


def test_leader_change_keeps_exactly_one_leader(
    team: Team, setting: dict[str, Any], make_user: Callable[..., User]
) -> None:
    old = team_leader(team)
    new = member_named(team, "黄志强" if old.nomination.expert.person.name != "黄志强" else "陈晓燕")
    with pytest.raises(PermissionDenied):
        teams_services.team_leader_change(
            acting_user=setting["town"], team=team, assignment_id=new.pk, reason="调整"
        )
    with pytest.raises(PermissionDenied):
        teams_services.team_leader_change(
            acting_user=make_user(Role.COUNTY, "440106000000"), team=team, assignment_id=new.pk, reason="调整"
        )
    with pytest.raises(ValidationError) as caught:
        teams_services.team_leader_change(
            acting_user=setting["province"], team=team, assignment_id=new.pk, reason=""
        )
    assert caught.value.message_dict["reason"] == ["请填写调整负责人的原因"]
    with pytest.raises(ValidationError) as caught:
        teams_services.team_leader_change(
            acting_user=setting["province"],
            team=team,
            assignment_id=member_named(team, "李建华").pk,
            reason="调整",
        )
    assert "职称未达到副高级" in caught.value.message_dict["assignment"][0]
    with pytest.raises(ValidationError, match="已是团队负责人"):
        teams_services.team_leader_change(
            acting_user=setting["province"], team=team, assignment_id=old.pk, reason="调整"
        )

    county = make_user(Role.COUNTY, A["county"])
    teams_services.team_leader_change(
        acting_user=county, team=team, assignment_id=new.pk, reason="原负责人工作调动"
    )
    assert list(Assignment.all_objects.filter(need=team.need, leader=True)) == [new]
    change = MembershipChange.objects.get(team=team, kind=MembershipChange.Kind.LEADER)
    assert (change.assignment, change.reason, change.by) == (new, "原负责人工作调动", county)
    assert (
        teams_selectors.team_list(user=setting["town"]).get().leader_name == new.nomination.expert.person.name
    )


def test_a_member_who_left_cannot_become_leader(team: Team, setting: dict[str, Any]) -> None:
    member = next(a for a in Assignment.all_objects.filter(need=team.need, leader=False))
    rounds_services.assignment_end(
        acting_user=setting["province"], assignment=member, status=AssignmentStatus.RESCINDED, reason="撤销"
    )
    with pytest.raises(ValidationError) as caught:
        teams_services.team_leader_change(
            acting_user=setting["province"], team=team, assignment_id=member.pk, reason="调整"
        )
    assert "已撤销" in caught.value.message_dict["assignment"][0]


# ---- 工作站 --------------------------------------------------------------------------------------


def _station(user: User, **changes: Any) -> Workstation:
    values: dict[str, Any] = {
        "name": "湖寮镇科技特派团工作站",
        "town_code": A["town"],
        "host_name": "大埔县湖寮镇农业综合服务中心",
        "address": "大埔县湖寮镇城东路 8 号",
        "facilities": "办公室 60 平方米、检测室、示范基地 200 亩",
        "established_on": dt.date(2024, 4, 1),
        "latitude": "24.35110",
        "longitude": "116.69480",
    }
    values.update(changes)
    return teams_services.workstation_create(acting_user=user, **values)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "请填写工作站名称"),
        ({"town_code": WUSHAN}, "town", "不在您的管辖范围内"),
        ({"town_code": A["village"]}, "town", "请选择工作站所在的乡镇（街道）"),
        ({"host_name": ""}, "host_name", "请选择依托单位，或填写依托单位名称"),
        ({"address": ""}, "address", "请填写工作站地址"),
        ({"established_on": TODAY + dt.timedelta(days=3)}, "established_on", "建站日期不能晚于今天"),
        ({"latitude": "19.5"}, "latitude", "纬度应在 20° 到 26° 之间（广东省范围内）"),
        ({"longitude": "121"}, "longitude", "经度应在 109° 到 118° 之间（广东省范围内）"),
        ({"longitude": None}, "longitude", "经纬度应同时填写，或都不填"),
    ],
)
def test_workstation_rules_name_their_field(
    setting: dict[str, Any], changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _station(setting["town"], **changes)
    assert any(message in m for m in caught.value.message_dict[field]), caught.value.message_dict
    assert not Workstation.all_objects.exists()


def test_workstation_registry_and_the_town_check(
    team: Team, setting: dict[str, Any], make_user: Callable[..., User], make_org: Callable[..., Any]
) -> None:
    town = setting["town"]
    coop = make_org("大埔县湖寮蜜柚专业合作社", "cooperative", A["town"])
    station = _station(town, host_id=coop.pk, host_name="")
    assert (station.host, station.latitude) == (coop, Decimal("24.35110"))
    with pytest.raises(ValidationError, match="已有名为"):
        _station(town)
    with pytest.raises(PermissionDenied):
        _station(account(member_named(team, "陈晓燕")))
    with pytest.raises(ValidationError) as caught:
        _station(town, name="五山工作站", host_id=make_org("广州某公司", "enterprise", WUSHAN).pk)
    assert "找不到该依托单位，或它不在您的可见范围内" in caught.value.message_dict["host"][0]

    county = make_user(Role.COUNTY, A["county"])
    neighbour = Division.objects.filter(parent_id=A["county"], level="town").exclude(code=A["town"]).first()
    assert neighbour is not None
    elsewhere = _station(county, name=f"{neighbour.name}工作站", town_code=neighbour.code)
    with pytest.raises(ValidationError) as caught:
        teams_services.team_workstation_set(acting_user=county, team=team, workstation_id=elsewhere.pk)
    assert caught.value.message_dict["workstation"] == [
        f"工作站“{elsewhere.name}”位于{neighbour.full_name}，不能关联服务{team.town.full_name}的团队"
    ]
    with pytest.raises(PermissionDenied):
        teams_services.team_workstation_set(
            acting_user=setting["prd_town"], team=team, workstation_id=station.pk
        )
    with pytest.raises(PermissionDenied):
        teams_services.team_workstation_set(acting_user=setting["org"], team=team, workstation_id=station.pk)
    teams_services.team_workstation_set(acting_user=town, team=team, workstation_id=station.pk)
    team.refresh_from_db()
    assert team.workstation == station
    with pytest.raises(ValidationError) as caught:
        teams_services.workstation_update(
            acting_user=county, workstation_id=station.pk, town_code=neighbour.code
        )
    assert "已关联团队" in caught.value.message_dict["town"][0]
    updated = teams_services.workstation_update(
        acting_user=town, workstation_id=station.pk, address="湖寮镇新城路 2 号"
    )
    assert updated.address == "湖寮镇新城路 2 号"
    assert updated.host == coop
    with pytest.raises(PermissionDenied):
        teams_services.workstation_update(
            acting_user=setting["prd_town"], workstation_id=station.pk, address="越权"
        )
    assert [w.name for w in teams_selectors.workstation_list(user=town)] == ["湖寮镇科技特派团工作站"]
    assert {w.pk for w in teams_selectors.workstation_list(user=county)} == {station.pk, elsewhere.pk}
    assert not teams_selectors.workstation_list(user=setting["prd_town"]).exists()


# ---- scope of reads ------------------------------------------------------------------------------


def test_teams_and_logs_are_seen_only_within_the_scope(
    team: Team, setting: dict[str, Any], make_user: Callable[..., User]
) -> None:
    chen = member_named(team, "陈晓燕")
    log = log_write(chen)
    insiders = [
        setting["province"],
        setting["town"],
        setting["org"],
        account(chen),
        make_user(Role.CITY, A["city"]),
        make_user(Role.COUNTY, A["county"]),
    ]
    for user in insiders:
        assert list(teams_selectors.team_list(user=user)) == [team], user.role
        assert fieldwork_selectors.log_get(user=user, pk=log.pk) == log, user.role
    outsiders = [setting["prd_town"], make_user(Role.COUNTY, B["county"]), make_user(Role.CITY, B["city"])]
    for user in outsiders:
        assert not teams_selectors.team_list(user=user).exists(), user.role
        assert fieldwork_selectors.log_get(user=user, pk=log.pk) is None, user.role
    # A teammate sees the team, but not another member's log.
    huang = account(member_named(team, "黄志强"))
    assert list(teams_selectors.team_list(user=huang)) == [team]
    assert fieldwork_selectors.log_get(user=huang, pk=log.pk) is None


# ---- pages ---------------------------------------------------------------------------------------


def test_pages_for_the_town(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    chen = member_named(team, "陈晓燕")
    log = log_write(chen, photos=[png_upload()])
    client = client_for(setting["town"])
    page = client.get("/commissioners/teams/").content.decode()
    assert team.name in page
    assert "待确认日志" in page
    detail = client.get(f"/commissioners/teams/{team.pk}/").content.decode()
    assert all(name in detail for name in ("陈晓燕", "黄志强", "李建华", "团队负责人", "尚未关联工作站"))
    assert "成员变动记录" in detail
    assert "调整团队负责人" not in detail
    queue = client.get("/commissioners/logs/queue/").content.decode()
    assert "到长教村蜜柚园" in queue
    assert f"/commissioners/logs/{log.pk}/photos/" in queue
    photo = log.photos.get()
    shown = client.get(f"/commissioners/logs/{log.pk}/photos/{photo.pk}/")
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]

    returned = client.post(f"/commissioners/logs/{log.pk}/return/", {"reason": ""})
    assert returned.status_code == 302
    log.refresh_from_db()
    assert log.status == LogStatus.SUBMITTED  # no reason, nothing changed
    client.post("/commissioners/logs/queue/", {"log": [str(log.pk)]})
    log.refresh_from_db()
    assert log.status == LogStatus.CONFIRMED
    assert "已确认" in client.get(f"/commissioners/logs/{log.pk}/").content.decode()
    assert client.get("/commissioners/workstations/").status_code == 200
    assert client.get("/commissioners/workstations/new/").status_code == 200
    saved = client.post(
        "/commissioners/workstations/new/",
        {
            "name": "湖寮镇科技特派团工作站",
            "town": A["town"],
            "host_name": "湖寮镇农业综合服务中心",
            "address": "湖寮镇城东路 8 号",
            "established_on": "2024-04-01",
            "latitude": "24.3511",
            "longitude": "116.6948",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    station = Workstation.all_objects.get()
    client.post(f"/commissioners/teams/{team.pk}/workstation/", {"workstation": station.pk})
    assert "湖寮镇科技特派团工作站" in client.get("/commissioners/teams/").content.decode()


def test_the_leader_form_for_the_county(
    team: Team, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(Role.COUNTY, A["county"]))
    assert "调整团队负责人" in client.get(f"/commissioners/teams/{team.pk}/").content.decode()
    new = next(
        a for a in Assignment.all_objects.filter(need=team.need, leader=False) if a.nomination.can_lead
    )
    client.post(
        f"/commissioners/teams/{team.pk}/leader/", {"assignment": new.pk, "reason": "原负责人调回单位"}
    )
    assert Assignment.all_objects.get(need=team.need, leader=True) == new


def _list_queries(client: Client, path: str) -> int:
    client.get(path)  # warm sessions and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_list_pages_do_not_grow_with_rows(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    chen = member_named(team, "陈晓燕")
    station = _station(setting["town"])
    teams_services.team_workstation_set(acting_user=setting["town"], team=team, workstation_id=station.pk)
    log_write(chen, photos=[png_upload()])
    client = client_for(setting["province"])
    town = client_for(setting["town"])
    pages = [
        (client, "/commissioners/teams/"),
        (town, "/commissioners/logs/"),
        (town, "/commissioners/logs/queue/"),
    ]
    pages.append((town, "/commissioners/workstations/"))
    one = [_list_queries(c, p) for c, p in pages]
    county = Division.objects.get(code=A["county"])
    for town_division in Division.objects.filter(parent=county, level="town").exclude(code=A["town"])[:2]:
        need = TownNeed.all_objects.create(
            round=team.need.round,
            town=town_division,
            fields=["种植"],
            slots=3,
            submitted_by=setting["province"],
        )
        Team.all_objects.create(
            need=need,
            town=town_division,
            name=f"{town_division.name}服务团",
            started_on=team.started_on,
            ends_on=team.ends_on,
        )
    for day in (4, 5):
        log_write(chen, served_on=dt.date(2024, 6, day), photos=[png_upload()])
    _station(setting["town"], name="湖寮镇第二工作站")
    _station(setting["town"], name="湖寮镇第三工作站")
    three = [_list_queries(c, p) for c, p in pages]
    assert three == one, list(zip((p for _, p in pages), one, three, strict=True))


# ---- API -----------------------------------------------------------------------------------------


def test_api_workstations(team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    town = client_for(setting["town"])
    body = {
        "name": "湖寮镇科技特派团工作站",
        "town_code": A["town"],
        "host_name": "湖寮镇农技站",
        "address": "湖寮镇",
    }
    created = town.post("/api/v1/commissioners/workstations", body, content_type="application/json")
    assert created.status_code == 201, created.content
    station_id = created.json()["id"]
    outside = town.post(
        "/api/v1/commissioners/workstations", {**body, "town_code": WUSHAN}, content_type="application/json"
    )
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "town"
    changed = town.patch(
        f"/api/v1/commissioners/workstations/{station_id}",
        json.dumps({"facilities": "检测室 1 间"}),
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["facilities"] == "检测室 1 间"
    linked = town.post(
        f"/api/v1/commissioners/teams/{team.pk}/workstation",
        {"workstation_id": station_id},
        content_type="application/json",
    )
    assert linked.status_code == 200
    assert linked.json()["workstation_name"] == "湖寮镇科技特派团工作站"
    assert [w["id"] for w in town.get("/api/v1/commissioners/workstations").json()["items"]] == [station_id]


# ---- filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "api", "shown"),
    [
        ("/commissioners/teams/", "/api/v1/commissioners/teams", "大埔县湖寮镇"),
        ("/commissioners/workstations/", "/api/v1/commissioners/workstations", "湖寮镇科技特派团工作站"),
    ],
)
def test_the_page_and_the_api_share_one_filter(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client], page: str, api: str, shown: str
) -> None:
    _station(setting["town"])
    client = client_for(setting["province"])
    here = {"city": A["town"][:4], "county": A["town"][:6], "q": "湖寮"}
    elsewhere = {"city": B["town"][:4]}
    assert len(client.get(api, here).json()["items"]) == 1
    assert client.get(api, elsewhere).json()["items"] == []
    assert shown in client.get(page, here).content.decode()
    assert "没有符合条件的" in client.get(page, elsewhere).content.decode()
    assert api_refuses(client, api, {"city": "梅州", "county": "4414"}) == {"city", "county"}
    ignored = page_ignores(client, page, {"city": "梅州"})
    assert "地市：请填写 4 位地市代码" in ignored
    assert shown in ignored
