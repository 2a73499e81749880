"""Rules of the login sequence and of the three administrators (三权分立).

After the password, a session may have steps left before it reaches the platform: a second
factor, a password change, enrolling a device. ``login_step`` names the first one;
``AccountGateMiddleware`` lets the session reach only that step's page until it is done.
The three administrators reach the pages of their own duty and their own account, nothing else
(``DutySeparationMiddleware``); their API calls reach only what their (empty) scope allows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Role

OTP_VERIFY = "otp_verify"
PASSWORD = "password"  # noqa: S105 - a step's name, not a password
OTP_ENROL = "otp_enrol"

# The page each step is taken on (URL names).
STEP_PAGES = {
    OTP_VERIFY: "accounts:otp_verify",
    PASSWORD: "accounts:password_change",
    OTP_ENROL: "accounts:otp_enrol",
}

# Pages about one's own account, open to everyone signed in.
OWN_ACCOUNT_PAGES = frozenset(
    {
        "home",
        "notifications",
        "set_language",
        "accounts:login",
        "accounts:logout",
        "accounts:profile",
        "accounts:password_change",
        "accounts:token_create",
        "accounts:token_revoke",
        "accounts:otp_enrol",
        "accounts:otp_verify",
        "accounts:otp_recovery",
        # The user guide holds no business data, and tells administrators their duty too.
        "help",
        "help_page",
    }
)
# What each administrator's duty adds to them.
DUTY_PAGES: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(
        {
            "accounts:user_list",
            "accounts:user_create",
            "accounts:user_detail",
            "accounts:user_edit",
            "accounts:user_toggle",
            "accounts:user_password",
            "system_settings",
        }
    ),
    Role.SECURITY_ADMIN: frozenset(
        {
            "accounts:user_list",
            "accounts:user_detail",
            "accounts:user_role",
            "accounts:user_unlock",
            "accounts:user_otp_reset",
            "accounts:security",
        }
    ),
    Role.AUDIT_ADMIN: frozenset({"audit"}),
}


def may_open_page(user: Any, view_name: str) -> bool:
    """Whether the user may open the page of that URL name (administrators: own duty only)."""
    if not getattr(user, "is_administrator", False):
        return True
    return view_name in OWN_ACCOUNT_PAGES or view_name in DUTY_PAGES.get(user.role, frozenset())


def has_confirmed_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def validator_option(name: str, option: str, default: int) -> int:
    """An option of a configured password validator (e.g. how many old passwords are refused)."""
    validators: list[dict[str, Any]] = getattr(settings, "AUTH_PASSWORD_VALIDATORS", [])
    for validator in validators:
        if validator["NAME"].rsplit(".", 1)[-1] == name:
            return int(validator.get("OPTIONS", {}).get(option, default))
    return default


def password_expires_at(user: Any) -> dt.datetime | None:
    days = settings.PASSWORD_EXPIRY_DAYS
    if days <= 0:
        return None
    changed = user.password_changed_at or user.date_joined
    return changed + dt.timedelta(days=days)


def password_change_due(user: Any, *, now: dt.datetime | None = None) -> bool:
    if user.must_change_password:
        return True
    expires = password_expires_at(user)
    return expires is not None and expires <= (now or timezone.now())


def login_step(user: Any) -> str:
    """The step this signed-in session must take next, or "" when it may go anywhere."""
    verified = bool(getattr(user, "is_verified", lambda: False)())
    if not verified and has_confirmed_device(user):
        return OTP_VERIFY
    if password_change_due(user):
        return PASSWORD
    if not verified and user.requires_two_factor:
        return OTP_ENROL
    return ""


def may_manage_user(actor: Any, target: Any) -> bool:
    """Whether the actor manages the target's account (edit, enable/disable, set its password).

    The list the actor sees is already scoped; this adds the role rules: a manager manages the
    roles it may create, and only a superuser manages a superuser."""
    if not actor.manages_users or (target.is_superuser and not actor.is_superuser):
        return False
    return target.role in actor.creatable_roles


def may_reset_two_factor(actor: Any, target: Any) -> bool:
    """Security administrators reset anyone's two-factor login, the province a business user's;
    nobody their own."""
    if not actor.resets_two_factor or actor.pk == target.pk:
        return False
    if target.is_superuser and not actor.is_superuser:
        return False
    return actor.manages_security or not target.is_administrator
