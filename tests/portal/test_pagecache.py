"""The portal's cached pages answered in front of Django: what is kept, for whom, and for how long."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils.http import http_date

from baiqianwan.portal import pagecache
from baiqianwan.portal.pagecache import PortalPageCache

CACHED = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "max-age=60"),
    ("Vary", "Accept-Language, Cookie"),
]


def environ(path: str = "/public/", method: str = "GET", **headers: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        **{f"HTTP_{k.upper()}": v for k, v in headers.items()},
    }


class Body:
    """A response body that records whether the server closed it (PEP 3333)."""

    def __init__(self, content: bytes) -> None:
        self.content, self.closed = content, False

    def __iter__(self) -> Iterator[bytes]:
        yield self.content

    def close(self) -> None:
        self.closed = True


class App:
    """A stand-in for Django: counts the requests it answers and says which language it was asked for."""

    def __init__(self, status: str = "200 OK", headers: list[tuple[str, str]] | None = None) -> None:
        self.status, self.headers, self.calls = status, headers if headers is not None else CACHED, 0
        self.bodies: list[Body] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.calls += 1
        start_response(self.status, list(self.headers))
        body = Body(f"page {self.calls} {environ.get('HTTP_ACCEPT_LANGUAGE', '')}".encode())
        self.bodies.append(body)
        return body


def get(app: Callable[..., Iterable[bytes]], env: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
    seen: list[Any] = []
    body = b"".join(app(env, lambda status, headers, *_: seen.extend([status, headers])))
    return seen[0], dict(seen[1]), body


def test_a_cached_page_is_answered_without_django_the_second_time() -> None:
    app = App()
    front = PortalPageCache(app)
    first = get(front, environ())
    assert app.bodies[0].closed  # Django's request_finished still runs for the stored response
    assert get(front, environ()) == first
    assert app.calls == 1


@pytest.mark.parametrize(
    "env",
    [
        environ(method="POST"),
        environ(method="HEAD"),
        environ("/demands/"),
        environ(cookie="sessionid=abc"),
        environ(cookie="csrftoken=abc; django_language=en"),
    ],
    ids=["post", "head", "outside the portal", "session", "csrf cookie"],
)
def test_only_anonymous_portal_gets_are_kept(env: dict[str, Any]) -> None:
    app = App()
    front = PortalPageCache(app)
    get(front, env)
    get(front, env)
    assert app.calls == 2
    assert not front.entries


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        ("404 Not Found", CACHED),
        ("200 OK", [("Content-Type", "text/html")]),  # a view without cache_page
        ("200 OK", [("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private")]),
        ("200 OK", [*CACHED, ("Set-Cookie", "csrftoken=abc; Path=/")]),
        ("200 OK", [CACHED[0], ("Cache-Control", "max-age=60"), ("Vary", "Accept-Language, HX-Request")]),
        ("200 OK", [CACHED[0], ("Cache-Control", "max-age=60"), ("Expires", http_date(time.time() - 5))]),
        ("200 OK", [("Content-Type", "image/jpeg"), ("Cache-Control", "public, max-age=86400")]),
    ],
    ids=["not found", "not marked", "never cache", "sets a cookie", "varies on more", "expired", "a photo"],
)
def test_only_responses_the_view_marked_cacheable_are_kept(
    status: str, headers: list[tuple[str, str]]
) -> None:
    app = App(status, headers)
    front = PortalPageCache(app)
    assert get(front, environ())[0] == status
    assert not app.bodies[0].closed  # passed through untouched: the server closes it
    get(front, environ())
    assert app.calls == 2


def test_each_language_has_its_own_page() -> None:
    app = App()
    front = PortalPageCache(app)
    chinese = get(front, environ(accept_language="zh-CN,zh;q=0.9"))[2]
    english = get(front, environ(accept_language="en-US,en;q=0.9"))[2]
    assert chinese != english
    # The same language however it is asked for: the key is the language Django would pick.
    assert get(front, environ(accept_language="zh-Hans"))[2] == chinese
    assert get(front, environ(cookie="django_language=en", accept_language="zh-CN"))[2] == english
    assert app.calls == 2


def test_a_page_is_kept_no_longer_than_cache_page_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    stamped = time.time() + 10  # the view's copy was made 50 s ago
    app = App(headers=[*CACHED, ("Expires", http_date(stamped))])
    front = PortalPageCache(app)
    get(front, environ())
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 11)
    get(front, environ())
    assert app.calls == 2


def test_an_expired_page_is_rendered_once_while_the_others_get_it_a_moment_longer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = App()
    front = PortalPageCache(app)
    first = get(front, environ())[2]
    (key,) = front.entries
    expired = front.entries[key].expires
    # Expired, and another thread is rendering it anew: this visitor gets the copy of a moment ago.
    monkeypatch.setattr(time, "time", lambda: expired + 1)
    front.refreshing.add(key)
    assert get(front, environ())[2] == first
    assert app.calls == 1
    # Nobody rendering it: this request does, and the others get the new page from then on.
    front.refreshing.clear()
    second = get(front, environ())[2]
    assert second != first
    assert app.calls == 2
    assert not front.refreshing
    # Long past its time, even while another renders it, nobody gets the old page.
    monkeypatch.setattr(time, "time", lambda: front.entries[key].expires + pagecache.STALE_SECONDS + 1)
    front.refreshing.add(key)
    assert get(front, environ())[2] not in (first, second)
    assert app.calls == 3


def test_a_body_larger_than_a_page_is_not_kept() -> None:
    class Big(App):
        def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            self.calls += 1
            start_response(self.status, list(self.headers))
            return [b"x" * (pagecache.MAX_BODY + 1)]

    app = Big()
    front = PortalPageCache(app)
    assert len(get(front, environ())[2]) == pagecache.MAX_BODY + 1
    get(front, environ())
    assert app.calls == 2
    assert not front.entries


def test_the_number_of_pages_kept_is_bounded() -> None:
    app = App()
    front = PortalPageCache(app, max_entries=3)
    for n in range(5):
        get(front, {**environ(), "QUERY_STRING": f"n={n}"})
    assert len(front.entries) == 3
    assert [key[4] for key in front.entries] == ["n=2", "n=3", "n=4"]


def test_a_page_over_https_is_not_replayed_over_http() -> None:
    app = App()
    front = PortalPageCache(app)
    get(front, environ(x_forwarded_proto="https"))  # Django adds HSTS to this one
    get(front, environ())
    assert app.calls == 2


@pytest.fixture
def django_app(world: dict[str, Any]) -> Iterator[WSGIHandler]:
    """Django's own WSGI handler on the test transaction (as the test client, it keeps the connection)."""
    cache.clear()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class Counting:
    def __init__(self, app: WSGIHandler) -> None:
        self.app = app
        self.paths: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.paths.append(environ["PATH_INFO"])
        return self.app(environ, start_response)


def test_the_portals_cached_pages_are_kept_and_its_forms_are_not(django_app: WSGIHandler) -> None:
    django = Counting(django_app)
    front = PortalPageCache(django)
    for path in ("/public/", "/public/notices/", "/public/data/", "/public/demands/new/", "/public/market/"):
        for _ in range(2):
            status, _headers, _body = get(front, environ(path, accept_language="zh-CN"))
            assert status.startswith("200"), path
    assert django.paths == [
        "/public/",
        "/public/notices/",
        "/public/data/",
        "/public/demands/new/",  # the captcha form: never cached
        "/public/demands/new/",
        "/public/market/",  # the listing search: not cached
        "/public/market/",
    ]
    english = get(front, environ("/public/", accept_language="en"))
    assert 'lang="en"' in english[2].decode()
    assert english[1]["Content-Language"] == "en"
