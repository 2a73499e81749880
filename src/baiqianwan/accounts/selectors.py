from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from baiqianwan.core.text import normalise_query

from .models import ApiToken, User


def user_list(*, user: Any, q: str = "", role: str = "", active: bool | None = None) -> QuerySet[User]:
    """Users within the acting manager's scope; non-managers see only themselves."""
    if not getattr(user, "is_manager", False):
        return User.objects.filter(pk=getattr(user, "pk", None)).select_related("division", "organisation")
    results = User.objects.for_user(user).select_related("division", "organisation")
    text = normalise_query(q)
    if text:
        results = results.filter(Q(username__icontains=text) | Q(display_name__contains=text))
    if role:
        results = results.filter(role=role)
    if active is not None:
        results = results.filter(is_active=active)
    return results.order_by("role", "username")


def user_get(*, user: Any, pk: int) -> User | None:
    return user_list(user=user).filter(pk=pk).first()


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
