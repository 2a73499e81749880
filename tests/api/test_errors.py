"""The API answers every input with its one JSON error format, never a server error or an HTML page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.api.urls import api
from baiqianwan.orgs.models import Organisation

HUGE = "712614561051508602651293984497860608"


def _paginated_lists() -> list[str]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    found = []
    for path, methods in schema["paths"].items():
        get = methods.get("get")
        if get and "{" not in path and any(p["name"] == "page" for p in get.get("parameters", [])):
            found.append(path)
    return sorted(found)


PAGINATED = _paginated_lists()


def _json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"detail", "code", "errors"}
    return body


def test_every_list_is_paginated_by_the_one_bounded_paginator() -> None:
    assert len(PAGINATED) >= 20
    for path in ("/api/v1/jobs", "/api/v1/audit/events", "/api/v1/supply/achievements"):
        assert path in PAGINATED


@pytest.mark.parametrize("param", ["page", "page_size"])
def test_out_of_range_pages_are_refused_with_422(
    world: dict[str, Any], client_for: Callable[[User], Client], param: str
) -> None:
    client = client_for(world["users"][Role.PROVINCE])
    for path in PAGINATED:
        for value in (HUGE, "-1", "0", "1e3", "abc"):
            body = _json_error(client.get(path, {param: value}), 422)
            assert body["errors"][0]["field"] == param, (path, value)
            assert "字段" in body["detail"]


def test_the_largest_page_answers_empty(world: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    client = client_for(world["users"][Role.PROVINCE])
    response = client.get("/api/v1/orgs/organisations", {"page": 1_000_000, "page_size": 200})
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "field", ["name", "kind", "division_code", "address", "contact_name", "contact_phone"]
)
def test_null_for_a_non_null_column_is_refused_before_the_service(
    world: dict[str, Any], client_for: Callable[[User], Client], field: str
) -> None:
    org = world["org_a"]
    client = client_for(world["users"][Role.PROVINCE])
    response = client.patch(
        f"/api/v1/orgs/organisations/{org.pk}", {field: None}, content_type="application/json"
    )
    body = _json_error(response, 422)
    assert body["errors"][0]["field"] == field
    assert Organisation.all_objects.get(pk=org.pk).name == org.name


def test_a_patch_that_leaves_fields_out_changes_only_what_it_names(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    org = world["org_a"]
    client = client_for(world["users"][Role.PROVINCE])
    response = client.patch(
        f"/api/v1/orgs/organisations/{org.pk}",
        {"contact_phone": "0753-5512345"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    stored = Organisation.all_objects.get(pk=org.pk)
    assert (stored.name, stored.contact_phone) == (org.name, "0753-5512345")


def test_huge_ids_in_paths_are_refused_not_crashed(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(world["users"][Role.PROVINCE])
    for path in (f"/api/v1/orgs/organisations/{HUGE}", f"/api/v1/jobs/{HUGE}", "/api/v1/jobs/-1"):
        response = client.get(path)
        assert response.status_code in (404, 422), (path, response.status_code)
        assert response["Content-Type"].startswith("application/json")


def test_an_unknown_api_path_is_a_json_404(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(world["users"][Role.PROVINCE])
    body = _json_error(client.get("/api/v1/no-such-thing"), 404)
    assert body["code"] == "not_found"
    body = _json_error(Client().get("/api/v1/no/such/thing/either"), 404)


def test_a_page_outside_the_api_keeps_the_html_404(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    response = client_for(world["users"][Role.PROVINCE]).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_crash_inside_a_handler_is_a_json_500(
    world: dict[str, Any], client_for: Callable[[User], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fault injected into a real handler: the selector it calls fails unexpectedly.
    from baiqianwan.core import selectors

    def broken(**_: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(selectors, "job_list", broken)
    client = client_for(world["users"][Role.PROVINCE])
    client.raise_request_exception = False
    body = _json_error(client.get("/api/v1/jobs"), 500)
    assert body["code"] == "server_error"
    assert "disk on fire" not in body["detail"]


def test_a_missing_csrf_token_is_a_json_403(world: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"][Role.PROVINCE])
    response = client.post("/api/v1/orgs/organisations", {}, content_type="application/json")
    body = _json_error(response, 403)
    assert body["code"] == "forbidden"


def test_a_body_that_is_not_json_is_told_in_chinese(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(world["users"][Role.PROVINCE])
    response = client.post("/api/v1/orgs/organisations", "{not json", content_type="application/json")
    body = _json_error(response, 400)
    assert "JSON" in body["detail"]
    assert "Cannot" not in body["detail"]


def _page_paths_with_ids() -> list[str]:
    """Every page URL pattern that takes an integer id, with that id too large for any row."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[str] = []

    def walk(patterns: Any, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                route = str(entry.pattern)
                if not route.startswith(("api/", "django-admin/", "i18n/")):
                    walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern) and "<int:" in str(entry.pattern):
                route = prefix + str(entry.pattern)
                route = re.sub(r"<int:\w+>", HUGE, route)
                found.append("/" + re.sub(r"<(?:str|slug):\w+>", "x", route))

    walk(get_resolver().url_patterns, "")
    return sorted(found)


def test_a_page_with_an_impossible_id_is_a_404(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    paths = _page_paths_with_ids()
    assert len(paths) > 40
    client = client_for(world["users"][Role.PROVINCE])
    for path in paths:
        response = client.get(path)
        assert response.status_code in (302, 400, 403, 404, 405), (path, response.status_code)


def test_an_unreachable_database_is_a_503_to_retry(
    world: dict[str, Any], client_for: Callable[[User], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fault injected where the pages and the API read jobs: the database connection drops.
    from django.db import OperationalError

    from baiqianwan.core import selectors

    def gone(**_: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(selectors, "job_list", gone)
    client = client_for(world["users"][Role.PROVINCE])
    client.raise_request_exception = False
    api_answer = client.get("/api/v1/jobs")
    body = _json_error(api_answer, 503)
    assert body["code"] == "unavailable"
    assert api_answer["Retry-After"] == "5"
    page = client.get("/jobs/")
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert "稍后" in page.content.decode()
