"""Writes on users and API tokens. Managers act only within their own scope."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.models import AuditEvent
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.models import Division

from .models import ApiToken, User
from .roles import ORGANISATION_ROLES, ROLE_LEVEL, Role


def _check_binding(
    *, acting_user: User, role: str, division: Division | None, organisation: Organisation | None
) -> None:
    if not acting_user.is_manager:
        raise PermissionDenied("您没有管理用户的权限")
    if role not in acting_user.creatable_roles:
        raise ValidationError({"role": f"您不能创建或修改“{Role(role).label}”角色的用户"})
    if role in ROLE_LEVEL and division is None:
        raise ValidationError({"division": "请选择所属区划"})
    if role in ORGANISATION_ROLES and organisation is None:
        raise ValidationError({"organisation": "请选择所属单位"})
    scope = acting_user.scope
    if scope.everything:
        return
    prefix = scope.division_prefix or ""
    if role in ROLE_LEVEL and (division is None or not division.code.startswith(prefix)):
        raise ValidationError({"division": "只能绑定到您管辖范围内的区划"})
    if role in ORGANISATION_ROLES and (
        organisation is None or not organisation.division_id.startswith(prefix)
    ):
        raise ValidationError({"organisation": "只能绑定到您管辖范围内的单位"})
    if division is not None and not division.code.startswith(prefix):
        raise ValidationError({"division": "只能绑定到您管辖范围内的区划"})


@transaction.atomic
def user_create(
    *,
    acting_user: User,
    username: str,
    display_name: str,
    role: str,
    password: str,
    phone: str = "",
    email: str = "",
    division: Division | None = None,
    organisation: Organisation | None = None,
) -> User:
    if role in ROLE_LEVEL:
        organisation = None
    elif role in ORGANISATION_ROLES:
        division = None
    if (
        role not in ROLE_LEVEL
        and role not in ORGANISATION_ROLES
        and organisation is None
        and division is None
    ):
        # 特派员、专家 are bound to the manager's own area so the manager keeps seeing them.
        division = acting_user.division
    _check_binding(acting_user=acting_user, role=role, division=division, organisation=organisation)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用"})
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        phone=phone,
        email=email,
        division=division,
        organisation=organisation,
        created_by=acting_user,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_event_record(
        kind=AuditEvent.Kind.PERMISSION, user=acting_user, detail=f"创建用户 {username}（{Role(role).label}）"
    )
    return user


@transaction.atomic
def user_set_active(*, acting_user: User, user: User, active: bool) -> User:
    target = (
        User.objects.for_user(acting_user, "change")
        .select_for_update(of=("self",))
        .filter(pk=user.pk)
        .first()
    )
    if target is None:
        raise PermissionDenied("该用户不在您的管辖范围内")
    _check_binding(
        acting_user=acting_user, role=target.role, division=target.division, organisation=target.organisation
    )
    if target.pk == acting_user.pk and not active:
        raise ValidationError("不能停用自己的账号")
    target.is_active = active
    target.save(update_fields=["is_active"])
    audit_event_record(
        kind=AuditEvent.Kind.PERMISSION,
        user=acting_user,
        detail=f"{'启用' if active else '停用'}用户 {target.username}",
    )
    return target


@transaction.atomic
def user_reset_password(*, acting_user: User, user: User, password: str) -> None:
    target = User.objects.for_user(acting_user, "change").filter(pk=user.pk).first()
    if target is None:
        raise PermissionDenied("该用户不在您的管辖范围内")
    _check_binding(
        acting_user=acting_user, role=target.role, division=target.division, organisation=target.organisation
    )
    try:
        validate_password(password, target)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    target.set_password(password)
    target.save(update_fields=["password"])
    audit_event_record(
        kind=AuditEvent.Kind.PERMISSION, user=acting_user, detail=f"重置用户 {target.username} 的密码"
    )


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, acting_user: User, name: str, days: int = 365) -> tuple[ApiToken, str]:
    """A new token for the acting user; the raw value is shown once and only its hash is kept."""
    if not name.strip():
        raise ValidationError({"name": "请填写令牌用途"})
    if not 1 <= days <= 730:
        raise ValidationError({"days": "有效期应在 1 到 730 天之间"})
    raw = "bqw_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=acting_user,
        name=name.strip()[:60],
        digest=_token_digest(raw),
        prefix=raw[:10],
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit_event_record(
        kind=AuditEvent.Kind.PERMISSION, user=acting_user, detail=f"创建 API 令牌“{token.name}”"
    )
    return token, raw


# "最近使用" is kept to the minute: writing it on every request would make each API read a write,
# and concurrent requests with one token would queue on that row's lock.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def api_token_authenticate(*, raw: str) -> User | None:
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_token_digest(raw), revoked=False, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, acting_user: User, token_id: int) -> None:
    updated = ApiToken.objects.filter(pk=token_id, user=acting_user).update(revoked=True)
    if not updated:
        raise PermissionDenied("找不到该令牌")


def user_profile_update(*, acting_user: User, **changes: Any) -> User:
    for field in ("display_name", "phone", "email"):
        if field in changes:
            setattr(acting_user, field, changes[field])
    acting_user.full_clean(exclude=["password"])
    acting_user.save()
    return acting_user
