"""三权分立: the system, security and audit administrators each do their own duty and nothing else;
no account holds two roles; the audit administrator's own reading of the log is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import ADMIN_ROLES, Role
from baiqianwan.accounts.services import user_change_role, user_create
from baiqianwan.core.models import AuditEvent
from baiqianwan.regions.models import Division

from ..conftest import PASSWORD, A, B

SYSTEM, SECURITY, AUDIT = Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN


def _lock(user: User) -> None:
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong-password"})
    assert AccessAttempt.objects.filter(username=user.username, failures_since_start__gte=5).exists()


# (what, method, url of the world) → who may: True = the page answers, False = 403.
PAGES: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "users page": ("GET", lambda w: "/accounts/users/"),
    "new user": ("GET", lambda w: "/accounts/users/new/"),
    "user detail": ("GET", lambda w: f"/accounts/users/{w['users'][Role.TOWN].pk}/"),
    "role change": ("GET", lambda w: f"/accounts/users/{w['users'][Role.TOWN].pk}/role/"),
    "unlock": ("POST", lambda w: f"/accounts/users/{w['users'][Role.TOWN].pk}/unlock/"),
    "deactivate": ("POST", lambda w: f"/accounts/users/{w['users'][Role.VILLAGE].pk}/toggle/"),
    "security": ("GET", lambda w: "/accounts/security/"),
    "system settings": ("GET", lambda w: "/system/settings/"),
    "audit page": ("GET", lambda w: "/audit/"),
    "organisations (business)": ("GET", lambda w: "/orgs/"),
    "demands (business)": ("GET", lambda w: "/demands/"),
    "jobs": ("GET", lambda w: "/jobs/"),
    "home": ("GET", lambda w: "/"),
    "profile": ("GET", lambda w: "/accounts/profile/"),
}
ALLOWED = {
    SYSTEM: {"users page", "new user", "user detail", "deactivate", "system settings", "home", "profile"},
    SECURITY: {"users page", "user detail", "role change", "unlock", "security", "home", "profile"},
    AUDIT: {"audit page", "home", "profile"},
}


@pytest.mark.parametrize("role", [SYSTEM, SECURITY, AUDIT])
@pytest.mark.parametrize("page", list(PAGES))
def test_each_administrator_reaches_only_its_duty(
    role: Role, page: str, world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    _lock(world["users"][Role.TOWN])
    method, url = PAGES[page]
    client = client_for(world["users"][role])
    response = client.get(url(world)) if method == "GET" else client.post(url(world))
    if page in ALLOWED[role]:
        assert response.status_code in (200, 302), (role, page, response.status_code)
        if response.status_code == 302:
            assert not response["Location"].startswith("/accounts/login/"), (role, page)
    else:
        assert response.status_code == 403, (role, page, response.status_code)
        assert "只能使用本职范围内的功能" in response.content.decode(), (role, page)


def test_the_denials_leave_everything_as_it_was(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    town, village = world["users"][Role.TOWN], world["users"][Role.VILLAGE]
    _lock(town)
    for role in (SYSTEM, AUDIT):
        client_for(world["users"][role]).post(f"/accounts/users/{town.pk}/unlock/")
    assert AccessAttempt.objects.filter(username=town.username).exists()
    for role in (SECURITY, AUDIT):
        client_for(world["users"][role]).post(f"/accounts/users/{village.pk}/toggle/")
    village.refresh_from_db()
    assert village.is_active


def test_the_menu_shows_each_administrator_its_duty(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    def menu(user: User) -> str:
        return client_for(user).get("/").content.decode().split('id="navbar-menu"')[1].split("</header>")[0]

    pages = {role: menu(world["users"][role]) for role in ADMIN_ROLES}
    for page in pages.values():
        for business in ("科技需求", "智能匹配", "特派员选派", "后台任务", "行政区划"):
            assert business not in page
    assert "用户管理" in pages[SYSTEM]
    assert "系统配置" in pages[SYSTEM]
    assert "安全管理" not in pages[SYSTEM]
    assert "审计日志" not in pages[SYSTEM]
    assert "用户管理" in pages[SECURITY]
    assert "安全管理" in pages[SECURITY]
    assert "审计日志" not in pages[SECURITY]
    assert "系统配置" not in pages[SECURITY]
    assert "审计日志" in pages[AUDIT]
    assert "用户管理" not in pages[AUDIT]
    province = menu(world["users"][Role.PROVINCE])
    assert "用户管理" in province
    assert "审计日志" in province
    assert "安全管理" not in province


def test_business_data_stays_out_of_the_administrators_api(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    for role in ADMIN_ROLES:
        client = client_for(world["users"][role])
        assert client.get("/api/v1/orgs/organisations").json()["items"] == [], role
        assert client.get("/api/v1/orgs/people").json()["items"] == [], role
        assert client.get(f"/api/v1/orgs/organisations/{world['org_a'].pk}").status_code == 404, role


# --- the system administrator --------------------------------------------------------------------


def _new(acting: User, **overrides: Any) -> User:
    values: dict[str, Any] = {
        "username": "new_user",
        "display_name": "新用户",
        "role": Role.TOWN,
        "password": "Tq7#river-lychee",
        "division": Division.objects.get(code=B["town"]),
    }
    values.update(overrides)
    return user_create(acting_user=acting, **values)


def test_the_system_administrator_creates_accounts_anywhere(world: dict[str, Any]) -> None:
    system = world["users"][SYSTEM]
    town = _new(system)
    assert town.division_id == B["town"]
    auditor = _new(system, username="auditor2", role=AUDIT, division=Division.objects.get(code=A["town"]))
    assert auditor.division_id is None
    assert auditor.organisation_id is None
    assert auditor.must_change_password


def test_the_system_administrator_changes_no_roles(world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied, match="安全管理员"):
        user_change_role(acting_user=world["users"][SYSTEM], user=world["users"][Role.TOWN], role=SECURITY)


def test_the_province_creates_no_administrators(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="不能创建"):
        _new(world["users"][Role.PROVINCE], role=SYSTEM, division=None)


def test_no_manager_below_the_system_administrator_manages_administrators(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    auditor = world["users"][AUDIT]
    province = client_for(world["users"][Role.PROVINCE])
    province.post(f"/accounts/users/{auditor.pk}/toggle/")
    auditor.refresh_from_db()
    assert auditor.is_active
    assert province.get(f"/accounts/users/{auditor.pk}/password/").status_code == 200  # the form ...
    refused = province.post(f"/accounts/users/{auditor.pk}/password/", {"password": "New#Pass-2025x"})
    assert "不能创建或修改" in refused.content.decode()  # ... but the service refuses


# --- the security administrator ------------------------------------------------------------------


def test_the_security_administrator_creates_no_accounts(world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        _new(world["users"][SECURITY])


def test_the_security_administrator_changes_roles_and_it_is_audited(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    security = world["users"][SECURITY]
    town = world["users"][Role.TOWN]
    client = client_for(security)
    response = client.post(f"/accounts/users/{town.pk}/role/", {"role": AUDIT})
    assert response.status_code == 302, response.content.decode()[:2000]
    town.refresh_from_db()
    assert town.role == AUDIT
    assert town.division_id is None
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PERMISSION, user=security)
    assert "乡镇（街道）" in event.detail
    assert "审计管理员" in event.detail
    # and back to a business role, which needs a division of its level
    missing = client.post(f"/accounts/users/{town.pk}/role/", {"role": Role.TOWN})
    assert "请选择所属区划" in missing.content.decode()
    wrong = client.post(f"/accounts/users/{town.pk}/role/", {"role": Role.TOWN, "division": A["village"]})
    assert "对应层级" in wrong.content.decode()
    client.post(f"/accounts/users/{town.pk}/role/", {"role": Role.TOWN, "division": A["town"]})
    town.refresh_from_db()
    assert town.role == Role.TOWN
    assert town.division_id == A["town"]


def test_a_role_change_made_in_english_is_audited_in_chinese(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    security = world["users"][SECURITY]
    town = world["users"][Role.TOWN]
    client = client_for(security)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(f"/accounts/users/{town.pk}/role/", {"role": AUDIT}, follow=True)
    assert f"The role of user {town.username} has been changed." in response.content.decode()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PERMISSION, user=security)
    assert "乡镇（街道）" in event.detail
    assert "→ 审计管理员（全平台）" in event.detail
    assert "administrator" not in event.detail


def test_the_security_administrator_cannot_change_its_own_role(world: dict[str, Any]) -> None:
    security = world["users"][SECURITY]
    with pytest.raises(ValidationError, match="不能变更自己的角色"):
        user_change_role(acting_user=security, user=security, role=SYSTEM)


def test_the_security_administrator_unlocks_a_locked_account(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    town = world["users"][Role.TOWN]
    _lock(town)
    client = client_for(world["users"][SECURITY])
    security_page = client.get("/accounts/security/").content.decode()
    assert town.username in security_page
    assert "90 天" in security_page
    assert "最近 5 次" in security_page
    assert client.post(f"/accounts/users/{town.pk}/unlock/").status_code == 302
    assert not AccessAttempt.objects.filter(username=town.username).exists()
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.PERMISSION, user=world["users"][SECURITY], detail__contains="解除"
    ).exists()
    assert (
        Client().post("/accounts/login/", {"username": town.username, "password": PASSWORD}).status_code
        == 302
    )


# --- one role per account ------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["is_superuser", "is_staff"])
def test_an_administrator_is_never_also_a_superuser_or_staff(flag: str, world: dict[str, Any]) -> None:
    auditor = world["users"][AUDIT]
    setattr(auditor, flag, True)
    with pytest.raises(ValidationError, match="三权分立"):
        auditor.full_clean()


def test_an_administrator_is_bound_to_nothing(world: dict[str, Any]) -> None:
    auditor = world["users"][AUDIT]
    auditor.division_id = A["town"]
    with pytest.raises(ValidationError, match="不绑定"):
        auditor.full_clean()


def test_the_security_administrator_cannot_touch_a_superuser(world: dict[str, Any]) -> None:
    root = User.objects.create_superuser("root", password=PASSWORD, display_name="超级用户")
    with pytest.raises(PermissionDenied, match="超级用户"):
        user_change_role(acting_user=world["users"][SECURITY], user=root, role=AUDIT)


# --- the audit administrator ---------------------------------------------------------------------


def test_the_audit_administrators_reading_is_itself_audited(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    auditor = world["users"][AUDIT]
    client = client_for(auditor)
    page = client.get("/audit/", {"kind": "login", "username": "gd"})
    assert page.status_code == 200
    reads = AuditEvent.objects.filter(kind=AuditEvent.Kind.AUDIT_READ, user=auditor)
    first = reads.get()
    assert "安全事件" in first.detail
    assert "事件：登录" in first.detail
    assert "用户名：gd" in first.detail
    assert first.extra == {"what": "安全事件", "filters": {"kind": "login", "username": "gd"}}
    client.get("/audit/", {"tab": "changes", "model": "orgs.organisation"})
    assert reads.filter(detail__contains="数据变更记录").exists()
    client.post("/audit/")
    verification = reads.get(detail__contains="校验审计链")
    assert "完整" in verification.detail or "断开" in verification.detail
    api = client.get("/api/v1/audit/events", {"kind": "login"})
    assert api.status_code == 200
    assert reads.filter(detail__contains="接口读取安全事件").exists()
    assert client.get("/api/v1/audit/changes").status_code == 200
    assert reads.count() == 5
    # ... and shows in the log itself, for the next reader.
    assert "查阅审计日志" in client.get("/audit/", {"kind": "audit_read"}).content.decode()


def test_other_roles_read_no_audit_log(world: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    for role in (Role.CITY, SYSTEM, SECURITY):
        client = client_for(world["users"][role])
        assert client.get("/audit/").status_code == 403, role
        assert client.get("/api/v1/audit/events").status_code == 403, role
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.AUDIT_READ).exists()
