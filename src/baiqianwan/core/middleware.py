"""Text from outside is checked for control characters once, where it enters.

Such characters break what other users download (openpyxl refuses them, so a single stored name
once made an export fail for everyone) and can spoof how text displays. The API refuses them with
a 422 naming the field, in the API's one error format; pages store the text without them, since
a person who pasted from another program cannot see what to delete."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext
from django.views.defaults import page_not_found

from .text import CONTROL_MESSAGE, has_control_characters, strip_control_characters

logger = logging.getLogger(__name__)


def _strings(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(str(key), (*path, "（字段名）"))
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            yield from _strings(item, (*path, str(index)))


def _querydict_strings(data: QueryDict) -> Iterator[tuple[tuple[str, ...], str]]:
    for key, values in data.lists():
        yield from _strings(key, ("（参数名）",))
        for value in values:
            yield (key,), value


def _api_refusal(path: tuple[str, ...]) -> JsonResponse:
    field = ".".join(path) or "请求"
    message = f"字段“{field}”{CONTROL_MESSAGE}"
    return JsonResponse(
        {"detail": message, "code": "invalid", "errors": [{"field": field, "message": CONTROL_MESSAGE}]},
        status=422,
        json_dumps_params={"ensure_ascii": False},
    )


def _cleaned(data: QueryDict) -> Any:
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(strip_control_characters(key), [strip_control_characters(v) for v in values])
    cleaned._mutable = False
    return cleaned


class ControlCharacterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.api_prefix = settings.API_PREFIX

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.api_prefix):
            refusal = self._check_api(request)
            if refusal is not None:
                return refusal
        else:
            self._clean_page(request)
        return self.get_response(request)

    def _check_api(self, request: HttpRequest) -> HttpResponse | None:
        sources: list[Iterator[tuple[tuple[str, ...], str]]] = [_querydict_strings(request.GET)]
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if request.content_type == "application/json":
                try:
                    body = json.loads(request.body or b"null")
                except (ValueError, UnicodeDecodeError):
                    body = None  # the API's own parser answers for malformed JSON
                sources.append(_strings(body))
            elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                sources.append(_querydict_strings(request.POST))
        for source in sources:
            for path, text in source:
                if has_control_characters(text):
                    return _api_refusal(path)
        return None

    def _clean_page(self, request: HttpRequest) -> None:
        if any(has_control_characters(v) for _k, vs in request.GET.lists() for v in [_k, *vs]):
            request.GET = _cleaned(request.GET)
        if request.method == "POST" and request.content_type in (
            "multipart/form-data",
            "application/x-www-form-urlencoded",
        ):
            post = request.POST
            if any(has_control_characters(v) for _k, vs in post.lists() for v in [_k, *vs]):
                request.POST = _cleaned(post)


# No inline scripts and no script from elsewhere: a stored value that slipped into a page as markup
# cannot run. 'unsafe-eval' stays for Alpine.js, which evaluates the expressions of the platform's
# own templates (no user data is written into them; see docs/decisions/0006-content-security-policy.md).
# Inline styles stay allowed: Tabler, htmx and ECharts set them, and a style cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


# Seconds a client should wait before retrying while the database is unreachable.
RETRY_AFTER_SECONDS = 5


def database_unavailable_page(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The page for a database that cannot be reached (down, restarting, locked): 503 to retry."""
    logger.warning("数据库暂不可用：%s %s：%s", request.method, request.path, exception)
    response = HttpResponse(
        gettext("数据库暂时不可用，请稍后刷新重试。"), status=503, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseErrorPageMiddleware:
    """Database errors a page cannot help, answered plainly instead of with a server error.

    A number no row can have (an id past 64 bits in a URL) is a page that does not exist: 404.
    An unreachable or locked database is temporary: 503 with ``Retry-After``, and the page says to
    try again. (The API answers both in its own JSON format, in ``api/errors.py``.) A view's error
    comes here; one raised in a middleware (the session is read before any view) reaches
    ``handler500``, which answers the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (OverflowError, DataError)):
            return page_not_found(request, Http404())
        if isinstance(exception, (OperationalError, InterfaceError)):
            return database_unavailable_page(request, exception)
        return None
