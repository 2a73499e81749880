"""Journey 7, the public: a farmer on a phone sends a demand without an account and follows it by
its reference; 大埔县's desk accepts it and the farmer sees so. A citizen objects to a list in its
公示 period and reads the province's answer by the reference and contact."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services as calls
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus, Objection
from baiqianwan.demands import services as demands
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation
from baiqianwan.portal import captcha

from ..calls.test_lifecycle import joint_application

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
ANSWER = "K7M2"


def picture_read(page: Page) -> None:
    """What the visitor reads in the check picture: the answer is set in their session as the
    picture's request set it, since the test cannot read the picture."""
    page.wait_for_load_state("networkidle")
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session[captcha.SESSION_KEY] = {"digest": captcha._digest(ANSWER), "at": time.time()}
    session.save()
    page.get_by_label("验证码").fill(ANSWER.lower())


def test_journey_7_a_farmer_asks_from_a_phone_and_a_citizen_objects(
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    page: Page,
    js_errors: list[str],
    open_call: Callable[..., Call],
    world: dict[str, Any],
) -> None:
    page.set_viewport_size(PHONE)
    # 1. The farmer, on a phone, from the home page.
    page.goto("/public/")
    page.get_by_role("link", name="我要提科技需求").click()
    page.get_by_label("需要什么技术帮助").fill("沙糖桔黄龙病怎么防")
    page.get_by_label("详细情况").fill(
        "家里种了 30 亩沙糖桔，今年有十几棵叶子斑驳发黄，果子小，怀疑是黄龙病。"
    )
    page.locator('select[data-level="city"]').select_option(label="梅州市")
    page.locator('select[data-level="county"]').select_option(label="大埔县")
    page.locator('select[data-level="town"]').select_option(label="湖寮镇")
    page.get_by_label("联系人").fill("陈伯")
    page.get_by_label("手机号码").fill("139 2600 0001")
    picture_read(page)
    page.get_by_role("button", name="提交需求").click()
    expect(page.get_by_text("需求已提交")).to_be_visible()
    reference = page.locator("#reference").inner_text().strip()
    demand = Demand.all_objects.get(public_reference=reference)
    assert demand.division.name == "湖寮镇"

    # 2. 大埔县's desk accepts it.
    county = world["users"][Role.COUNTY]
    demands.demand_transition(
        demand_id=demand.pk,
        action="accept",
        acting_user=county,
        industry=Industry.objects.get(code="FRUIT-CITRUS"),
    )

    # 3. The farmer follows it by the reference and the mobile number.
    page.get_by_role("link", name="查询办理进度").click()
    page.get_by_label("查询编号").fill(reference)
    page.get_by_label("手机号码").fill("13926000001")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("已受理")).to_be_visible()
    expect(page.get_by_text("沙糖桔黄龙病怎么防")).to_be_visible()

    # 4. A citizen objects to a list in its 公示 period and reads the answer.
    province = world["users"][Role.PROVINCE]
    company = make_org("梅州柚香食品有限公司", "enterprise")
    applicant = make_user(Role.ORG, organisation=company)
    call = open_call()
    application = joint_application(applicant, call, make_org("嘉应学院", "university", "441402000000"))
    calls.application_submit(acting_user=applicant, application_id=application.pk)
    calls.application_step(
        acting_user=world["users"][Role.CITY], application_id=application.pk, action="recommend"
    )
    calls.application_step(acting_user=province, application_id=application.pk, action="accept")
    Application.all_objects.filter(pk=application.pk).update(status=ApplicationStatus.PROVISIONAL, score=88)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.PROVISIONAL)
    calls.publicity_start(acting_user=province, call_id=call.pk)
    page.goto("/public/")
    page.get_by_role("link", name="公示", exact=True).first.click()
    page.get_by_role("link", name=call.title).click()
    expect(page.get_by_role("cell", name=application.title)).to_be_visible()
    page.get_by_label("异议人（姓名或单位）").fill("王某")
    page.get_by_label("联系方式").fill("13800138000")
    page.get_by_label("异议内容").fill("该单位研发设备清单中含生产设备，原值虚高，请核查。")
    picture_read(page)
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_text("异议已受理")).to_be_visible()
    objection = Objection.objects.get()
    assert page.locator("#reference").inner_text().strip() == objection.reference
    calls.objection_answer(
        acting_user=province,
        objection_id=objection.pk,
        upheld=False,
        answer="经核查，设备清单与审计报告一致，异议不成立。",
    )
    page.get_by_role("link", name="查询异议答复").click()
    page.get_by_label("受理编号").fill(objection.reference)
    page.get_by_label("联系方式").fill("13800138000")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("经核查，设备清单与审计报告一致，异议不成立。")).to_be_visible()
    assert Demand.all_objects.get().status == DemandStatus.ACCEPTED
    assert not js_errors
