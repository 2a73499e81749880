"""The review of a call: pool, conflicts from the platform's records, optimal assignment with its
reasons, a replacement that moves nobody else, scoring against the rubric, ranking and selection."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from baiqianwan.accounts.models import User
from baiqianwan.calls.models import Application, ApplicationMember, ApplicationStatus, CallStatus
from baiqianwan.reviews import selectors, services
from baiqianwan.reviews.models import AssignmentStatus, Conflict, ConflictReason, ReviewAssignment

RUBRIC_GOOD = {"innovation": 85, "conditions": 80, "team": 75, "impact": 90}


def test_conflicts_come_from_the_platform_records(in_review: dict[str, Any], province: User) -> None:
    call, applications, experts = in_review["call"], in_review["applications"], in_review["experts"]
    ApplicationMember.objects.create(application=applications[1], person=experts[4].person)
    services.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in experts], capacity=3)
    reasons = {(c.application_id, c.expert_id): c.reason for c in Conflict.objects.all()}
    # 周高工 works at the first applicant; 吴教授 is named in the second application's team.
    assert reasons[(applications[0].pk, experts[3].pk)] == ConflictReason.SAME_ORGANISATION
    assert reasons[(applications[1].pk, experts[4].pk)] == ConflictReason.NAMED


def test_assignment_fills_every_slot_without_a_conflict_and_a_decline_is_replaced(
    in_review: dict[str, Any], province: User
) -> None:
    call, experts = in_review["call"], in_review["experts"]
    services.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in experts], capacity=3)
    round_ = services.assignments_make(acting_user=province, call_id=call.pk)
    live = list(ReviewAssignment.objects.filter(status=AssignmentStatus.ASSIGNED))
    conflicted = set(Conflict.objects.values_list("application_id", "expert_id"))
    assert not {(a.application_id, a.expert_id) for a in live} & conflicted
    assert round_.filled == len(live)
    per_expert: dict[int, int] = {}
    for a in live:
        per_expert[a.expert_id] = per_expert.get(a.expert_id, 0) + 1
    assert max(per_expert.values()) <= 3
    for gap in round_.gaps:  # any gap is explained by counts
        assert "位" in gap["reason"]
    assert all(a.status == ApplicationStatus.REVIEWING for a in Application.all_objects.all())

    before = {(a.application_id, a.expert_id) for a in live}
    leaving = live[0]
    replaced = services.assignment_decline(
        acting_user=leaving.expert.user, assignment_id=leaving.pk, reason="出差无法评审"
    )
    after = {
        (a.application_id, a.expert_id)
        for a in ReviewAssignment.objects.filter(status=AssignmentStatus.ASSIGNED)
    }
    assert before - after == {(leaving.application_id, leaving.expert_id)}  # nobody else moved
    assert (leaving.application_id, leaving.expert_id) not in after
    assert replaced is not None
    assert replaced.kind == "replace"


def test_an_expert_reaches_only_their_own_tasks(in_review: dict[str, Any], province: User) -> None:
    call, experts = in_review["call"], in_review["experts"]
    services.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in experts], capacity=3)
    services.assignments_make(acting_user=province, call_id=call.pk)
    mine = ReviewAssignment.objects.filter(expert=experts[0]).first()
    other = ReviewAssignment.objects.exclude(expert=experts[0]).first()
    assert mine is not None
    assert other is not None
    assert selectors.expert_assignment(user=experts[0].user, assignment_id=other.pk) is None
    with pytest.raises(PermissionDenied):
        services.sheet_save(acting_user=experts[0].user, assignment_id=other.pk, scores=RUBRIC_GOOD)
    with pytest.raises(PermissionDenied):
        services.assignments_make(acting_user=experts[0].user, call_id=call.pk)


def test_scores_are_checked_against_the_rubric(in_review: dict[str, Any], province: User) -> None:
    call, experts = in_review["call"], in_review["experts"]
    services.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in experts], capacity=3)
    services.assignments_make(acting_user=province, call_id=call.pk)
    task = ReviewAssignment.objects.filter(expert=experts[0]).first()
    assert task is not None
    user = experts[0].user
    with pytest.raises(ValidationError) as raised:
        services.sheet_save(
            acting_user=user,
            assignment_id=task.pk,
            scores={"innovation": 150, "conditions": 40, "team": 70},
            submit=True,
        )
    assert raised.value.message_dict == {
        "innovation": ["技术创新能力与水平：须是 0 至 100 的整数"],
        "conditions": ["研发条件与工程化能力：低于 60 分须写明理由（至少 5 个字）"],
        "impact": ["对产业和县域发展的带动作用：请打分"],
    }
    draft = services.sheet_save(acting_user=user, assignment_id=task.pk, scores={"innovation": 70})
    assert draft.total is None
    sheet = services.sheet_save(
        acting_user=user, assignment_id=task.pk, scores=RUBRIC_GOOD, submit=True, version=draft.version
    )
    assert str(sheet.total) == "83.00"  # 85·0.30 + 80·0.25 + 75·0.20 + 90·0.25
    with pytest.raises(ValidationError, match="已提交"):
        services.sheet_save(acting_user=user, assignment_id=task.pk, scores=RUBRIC_GOOD)


def test_ranking_puts_ewn_first_among_equals_and_selection_follows_the_rule(
    in_review: dict[str, Any], province: User
) -> None:
    call, applications, experts = in_review["call"], in_review["applications"], in_review["experts"]
    services.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in experts], capacity=3)
    services.assignments_make(acting_user=province, call_id=call.pk)
    # Every reviewer gives the same marks: all four applications tie.
    for task in ReviewAssignment.objects.filter(status=AssignmentStatus.ASSIGNED).select_related("expert"):
        services.sheet_save(
            acting_user=task.expert.user, assignment_id=task.pk, scores=RUBRIC_GOOD, submit=True
        )
    rows = selectors.results(call=call)
    foshan = next(r for r in rows if not r.application.in_east_west_north)
    assert foshan.position == 4
    assert "对方为粤东西北依托单位" in foshan.explanation
    chosen = services.provisional_apply(acting_user=province, call_id=call.pk, top=3)
    assert {row.application.pk for row in chosen} == {a.pk for a in applications[:3]}
    statuses = dict(Application.all_objects.values_list("pk", "status"))
    assert statuses[applications[3].pk] == ApplicationStatus.NOT_SELECTED
    call.refresh_from_db()
    assert call.status == CallStatus.PROVISIONAL


def test_a_quota_per_city_passes_over_a_citys_lower_ranked_applications_and_says_why(
    in_review: dict[str, Any], province: User
) -> None:
    call, applications, experts = in_review["call"], in_review["applications"], in_review["experts"]
    # Two applications from 梅州: the 清远 company's is moved to a 梅州 county.
    meizhou, _zhanjiang, moved, _foshan = applications
    Application.all_objects.filter(pk=moved.pk).update(division_id="441424000000")
    services.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in experts], capacity=3)
    services.assignments_make(acting_user=province, call_id=call.pk)
    for task in ReviewAssignment.objects.filter(status=AssignmentStatus.ASSIGNED).select_related("expert"):
        # 梅州's two rank first and second; 湛江 and 佛山 tie behind them.
        impact = {meizhou.pk: 98, moved.pk: 94}.get(task.application_id, RUBRIC_GOOD["impact"])
        marks = {**RUBRIC_GOOD, "impact": impact}
        services.sheet_save(acting_user=task.expert.user, assignment_id=task.pk, scores=marks, submit=True)
    with pytest.raises(ValidationError) as raised:
        services.provisional_apply(acting_user=province, call_id=call.pk, top=3, per_city=0)
    assert raised.value.message_dict == {"per_city": ["每市入选上限须在 1 至 10000 之间"]}

    chosen = services.provisional_apply(acting_user=province, call_id=call.pk, top=3, per_city=1)
    assert moved.pk not in {row.application.pk for row in chosen}
    assert meizhou.pk in {row.application.pk for row in chosen}
    assert len(chosen) == 3
    passed_over = Application.all_objects.get(pk=moved.pk)
    assert passed_over.status == ApplicationStatus.NOT_SELECTED
    assert passed_over.events.get(action="provisional").note == "所在地级市入选已满 1 项"
    # Without the quota the same ranking takes it.
    again = services.provisional_apply(acting_user=province, call_id=call.pk, top=3)
    assert moved.pk in {row.application.pk for row in again}


def test_a_co_builder_conflict_names_the_co_builder(
    in_review: dict[str, Any],
    province: User,
    make_person: Any,
    expert_user: Any,
    client_for: Any,
) -> None:
    """The assignment page explains each conflict: an expert of a co-builder is told apart by the
    co-builder's name, not by the bare word 共建单位 the reason already says."""
    call, applications = in_review["call"], in_review["applications"]
    colleague = expert_user(make_person(in_review["university"], "钟雅琪"), "柚类 加工")
    services.pool_add(acting_user=province, call_id=call.pk, expert_ids=[colleague.pk], capacity=3)
    conflict = Conflict.objects.get(expert=colleague)
    assert (conflict.application_id, conflict.reason) == (applications[0].pk, ConflictReason.PARTNER)
    assert conflict.detail == "嘉应学院"
    page = client_for(province).get(f"/reviews/calls/{call.pk}/").content.decode()
    assert "与共建单位同单位" in page
    assert '<div class="small text-secondary text-break">嘉应学院</div>' in page
