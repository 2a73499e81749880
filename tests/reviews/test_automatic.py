"""Reviewers are told of their tasks without learning whose they are, and a call set to decide
automatically is ranked the moment its last score sheet is in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus
from baiqianwan.core.models import Notification
from baiqianwan.reviews import services
from baiqianwan.reviews.models import AssignmentStatus, ReviewAssignment

from .test_review_flow import RUBRIC_GOOD


def _assign(in_review: dict[str, Any], province: User, capture: Any, **call_values: Any) -> Call:
    call = in_review["call"]
    if call_values:
        Call.objects.filter(pk=call.pk).update(**call_values)
    services.pool_add(
        acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in in_review["experts"]], capacity=3
    )
    with capture(execute=True):
        services.assignments_make(acting_user=province, call_id=call.pk)
    return Call.objects.get(pk=call.pk)


def _score_all(capture: Any) -> None:
    for task in ReviewAssignment.objects.filter(status=AssignmentStatus.ASSIGNED).select_related(
        "expert__user"
    ):
        with capture(execute=True):
            services.sheet_save(
                acting_user=task.expert.user, assignment_id=task.pk, scores=RUBRIC_GOOD, submit=True
            )


def test_each_reviewer_is_told_how_many_tasks_and_nothing_of_the_applicants(
    in_review: dict[str, Any], province: User, django_capture_on_commit_callbacks: Any
) -> None:
    call = _assign(in_review, province, django_capture_on_commit_callbacks, blind=True)
    for expert in in_review["experts"]:
        tasks = ReviewAssignment.objects.filter(expert=expert).count()
        notes = list(Notification.objects.filter(user=expert.user))
        if not tasks:
            assert notes == []
            continue
        [note] = notes
        assert note.title == f"您有 {tasks} 项新的评审任务：{call.title}"
        assert note.url == "/reviews/"
        text = note.title + note.body
        for application in in_review["applications"]:
            assert application.title not in text
            assert application.applicant.name not in text


def test_a_call_set_to_decide_automatically_is_ranked_when_the_last_sheet_is_in(
    in_review: dict[str, Any], province: User, django_capture_on_commit_callbacks: Any
) -> None:
    call = _assign(in_review, province, django_capture_on_commit_callbacks, auto_provisional=True, places=3)
    tasks = list(
        ReviewAssignment.objects.filter(status=AssignmentStatus.ASSIGNED).select_related("expert__user")
    )
    first = tasks[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.sheet_save(
            acting_user=first.expert.user, assignment_id=first.pk, scores=RUBRIC_GOOD, submit=True
        )
    assert Call.objects.get(pk=call.pk).status == CallStatus.REVIEWING  # others still owe their sheets
    _score_all(django_capture_on_commit_callbacks)
    call.refresh_from_db()
    assert call.status == CallStatus.PROVISIONAL
    statuses = list(Application.all_objects.filter(call=call).values_list("status", flat=True))
    assert statuses.count(ApplicationStatus.PROVISIONAL) == 3
    assert statuses.count(ApplicationStatus.NOT_SELECTED) == 1
    # On the province's behalf, recorded as such, and the province is told to check the list.
    assert (
        Notification.objects.filter(user=province).get().title
        == f"评审已全部完成，已自动拟定 3 项：{call.title}"
    )
    events = Application.all_objects.get(pk=in_review["applications"][0].pk).events.filter(
        action="provisional"
    )
    assert events.get().actor == province


def test_without_the_setting_the_province_ranks_by_hand(
    in_review: dict[str, Any], province: User, django_capture_on_commit_callbacks: Any
) -> None:
    call = _assign(in_review, province, django_capture_on_commit_callbacks, places=3)
    _score_all(django_capture_on_commit_callbacks)
    assert Call.objects.get(pk=call.pk).status == CallStatus.REVIEWING
    call_command("calls_tick")
    assert Call.objects.get(pk=call.pk).status == CallStatus.REVIEWING


def test_the_tick_ranks_a_call_whose_last_task_was_declined(
    in_review: dict[str, Any], province: User, django_capture_on_commit_callbacks: Any, capsys: Any
) -> None:
    call = _assign(in_review, province, django_capture_on_commit_callbacks, places=2)
    tasks = list(
        ReviewAssignment.objects.filter(status=AssignmentStatus.ASSIGNED).select_related("expert__user")
    )
    for task in tasks[:-1]:
        services.sheet_save(
            acting_user=task.expert.user, assignment_id=task.pk, scores=RUBRIC_GOOD, submit=True
        )
    # The last task ends without a sheet; the setting is switched on after the sheets are in.
    ReviewAssignment.objects.filter(pk=tasks[-1].pk).update(status=AssignmentStatus.DECLINED)
    Call.objects.filter(pk=call.pk).update(auto_provisional=True)
    call_command("calls_tick")
    assert "自动截止 0 个指南，自动拟定 1 个指南" in capsys.readouterr().out
    assert Call.objects.get(pk=call.pk).status == CallStatus.PROVISIONAL


def test_the_tick_closes_calls_past_their_deadline(open_call: Any, capsys: Any) -> None:
    call = open_call()
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("calls_tick")
    assert "自动截止 1 个指南，自动拟定 0 个指南" in capsys.readouterr().out
    assert Call.objects.get(pk=call.pk).status == CallStatus.CLOSED
