"""A dispatch round end to end in services and pages: needs, nominations, the optimum, publishing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.rounds import selectors as rounds_selectors
from baiqianwan.commissioners.rounds import services as rounds_services
from baiqianwan.commissioners.rounds.models import Assignment, RoundStatus, TownNeed
from baiqianwan.core.models import Notification
from baiqianwan.regions.models import Division

from ...conftest import A
from ..conftest import WUSHAN
from ..helpers import api_refuses


def test_round_from_needs_to_published_plan(setting: dict[str, Any]) -> None:
    province, org = setting["province"], setting["org"]
    r = rounds_services.round_create(acting_user=province, name="2025年第二批", year=2025)
    with pytest.raises(PermissionDenied):
        rounds_services.round_create(acting_user=setting["town"], name="越权批次", year=2025)
    huliao = Division.objects.get(code=A["town"])
    rounds_services.need_submit(
        acting_user=setting["town"], dispatch_round=r, town=huliao, fields=["种植", "茶叶"], slots=2
    )
    with pytest.raises(PermissionDenied):
        rounds_services.need_submit(
            acting_user=setting["town"],
            dispatch_round=r,
            town=Division.objects.get(code=WUSHAN),
            fields=["种植"],
            slots=2,
        )
    rounds_services.need_submit(
        acting_user=setting["prd_town"],
        dispatch_round=r,
        town=Division.objects.get(code=WUSHAN),
        fields=["种植"],
        slots=2,
    )
    with pytest.raises(ValidationError, match="领域"):
        rounds_services.need_submit(
            acting_user=setting["town"], dispatch_round=r, town=huliao, fields=["炼钢"], slots=2
        )

    lead, senior, junior = setting["experts"]
    n1 = rounds_services.nominate(acting_user=org, dispatch_round=r, expert=lead, fields=["种植"])
    n2 = rounds_services.nominate(acting_user=org, dispatch_round=r, expert=senior, fields=["种植", "茶叶"])
    n3 = rounds_services.nominate(
        acting_user=org, dispatch_round=r, expert=junior, fields=["种植"], in_station_team=True
    )
    assert n1.can_lead
    assert n2.can_lead  # 副教授 is a senior title
    assert n3.excluded_reason == "已是驻镇帮镇扶村工作队成员"

    solution = rounds_services.round_solve(acting_user=province, dispatch_round=r, east_west_north_first=True)
    # Two eligible people, four slots: the 粤东西北 town (湖寮镇) gets its full team first.
    assert solution["filled"] == 2
    staffed = {a.need.town_id for a in Assignment.all_objects.filter(round=r)}
    assert staffed == {A["town"]}
    assert Assignment.all_objects.filter(round=r, leader=True).count() == 1
    assert solution["explanations"]  # the empty 五山街道 slots say why
    r.refresh_from_db()
    assert r.status == RoundStatus.SOLVED

    lead.user = setting["org"]
    lead.save()
    assert rounds_services.round_publish(acting_user=province, dispatch_round=r) == 2
    assert Notification.objects.filter(user=setting["org"], title__contains="2025年第二批").exists()
    with pytest.raises(ValidationError, match="已发布"):
        rounds_services.need_submit(
            acting_user=setting["town"], dispatch_round=r, town=huliao, fields=["种植"], slots=3
        )

    # Published commissioners are not eligible for the next round.
    nxt = rounds_services.round_create(acting_user=province, name="2026年第一批", year=2026)
    again = rounds_services.nominate(acting_user=org, dispatch_round=nxt, expert=lead, fields=["种植"])
    assert again.excluded_reason == "已在“2025年第二批”派驻"


def test_round_pages(setting: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    province = client_for(setting["province"])
    response = province.post("/commissioners/rounds/", {"name": "2025年第三批", "year": 2025})
    assert response.status_code == 302
    page_url = response["Location"]
    town = client_for(setting["town"])
    town.post(page_url + "need/", {"town": A["town"], "areas": ["种植"], "slots": 1})
    org = client_for(setting["org"])
    org.post(page_url + "nominate/", {"expert": setting["experts"][0].pk, "areas": ["种植"], "capacity": 1})
    province.post(page_url + "solve/", {"objective": "max_filled_then_score", "ewn": "1"})
    page = province.get(page_url).content.decode()
    assert "陈晓燕" in page
    assert "湖寮镇" in page
    assert "负责人" in page
    other_town = client_for(setting["prd_town"]).get(page_url).content.decode()
    assert "湖寮镇" not in other_town  # another town's need and assignment stay hidden


def test_publishing_forms_one_team_per_town_with_a_three_year_term(team: Any) -> None:
    members = list(team.need.assignments.order_by("-leader"))
    assert team.town_id == A["town"]
    assert team.name == "湖寮镇科技特派员服务团"
    assert (team.started_on, team.ends_on) == (dt.date(2024, 3, 1), dt.date(2027, 3, 1))
    assert len(members) == 3
    assert members[0].leader
    assert members[0].nomination.can_lead
    assert {a.started_on for a in members} == {dt.date(2024, 3, 1)}
    assert [(c.kind, c.assignment_id) for c in team.history.order_by("assignment_id")] == [
        ("joined", a.pk) for a in sorted(members, key=lambda a: a.pk)
    ]


def test_a_town_with_a_serving_team_gets_no_second_one(team: Any, setting: dict[str, Any]) -> None:
    later = rounds_services.round_create(acting_user=setting["province"], name="2025年第一批", year=2025)
    with pytest.raises(ValidationError, match="一个乡镇只派驻一个团队"):
        rounds_services.need_submit(
            acting_user=setting["town"],
            dispatch_round=later,
            town=team.town,
            fields=["种植"],
            slots=3,
        )


def test_each_stage_closes_on_its_deadline_except_for_the_province(setting: dict[str, Any]) -> None:
    province = setting["province"]
    with pytest.raises(ValidationError, match="顺序"):
        rounds_services.round_create(
            acting_user=province,
            name="日期颠倒",
            year=2025,
            needs_due=dt.date(2025, 5, 1),
            nominations_due=dt.date(2025, 4, 1),
        )
    closed = rounds_services.round_create(
        acting_user=province,
        name="已截止的批次",
        year=2025,
        needs_due=dt.date(2025, 4, 1),
        nominations_due=dt.date(2025, 4, 15),
        choices_due=dt.date(2025, 5, 1),
    )
    huliao = Division.objects.get(code=A["town"])
    with pytest.raises(ValidationError, match="乡镇需求填报已于 2025年04月01日 截止"):
        rounds_services.need_submit(
            acting_user=setting["town"], dispatch_round=closed, town=huliao, fields=["种植"], slots=2
        )
    need = rounds_services.need_submit(
        acting_user=province, dispatch_round=closed, town=huliao, fields=["种植"], slots=2
    )
    with pytest.raises(ValidationError, match="候选人推荐已于"):
        rounds_services.nominate(
            acting_user=setting["org"], dispatch_round=closed, expert=setting["experts"][0], fields=["种植"]
        )
    nomination = rounds_services.nominate(
        acting_user=province, dispatch_round=closed, expert=setting["experts"][0], fields=["种植"]
    )
    with pytest.raises(ValidationError, match="双向选择已于"):
        rounds_services.town_rank(acting_user=setting["town"], need=need, nomination_ids=[nomination.pk])
    with pytest.raises(ValidationError, match="双向选择已于"):
        rounds_services.candidate_prefer(
            acting_user=setting["org"], nomination=nomination, need_ids=[need.pk]
        )


def test_configurable_limits_age_and_nominations_per_unit(setting: dict[str, Any]) -> None:
    province, org = setting["province"], setting["org"]
    assert rounds_selectors.age_on("44010619780301123X", dt.date(2026, 2, 28)) == 47
    assert rounds_selectors.age_on("44010619780301123X", dt.date(2026, 3, 1)) == 48
    assert rounds_selectors.age_on("bad", dt.date(2026, 3, 1)) is None
    strict = rounds_services.round_create(
        acting_user=province, name="限制批次", year=2026, max_age=45, max_per_unit=2
    )
    lead, senior, junior = setting["experts"]  # all born 1978: 48 today
    flagged = rounds_services.nominate(acting_user=org, dispatch_round=strict, expert=lead, fields=["种植"])
    assert flagged.excluded_reason.startswith("年满 4")
    assert "超过本批次 45 周岁的年龄上限" in flagged.excluded_reason
    rounds_services.nominate(acting_user=org, dispatch_round=strict, expert=senior, fields=["种植"])
    with pytest.raises(ValidationError, match="每个单位最多推荐 2 人"):
        rounds_services.nominate(acting_user=org, dispatch_round=strict, expert=junior, fields=["种植"])
    # Re-nominating someone already put forward is an update, not a third nomination.
    rounds_services.nominate(acting_user=org, dispatch_round=strict, expert=senior, fields=["种植", "茶叶"])


def test_only_serving_commissioners_are_excluded_from_a_new_round(team: Any, setting: dict[str, Any]) -> None:
    province, org = setting["province"], setting["org"]
    member = team.need.assignments.filter(leader=False).select_related("nomination__expert").first()
    rounds_services.assignment_end(acting_user=province, assignment=member, status="rescinded", reason="调整")
    later = rounds_services.round_create(acting_user=province, name="2026年第一批", year=2026)
    still_serving = team.need.assignments.get(leader=True).nomination.expert
    assert (
        "已在“2024年第一批”派驻"
        in rounds_services.nominate(
            acting_user=org, dispatch_round=later, expert=still_serving, fields=["种植"]
        ).excluded_reason
    )
    assert rounds_services.nominate(
        acting_user=org, dispatch_round=later, expert=member.nomination.expert, fields=["种植"]
    ).eligible


def test_a_town_with_a_serving_team_is_told_on_arrival_not_after_the_form(
    team: Any, setting: dict[str, Any], client_for: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    later = rounds_services.round_create(acting_user=setting["province"], name="2025年第一批", year=2025)
    page = client_for(setting["town"]).get(f"/commissioners/rounds/{later.pk}/").content.decode()
    notice = "湖寮镇已有在期的“湖寮镇科技特派员服务团”（至 2027年3月1日）"
    assert notice in page
    assert 'id="need-form"' not in page
    # Another town of the same round gets the form, with its leader slot shown, not described.
    other = client_for(setting["prd_town"]).get(f"/commissioners/rounds/{later.pk}/").content.decode()
    assert 'id="need-form"' in other
    assert 'data-slot="leader"' in other
    assert "已有在期" not in other
    # The county sees which of its towns need no form.
    county = make_user(Role.COUNTY, A["county"])
    county_page = client_for(county).get(f"/commissioners/rounds/{later.pk}/").content.decode()
    assert "辖区内以下乡镇已有在期团队" in county_page
    assert 'id="need-form"' in county_page


def test_a_refused_need_comes_back_as_typed(
    team: Any, setting: dict[str, Any], client_for: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    later = rounds_services.round_create(acting_user=setting["province"], name="2025年第一批", year=2025)
    county = client_for(make_user(Role.COUNTY, A["county"]))
    typed = {"town": A["town"], "areas": ["种植", "茶叶"], "slots": "4", "note": "蜜柚<b>黄龙病</b>防控"}
    response = county.post(f"/commissioners/rounds/{later.pk}/need/", typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "一个乡镇只派驻一个团队" in page
    assert 'value="种植" checked' in page
    assert 'value="茶叶" checked' in page
    assert 'value="水产" checked' not in page
    assert 'value="4"' in page
    assert 'value="蜜柚&lt;b&gt;黄龙病&lt;/b&gt;防控"' in page
    assert "<b>黄龙病</b>" not in page
    assert not TownNeed.all_objects.filter(round=later).exists()

    # Bad input names the field and keeps the rest; never a server error.
    for bad, field in (
        ({**typed, "town": "440106001000", "slots": "abc"}, "团队人数"),
        ({**typed, "town": "9" * 40}, "乡镇"),
        ({**typed, "town": "440106001000", "areas": ["炼钢"]}, "需求领域"),
        ({**typed, "town": "440106001000", "note": "x" * 301}, "具体需求"),
    ):
        response = county.post(f"/commissioners/rounds/{later.pk}/need/", bad)
        assert response.status_code == 400, bad
        page = response.content.decode()
        assert "invalid-feedback" in page
        assert field in page
        assert "蜜柚" in page or bad["note"] in page
    # Another region's town is refused with the town named, input kept.
    outside = county.post(f"/commissioners/rounds/{later.pk}/need/", {**typed, "town": "440106001000"})
    assert outside.status_code == 400
    assert "蜜柚&lt;b&gt;" in outside.content.decode()
    assert county.post("/commissioners/rounds/99999999999999999999/need/", typed).status_code == 404

    # Accepted: a message that names the leader slot.
    ok = county.post(
        f"/commissioners/rounds/{later.pk}/need/", {**typed, "town": "441422101000"}, follow=True
    )
    assert "团队负责人 1 名、成员 3 名" in ok.content.decode()


def test_a_refused_nomination_comes_back_as_typed(
    setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    r = rounds_services.round_create(
        acting_user=setting["province"], name="2025年第一批", year=2025, max_per_unit=1
    )
    org = client_for(setting["org"])
    first, second = setting["experts"][0], setting["experts"][1]
    assert (
        org.post(
            f"/commissioners/rounds/{r.pk}/nominate/", {"expert": first.pk, "areas": ["种植"], "capacity": 1}
        ).status_code
        == 302
    )
    typed = {"expert": second.pk, "areas": ["茶叶", "水产"], "capacity": 1, "in_sanzhi": "on"}
    response = org.post(f"/commissioners/rounds/{r.pk}/nominate/", typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "每个单位最多推荐 1 人" in page
    assert f'value="{second.pk}" selected' in page
    assert 'value="茶叶" checked' in page
    assert 'value="水产" checked' in page
    assert 'name="in_sanzhi" checked' in page
    for bad in ({**typed, "capacity": "9"}, {**typed, "expert": "9" * 30}, {**typed, "areas": []}):
        assert org.post(f"/commissioners/rounds/{r.pk}/nominate/", bad).status_code == 400


def test_the_need_page_shows_the_leader_slot_and_who_holds_it(
    team: Any, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    page = client_for(setting["town"]).get(f"/commissioners/needs/{team.need.pk}/").content.decode()
    leader = team.need.assignments.get(leader=True).nomination.expert.person.name
    slots = page[page.index("data-slots") :]
    assert slots.index('data-slot="leader"') < slots.index(leader) < slots.index('data-slot="member"')
    assert slots.count('data-slot="member"') == 2


def test_the_unit_sees_who_may_serve_before_nominating(
    team: Any, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    province = setting["province"]
    left = team.need.assignments.filter(leader=False).select_related("nomination__expert__person").first()
    rounds_services.assignment_end(acting_user=province, assignment=left, status="rescinded", reason="调整")
    later = rounds_services.round_create(acting_user=province, name="2026年第一批", year=2026)
    serving = team.need.assignments.get(leader=True).nomination.expert
    page = client_for(setting["org"]).get(f"/commissioners/rounds/{later.pk}/").content.decode()
    start = page.index('id="nominate-expert"')
    picker = page[start : page.index("</select>", start)]
    busy = f"{serving.person.name}（{serving.person.title} · 华南农业大学） — 不符合：已在“2024年第一批”派驻"
    assert f'value="{serving.pk}" disabled>{busy}</option>' in picker
    free = left.nomination.expert.person
    assert f"{free.name}（{free.title} · 华南农业大学） — 符合条件" in picker
    assert "2 名专家本批次不符合条件" in page
    # Over the age limit: said in the picker too.
    strict = rounds_services.round_create(acting_user=province, name="限龄批次", year=2026, max_age=45)
    aged = client_for(setting["org"]).get(f"/commissioners/rounds/{strict.pk}/").content.decode()
    assert f"{free.name}（{free.title} · 华南农业大学） — 不符合：年满 4" in aged
    assert "超过本批次 45 周岁的年龄上限" in aged


def test_creating_a_round_says_so_and_a_long_name_keeps_the_table_readable(
    setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    province = client_for(setting["province"])
    name = "2025年第二批（粤东西北重点帮扶乡镇专项）" * 2
    created = province.post("/commissioners/rounds/", {"name": name[:60], "year": 2025}, follow=True)
    assert f"已新建批次“{name[:60]}”" in created.content.decode()
    table = province.get("/commissioners/rounds/").content.decode()
    assert (
        '<td class="text-nowrap"><span class="badge bg-secondary-lt" data-round-status>征集中</span></td>'
        in table
    )
    assert '<td class="text-break"' in table


def test_publishing_asks_first_and_says_what_will_happen(
    setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    province_user = setting["province"]
    r = rounds_services.round_create(acting_user=province_user, name="2025年第二批", year=2025)
    rounds_services.need_submit(
        acting_user=province_user,
        dispatch_round=r,
        town=Division.objects.get(code=A["town"]),
        fields=["种植"],
        slots=4,
    )
    for expert in setting["experts"]:
        rounds_services.nominate(acting_user=province_user, dispatch_round=r, expert=expert, fields=["种植"])
    rounds_services.round_solve(acting_user=province_user, dispatch_round=r)
    province = client_for(province_user)
    asked = province.post(f"/commissioners/rounds/{r.pk}/publish/")
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "确定发布“2025年第二批”的 3 项派驻安排吗？" in page
    assert "派驻 1 个乡镇：梅州市大埔县湖寮镇" in page
    assert "还有 1 个岗位空缺" in page
    assert 'name="confirmed" value="1"' in page
    assert not Assignment.all_objects.filter(round=r, published=True).exists()
    # Only the province is asked; a town cannot get there.
    refused = client_for(setting["town"]).post(f"/commissioners/rounds/{r.pk}/publish/", follow=True)
    assert "省科技厅" in refused.content.decode()
    done = province.post(f"/commissioners/rounds/{r.pk}/publish/", {"confirmed": "1"}, follow=True)
    assert "已发布 3 项派驻安排" in done.content.decode()
    assert Assignment.all_objects.filter(round=r, published=True).count() == 3
    # Nothing left to publish: said plainly, no confirmation page.
    again = province.post(f"/commissioners/rounds/{r.pk}/publish/", follow=True)
    assert "没有待发布的派驻安排" in again.content.decode()


def test_the_api_lists_of_a_round_share_one_filter(
    team: Any, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(setting["province"])
    dispatch_round = team.need.round
    other = rounds_services.round_create(acting_user=setting["province"], name="2025年第一批", year=2025)
    for part, count in (("needs", 1), ("nominations", 3), ("assignments", 3)):
        path = f"/api/v1/commissioners/{part}"
        assert len(client.get(path, {"round_id": dispatch_round.pk}).json()["items"]) == count
        assert client.get(path, {"round_id": other.pk}).json()["items"] == []
        assert api_refuses(client, path, {"round_id": "第一批"}) == {"round_id"}
