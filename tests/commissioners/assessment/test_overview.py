"""特派员概览: who counts as on duty, which villages are covered, the live KPI, scope and pages."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.assessment import selectors as assessment_selectors
from baiqianwan.commissioners.fieldwork.models import LogStatus, ServiceLog
from baiqianwan.commissioners.rounds.models import (
    Assignment,
    AssignmentStatus,
    DispatchRound,
    Nomination,
    Team,
    TownNeed,
)
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.scope import Scope
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.plan import selectors as plan_selectors
from baiqianwan.plan.services import plan_load
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from ...conftest import A, B

EVERYTHING = Scope(everything=True)
ON = dt.date(2025, 6, 1)


def _villages(town: str, count: int) -> list[str]:
    return list(
        Division.objects.filter(level="village", code__startswith=town[:9])
        .order_by("code")
        .values_list("code", flat=True)[:count]
    )


def _log(assignment: Assignment, village: str, status: str, on: dt.date = dt.date(2025, 3, 1)) -> ServiceLog:
    return ServiceLog.all_objects.create(
        assignment=assignment,
        served_on=on,
        village_id=village,
        activity="guidance",
        description="现场指导柚园水肥管理。",
        status=status,
    )


@pytest.fixture
def zhanjiang(
    setting: dict[str, Any],
    make_org: Callable[..., Organisation],
    make_person: Callable[..., Person],
) -> dict[str, Any]:
    """A second team in 湛江徐闻 (B side): one on duty, one who declined."""
    org = make_org("广东海洋大学", "university", "440811000000")
    dispatch_round = DispatchRound.all_objects.create(
        name="湛江批次", year=2024, created_by=setting["province"]
    )
    need = TownNeed.all_objects.create(
        round=dispatch_round, town_id=B["town"], fields=["水产"], slots=2, submitted_by=setting["province"]
    )
    team = Team.all_objects.create(
        need=need,
        town_id=B["town"],
        name="徐闻科技特派员服务团",
        started_on=dt.date(2024, 5, 1),
        ends_on=dt.date(2027, 5, 1),
    )
    made = []
    for name, status, fields in (
        ("吴海生", AssignmentStatus.ACCEPTED, ["水产", "种植"]),
        ("林晓", AssignmentStatus.DECLINED, ["水产"]),
    ):
        expert = ExpertProfile.all_objects.create(
            person=make_person(org, name), keywords="对虾", home_city_id=B["city"]
        )
        nomination = Nomination.all_objects.create(
            round=dispatch_round,
            expert=expert,
            organisation=org,
            fields=fields,
            submitted_by=setting["province"],
        )
        made.append(
            Assignment.all_objects.create(
                round=dispatch_round,
                need=need,
                nomination=nomination,
                status=status,
                published=True,
                started_on=team.started_on,
            )
        )
    return {"team": team, "on_duty": made[0], "declined": made[1], "org": org}


def test_on_duty_counts_accepted_people_within_the_team_term(
    setting: dict[str, Any], team: Team, zhanjiang: dict[str, Any]
) -> None:
    assert (
        assessment_selectors.on_duty_assignments(scope=EVERYTHING, on=ON)
        .values("nomination__expert__person_id")
        .distinct()
        .count()
        == 4
    )
    members = list(Assignment.all_objects.filter(need=team.need).order_by("pk"))
    Assignment.all_objects.filter(pk=members[0].pk).update(
        status=AssignmentStatus.WITHDRAWN, ended_on=dt.date(2025, 2, 1)
    )
    numbers = assessment_selectors.overview_get(user=setting["province"], on=ON)
    assert (numbers.total.on_duty, numbers.total.teams, numbers.total.towns) == (3, 2, 2)
    rows = {c.name: c for c in numbers.cities}
    assert (rows["梅州市"].on_duty, rows["湛江市"].on_duty, rows["广州市"].on_duty) == (2, 1, 0)
    regions = {r.name: r.on_duty for r in numbers.regions}
    assert regions == {"珠三角": 0, "粤东": 0, "粤西": 1, "粤北": 2}
    assert len(numbers.cities) == 21
    assert dict(numbers.fields)["水产"] == 1
    assert dict(numbers.fields)["种植"] == 3
    assert numbers.fields_covered == 2
    assert numbers.target == 1000

    # Before the term, after it, and a term that has not reached a member yet.
    assert (
        assessment_selectors.overview_get(user=setting["province"], on=dt.date(2024, 2, 1)).total.on_duty == 0
    )
    assert (
        assessment_selectors.overview_get(user=setting["province"], on=dt.date(2027, 4, 1)).total.on_duty == 1
    )
    assert (
        assessment_selectors.overview_get(user=setting["province"], on=dt.date(2027, 6, 1)).total.on_duty == 0
    )
    Assignment.all_objects.filter(pk=zhanjiang["on_duty"].pk).update(started_on=dt.date(2025, 9, 1))
    assert assessment_selectors.overview_get(user=setting["province"], on=ON).total.on_duty == 2


def test_one_person_in_two_towns_counts_once(
    setting: dict[str, Any], team: Team, zhanjiang: dict[str, Any]
) -> None:
    leader = Assignment.all_objects.get(need=team.need, leader=True)
    Assignment.all_objects.create(
        round=zhanjiang["team"].need.round,
        need=zhanjiang["team"].need,
        nomination=Nomination.all_objects.create(
            round=zhanjiang["team"].need.round,
            expert=leader.nomination.expert,
            organisation=leader.nomination.organisation,
            fields=["种植"],
            submitted_by=setting["province"],
        ),
        status=AssignmentStatus.ACCEPTED,
        started_on=dt.date(2024, 5, 1),
    )
    numbers = assessment_selectors.overview_get(user=setting["province"], on=ON)
    rows = {c.name: c.on_duty for c in numbers.cities}
    assert (rows["梅州市"], rows["湛江市"]) == (3, 2)
    assert numbers.total.on_duty == 4  # five assignments, four people


def test_villages_covered_come_from_confirmed_logs_only(
    setting: dict[str, Any], team: Team, zhanjiang: dict[str, Any]
) -> None:
    members = list(Assignment.all_objects.filter(need=team.need).order_by("pk"))
    v1, v2, v3, v4 = _villages(A["town"], 4)
    _log(members[0], v1, LogStatus.CONFIRMED)
    _log(members[1], v1, LogStatus.CONFIRMED, on=dt.date(2025, 3, 2))
    _log(members[1], v2, LogStatus.CONFIRMED)
    _log(members[2], v3, LogStatus.SUBMITTED)
    _log(members[2], v4, LogStatus.RETURNED)
    _log(zhanjiang["declined"], _villages(B["town"], 1)[0], LogStatus.CONFIRMED)  # declined, term running
    numbers = assessment_selectors.overview_get(user=setting["province"], on=ON)
    assert numbers.total.villages == 3  # v1, v2 and the 徐闻 village; not the unconfirmed ones
    rows = {c.name: c for c in numbers.cities}
    assert (rows["梅州市"].villages, rows["湛江市"].villages) == (2, 1)
    assert (
        assessment_selectors.overview_get(user=setting["province"], on=dt.date(2025, 2, 1)).total.villages
        == 0
    )


def test_kpi_counts_on_duty_people_with_a_service_log(
    setting: dict[str, Any], team: Team, zhanjiang: dict[str, Any]
) -> None:
    """plan.json: 有有效派驻（含组团式派驻）并有服务日志的科技特派员人数，按人去重."""
    members = list(Assignment.all_objects.filter(need=team.need).order_by("pk"))
    village = _villages(A["town"], 1)[0]
    _log(members[0], village, LogStatus.CONFIRMED)
    _log(members[0], village, LogStatus.SUBMITTED, on=dt.date(2025, 3, 5))  # the same person twice
    _log(members[1], village, LogStatus.SUBMITTED)  # awaiting confirmation still counts
    _log(members[2], village, LogStatus.RETURNED)  # sent back: not service
    _log(zhanjiang["declined"], _villages(B["town"], 1)[0], LogStatus.CONFIRMED)  # no valid dispatch
    _log(zhanjiang["on_duty"], _villages(B["town"], 1)[0], LogStatus.CONFIRMED, on=dt.date(2025, 7, 1))
    assert assessment_selectors.commissioners_serving(scope=EVERYTHING, on=ON) == 2
    assert (
        assessment_selectors.commissioners_serving(scope=EVERYTHING, on=dt.date(2025, 7, 1)) == 3
    )  # the later log
    assert (
        assessment_selectors.commissioners_serving(scope=EVERYTHING, on=dt.date(2027, 6, 1)) == 0
    )  # terms over
    Assignment.all_objects.filter(pk=members[0].pk).update(status=AssignmentStatus.RECALLED)
    assert assessment_selectors.commissioners_serving(scope=EVERYTHING, on=ON) == 1
    meizhou = Scope(division_prefix="4414")
    assert assessment_selectors.commissioners_serving(scope=meizhou, on=dt.date(2025, 7, 1)) == 1
    numbers = assessment_selectors.overview_get(user=setting["province"], on=dt.date(2025, 7, 1))
    assert numbers.total.serving == 2
    assert {c.name: c.serving for c in numbers.cities if c.serving} == {"梅州市": 1, "湛江市": 1}


def test_live_kpi_on_the_plan_page(
    setting: dict[str, Any], team: Team, client_for: Callable[[User], Client]
) -> None:
    plan_load()
    today = timezone.localdate()
    # The team's term around today, so the count does not depend on when the test runs.
    Team.all_objects.filter(pk=team.pk).update(
        started_on=today - dt.timedelta(days=100), ends_on=today + dt.timedelta(days=900)
    )
    Assignment.all_objects.filter(need=team.need).update(started_on=today - dt.timedelta(days=100))
    members = list(Assignment.all_objects.filter(need=team.need).order_by("pk"))
    village = _villages(A["town"], 1)[0]
    _log(members[0], village, LogStatus.CONFIRMED, on=today - dt.timedelta(days=10))
    _log(members[1], village, LogStatus.SUBMITTED, on=today - dt.timedelta(days=3))
    _log(members[2], village, LogStatus.CONFIRMED, on=today + dt.timedelta(days=3))  # not yet
    assert plan_selectors.LIVE_KPIS[assessment_selectors.KPI_CODE]() == 2.0
    rows = [
        r
        for _, year in plan_selectors.goals_by_year()
        for r in year
        if r.goal.kpi_id == assessment_selectors.KPI_CODE
    ]
    assert rows
    assert all(r.live and r.actual == 2 for r in rows)
    page = client_for(setting["province"]).get("/plan/").content.decode()
    assert "下乡服务的农村科技特派员人数" in page
    assert assessment_selectors.overview_get(user=setting["province"]).total.serving == 2


def test_scope_of_the_numbers(
    setting: dict[str, Any],
    team: Team,
    zhanjiang: dict[str, Any],
    make_user: Callable[..., User],
) -> None:
    meizhou = assessment_selectors.overview_get(user=make_user(Role.CITY, A["city"]), on=ON)
    assert [c.name for c in meizhou.cities] == ["梅州市"]
    assert meizhou.total.on_duty == 3
    assert [r.name for r in meizhou.regions] == ["粤北"]
    xuwen = assessment_selectors.overview_get(user=make_user(Role.COUNTY, B["county"]), on=ON)
    assert (xuwen.total.on_duty, [c.name for c in xuwen.cities]) == (1, ["湛江市"])
    unit = assessment_selectors.overview_get(user=make_user(Role.ORG, organisation=zhanjiang["org"]), on=ON)
    assert (unit.total.on_duty, [c.name for c in unit.cities]) == (1, ["湛江市"])
    own = assessment_selectors.overview_get(user=setting["experts"][0].user, on=ON)
    assert own.total.on_duty == 1
    assert assessment_selectors.overview_get(user=make_user(Role.EXPERT), on=ON).total.on_duty == 0


def test_overview_pages_and_export(
    setting: dict[str, Any],
    team: Team,
    zhanjiang: dict[str, Any],
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    today = timezone.localdate()
    for t in (team, zhanjiang["team"]):
        Team.all_objects.filter(pk=t.pk).update(
            started_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=1000)
        )
    Assignment.all_objects.update(started_on=today - dt.timedelta(days=30))
    province = client_for(setting["province"])
    page = province.get("/commissioners/overview/").content.decode()
    assert "科技特派员概览" in page
    assert "目标 1000 人" in page
    assert 'id="commissioner-map"' in page
    assert "/static/vendor/echarts/echarts.min.js" in page
    assert "/static/vendor/maps/guangdong-cities.json" in page
    assert "cdn" not in page.lower()
    assert "湛江市" in page
    assert "特派员概览" in page  # the menu entry
    assert "/commissioners/key-tasks/" in page

    city = client_for(make_user(Role.CITY, A["city"])).get("/commissioners/overview/").content.decode()
    assert "梅州市" in city
    assert "湛江市" not in city

    export = province.get("/commissioners/overview/", {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws is not None
    rows = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["梅州市"][2] == 3
    assert rows["湛江市"][2] == 1
    assert rows["合计（按人去重）"][2] == 4
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.EXPORT, detail__contains="科技特派员分市统计"
    ).exists()

    api = province.get("/api/v1/commissioners/overview").json()
    assert (api["on_duty"], api["teams"], api["target"]) == (4, 2, 1000)
    assert {c["name"]: c["on_duty"] for c in api["cities"]}["梅州市"] == 3
    town_api = client_for(setting["prd_town"]).get("/api/v1/commissioners/overview").json()
    assert town_api["on_duty"] == 0
