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


def test_manager_resets_a_password_within_the_area(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    county = make_user(Role.COUNTY, A["county"])
    town = make_user(Role.TOWN, A["town"])
    outside = make_user(Role.TOWN, B["town"])
    client = client_for(county)
    weak = client.post(f"/accounts/users/{town.pk}/password/", {"password": "abcdefgh"})
    assert "至少三类" in weak.content.decode()
    done = client.post(f"/accounts/users/{town.pk}/password/", {"password": "New#Pass-2025"})
    assert done.status_code == 302
    town.refresh_from_db()
    assert town.check_password("New#Pass-2025")
    assert client.get(f"/accounts/users/{outside.pk}/password/").status_code == 404


def test_commissioner_accounts_cannot_be_bound_outside_the_area(make_user: Callable[..., User]) -> None:
    county = make_user(Role.COUNTY, A["county"])
    with pytest.raises(ValidationError, match="管辖范围"):
        _create(county, role=Role.COMMISSIONER, division=Division.objects.get(code=B["county"]))


def test_behind_the_proxy_the_users_address_is_audited(make_user: Callable[..., User], settings: Any) -> None:
    from ..conftest import PASSWORD

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    user = make_user(Role.TOWN, A["town"])
    Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="10.8.1.23").post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}
    )
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN, user=user).ip == "10.8.1.23"
    # A header from an untrusted address is ignored.
    Client(REMOTE_ADDR="10.9.9.9", HTTP_X_REAL_IP="1.2.3.4").post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}
    )
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN, user=user, ip="10.9.9.9").exists()
