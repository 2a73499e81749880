"""Every API list costs the same number of queries for a page of 50 as for a page of 2.

The demo is loaded and each paginated list operation of the OpenAPI schema (no path parameters)
is read twice by the province administrator; a query per row (a related record fetched in a loop)
makes the larger page cost more."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from baiqianwan.accounts.models import User
from baiqianwan.plan.services import plan_load

from ..conftest import otp_verified


def _paginated_lists(schema: dict[str, Any]) -> list[str]:
    paths = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        names = {p["name"] for p in get.get("parameters", [])}
        if {"page", "page_size"} <= names:
            paths.append(path)
    return sorted(paths)


def _read(client: Client, path: str, size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"page_size": size})
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return len(queries), len(response.json()["items"])


def test_a_larger_page_costs_no_more_queries(divisions: None, capsys: Any) -> None:
    plan_load()
    call_command("indicators", "load")
    call_command("demo")
    capsys.readouterr()
    client = Client()
    province = User.objects.get(username="gd_admin")
    client.force_login(province)
    otp_verified(client, province)  # the demo's province account has an authenticator
    lists = _paginated_lists(client.get("/api/v1/openapi.json").json())
    assert len(lists) >= 15, lists
    costs: dict[str, tuple[int, int, int, int]] = {}
    for path in lists:
        _read(client, path, 2)  # caches and lazily loaded data warm up first
        small, small_items = _read(client, path, 2)
        large, large_items = _read(client, path, 50)
        costs[path] = (small, small_items, large, large_items)
    growing = {p: c for p, c in costs.items() if c[2] > c[0]}
    assert not growing, f"每行多出查询的列表（2 条的查询数、条数，50 条的查询数、条数）：{growing}"
    # The comparison means something only where the larger page really holds more rows.
    compared = [p for p, c in costs.items() if c[3] > c[1]]
    assert len(compared) >= 10, costs
