"""Journey 1: a village asks for help, the county triages, the demand page explains its matches."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.orgs.models import Organisation
from baiqianwan.supply.models import Achievement

from ..commissioners.teams.test_demand_teams import _team as town_team
from ..conftest import A

pytestmark = pytest.mark.e2e


PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def photo(width: int = 640, height: int = 480) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (196, 170, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_journey_1_a_village_asks_for_help_and_rates_the_answer(
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    login: Callable[..., Page],
    page: Page,
    js_errors: list[str],
) -> None:
    village = make_user(Role.VILLAGE, A["village"], username="changjiao", display_name="长教村委会")
    county = make_user(Role.COUNTY, A["county"], username="dabu", display_name="大埔县科工商务局")
    province = make_user(Role.PROVINCE, "440000000000", username="gd")
    scau = make_org("华南农业大学", "university", "440106000000")
    scau_office = make_user(Role.ORG, organisation=scau, username="scau", display_name="华农科技处")
    for title, abstract, industry in (
        ("柑橘黄龙病综合防控技术", "无病苗木、木虱统防统治和病树清除，柚园病株率下降六成。", "FRUIT-POMELO"),
        ("荔枝控梢促花技术", "妃子笑荔枝冬梢控制与促花保果。", "FRUIT-LYCHEE"),
        ("菠萝机械化种植与催花技术", "徐闻菠萝园种植、采收机械。", "FRUIT-PINEAPPLE"),
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
    team = town_team(
        province, A["town"], ["种植"], "蜜柚 黄龙病", ends_on=dt.date.today() + dt.timedelta(days=365)
    )

    def as_user(user: User, viewport: dict[str, int] = DESKTOP) -> Page:
        # Let the page's htmx panels finish first: their responses carry the session cookie too.
        page.wait_for_load_state("networkidle")
        page.goto("about:blank")
        page.context.clear_cookies()
        page.set_viewport_size(viewport)
        return login(user.username)

    # 1. On a phone, the village posts its demand in traditional script, with a photo.
    as_user(village, PHONE)
    page.goto("/demands/new/")
    expect(page.locator('[data-picker="division"]')).to_contain_text("梅州市大埔县湖寮镇长教村委会")
    page.fill("#id_title", "蜜柚園黃龍病蔓延，求防控技術和抗病苗木")
    page.fill("#id_description", "湖寮鎮長教村三百畝蜜柚，黃龍病病樹越來越多，葉片斑駁黃化。")
    page.fill("#id_contact_phone", "13800138000")
    page.set_input_files(
        "#id_photos", files=[{"name": "病叶.png", "mimeType": "image/png", "buffer": photo()}]
    )
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".page-title")).to_contain_text("蜜柚园黄龙病蔓延，求防控技术和抗病苗木")
    expect(page.locator(".page-title")).to_contain_text("已提交")
    expect(page.locator(".attachment-thumb img")).to_be_visible()
    demand = Demand.all_objects.get(submitted_by=village)
    assert demand.status == DemandStatus.SUBMITTED

    # 2. The county is told, finds it on the triage desk with its thumbnail, and opens the photo.
    as_user(county)
    expect(page.locator(".badge-notification")).to_have_text("1")
    page.goto("/demands/triage/")
    card = page.locator(".card", has_text="蜜柚园黄龙病蔓延").first
    expect(card.locator("img[alt='病叶.png']")).to_be_visible()
    card.get_by_role("link", name="受理 / 分类").click()
    thumb = page.locator(".attachment-thumb").first
    expect(thumb.locator("img")).to_be_visible()
    with page.expect_popup() as opened:
        thumb.click()
    full = opened.value
    full.wait_for_load_state()
    assert full.evaluate("() => [document.images[0].naturalWidth, document.images[0].naturalHeight]") == [
        640,
        480,
    ]
    full.close()

    # 3. The county classifies and accepts; the page explains achievements and the town's team.
    page.locator('form[action$="/accept/"] select[name="industry"]').select_option("FRUIT-POMELO")
    page.locator('form[action$="/accept/"]').get_by_role("button", name="受理").click()
    expect(page.locator(".page-title")).to_contain_text("已受理")
    panel = page.locator("#recommendations")
    achievements = panel.locator(".card", has_text="推荐科技成果")
    first = achievements.locator(".list-group-item").first
    expect(first).to_contain_text("柑橘黄龙病综合防控技术")
    # The words the village used that the achievement shares, whatever else matched beside them.
    expect(first.locator(".reasons")).to_contain_text(re.compile(r"匹配关键词：[^\n]*黄龙病"))
    expect(first.locator(".reasons")).to_contain_text("同属沙田柚/蜜柚产业")
    expect(achievements).not_to_contain_text("菠萝机械化种植")  # shares only 种植、技术
    keywords = [
        line.removeprefix("匹配关键词：").split("、")
        for reasons in panel.locator(".reasons").all_inner_texts()
        for line in reasons.splitlines()
        if line.startswith("匹配关键词：")
    ]
    assert keywords
    for words in keywords:  # no place name, generic word or lone character counts as a match
        assert not {"湖", "寮", "镇", "湖寮镇", "长教村", "技术", "种植", "防控"} & set(words), words
        assert all(len(word) >= 2 for word in words), words
    teams = page.locator("#teams")
    expect(teams).to_contain_text(team.name)
    expect(teams.locator(".reasons")).to_contain_text("驻湖寮镇，服务本镇")
    first.get_by_role("button", name="发起对接").click()
    expect(page.locator(".page-title")).to_contain_text("对接中")
    expect(page.locator(".card", has_text="对接情况")).to_contain_text("柑橘黄龙病综合防控技术")

    # 4. The village (on its phone) has been told both.
    as_user(village, PHONE)
    expect(page.locator(".badge-notification")).to_have_text("2")
    expect(page.locator("#my-demands")).to_contain_text("对接中")
    page.goto("/notifications/")
    expect(page.locator(".list-group")).to_contain_text("您的需求已受理：蜜柚园黄龙病蔓延")
    expect(page.locator(".list-group")).to_contain_text("已为您的需求联系“柑橘黄龙病综合防控技术”")

    # 5. The university's office finds the proposal, reads the demand (contact still hidden), accepts.
    as_user(scau_office)
    expect(page.locator("#my-tasks")).to_contain_text("推荐给您（柑橘黄龙病综合防控技术），请接受或婉拒")
    page.locator("#my-tasks a").first.click()
    expect(page.locator(".datagrid")).to_contain_text("对接成立后可见")
    expect(page.locator("body")).not_to_contain_text("13800138000")
    expect(page.locator(".attachment-thumb img")).to_be_visible()
    respond = page.locator("form.respond-form")
    respond.locator("input[name=contact_name]").fill("梁老师")
    respond.locator("input[name=contact_phone]").fill("020-85280000")
    respond.get_by_role("button", name="接受对接").click()
    expect(page.locator("#submitter-contact")).to_contain_text("13800138000")
    expect(page.locator("#submitter-contact")).to_contain_text("长教村委会")

    # 6. The county records the outcome and asks the village to confirm.
    as_user(county)
    page.goto(f"/demands/{demand.pk}/")
    expect(page.locator(".connection-contact")).to_contain_text("梁老师")
    outcome = page.locator('form[action*="/outcome/"]')
    outcome.locator("input[name=outcome]").fill("专家到村指导，提供脱毒苗 2000 株")
    outcome.get_by_role("button", name="成功").click()
    expect(page.locator(".page-title")).to_contain_text("待提出方确认")

    # 7. The village sees who helped, and confirms its problem is solved.
    as_user(village, PHONE)
    page.goto(f"/demands/{demand.pk}/")
    expect(page.locator(".connection-contact")).to_contain_text("梁老师 020-85280000")
    page.get_by_role("button", name="确认已解决").click()
    expect(page.locator(".page-title")).to_contain_text("已解决")

    # 8. The county closes it.
    as_user(county)
    page.goto(f"/demands/{demand.pk}/")
    page.get_by_role("button", name="办结").click()
    expect(page.locator(".page-title")).to_contain_text("已解决，已办结")

    # 9. The village rates the service.
    as_user(village, PHONE)
    expect(page.locator("#my-tasks")).to_contain_text("已解决，请评价这次服务")
    page.goto(f"/demands/{demand.pk}/")
    page.locator("input[name=rating][value='5']").check()
    page.fill("textarea[name=feedback]", "专家讲得很实在")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".datagrid")).to_contain_text("★★★★★")
    demand.refresh_from_db()
    assert (demand.status, demand.rating) == (DemandStatus.CLOSED, 5)
    assert demand.solved_at is not None
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
