"""创新型专业镇认定 on the calls engine: the town's own account applies for its town (its government
as the applicant), starting from what the town already reported; the county recommends, the
province checks and decides, and the decision writes the register that the KPI counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import selectors as call_selectors
from baiqianwan.calls import services as calls
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus
from baiqianwan.indicators.acceptance.services import acceptance_dataset_ensure
from baiqianwan.indicators.collection.models import Submission
from baiqianwan.indicators.definitions.services import system_load_shipped
from baiqianwan.orgs.models import Organisation
from baiqianwan.plan.selectors import LIVE_KPIS
from baiqianwan.towns.models import InnovativeTown, TownStatus

from ..calls.fixtures import PDF, definition
from ..conftest import A

pytestmark = pytest.mark.django_db

ANSWERS = {
    "leading_industry": "蜜柚种植与加工",
    "industry_codes": "A0152, C1371",
    "products": "蜜柚 柚果加工 柚子茶",
    "above_scale_enterprises": 40,
    "hnte": 6,
    "rd_spend": "3200",
    "industrial_output": "180000",
    "provincial_platforms": 2,
    "public_service_platforms": 1,
    "leading_industry_output": "90000",
    "achievements_transferred": 5,
    "rd_staff": 120,
    "plan": "围绕蜜柚全产业链建设省级柚果加工技术服务平台，三年内高新技术企业增至 10 家。",
}


@pytest.fixture
def town_call(world: dict[str, Any]) -> Call:
    province = world["users"][Role.PROVINCE]
    calls.call_type_load(acting_user=province, data=definition("innovative_town"))
    now = timezone.now()
    call = calls.call_create(
        acting_user=province,
        call_type_code="innovative_town",
        title="2026年度广东省创新型专业镇认定",
        year=2026,
        guide="由镇（街道）申报，县、市科技部门推荐，按五个方面填报建设基础和目标。",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )
    return calls.call_publish(acting_user=province, call_id=call.pk)


@pytest.fixture
def reported(world: dict[str, Any]) -> Submission:
    """湖寮镇's approved 2025 annual return of the acceptance data set."""
    system_load_shipped()
    dataset = acceptance_dataset_ensure()
    return Submission.all_objects.create(
        dataset=dataset,
        period="2025",
        unit_id=A["town"],
        status="approved",
        approved_at=timezone.now(),
        # As the collection stores numbers: 6.0, not 6.
        values={"hnte": 6.0, "provincial_platforms": 2.0, "rd_staff": 118.0, "industrial_output": 175000.0},
    )


def test_the_town_applies_from_what_it_reported_and_the_decision_writes_the_register(
    town_call: Call,
    reported: Submission,
    world: dict[str, Any],
    make_org: Callable[..., Organisation],
    client_for: Callable[[User], Client],
) -> None:
    town_user, county, province = (world["users"][r] for r in (Role.TOWN, Role.COUNTY, Role.PROVINCE))
    values, period = call_selectors.prefill_values(
        call_type=call_selectors.call_type_of(town_call), division_id=A["town"]
    )
    assert period == "2025"
    assert values == {"hnte": 6, "provincial_platforms": 2, "rd_staff": 118, "industrial_output": 175000}
    assert isinstance(values["hnte"], int)
    assert str(values["industrial_output"]) == "175000.0"
    page = client_for(town_user).get(f"/calls/{town_call.pk}/apply/")
    assert page.status_code == 200
    assert "2025 审定的统计监测数据预填" in page.content.decode()
    assert 'value="118"' in page.content.decode()

    with pytest.raises(ValidationError, match="本镇人民政府尚未登记"):
        calls.application_create(
            acting_user=town_user, call_id=town_call.pk, title="湖寮镇创新型专业镇", values=ANSWERS
        )
    government = make_org("大埔县湖寮镇人民政府", "government", A["town"])
    with pytest.raises(PermissionDenied, match="由镇（街道）账号申报"):
        calls.application_create(
            acting_user=world["users"][Role.ORG],
            call_id=town_call.pk,
            title="湖寮镇创新型专业镇",
            values=ANSWERS,
        )
    application = calls.application_create(
        acting_user=town_user, call_id=town_call.pk, title="湖寮镇创新型专业镇", values=ANSWERS
    )
    assert application.applicant == government
    assert application.division_id == A["town"]
    calls.application_attach(
        acting_user=town_user, application_id=application.pk, spec="plan_document", name="方案.pdf", data=PDF
    )
    calls.application_submit(acting_user=town_user, application_id=application.pk)
    # A town applies once to a call: a second application stays a draft, refused with the first's number.
    again = calls.application_create(
        acting_user=town_user, call_id=town_call.pk, title="湖寮镇创新型专业镇（再报）", values=ANSWERS
    )
    calls.application_attach(
        acting_user=town_user, application_id=again.pk, spec="plan_document", name="方案.pdf", data=PDF
    )
    with pytest.raises(ValidationError, match=f"本镇已向该指南提交 1 项申报（{application.reference}）"):
        calls.application_submit(acting_user=town_user, application_id=again.pk)
    assert Application.all_objects.get(pk=again.pk).status == ApplicationStatus.DRAFT
    verdict = call_selectors.eligibility_of(application)
    assert verdict.eligible, verdict.failures
    assert any("粤东西北门槛 5" in check.text for check in verdict.checks)  # 6 hnte, below the 珠三角 10
    calls.application_step(acting_user=county, application_id=application.pk, action="recommend")
    calls.application_step(acting_user=province, application_id=application.pk, action="accept")
    Application.all_objects.filter(pk=application.pk).update(status=ApplicationStatus.PROVISIONAL)
    Call.objects.filter(pk=town_call.pk).update(status=CallStatus.PROVISIONAL)
    call = calls.publicity_start(acting_user=province, call_id=town_call.pk)
    before = LIVE_KPIS["KPI-INNOVATIVE-TOWNS"]()
    calls.call_decide(
        acting_user=province,
        call_id=call.pk,
        decision_number="粤科函农字〔2026〕9号",
        today=call.publicity_ends,
    )

    town = InnovativeTown.all_objects.get(division_id=A["town"])
    assert town.status == TownStatus.CERTIFIED
    assert town.application_id == application.pk
    assert (town.leading_industry, town.industry_codes, town.platforms, town.enterprises) == (
        "蜜柚种植与加工",
        ["A0152", "C1371"],
        3,
        6,
    )
    assert town.valid_until == calls.years_later(timezone.localdate(), 3)
    assert LIVE_KPIS["KPI-INNOVATIVE-TOWNS"]() == before + 1


def test_a_draft_started_without_the_figures_gets_them_on_its_edit_page(
    town_call: Call,
    reported: Submission,
    world: dict[str, Any],
    make_org: Callable[..., Organisation],
    client_for: Callable[[User], Client],
) -> None:
    town_user = world["users"][Role.TOWN]
    make_org("大埔县湖寮镇人民政府", "government", A["town"])
    figures = {"hnte", "provincial_platforms", "rd_staff", "industrial_output"}
    draft = calls.application_create(
        acting_user=town_user,
        call_id=town_call.pk,
        title="湖寮镇创新型专业镇",
        values={**{k: v for k, v in ANSWERS.items() if k not in figures}, "hnte": 7},
    )
    page = client_for(town_user).get(f"/calls/applications/{draft.pk}/edit/").content.decode()
    assert "2025 审定的统计监测数据预填" in page
    assert 'value="118"' in page  # filled in from the report, as a whole number
    assert 'value="7"' in page  # what the town typed stays: 7, not the reported 6
    assert 'value="6"' not in page
