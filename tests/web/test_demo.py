"""`bqw demo`: the whole demo data set loads on a fresh database, once, and shows every feature."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from baiqianwan.accounts.demo import DEMO_TOTP_SECRET
from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.models import (
    AssessmentScheme,
    AssignmentStatus,
    DispatchRound,
    KeyTask,
    RoundStatus,
    ServiceLog,
    Team,
)
from baiqianwan.demands.models import Connection, Demand
from baiqianwan.plan.models import KpiValue
from baiqianwan.plan.services import plan_load


def test_demo_loads_every_feature_once(divisions: None, capsys: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path  # the demo's photos
    plan_load()
    call_command("indicators", "load")
    call_command("demo")
    printed = capsys.readouterr().out
    assert "Bqw@2025demo" in printed
    # The province and the three administrators sign in with a code from the published demo key.
    assert "BQWD EMOB QWDE MOBQ WDEM OBQW DEMO BQWD" in printed
    for username in ("gd_admin", "sys_admin", "sec_admin", "audit_admin"):
        assert username in printed
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert base64.b32encode(device.bin_key).decode() == DEMO_TOTP_SECRET
    assert User.objects.get(username="audit_admin").role == Role.AUDIT_ADMIN
    assert not TOTPDevice.objects.filter(user__username="dabu_county").exists()
    assert "特派员选派批次 2 个、团队 4 个" in printed
    assert "县域研究机构 50 个，致富带头人 120 名、致富共同体 6 个，人才工程入选 40 人次" in printed
    assert "科普活动 200 场、培训科学教师 1500 名，智库成员 80 名、深调研报告 6 份" in printed
    rounds = {r.name: r for r in DispatchRound.all_objects.all()}
    assert rounds["2024年第一批"].status == RoundStatus.PUBLISHED
    assert rounds["2025年第二批"].status == RoundStatus.SOLVED
    assert rounds["2025年第二批"].nominations.exclude(excluded_reason="").exists()
    assert Team.all_objects.count() == 4
    assert rounds["2024年第一批"].assignments.filter(status=AssignmentStatus.RESCINDED).count() == 1
    # Journey 2's fixes, each visible in the demo.
    past, current = rounds["2024年第一批"], rounds["2025年第二批"]
    waiting = past.assignments.get(status=AssignmentStatus.INVITED)  # filled gap, not answered yet
    assert waiting.reminders == 1
    assert waiting.nomination.expert.user.username.startswith("tpy")  # account opened by publishing
    assert (
        past.assignments.filter(confirmed_via__in=["phone", "written"]).exclude(confirmation_note="").exists()
    )
    assert past.assignments.filter(status=AssignmentStatus.WITHDRAWN).count() == 1
    for need in current.needs.all():
        holders = list(need.assignments.select_related("nomination"))
        if any(a.nomination.can_lead for a in holders):
            assert any(a.leader for a in holders), need
    namesakes = current.nominations.filter(expert__person__name="张伟明")
    assert namesakes.values("organisation").distinct().count() == 2
    assert Team.all_objects.filter(town_id="441881129000", ends_on__gt=dt.date.today()).exists()
    assert ServiceLog.all_objects.filter(status="confirmed").count() > 1000
    assert AssessmentScheme.all_objects.filter(finalised=True).exists()
    assert KeyTask.all_objects.count() >= 3
    assert KpiValue.objects.filter(source="reported").exclude(evidence="").count() >= 9
    assert Demand.all_objects.count() >= 10
    # Journey 1 on the demo accounts: photos that open, a solution to confirm, a proposal to answer.
    posted = Demand.all_objects.get(title="蜜柚园黄龙病蔓延，求防控技术和抗病苗木")
    photos = list(posted.attachments.all())
    assert len(photos) == 2
    assert all(p.is_image and p.file.read(8) == b"\x89PNG\r\n\x1a\n" for p in photos)
    assert Demand.all_objects.get(status="confirming").submitted_by.username == "changjiao_village"
    assert Connection.all_objects.filter(status="proposed", organisation__name="华南农业大学").exists()
    # Calls: one decided, one in review, and this year's open for a unit to apply to.
    from baiqianwan.calls.models import Call, CallStatus
    from baiqianwan.calls.rules import can_apply

    open_call = Call.objects.get(status=CallStatus.OPEN, title="2026年度广东省新型研发机构认定")
    assert can_apply(User.objects.get(username="myx_org"), open_call)
    town_call = Call.objects.get(status=CallStatus.OPEN, call_type__code="innovative_town")
    assert can_apply(User.objects.get(username="huliao_town"), town_call)
    assert Call.objects.filter(status=CallStatus.DECIDED).exists()
    assert Call.objects.filter(status=CallStatus.REVIEWING).exists()
    # The technology market: listings, registered deals (70 in 粤东西北), some at each step, one that
    # solved a demand, and journey 6 waiting for 徐闻县's bureau.
    from baiqianwan.market.models import Deal, Enquiry, Listing
    from baiqianwan.plan.selectors import LIVE_KPIS

    assert Listing.all_objects.count() == 300
    assert {"listed", "sold", "draft", "withdrawn"} <= set(
        Listing.all_objects.values_list("status", flat=True)
    )
    registered = Deal.all_objects.filter(status="registered")
    assert registered.count() == 120
    assert (
        registered.filter(in_east_west_north=True, place__level__in=["county", "town", "village"]).count()
        == 70
    )
    assert {"party", "bureau", "rejected"} <= set(Deal.all_objects.values_list("status", flat=True))
    assert registered.filter(publicity=True).count() >= 10
    solver = registered.exclude(demand=None).get()
    assert solver.demand.status == "solved"
    journey = Deal.all_objects.get(buyer__name="徐闻县曲界镇香蕉种植专业合作社")
    assert (journey.status, journey.seller.name, journey.mode) == ("bureau", "广东省农业科学院", "licence")
    assert Enquiry.all_objects.filter(asked_by__username="xuwen_coop", status="answered").exists()
    assert "xuwen_county" in printed
    assert "成果挂牌 300 项" in printed
    transfers = LIVE_KPIS["KPI-TRANSFERS"]()
    assert 90 <= transfers <= 120
    from baiqianwan.market.services import deal_confirm

    deal_confirm(acting_user=User.objects.get(username="xuwen_county"), deal_id=journey.pk)
    assert LIVE_KPIS["KPI-TRANSFERS"]() == transfers + 1  # journey 6: the county confirms, the KPI moves
    # 尽职免责: one case decided 免责, one waiting for the committee; the laboratories' events.
    from baiqianwan.market.models import DiligenceCase, TransferEvent

    assert sorted(DiligenceCase.all_objects.values_list("status", "outcome")) == [
        ("decided", "exempt"),
        ("submitted", ""),
    ]
    assert all(case.deal.seller_id == case.unit_id for case in DiligenceCase.all_objects.all())
    assert TransferEvent.all_objects.count() == 12
    assert not TransferEvent.all_objects.filter(in_east_west_north=False).exists()
    assert TransferEvent.all_objects.filter(is_public=True).count() == 11
    assert TransferEvent.all_objects.exclude(deals=None).exists()
    assert TransferEvent.all_objects.exclude(achievements=None).count() >= 8
    call_command("demo", "--if-empty")  # a second run changes nothing
    assert Team.all_objects.count() == 4
    assert Listing.all_objects.count() == 300
