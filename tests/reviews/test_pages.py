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
