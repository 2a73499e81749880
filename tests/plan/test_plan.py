"""The plan as records: counts from the policy, live KPIs, progress reports with scope."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.plan import selectors, services
from baiqianwan.plan.models import Measure

from ..conftest import A, B


@pytest.fixture
def plan(divisions: None) -> dict[str, int]:
    return services.plan_load()


def test_stats_match_the_policy(plan: dict[str, int]) -> None:
    out = StringIO()
    call_command("plan", "stats", "--json", stdout=out)
    counts = json.loads(out.getvalue())
    assert counts["tasks"] == 8
    assert counts["safeguards"] == 4
    assert counts["goal_years"] == 3
    assert counts["task_measures"] == 22  # 一是/二是/三是 across 三(一)–(八)
    assert services.plan_load() == counts  # idempotent


def test_resolved_demands_kpi_is_live(plan: dict[str, int], make_user: Callable[..., User]) -> None:
    village = make_user(Role.VILLAGE, A["village"])
    for status in (DemandStatus.SOLVED, DemandStatus.SOLVED, DemandStatus.ACCEPTED):
        Demand.all_objects.create(
            title="需求",
            description="描述内容足够长。",
            division_id=A["village"],
            submitter_kind="village",
            submitted_by=village,
            contact_name="张",
            contact_phone="13800138000",
            status=status,
        )
    rows = {r.goal.kpi_id: r for _, year in selectors.goals_by_year() for r in year if r.goal.kpi_id}
    assert rows["KPI-DEMANDS-RESOLVED"].actual == 2
    assert rows["KPI-DEMANDS-RESOLVED"].live
    commissioners = next(r for _, year in selectors.goals_by_year() for r in year if r.goal.target == 1000)
    assert commissioners.goal.kpi_id == "KPI-COMMISSIONERS-SERVING"


def test_progress_reports_are_validated_and_scoped(
    plan: dict[str, int], make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    meizhou = make_user(Role.CITY, A["city"])
    zhanjiang = make_user(Role.CITY, B["city"])
    measure = Measure.objects.get(code="T6-M1")
    with pytest.raises(ValidationError) as caught:
        services.progress_report_submit(
            acting_user=meizhou, measure=measure, period="明年", status="on_track", summary="短"
        )
    assert set(caught.value.message_dict) == {"period", "summary"}
    services.progress_report_submit(
        acting_user=meizhou,
        measure=measure,
        period="2025h1",
        status="on_track",
        summary="已选派 86 名科技特派员进驻 43 个镇。",
    )
    with pytest.raises(PermissionDenied):
        services.progress_report_submit(
            acting_user=make_user(Role.COUNTY, A["county"]),
            measure=measure,
            period="2025H1",
            status="done",
            summary="县级不填报省级方案进展。",
        )
    page = client_for(meizhou).get("/plan/").content.decode()
    assert "已选派 86 名科技特派员" in page
    assert "(六)" in page
    assert "科技特派员组团式帮扶" in page
    other = client_for(zhanjiang).get("/plan/").content.decode()
    assert "已选派 86 名科技特派员" not in other
    assert (
        client_for(meizhou)
        .post(
            "/plan/measures/T6-M1/report/",
            {"period": "2025Q3", "status": "at_risk", "summary": "部分镇需求尚未对接到位，正在协调。"},
        )
        .status_code
        == 302
    )


def test_reporting_calendar() -> None:
    import datetime as dt

    assert selectors.closed_period(dt.date(2025, 7, 14)) == ("2024H2", dt.date(2025, 1, 15))
    assert selectors.closed_period(dt.date(2025, 7, 15)) == ("2025H1", dt.date(2025, 7, 15))
    assert selectors.closed_period(dt.date(2026, 1, 3)) == ("2025H1", dt.date(2025, 7, 15))


def test_overdue_reminders_and_escalation(
    plan: dict[str, int], make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    import datetime as dt

    from baiqianwan.core.models import Notification

    province = make_user(Role.PROVINCE, "440000000000")
    meizhou = make_user(Role.CITY, A["city"])
    city_measures = sum(1 for m in Measure.objects.all() if "各地市科技部门" in m.responsible)
    today = dt.date(2025, 8, 1)
    owed = selectors.overdue_reports(user=meizhou, today=today)
    assert len(owed) == city_measures
    assert {r.reporter for r in owed} == {"梅州市科技局"}
    services.progress_report_submit(
        acting_user=meizhou,
        measure=owed[0].measure,
        period="2025H1",
        status="on_track",
        summary="已按计划推进，详见附件清单。",
    )
    assert len(selectors.overdue_reports(user=meizhou, today=today)) == city_measures - 1

    first = services.progress_reminders_send(today=today)
    assert first["reminded"] >= 1
    assert first["escalated"] == 0  # 17 days late: remind only
    assert services.progress_reminders_send(today=today)["reminded"] == 0  # once per period
    reminder = Notification.objects.get(user=meizhou)
    assert "2025H1" in reminder.title
    assert "梅州市科技局尚未报送" in reminder.body

    late = services.progress_reminders_send(today=dt.date(2025, 9, 1))
    assert late["late_units"] == 21  # every city bureau owes something
    assert late["escalated"] == 1  # one message to the province, naming them all
    escalation = Notification.objects.get(user=province, title__startswith="督办：")
    assert "21 个地市科技局" in escalation.title
    assert "梅州市科技局" in escalation.body

    client = client_for(meizhou)
    assert 'badge-notification badge-pill">1</span>' in client.get("/plan/").content.decode()  # the bell
    page = client.get("/notifications/").content.decode()
    assert "请报送 2025H1 实施方案进展" in page
    assert Notification.objects.filter(user=meizhou, read_at__isnull=True).count() == 0
    overdue_page = client.get("/plan/overdue/").content.decode()
    assert "梅州市科技局" in overdue_page
    assert client_for(make_user(Role.COUNTY, A["county"])).get("/plan/overdue/").status_code == 403
