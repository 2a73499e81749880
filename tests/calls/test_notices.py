"""Everyone a call's step concerns is told in the platform, after the step commits; the one who
acted is not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus
from baiqianwan.core.models import Notification
from baiqianwan.orgs.models import Organisation

from .test_lifecycle import joint_application


def titles(user: User) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


def test_each_step_tells_the_applicant_and_the_bureaus(
    open_call: Callable[..., Call],
    enterprise: User,
    university: Organisation,
    world: dict[str, Any],
    province: User,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    county, city = world["users"][Role.COUNTY], world["users"][Role.CITY]
    colleague = make_user(Role.ORG, organisation=enterprise.organisation)
    call = open_call()
    application = joint_application(enterprise, call, university)
    title = application.title

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(acting_user=enterprise, application_id=application.pk)
    assert titles(county) == titles(city) == [f"新的申报待推荐：{title}"]
    assert titles(enterprise) == []  # not told of one's own step

    with django_capture_on_commit_callbacks(execute=True):
        services.application_step(
            acting_user=county, application_id=application.pk, action="return", note="请补充设备发票"
        )
    assert titles(enterprise) == titles(colleague) == [f"申报被退回修改：{title}"]
    assert Notification.objects.get(user=enterprise).body == "原因：请补充设备发票"

    services.application_submit(acting_user=enterprise, application_id=application.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_step(acting_user=county, application_id=application.pk, action="recommend")
        services.application_step(acting_user=province, application_id=application.pk, action="accept")
    assert titles(enterprise)[-2:] == [f"申报已获推荐，进入形式审查：{title}", f"申报通过形式审查：{title}"]

    Application.all_objects.filter(pk=application.pk).update(status=ApplicationStatus.PROVISIONAL)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.PROVISIONAL)
    with django_capture_on_commit_callbacks(execute=True):
        call = services.publicity_start(acting_user=province, call_id=call.pk)
    assert titles(enterprise)[-1] == f"拟立项/拟认定名单公示中，您的申报在名单内：{title}"

    objector = make_user(Role.ORG, organisation=university)
    with django_capture_on_commit_callbacks(execute=True):
        objection = services.objection_file(
            call_id=call.pk,
            name="嘉应学院科研处",
            contact="0753-2186000",
            reason="共建协议的签署日期晚于申报截止日期，请核实。",
            acting_user=objector,
        )
    assert titles(province) == [f"公示收到异议：{call.title}"]
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_answer(
            acting_user=province, objection_id=objection.pk, answer="经核实，协议签署日期无误。", upheld=False
        )
    assert titles(objector) == [f"您的异议已答复：{call.title}"]

    with django_capture_on_commit_callbacks(execute=True):
        services.call_decide(
            acting_user=province,
            call_id=call.pk,
            decision_number="粤科函农字〔2025〕88号",
            today=call.publicity_ends,
        )
    assert titles(enterprise)[-1] == f"已立项/已认定：{title}"
    last = Notification.objects.filter(user=enterprise).order_by("pk").last()
    assert last is not None
    assert last.body == "决定文号：粤科函农字〔2025〕88号"


def test_a_step_that_fails_tells_nobody(
    open_call: Callable[..., Call],
    enterprise: User,
    university: Organisation,
    world: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    call = open_call()
    application = joint_application(enterprise, call, university)
    services.application_submit(acting_user=enterprise, application_id=application.pk)
    county = world["users"][Role.COUNTY]
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError, match="请说明原因"):
        services.application_step(acting_user=county, application_id=application.pk, action="return")
    assert Notification.objects.count() == before


def test_a_call_past_its_deadline_closes_by_itself_and_its_author_is_told(
    open_call: Callable[..., Call],
    enterprise: User,
    university: Organisation,
    province: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    call = open_call()
    joint_application(enterprise, call, university)
    submitted = joint_application(enterprise, open_call(title="2025年度第二批工程中心认定"), university)
    services.application_submit(acting_user=enterprise, application_id=submitted.pk)
    with django_capture_on_commit_callbacks(execute=True):
        closed = services.calls_close_due(now=timezone.now() + dt.timedelta(days=31))
    assert {c.pk for c in closed} == {call.pk, submitted.call_id}
    assert Call.objects.get(pk=call.pk).status == CallStatus.CLOSED
    assert titles(province) == [
        f"申报已截止：{call.title}",
        "申报已截止：2025年度第二批工程中心认定",
    ]
    bodies = Notification.objects.filter(user=province).order_by("pk").values_list("body", flat=True)
    assert list(bodies) == [
        "共收到 0 份申报，请组织推荐与形式审查。",
        "共收到 1 份申报，请组织推荐与形式审查。",
    ]
    # The change is in the record's history like any other.
    change = LogEntry.objects.get_for_object(Call.objects.get(pk=call.pk)).first()
    assert change is not None
    assert change.changes_dict["status"] == ["open", "closed"]
    assert services.calls_close_due(now=timezone.now() + dt.timedelta(days=31)) == []


def test_telling_every_applicant_costs_the_same_few_queries_however_many_there_are(
    open_call: Callable[..., Call],
    enterprise: User,
    university: Organisation,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    django_assert_num_queries: Any,
) -> None:
    from baiqianwan.calls.notices import _speakers

    call = open_call()
    applications = [joint_application(enterprise, call, university)]
    for n in range(4):
        unit = make_user(Role.ORG, organisation=make_org(f"申报单位{n}", "enterprise"))
        applications.append(joint_application(unit, call, university))
    with django_assert_num_queries(2):  # submitters, unit accounts (no nominations here)
        speakers = _speakers(applications)
    assert enterprise in speakers[applications[0].pk]
    assert all(len(users) >= 1 for users in speakers.values())
