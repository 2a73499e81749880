"""Creating a user with the cascading division picker (县 → 镇 → 村) in a real browser."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.regions.models import Division

from ..conftest import A

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Tq7#river-lychee2"
VILLAGE_FULL_NAME = "梅州市大埔县湖寮镇长教村委会"


def pick_village(page: Page) -> None:
    """Choose 湖寮镇 then 长教村委会 in the picker, which starts at the manager's county."""
    picker = page.locator('[data-picker="division"]')
    selects = picker.locator("select")
    # The county manager's picker opens at the county: one column, the towns of 大埔县.
    expect(selects).to_have_count(1)
    towns = picker.locator('select[data-level="town"]')
    expect(towns).to_have_attribute("aria-label", "乡镇（街道）")
    towns_of_dabu = Division.objects.filter(parent_id=A["county"]).count()
    expect(towns.locator("option")).to_have_count(towns_of_dabu + 1)  # and "请选择…"
    expect(towns.locator("option", has_text="湖寮镇")).to_have_count(1)
    towns.select_option(A["town"])

    villages = picker.locator('select[data-level="village"]')
    expect(villages).to_be_visible()
    expect(villages.locator("option", has_text="长教村委会")).to_have_count(1)
    villages.select_option(A["village"])
    expect(selects).to_have_count(2)
    expect(picker.locator('input[type="hidden"][name="division"]')).to_have_value(A["village"])


def fill_user_form(page: Page, *, username: str, display_name: str, role: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_display_name", display_name)
    page.select_option("#id_role", role)
    page.fill("#id_password", NEW_PASSWORD)


def test_county_manager_creates_a_village_user_with_the_picker(
    make_user: Callable[..., User],
    login: Callable[..., Page],
    live_server: LiveServer,
    js_errors: list[str],
) -> None:
    manager = make_user(Role.COUNTY, A["county"], username="dabu_county", display_name="大埔县科工商务局")
    page = login(manager.username)
    page.goto("/accounts/users/new/")
    expect(page.locator("h2.page-title")).to_have_text("新建用户")

    pick_village(page)
    fill_user_form(page, username="changjiao_village", display_name="长教村委会", role="village")
    page.get_by_role("button", name="创建").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/users/")
    expect(page.get_by_role("alert")).to_contain_text("已创建用户 changjiao_village")
    row = page.locator("tbody tr", has=page.get_by_text("changjiao_village", exact=True))
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(2)).to_have_text("村（居）委会")
    expect(row.locator("td").nth(3)).to_have_text(VILLAGE_FULL_NAME)

    created = User.objects.get(username="changjiao_village")
    assert created.division_id == A["village"]
    assert created.created_by_id == manager.pk
    assert created.check_password(NEW_PASSWORD)
    assert js_errors == [], f"页面脚本报错：{js_errors}"


def test_role_must_match_the_level_of_the_chosen_division(
    make_user: Callable[..., User], login: Callable[..., Page]
) -> None:
    manager = make_user(Role.COUNTY, A["county"], username="dabu_county2")
    page = login(manager.username)
    page.goto("/accounts/users/new/")

    pick_village(page)
    fill_user_form(page, username="wrong_level_town", display_name="错层级用户", role="town")
    page.get_by_role("button", name="创建").click()

    # Back on the form, with the model's message under the division field.
    expect(page.locator("h2.page-title")).to_have_text("新建用户")
    feedback = page.locator('[data-picker="division"] ~ .invalid-feedback')
    expect(feedback).to_have_text("角色“乡镇（街道）”应绑定到对应层级的区划")
    # The picker re-opens at the chosen village, so the user can correct only what is wrong.
    picker = page.locator('[data-picker="division"]')
    expect(picker.locator('input[name="division"]')).to_have_value(A["village"])
    expect(picker.locator('select[data-level="village"]')).to_have_value(A["village"])
    expect(picker.locator('select[data-level="town"]')).to_have_value(A["town"])
    expect(page.locator("#id_username")).to_have_value("wrong_level_town")
    assert not User.objects.filter(username="wrong_level_town").exists()


def test_county_manager_can_bind_a_new_user_to_the_own_county(
    make_user: Callable[..., User], login: Callable[..., Page]
) -> None:
    manager = make_user(Role.COUNTY, A["county"], username="dabu_county3")
    page = login(manager.username)
    page.goto("/accounts/users/new/")
    towns = page.locator('[data-picker="division"] select[data-level="town"]')
    expect(towns).to_be_visible()
    # 县（市、区）科技部门 may create users of its own role, bound to its own county: leaving
    # the first column at its empty choice has to mean "the county itself".
    towns.select_option(A["town"])
    towns.select_option("")
    expect(page.locator('input[name="division"]')).to_have_value(A["county"], timeout=1_000)
