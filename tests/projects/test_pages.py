"""The project pages as the browser uses them: the contract form reads back its dates, leaves its
blank rows out and shows a refusal in the part it is about, by the row number on the form; a city
records what it paid on the funds page; acceptance is offered once every milestone is reported;
each button says what it did."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.projects import services
from baiqianwan.projects.models import MatchingFund, Project, ProjectStatus

pytestmark = pytest.mark.django_db


def contract_post(project: Project, **rows: list[dict[str, str]]) -> dict[str, Any]:
    """The contract form as the browser sends it: every row shown, the blank ones blank. The page
    starts from one milestone and one budget line (initial rows) and three blank rows each."""
    data: dict[str, Any] = {"version": project.version}
    for prefix, initial in (("i", 0), ("m", 1), ("b", 1)):
        lines = rows.get(prefix, [])
        data |= {f"{prefix}-TOTAL_FORMS": len(lines), f"{prefix}-INITIAL_FORMS": initial}
        for n, line in enumerate(lines):
            data |= {f"{prefix}-{n}-{name}": value for name, value in line.items()}
    return data


BLANK_INDICATOR = {"name": "", "unit": "", "planned": ""}
BLANK_MILESTONE = {"title": "", "due": "", "deliverable": ""}
BLANK_BUDGET = {"year": "", "source": "", "amount": ""}


def test_the_contract_form_gives_the_browser_dates_it_can_show(
    project: Project, parties: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    """A date input shows nothing for a value that is not YYYY-MM-DD (it was 2026/12/07 in zh-hans),
    so the mid-term check the form starts from came up without its date."""
    page = client_for(parties["lead"]).get(f"/projects/{project.pk}/contract/").content.decode()
    field = re.search(r'<input type="date" name="m-0-due"[^>]*>', page)
    assert field is not None
    assert re.search(r'value="\d{4}-\d{2}-\d{2}"', field.group())
    # A blank budget row offers no source: a select always sends one, and a row with a source was
    # taken as filled in and refused for its empty year and amount.
    assert re.search(r'<select name="b-1-source"[^>]*>\s*<option value="" selected>', page)


def test_blank_rows_of_the_contract_form_are_left_out(
    project: Project, parties: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    start = project.starts_on
    due = (start + dt.timedelta(days=90)).isoformat()
    response = client_for(parties["lead"]).post(
        f"/projects/{project.pk}/contract/",
        contract_post(
            project,
            i=[{"name": "新技术", "unit": "项", "planned": "2"}, BLANK_INDICATOR, BLANK_INDICATOR],
            m=[{"title": "检测方法建立", "due": due, "deliverable": ""}, BLANK_MILESTONE, BLANK_MILESTONE],
            b=[{"year": str(start.year), "source": "province", "amount": "200"}, BLANK_BUDGET, BLANK_BUDGET],
        ),
    )
    assert response.status_code == 302, response.context["cards"]
    assert [line.source for line in project.budget.all()] == ["province"]
    assert project.indicators.count() == 1


def test_a_refused_contract_is_shown_in_its_card_by_the_row_on_the_form(
    project: Project, parties: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    start = project.starts_on
    response = client_for(parties["lead"]).post(
        f"/projects/{project.pk}/contract/",
        contract_post(
            project,
            # Row 2 left blank: the refusal names row 3, as the form shows it.
            i=[
                {"name": "新技术", "unit": "项", "planned": "2"},
                BLANK_INDICATOR,
                {"name": "示范面积", "unit": "亩", "planned": "0"},
            ],
            m=[{"title": "检测方法建立", "due": (start + dt.timedelta(days=90)).isoformat()}],
            b=[
                {"year": str(start.year), "source": "province", "amount": "120"},
                {"year": str(start.year + 1), "source": "province", "amount": "60"},
            ],
        ),
    )
    assert response.status_code == 200
    cards = {title: errors for title, _formset, errors in response.context["cards"]}
    assert cards["考核指标"] == ["第 3 项考核指标“示范面积”：计划值须大于 0"]
    assert response.context["errors"] == []
    assert not project.indicators.exists()
    # The budget, checked once the indicators pass, is refused in its own card.
    fixed = contract_post(
        project,
        i=[{"name": "新技术", "unit": "项", "planned": "2"}],
        m=[{"title": "检测方法建立", "due": (start + dt.timedelta(days=90)).isoformat()}],
        b=[
            {"year": str(start.year), "source": "province", "amount": "120"},
            {"year": str(start.year + 1), "source": "province", "amount": "60"},
        ],
    )
    response = client_for(parties["lead"]).post(f"/projects/{project.pk}/contract/", fixed)
    cards = {title: errors for title, _formset, errors in response.context["cards"]}
    assert cards["分年度预算"] == ["省财政资金分年度合计 180.00 万元，与立项金额 200.00 万元不一致"]
    assert cards["考核指标"] == cards["进度节点"] == []


def test_a_city_records_a_payment_on_the_funds_page(
    active_project: Project, parties: dict[str, Any], province: User, client_for: Callable[[User], Client]
) -> None:
    meizhou = client_for(parties["meizhou"])
    fund = services.fund_commit(
        acting_user=parties["meizhou"],
        project_id=active_project.pk,
        year=active_project.starts_on.year,
        committed="100",
    )
    page = meizhou.get("/projects/funds/").content.decode()
    assert "登记到位" in page
    response = meizhou.post(
        f"/projects/{active_project.pk}/steps/fund_pay/", {"fund": fund.pk, "paid": "60", "back": "funds"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/projects/funds/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["配套资金到位金额已登记"]
    assert MatchingFund.all_objects.get(pk=fund.pk).paid == 60
    # The province reads the ledger; it records nothing there.
    ledger = client_for(province).get("/projects/funds/").content.decode()
    assert active_project.reference in ledger
    assert "登记到位" not in ledger


def test_a_payment_posted_on_another_projects_page_is_refused(
    active_project: Project, parties: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    fund = services.fund_commit(
        acting_user=parties["meizhou"],
        project_id=active_project.pk,
        year=active_project.starts_on.year,
        committed="100",
    )
    with pytest.raises(PermissionDenied):
        services.fund_pay(
            acting_user=parties["meizhou"], fund_id=fund.pk, paid="10", project_id=active_project.pk + 1
        )
    response = client_for(parties["meizhou"]).post(
        f"/projects/{active_project.pk + 1}/steps/fund_pay/", {"fund": fund.pk, "paid": "10"}
    )
    assert response.status_code == 404
    assert MatchingFund.all_objects.get(pk=fund.pk).paid == 0


def test_the_daily_tick_runs_as_of_a_date_and_refuses_a_bad_one(active_project: Project) -> None:
    first = active_project.milestones.order_by("due").first()
    assert first is not None
    out = io.StringIO()
    call_command("projects_tick", "--today", (first.due + dt.timedelta(days=31)).isoformat(), stdout=out)
    assert out.getvalue().strip() == "提醒 1 个进度节点，提请督办 1 个"
    with pytest.raises(CommandError, match="格式不对"):
        call_command("projects_tick", "--today", "2026-13-40")


def test_acceptance_is_offered_once_every_milestone_is_reported(
    active_project: Project, parties: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    lead = client_for(parties["lead"])
    page = lead.get(f"/projects/{active_project.pk}/").content.decode()
    assert "还有 2 个进度节点未报告：全部报告后才能申请验收。" in page
    assert "/steps/acceptance/" not in page
    for milestone in active_project.milestones.all():
        response = lead.post(
            f"/projects/{active_project.pk}/steps/milestone/",
            {"milestone": milestone.pk, "report": "按计划完成，材料齐全，已验证。"},
            follow=True,
        )
        assert [str(m) for m in response.context["messages"]] == ["进度节点已报告"]
    page = lead.get(f"/projects/{active_project.pk}/").content.decode()
    assert "/steps/acceptance/" in page
    assert "示范面积（亩，计划 3000）" in page  # the planned value as people write it, not 3000.00
    assert Project.all_objects.get(pk=active_project.pk).status == ProjectStatus.ACTIVE
