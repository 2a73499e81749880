"""Two-factor login in a real browser: a province administrator enrols an authenticator from the
key the page shows; the three administrators sign in with a code and find only their duty.

Screenshots of each step go to var/screenshots/ (not committed) for a person to look at."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.models import AuditEvent

from ..conftest import PASSWORD
from .conftest import login_form_submit

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_province_administrator_enrols_an_authenticator(
    make_user: Callable[..., User], page: Page, live_server: LiveServer, settings: Any, js_errors: list[str]
) -> None:
    settings.REQUIRE_2FA = True
    user = make_user(Role.PROVINCE, "440000000000", username="gd_admin2", display_name="省科技厅农村科技处")
    login_form_submit(page, user.username, PASSWORD)

    # The role requires a second factor: the enrolment page, and nothing else, until it is done.
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/enrol/")
    expect(page.locator("h2.page-title")).to_have_text("开启两步验证")
    expect(page.locator("svg.bqw-qr")).to_be_visible()
    expect(page.locator("#navbar-menu .nav-link")).to_have_count(0)
    shot(page, "01-enrol-province")

    # What a person types into an authenticator by hand: the key shown on the page.
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    code = f"{totp(base64.b32decode(secret)):06d}"
    page.fill("#id_code", "000000" if code != "000000" else "111111")
    page.get_by_role("button", name="确认并开启").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("验证码不正确")
    page.wait_for_timeout(1_100)  # one wrong code makes the next attempt wait a second
    page.fill("#id_code", code)
    page.get_by_role("button", name="确认并开启").click()

    expect(page.locator("h2.page-title")).to_have_text("两步验证已开启")
    expect(page.locator("#recovery-codes code")).to_have_count(10)
    shot(page, "02-recovery-codes")
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("#navbar-menu")).to_contain_text("科技需求")
    assert TOTPDevice.objects.get(user=user).confirmed
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.OTP_FAILED, user=user).count() == 1
    assert js_errors == [], f"页面脚本报错：{js_errors}"


def sign_in_with_code(page: Page, live_server: LiveServer, user: User, screenshot: str = "") -> None:
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    login_form_submit(page, user.username, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/verify/")
    expect(page.locator("#navbar-menu")).to_have_count(0)
    if screenshot:
        shot(page, screenshot)
    page.fill("#id_code", f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="验证").click()
    expect(page).to_have_url(f"{live_server.url}/")


def menu_of(page: Page) -> list[str]:
    top = page.locator("#navbar-menu .nav-link-title").all_text_contents()
    inside = page.locator("#navbar-menu .dropdown-item").all_text_contents()
    return [text.strip() for text in [*top, *inside]]


@pytest.mark.parametrize(
    ("role", "name", "menu"),
    [
        (Role.SYSTEM_ADMIN, "sys_admin", ["首页", "用户管理", "系统配置"]),
        (Role.SECURITY_ADMIN, "sec_admin", ["首页", "用户管理", "安全管理"]),
        (Role.AUDIT_ADMIN, "audit_admin", ["首页", "审计日志"]),
    ],
)
def test_each_administrator_signs_in_with_a_code_and_finds_its_duty(
    role: Role,
    name: str,
    menu: list[str],
    make_user: Callable[..., User],
    page: Page,
    live_server: LiveServer,
    settings: Any,
    js_errors: list[str],
) -> None:
    settings.REQUIRE_2FA = True
    user = make_user(role, username=name)
    sign_in_with_code(page, live_server, user, "00-verify" if role == Role.AUDIT_ADMIN else "")
    expect(page.locator(".page-pretitle")).to_have_text(str(role.label))
    assert menu_of(page) == menu
    shot(page, f"03-home-{name}")

    if role == Role.AUDIT_ADMIN:
        page.goto("/audit/")
        page.get_by_role("button", name="立即校验").click()
        expect(page.locator("#audit-chain")).to_contain_text("审计链：完整")
        page.goto("/audit/?kind=audit_read")
        expect(page.locator("tbody")).to_contain_text("查阅审计日志：校验审计链")
        shot(page, "04-audit-chain")
        assert AuditEvent.objects.filter(kind=AuditEvent.Kind.AUDIT_READ, user=user).count() >= 3
    elif role == Role.SECURITY_ADMIN:
        province = make_user(
            Role.PROVINCE, "440000000000", username="gd_lost_phone", display_name="丢了手机的处长"
        )
        TOTPDevice.objects.create(user=province, name="手机", confirmed=True)
        page.goto(f"/accounts/users/{province.pk}/")
        expect(page.locator("#login-security")).to_contain_text("已开启")
        page.fill("#otp-reset textarea", "手机丢失，已电话核实本人身份")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="重置两步验证").click()
        expect(page.get_by_role("alert")).to_contain_text("已重置用户 gd_lost_phone 的两步验证")
        expect(page.locator("#login-security")).to_contain_text("未开启")
        shot(page, "05-user-detail-after-reset")
        page.goto("/accounts/security/")
        expect(page.locator("#password-rules")).to_contain_text("最近 5 次的密码")
        shot(page, "06-security")
    else:
        page.goto("/system/settings/")
        expect(page.locator("#system-settings")).to_contain_text("BQW_PASSWORD_EXPIRY_DAYS")
        shot(page, "07-system-settings")
        page.goto("/accounts/users/new/")
        expect(page.locator("#id_role option")).to_have_count(len(Role))
    if role != Role.AUDIT_ADMIN:
        # Business pages are closed to them, with the reason.
        page.goto("/demands/")
        expect(page.locator(".empty-subtitle")).to_contain_text("只能使用本职范围内的功能")
    assert js_errors == [], f"页面脚本报错：{js_errors}"
