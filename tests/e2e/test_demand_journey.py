"""Journey 1: a village asks for help, the county triages, the demand page explains its matches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.orgs.models import Organisation
from baiqianwan.supply.models import Achievement

from ..conftest import A

pytestmark = pytest.mark.e2e


def test_village_posts_county_triages_and_sees_explained_recommendations(
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    login: Callable[..., Page],
    js_errors: list[str],
) -> None:
    village = make_user(Role.VILLAGE, A["village"], username="changjiao", display_name="长教村委会")
    county = make_user(Role.COUNTY, A["county"], username="dabu", display_name="大埔县科工商务局")
    scau = make_org("华南农业大学", "university", "440106000000")
    for title, abstract, industry in (
        ("柑橘黄龙病综合防控技术", "无病苗木、木虱统防统治和病树清除，柚园病株率下降六成。", "FRUIT-POMELO"),
        ("荔枝控梢促花技术", "妃子笑荔枝冬梢控制与促花保果。", "FRUIT-LYCHEE"),
    ):
        Achievement.all_objects.create(
            title=title,
            abstract=abstract,
            industry_id=industry,
            maturity="industrial",
            ip_type="know_how",
            transfer_modes=["service"],
            organisation=scau,
        )

    # The village operator posts from the short form, in traditional script.
    page = login(village.username)
    page.goto("/demands/new/")
    expect(page.locator('[data-picker="division"]')).to_contain_text("梅州市大埔县湖寮镇长教村委会")
    page.fill("#id_title", "蜜柚園黃龍病蔓延，求防控技術和抗病苗木")
    page.fill("#id_description", "村裡三百畝蜜柚，黃龍病病樹越來越多，葉片斑駁黃化。")
    page.fill("#id_contact_phone", "13800138000")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".page-title")).to_contain_text("蜜柚园黄龙病蔓延，求防控技术和抗病苗木")
    expect(page.locator(".page-title")).to_contain_text("已提交")
    demand = Demand.all_objects.get(submitted_by=village)
    assert demand.status == DemandStatus.SUBMITTED

    # The county bureau finds it on the triage desk, classifies and accepts it.
    # Let the page's htmx panels finish first: their responses carry the session cookie too.
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.context.clear_cookies()
    login(county.username)
    page.goto("/demands/triage/")
    card = page.locator(".card", has_text="蜜柚园黄龙病蔓延")
    expect(card.first).to_be_visible()
    card.first.get_by_role("link", name="受理 / 分类").click()
    page.locator('form[action$="/accept/"] select[name="industry"]').select_option("FRUIT-POMELO")
    page.locator('form[action$="/accept/"]').get_by_role("button", name="受理").click()
    expect(page.locator(".page-title")).to_contain_text("已受理")

    # The demand page lists the right achievement first, with its reasons.
    panel = page.locator("#recommendations")
    first = panel.locator(".card", has_text="推荐科技成果").locator(".list-group-item").first
    expect(first).to_contain_text("柑橘黄龙病综合防控技术")
    expect(first.locator(".reasons")).to_contain_text("匹配关键词")
    expect(first.locator(".reasons")).to_contain_text("黄龙病")
    expect(first.locator(".reasons")).to_contain_text("同属沙田柚/蜜柚产业")

    # Proposing a connection moves the demand to 对接中.
    first.get_by_role("button", name="发起对接").click()
    expect(page.locator(".page-title")).to_contain_text("对接中")
    expect(page.locator(".card", has_text="对接情况")).to_contain_text("柑橘黄龙病综合防控技术")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.MATCHING
    assert demand.connections.get().reasons
    assert js_errors == []


def test_demand_typed_in_traditional_script_matches_like_simplified(
    make_user: Callable[..., User],
    login: Callable[..., Page],
    make_org: Callable[..., Organisation],
    **_: Any,
) -> None:
    county = make_user(Role.COUNTY, A["county"], username="dabu2")
    Achievement.all_objects.create(
        title="英红九号红茶加工工艺",
        abstract="萎凋、揉捻、发酵参数标准化。",
        maturity="industrial",
        ip_type="know_how",
        transfer_modes=["service"],
        organisation=make_org("广东省农业科学院", "institute", "440106000000"),
    )
    page = login(county.username)
    page.goto("/matching/?q=紅茶加工&kind=achievement")
    expect(page.locator(".list-group-item").first).to_contain_text("英红九号红茶加工工艺")
    expect(page.locator("mark").first).to_be_visible()


PHONE = {"width": 375, "height": 812}


def test_on_a_phone_the_village_sees_each_demands_status_and_its_own_home(
    make_user: Callable[..., User], login: Callable[..., Page], js_errors: list[str]
) -> None:
    village = make_user(Role.VILLAGE, A["village"], username="changjiao_phone", display_name="长教村委会")
    for title in ("蜜柚园黄龙病蔓延，求防控技术和抗病苗木", "柚子皮浪费，能不能做成产品，想了解深加工"):
        Demand.all_objects.create(
            title=title,
            description="村里三百亩蜜柚，想请专家指导。",
            division_id=A["village"],
            submitter_kind="village",
            submitted_by=village,
            contact_name="张阿姨",
            contact_phone="13800138000",
            status=DemandStatus.SUBMITTED,
        )
    page = login(village.username)
    page.set_viewport_size(PHONE)
    # Home: the village's own demands and tasks, not the province's counts.
    expect(page.locator("#my-demands")).to_contain_text("蜜柚园黄龙病蔓延")
    expect(page.locator("body")).not_to_contain_text("四大区域")
    page.goto("/demands/")
    for cell in page.locator("td.demand-status").all():
        expect(cell).to_contain_text("已提交")
        box = cell.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"], box
    # Nothing on the list needs sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert js_errors == []
