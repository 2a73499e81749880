"""The shell: role-aware menu, dashboard, languages, error pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role

from ..conftest import A


def test_anonymous_users_are_sent_to_login(divisions: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_menu_follows_the_role(world: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    village = client_for(world["users"][Role.VILLAGE]).get("/").content.decode()
    assert "行政区划" in village
    assert "用户管理" not in village
    assert "审计日志" not in village
    province = client_for(world["users"][Role.PROVINCE]).get("/").content.decode()
    assert "用户管理" in province
    assert "审计日志" in province


def test_dashboard_shows_real_counts_and_the_users_area(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    page = client_for(make_user(Role.TOWN, A["town"])).get("/").content.decode()
    assert "1757" in page
    assert "湖寮镇" in page
    assert 'id="gd-map"' in page
    assert "/static/vendor/echarts/echarts.min.js" in page
    assert "cdn" not in page.lower()


def test_english_is_available(make_user: Callable[..., User], client_for: Callable[[User], Client]) -> None:
    client = client_for(make_user(Role.TOWN, A["town"]))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert ">Home<" in page
    assert "County-level units" in page
    assert 'lang="en"' in page
    login = Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/").content.decode()
    assert "Sign in" in login
    default = Client().get("/accounts/login/").content.decode()
    assert "登录" in default


def test_audit_page_is_for_the_province(world: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    assert client_for(world["users"][Role.CITY]).get("/audit/").status_code == 403
    province = client_for(world["users"][Role.PROVINCE])
    page = province.get("/audit/", {"tab": "changes", "model": "orgs.organisation"}).content.decode()
    assert world["org_a"].name in page
    events = province.get("/audit/", {"kind": "login"})
    assert events.status_code == 200


def test_error_pages_speak_chinese(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(Role.TOWN, A["town"]))
    missing = client.get("/orgs/999999/")
    assert missing.status_code in (403, 404)
    assert "返回首页" in missing.content.decode()


def test_api_docs_and_schema_are_served_locally(divisions: None) -> None:
    client = Client()
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "百千万科技支撑平台 API"
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn.jsdelivr" not in docs
