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


# Page → English strings that must appear on it: the title or heading, and a label or button.
ENGLISH_PAGES = {
    "/": ["<title>Home · ", "Hello, ", "Demands awaiting acceptance"],
    "/demands/": ['page-title">Demands<', "Post a demand", "All statuses"],
    "/demands/new/": ['page-title">Post a demand<', "Save draft", "Contact phone"],
    "/demands/triage/": ['page-title">Demand triage<', "No demands awaiting acceptance"],
    "/supply/achievements/": [
        'page-title">Achievement directory<',
        "Register achievement",
        "Export to Excel",
    ],
    "/supply/experts/": ['page-title">Expert directory<', "Register expert", "Research areas"],
    "/matching/": ['page-title">Matching search<', "All types"],
    "/regions/": ["Division code", "Subdivisions", "Source: National Bureau of Statistics"],
    "/orgs/": ['page-title">Organisation directory<', "Register organisation", "Unified social credit code"],
    "/orgs/people/": ['page-title">People directory<', "ID card number", "Register person"],
    "/accounts/users/": ['page-title">Users<', "New user", "Last sign-in", "County S&amp;T bureau"],
    "/accounts/users/new/": ['page-title">New user<', "Initial password", "Township (sub-district)"],
    "/jobs/": ['page-title">Jobs<', "No jobs yet."],
    "/accounts/profile/": ['page-title">Profile<', "API tokens", "Create token", "Mobile number"],
}
ENGLISH_MENU = (">Home<", ">Demands<", ">Achievements<", ">Experts<", ">Matching<", ">Divisions<", ">Jobs<")


def test_every_page_has_an_english_version(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(Role.COUNTY, A["county"]))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for url, expected in ENGLISH_PAGES.items():
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert 'lang="en"' in page, url
        for menu in ENGLISH_MENU:
            assert menu in page, (url, menu)
        for chinese in ("科技需求", "智能匹配", "行政区划", "后台任务", "个人设置", "退出登录"):
            assert chinese not in page, (url, chinese)
        for text in expected:
            assert text in page, (url, text)


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
