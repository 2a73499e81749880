from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from baiqianwan.core.notifications import unread_count

from .navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu and the bell's count, worked out only when a template shows them (the page
    frame does; the fragments htmx fetches into it do not)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    step = getattr(request, "account_step", "")
    if step:  # a login step is still owed (second factor, password change): nothing else to offer
        return {"menu": [], "account_step": step}
    return {
        "menu": cache(lambda: menu_for(user, request.path)),
        "unread_notifications": cache(lambda: unread_count(user=user)),
    }
