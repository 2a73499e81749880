"""双向选择, shortlists, pins and forbids, invitations, withdrawals and the gap re-solve."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.rounds import rules as rounds_rules
from baiqianwan.commissioners.rounds import selectors as rounds_selectors
from baiqianwan.commissioners.rounds import services as rounds_services
from baiqianwan.commissioners.rounds.models import (
    Assignment,
    AssignmentStatus,
    DispatchRound,
    Nomination,
    PlanConstraint,
    Team,
    TownNeed,
)
from baiqianwan.core.fakes import make_id_number
from baiqianwan.core.models import Notification
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from ...conftest import A, B


@pytest.fixture
def add_expert(make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> Callable[..., Any]:
    rng = random.Random(11)
    orgs: dict[str, Organisation] = {}

    def add(name: str, title: str, keywords: str, org: str = "广东省农业科学院") -> ExpertProfile:
        if org not in orgs:
            orgs[org] = make_org(org, "institute", "440106000000")
        person = Person.all_objects.create(
            name=name,
            title=title,
            id_number=make_id_number(
                rng, division_code="440106000000", born=dt.date(1980, 1, 1), female=True
            ),
            mobile="13900139000",
            organisation=orgs[org],
        )
        account = make_user(Role.COMMISSIONER, A["county"], display_name=name)
        return ExpertProfile.all_objects.create(
            person=person, user=account, keywords=keywords, home_city_id="440100000000"
        )

    return add


@pytest.fixture
def open_round(setting: dict[str, Any], add_expert: Callable[..., Any]) -> dict[str, Any]:
    """湖寮镇 wants 2 for 蜜柚黄龙病; 迈陈镇 wants 2 for 对虾; five candidates."""
    province = setting["province"]
    r = rounds_services.round_create(acting_user=province, name="2025年第二批", year=2025)
    huliao = rounds_services.need_submit(
        acting_user=province,
        dispatch_round=r,
        town=Division.objects.get(code=A["town"]),
        fields=["种植"],
        slots=2,
        note="蜜柚黄龙病防控",
    )
    maichen = rounds_services.need_submit(
        acting_user=province,
        dispatch_round=r,
        town=Division.objects.get(code=B["town"]),
        fields=["水产"],
        slots=2,
        note="对虾养殖病害",
    )
    experts = {
        "citrus": add_expert("柑橘植保甲", "研究员", "蜜柚 黄龙病 柑橘木虱 防控"),
        "rice": add_expert("水稻栽培乙", "副研究员", "水稻 栽培 施肥"),
        "shrimp": add_expert("对虾养殖丙", "教授", "对虾 养殖 病害"),
        "fish": add_expert("淡水鱼丁", "高级工程师", "罗非鱼 鱼塘"),
        "junior": add_expert("助理戊", "助理研究员", "蜜柚 种植"),
    }
    nominations = {
        key: rounds_services.nominate(
            acting_user=province,
            dispatch_round=r,
            expert=e,
            fields=["水产"] if key in ("shrimp", "fish") else ["种植"],
        )
        for key, e in experts.items()
    }
    return {"round": r, "huliao": huliao, "maichen": maichen, "n": nominations, **setting}


def _holders(need: TownNeed) -> dict[str, bool]:
    return {
        a.nomination.expert.person.name: a.leader
        for a in need.assignments.filter(status__in=rounds_services.HOLDING).select_related(
            "nomination__expert__person"
        )
    }


def test_only_senior_titles_may_lead() -> None:
    assert rounds_rules.can_lead("研究员")
    assert rounds_rules.can_lead("副教授")
    assert rounds_rules.can_lead("高级农艺师")
    assert not rounds_rules.can_lead("助理研究员")
    assert not rounds_rules.can_lead("农艺师")


def test_shortlist_puts_the_fitting_expert_first_with_reasons(open_round: dict[str, Any]) -> None:
    listed = rounds_selectors.shortlist(open_round["huliao"])
    names = [p.nomination.expert.person.name for p in listed]
    assert names[0] == "柑橘植保甲"
    assert set(names) == {"柑橘植保甲", "水稻栽培乙", "助理戊"}  # 水产 candidates do not fit 种植
    first = listed[0]
    assert first.relevance == 1.0
    assert any("黄龙病" in line for line in first.reasons)
    assert listed[0].total > listed[-1].total


def test_the_two_way_choice_moves_the_plan(open_round: dict[str, Any]) -> None:
    r, huliao, n = open_round["round"], open_round["huliao"], open_round["n"]
    rounds_services.round_solve(acting_user=open_round["province"], dispatch_round=r)
    assert set(_holders(huliao)) == {"柑橘植保甲", "助理戊"}  # the best text fit + the only other fit

    # The town puts 水稻栽培乙 first and the candidate chooses 湖寮 too: now he is in.
    rounds_services.town_rank(
        acting_user=open_round["town"], need=huliao, nomination_ids=[n["rice"].pk, n["citrus"].pk]
    )
    rounds_services.candidate_prefer(
        acting_user=n["rice"].expert.user, nomination=n["rice"], need_ids=[huliao.pk]
    )
    scores = rounds_selectors.RoundScores(r)
    rice = next(p for p in scores.pairs[huliao.pk] if p.nomination.pk == n["rice"].pk)
    assert (rice.town_rank, rice.own_rank) == (1, 1)
    assert "乡镇第 1 志愿" in rice.reasons
    rounds_services.round_solve(acting_user=open_round["province"], dispatch_round=r)
    assert "水稻栽培乙" in _holders(huliao)
    assert _holders(huliao)["柑橘植保甲"] is True or _holders(huliao)["水稻栽培乙"] is True


def test_town_ranking_is_checked(open_round: dict[str, Any], make_user: Callable[..., User]) -> None:
    huliao, maichen, n = open_round["huliao"], open_round["maichen"], open_round["n"]
    with pytest.raises(PermissionDenied):
        rounds_services.town_rank(
            acting_user=open_round["town"], need=maichen, nomination_ids=[n["shrimp"].pk]
        )
    with pytest.raises(ValidationError, match="服务领域与本镇需求不相符"):
        rounds_services.town_rank(
            acting_user=open_round["town"], need=huliao, nomination_ids=[n["shrimp"].pk]
        )
    with pytest.raises(ValidationError, match="最多选择 10 名"):
        rounds_services.town_rank(
            acting_user=open_round["town"], need=huliao, nomination_ids=list(range(1, 12))
        )
    excluded = n["rice"]
    Nomination.all_objects.filter(pk=excluded.pk).update(excluded_reason="已是三支一扶人员")
    with pytest.raises(ValidationError, match="三支一扶"):
        rounds_services.town_rank(acting_user=open_round["town"], need=huliao, nomination_ids=[excluded.pk])
    saved = rounds_services.town_rank(
        acting_user=open_round["town"],
        need=huliao,
        nomination_ids=[n["junior"].pk, n["citrus"].pk, n["junior"].pk],
    )
    assert [(t.nomination_id, t.rank) for t in saved] == [(n["junior"].pk, 1), (n["citrus"].pk, 2)]


def test_only_the_candidate_or_their_unit_states_preferences(
    open_round: dict[str, Any], make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> None:
    n, huliao, maichen = open_round["n"], open_round["huliao"], open_round["maichen"]
    stranger = make_user(Role.ORG, organisation=make_org("别的单位", "enterprise", "440106000000"))
    with pytest.raises(PermissionDenied):
        rounds_services.candidate_prefer(acting_user=stranger, nomination=n["citrus"], need_ids=[huliao.pk])
    with pytest.raises(PermissionDenied):
        rounds_services.candidate_prefer(
            acting_user=n["rice"].expert.user, nomination=n["citrus"], need_ids=[huliao.pk]
        )
    with pytest.raises(ValidationError, match="领域与您的服务领域不相符"):
        rounds_services.candidate_prefer(
            acting_user=n["citrus"].expert.user, nomination=n["citrus"], need_ids=[maichen.pk]
        )
    unit = make_user(Role.ORG, organisation=n["citrus"].organisation)
    saved = rounds_services.candidate_prefer(acting_user=unit, nomination=n["citrus"], need_ids=[huliao.pk])
    assert [p.rank for p in saved] == [1]


def test_pins_and_forbids_hold_when_solving_again(open_round: dict[str, Any]) -> None:
    r, huliao, n, province = (
        open_round["round"],
        open_round["huliao"],
        open_round["n"],
        open_round["province"],
    )
    rounds_services.round_solve(acting_user=province, dispatch_round=r)
    assert "柑橘植保甲" in _holders(huliao)
    rounds_services.constraint_set(
        acting_user=province, need=huliao, nomination=n["citrus"], kind="forbid", reason="与本镇有利益关系"
    )
    rounds_services.constraint_set(
        acting_user=province, need=huliao, nomination=n["rice"], kind="pin", leader=True
    )
    solution = rounds_services.round_solve(acting_user=province, dispatch_round=r)
    holders = _holders(huliao)
    assert "柑橘植保甲" not in holders
    assert holders["水稻栽培乙"] is True  # pinned as leader
    assert solution["filled"] == 4
    with pytest.raises(PermissionDenied):
        rounds_services.constraint_set(
            acting_user=open_round["town"], need=huliao, nomination=n["rice"], kind="pin"
        )
    with pytest.raises(ValidationError, match="不能固定为团队负责人"):
        rounds_services.constraint_set(
            acting_user=province, need=huliao, nomination=n["junior"], kind="pin", leader=True
        )
    with pytest.raises(ValidationError, match="服务领域"):
        rounds_services.constraint_set(acting_user=province, need=huliao, nomination=n["shrimp"], kind="pin")
    rounds_services.constraint_set(acting_user=province, need=huliao, nomination=n["junior"], kind="pin")
    # A third pin in a town of two slots cannot fit: refused at once, nothing stored.
    with pytest.raises(ValidationError, match="超过了需求人数"):
        rounds_services.constraint_set(acting_user=province, need=huliao, nomination=n["citrus"], kind="pin")
    assert PlanConstraint.all_objects.get(need=huliao, nomination=n["citrus"]).kind == "forbid"


def test_a_team_is_staffed_leader_first(open_round: dict[str, Any]) -> None:
    r, huliao, n, province = (
        open_round["round"],
        open_round["huliao"],
        open_round["n"],
        open_round["province"],
    )
    # 湖寮镇 asks for three; only one of its candidates can lead: that one leads, whatever the solve.
    TownNeed.all_objects.filter(pk=huliao.pk).update(slots=3)
    rounds_services.constraint_set(acting_user=province, need=huliao, nomination=n["rice"], kind="forbid")
    for objective in ("max_score", "max_filled_then_score"):
        solution = rounds_services.round_solve(acting_user=province, dispatch_round=r, objective=objective)
        assert _holders(huliao) == {"柑橘植保甲": True, "助理戊": False}
        gaps = [e for e in solution["explanations"] if e["town"] == huliao.town_id]
        assert [e["leader"] for e in gaps] == [False]

    # A person pinned to the town (not as leader) who can lead takes the leader slot when nobody
    # else can: the team is not left without one.
    rounds_services.constraint_set(acting_user=province, need=huliao, nomination=n["citrus"], kind="forbid")
    rounds_services.constraint_set(acting_user=province, need=huliao, nomination=n["rice"], kind="pin")
    rounds_services.round_solve(acting_user=province, dispatch_round=r)
    assert _holders(huliao) == {"水稻栽培乙": True, "助理戊": False}


@pytest.fixture
def published(open_round: dict[str, Any]) -> dict[str, Any]:
    rounds_services.round_solve(acting_user=open_round["province"], dispatch_round=open_round["round"])
    rounds_services.round_publish(
        acting_user=open_round["province"], dispatch_round=open_round["round"], on=dt.date(2025, 6, 1)
    )
    return open_round


def _assignment(need: TownNeed, name: str) -> Assignment:
    return Assignment.all_objects.get(need=need, nomination__expert__person__name=name)


def test_invitations_are_answered_by_the_commissioner_alone(published: dict[str, Any]) -> None:
    huliao = published["huliao"]
    citrus = _assignment(huliao, "柑橘植保甲")
    junior = _assignment(huliao, "助理戊")
    assert citrus.status == AssignmentStatus.INVITED
    with pytest.raises(PermissionDenied):
        rounds_services.assignment_respond(
            acting_user=junior.nomination.expert.user, assignment=citrus, accept=True
        )
    accepted = rounds_services.assignment_respond(
        acting_user=citrus.nomination.expert.user, assignment=citrus, accept=True
    )
    assert accepted.status == AssignmentStatus.ACCEPTED
    with pytest.raises(ValidationError, match="已是“在岗”"):
        rounds_services.assignment_respond(
            acting_user=citrus.nomination.expert.user, assignment=citrus, accept=False
        )
    with pytest.raises(ValidationError, match="说明原因"):
        rounds_services.assignment_respond(
            acting_user=junior.nomination.expert.user, assignment=junior, accept=False
        )
    declined = rounds_services.assignment_respond(
        acting_user=junior.nomination.expert.user, assignment=junior, accept=False, note="家中有事"
    )
    assert declined.status == AssignmentStatus.DECLINED
    assert declined.end_reason == "家中有事"
    gaps = rounds_selectors.needs_attention(published["province"])
    assert [(g.need.pk, g.missing) for g in gaps] == [(huliao.pk, 1)]
    assert Notification.objects.filter(user=published["town"], title__contains="谢绝").exists()
    team = Team.all_objects.get(need=huliao)
    assert team.history.filter(kind="left", assignment=junior).get().reason == "谢绝邀请：家中有事"


def test_withdraw_recall_and_rescind_each_by_their_own_party(
    published: dict[str, Any], make_user: Callable[..., User]
) -> None:
    huliao, maichen, province = published["huliao"], published["maichen"], published["province"]
    citrus, junior = _assignment(huliao, "柑橘植保甲"), _assignment(huliao, "助理戊")
    shrimp = _assignment(maichen, "对虾养殖丙")
    unit = make_user(Role.ORG, organisation=junior.nomination.organisation)

    with pytest.raises(PermissionDenied, match="只有本人"):
        rounds_services.assignment_end(acting_user=unit, assignment=citrus, status="withdrawn", reason="x")
    with pytest.raises(ValidationError, match="填写原因"):
        rounds_services.assignment_end(
            acting_user=citrus.nomination.expert.user, assignment=citrus, status="withdrawn", reason=" "
        )
    rounds_services.assignment_end(
        acting_user=citrus.nomination.expert.user, assignment=citrus, status="withdrawn", reason="调任外省"
    )
    with pytest.raises(PermissionDenied, match="派出单位"):
        rounds_services.assignment_end(acting_user=province, assignment=junior, status="recalled", reason="x")
    rounds_services.assignment_end(
        acting_user=unit, assignment=junior, status="recalled", reason="单位科研任务"
    )
    with pytest.raises(PermissionDenied, match="省科技厅"):
        rounds_services.assignment_end(acting_user=unit, assignment=shrimp, status="rescinded", reason="x")
    rounds_services.assignment_respond(
        acting_user=shrimp.nomination.expert.user, assignment=shrimp, accept=True
    )
    rounds_services.assignment_end(
        acting_user=province, assignment=shrimp, status="rescinded", reason="考核发现不在岗"
    )
    with pytest.raises(ValidationError, match="不能再操作"):
        rounds_services.assignment_end(
            acting_user=province, assignment=shrimp, status="rescinded", reason="again"
        )

    shrimp.refresh_from_db()
    assert (shrimp.status, shrimp.end_reason) == ("rescinded", "考核发现不在岗")
    # The rescinding is in the record's audit trail with who did it.
    changes = [(e.actor_id, e.changes) for e in LogEntry.objects.get_for_object(shrimp)]
    rescinded = {"status": ["accepted", "rescinded"], "end_reason": ["", "考核发现不在岗"]}
    assert any(all(c.get(k) == v for k, v in rescinded.items()) for _, c in changes), changes
    gaps = {g.need.pk: g for g in rounds_selectors.needs_attention(province)}
    assert gaps[huliao.pk].missing == 2
    assert not gaps[huliao.pk].has_leader


def test_filling_gaps_keeps_everyone_else(published: dict[str, Any], add_expert: Callable[..., Any]) -> None:
    r, huliao, maichen, province = (
        published["round"],
        published["huliao"],
        published["maichen"],
        published["province"],
    )
    before = {a.pk for a in Assignment.all_objects.filter(round=r)}
    rice_was_free = not Assignment.all_objects.filter(nomination=published["n"]["rice"]).exists()
    assert rice_was_free
    citrus = _assignment(huliao, "柑橘植保甲")
    rounds_services.assignment_end(
        acting_user=citrus.nomination.expert.user, assignment=citrus, status="withdrawn", reason="调任"
    )
    solution = rounds_services.round_fill_gaps(acting_user=province, dispatch_round=r)
    assert solution["added"] == 1
    assert solution["kept"] == 3
    new = Assignment.all_objects.exclude(pk__in=before).get()
    assert new.nomination == published["n"]["rice"]
    assert new.status == AssignmentStatus.PROPOSED
    assert new.leader  # the leaver led the team; the only senior spare takes the leader slot
    # Nobody else moved.
    assert _holders(maichen) == {"对虾养殖丙": True, "淡水鱼丁": False}
    assert rounds_services.round_publish(acting_user=province, dispatch_round=r) == 1
    new.refresh_from_db()
    assert new.status == AssignmentStatus.INVITED
    assert rounds_selectors.needs_attention(province) == []
    with pytest.raises(ValidationError, match="没有待发布"):
        rounds_services.round_publish(acting_user=province, dispatch_round=r)


def test_comparing_with_a_manual_plan(published: dict[str, Any]) -> None:
    r, province = published["round"], published["province"]
    rows = [
        {"_row": 2, "town": A["town"], "name": "水稻栽培乙", "leader": True},
        {"_row": 3, "town": B["town"], "name": "对虾养殖丙", "leader": True},
    ]
    result = rounds_services.round_compare(acting_user=province, dispatch_round=r, rows=rows)
    assert result["a"]["filled"] == 2
    assert result["b"]["filled"] == 4
    assert result["delta"]["filled"] == 2
    assert result["b"]["score"] > result["a"]["score"]
    assert DispatchRound.all_objects.get(pk=r.pk).result["comparison"]["differ"] >= 2
    with pytest.raises(ValidationError) as caught:
        rounds_services.round_compare(
            acting_user=province,
            dispatch_round=r,
            rows=[{"_row": 7, "town": "440106001000", "name": "无名氏", "leader": False}],
        )
    assert caught.value.messages == ["第 7 行：乡镇 440106001000 在本批次没有需求"]


def test_the_comparison_shows_towns_fully_staffed_and_tells_namesakes_apart(
    published: dict[str, Any], add_expert: Callable[..., Any], client_for: Callable[[User], Client]
) -> None:
    r, province = published["round"], published["province"]
    rows = [
        {"_row": 2, "town": A["town"], "name": "水稻栽培乙", "leader": True},
        {"_row": 3, "town": B["town"], "name": "对虾养殖丙", "leader": True},
    ]
    rounds_services.round_compare(acting_user=province, dispatch_round=r, rows=rows)
    page = client_for(province).get(f"/commissioners/rounds/{r.pk}/").content.decode()
    table = page[page.index("与人工方案比较") :]
    assert "粤东西北 0/2" in table  # the manual plan staffs neither town fully
    assert "粤东西北 2/2" in table  # the optimum staffs both

    # Two candidates of the same name from two units: the unit tells them apart.
    twin = add_expert("水稻栽培乙", "研究员", "水稻 栽培", org="华南农业大学")
    Nomination.all_objects.create(
        round=r, expert=twin, organisation=twin.person.organisation, fields=["种植"], submitted_by=province
    )
    with pytest.raises(ValidationError) as caught:
        rounds_services.round_compare(acting_user=province, dispatch_round=r, rows=rows)
    assert caught.value.messages == [
        "第 2 行：候选人“水稻栽培乙”有重名（华南农业大学、广东省农业科学院），请在“推荐单位”列注明"
    ]
    chosen = rounds_services.round_compare(
        acting_user=province,
        dispatch_round=r,
        rows=[{**rows[0], "organisation": "华南农业大学"}, rows[1]],
    )
    assert chosen["a"]["filled"] == 2
    with pytest.raises(ValidationError, match="找不到某大学推荐的候选人"):
        rounds_services.round_compare(
            acting_user=province, dispatch_round=r, rows=[{**rows[0], "organisation": "某大学"}]
        )
    sheet = client_for(province).get(f"/commissioners/rounds/{r.pk}/manual-plan.xlsx")
    header, first = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))[:2]
    assert header[3].startswith("推荐单位")
    assert first[3] in ("广东省农业科学院",)


def test_pages_for_each_side(published: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    r, huliao, n = published["round"], published["huliao"], published["n"]
    citrus = _assignment(huliao, "柑橘植保甲")
    me = client_for(citrus.nomination.expert.user)
    page = me.get(f"/commissioners/rounds/{r.pk}/").content.decode()
    assert "我的派驻" in page
    assert "接受派驻" in page
    assert me.post(f"/commissioners/assignments/{citrus.pk}/accept/").status_code == 302
    citrus.refresh_from_db()
    assert citrus.status == AssignmentStatus.ACCEPTED

    town = client_for(published["town"])
    need_page = town.get(f"/commissioners/needs/{huliao.pk}/").content.decode()
    assert "候选人短名单" in need_page
    assert "柑橘植保甲" in need_page
    assert town.get(f"/commissioners/needs/{published['maichen'].pk}/").status_code == 404

    province = client_for(published["province"])
    response = province.post(
        f"/commissioners/assignments/{citrus.pk}/rescinded/",
        {"reason": "不在岗", "back": "https://evil.example/"},
    )
    assert response["Location"] == f"/commissioners/rounds/{r.pk}/"
    assert "待补充的乡镇" in province.get("/commissioners/attention/").content.decode()
    assert "湖寮镇" in province.get("/commissioners/attention/").content.decode()

    sheet = province.get(f"/commissioners/rounds/{r.pk}/manual-plan.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("乡镇区划代码*", "乡镇名称", "科技特派员姓名*") or rows[0][0].startswith(
        "乡镇区划代码"
    )
    upload = io.BytesIO(sheet.content)
    upload.name = "manual.xlsx"
    province.post(f"/commissioners/rounds/{r.pk}/compare/", {"file": upload})
    assert "与人工方案比较" in province.get(f"/commissioners/rounds/{r.pk}/").content.decode()

    nomination_page = client_for(n["rice"].expert.user).get(f"/commissioners/nominations/{n['rice'].pk}/")
    assert "志愿乡镇" in nomination_page.content.decode()


def test_ranking_and_constraints_from_the_pages(
    open_round: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    huliao, n = open_round["huliao"], open_round["n"]
    town = client_for(open_round["town"])
    town.post(
        f"/commissioners/needs/{huliao.pk}/",
        {f"rank_{n['rice'].pk}": "1", f"rank_{n['citrus'].pk}": "2", f"rank_{n['junior'].pk}": ""},
    )
    assert list(huliao.rankings.values_list("nomination_id", "rank")) == [
        (n["rice"].pk, 1),
        (n["citrus"].pk, 2),
    ]
    province = client_for(open_round["province"])
    province.post(f"/commissioners/needs/{huliao.pk}/constraint/", {"constraint": f"leader:{n['citrus'].pk}"})
    pin = PlanConstraint.all_objects.get(need=huliao)
    assert (pin.kind, pin.leader) == ("pin", True)
    province.post(f"/commissioners/needs/{huliao.pk}/constraint/", {"constraint": f"clear:{n['citrus'].pk}"})
    assert not PlanConstraint.all_objects.filter(need=huliao).exists()
    # A town user cannot set constraints: the page says so and nothing is stored.
    town.post(f"/commissioners/needs/{huliao.pk}/constraint/", {"constraint": f"pin:{n['citrus'].pk}"})
    assert not PlanConstraint.all_objects.exists()


def test_the_round_through_the_api(open_round: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    huliao, n = open_round["huliao"], open_round["n"]
    town = client_for(open_round["town"])
    listed = town.get(f"/api/v1/commissioners/needs/{huliao.pk}/shortlist").json()
    assert listed[0]["name"] == "柑橘植保甲"
    assert listed[0]["reasons"]
    ranked = town.post(
        f"/api/v1/commissioners/needs/{huliao.pk}/ranking",
        {"nomination_ids": [n["junior"].pk]},
        content_type="application/json",
    )
    assert ranked.json() == {"ranking": [n["junior"].pk]}
    wrong = town.post(
        f"/api/v1/commissioners/needs/{huliao.pk}/ranking",
        {"nomination_ids": [n["shrimp"].pk]},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    assert "不相符" in wrong.content.decode()
    assert (
        town.post(
            f"/api/v1/commissioners/rounds/{open_round['round'].pk}/solve",
            {},
            content_type="application/json",
        ).status_code
        == 403
    )

    province = client_for(open_round["province"])
    r = open_round["round"].pk
    solved = province.post(
        f"/api/v1/commissioners/rounds/{r}/solve", {"objective": "max_score"}, content_type="application/json"
    )
    assert solved.json()["filled"] == 4
    bad = province.post(
        f"/api/v1/commissioners/rounds/{r}/solve", {"objective": "随便"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert province.post(f"/api/v1/commissioners/rounds/{r}/publish").json() == {"published": 4}
    junior = _assignment(huliao, "助理戊")
    me = client_for(junior.nomination.expert.user)
    answered = me.post(
        f"/api/v1/commissioners/assignments/{junior.pk}/respond",
        {"accept": True},
        content_type="application/json",
    )
    assert answered.json()["status"] == "accepted"
    ended = me.post(
        f"/api/v1/commissioners/assignments/{junior.pk}/end",
        {"status": "withdrawn", "reason": "身体原因"},
        content_type="application/json",
    )
    assert ended.json()["end_reason"] == "身体原因"
    gap = province.post(f"/api/v1/commissioners/rounds/{r}/fill-gaps").json()
    assert gap["added"] == 1


def test_solving_runs_as_a_job_with_progress_and_can_be_cancelled(
    open_round: dict[str, Any], client_for: Callable[[User], Client], django_capture_on_commit_callbacks: Any
) -> None:
    from baiqianwan.core.jobs import job_cancel
    from baiqianwan.core.models import Job

    province, r = open_round["province"], open_round["round"]
    with django_capture_on_commit_callbacks(execute=True):
        job = rounds_services.round_solve_job(acting_user=province, dispatch_round=r)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress, job.total) == (100, 100)
    assert job.result["filled"] == 4
    assert job.result["url"] == f"/commissioners/rounds/{r.pk}/"
    with pytest.raises(PermissionDenied):
        rounds_services.round_solve_job(acting_user=open_round["town"], dispatch_round=r)

    # A cancel request is seen at the next stage: nothing is stored, the plan from before stays.
    before = sorted(Assignment.all_objects.filter(round=r).values_list("pk", flat=True))
    queued = Job.all_objects.create(
        kind="dispatch:solve",
        title="求解",
        created_by=province,
        params={"round": r.pk, "objective": "max_score", "east_west_north_first": True, "cancellable": True},
    )
    with pytest.raises(PermissionDenied):
        job_cancel(job=queued, acting_user=open_round["town"])
    job_cancel(job=queued, acting_user=province)
    done = rounds_services.round_solve_execute(queued)
    assert done.status == Job.Status.CANCELLED
    assert not done.cancellable
    assert sorted(Assignment.all_objects.filter(round=r).values_list("pk", flat=True)) == before
    with pytest.raises(ValidationError, match="不能取消"):
        job_cancel(job=done, acting_user=province)

    page = client_for(province).get(f"/jobs/{done.pk}/").content.decode()
    assert "已取消" in page
