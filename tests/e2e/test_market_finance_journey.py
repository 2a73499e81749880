"""Journey 6, a deal and a loan: 广东省农业科学院 lists its banana variety for licence; a 徐闻 cooperative
registers the purchase with its 技术合同 number and the place of implementation, the institute
confirms, 徐闻县 confirms and the KPI of transfers in counties moves. The cooperative finds
湛江农商银行's 特色产业科技贷, applies, and the bank lends under the risk-compensation scheme at the
粤东西北 ratio; the loan defaults, the bank claims, the province approves and pays, and the bank sees
exactly what it recovered — and the plan page shows the credit lent in 粤东西北."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.finance import services as finance
from baiqianwan.finance.models import ClaimStatus, Loan
from baiqianwan.market import services as market
from baiqianwan.market.models import Deal, DealStatus
from baiqianwan.orgs.models import Organisation
from baiqianwan.plan.services import plan_load
from baiqianwan.supply.models import Achievement

from ..conftest import B
from .call_steps import accept_next_dialog, kpi_now, switch_user

pytestmark = pytest.mark.e2e

VARIETY = "香蕉抗枯萎病新品种“中蕉9号”"
NUMBER = "2026440801000321"
TRANSFERS = "在县镇村落地转化的科技成果数"
CREDIT = "粤东粤西粤北地区科技信贷风险补偿贷款发放额"


def test_journey_6_a_licence_registered_in_xuwen_and_a_loan_compensated_at_the_ewn_ratio(
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    login: Callable[..., Page],
    page: Page,
    js_errors: list[str],
) -> None:
    plan_load()
    today = dt.date.today()
    asked: list[str] = []
    province = make_user(Role.PROVINCE, "440000000000", username="gd", display_name="省科技厅农村科技处")
    gaas = make_org("广东省农业科学院", "institute", "440106000000")
    gaas_user = make_user(Role.ORG, organisation=gaas, username="gaas", display_name="农科院成果转化处")
    coop = make_org("徐闻县曲界镇香蕉种植专业合作社", "cooperative", B["town"])
    coop_user = make_user(Role.ORG, organisation=coop, username="xuwen_coop", display_name="合作社理事长")
    county = make_user(Role.COUNTY, B["county"], username="xuwen_county", display_name="徐闻县科技局")
    bank = make_org("湛江农村商业银行股份有限公司", "bank", B["city"])
    bank_user = make_user(
        Role.ORG, organisation=bank, username="zjrcb_bank", display_name="湛江农商银行普惠金融部"
    )
    achievement = Achievement.all_objects.create(
        title=VARIETY,
        abstract="抗香蕉枯萎病 4 号小种，产量与巴西蕉相当，适合粤西蕉区。",
        industry_id="FRUIT-BANANA",
        maturity="industrial",
        ip_type="variety",
        transfer_modes=["licence"],
        organisation=gaas,
    )
    listing = market.listing_create(
        acting_user=gaas_user,
        achievement_id=achievement.pk,
        mode="licence",
        price_min="300000",
        price_max="300000",
        authority="植物新品种权归本院所有（品种权号 CNA20201234.5），本院依法处置。",
        publish=True,
    )
    for region, ratio in (("pearl", "0.40"), ("ewn", "0.60")):
        finance.ratio_create(
            acting_user=province, region=region, effective_from=dt.date(today.year - 1, 1, 1), ratio=ratio
        )
    finance.product_create(
        acting_user=bank_user,
        publish=True,
        name="特色产业科技贷",
        eligible_region="ewn",
        borrower_kinds=["cooperative", "enterprise", "family_farm"],
        industries=["FRUIT-BANANA", "FRUIT-PINEAPPLE"],
        amount_min="100000",
        amount_max="3000000",
        term_min_months=6,
        term_max_months=36,
        rate_min="3.45",
        rate_max="4.80",
        collateral="信用；保证",
        under_scheme=True,
    )

    # 1. The cooperative registers the licence it bought, implemented in its town.
    switch_user(page, login, coop_user)
    page.get_by_role("button", name=re.compile("技术市场$")).click()
    page.get_by_role("link", name=re.compile("成果挂牌$")).click()
    page.get_by_role("link", name=listing.title).click()
    page.get_by_role("link", name="登记购买").click()
    page.get_by_label("合同名称").fill("香蕉新品种中蕉9号非独占许可合同")
    page.get_by_label("合同金额（元）").fill("300000")
    page.locator('select[data-level="city"]').select_option(label="湛江市")
    page.locator('select[data-level="county"]').select_option(label="徐闻县")
    page.locator('select[data-level="town"]').select_option(label="曲界镇")
    page.get_by_label("技术合同登记编号").fill(NUMBER)
    page.get_by_label("登记日期").fill(today.isoformat())
    page.locator("#id_p-0-due_on").fill(today.isoformat())
    page.locator("#id_p-0-amount").fill("300000")
    page.get_by_role("button", name="登记并请对方确认").click()
    expect(page.get_by_text("交易已登记，等待对方确认")).to_be_visible()
    deal = Deal.all_objects.get(contract_number=NUMBER)
    assert deal.place.full_name.endswith("徐闻县曲界镇")

    # 2. The institute confirms; 徐闻县 checks the number and registers it; the KPI moves.
    switch_user(page, login, gaas_user)
    page.goto(f"/market/deals/{deal.pk}/")
    accept_next_dialog(page, asked)
    page.get_by_role("button", name="确认交易").click()
    expect(page.get_by_text("待科技部门确认").first).to_be_visible()
    switch_user(page, login, county)
    page.goto("/plan/")
    expect(kpi_now(page, TRANSFERS)).to_have_text(re.compile(r"^\s*0"))
    page.goto(f"/market/deals/{deal.pk}/")
    accept_next_dialog(page, asked)
    page.get_by_role("button", name="确认登记").click()
    expect(page.get_by_text("已登记").first).to_be_visible()
    assert Deal.all_objects.get(pk=deal.pk).status == DealStatus.REGISTERED
    page.goto("/plan/")
    expect(kpi_now(page, TRANSFERS)).to_have_text(re.compile(r"^\s*1"))

    # 3. The cooperative finds the bank's product for its bananas and applies.
    switch_user(page, login, coop_user)
    page.get_by_role("button", name=re.compile("科技金融$")).click()
    page.get_by_role("link", name=re.compile("找贷款$")).click()
    page.get_by_label("所属产业").select_option(label="岭南水果 / 香蕉")
    page.get_by_label("所需金额（元）").fill("800000")
    page.get_by_label("期限（月）").fill("24")
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_text("适用产业：香蕉")).to_be_visible()
    page.get_by_role("link", name="特色产业科技贷").first.click()
    page.get_by_label("申请金额（元）").fill("800000")
    page.get_by_label("申请期限（月）").fill("24")
    page.get_by_label("资金用途").fill("购置中蕉9号组培苗 3 万株和水肥一体化设备")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("申请已提交")).to_be_visible()

    # 4. The bank approves and records the loan: the 粤东西北 ratio is kept.
    switch_user(page, login, bank_user)
    page.get_by_role("button", name=re.compile("科技金融$")).click()
    page.get_by_role("link", name=re.compile("贷款申请$")).click()
    page.get_by_role("link", name=re.compile(r"^SQ\d+")).first.click()
    page.get_by_label("借款合同编号").fill("ZJRCB-2026-0815")
    page.get_by_label("贷款金额（元）").fill("800000")
    page.get_by_label("年利率（%）").fill("3.85")
    page.get_by_label("期限（月）").fill("24")
    page.get_by_label("放款日期").fill(today.isoformat())
    page.get_by_role("button", name="登记放款").click()
    expect(page.get_by_text("已放款登记")).to_be_visible()
    expect(page.get_by_text(re.compile("粤东西北补偿比例 60%"))).to_be_visible()
    loan = Loan.all_objects.get()

    # 5. The loan defaults; the bank claims what the scheme pays.
    default = page.locator("form", has=page.get_by_role("heading", name="登记违约"))
    default.get_by_label("违约日期").fill(today.isoformat())
    default.get_by_label("违约时贷款余额（元）").fill("600000")
    default.get_by_role("button", name="登记违约").click()
    claim = page.locator("form", has=page.get_by_role("heading", name="申请风险补偿"))
    claim.get_by_label("已追回金额（元）").fill("100000")
    claim.get_by_role("button", name="提交补偿申请").click()
    expect(page.get_by_text("30.00 万元")).to_be_visible()  # (600,000 − 100,000) × 60%

    # 6. The province approves and pays; the bank sees exactly what it recovered.
    switch_user(page, login, province)
    page.get_by_role("button", name=re.compile("科技金融$")).click()
    page.get_by_role("link", name=re.compile("风险补偿$")).click()
    page.get_by_role("link", name="ZJRCB-2026-0815").click()
    accept_next_dialog(page, asked)
    page.get_by_role("button", name="核定补偿").click()
    page.get_by_label("拨付日期").fill(today.isoformat())
    page.get_by_role("button", name="登记拨付").click()
    expect(page.get_by_text("已拨付").first).to_be_visible()
    page.goto("/plan/")
    expect(kpi_now(page, CREDIT)).to_have_text(re.compile(r"^\s*0\.008"))
    switch_user(page, login, bank_user)
    page.goto(f"/finance/loans/{loan.pk}/")
    expect(page.get_by_text("已拨付").first).to_be_visible()
    expect(page.get_by_text("30.00 万元")).to_be_visible()
    expect(page.get_by_text("20.00 万元")).to_be_visible()  # the bank bears the rest of the loss
    assert Loan.all_objects.get().claim.status == ClaimStatus.PAID
    assert asked == [
        "确认交易内容无误吗？",
        "已核对技术合同登记编号，确认登记该交易吗？",
        "按上述金额核定补偿吗？",
    ]
    assert not js_errors
