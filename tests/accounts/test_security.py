"""Login security: lockout, idle timeout, password rules, and the audit of logins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import translation

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.models import AuditEvent

from ..conftest import PASSWORD, A

LOGIN = "/accounts/login/"


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def test_five_failures_lock_the_account_for_thirty_minutes(make_user: Callable[..., User]) -> None:
    user = make_user(Role.TOWN, A["town"])
    client = Client()
    for _ in range(4):
        response = _login(client, user.username, "wrong-password")
        assert response.status_code == 200
        assert "用户名或密码错误" in response.content.decode()
    locked = _login(client, user.username, "wrong-password")
    assert locked.status_code == 429
    assert "锁定 30 分钟" in locked.content.decode()
    # Even the right password is refused while locked.
    again = _login(client, user.username, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    kinds = list(AuditEvent.objects.filter(username=user.username).values_list("kind", flat=True))
    assert kinds.count(AuditEvent.Kind.LOGIN_FAILED) >= 5
    assert AuditEvent.Kind.LOCKED_OUT in kinds


def test_successful_login_is_audited_with_address(make_user: Callable[..., User]) -> None:
    user = make_user(Role.COUNTY, A["county"])
    client = Client(REMOTE_ADDR="10.20.30.40")
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN, user=user)
    assert event.ip == "10.20.30.40"
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGOUT, user=user).exists()


@override_settings(SESSION_IDLE_TIMEOUT_SECONDS=60)
def test_idle_session_expires(make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    user = make_user(Role.TOWN, A["town"])
    client = Client()
    _login(client, user.username, PASSWORD)
    assert client.get("/").status_code == 200
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    monkeypatch.setattr(time, "time", lambda: now + 62)
    assert client.get("/").status_code == 302
    api = client.get("/api/v1/accounts/me")
    assert api.status_code == 401


def test_activity_keeps_the_session_alive(
    make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    user = make_user(Role.TOWN, A["town"])
    client = Client()
    _login(client, user.username, PASSWORD)
    start = time.time()
    for minutes in (20, 40, 60, 80):
        monkeypatch.setattr(time, "time", lambda m=minutes: start + m * 60)
        assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Ab1!", "太短"),
        ("password123", "太常见"),
        ("abcdefgh", "至少三类"),
        ("12345678", "至少三类"),
    ],
)
def test_password_rules(password: str, fragment: str) -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert any(fragment in m for m in caught.value.messages), caught.value.messages


def test_strong_password_passes() -> None:
    validate_password("Tq7#river-lychee")


def test_passwords_are_hashed_with_argon2(make_user: Callable[..., User], settings: Any) -> None:
    settings.PASSWORD_HASHERS = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    assert make_user(Role.TOWN, A["town"]).password.startswith("argon2")


def test_record_changes_are_audited_with_the_actor(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    county = world["users"][Role.COUNTY]
    client = client_for(county)
    response = client.patch(
        f"/api/v1/orgs/organisations/{world['org_a'].pk}",
        data={"address": "大埔县湖寮镇长教村 8 号"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    entry = (
        LogEntry.objects.get_for_object(world["org_a"])
        .filter(action=LogEntry.Action.UPDATE)
        .latest("timestamp")
    )
    assert entry.actor == county
    assert entry.changes_dict["address"][1] == "大埔县湖寮镇长教村 8 号"


def test_person_numbers_are_masked_in_the_audit_trail(world: dict[str, Any]) -> None:
    entry = LogEntry.objects.get_for_object(world["person_a"]).get(action=LogEntry.Action.CREATE)
    assert world["person_a"].id_number not in str(entry.changes)
