"""Idle sessions end after SESSION_IDLE_TIMEOUT_SECONDS without a request."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext

SESSION_KEY = "_last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(SESSION_KEY)
            if last_seen is not None and now - int(last_seen) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                if request.path.startswith(settings.API_PREFIX):
                    return JsonResponse(
                        {"detail": gettext("会话已超时，请重新登录"), "code": "session_expired"}, status=401
                    )
                messages.info(request, gettext("您已超过 30 分钟未操作，请重新登录。"))
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            # Refresh at most once a minute: a session write on every request would make each
            # page view a database write (and re-send the cookie) for no gain in precision.
            if last_seen is None or now - int(last_seen) >= 60:
                request.session[SESSION_KEY] = now
        return self.get_response(request)
