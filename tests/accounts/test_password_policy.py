"""Password rules: the last five are never reused, passwords expire, and a password an
administrator set is changed at the next login."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from baiqianwan.accounts.models import PasswordHistory, User
from baiqianwan.accounts.roles import Role
from baiqianwan.accounts.services import password_change, user_create, user_reset_password
from baiqianwan.core.models import AuditEvent
from baiqianwan.regions.models import Division

from ..conftest import PASSWORD, A

PASSWORDS = [f"Tq7#river-lychee-{n}" for n in range(1, 8)]
CHANGE = "/accounts/password/"


def _login(user: User, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": password})
    assert response.status_code == 302
    return client


def test_none_of_the_last_five_passwords_is_accepted_again(make_user: Callable[..., User]) -> None:
    user = make_user(Role.TOWN, A["town"])
    for password in PASSWORDS[:6]:
        password_change(user=user, password=password)
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for reused in PASSWORDS[1:6]:
        with pytest.raises(ValidationError) as caught:
            password_change(user=user, password=reused)
        assert "不能与最近 5 次使用过的密码相同" in str(caught.value)
    password_change(user=user, password=PASSWORDS[0])  # the sixth-last is allowed again
    user.refresh_from_db()
    assert user.check_password(PASSWORDS[0])


def test_the_current_password_counts_even_without_history(make_user: Callable[..., User]) -> None:
    user = make_user(Role.TOWN, A["town"])
    assert not PasswordHistory.objects.filter(user=user).exists()
    with pytest.raises(ValidationError, match="最近 5 次"):
        validate_password(PASSWORD, user)
    validate_password(PASSWORD, User(username="new"))  # a new account has no history


def test_the_change_page_refuses_an_old_password_with_a_clear_message(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    user = make_user(Role.TOWN, A["town"])
    client = client_for(user)
    refused = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert refused.status_code == 200
    assert "新密码不能与最近 5 次使用过的密码相同" in refused.content.decode()
    mismatch = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": PASSWORDS[0], "new_password2": PASSWORDS[1]}
    )
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    wrong_old = client.post(
        CHANGE, {"old_password": "nope", "new_password1": PASSWORDS[0], "new_password2": PASSWORDS[0]}
    )
    assert "原密码不正确" in wrong_old.content.decode()
    done = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": PASSWORDS[0], "new_password2": PASSWORDS[0]}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORDS[0])
    assert user.password_changed_at is not None
    assert client.get("/").status_code == 200  # the session survives its own password change
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PASSWORD, user=user, detail="修改了密码").exists()


def test_an_expired_password_must_be_changed_first(make_user: Callable[..., User], settings: Any) -> None:
    settings.PASSWORD_EXPIRY_DAYS = 90
    user = make_user(Role.COUNTY, A["county"])
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client = _login(user)
    assert client.get("/")["Location"] == CHANGE
    assert client.get("/orgs/")["Location"].startswith(f"{CHANGE}?next=")
    api = client.get("/api/v1/accounts/me")
    assert api.status_code == 401
    assert api.json()["code"] == "password_change_required"
    page = client.get(CHANGE).content.decode()
    assert "已于" in page
    assert "过期" in page
    assert "科技需求" not in page  # nothing else is offered until it is done
    done = client.post(
        f"{CHANGE}?next=/orgs/",
        {
            "old_password": PASSWORD,
            "new_password1": PASSWORDS[0],
            "new_password2": PASSWORDS[0],
            "next": "/orgs/",
        },
    )
    assert done.status_code == 302
    assert done["Location"] == "/orgs/"
    assert client.get("/").status_code == 200


def test_a_password_within_its_period_or_with_expiry_off_is_not_stopped(
    make_user: Callable[..., User], settings: Any
) -> None:
    settings.PASSWORD_EXPIRY_DAYS = 90
    user = make_user(Role.COUNTY, A["county"])
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=89))
    assert _login(user).get("/").status_code == 200
    settings.PASSWORD_EXPIRY_DAYS = 0
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=900))
    assert _login(user).get("/").status_code == 200


def test_an_account_an_administrator_created_changes_its_password_at_first_login(
    make_user: Callable[..., User],
) -> None:
    county = make_user(Role.COUNTY, A["county"])
    initial = "Init#Pass-2025x"
    created = user_create(
        acting_user=county,
        username="huliao_new",
        display_name="湖寮镇新账号",
        role=Role.TOWN,
        password=initial,
        division=Division.objects.get(code=A["town"]),
    )
    assert created.must_change_password
    client = _login(created, initial)
    assert client.get("/")["Location"] == CHANGE
    page = client.get(CHANGE).content.decode()
    assert "您的密码由管理员设置" in page
    same = client.post(CHANGE, {"old_password": initial, "new_password1": initial, "new_password2": initial})
    assert "最近 5 次" in same.content.decode()
    done = client.post(
        CHANGE, {"old_password": initial, "new_password1": PASSWORDS[0], "new_password2": PASSWORDS[0]}
    )
    assert done.status_code == 302
    created.refresh_from_db()
    assert not created.must_change_password
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.PASSWORD, user=created, detail__contains="初始密码"
    ).exists()


def test_a_password_an_administrator_reset_is_changed_at_the_next_login(
    make_user: Callable[..., User],
) -> None:
    county = make_user(Role.COUNTY, A["county"])
    town = make_user(Role.TOWN, A["town"])
    user_reset_password(acting_user=county, user=town, password="Reset#Pass-2025")
    town.refresh_from_db()
    assert town.must_change_password
    assert _login(town, "Reset#Pass-2025").get("/")["Location"] == CHANGE
