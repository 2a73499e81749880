"""Session rules: idle sessions end after SESSION_IDLE_TIMEOUT_SECONDS without a request; a session
with a login step left (second factor, password change, enrolment) reaches only that step's page;
the three administrators reach only the pages of their duty (rules.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy

from .rules import OTP_ENROL, OTP_VERIFY, STEP_PAGES, login_step, may_open_page

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


# What a session that still has a step to take is told, on a page and through the API.
STEP_MESSAGES = {
    OTP_VERIFY: (gettext_lazy("请输入身份验证器上的验证码，完成两步验证"), "otp_required"),
    OTP_ENROL: (gettext_lazy("您的账号须开启两步验证，请先绑定身份验证器"), "otp_enrolment_required"),
}
PASSWORD_MESSAGE = (
    gettext_lazy("请先修改密码：初始密码须在首次登录时修改，密码也会定期过期"),
    "password_change_required",
)


class AccountGateMiddleware:
    """After the password, a session may still owe a step (rules.login_step); until it is taken
    only that step's page, logging out and static files answer. API calls with a bearer token are
    not session logins and pass; session calls to the API get a 401 in the API's error format."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._always_open(request):
            return self.get_response(request)
        step = login_step(user)
        request.account_step = step  # type: ignore[attr-defined]
        if not step:
            return self.get_response(request)
        page = reverse(STEP_PAGES[step])
        if request.path in (page, reverse("accounts:logout")):
            return self.get_response(request)
        message, code = STEP_MESSAGES.get(step, PASSWORD_MESSAGE)
        if request.path.startswith(settings.API_PREFIX):
            return JsonResponse(
                {"detail": str(message), "code": code, "errors": []},
                status=401,
                json_dumps_params={"ensure_ascii": False},
            )
        target = page
        if request.method == "GET" and request.path != reverse("home"):
            target = f"{page}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)

    @staticmethod
    def _always_open(request: HttpRequest) -> bool:
        if request.path.startswith((settings.STATIC_URL, "/i18n/")):
            return True
        authorization = request.headers.get("Authorization", "")
        return request.path.startswith(settings.API_PREFIX) and authorization.lower().startswith("bearer ")


class DutySeparationMiddleware:
    """三权分立: the system, security and audit administrators open only the pages of their own duty
    and of their own account (rules.may_open_page); every other page answers 403. Their API calls
    are scoped like everyone's, and their scope holds no business data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(settings.API_PREFIX):
            return
        match = request.resolver_match
        if match is not None and not may_open_page(user, match.view_name):
            raise PermissionDenied(
                gettext("您的账号是{role}，只能使用本职范围内的功能").format(role=user.get_role_display())
            )
