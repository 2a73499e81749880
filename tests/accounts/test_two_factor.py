"""Two-factor login (TOTP): enrolment, the code after the password, recovery codes, throttling,
forced enrolment for the roles that need it, and a lost device reset by another administrator."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from baiqianwan.accounts.models import ApiToken, User
from baiqianwan.accounts.roles import Role
from baiqianwan.accounts.services import api_token_create
from baiqianwan.core.models import AuditEvent

from ..conftest import PASSWORD, A, otp_verified

LOGIN = "/accounts/login/"
VERIFY = "/accounts/2fa/verify/"
ENROL = "/accounts/2fa/enrol/"
RECOVERY_CODE = re.compile(r"<code[^>]*>([a-z2-7]{4}-[a-z2-7]{4})</code>")


def code_for(device: TOTPDevice, *, ahead: int = 0) -> str:
    """The device's current code, or the one ``ahead`` steps later (a code is accepted only once)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - ahead * device.step):06d}"


def device_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def signed_in(user: User) -> Client:
    """A client that passed the password step through the real login form."""
    client = Client()
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_a_user_with_a_device_is_asked_for_the_code_before_anything_else(
    make_user: Callable[..., User],
) -> None:
    user = make_user(Role.COUNTY, A["county"])
    device = device_for(user)
    client = signed_in(user)
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == VERIFY
    deep = client.get("/orgs/?q=蜜柚")
    assert deep["Location"].startswith(f"{VERIFY}?next=")
    api = client.get("/api/v1/accounts/me")
    assert api.status_code == 401
    assert api.json()["code"] == "otp_required"
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert "6 位验证码" in page.content.decode()
    assert "科技需求" not in page.content.decode()  # no menu until the step is taken

    done = client.post(VERIFY, {"code": code_for(device), "next": "/orgs/?q=1"})
    assert done.status_code == 302
    assert done["Location"] == "/orgs/?q=1"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/accounts/me").status_code == 200


def test_the_next_address_must_be_our_own(make_user: Callable[..., User]) -> None:
    user = make_user(Role.TOWN, A["town"])
    device = device_for(user)
    client = signed_in(user)
    done = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert done["Location"] == "/"


def test_a_wrong_code_is_refused_logged_and_throttled(make_user: Callable[..., User], settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # the first failure makes the next attempt wait a minute
    user = make_user(Role.COUNTY, A["county"])
    device = device_for(user)
    client = signed_in(user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    refused = client.post(VERIFY, {"code": wrong})
    assert refused.status_code == 200
    assert "验证码不正确" in refused.content.decode()
    failure = AuditEvent.objects.get(kind=AuditEvent.Kind.OTP_FAILED, user=user)
    assert "验证码错误" in failure.detail

    # While throttled even the right code is not looked at.
    throttled = client.post(VERIFY, {"code": code_for(device)})
    assert "错误次数过多" in throttled.content.decode()
    assert "秒后再试" in throttled.content.decode()
    assert client.get("/")["Location"] == VERIFY
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.OTP_FAILED, user=user).count() == 2
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    # Once the wait is over the right code passes and the throttle is cleared.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - dt.timedelta(seconds=61)
    )
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_code_is_accepted_only_once(make_user: Callable[..., User]) -> None:
    user = make_user(Role.COUNTY, A["county"])
    device = device_for(user)
    code = code_for(device)
    assert signed_in(user).post(VERIFY, {"code": code}).status_code == 302
    again = signed_in(user).post(VERIFY, {"code": code})
    assert again.status_code == 200
    assert "验证码不正确" in again.content.decode()


def test_enrolment_shows_a_qr_code_and_the_key_then_ten_recovery_codes_once(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    user = make_user(Role.TOWN, A["town"])
    client = client_for(user)
    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<svg class="bqw-qr" viewBox="0 0 \d+ \d+"', html)
    assert "<script" not in html.split("<body", 1)[1].split('<script src="/static/vendor/tabler')[0]
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = base64.b32encode(pending.bin_key).decode()
    shown = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html)
    assert shown is not None
    assert shown.group(1).replace(" ", "") == secret
    # Reloading keeps the same key while the user scans it.
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    refused = client.post(ENROL, {"code": "12345"})
    assert "6 位数字" in refused.content.decode()
    done = client.post(ENROL, {"code": code_for(pending)})
    assert done.status_code == 200
    codes = RECOVERY_CODE.findall(done.content.decode())
    assert len(codes) == 10
    assert len(set(codes)) == 10
    pending.refresh_from_db()
    assert pending.confirmed
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.OTP, user=user, detail__contains="开启两步验证"
    ).exists()
    # The session that enrolled is verified; the codes are never shown again.
    assert client.get("/").status_code == 200
    profile = client.get("/accounts/profile/").content.decode()
    assert "已开启" in profile
    assert "剩余恢复码 10 个" in profile
    assert codes[0] not in profile


def test_a_recovery_code_works_once(make_user: Callable[..., User]) -> None:
    user = make_user(Role.COUNTY, A["county"])
    device_for(user)
    recovery = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    recovery.token_set.create(token="abcd2345")
    recovery.token_set.create(token="wxyz2345")
    first = signed_in(user)
    assert first.post(VERIFY, {"code": "ABCD-2345"}).status_code == 302
    assert first.get("/").status_code == 200
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.OTP, user=user)
    assert "恢复码" in event.detail
    assert "还剩 1 个" in event.detail

    second = signed_in(user)
    reused = second.post(VERIFY, {"code": "abcd-2345"})
    assert reused.status_code == 200
    assert "恢复码不正确或已经用过" in reused.content.decode()
    assert second.get("/")["Location"] == VERIFY


@pytest.mark.parametrize("role", [Role.PROVINCE, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_required_roles_must_enrol_before_anything_else(
    role: Role, make_user: Callable[..., User], settings: Any
) -> None:
    settings.REQUIRE_2FA = True
    user = make_user(role, "440000000000" if role == Role.PROVINCE else None)
    client = signed_in(user)
    assert client.get("/")["Location"] == ENROL
    assert client.get("/accounts/profile/")["Location"].startswith(f"{ENROL}?next=")
    assert client.get("/audit/")["Location"].startswith(ENROL)
    api = client.get("/api/v1/accounts/me")
    assert api.status_code == 401
    assert api.json()["code"] == "otp_enrolment_required"
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "您的账号须开启两步验证" in page.content.decode()
    assert "用户管理" not in page.content.decode()  # no menu until the step is taken
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(ENROL, {"code": code_for(device)}).status_code == 200
    assert client.get("/").status_code == 200


def test_other_roles_may_enrol_but_are_not_made_to(make_user: Callable[..., User], settings: Any) -> None:
    settings.REQUIRE_2FA = True
    client = signed_in(make_user(Role.COUNTY, A["county"]))
    assert client.get("/").status_code == 200
    profile = client.get("/accounts/profile/").content.decode()
    assert "开启两步验证" in profile
    assert f'href="{ENROL}"' in profile


def test_bearer_tokens_are_not_asked_for_a_code(make_user: Callable[..., User], settings: Any) -> None:
    settings.REQUIRE_2FA = True
    user = make_user(Role.PROVINCE, "440000000000")
    device_for(user)
    _, raw = api_token_create(acting_user=user, name="数据交换")
    response = Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_tokens_are_created_only_after_the_second_factor(make_user: Callable[..., User]) -> None:
    user = make_user(Role.COUNTY, A["county"])
    device = device_for(user)
    client = signed_in(user)
    assert client.post("/accounts/profile/tokens/", {"name": "数据交换"})["Location"] == VERIFY
    api = client.post("/api/v1/accounts/tokens", {"name": "数据交换"}, content_type="application/json")
    assert api.status_code == 401
    assert not ApiToken.objects.exists()
    client.post(VERIFY, {"code": code_for(device)})
    assert client.post("/accounts/profile/tokens/", {"name": "数据交换"}).status_code == 200
    assert ApiToken.objects.filter(user=user).count() == 1


def test_recovery_codes_can_be_renewed_from_the_profile(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    user = make_user(Role.TOWN, A["town"])
    client = otp_verified(client_for(user), user)
    page = client.post("/accounts/2fa/recovery-codes/")
    assert len(RECOVERY_CODE.findall(page.content.decode())) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10


# --- a lost device -------------------------------------------------------------------------------


def reset(client: Client, user: User, reason: str = "手机丢失，已电话核实本人身份") -> Any:
    return client.post(f"/accounts/users/{user.pk}/2fa/reset/", {"reason": reason})


def test_the_security_administrator_resets_a_lost_device_with_a_reason(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    security = world["users"][Role.SECURITY_ADMIN]
    province = world["users"][Role.PROVINCE]
    device_for(province)
    StaticDevice.objects.create(user=province, name="恢复码", confirmed=True).token_set.create(
        token="abcd2345"
    )
    client = client_for(security)
    detail = client.get(f"/accounts/users/{province.pk}/").content.decode()
    assert 'id="otp-reset"' in detail

    without_reason = reset(client, province, reason=" ")
    assert without_reason.status_code == 302
    assert TOTPDevice.objects.filter(user=province).exists()

    done = reset(client, province)
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=province).exists()
    assert not StaticDevice.objects.filter(user=province).exists()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.OTP, user=security)
    assert province.username in event.detail
    assert "手机丢失" in event.detail
    assert event.extra == {"target": province.username, "reason": "手机丢失，已电话核实本人身份"}


def test_nobody_resets_their_own_two_factor_login(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    security = world["users"][Role.SECURITY_ADMIN]
    device_for(security)
    client = otp_verified(client_for(security), security)
    assert 'id="otp-reset"' not in client.get(f"/accounts/users/{security.pk}/").content.decode()
    assert reset(client, security).status_code == 403
    api = client.post(
        f"/api/v1/accounts/users/{security.pk}/2fa/reset",
        {"reason": "自己重置"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert "不能重置自己的两步验证" in api.json()["detail"]
    assert TOTPDevice.objects.filter(user=security).exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.OTP).exists()


def test_the_province_resets_business_users_but_not_administrators(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    users = world["users"]
    town, audit_admin = users[Role.TOWN], users[Role.AUDIT_ADMIN]
    device_for(town)
    device_for(audit_admin)
    province = client_for(users[Role.PROVINCE])
    assert reset(province, town).status_code == 302
    assert not TOTPDevice.objects.filter(user=town).exists()
    assert reset(province, audit_admin).status_code == 403
    assert TOTPDevice.objects.filter(user=audit_admin).exists()
    # A city manager, the system administrator and the audit administrator reset nobody's.
    device_for(town)
    for role in (Role.CITY, Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN):
        client = otp_verified(client_for(users[role]), users[role])
        assert reset(client, town).status_code in (403, 404), role
    assert TOTPDevice.objects.filter(user=town).exists()


def test_the_api_reports_and_resets_two_factor_login(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    users = world["users"]
    county = users[Role.COUNTY]
    device_for(county)
    own = otp_verified(client_for(county), county).get("/api/v1/accounts/me/2fa").json()
    assert own["enabled"] is True
    assert own["required"] is False
    security = client_for(users[Role.SECURITY_ADMIN])
    url = f"/api/v1/accounts/users/{county.pk}/2fa/reset"
    missing = security.post(url, {}, content_type="application/json")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    short = security.post(url, {"reason": "丢了"}, content_type="application/json")
    assert short.status_code == 422
    assert "重置原因" in short.json()["detail"]
    done = security.post(url, {"reason": "手机丢失，已核实"}, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json() == {"user_id": county.pk, "username": county.username, "enabled": False}
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.OTP, user=users[Role.SECURITY_ADMIN]).exists()
    again = security.post(url, {"reason": "手机丢失，已核实"}, content_type="application/json")
    assert again.status_code == 422
    assert "没有绑定" in again.json()["detail"]


def test_after_a_reset_a_required_user_enrols_again(world: dict[str, Any], settings: Any) -> None:
    settings.REQUIRE_2FA = True
    province = world["users"][Role.PROVINCE]
    device = device_for(province)
    client = signed_in(province)
    client.post(VERIFY, {"code": code_for(device)})
    assert client.get("/").status_code == 200
    TOTPDevice.objects.filter(user=province).delete()  # what a reset does
    assert client.get("/")["Location"] == ENROL
