"""The review pages: who may open them, the expert's score sheet and its errors, declining, the
province's pool, assignment, results, export and provisional selection."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls.models import Application, ApplicationStatus, CallStatus
from baiqianwan.orgs.models import Person
from baiqianwan.reviews import selectors
from baiqianwan.reviews.models import AssignmentStatus, Conflict, ConflictReason, PoolMember, ReviewAssignment

from .test_review_flow import RUBRIC_GOOD

pytestmark = pytest.mark.django_db


def _sheet(scores: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data = {f"score_{code}": value for code, value in scores.items()}
    data.update(extra)
    return data


def test_who_opens_which_page(assigned: dict[str, Any], world: dict[str, Any], client_for: Any) -> None:
    call, task = assigned["call"], assigned["task"]
    users = world["users"]
    reviewer = client_for(assigned["reviewer"])
    province = client_for(users[Role.PROVINCE])
    city = client_for(users[Role.CITY])
    manage = reverse("reviews:manage", args=[call.pk])
    results = reverse("reviews:results", args=[call.pk])
    assert reviewer.get(reverse("reviews:queue")).status_code == 200
    assert reviewer.get(reverse("reviews:task", args=[task.pk])).status_code == 200
    # Another expert's task is not found; nor is an id beyond any integer column.
    assert reviewer.get(reverse("reviews:task", args=[assigned["other_task"].pk])).status_code == 404
    assert reviewer.get(f"/reviews/tasks/{10**30}/").status_code == 404
    assert reviewer.get(manage).status_code == 403
    for page in (reverse("reviews:calls"), manage, results):
        assert province.get(page).status_code == 200, page
        assert city.get(page).status_code == 403, page
    assert city.get(reverse("reviews:queue")).status_code == 403
    assert province.get(f"/reviews/calls/{10**30}/").status_code == 404
    assert Client().get(reverse("reviews:queue")).status_code == 302


def test_the_queue_lists_only_the_experts_own_tasks(assigned: dict[str, Any], client_for: Any) -> None:
    body = client_for(assigned["reviewer"]).get(reverse("reviews:queue")).content.decode()
    mine = ReviewAssignment.objects.filter(expert=assigned["task"].expert)
    assert all(reverse("reviews:task", args=[t.pk]) in body for t in mine)
    assert reverse("reviews:task", args=[assigned["other_task"].pk]) not in body


def test_the_sheet_names_each_bad_score_and_keeps_a_draft(assigned: dict[str, Any], client_for: Any) -> None:
    client = client_for(assigned["reviewer"])
    url = reverse("reviews:task", args=[assigned["task"].pk])
    page = client.get(url).content.decode()
    assert "技术创新能力与水平" in page
    assert "低于 60 分须写明理由" in page
    refused = client.post(
        url,
        _sheet(
            {"innovation": 150, "conditions": 40, "team": "abc", "impact": -1}, action="submit", version=0
        ),
    )
    assert refused.status_code == 200
    body = refused.content.decode()
    for message in (
        "技术创新能力与水平：须是 0 至 100 的整数",
        "研发条件与工程化能力：低于 60 分须写明理由",
        "技术带头人与团队：须是 0 至 100 的整数",
        "对产业和县域发展的带动作用：须是 0 至 100 的整数",
    ):
        assert message in body
    assert client.post(url, _sheet({"innovation": 70}, action="draft", version=0)).status_code == 302
    task = ReviewAssignment.objects.get(pk=assigned["task"].pk)
    assert task.status == AssignmentStatus.ASSIGNED
    assert task.sheet.scores == {"innovation": 70}
    # A stale version (the draft raised it to 1) is refused, not overwritten.
    stale = client.post(url, _sheet(RUBRIC_GOOD, action="submit", version=0))
    assert "已被" in stale.content.decode() or "刷新" in stale.content.decode()
    done = client.post(url, _sheet(RUBRIC_GOOD, action="submit", version=1, overall="基础扎实。"))
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == AssignmentStatus.SUBMITTED
    assert str(task.sheet.total) == "83.00"
    assert "评分已提交，不能再修改" in client.get(url).content.decode()


def test_declaring_a_conflict_records_it_and_finds_a_replacement(
    assigned: dict[str, Any], client_for: Any
) -> None:
    task = assigned["task"]
    client = client_for(assigned["reviewer"])
    decline = reverse("reviews:decline", args=[task.pk])
    assert client.post(decline, {"reason": ""}).status_code == 302  # refused with a message
    assert ReviewAssignment.objects.get(pk=task.pk).status == AssignmentStatus.ASSIGNED
    response = client.post(decline, {"reason": "曾为该企业提供咨询", "conflict": "on"})
    assert response.status_code == 302
    assert ReviewAssignment.objects.get(pk=task.pk).status == AssignmentStatus.DECLINED
    assert Conflict.objects.filter(
        application=task.application, expert=task.expert, reason=ConflictReason.DECLARED
    ).exists()
    assert client.get(reverse("reviews:task", args=[task.pk])).status_code == 404


def test_a_file_is_served_to_the_assigned_expert_only(assigned: dict[str, Any], client_for: Any) -> None:
    task = assigned["task"]
    attachment = task.application.attachments.get()
    url = reverse("reviews:attachment", args=[task.pk, attachment.pk])
    download = client_for(assigned["reviewer"]).get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    other = assigned["other_task"]
    outsider = client_for(other.expert.user)
    assert outsider.get(url).status_code == 404
    assert client_for(assigned["reviewer"]).get(f"{url}x").status_code == 404


def test_the_province_builds_the_pool_and_assigns(
    in_review: dict[str, Any], province: User, client_for: Any
) -> None:
    call, experts = in_review["call"], in_review["experts"]
    client = client_for(province)
    manage = reverse("reviews:manage", args=[call.pk])
    found = client.get(manage, {"q": "教授"}).content.decode()
    assert "陈教授" in found
    assert "郑研究员" not in found
    Person.all_objects.filter(pk=experts[0].person_id).update(title="二级教授")
    Person.all_objects.filter(pk=experts[2].person_id).update(title="副教授")
    senior = client.get(manage, {"q": "教授", "seniority": "senior"}).content.decode()
    assert '陈教授 <span class="small">二级教授</span>' in senior
    assert "黄教授" not in senior
    assert "副高级及以上" in senior  # the choice is on the search form
    bad = client.post(
        reverse("reviews:pool_add", args=[call.pk]), {"experts": [experts[0].pk], "capacity": 0}
    )
    assert bad.status_code == 302
    assert not PoolMember.objects.exists()
    added = client.post(
        reverse("reviews:pool_add", args=[call.pk]), {"experts": [e.pk for e in experts], "capacity": 3}
    )
    assert added.status_code == 302
    assert PoolMember.objects.filter(call=call).count() == len(experts)
    assert client.post(reverse("reviews:assign", args=[call.pk])).status_code == 302
    page = client.get(manage).content.decode()
    assert "最近的分配" in page
    assert "与申报单位同单位" in page  # 周高工 works at the first applicant
    assert "待评审" in page
    call.refresh_from_db()
    assert call.status == CallStatus.REVIEWING


def test_results_rank_export_and_select(assigned: dict[str, Any], province: User, client_for: Any) -> None:
    call = assigned["call"]
    for task in ReviewAssignment.objects.filter(status=AssignmentStatus.ASSIGNED).select_related("expert"):
        client_for(task.expert.user).post(
            reverse("reviews:task", args=[task.pk]), _sheet(RUBRIC_GOOD, action="submit")
        )
    client = client_for(province)
    url = reverse("reviews:results", args=[call.pk])
    page = client.get(url).content.decode()
    assert "对方为粤东西北依托单位" in page
    # Three sheets each leave nothing to trim: the page says so rather than imply it dropped two.
    assert 'id="untrimmed-note"' in page
    rows = selectors.results(call=call)
    assert {row.stats.count for row in rows} == {3}
    assert page.count("未去高低") == 1 + len(rows)  # the note, and each row's mark
    assert "按专家尺度校正后的平均分" not in page.split("<table")[1].split("</thead>")[0]
    normalised = client.get(url, {"normalise": "on"}).content.decode()
    assert "校正后" in normalised
    assert client.get(url, {"statistic": "nonsense"}).status_code == 200  # a bad option is ignored
    export = client.get(url, {"export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    refused = client.post(reverse("reviews:provisional", args=[call.pk]), {"top": "-3"})
    assert refused.status_code == 302
    refused = client.post(reverse("reviews:provisional", args=[call.pk]), {"per_city": "0"}, follow=True)
    assert "每市最多入选" in refused.content.decode()
    assert not Application.all_objects.filter(call=call, status=ApplicationStatus.PROVISIONAL).exists()
    assert client.post(reverse("reviews:provisional", args=[call.pk]), {"top": "3"}).status_code == 302
    statuses = set(Application.all_objects.filter(call=call).values_list("status", flat=True))
    assert statuses == {ApplicationStatus.PROVISIONAL, ApplicationStatus.NOT_SELECTED}


def test_a_replacement_round_says_whose_decline_it_answers(
    assigned: dict[str, Any], province: User, client_for: Any
) -> None:
    from baiqianwan.reviews import services

    task, reviewer = assigned["task"], assigned["reviewer"]
    services.assignment_decline(acting_user=reviewer, assignment_id=task.pk, reason="近期出差，无法评审")
    page = client_for(province).get(reverse("reviews:manage", args=[assigned["call"].pk])).content.decode()
    assert "首次分配" in page
    assert "专家谢绝后补派" in page
    assert f"{reviewer.display_name}谢绝了任务" in page


def _scored(
    call: Any,
    province: User,
    expert: Any,
    make_user: Any,
    answers: list[tuple[Any, dict[str, Any], int]],
    nominator: User | None = None,
) -> list[Application]:
    """Applications of `call` by (unit, answers, score), each scored `score` on every criterion by
    `expert`, the only reviewer; nominated by `nominator` when there is one."""
    from baiqianwan.calls import services as calls
    from baiqianwan.calls.models import Call
    from baiqianwan.calls.selectors import call_type_of
    from baiqianwan.reviews import services as reviews

    applications = []
    for unit, values, _score in answers:
        application = calls.application_create(
            acting_user=nominator or make_user(Role.ORG, organisation=unit),
            call_id=call.pk,
            title=unit.name,
            values=values,
            applicant_id=unit.pk if nominator else None,
        )
        Application.all_objects.filter(pk=application.pk).update(
            status=ApplicationStatus.ACCEPTED, eligible=True
        )
        applications.append(application)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.CLOSED)
    reviews.pool_add(acting_user=province, call_id=call.pk, expert_ids=[expert.pk])
    reviews.assignments_make(acting_user=province, call_id=call.pk)
    rubric = call_type_of(call).review.rubric
    for application, (_unit, _values, score) in zip(applications, answers, strict=True):
        task = ReviewAssignment.objects.get(application=application)
        reviews.sheet_save(
            acting_user=expert.user,
            assignment_id=task.pk,
            scores={c.code: score for c in rubric},
            submit=True,
        )
    return applications


def test_results_explain_the_reserved_share_and_show_who_is_selected(
    open_call: Any,
    province: User,
    make_org: Any,
    make_user: Any,
    make_person: Any,
    expert_user: Any,
    client_for: Any,
) -> None:
    """A 人才项目 call keeps places for 艰苦边远地区和基层一线: the results page once ranked without a
    word of it, and after selecting by rule did not say who was in, so a lower-ranked team chosen
    over a higher one looked like a mistake."""
    call = open_call(
        "talent_team", title="2025年度乡村振兴科技创新团队", places=1, reviewers_per_application=1
    )
    expert = expert_user(
        make_person(make_org("华南农业大学", "university", "440106000000"), "陈晓燕"),
        "县镇 技术服务 岭南水果",
    )
    team = {"members": "8", "field": "岭南水果", "service_days": "120", "summary": "常年在县镇开展技术服务。"}
    far, near = _scored(
        call,
        province,
        expert,
        make_user,
        [
            (make_org("梅州市茶叶研究所", "institute"), {**team, "grassroots": True}, 70),
            (make_org("广州果树研究所", "institute", "440106000000"), {**team, "grassroots": False}, 90),
        ],
    )
    client = client_for(province)
    url = reverse("reviews:results", args=[call.pk])
    page = client.get(url).content.decode()
    assert 'id="reserved-note"' in page
    assert "预留 30% 的入选名额（向上取整）给艰苦边远地区和基层一线" in page
    assert "“常驻艰苦边远地区或基层一线”为“是”" in page
    assert [row.application.pk for row in selectors.results(call=call)] == [near.pk, far.pk]
    assert "平均分 70.00；艰苦边远地区和基层一线，可入预留名额" in page
    assert "拟入选" not in page
    client.post(reverse("reviews:provisional", args=[call.pk]), {"top": "1"})
    rows = client.get(url).content.decode().split("<tbody>")[1].split("<tr")[1:]
    assert ("广州果树研究所" in rows[0], "未入选" in rows[0]) == (True, True)
    assert ("梅州市茶叶研究所" in rows[1], "拟入选" in rows[1]) == (True, True)


def test_results_show_each_selected_applications_grade(
    open_call: Any,
    province: User,
    make_org: Any,
    make_user: Any,
    make_person: Any,
    expert_user: Any,
    client_for: Any,
) -> None:
    """An award call hands out grades in ranking order; the results page showed none of them."""
    call = open_call(
        "promotion_award", title="2025年度科技成果推广奖（粤东粤西粤北）", reviewers_per_application=1
    )
    expert = expert_user(
        make_person(make_org("华南农业大学", "university", "440106000000"), "陈晓燕"), "金柚 栽培 推广"
    )
    nominator = make_user(Role.ORG, organisation=make_org("嘉应学院", "university", "441402000000"))
    values = {
        "achievement": "金柚高效栽培技术",
        "lead_person": "李振华",
        "application_region": "441422100000",
    }
    values.update({"benefit": "800", "summary": "在大埔县推广。"})
    _scored(
        call,
        province,
        expert,
        make_user,
        [(make_org(f"梅州市农技推广站{n}", "institute"), values, 90 - n) for n in range(2)],
        nominator=nominator,
    )
    client = client_for(province)
    client.post(reverse("reviews:provisional", args=[call.pk]), {"top": "2"})
    page = client.get(reverse("reviews:results", args=[call.pk])).content.decode()
    assert page.count("拟入选 · 一等奖") == 2
