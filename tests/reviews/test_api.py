"""The review API: the expert's tasks and sheets with errors named by field, declining, and the
province's pool, assignment, rounds, results and provisional selection; nobody else gets in."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls.models import Application, ApplicationStatus
from baiqianwan.orgs.models import Person
from baiqianwan.reviews.models import AssignmentStatus, PoolMember, ReviewAssignment

from .test_review_flow import RUBRIC_GOOD

pytestmark = pytest.mark.django_db
TASKS = "/api/v1/reviews/tasks"


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_the_expert_reads_their_tasks_and_nothing_else(assigned: dict[str, Any], client_for: Any) -> None:
    client = client_for(assigned["reviewer"])
    listed = client.get(TASKS).json()
    mine = set(ReviewAssignment.objects.filter(expert=assigned["task"].expert).values_list("pk", flat=True))
    assert {t["id"] for t in listed["items"]} == mine
    detail = client.get(f"{TASKS}/{assigned['task'].pk}").json()
    assert [c["code"] for c in detail["rubric"]] == ["innovation", "conditions", "team", "impact"]
    assert detail["rubric"][0]["comment_below"] == 60
    assert {a["label"] for a in detail["answers"]} >= {"技术领域", "研发设备原值"}
    assert detail["sheet"] is None
    assert client.get(f"{TASKS}/{assigned['other_task'].pk}").status_code == 404
    assert client.get(f"{TASKS}/{10**30}").status_code in (404, 422)
    assert client.get(f"{TASKS}/999999999").status_code == 404
    assert (
        _post(client, f"{TASKS}/{assigned['other_task'].pk}/sheet", {"scores": RUBRIC_GOOD}).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("scores", "comments", "fields"),
    [
        ({"innovation": 150}, {}, {"innovation"}),
        ({"innovation": -1}, {}, {"innovation"}),
        ({"innovation": "abc"}, {}, {"innovation"}),
        ({**RUBRIC_GOOD, "conditions": 40}, {}, {"conditions"}),
        ({**RUBRIC_GOOD, "novelty": 80}, {}, {"novelty"}),
        ({"innovation": 1.5}, {}, {"innovation"}),
        ({}, {}, {"innovation", "conditions", "team", "impact"}),
    ],
)
def test_bad_scores_are_422_naming_the_field(
    assigned: dict[str, Any],
    client_for: Any,
    scores: dict[str, Any],
    comments: dict[str, str],
    fields: set[str],
) -> None:
    client = client_for(assigned["reviewer"])
    response = _post(
        client,
        f"{TASKS}/{assigned['task'].pk}/sheet",
        {"scores": scores, "comments": comments, "submit": True},
    )
    assert response.status_code == 422, response.content
    assert fields <= _fields(response), response.json()


def test_a_sheet_is_drafted_then_submitted(assigned: dict[str, Any], client_for: Any) -> None:
    client = client_for(assigned["reviewer"])
    url = f"{TASKS}/{assigned['task'].pk}/sheet"
    draft = _post(client, url, {"scores": {"innovation": 70}})
    assert draft.status_code == 200
    assert draft.json()["total"] is None
    assert _post(client, url, {"scores": RUBRIC_GOOD, "submit": True, "version": 0}).status_code == 409
    low = {**RUBRIC_GOOD, "conditions": 40}
    done = _post(
        client,
        url,
        {"scores": low, "comments": {"conditions": "中试条件尚不具备"}, "submit": True, "version": 1},
    )
    assert done.status_code == 200, done.content
    assert done.json()["submitted_at"]
    assert _post(client, url, {"scores": RUBRIC_GOOD}).status_code == 422  # submitted: no more changes


def test_declining_needs_a_reason(assigned: dict[str, Any], client_for: Any) -> None:
    client = client_for(assigned["reviewer"])
    url = f"{TASKS}/{assigned['task'].pk}/decline"
    refused = _post(client, url, {})
    assert refused.status_code == 422
    assert _fields(refused) == {"reason"}
    declined = _post(client, url, {"reason": "出差无法评审"})
    assert declined.status_code == 200
    assert declined.json()["status"] == AssignmentStatus.DECLINED


def test_others_are_kept_out(assigned: dict[str, Any], world: dict[str, Any], client_for: Any) -> None:
    call = assigned["call"]
    city = client_for(world["users"][Role.CITY])
    assert city.get(TASKS).json()["items"] == []  # only ever the caller's own tasks
    for path in ("pool", "rounds", "results", "reviewers", "conflicts", "pool/candidates"):
        assert city.get(f"/api/v1/reviews/calls/{call.pk}/{path}").status_code == 403, path
    assert _post(city, f"/api/v1/reviews/calls/{call.pk}/provisional", {"top": 1}).status_code == 403
    assert _post(city, f"/api/v1/reviews/calls/{call.pk}/assignments", {}).status_code == 403
    reviewer = client_for(assigned["reviewer"])
    assert reviewer.get(f"/api/v1/reviews/calls/{call.pk}/results").status_code == 403


def test_the_province_runs_the_review(in_review: dict[str, Any], province: User, client_for: Any) -> None:
    call, experts = in_review["call"], in_review["experts"]
    client = client_for(province)
    base = f"/api/v1/reviews/calls/{call.pk}"
    assert client.get(f"/api/v1/reviews/calls/{10**12}/pool").status_code == 404
    found = client.get(f"{base}/pool/candidates", {"q": "研究员"}).json()["items"]
    assert {c["name"] for c in found} == {"林研究员", "郑研究员"}
    assert client.get(f"{base}/pool/candidates", {"industry": "no-such"}).status_code == 422
    # A pool chosen by seniority: the titles people wrote.
    titles = ["二级教授", "研究员", "副教授", "高级工程师", "讲师", ""]
    for expert, title in zip(experts, titles, strict=True):
        Person.all_objects.filter(pk=expert.person_id).update(title=title)
    senior = client.get(f"{base}/pool/candidates", {"seniority": "senior"}).json()["items"]
    assert {(c["name"], c["title"], c["seniority"]) for c in senior} == {
        ("陈教授", "二级教授", "senior"),
        ("林研究员", "研究员", "senior"),
    }
    associate = client.get(f"{base}/pool/candidates", {"seniority": "associate"}).json()["items"]
    assert {c["name"] for c in associate} == {"陈教授", "林研究员", "黄教授", "周高工"}
    assert client.get(f"{base}/pool/candidates", {"seniority": "expert"}).status_code == 422
    bad = _post(client, f"{base}/pool", {"expert_ids": [experts[0].pk], "capacity": 0})
    assert bad.status_code == 422
    assert _fields(bad) == {"capacity"}
    missing = _post(client, f"{base}/pool", {"expert_ids": [999999], "capacity": 3})
    assert missing.status_code == 422
    assert _fields(missing) == {"experts"}
    added = _post(client, f"{base}/pool", {"expert_ids": [e.pk for e in experts], "capacity": 3})
    assert added.json() == {"added": len(experts)}
    pool = client.get(f"{base}/pool").json()["items"]
    assert {p["expert_id"] for p in pool} == {e.pk for e in experts}
    assert any(p["conflicts"] for p in pool)
    made = _post(client, f"{base}/assignments", {})
    assert made.status_code == 200, made.content
    assert made.json()["filled"] == ReviewAssignment.objects.count()
    assert client.get(f"{base}/rounds").json()["items"][0]["id"] == made.json()["id"]
    reviewers = client.get(f"{base}/reviewers").json()["items"]
    assert all(len(r["reviewers"]) <= 3 for r in reviewers)
    assert client.get(f"{base}/conflicts").json()["count"] >= 1
    assert client.get(f"{base}/results").json()["items"] == []
    for task in ReviewAssignment.objects.select_related("expert__user"):
        response = _post(
            client_for(task.expert.user), f"{TASKS}/{task.pk}/sheet", {"scores": RUBRIC_GOOD, "submit": True}
        )
        assert response.status_code == 200
    ranked = client.get(f"{base}/results", {"normalise": "true"}).json()["items"]
    # Equal marks everywhere: the three 粤东西北 applications share the first place.
    assert [r["position"] for r in ranked] == [1, 1, 1, 4]
    assert ranked[0]["stats"]["normalised"] is not None
    assert ranked[0]["stats"]["count"] == 3
    assert client.get(f"{base}/results", {"statistic": "best"}).status_code == 422
    assert _post(client, f"{base}/provisional", {"top": -1}).status_code == 422
    assert _post(client, f"{base}/provisional", {"min_score": "abc"}).status_code == 422
    assert _post(client, f"{base}/provisional", {"per_city": 0}).status_code == 422
    # One per city: the four applicants are in four cities, so all four may be taken.
    assert len(_post(client, f"{base}/provisional", {"top": 4, "per_city": 1}).json()) == 4
    chosen = _post(client, f"{base}/provisional", {"top": 2, "statistic": "mean"})
    assert chosen.status_code == 200, chosen.content
    assert len(chosen.json()) == 2
    assert Application.all_objects.filter(status=ApplicationStatus.PROVISIONAL).count() == 2
    assert PoolMember.objects.count() == len(experts)
