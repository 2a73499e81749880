"""Rate limits on login, token creation and API writes, per user and per address.

Counts live in Django's cache (Redis when ``BQW_CACHE_URL`` is set, so every app server shares
them; per process in the embedded default). A request over a limit gets 429 with ``Retry-After``
— JSON in the API's error format under /api/, a short page elsewhere — and nothing runs.
The limits are settings (``RATE_LIMITS``: name → (requests, seconds)); ``BQW_RATE_LIMITS=off``
turns them off for a load or fuzz test that must not be throttled."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

from .models import client_ip

WRITES = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Exceeded:
    retry_after: int


def hit(name: str, identity: str, *, now: float | None = None) -> Exceeded | None:
    """Count one request of ``identity`` against limit ``name``; say how long to wait if over it."""
    limits = getattr(settings, "RATE_LIMITS", {})
    if not limits or name not in limits:
        return None
    allowed, window = limits[name]
    moment = time.time() if now is None else now
    slot = int(moment // window)
    key = f"ratelimit:{name}:{identity}:{slot}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > allowed:
        return Exceeded(retry_after=max(1, math.ceil((slot + 1) * window - moment)))
    return None


def _user_identity(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("bearer "):
        # The token itself is not kept, only a digest to count by.
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:24]
    return None


def _limits_for(request: HttpRequest) -> list[tuple[str, str]]:
    """The (limit, identity) pairs this request counts against."""
    address = f"address:{client_ip(request) or '-'}"
    path, method = request.path, request.method or ""
    api = path.startswith(settings.API_PREFIX)
    if api and path.startswith(f"{settings.API_PREFIX}v1/public/"):
        # The portal's records over the API: anyone may read them, counted by address.
        return [("public_api_address", address)]
    if method != "POST" and not (api and method in WRITES):
        return []
    user = _user_identity(request)
    if path == "/accounts/login/":
        return [("login_address", address)]
    if path.startswith("/public/"):
        # The portal's forms: strangers, so counted by address (a village shares one, hence generous).
        return [("portal_address", address)]
    pairs: list[tuple[str, str]] = []
    if path in ("/accounts/profile/tokens/", "/api/v1/accounts/tokens"):
        pairs += [("token_address", address)] + ([("token_user", user)] if user else [])
    if api:
        pairs += [("api_write_address", address)] + ([("api_write_user", user)] if user else [])
    return pairs


def _refusal(request: HttpRequest, exceeded: Exceeded) -> HttpResponse:
    message = gettext("操作过于频繁，请 {retry_after} 秒后再试").format(retry_after=exceeded.retry_after)
    response: HttpResponse
    if request.path.startswith(settings.API_PREFIX):
        response = JsonResponse(
            {"detail": message, "code": "rate_limited", "errors": []},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(exceeded.retry_after)
    return response


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, identity in _limits_for(request):
            exceeded = hit(name, identity)
            if exceeded is not None:
                return _refusal(request, exceeded)
        return self.get_response(request)
