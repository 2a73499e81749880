"""服务日志: the 365-day pace, writing a log with photos and its rules, the town's confirmation and
queue, the commissioner's pages, the export, the API and the demo."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.fieldwork import selectors as fieldwork_selectors
from baiqianwan.commissioners.fieldwork import services as fieldwork_services
from baiqianwan.commissioners.fieldwork.models import LogStatus, ServiceLog, ServiceLogPhoto
from baiqianwan.commissioners.rounds import services as rounds_services
from baiqianwan.commissioners.rounds.models import Assignment, AssignmentStatus, Team
from baiqianwan.commissioners.teams import selectors as teams_selectors
from baiqianwan.core.models import AuditEvent, Notification

from ...conftest import A, B
from ..helpers import (
    account,
    api_refuses,
    jpeg_upload,
    log_values,
    log_write,
    member_named,
    page_ignores,
    png_upload,
)

TODAY = timezone.localdate()

pytestmark = pytest.mark.usefixtures("media")


def test_pace_against_the_365_day_rule_with_fixed_dates() -> None:
    start, end = dt.date(2024, 3, 1), dt.date(2027, 3, 1)  # 1095 days
    one_year = fieldwork_selectors.pace(
        started_on=start, ends_on=end, confirmed=Decimal(100), waiting=Decimal(0), on=dt.date(2025, 3, 1)
    )
    assert one_year.expected == Decimal("121.7")  # 365 × 365 / 1095
    assert not one_year.behind  # 100 ≥ 80% of 121.7
    assert not one_year.at_risk
    slow = fieldwork_selectors.pace(
        started_on=start, ends_on=end, confirmed=Decimal(90), waiting=Decimal(0), on=dt.date(2025, 3, 1)
    )
    assert slow.behind
    assert not slow.at_risk
    settling_in = fieldwork_selectors.pace(
        started_on=start, ends_on=end, confirmed=Decimal(0), waiting=Decimal(0), on=dt.date(2024, 3, 20)
    )
    assert not settling_in.behind  # the first month carries no warning
    # 2026-11-29: 93 days left (today included); 250 + 93 < 365 cannot make it.
    late = fieldwork_selectors.pace(
        started_on=start, ends_on=end, confirmed=Decimal(250), waiting=Decimal(0), on=dt.date(2026, 11, 29)
    )
    assert late.remaining == 93
    assert late.at_risk
    assert late.behind
    waiting_helps = fieldwork_selectors.pace(
        started_on=start, ends_on=end, confirmed=Decimal(250), waiting=Decimal(30), on=dt.date(2026, 11, 29)
    )
    assert not waiting_helps.at_risk
    done = fieldwork_selectors.pace(
        started_on=start, ends_on=end, confirmed=Decimal(365), waiting=Decimal(0), on=dt.date(2026, 12, 1)
    )
    assert done.reached
    assert not done.behind
    assert not done.at_risk
    assert done.share == 100


def test_a_log_with_photos_is_stored_and_the_town_is_told(team: Team, setting: dict[str, Any]) -> None:
    chen = member_named(team, "陈晓燕")
    log = log_write(chen, photos=[png_upload(), jpeg_upload()])
    assert log.status == LogStatus.SUBMITTED
    photos = list(log.photos.order_by("pk"))
    assert [(p.name, p.content_type) for p in photos] == [
        ("现场.png", "image/png"),
        ("培训.jpg", "image/jpeg"),
    ]
    assert all(p.file.size == p.size for p in photos)
    told = Notification.objects.get(user=setting["town"])
    assert "陈晓燕" in told.title
    assert told.url == f"/commissioners/logs/{log.pk}/"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"served_on": TODAY + dt.timedelta(days=7)}, "served_on", "不能晚于今天"),
        ({"served_on": dt.date(2024, 2, 29)}, "served_on", "不能早于派驻开始日期（2024年03月01日）"),
        ({"village_code": B["village"]}, "village", "请选择湖寮镇下辖的村（社区）"),
        ({"village_code": A["town"]}, "village", "请选择湖寮镇下辖的村（社区）"),
        ({"village_code": "441422999999"}, "village", "请选择湖寮镇下辖的村（社区）"),
        ({"activity": "dancing"}, "activity", "请从列表中选择服务内容"),
        ({"days": Decimal("0.7")}, "days", "只能填 1 天或 0.5 天"),
        ({"days": Decimal(2)}, "days", "只能填 1 天或 0.5 天"),
        ({"people_trained": -3}, "people_trained", "培训人数不能为负数"),
        ({"problems_solved": "几个"}, "problems_solved", "解决问题数应为整数"),
        ({"description": "去了"}, "description", "请写明服务情况"),
        ({"latitude": 30, "longitude": 116.7}, "latitude", "纬度应在 20° 到 26° 之间"),
        ({"latitude": 24.3, "longitude": 120}, "longitude", "经度应在 109° 到 118° 之间"),
        ({"latitude": 24.3}, "longitude", "经纬度应同时填写"),
        ({"latitude": "北纬", "longitude": 116.7}, "latitude", "纬度应为数字"),
    ],
)
def test_each_rule_names_its_field_and_nothing_is_stored(
    team: Team, changes: dict[str, Any], field: str, message: str
) -> None:
    chen = member_named(team, "陈晓燕")
    with pytest.raises(ValidationError) as caught:
        log_write(chen, photos=[png_upload()], **changes)
    assert any(message in m for m in caught.value.message_dict[field]), caught.value.message_dict
    assert not ServiceLog.all_objects.exists()
    assert not ServiceLogPhoto.objects.exists()


def test_no_log_after_the_team_term(team: Team) -> None:
    Team.all_objects.filter(pk=team.pk).update(ends_on=dt.date(2024, 12, 31))
    with pytest.raises(ValidationError) as caught:
        log_write(member_named(team, "陈晓燕"), served_on=dt.date(2025, 1, 2))
    assert "不能晚于团队服务期满日期（2024年12月31日）" in caught.value.message_dict["served_on"][0]


def test_one_commissioner_logs_at_most_one_day_per_date(team: Team, setting: dict[str, Any]) -> None:
    chen = member_named(team, "陈晓燕")
    log_write(chen, days=Decimal("0.5"))
    log_write(chen, days=Decimal("0.5"), activity="training")
    with pytest.raises(ValidationError) as caught:
        log_write(chen, days=Decimal("0.5"), activity="consulting")
    assert "2024年06月03日已填报 1 天，同一天合计不能超过 1 天" in caught.value.message_dict["days"][0]
    with pytest.raises(ValidationError) as caught:
        log_write(chen, days=Decimal("0.5"), activity="training")
    assert "已填报 1 天" in caught.value.message_dict["days"][0]
    # A returned log no longer holds its half day.
    first = ServiceLog.all_objects.filter(assignment=chen).order_by("pk").first()
    assert first is not None
    fieldwork_services.log_return(acting_user=setting["town"], log_id=first.pk, reason="日期有误")
    log_write(chen, days=Decimal("0.5"), activity="consulting")


def test_the_same_village_and_activity_twice_on_a_day_is_refused(team: Team) -> None:
    chen = member_named(team, "陈晓燕")
    log_write(chen, days=Decimal("0.5"))
    with pytest.raises(ValidationError) as caught:
        log_write(chen, days=Decimal("0.5"))
    assert "同一天在同一村已填报过这项服务" in caught.value.message_dict["activity"][0]


def test_photos_are_checked_by_content_and_size_and_count(team: Team, media: Path) -> None:
    chen = member_named(team, "陈晓燕")
    fake = SimpleUploadedFile("照片.jpg", b"GIF89a this is not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        log_write(chen, photos=[png_upload(), fake])
    assert caught.value.message_dict["photos"] == ["“照片.jpg”不是 JPG 或 PNG 图片"]
    big = SimpleUploadedFile(
        "大图.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), content_type="image/png"
    )
    with pytest.raises(ValidationError) as caught:
        log_write(chen, photos=[big])
    assert caught.value.message_dict["photos"] == ["“大图.png”超过 5 MB，请压缩后再上传"]
    with pytest.raises(ValidationError) as caught:
        log_write(chen, photos=[png_upload(f"{i}.png") for i in range(7)])
    assert "最多 6 张照片" in caught.value.message_dict["photos"][0]
    assert not ServiceLog.all_objects.exists()
    assert not ServiceLogPhoto.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))
    assert log_write(chen, photos=[png_upload(f"{i}.png") for i in range(6)]).photos.count() == 6


def test_only_the_serving_commissioner_logs_for_their_assignment(
    team: Team, setting: dict[str, Any], make_user: Callable[..., User]
) -> None:
    chen, huang = member_named(team, "陈晓燕"), member_named(team, "黄志强")
    with pytest.raises(ValidationError) as caught:
        fieldwork_services.log_create(acting_user=account(huang), assignment_id=chen.pk, **log_values())
    assert "找不到该派驻安排" in caught.value.message_dict["assignment"][0]
    with pytest.raises(PermissionDenied):  # the sending unit sees the assignment but cannot log for it
        fieldwork_services.log_create(acting_user=setting["org"], assignment_id=chen.pk, **log_values())
    with pytest.raises(PermissionDenied):
        fieldwork_services.log_create(acting_user=setting["province"], assignment_id=chen.pk, **log_values())
    assert not ServiceLog.all_objects.exists()


def test_an_ended_assignment_cannot_log(team: Team) -> None:
    li = member_named(team, "李建华")
    rounds_services.assignment_end(
        acting_user=account(li), assignment=li, status=AssignmentStatus.WITHDRAWN, reason="调动"
    )
    with pytest.raises(ValidationError) as caught:
        log_write(li)
    assert caught.value.message_dict["assignment"] == ["该派驻安排为“本人退出”，不能填写服务日志"]


def test_confirm_return_and_resubmit(
    team: Team, setting: dict[str, Any], make_user: Callable[..., User]
) -> None:
    chen = member_named(team, "陈晓燕")
    author, town = account(chen), setting["town"]
    log = log_write(chen, photos=[png_upload()])
    other_town = setting["prd_town"]
    other_side = make_user(Role.COUNTY, B["county"])
    for outsider in (other_town, other_side, author, setting["org"], setting["province"]):
        with pytest.raises(PermissionDenied):
            fieldwork_services.log_confirm(acting_user=outsider, log_id=log.pk)
    with pytest.raises(ValidationError) as caught:
        fieldwork_services.log_return(acting_user=town, log_id=log.pk, reason="  ")
    assert caught.value.message_dict["reason"] == ["请填写退回原因，便于科技特派员修改"]

    fieldwork_services.log_return(acting_user=town, log_id=log.pk, reason="照片看不出是长教村")
    log.refresh_from_db()
    assert (log.status, log.return_reason, log.reviewed_by) == (
        LogStatus.RETURNED,
        "照片看不出是长教村",
        town,
    )
    told = Notification.objects.get(user=author, title__contains="退回")
    assert "被退回" in told.title
    assert "照片看不出是长教村" in told.body
    with pytest.raises(ValidationError, match="已退回"):
        fieldwork_services.log_confirm(acting_user=town, log_id=log.pk)
    with pytest.raises(PermissionDenied):
        fieldwork_services.log_update(
            acting_user=account(member_named(team, "黄志强")), log_id=log.pk, description="别人来改"
        )

    before = Notification.objects.filter(user=town).count()
    fieldwork_services.log_update(
        acting_user=author,
        log_id=log.pk,
        description="到长教村蜜柚园指导春梢管理，附村委会门口合影。",
        photos=[jpeg_upload("村委会.jpg")],
        remove_photo_ids=[log.photos.get().pk],
    )
    log.refresh_from_db()
    assert log.status == LogStatus.SUBMITTED
    assert log.reviewed_by is None
    assert [p.name for p in log.photos.all()] == ["村委会.jpg"]
    assert Notification.objects.filter(user=town).count() == before + 1

    county = make_user(Role.COUNTY, A["county"])  # the county above the town may confirm too
    fieldwork_services.log_confirm(acting_user=county, log_id=log.pk)
    log.refresh_from_db()
    assert log.status == LogStatus.CONFIRMED
    assert log.reviewed_by == county
    assert log.reviewed_at
    with pytest.raises(ValidationError, match="已确认的服务日志不能修改"):
        fieldwork_services.log_update(
            acting_user=author, log_id=log.pk, description="确认后再改一改内容看看。"
        )
    with pytest.raises(ValidationError, match="已确认"):
        fieldwork_services.log_return(acting_user=town, log_id=log.pk, reason="再退回")
    assert teams_selectors.team_members(team)[0].pace is not None
    assert {m.name: m.confirmed for m in teams_selectors.team_members(team)}["陈晓燕"] == Decimal(1)


def test_the_town_queue_lists_what_waits_for_it(team: Team, setting: dict[str, Any]) -> None:
    chen = member_named(team, "陈晓燕")
    first = log_write(chen)
    second = log_write(chen, served_on=dt.date(2024, 6, 4))
    fieldwork_services.log_confirm(acting_user=setting["town"], log_id=second.pk)
    assert list(fieldwork_selectors.log_queue(user=setting["town"])) == [first]
    assert not fieldwork_selectors.log_queue(user=setting["prd_town"]).exists()
    assert not fieldwork_selectors.log_queue(user=account(chen)).exists()  # commissioners confirm nothing
    assert not fieldwork_selectors.log_queue(user=setting["province"]).exists()


def test_pages_for_the_commissioner(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    chen = member_named(team, "陈晓燕")
    client = client_for(account(chen))
    assert "填写服务日志" in client.get("/commissioners/teams/").content.decode()
    form = client.get("/commissioners/logs/new/").content.decode()
    assert "divisionPicker" in form
    assert A["town"] in form
    post = {
        "assignment": chen.pk,
        "served_on": "2024-06-03",
        "village": A["village"],
        "activity": "training",
        "days": "0.5",
        "people_trained": "35",
        "problems_solved": "3",
        "description": "在长教村举办蜜柚保果技术培训，讲解疏花疏果与施肥。",
        "latitude": "24.35",
        "longitude": "116.69",
    }
    bad = client.post(
        "/commissioners/logs/new/",
        {**post, "photos": [png_upload(), SimpleUploadedFile("说明.png", b"hello")]},
    )
    assert bad.status_code == 200
    assert "“说明.png”不是 JPG 或 PNG 图片" in bad.content.decode()
    assert not ServiceLog.all_objects.exists()
    outside = client.post("/commissioners/logs/new/", {**post, "village": B["village"]})
    assert "请选择湖寮镇下辖的村（社区）" in outside.content.decode()
    done = client.post("/commissioners/logs/new/", {**post, "photos": [png_upload(), jpeg_upload()]})
    log = ServiceLog.all_objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/commissioners/logs/{log.pk}/"
    assert (log.days, log.people_trained, log.photos.count()) == (Decimal("0.5"), 35, 2)
    fieldwork_services.log_return(acting_user=setting["town"], log_id=log.pk, reason="请补充培训签到表照片")
    detail = client.get(f"/commissioners/logs/{log.pk}/").content.decode()
    assert "请补充培训签到表照片" in detail
    assert "修改并重新提交" in detail
    assert client.get(f"/commissioners/logs/{log.pk}/edit/").status_code == 200
    again = client.post(
        f"/commissioners/logs/{log.pk}/edit/", {**post, "photos": [jpeg_upload("签到表.jpg")]}
    )
    assert again.status_code == 302
    log.refresh_from_db()
    assert log.status == LogStatus.SUBMITTED
    assert log.photos.count() == 3
    mine = client.get("/commissioners/logs/").content.decode()
    assert "待乡镇确认" in mine
    # Nobody outside the scope reaches the team, the log or its photos.
    outsider = client_for(setting["prd_town"])
    assert outsider.get(f"/commissioners/teams/{team.pk}/").status_code == 404
    assert outsider.get(f"/commissioners/logs/{log.pk}/").status_code == 404
    photo = log.photos.first()
    assert photo is not None
    assert outsider.get(f"/commissioners/logs/{log.pk}/photos/{photo.pk}/").status_code == 404
    assert outsider.post(f"/commissioners/logs/{log.pk}/confirm/").status_code == 404


def test_a_commissioner_without_a_team_is_told_so(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    page = client_for(make_user(Role.COMMISSIONER, A["county"])).get("/commissioners/logs/new/")
    assert "您目前没有在岗的派驻安排" in page.content.decode()


def test_log_export_is_scoped_and_audited(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    chen = member_named(team, "陈晓燕")
    log_write(chen)
    fieldwork_services.log_confirm(
        acting_user=setting["town"], log_id=log_write(chen, served_on=dt.date(2024, 6, 4)).pk
    )
    response = client_for(setting["town"]).get("/commissioners/logs/?export=xlsx&status=confirmed")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][:5] == ("服务日期", "团队", "服务乡镇", "服务村（社区）", "科技特派员")
    assert len(rows) == 2
    assert rows[1][4] == "陈晓燕"
    assert rows[1][11] == "已确认"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT, user=setting["town"])
    assert "科技特派员服务日志 1 条" in event.detail
    outside = client_for(setting["prd_town"]).get("/commissioners/logs/?export=xlsx")
    assert len(list(load_workbook(io.BytesIO(outside.content)).active.iter_rows(values_only=True))) == 1  # type: ignore[union-attr]


def test_api_log_cycle_and_error_format(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    chen = member_named(team, "陈晓燕")
    author = client_for(account(chen))
    body = {
        "assignment_id": chen.pk,
        "served_on": "2024-06-03",
        "village_code": A["village"],
        "activity": "guidance",
        "days": 1,
        "people_trained": 8,
        "description": "到长教村指导蜜柚园冬季清园和修剪。",
    }
    bad = author.post("/api/v1/commissioners/logs", {**body, "days": 0.3}, content_type="application/json")
    assert bad.status_code == 422
    error = bad.json()
    assert error["code"] == "invalid"
    assert error["errors"][0]["field"] == "days"
    assert "在岗天数只能填" in error["detail"]
    created = author.post("/api/v1/commissioners/logs", body, content_type="application/json")
    assert created.status_code == 201, created.content
    log_id = created.json()["id"]
    assert created.json()["team_id"] == team.pk
    assert created.json()["status"] == "submitted"
    uploaded = author.post(
        f"/api/v1/commissioners/logs/{log_id}/photos", {"photos": [png_upload(), jpeg_upload()]}
    )
    assert uploaded.status_code == 200
    assert uploaded.json()["photos"] == 2
    refused = author.post(
        f"/api/v1/commissioners/logs/{log_id}/photos", {"photos": [SimpleUploadedFile("x.png", b"no")]}
    )
    assert refused.status_code == 422
    assert "“x.png”不是 JPG 或 PNG 图片" in refused.json()["detail"]

    town = client_for(setting["town"])
    waiting = town.get("/api/v1/commissioners/logs", {"waiting_for_me": True}).json()
    assert [item["id"] for item in waiting["items"]] == [log_id]
    returned = town.post(
        f"/api/v1/commissioners/logs/{log_id}/return",
        {"reason": "请补充村名"},
        content_type="application/json",
    )
    assert returned.json()["status"] == "returned"
    fixed = author.patch(
        f"/api/v1/commissioners/logs/{log_id}",
        json.dumps({"description": "到长教村（第三村民小组）指导蜜柚园冬季清园和修剪。"}),
        content_type="application/json",
    )
    assert fixed.status_code == 200
    assert fixed.json()["status"] == "submitted"
    assert author.post(f"/api/v1/commissioners/logs/{log_id}/confirm").status_code == 403
    assert (
        client_for(setting["prd_town"]).post(f"/api/v1/commissioners/logs/{log_id}/confirm").status_code
        == 404
    )
    confirmed = town.post(f"/api/v1/commissioners/logs/{log_id}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"

    detail = town.get(f"/api/v1/commissioners/teams/{team.pk}").json()
    assert detail["numbers"]["logs"] == 1
    assert detail["members"][0]["leader"]
    assert {m["name"]: Decimal(str(m["confirmed_days"])) for m in detail["members"]}["陈晓燕"] == 1
    listed = town.get("/api/v1/commissioners/teams").json()
    assert [t["id"] for t in listed["items"]] == [team.pk]
    assert listed["items"][0]["members_on_duty"] == 3


def test_demo_fieldwork_keeps_the_rules_and_runs_once(team: Team, setting: dict[str, Any]) -> None:
    from baiqianwan.commissioners.demo_fieldwork import demo_fieldwork

    made = demo_fieldwork()
    team.refresh_from_db()
    assert team.workstation is not None
    assert team.workstation.name == "湖寮镇科技特派团工作站"
    assert made["workstations"] == 1
    logs = list(ServiceLog.all_objects.filter(assignment__need=team.need).select_related("village"))
    assert made["logs"] == len(logs)
    # Each member logs about the days the 1-year-in-3 rule expects by now, some ahead, some behind.
    expected = 365 * (TODAY - team.started_on).days / (team.ends_on - team.started_on).days
    for member in Assignment.all_objects.filter(need=team.need):
        mine = [log for log in logs if log.assignment_id == member.pk]
        assert 0.5 * expected <= len(mine) <= 1.3 * expected
        assert sum(1 for log in mine if log.status == LogStatus.RETURNED) <= 1
        assert any(log.status == LogStatus.SUBMITTED for log in mine)
        assert len({log.served_on for log in mine}) == len(mine)  # at most one day per date
    # The demo writes up to the day it runs, which may be after midnight since collection.
    assert all(team.started_on <= log.served_on <= timezone.localdate() for log in logs)
    assert all(log.village.parent_id == A["town"] and log.village.level == "village" for log in logs)
    assert sum(1 for log in logs if log.status == LogStatus.CONFIRMED) > len(logs) * 0.8
    assert all(log.reviewed_by == setting["town"] for log in logs if log.status != LogStatus.SUBMITTED)
    assert demo_fieldwork() == {"workstations": 0, "logs": 0}
    assert ServiceLog.all_objects.count() == len(logs)


# ---- filters -------------------------------------------------------------------------------------


def test_the_log_page_its_export_and_the_api_share_one_filter(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    chen = member_named(team, "陈晓燕")
    early = log_write(chen, served_on=dt.date(2024, 6, 3))
    late = log_write(chen, served_on=dt.date(2024, 6, 10))
    client = client_for(setting["town"])
    wanted = {"team_id": team.pk, "date_from": "2024-06-01", "date_to": "2024-06-05", "status": "submitted"}
    listed = client.get("/api/v1/commissioners/logs", wanted).json()["items"]
    assert [item["id"] for item in listed] == [early.pk]
    page = client.get("/commissioners/logs/", wanted).content.decode()
    assert f"/commissioners/logs/{early.pk}/" in page
    assert f"/commissioners/logs/{late.pk}/" not in page
    assert f'name="team_id" value="{team.pk}"' in page  # the form keeps the team it was opened for
    export = client.get("/commissioners/logs/", {**wanted, "export": "xlsx"})
    assert len(list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))) == 2  # type: ignore[union-attr]
    # The team page links to its logs by the same names.
    assert (
        f"/commissioners/logs/?team_id={team.pk}"
        in client.get(f"/commissioners/teams/{team.pk}/").content.decode()
    )

    bad = {"date_from": "6月1日", "team_id": "湖寮", "status": "done"}
    # Typed parameters are refused by the schema first, the form's choices next: each names its field.
    assert api_refuses(client, "/api/v1/commissioners/logs", bad) == {"date_from", "team_id"}
    assert api_refuses(client, "/api/v1/commissioners/logs", {"status": "done"}) == {"status"}
    ignored = page_ignores(client, "/commissioners/logs/", {**bad, "date_to": "2024-06-05"})
    assert "开始日期：" in ignored
    assert f"/commissioners/logs/{early.pk}/" in ignored  # only the good filter applies
    assert f"/commissioners/logs/{late.pk}/" not in ignored
