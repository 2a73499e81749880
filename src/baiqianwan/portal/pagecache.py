"""The portal's cached pages answered in front of Django, so a crowd of visitors does not queue.

Why: the portal's read pages (home, 公示, a listing, a case, policies, open data) are already
cached for 60 s by ``cache_page``, but a cache hit still walks the whole middleware stack
(sessions, locale, CSRF, auth, rate limits, audit …) — more than half the CPU such a request costs.
Two hundred visitors at once on two cores queued behind that far beyond 100 ms
(benchmarks/bench_portal.py). Here, at the WSGI level, the same responses are kept in the worker's
memory and replayed without entering Django.

Only what ``cache_page`` would serve to the same visitor is kept: an anonymous ``GET`` under
``/public/`` without a cookie other than the language one (a session or CSRF cookie — the captcha
and the forms — always goes through Django), answered 200 with a positive ``max-age``, nothing
``private``/``no-store``/``no-cache``, no cookie set and no ``Vary`` beyond what the key holds. The
key is the scheme, host, address and query, and the language Django would pick for the request (the
language cookie, then Accept-Language) — the parts of ``cache_page``'s key. An entry lives until
the ``Expires`` the view's ``cache_page`` stamped on it. When it expires, one request of the worker
renders it anew while the others keep getting the expired copy for at most ``STALE_SECONDS`` more:
otherwise every thread of every worker misses at the same moment once a minute, and the crowd
queues behind them (the p99 of the portal benchmark).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.http.cookie import parse_cookie
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language_from_request

PREFIX = "/public/"
MAX_ENTRIES = 256  # pages × languages; a bound, so odd query strings cannot grow memory
MAX_BODY = 1024 * 1024  # pages, not files: 256 of them stay within a few hundred MB at worst
# Pages only: a photo of a case is cached by browsers for a day, but kept here it would outlive the
# case being taken down by that day.
KEPT_TYPES = ("text/html", "application/json", "text/csv")
STALE_SECONDS = 10
# What the key covers: a response varying on anything else is not kept.
KEYED_VARY = {"accept-language", "cookie"}

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Entry:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    expires: float  # time.time()


class PortalPageCache:
    def __init__(self, app: WSGIApp, *, max_entries: int = MAX_ENTRIES) -> None:
        self.app = app
        self.max_entries = max_entries
        self.entries: dict[tuple[str, ...], Entry] = {}
        self.refreshing: set[tuple[str, ...]] = set()
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        entry = self.entries.get(key)
        now = time.time()
        if entry is not None and entry.expires > now:
            return _replay(entry, start_response)
        claimed = entry is not None and entry.expires + STALE_SECONDS > now and self._claim(key)
        if entry is not None and entry.expires + STALE_SECONDS > now and not claimed:
            return _replay(entry, start_response)  # another request is rendering it anew
        try:
            return self._render(key, environ, start_response)
        finally:
            if claimed:
                with self.lock:
                    self.refreshing.discard(key)

    def _claim(self, key: tuple[str, ...]) -> bool:
        """Whether this request is the one to render the expired page anew."""
        with self.lock:
            if key in self.refreshing:
                return False
            self.refreshing.add(key)
            return True

    def _render(
        self, key: tuple[str, ...], environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        seen: list[Any] = []

        def recording_start_response(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            seen[:] = [status, headers]
            return start_response(status, headers, *exc_info)

        result = self.app(environ, recording_start_response)
        expires = _expires(*seen) if seen else None
        if expires is None:
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # Django's request_finished (database connections) runs here
        if len(body) <= MAX_BODY:
            self._store(key, Entry(seen[0], list(seen[1]), body, expires))
        return [body]

    def _key(self, environ: dict[str, Any]) -> tuple[str, ...] | None:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "GET" or not path.startswith(PREFIX):
            return None
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if set(cookies) - {settings.LANGUAGE_COOKIE_NAME}:
            return None
        # The portal has no i18n_patterns, so LocaleMiddleware picks the language from these two.
        request: Any = SimpleNamespace(COOKIES=cookies, META=environ)
        return (
            environ.get("wsgi.url_scheme", "http"),
            environ.get("HTTP_X_FORWARDED_PROTO", ""),  # the scheme Django sees behind nginx (HSTS)
            environ.get("HTTP_HOST", ""),
            path,
            environ.get("QUERY_STRING", ""),
            get_language_from_request(request),
        )

    def _store(self, key: tuple[str, ...], entry: Entry) -> None:
        with self.lock:
            if len(self.entries) >= self.max_entries:
                now = time.time()
                self.entries = {k: e for k, e in self.entries.items() if e.expires > now}
                while len(self.entries) >= self.max_entries:
                    del self.entries[next(iter(self.entries))]  # the oldest stored
            self.entries[key] = entry


def _replay(entry: Entry, start_response: StartResponse) -> list[bytes]:
    start_response(entry.status, list(entry.headers))
    return [entry.body]


def _expires(status: str, headers: list[tuple[str, str]]) -> float | None:
    """When a response ``cache_page`` made cacheable stops being fresh; None to keep nothing."""
    if not status.startswith("200 "):
        return None
    found: dict[str, list[str]] = {}
    for name, value in headers:
        found.setdefault(name.lower(), []).append(value)
    if "set-cookie" in found:
        return None
    content_type = (found.get("content-type") or [""])[0].split(";", 1)[0].strip().lower()
    if content_type not in KEPT_TYPES:
        return None
    vary = {v.strip().lower() for value in found.get("vary", []) for v in value.split(",") if v.strip()}
    if vary - KEYED_VARY:
        return None
    control = dict(
        [*part.split("=", 1), ""][:2]
        for value in found.get("cache-control", [])
        for part in (v.strip().lower() for v in value.split(","))
        if part
    )
    if control.keys() & {"private", "no-store", "no-cache"}:
        return None
    try:
        max_age = int(control.get("max-age", ""))
    except ValueError:
        return None
    if max_age <= 0:
        return None
    now = time.time()
    stamped = parse_http_date_safe(found["expires"][0]) if "expires" in found else None
    expires = min(now + max_age, stamped) if stamped is not None else now + max_age
    return expires if expires > now else None
