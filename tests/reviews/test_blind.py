"""Blind review: whatever the reviewer can open — the queue, the task page, the files, the API —
names neither the applicant nor its co-builders or team, nor their credit codes; without blind
review the same pages show them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from baiqianwan.calls.models import Call


def _reviewer_sees(client: Client, task_id: int) -> str:
    """Everything the reviewer's pages and API answers hold, as one text."""
    seen = [
        client.get(reverse("reviews:queue")),
        client.get(reverse("reviews:task", args=[task_id])),
        client.get("/api/v1/reviews/tasks"),
        client.get(f"/api/v1/reviews/tasks/{task_id}"),
    ]
    assert all(r.status_code == 200 for r in seen), [r.status_code for r in seen]
    detail = seen[-1].json()
    assert detail["attachments"], "the fixture attaches a file"
    parts = [r.content.decode() for r in seen]
    for attachment in detail["attachments"]:
        download = client.get(attachment["url"])
        assert download.status_code == 200
        parts.append(download["Content-Disposition"])
        parts.append(b"".join(download.streaming_content).decode("latin-1"))
    return "\n".join(parts)


def _leaks(text: str, identities: list[str]) -> list[str]:
    return [name for name in identities if name in text or quote(name) in text]


@pytest.mark.django_db
def test_a_blind_review_names_nobody(assigned: dict[str, Any], client_for: Any) -> None:
    Call.objects.filter(pk=assigned["call"].pk).update(blind=True)
    client = client_for(assigned["reviewer"])
    text = _reviewer_sees(client, assigned["task"].pk)
    assert _leaks(text, assigned["identities"]) == []
    # The free-text answer named the co-builder; it is cut out, the rest of the answer stays.
    assert "【已隐去】共建联合实验室" in text
    # No division, no title; the file is named after the material.
    assert "梅州" not in text
    assert assigned["task"].application.title not in text
    assert quote("营业执照或法人证书-1.pdf") in text


@pytest.mark.django_db
def test_without_blind_review_the_reviewer_sees_who_applied(
    assigned: dict[str, Any], client_for: Any
) -> None:
    client = client_for(assigned["reviewer"])
    text = _reviewer_sees(client, assigned["task"].pk)
    shown = {name for name in assigned["identities"] if name in text or quote(name) in text}
    uscc = {assigned["applicant"].uscc, assigned["university"].uscc}
    # Names are shown; credit codes are never part of the reviewer's pages.
    assert shown == set(assigned["identities"]) - uscc
    assert assigned["task"].application.title in text


@pytest.mark.django_db
def test_a_blind_team_review_hides_the_teams_name_and_its_leader(
    open_call: Any,
    make_org: Any,
    make_user: Any,
    make_person: Any,
    expert_user: Any,
    province: Any,
    client_for: Any,
) -> None:
    """A 人才项目 form asks for the team's name and its leader as plain answers: in a blind review
    (the type's default) they were shown to the reviewer, and the name again inside the summary."""
    from baiqianwan.accounts.roles import Role
    from baiqianwan.calls import services as calls
    from baiqianwan.calls.models import Application, ApplicationStatus, CallStatus
    from baiqianwan.reviews import services as reviews
    from baiqianwan.reviews.models import ReviewAssignment

    call = open_call("talent_team", title="2025年度乡村振兴科技创新团队", reviewers_per_application=1)
    assert call.blind
    unit = make_org("梅州市农林科学院", "institute", "441402000000")
    team = "金柚提质增效科技创新团队"
    application = calls.application_create(
        acting_user=make_user(Role.ORG, organisation=unit),
        call_id=call.pk,
        title=team,
        values={
            "team_name": team,
            "leader": "李德明",
            "members": "8",
            "field": "岭南水果",
            "grassroots": True,
            "service_days": "120",
            "summary": f"{team}长期在基层开展金柚栽培技术服务。",
        },
    )
    Application.all_objects.filter(pk=application.pk).update(status=ApplicationStatus.ACCEPTED, eligible=True)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.CLOSED)
    expert = expert_user(
        make_person(make_org("华南农业大学", "university", "440106000000"), "陈晓燕"), "金柚 栽培"
    )
    reviews.pool_add(acting_user=province, call_id=call.pk, expert_ids=[expert.pk])
    reviews.assignments_make(acting_user=province, call_id=call.pk)
    task = ReviewAssignment.objects.get(application=application)
    page = client_for(expert.user).get(reverse("reviews:task", args=[task.pk])).content.decode()
    api = client_for(expert.user).get(f"/api/v1/reviews/tasks/{task.pk}").content.decode()
    for text in (page, api):
        assert team not in text
        assert "李德明" not in text
        assert "团队带头人" not in text
        assert "【已隐去】长期在基层开展金柚栽培技术服务" in text
        assert "岭南水果" in text  # what is not identifying stays for the reviewer to judge
