"""Teams in the field: the 365-day rule, leader changes, 工作站, 服务日志 with photos, the town's
confirmation, the export, the API and the pages."""

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
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.fieldwork import selectors as fieldwork_selectors
from baiqianwan.commissioners.fieldwork import services as fieldwork_services
from baiqianwan.commissioners.fieldwork.models import LogStatus, ServiceLog, ServiceLogPhoto
from baiqianwan.commissioners.rounds import services as rounds_services
from baiqianwan.commissioners.rounds.models import (
    Assignment,
    AssignmentStatus,
    MembershipChange,
    Team,
    TownNeed,
    Workstation,
)
from baiqianwan.commissioners.teams import selectors as teams_selectors
from baiqianwan.commissioners.teams import services as teams_services
from baiqianwan.core.models import AuditEvent, Notification
from baiqianwan.regions.models import Division

from ...conftest import A, B
from ..conftest import WUSHAN

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _image(kind: str = "PNG", size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 140, 60)).save(buffer, kind)
    return buffer.getvalue()


def _png(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _image("PNG"), content_type="image/png")


def _jpeg(name: str = "培训.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _image("JPEG"), content_type="image/jpeg")


def _member(team: Team, name: str) -> Assignment:
    return Assignment.all_objects.select_related("nomination__expert__user").get(
        need=team.need, nomination__expert__person__name=name
    )


def _leader(team: Team) -> Assignment:
    return Assignment.all_objects.get(need=team.need, leader=True)


def _user(assignment: Assignment) -> User:
    user = assignment.nomination.expert.user
    assert user is not None
    return user


def _values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "served_on": dt.date(2024, 6, 3),
        "village_code": A["village"],
        "activity": "guidance",
        "days": Decimal(1),
        "people_trained": 12,
        "problems_solved": 2,
        "description": "到长教村蜜柚园指导春梢管理和黄龙病普查，现场答疑。",
    }
    values.update(changes)
    return values


def _log(member: Assignment, **changes: Any) -> ServiceLog:
    photos = changes.pop("photos", ())
    return fieldwork_services.log_create(
        acting_user=_user(member), assignment_id=member.pk, photos=photos, **_values(**changes)
    )


def _confirmed_days(member: Assignment, count: int, start: dt.date) -> None:
    """``count`` confirmed whole days from ``start``, written directly (the rule is tested elsewhere)."""
    ServiceLog.all_objects.bulk_create(
        ServiceLog(
            assignment=member,
            served_on=start + dt.timedelta(days=i),
            village_id=A["village"],
            activity="guidance",
            days=Decimal(1),
            description="驻村服务",
            status=LogStatus.CONFIRMED,
        )
        for i in range(count)
    )


# ---- on-site days and pace -------------------------------------------------------------------------


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


def test_only_confirmed_logs_count_as_on_site_days(team: Team, setting: dict[str, Any]) -> None:
    chen, huang = _member(team, "陈晓燕"), _member(team, "黄志强")
    _confirmed_days(chen, 100, dt.date(2024, 3, 1))
    _confirmed_days(huang, 40, dt.date(2024, 3, 1))
    _log(chen, served_on=dt.date(2024, 8, 1))  # waiting
    returned = _log(chen, served_on=dt.date(2024, 8, 2))
    fieldwork_services.log_return(acting_user=setting["town"], log_id=returned.pk, reason="照片与村名不符")

    members = {m.name: m for m in teams_selectors.team_members(team, on=dt.date(2025, 3, 1))}
    assert members["陈晓燕"].pace is not None
    assert members["陈晓燕"].pace.confirmed == Decimal(100)
    assert members["陈晓燕"].pace.waiting == Decimal(1)
    assert not members["陈晓燕"].pace.behind
    assert members["黄志强"].pace
    assert members["黄志强"].pace.behind
    assert members["李建华"].pace
    assert members["李建华"].pace.confirmed == 0
    assert next(iter(members)) == _leader(team).nomination.expert.person.name  # leader first

    row = teams_selectors.team_rows([team], on=dt.date(2025, 3, 1))[0]
    assert row.confirmed == Decimal(140)
    assert row.warnings == ["进度偏慢：黄志强、李建华"]
    late = teams_selectors.team_rows([team], on=dt.date(2026, 11, 29))[0]
    assert late.warnings[0].startswith("难以达标：")
    assert {m.name for m in late.at_risk} == {"陈晓燕", "黄志强", "李建华"}
    numbers = teams_selectors.team_numbers(team)
    assert (numbers.logs, numbers.waiting, numbers.villages, numbers.days) == (140, 1, 1, Decimal(140))
    assert teams_selectors.team_list(user=setting["town"]).get().confirmed_days == Decimal(140)


def test_a_member_who_left_carries_no_warning(team: Team, setting: dict[str, Any]) -> None:
    li = _member(team, "李建华")
    rounds_services.assignment_end(
        acting_user=_user(li), assignment=li, status=AssignmentStatus.WITHDRAWN, reason="身体原因"
    )
    members = {m.name: m for m in teams_selectors.team_members(team, on=dt.date(2026, 11, 29))}
    assert not members["李建华"].on_duty
    assert members["李建华"].pace
    assert not members["李建华"].pace.at_risk
    assert list(members)[-1] == "李建华"
    assert teams_selectors.team_rows([team], on=dt.date(2024, 6, 1))[0].warnings[0] == "在岗 2 人，缺 1 人"


# ---- 服务日志 ------------------------------------------------------------------------------------


def test_a_log_with_photos_is_stored_and_the_town_is_told(team: Team, setting: dict[str, Any]) -> None:
    chen = _member(team, "陈晓燕")
    log = _log(chen, photos=[_png(), _jpeg()])
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
        ({"served_on": TODAY + dt.timedelta(days=1)}, "served_on", "不能晚于今天"),
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
    chen = _member(team, "陈晓燕")
    with pytest.raises(ValidationError) as caught:
        _log(chen, photos=[_png()], **changes)
    assert any(message in m for m in caught.value.message_dict[field]), caught.value.message_dict
    assert not ServiceLog.all_objects.exists()
    assert not ServiceLogPhoto.objects.exists()


def test_no_log_after_the_team_term(team: Team) -> None:
    Team.all_objects.filter(pk=team.pk).update(ends_on=dt.date(2024, 12, 31))
    with pytest.raises(ValidationError) as caught:
        _log(_member(team, "陈晓燕"), served_on=dt.date(2025, 1, 2))
    assert "不能晚于团队服务期满日期（2024年12月31日）" in caught.value.message_dict["served_on"][0]


def test_one_commissioner_logs_at_most_one_day_per_date(team: Team, setting: dict[str, Any]) -> None:
    chen = _member(team, "陈晓燕")
    _log(chen, days=Decimal("0.5"))
    _log(chen, days=Decimal("0.5"), activity="training")
    with pytest.raises(ValidationError) as caught:
        _log(chen, days=Decimal("0.5"), activity="consulting")
    assert "2024年06月03日已填报 1 天，同一天合计不能超过 1 天" in caught.value.message_dict["days"][0]
    with pytest.raises(ValidationError) as caught:
        _log(chen, days=Decimal("0.5"), activity="training")
    assert "已填报 1 天" in caught.value.message_dict["days"][0]
    # A returned log no longer holds its half day.
    first = ServiceLog.all_objects.filter(assignment=chen).order_by("pk").first()
    assert first is not None
    fieldwork_services.log_return(acting_user=setting["town"], log_id=first.pk, reason="日期有误")
    _log(chen, days=Decimal("0.5"), activity="consulting")


def test_the_same_village_and_activity_twice_on_a_day_is_refused(team: Team) -> None:
    chen = _member(team, "陈晓燕")
    _log(chen, days=Decimal("0.5"))
    with pytest.raises(ValidationError) as caught:
        _log(chen, days=Decimal("0.5"))
    assert "同一天在同一村已填报过这项服务" in caught.value.message_dict["activity"][0]


def test_photos_are_checked_by_content_and_size_and_count(team: Team, media: Path) -> None:
    chen = _member(team, "陈晓燕")
    fake = SimpleUploadedFile("照片.jpg", b"GIF89a this is not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        _log(chen, photos=[_png(), fake])
    assert caught.value.message_dict["photos"] == ["“照片.jpg”不是 JPG 或 PNG 图片"]
    big = SimpleUploadedFile(
        "大图.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), content_type="image/png"
    )
    with pytest.raises(ValidationError) as caught:
        _log(chen, photos=[big])
    assert caught.value.message_dict["photos"] == ["“大图.png”超过 5 MB，请压缩后再上传"]
    with pytest.raises(ValidationError) as caught:
        _log(chen, photos=[_png(f"{i}.png") for i in range(7)])
    assert "最多 6 张照片" in caught.value.message_dict["photos"][0]
    assert not ServiceLog.all_objects.exists()
    assert not ServiceLogPhoto.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))
    assert _log(chen, photos=[_png(f"{i}.png") for i in range(6)]).photos.count() == 6


def test_only_the_serving_commissioner_logs_for_their_assignment(
    team: Team, setting: dict[str, Any], make_user: Callable[..., User]
) -> None:
    chen, huang = _member(team, "陈晓燕"), _member(team, "黄志强")
    with pytest.raises(ValidationError) as caught:
        fieldwork_services.log_create(acting_user=_user(huang), assignment_id=chen.pk, **_values())
    assert "找不到该派驻安排" in caught.value.message_dict["assignment"][0]
    with pytest.raises(PermissionDenied):  # the sending unit sees the assignment but cannot log for it
        fieldwork_services.log_create(acting_user=setting["org"], assignment_id=chen.pk, **_values())
    with pytest.raises(PermissionDenied):
        fieldwork_services.log_create(acting_user=setting["province"], assignment_id=chen.pk, **_values())
    assert not ServiceLog.all_objects.exists()


def test_an_ended_assignment_cannot_log(team: Team) -> None:
    li = _member(team, "李建华")
    rounds_services.assignment_end(
        acting_user=_user(li), assignment=li, status=AssignmentStatus.WITHDRAWN, reason="调动"
    )
    with pytest.raises(ValidationError) as caught:
        _log(li)
    assert caught.value.message_dict["assignment"] == ["该派驻安排为“本人退出”，不能填写服务日志"]


def test_confirm_return_and_resubmit(
    team: Team, setting: dict[str, Any], make_user: Callable[..., User]
) -> None:
    chen = _member(team, "陈晓燕")
    author, town = _user(chen), setting["town"]
    log = _log(chen, photos=[_png()])
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
            acting_user=_user(_member(team, "黄志强")), log_id=log.pk, description="别人来改"
        )

    before = Notification.objects.filter(user=town).count()
    fieldwork_services.log_update(
        acting_user=author,
        log_id=log.pk,
        description="到长教村蜜柚园指导春梢管理，附村委会门口合影。",
        photos=[_jpeg("村委会.jpg")],
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
    chen = _member(team, "陈晓燕")
    first = _log(chen)
    second = _log(chen, served_on=dt.date(2024, 6, 4))
    fieldwork_services.log_confirm(acting_user=setting["town"], log_id=second.pk)
    assert list(fieldwork_selectors.log_queue(user=setting["town"])) == [first]
    assert not fieldwork_selectors.log_queue(user=setting["prd_town"]).exists()
    assert not fieldwork_selectors.log_queue(user=_user(chen)).exists()  # commissioners confirm nothing
    assert not fieldwork_selectors.log_queue(user=setting["province"]).exists()


# ---- leader --------------------------------------------------------------------------------------


def test_leader_change_keeps_exactly_one_leader(
    team: Team, setting: dict[str, Any], make_user: Callable[..., User]
) -> None:
    old = _leader(team)
    new = _member(team, "黄志强" if old.nomination.expert.person.name != "黄志强" else "陈晓燕")
    with pytest.raises(PermissionDenied):
        teams_services.team_leader_change(
            acting_user=setting["town"], team=team, assignment_id=new.pk, reason="调整"
        )
    with pytest.raises(PermissionDenied):
        teams_services.team_leader_change(
            acting_user=make_user(Role.COUNTY, "440106000000"), team=team, assignment_id=new.pk, reason="调整"
        )
    with pytest.raises(ValidationError) as caught:
        teams_services.team_leader_change(
            acting_user=setting["province"], team=team, assignment_id=new.pk, reason=""
        )
    assert caught.value.message_dict["reason"] == ["请填写调整负责人的原因"]
    with pytest.raises(ValidationError) as caught:
        teams_services.team_leader_change(
            acting_user=setting["province"],
            team=team,
            assignment_id=_member(team, "李建华").pk,
            reason="调整",
        )
    assert "职称未达到副高级" in caught.value.message_dict["assignment"][0]
    with pytest.raises(ValidationError, match="已是团队负责人"):
        teams_services.team_leader_change(
            acting_user=setting["province"], team=team, assignment_id=old.pk, reason="调整"
        )

    county = make_user(Role.COUNTY, A["county"])
    teams_services.team_leader_change(
        acting_user=county, team=team, assignment_id=new.pk, reason="原负责人工作调动"
    )
    assert list(Assignment.all_objects.filter(need=team.need, leader=True)) == [new]
    change = MembershipChange.objects.get(team=team, kind=MembershipChange.Kind.LEADER)
    assert (change.assignment, change.reason, change.by) == (new, "原负责人工作调动", county)
    assert (
        teams_selectors.team_list(user=setting["town"]).get().leader_name == new.nomination.expert.person.name
    )


def test_a_member_who_left_cannot_become_leader(team: Team, setting: dict[str, Any]) -> None:
    member = next(a for a in Assignment.all_objects.filter(need=team.need, leader=False))
    rounds_services.assignment_end(
        acting_user=setting["province"], assignment=member, status=AssignmentStatus.RESCINDED, reason="撤销"
    )
    with pytest.raises(ValidationError) as caught:
        teams_services.team_leader_change(
            acting_user=setting["province"], team=team, assignment_id=member.pk, reason="调整"
        )
    assert "已撤销" in caught.value.message_dict["assignment"][0]


# ---- 工作站 --------------------------------------------------------------------------------------


def _station(user: User, **changes: Any) -> Workstation:
    values: dict[str, Any] = {
        "name": "湖寮镇科技特派团工作站",
        "town_code": A["town"],
        "host_name": "大埔县湖寮镇农业综合服务中心",
        "address": "大埔县湖寮镇城东路 8 号",
        "facilities": "办公室 60 平方米、检测室、示范基地 200 亩",
        "established_on": dt.date(2024, 4, 1),
        "latitude": "24.35110",
        "longitude": "116.69480",
    }
    values.update(changes)
    return teams_services.workstation_create(acting_user=user, **values)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "请填写工作站名称"),
        ({"town_code": WUSHAN}, "town", "不在您的管辖范围内"),
        ({"town_code": A["village"]}, "town", "请选择工作站所在的乡镇（街道）"),
        ({"host_name": ""}, "host_name", "请选择依托单位，或填写依托单位名称"),
        ({"address": ""}, "address", "请填写工作站地址"),
        ({"established_on": TODAY + dt.timedelta(days=3)}, "established_on", "建站日期不能晚于今天"),
        ({"latitude": "19.5"}, "latitude", "纬度应在 20° 到 26° 之间（广东省范围内）"),
        ({"longitude": "121"}, "longitude", "经度应在 109° 到 118° 之间（广东省范围内）"),
        ({"longitude": None}, "longitude", "经纬度应同时填写，或都不填"),
    ],
)
def test_workstation_rules_name_their_field(
    setting: dict[str, Any], changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _station(setting["town"], **changes)
    assert any(message in m for m in caught.value.message_dict[field]), caught.value.message_dict
    assert not Workstation.all_objects.exists()


def test_workstation_registry_and_the_town_check(
    team: Team, setting: dict[str, Any], make_user: Callable[..., User], make_org: Callable[..., Any]
) -> None:
    town = setting["town"]
    coop = make_org("大埔县湖寮蜜柚专业合作社", "cooperative", A["town"])
    station = _station(town, host_id=coop.pk, host_name="")
    assert (station.host, station.latitude) == (coop, Decimal("24.35110"))
    with pytest.raises(ValidationError, match="已有名为"):
        _station(town)
    with pytest.raises(PermissionDenied):
        _station(_user(_member(team, "陈晓燕")))
    with pytest.raises(ValidationError) as caught:
        _station(town, name="五山工作站", host_id=make_org("广州某公司", "enterprise", WUSHAN).pk)
    assert "找不到该依托单位，或它不在您的可见范围内" in caught.value.message_dict["host"][0]

    county = make_user(Role.COUNTY, A["county"])
    neighbour = Division.objects.filter(parent_id=A["county"], level="town").exclude(code=A["town"]).first()
    assert neighbour is not None
    elsewhere = _station(county, name=f"{neighbour.name}工作站", town_code=neighbour.code)
    with pytest.raises(ValidationError) as caught:
        teams_services.team_workstation_set(acting_user=county, team=team, workstation_id=elsewhere.pk)
    assert caught.value.message_dict["workstation"] == [
        f"工作站“{elsewhere.name}”位于{neighbour.full_name}，不能关联服务{team.town.full_name}的团队"
    ]
    with pytest.raises(PermissionDenied):
        teams_services.team_workstation_set(
            acting_user=setting["prd_town"], team=team, workstation_id=station.pk
        )
    with pytest.raises(PermissionDenied):
        teams_services.team_workstation_set(acting_user=setting["org"], team=team, workstation_id=station.pk)
    teams_services.team_workstation_set(acting_user=town, team=team, workstation_id=station.pk)
    team.refresh_from_db()
    assert team.workstation == station
    with pytest.raises(ValidationError) as caught:
        teams_services.workstation_update(
            acting_user=county, workstation_id=station.pk, town_code=neighbour.code
        )
    assert "已关联团队" in caught.value.message_dict["town"][0]
    updated = teams_services.workstation_update(
        acting_user=town, workstation_id=station.pk, address="湖寮镇新城路 2 号"
    )
    assert updated.address == "湖寮镇新城路 2 号"
    assert updated.host == coop
    with pytest.raises(PermissionDenied):
        teams_services.workstation_update(
            acting_user=setting["prd_town"], workstation_id=station.pk, address="越权"
        )
    assert [w.name for w in teams_selectors.workstation_list(user=town)] == ["湖寮镇科技特派团工作站"]
    assert {w.pk for w in teams_selectors.workstation_list(user=county)} == {station.pk, elsewhere.pk}
    assert not teams_selectors.workstation_list(user=setting["prd_town"]).exists()


# ---- scope of reads ------------------------------------------------------------------------------


def test_teams_and_logs_are_seen_only_within_the_scope(
    team: Team, setting: dict[str, Any], make_user: Callable[..., User]
) -> None:
    chen = _member(team, "陈晓燕")
    log = _log(chen)
    insiders = [
        setting["province"],
        setting["town"],
        setting["org"],
        _user(chen),
        make_user(Role.CITY, A["city"]),
        make_user(Role.COUNTY, A["county"]),
    ]
    for user in insiders:
        assert list(teams_selectors.team_list(user=user)) == [team], user.role
        assert fieldwork_selectors.log_get(user=user, pk=log.pk) == log, user.role
    outsiders = [setting["prd_town"], make_user(Role.COUNTY, B["county"]), make_user(Role.CITY, B["city"])]
    for user in outsiders:
        assert not teams_selectors.team_list(user=user).exists(), user.role
        assert fieldwork_selectors.log_get(user=user, pk=log.pk) is None, user.role
    # A teammate sees the team, but not another member's log.
    huang = _user(_member(team, "黄志强"))
    assert list(teams_selectors.team_list(user=huang)) == [team]
    assert fieldwork_selectors.log_get(user=huang, pk=log.pk) is None


# ---- pages ---------------------------------------------------------------------------------------


def test_pages_for_the_town(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    chen = _member(team, "陈晓燕")
    log = _log(chen, photos=[_png()])
    client = client_for(setting["town"])
    page = client.get("/commissioners/teams/").content.decode()
    assert team.name in page
    assert "待确认日志" in page
    detail = client.get(f"/commissioners/teams/{team.pk}/").content.decode()
    assert all(name in detail for name in ("陈晓燕", "黄志强", "李建华", "团队负责人", "尚未关联工作站"))
    assert "成员变动记录" in detail
    assert "调整团队负责人" not in detail
    queue = client.get("/commissioners/logs/queue/").content.decode()
    assert "到长教村蜜柚园" in queue
    assert f"/commissioners/logs/{log.pk}/photos/" in queue
    photo = log.photos.get()
    shown = client.get(f"/commissioners/logs/{log.pk}/photos/{photo.pk}/")
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]

    returned = client.post(f"/commissioners/logs/{log.pk}/return/", {"reason": ""})
    assert returned.status_code == 302
    log.refresh_from_db()
    assert log.status == LogStatus.SUBMITTED  # no reason, nothing changed
    client.post("/commissioners/logs/queue/", {"log": [str(log.pk)]})
    log.refresh_from_db()
    assert log.status == LogStatus.CONFIRMED
    assert "已确认" in client.get(f"/commissioners/logs/{log.pk}/").content.decode()
    assert client.get("/commissioners/workstations/").status_code == 200
    assert client.get("/commissioners/workstations/new/").status_code == 200
    saved = client.post(
        "/commissioners/workstations/new/",
        {
            "name": "湖寮镇科技特派团工作站",
            "town": A["town"],
            "host_name": "湖寮镇农业综合服务中心",
            "address": "湖寮镇城东路 8 号",
            "established_on": "2024-04-01",
            "latitude": "24.3511",
            "longitude": "116.6948",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    station = Workstation.all_objects.get()
    client.post(f"/commissioners/teams/{team.pk}/workstation/", {"workstation": station.pk})
    assert "湖寮镇科技特派团工作站" in client.get("/commissioners/teams/").content.decode()


def test_pages_for_the_commissioner(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    chen = _member(team, "陈晓燕")
    client = client_for(_user(chen))
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
        "/commissioners/logs/new/", {**post, "photos": [_png(), SimpleUploadedFile("说明.png", b"hello")]}
    )
    assert bad.status_code == 200
    assert "“说明.png”不是 JPG 或 PNG 图片" in bad.content.decode()
    assert not ServiceLog.all_objects.exists()
    outside = client.post("/commissioners/logs/new/", {**post, "village": B["village"]})
    assert "请选择湖寮镇下辖的村（社区）" in outside.content.decode()
    done = client.post("/commissioners/logs/new/", {**post, "photos": [_png(), _jpeg()]})
    log = ServiceLog.all_objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/commissioners/logs/{log.pk}/"
    assert (log.days, log.people_trained, log.photos.count()) == (Decimal("0.5"), 35, 2)
    fieldwork_services.log_return(acting_user=setting["town"], log_id=log.pk, reason="请补充培训签到表照片")
    detail = client.get(f"/commissioners/logs/{log.pk}/").content.decode()
    assert "请补充培训签到表照片" in detail
    assert "修改并重新提交" in detail
    assert client.get(f"/commissioners/logs/{log.pk}/edit/").status_code == 200
    again = client.post(f"/commissioners/logs/{log.pk}/edit/", {**post, "photos": [_jpeg("签到表.jpg")]})
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


def test_the_leader_form_for_the_county(
    team: Team, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(Role.COUNTY, A["county"]))
    assert "调整团队负责人" in client.get(f"/commissioners/teams/{team.pk}/").content.decode()
    new = next(
        a for a in Assignment.all_objects.filter(need=team.need, leader=False) if a.nomination.can_lead
    )
    client.post(
        f"/commissioners/teams/{team.pk}/leader/", {"assignment": new.pk, "reason": "原负责人调回单位"}
    )
    assert Assignment.all_objects.get(need=team.need, leader=True) == new


def test_log_export_is_scoped_and_audited(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    chen = _member(team, "陈晓燕")
    _log(chen)
    fieldwork_services.log_confirm(
        acting_user=setting["town"], log_id=_log(chen, served_on=dt.date(2024, 6, 4)).pk
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


def _list_queries(client: Client, path: str) -> int:
    client.get(path)  # warm sessions and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_list_pages_do_not_grow_with_rows(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    chen = _member(team, "陈晓燕")
    station = _station(setting["town"])
    teams_services.team_workstation_set(acting_user=setting["town"], team=team, workstation_id=station.pk)
    _log(chen, photos=[_png()])
    client = client_for(setting["province"])
    town = client_for(setting["town"])
    pages = [
        (client, "/commissioners/teams/"),
        (town, "/commissioners/logs/"),
        (town, "/commissioners/logs/queue/"),
    ]
    pages.append((town, "/commissioners/workstations/"))
    one = [_list_queries(c, p) for c, p in pages]
    county = Division.objects.get(code=A["county"])
    for town_division in Division.objects.filter(parent=county, level="town").exclude(code=A["town"])[:2]:
        need = TownNeed.all_objects.create(
            round=team.need.round,
            town=town_division,
            fields=["种植"],
            slots=3,
            submitted_by=setting["province"],
        )
        Team.all_objects.create(
            need=need,
            town=town_division,
            name=f"{town_division.name}服务团",
            started_on=team.started_on,
            ends_on=team.ends_on,
        )
    for day in (4, 5):
        _log(chen, served_on=dt.date(2024, 6, day), photos=[_png()])
    _station(setting["town"], name="湖寮镇第二工作站")
    _station(setting["town"], name="湖寮镇第三工作站")
    three = [_list_queries(c, p) for c, p in pages]
    assert three == one, list(zip((p for _, p in pages), one, three, strict=True))


# ---- API -----------------------------------------------------------------------------------------


def test_api_log_cycle_and_error_format(
    team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    chen = _member(team, "陈晓燕")
    author = client_for(_user(chen))
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
    uploaded = author.post(f"/api/v1/commissioners/logs/{log_id}/photos", {"photos": [_png(), _jpeg()]})
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


def test_api_workstations(team: Team, setting: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    town = client_for(setting["town"])
    body = {
        "name": "湖寮镇科技特派团工作站",
        "town_code": A["town"],
        "host_name": "湖寮镇农技站",
        "address": "湖寮镇",
    }
    created = town.post("/api/v1/commissioners/workstations", body, content_type="application/json")
    assert created.status_code == 201, created.content
    station_id = created.json()["id"]
    outside = town.post(
        "/api/v1/commissioners/workstations", {**body, "town_code": WUSHAN}, content_type="application/json"
    )
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "town"
    changed = town.patch(
        f"/api/v1/commissioners/workstations/{station_id}",
        json.dumps({"facilities": "检测室 1 间"}),
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["facilities"] == "检测室 1 间"
    linked = town.post(
        f"/api/v1/commissioners/teams/{team.pk}/workstation",
        {"workstation_id": station_id},
        content_type="application/json",
    )
    assert linked.status_code == 200
    assert linked.json()["workstation_name"] == "湖寮镇科技特派团工作站"
    assert [w["id"] for w in town.get("/api/v1/commissioners/workstations").json()["items"]] == [station_id]


# ---- demo ----------------------------------------------------------------------------------------


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
    assert all(team.started_on <= log.served_on <= TODAY for log in logs)
    assert all(log.village.parent_id == A["town"] and log.village.level == "village" for log in logs)
    assert sum(1 for log in logs if log.status == LogStatus.CONFIRMED) > len(logs) * 0.8
    assert all(log.reviewed_by == setting["town"] for log in logs if log.status != LogStatus.SUBMITTED)
    assert demo_fieldwork() == {"workstations": 0, "logs": 0}
    assert ServiceLog.all_objects.count() == len(logs)
