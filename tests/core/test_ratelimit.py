"""Rate limits: login per address, token creation and API writes per user and per address;
429 with Retry-After, in the API's error format under /api/."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from baiqianwan.accounts.models import ApiToken, User
from baiqianwan.accounts.roles import Role
from baiqianwan.core import ratelimit
from baiqianwan.core.ratelimit import hit

from ..conftest import A


@pytest.fixture
def limits(settings: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[int, int]]:
    cache.clear()
    # Windows are fixed minutes: a test crossing a minute boundary would see its count reset.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_020.0))
    settings.RATE_LIMITS = {
        "login_address": (3, 60),
        "token_user": (2, 3600),
        "token_address": (30, 3600),
        "api_write_user": (4, 60),
        "api_write_address": (6, 60),
    }
    yield settings.RATE_LIMITS
    cache.clear()


def test_the_window_resets_and_tells_how_long_to_wait(limits: Any) -> None:
    assert hit("api_write_user", "user:1", now=120.0) is None
    for _ in range(3):
        hit("api_write_user", "user:1", now=121.0)
    exceeded = hit("api_write_user", "user:1", now=150.0)
    assert exceeded is not None
    assert exceeded.retry_after == 30
    assert hit("api_write_user", "user:2", now=150.0) is None  # another user has their own count
    assert hit("api_write_user", "user:1", now=181.0) is None  # the next minute starts afresh


def test_login_attempts_from_one_address_are_slowed(limits: Any, make_user: Callable[..., User]) -> None:
    make_user(Role.TOWN, A["town"], username="huliao")
    client = Client()
    statuses = [
        client.post("/accounts/login/", {"username": "huliao", "password": "wrong"}).status_code
        for _ in range(4)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    refused = client.post("/accounts/login/", {"username": "huliao", "password": "wrong"})
    assert int(refused["Retry-After"]) > 0
    assert "频繁" in refused.content.decode()
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post("/accounts/login/", {"username": "huliao", "password": "wrong"}).status_code == 200


def test_api_writes_and_token_creation_are_limited_per_user(
    limits: Any, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    user = make_user(Role.TOWN, A["town"])
    client = client_for(user)
    made = [
        client.post(
            "/api/v1/accounts/tokens", {"name": f"对接{i}", "days": 30}, content_type="application/json"
        )
        for i in range(3)
    ]
    assert [r.status_code for r in made] == [201, 201, 429]
    body = made[2].json()
    assert body["code"] == "rate_limited"
    assert "秒后再试" in body["detail"]
    assert int(made[2]["Retry-After"]) > 0
    assert ApiToken.objects.filter(user=user).count() == 2  # the refused request ran nothing
    reads = [client.get("/api/v1/jobs").status_code for _ in range(10)]
    assert set(reads) == {200}  # reads are not limited
    writes = [
        client.post("/api/v1/demands", {}, content_type="application/json").status_code for _ in range(3)
    ]
    assert writes[-1] == 429  # 2 token writes + 2 more reach the user's 4 per minute


def test_api_writes_are_limited_per_address_across_users(
    limits: Any, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    clients = [client_for(make_user(Role.TOWN, A["town"])) for _ in range(3)]
    statuses = [
        c.post("/api/v1/demands", {}, content_type="application/json").status_code
        for c in clients
        for _ in range(2)
    ]
    assert 429 not in statuses
    assert clients[0].post("/api/v1/demands", {}, content_type="application/json").status_code == 429
