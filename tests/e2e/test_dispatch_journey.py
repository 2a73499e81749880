"""Journey 2: the province runs a dispatch round from town needs to published agreements."""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.models import Assignment, AssignmentStatus, DispatchRound, PlanConstraint
from baiqianwan.core.fakes import make_id_number
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.supply.models import ExpertProfile

from ..conftest import A

pytestmark = pytest.mark.e2e

EXPERTS = [
    ("陈晓燕", "研究员", "蜜柚 黄龙病 防控"),
    ("黄志强", "副教授", "茶叶 加工 茶园"),
    ("李建华", "助理研究员", "蜜柚 嫁接 苗木"),
]


def _field_checkbox(page: Page, form: Any, label: str) -> None:
    form.locator(f'input[name="areas"][value="{label}"]').check()


def test_a_round_from_town_needs_to_published_agreements(
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    login: Callable[..., Page],
    page: Page,
    js_errors: list[str],
) -> None:
    province = make_user(Role.PROVINCE, "440000000000", username="gd", display_name="省科技厅农村科技处")
    town = make_user(Role.TOWN, A["town"], username="huliao", display_name="湖寮镇人民政府")
    scau = make_org("华南农业大学", "university", "440106000000")
    unit = make_user(Role.ORG, organisation=scau, username="scau", display_name="华南农业大学科技处")
    rng = random.Random(3)
    accounts = {}
    for name, title, keywords in EXPERTS:
        person = Person.all_objects.create(
            name=name,
            title=title,
            id_number=make_id_number(
                rng, division_code="440106000000", born=dt.date(1979, 5, 1), female=False
            ),
            mobile="13800138000",
            organisation=scau,
        )
        accounts[name] = make_user(
            Role.COMMISSIONER, A["county"], username=f"c{len(accounts)}", display_name=name
        )
        ExpertProfile.all_objects.create(
            person=person, user=accounts[name], keywords=keywords, home_city_id=A["city"]
        )

    # The province opens the round.
    login(province.username)
    page.goto("/commissioners/rounds/")
    page.fill("#id_name", "2025年第二批")
    page.fill("#id_year", "2025")
    page.get_by_role("button", name="新建").click()
    expect(page.locator(".page-title")).to_contain_text("2025年第二批")
    round_url = page.url
    dispatch_round = DispatchRound.all_objects.get(name="2025年第二批")
    page.context.clear_cookies()

    # The town posts its need: its own town is already chosen in the picker.
    login(town.username)
    page.goto(round_url)
    need_form = page.locator(f'form[action="/commissioners/rounds/{dispatch_round.pk}/need/"]')
    expect(need_form.locator('[data-picker="town"]')).to_contain_text("湖寮镇")
    _field_checkbox(page, need_form, "种植")
    _field_checkbox(page, need_form, "茶叶")
    need_form.locator('input[name="slots"]').fill("3")
    need_form.locator('input[name="note"]').fill("蜜柚黄龙病防控与茶园管理")
    need_form.get_by_role("button", name="提交需求").click()
    expect(page.locator("table").first).to_contain_text("梅州市大埔县湖寮镇")
    page.context.clear_cookies()

    # The university nominates its three experts; the 助理研究员 cannot lead.
    login(unit.username)
    page.goto(round_url)
    nominate = page.locator(f'form[action="/commissioners/rounds/{dispatch_round.pk}/nominate/"]')
    for name, _, keywords in EXPERTS:
        nominate.locator('select[name="expert"]').select_option(
            label=f"{name}（{EXPERTS[[e[0] for e in EXPERTS].index(name)][1]}）"
        )
        _field_checkbox(page, nominate, "茶叶" if "茶" in keywords else "种植")
        nominate.get_by_role("button", name="推荐").click()
        expect(page.locator("table").last).to_contain_text(name)
        nominate = page.locator(f'form[action="/commissioners/rounds/{dispatch_round.pk}/nominate/"]')
    page.context.clear_cookies()

    # The town ranks the shortlist: the tea expert first.
    login(town.username)
    page.goto(round_url)
    page.get_by_role("link", name="梅州市大埔县湖寮镇").first.click()
    expect(page.get_by_text("候选人短名单")).to_be_visible()
    expect(page.locator("tbody tr").first).to_contain_text("专长与需求相符")
    page.get_by_label("黄志强 的志愿顺序").fill("1")
    page.get_by_label("陈晓燕 的志愿顺序").fill("2")
    page.get_by_role("button", name="保存志愿").click()
    expect(page.get_by_text("已保存 2 个志愿")).to_be_visible()
    page.context.clear_cookies()

    # The province solves, pins 陈晓燕 as leader from the shortlist, re-solves and publishes.
    login(province.username)
    page.goto(round_url)
    page.get_by_role("button", name="求解最优派驻方案").click()
    expect(page.get_by_text("已求得最优方案")).to_be_visible()
    plan = page.locator("table").first
    expect(plan).to_contain_text("陈晓燕")
    page.get_by_role("link", name="梅州市大埔县湖寮镇").first.click()
    row = page.locator("tbody tr", has_text="陈晓燕")
    row.get_by_role("button", name="固定为负责人").click()
    expect(page.get_by_text("已设置固定安排")).to_be_visible()
    assert PlanConstraint.all_objects.get().leader
    page.goto(round_url)
    page.get_by_role("button", name="求解最优派驻方案").click()
    expect(page.get_by_text("人工调整（1）")).to_be_visible()
    page.get_by_role("button", name="发布方案").click()
    expect(page.get_by_text("已发布 3 项派驻安排")).to_be_visible()
    leader = Assignment.all_objects.get(leader=True)
    assert leader.nomination.expert.person.name == "陈晓燕"
    assert Assignment.all_objects.filter(status=AssignmentStatus.INVITED).count() == 3

    # Recommendation letters and agreements come out as PDF, one by one or all in a zip.
    row = page.locator("tbody tr", has_text="陈晓燕").first
    letter = page.request.get(row.get_by_role("link", name="推荐函").get_attribute("href") or "")
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")
    agreement = page.request.get(row.get_by_role("link", name="协议").get_attribute("href") or "")
    assert agreement.body().startswith(b"%PDF")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载全部推荐函和协议").click()
    names = zipfile.ZipFile(download.value.path()).namelist()
    assert len(names) == 6
    assert all(name.endswith(".pdf") for name in names)
    page.context.clear_cookies()

    # The leader reads the notification and accepts.
    login(accounts["陈晓燕"].username)
    page.goto(round_url)
    expect(page.get_by_text("我的派驻")).to_be_visible()
    page.get_by_role("button", name="接受派驻").click()
    expect(page.get_by_text("已接受派驻")).to_be_visible()
    leader.refresh_from_db()
    assert leader.status == AssignmentStatus.ACCEPTED
    assert not js_errors
