"""Managers create and disable users only within their own area."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.accounts.services import user_create, user_set_active
from baiqianwan.core.models import AuditEvent
from baiqianwan.regions.models import Division

from ..conftest import A, B


def _create(acting: User, **overrides: Any) -> User:
    values: dict[str, Any] = {
        "username": "new_user",
        "display_name": "新用户",
        "role": Role.TOWN,
        "password": "Tq7#river-lychee",
        "division": Division.objects.get(code=A["town"]),
    }
    values.update(overrides)
    return user_create(acting_user=acting, **values)


def test_city_admin_creates_users_within_its_city(make_user: Callable[..., User]) -> None:
    city = make_user(Role.CITY, A["city"])
    user = _create(city)
    assert user.division_id == A["town"]
    assert user.created_by == city
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION, user=city).exists()


def test_city_admin_cannot_create_users_in_another_city(make_user: Callable[..., User]) -> None:
    city = make_user(Role.CITY, A["city"])
    with pytest.raises(ValidationError) as caught:
        _create(city, division=Division.objects.get(code=B["town"]))
    assert "管辖范围" in str(caught.value)
    assert not User.objects.filter(username="new_user").exists()


def test_no_manager_creates_a_role_above_its_own(make_user: Callable[..., User]) -> None:
    county = make_user(Role.COUNTY, A["county"])
    with pytest.raises(ValidationError, match="不能创建"):
        _create(county, role=Role.CITY, division=Division.objects.get(code=A["city"]))


def test_role_must_bind_to_matching_level(make_user: Callable[..., User]) -> None:
    city = make_user(Role.CITY, A["city"])
    with pytest.raises(ValidationError, match="对应层级"):
        _create(city, role=Role.TOWN, division=Division.objects.get(code=A["village"]))


def test_non_managers_cannot_create_users(make_user: Callable[..., User]) -> None:
    town = make_user(Role.TOWN, A["town"])
    with pytest.raises(PermissionDenied):
        _create(town, role=Role.VILLAGE, division=Division.objects.get(code=A["village"]))


def test_weak_password_is_refused_with_a_field_error(make_user: Callable[..., User]) -> None:
    city = make_user(Role.CITY, A["city"])
    with pytest.raises(ValidationError) as caught:
        _create(city, password="abcdefgh")
    assert "password" in caught.value.message_dict


def test_city_admin_disables_only_users_within_its_city(make_user: Callable[..., User]) -> None:
    city = make_user(Role.CITY, A["city"])
    inside = make_user(Role.TOWN, A["town"])
    outside = make_user(Role.TOWN, B["town"])
    user_set_active(acting_user=city, user=inside, active=False)
    inside.refresh_from_db()
    assert not inside.is_active
    with pytest.raises(PermissionDenied):
        user_set_active(acting_user=city, user=outside, active=False)
    outside.refresh_from_db()
    assert outside.is_active


def test_disabled_user_cannot_log_in(make_user: Callable[..., User]) -> None:
    from ..conftest import PASSWORD

    user = make_user(Role.TOWN, A["town"], is_active=False)
    response = Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session


def test_user_list_page_shows_only_users_in_scope(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    city = make_user(Role.CITY, A["city"])
    make_user(Role.TOWN, A["town"], username="meizhou_town")
    make_user(Role.TOWN, B["town"], username="zhanjiang_town")
    page = client_for(city).get("/accounts/users/").content.decode()
    assert "meizhou_town" in page
    assert "zhanjiang_town" not in page


def test_user_pages_are_forbidden_to_non_managers(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(Role.VILLAGE, A["village"]))
    assert client.get("/accounts/users/").status_code == 403
    assert client.get("/accounts/users/new/").status_code == 403
