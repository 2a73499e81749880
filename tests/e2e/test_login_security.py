"""The login form in a real browser: wrong passwords and the five-failure lockout."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role

from ..conftest import PASSWORD, A
from .conftest import login_form_submit

pytestmark = pytest.mark.e2e

WRONG = "Wrong#password-1"
LOCKED = "账号已锁定 30 分钟"


def test_wrong_password_is_refused_with_a_plain_message(
    make_user: Callable[..., User], page: Page, live_server: LiveServer
) -> None:
    user = make_user(Role.TOWN, A["town"], username="huliao_wrong")
    login_form_submit(page, user.username, WRONG)
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    alert = page.locator("form .alert-danger")
    expect(alert).to_contain_text("用户名或密码错误")
    expect(page.get_by_text(LOCKED)).to_have_count(0)
    # The username stays filled in, the password does not.
    expect(page.locator("#id_username")).to_have_value(user.username)
    expect(page.locator("#id_password")).to_have_value("")


def test_five_wrong_passwords_lock_the_account(
    make_user: Callable[..., User], page: Page, live_server: LiveServer
) -> None:
    user = make_user(Role.TOWN, A["town"], username="huliao_locked")
    for attempt in range(1, 5):
        login_form_submit(page, user.username, WRONG)
        expect(page.locator("form .alert-danger"), f"第 {attempt} 次").to_contain_text("用户名或密码错误")
        expect(page.get_by_text(LOCKED)).to_have_count(0)
    # The fifth failure locks the account ...
    login_form_submit(page, user.username, WRONG)
    expect(page.get_by_text(LOCKED)).to_be_visible()
    # ... and the sixth attempt is refused even with the right password.
    login_form_submit(page, user.username, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    lockout = page.locator(".alert-danger", has_text="锁定")
    expect(lockout).to_be_visible()
    expect(lockout).to_contain_text(LOCKED)
    expect(page.get_by_text("用户名或密码错误")).to_have_count(0)
    expect(page.locator("#navbar-menu")).to_have_count(0)
    cookies = {c["name"] for c in page.context.cookies()}
    assert "sessionid" not in cookies, "锁定后不应建立会话"
