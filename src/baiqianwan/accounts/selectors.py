from __future__ import annotations

import datetime as dt
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from baiqianwan.core.text import normalise_query
from baiqianwan.orgs.models import Organisation

from .models import ApiToken, PasswordHistory, User
from .rules import password_expires_at, validator_option


def user_list(*, user: Any, q: str = "", role: str = "", active: bool | None = None) -> QuerySet[User]:
    """Users within the acting manager's scope (every account for the system and security
    administrators); anyone else sees only themselves."""
    if not getattr(user, "sees_user_list", False):
        return User.objects.filter(pk=getattr(user, "pk", None)).select_related("division", "organisation")
    everyone = user.manages_all_users or user.manages_security
    results = (User.objects.all() if everyone else User.objects.for_user(user)).select_related(
        "division", "organisation"
    )
    text = normalise_query(q)
    if text:
        results = results.filter(Q(username__icontains=text) | Q(display_name__contains=text))
    if role:
        results = results.filter(role=role)
    if active is not None:
        results = results.filter(is_active=active)
    return results.order_by("role", "username")


def bindable_organisations(*, user: Any) -> QuerySet[Organisation]:
    """Organisations an account may be bound to: those in the manager's scope, or every one for the
    system and security administrators (who see no other organisation data)."""
    if getattr(user, "manages_all_users", False) or getattr(user, "manages_security", False):
        return Organisation.all_objects.order_by("name")
    return Organisation.objects.for_user(user).order_by("name")


def user_get(*, user: Any, pk: int) -> User | None:
    return user_list(user=user).filter(pk=pk).first()


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def recent_password_hashes(*, user: Any, count: int) -> list[str]:
    """The hashes of the user's last ``count`` passwords, the current one first."""
    hashes: list[str] = []
    if getattr(user, "pk", None):
        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[:count]
        )
    current = getattr(user, "password", "")
    if current and current not in hashes:
        hashes = [current, *hashes][:count]
    return hashes


def otp_status(*, user: Any) -> dict[str, Any]:
    """What the profile page and the API say about a user's two-factor login."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()
    return {
        "enabled": device is not None,
        "required": bool(user.requires_two_factor),
        "enrolled_at": device.created_at if device else None,
        "last_used_at": device.last_used_at if device else None,
        "recovery_codes_left": StaticToken.objects.filter(
            device__user_id=user.pk, device__confirmed=True
        ).count()
        if device
        else 0,
    }


def _lockout_window() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))


def locked_usernames(*, usernames: list[str] | None = None) -> list[dict[str, Any]]:
    """Accounts locked now by repeated failed logins (django-axes), newest first."""
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=_lockout_window()
    ).exclude(username=None)
    if usernames is not None:
        attempts = attempts.filter(username__in=usernames)
    locked: dict[str, dict[str, Any]] = {}
    for attempt in attempts.order_by("-attempt_time"):
        locked.setdefault(
            attempt.username,
            {
                "username": attempt.username,
                "failures": attempt.failures_since_start,
                "at": attempt.attempt_time,
                "until": attempt.attempt_time + dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME)),
                "ip": attempt.ip_address,
            },
        )
    return list(locked.values())


def password_rules() -> dict[str, Any]:
    """The password and login rules in force, as the deployment configured them (read-only)."""
    return {
        "expiry_days": settings.PASSWORD_EXPIRY_DAYS,
        "history": validator_option("PasswordHistoryValidator", "count", 0),
        "min_length": validator_option("MinimumLengthValidator", "min_length", 8),
        "lockout_failures": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(float(settings.AXES_COOLOFF_TIME) * 60),
        "idle_minutes": settings.SESSION_IDLE_TIMEOUT_SECONDS // 60,
        "require_2fa": settings.REQUIRE_2FA,
    }


def password_expiry(*, user: Any) -> dt.datetime | None:
    return password_expires_at(user)
