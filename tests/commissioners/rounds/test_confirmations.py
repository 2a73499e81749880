"""Appointees without accounts can answer: an account on publishing, confirmation through the unit,
the list of those who have not answered, and reminders."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.rounds import confirmations as rounds_confirmations
from baiqianwan.commissioners.rounds import selectors as rounds_selectors
from baiqianwan.commissioners.rounds import services as rounds_services
from baiqianwan.commissioners.rounds.models import Assignment, AssignmentStatus, DispatchRound
from baiqianwan.core.fakes import make_id_number
from baiqianwan.core.models import AuditEvent, Notification
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from ...conftest import A


def _expert(org: Organisation, name: str, title: str, mobile: str, seed: int) -> ExpertProfile:
    person = Person.all_objects.create(
        name=name,
        title=title,
        id_number=make_id_number(
            random.Random(seed), division_code="440106000000", born=dt.date(1980, 6, 1), female=True
        ),
        mobile=mobile,
        organisation=org,
    )
    return ExpertProfile.all_objects.create(person=person, keywords="蜜柚 种植", home_city_id=A["city"])


@pytest.fixture
def published(
    setting: dict[str, Any], make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> dict[str, Any]:
    """湖寮镇 posts five slots; two of the five appointees have no account of their own."""
    province, university = setting["province"], setting["org"].organisation
    newcomer = _expert(university, "周丽娟", "副研究员", "13711112222", 1)
    # An account of the same name and mobile exists but was never linked to the profile.
    namesake = _expert(university, "吴秀英", "农艺师", "13733334444", 2)
    existing = make_user(Role.COMMISSIONER, A["county"], display_name="吴秀英", phone="13733334444")
    r = rounds_services.round_create(acting_user=province, name="2025年第二批", year=2025)
    need = rounds_services.need_submit(
        acting_user=province,
        dispatch_round=r,
        town=Division.objects.get(code=A["town"]),
        fields=["种植"],
        slots=5,
    )
    for expert in [*setting["experts"], newcomer, namesake]:
        rounds_services.nominate(acting_user=province, dispatch_round=r, expert=expert, fields=["种植"])
    rounds_services.round_solve(acting_user=province, dispatch_round=r)
    assert rounds_services.round_publish(acting_user=province, dispatch_round=r, on=dt.date(2025, 6, 1)) == 5
    return {
        **setting,
        "round": r,
        "need": need,
        "newcomer": newcomer,
        "namesake": namesake,
        "existing": existing,
        "other_unit": make_user(
            Role.ORG, organisation=make_org("广东省农业科学院", "institute", "440106000000")
        ),
    }


def _of(data: dict[str, Any], key: str) -> Assignment:
    return Assignment.all_objects.get(round=data["round"], nomination__expert=data[key])


def test_publishing_gives_every_appointee_an_account_and_tells_their_unit(published: dict[str, Any]) -> None:
    newcomer, namesake = published["newcomer"], published["namesake"]
    newcomer.refresh_from_db()
    namesake.refresh_from_db()
    account = newcomer.user
    assert account is not None
    assert account.username == f"tpy{newcomer.person_id:06d}"
    assert (account.role, account.display_name, account.phone) == ("commissioner", "周丽娟", "13711112222")
    assert account.division_id == newcomer.person.organisation.division_id
    assert not account.has_usable_password()
    assert namesake.user == published["existing"]  # linked, not duplicated
    assert AuditEvent.objects.filter(
        detail__contains=f"开通科技特派员周丽娟的平台账号 {account.username}"
    ).exists()
    assert AuditEvent.objects.filter(detail__contains="关联科技特派员吴秀英的平台账号").exists()
    # Every appointee is invited; the unit hears who was chosen and which accounts were opened.
    for expert in [*published["experts"], newcomer, namesake]:
        expert.refresh_from_db()
        assert Notification.objects.filter(user=expert.user, title__contains="您已入选").exists()
    [note] = Notification.objects.filter(user=published["org"], title__contains="入选2025年第二批")
    assert "本单位 5 名专家" in note.title
    assert f"周丽娟：{account.username}" in note.body
    assert "代为确认" in note.body
    assert note.url == "/commissioners/confirmations/"


def test_the_unit_confirms_for_an_appointee_and_says_how(published: dict[str, Any]) -> None:
    unit, assignment = published["org"], _of(published, "newcomer")
    with pytest.raises(PermissionDenied, match="派出单位"):
        rounds_confirmations.assignment_confirm_for(
            acting_user=published["other_unit"], assignment=assignment, via="phone", note="x"
        )
    with pytest.raises(PermissionDenied):
        rounds_confirmations.assignment_confirm_for(
            acting_user=published["town"], assignment=assignment, via="phone", note="x"
        )
    with pytest.raises(ValidationError) as bad_way:
        rounds_confirmations.assignment_confirm_for(
            acting_user=unit, assignment=assignment, via="self", note="x"
        )
    assert "via" in bad_way.value.message_dict
    with pytest.raises(ValidationError) as no_note:
        rounds_confirmations.assignment_confirm_for(
            acting_user=unit, assignment=assignment, via="phone", note=" \x00\n "
        )
    assert "note" in no_note.value.message_dict

    done = rounds_confirmations.assignment_confirm_for(
        acting_user=unit, assignment=assignment, via="phone", note="6月3日\x07电话联系本人，\n同意派驻"
    )
    assert done.status == AssignmentStatus.ACCEPTED
    assert (done.confirmed_via, done.confirmation_note) == ("phone", "6月3日 电话联系本人， 同意派驻")
    assert done.confirmed_by == unit
    assert done.confirmed_at is not None
    changes = [e.changes for e in LogEntry.objects.get_for_object(done)]
    assert any(c.get("confirmed_via") == ["", "phone"] for c in changes), changes
    assert Notification.objects.filter(user=published["town"], title="周丽娟已确认派驻湖寮镇").exists()
    with pytest.raises(ValidationError, match="无需确认"):
        rounds_confirmations.assignment_confirm_for(
            acting_user=unit, assignment=done, via="written", note="again"
        )

    # Answering on the platform is recorded as the person's own.
    own = Assignment.all_objects.get(round=published["round"], nomination__expert=published["experts"][0])
    answered = rounds_services.assignment_respond(
        acting_user=published["experts"][0].user, assignment=own, accept=True
    )
    assert (answered.confirmed_via, answered.confirmed_by) == ("self", published["experts"][0].user)


def test_those_who_have_not_answered_are_listed_and_reminded_once_a_day(
    published: dict[str, Any], make_user: Callable[..., User]
) -> None:
    province, unit = published["province"], published["org"]
    waiting = {a.pk for a in Assignment.all_objects.filter(round=published["round"])}
    assert {a.pk for a in rounds_selectors.unconfirmed_list(user=province)} == waiting
    assert {a.pk for a in rounds_selectors.unconfirmed_list(user=unit)} == waiting
    assert {a.pk for a in rounds_selectors.unconfirmed_list(user=published["town"])} == waiting
    assert not rounds_selectors.unconfirmed_list(user=published["other_unit"]).exists()
    assert not rounds_selectors.unconfirmed_list(user=make_user(Role.TOWN, "440106001000")).exists()

    with pytest.raises(PermissionDenied):
        rounds_confirmations.confirmation_remind(acting_user=published["town"])
    with pytest.raises(PermissionDenied, match="本单位"):
        rounds_confirmations.confirmation_remind(
            acting_user=published["other_unit"], assignments=[_of(published, "newcomer")]
        )
    today = dt.date(2025, 6, 5)
    assert rounds_confirmations.confirmation_remind(acting_user=province, today=today) == 5
    assert rounds_confirmations.confirmation_remind(acting_user=unit, today=today) == 0  # once a day
    newcomer = _of(published, "newcomer")
    assert newcomer.reminders == 1
    published["newcomer"].refresh_from_db()
    assert Notification.objects.filter(
        user=published["newcomer"].user, title="请确认2025年第二批科技特派员派驻", body__contains="4 天"
    ).exists()
    assert Notification.objects.filter(user=unit, title="本单位 5 名科技特派员尚未确认派驻").exists()

    # The daily command: those invited at least three days ago, again the next day, never twice a day.
    rounds_confirmations.assignment_confirm_for(
        acting_user=unit, assignment=newcomer, via="written", note="回执已收"
    )
    out = io.StringIO()
    call_command("dispatch_remind", "--today", "2025-06-06", stdout=out)
    assert "4 人" in out.getvalue()
    call_command("dispatch_remind", "--today", "2025-06-06", stdout=out)
    assert out.getvalue().endswith("提醒尚未确认派驻的科技特派员 0 人\n")
    call_command("dispatch_remind", "--today", "2025-06-02", "--after-days", "3", stdout=out)
    assert out.getvalue().endswith(" 0 人\n")  # invited on 6月1日: not yet
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("dispatch_remind", "--today", "6月6日")
    assert Assignment.all_objects.get(pk=newcomer.pk).reminders == 1


def test_confirmation_pages(published: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    unit = client_for(published["org"])
    assignment = _of(published, "newcomer")
    page = unit.get("/commissioners/confirmations/").content.decode()
    assert "待确认的派驻" in page
    assert "周丽娟" in page
    assert f'action="/commissioners/confirmations/{assignment.pk}/confirm/"' in page
    assert "尚未登录过" in page

    url = f"/commissioners/confirmations/{assignment.pk}/confirm/"
    refused = unit.post(url, {"via": "phone", "note": "   "})
    assert refused.status_code == 400
    assert "请说明确认情况" in refused.content.decode()
    typed = unit.post(url, {"via": "fax", "note": "<script>x</script>已同意"})
    assert typed.status_code == 400
    assert 'value="&lt;script&gt;x&lt;/script&gt;已同意"' in typed.content.decode()
    assert "<script>x</script>" not in typed.content.decode()
    ok = unit.post(url, {"via": "written", "note": "本人签字回执已收"}, follow=True)
    assert "已代周丽娟确认接受派驻（书面确认）" in ok.content.decode()
    assert unit.post(url, {"via": "written", "note": "again"}).status_code == 404  # no longer waiting
    round_page = client_for(published["province"]).get(f"/commissioners/rounds/{published['round'].pk}/")
    assert "单位代为确认（书面确认）" in round_page.content.decode()

    other = client_for(published["other_unit"])
    chen = Assignment.all_objects.get(round=published["round"], nomination__expert=published["experts"][0])
    assert (
        other.post(
            f"/commissioners/confirmations/{chen.pk}/confirm/", {"via": "phone", "note": "x"}
        ).status_code
        == 404
    )
    assert unit.post("/commissioners/confirmations/99999999999999999999/confirm/", {}).status_code == 404
    town_page = client_for(published["town"]).get("/commissioners/confirmations/").content.decode()
    assert "由推荐单位代为确认" in town_page
    assert "全部提醒" not in town_page

    reminded = unit.post("/commissioners/confirmations/remind/", {"assignment": str(chen.pk)}, follow=True)
    assert "已提醒 1 人" in reminded.content.decode()
    again = unit.post("/commissioners/confirmations/remind/", {"assignment": str(chen.pk)}, follow=True)
    assert "今天已经提醒过" in again.content.decode()
    assert unit.post("/commissioners/confirmations/remind/", {"assignment": "9" * 40}).status_code == 404
    assert other.post("/commissioners/confirmations/remind/", {"assignment": str(chen.pk)}).status_code == 404
    everyone = client_for(published["province"]).post("/commissioners/confirmations/remind/", follow=True)
    assert "已提醒 3 人" in everyone.content.decode()


def test_confirmations_through_the_api(
    published: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    unit, other = client_for(published["org"]), client_for(published["other_unit"])
    listed = unit.get("/api/v1/commissioners/assignments/unconfirmed").json()
    assert listed["count"] == 5
    assert {row["organisation"] for row in listed["items"]} == {"华南农业大学"}
    assignment = _of(published, "newcomer")
    url = f"/api/v1/commissioners/assignments/{assignment.pk}/confirm"
    bad = unit.post(url, {"via": "carrier pigeon", "note": "ok"}, content_type="application/json")
    assert bad.status_code == 422
    assert "确认方式" in bad.content.decode()
    assert other.post(url, {"via": "phone", "note": "ok"}, content_type="application/json").status_code == 404
    done = unit.post(url, {"via": "phone", "note": "电话确认同意"}, content_type="application/json").json()
    assert (done["status"], done["confirmed_via"]) == ("accepted", "phone")
    already = unit.post(f"/api/v1/commissioners/assignments/{assignment.pk}/remind")
    assert already.status_code == 404  # confirmed: nothing to remind
    chen = Assignment.all_objects.get(round=published["round"], nomination__expert=published["experts"][0])
    remind = f"/api/v1/commissioners/assignments/{chen.pk}/remind"
    assert other.post(remind).status_code == 404
    assert unit.post(remind).json() == {"reminded": 1}
    assert unit.post(remind).json() == {"reminded": 0}  # once a day
    assert client_for(published["town"]).post(remind).status_code == 403
    assert DispatchRound.all_objects.count() == 1
