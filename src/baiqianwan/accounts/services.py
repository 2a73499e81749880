"""Writes on users, passwords, two-factor devices and API tokens.

Managers act only within their own scope; the three administrators (三权分立) each act only in
their duty: the system administrator on accounts, the security administrator on roles, lockouts
and two-factor resets (rules.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.models import AuditEvent
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.models import Division

from .models import ApiToken, PasswordHistory, User
from .roles import ADMIN_ROLES, ORGANISATION_ROLES, ROLE_LEVEL, Role
from .rules import may_manage_user, may_reset_two_factor, validator_option

RECOVERY_CODE_COUNT = 10


def _check_binding(
    *, acting_user: User, role: str, division: Division | None, organisation: Organisation | None
) -> None:
    if not acting_user.manages_users:
        raise PermissionDenied(gettext("您没有管理用户的权限"))
    if role not in acting_user.creatable_roles:
        raise ValidationError(
            {"role": gettext("您不能创建或修改“{label}”角色的用户").format(label=Role(role).label)}
        )
    if role in ROLE_LEVEL and division is None:
        raise ValidationError({"division": gettext("请选择所属区划")})
    if role in ORGANISATION_ROLES and organisation is None:
        raise ValidationError({"organisation": gettext("请选择所属单位")})
    scope = acting_user.scope
    if scope.everything or acting_user.manages_all_users:
        return
    if role in ROLE_LEVEL and (division is None or not scope.covers(division.code)):
        raise ValidationError({"division": gettext("只能绑定到您管辖范围内的区划")})
    if role in ORGANISATION_ROLES and (organisation is None or not scope.covers(organisation.division_id)):
        raise ValidationError({"organisation": gettext("只能绑定到您管辖范围内的单位")})
    if division is not None and not scope.covers(division.code):
        raise ValidationError({"division": gettext("只能绑定到您管辖范围内的区划")})


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
    elif role in ADMIN_ROLES:
        division = organisation = None
    if role not in ADMIN_ROLES and (
        role not in ROLE_LEVEL
        and role not in ORGANISATION_ROLES
        and organisation is None
        and division is None
    ):
        # 特派员、专家 are bound to the manager's own area so the manager keeps seeing them.
        division = acting_user.division
    _check_binding(acting_user=acting_user, role=role, division=division, organisation=organisation)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": gettext("用户名“{username}”已被使用").format(username=username)})
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        phone=phone,
        email=email,
        division=division,
        organisation=organisation,
        created_by=acting_user,
        # The administrator knows this password: the user replaces it at the first login.
        must_change_password=True,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.full_clean()
    user.save()
    _password_history_add(user)
    with translation.override(settings.LANGUAGE_CODE):  # the audit trail is written in Chinese
        detail = f"创建用户 {username}（{Role(role).label}）"
    audit_event_record(kind=AuditEvent.Kind.PERMISSION, user=acting_user, detail=detail)
    return user


def _managed_users(acting_user: User) -> Any:
    """The accounts the acting user may change: everyone for the system administrator."""
    if acting_user.manages_all_users or acting_user.manages_security:
        return User.objects.all()
    return User.objects.for_user(acting_user, "change")


def _managed_target(*, acting_user: User, user: User, lock: bool = False) -> User:
    users = _managed_users(acting_user)
    if lock:
        users = users.select_for_update(of=("self",))
    target = users.filter(pk=user.pk).first()
    if target is None:
        raise PermissionDenied(gettext("该用户不在您的管辖范围内"))
    if target.is_superuser and not acting_user.is_superuser:
        raise PermissionDenied(gettext("超级用户账号只能由超级用户管理"))
    return target


@transaction.atomic
def user_set_active(*, acting_user: User, user: User, active: bool) -> User:
    target = _managed_target(acting_user=acting_user, user=user, lock=True)
    _check_binding(
        acting_user=acting_user, role=target.role, division=target.division, organisation=target.organisation
    )
    if target.pk == acting_user.pk and not active:
        raise ValidationError(gettext("不能停用自己的账号"))
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
    target = _managed_target(acting_user=acting_user, user=user, lock=True)
    _check_binding(
        acting_user=acting_user, role=target.role, division=target.division, organisation=target.organisation
    )
    try:
        validate_password(password, target)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    target.set_password(password)
    target.password_changed_at = timezone.now()
    target.must_change_password = True  # the administrator knows it: replaced at the next login
    target.save(update_fields=["password", "password_changed_at", "must_change_password"])
    _password_history_add(target)
    audit_event_record(
        kind=AuditEvent.Kind.PERMISSION, user=acting_user, detail=f"重置用户 {target.username} 的密码"
    )


@transaction.atomic
def user_update(
    *, acting_user: User, user: User, display_name: str, phone: str = "", email: str = ""
) -> User:
    """An administrator corrects an account's name and contact details."""
    target = _managed_target(acting_user=acting_user, user=user, lock=True)
    if not may_manage_user(acting_user, target):
        raise PermissionDenied(gettext("您不能修改该用户"))
    target.display_name, target.phone, target.email = display_name, phone, email
    target.full_clean(exclude=["password"])
    target.save(update_fields=["display_name", "phone", "email"])
    return target


@transaction.atomic
def user_change_role(
    *,
    acting_user: User,
    user: User,
    role: str,
    division: Division | None = None,
    organisation: Organisation | None = None,
) -> User:
    """The security administrator gives an account another role (and the binding that role needs).

    An account holds exactly one role, so giving it an administrator's role takes its business
    role away, and the reverse."""
    if not acting_user.manages_security:
        raise PermissionDenied(gettext("只有安全管理员可以变更用户角色"))
    target = _managed_target(acting_user=acting_user, user=user, lock=True)
    if target.pk == acting_user.pk:
        raise ValidationError({"role": gettext("不能变更自己的角色")})
    if role not in Role.values:
        raise ValidationError({"role": gettext("请选择有效的角色")})
    if role in ROLE_LEVEL:
        organisation = None
        if division is None:
            raise ValidationError({"division": gettext("请选择所属区划")})
    elif role in ORGANISATION_ROLES:
        division = None
        if organisation is None:
            raise ValidationError({"organisation": gettext("请选择所属单位")})
    elif role in ADMIN_ROLES:
        division = organisation = None
    with translation.override(settings.LANGUAGE_CODE):  # the audit trail is written in Chinese
        before = f"{target.get_role_display()}（{target.binding_label}）"
    target.role, target.division, target.organisation = role, division, organisation
    target.full_clean(exclude=["password"])
    target.save(update_fields=["role", "division", "organisation"])
    with translation.override(settings.LANGUAGE_CODE):
        after = f"{target.get_role_display()}（{target.binding_label}）"
    audit_event_record(
        kind=AuditEvent.Kind.PERMISSION,
        user=acting_user,
        detail=f"变更用户 {target.username} 的角色：{before} → {after}",
    )
    return target


def user_unlock(*, acting_user: User, username: str) -> int:
    """The security administrator lifts a login lockout before its 30 minutes are over."""
    if not acting_user.manages_security:
        raise PermissionDenied(gettext("只有安全管理员可以解除账号锁定"))
    cleared = axes_reset(username=username)
    if not cleared:
        raise ValidationError(gettext("账号 {username} 没有被锁定").format(username=username))
    audit_event_record(
        kind=AuditEvent.Kind.PERMISSION, user=acting_user, detail=f"解除账号 {username} 的登录锁定"
    )
    return cleared


# --- passwords ---------------------------------------------------------------------------------


def _password_history_add(user: User) -> None:
    """Keep the hash of the password just set, and no more than the rule needs."""
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = validator_option("PasswordHistoryValidator", "count", 5)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


@transaction.atomic
def password_change(*, user: User, password: str, request: Any = None) -> User:
    """The user sets a new password of their own (it was validated by the change form)."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from None
    user.set_password(password)
    user.password_changed_at = timezone.now()
    forced = user.must_change_password
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    _password_history_add(user)
    audit_event_record(
        kind=AuditEvent.Kind.PASSWORD,
        request=request,
        user=user,
        detail="按要求修改了初始密码" if forced else "修改了密码",
    )
    return user


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, acting_user: User, name: str, days: int = 365) -> tuple[ApiToken, str]:
    """A new token for the acting user; the raw value is shown once and only its hash is kept."""
    if not name.strip():
        raise ValidationError({"name": gettext("请填写令牌用途")})
    if not 1 <= days <= 730:
        raise ValidationError({"days": gettext("有效期应在 1 到 730 天之间")})
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
        raise PermissionDenied(gettext("找不到该令牌"))


def user_profile_update(*, acting_user: User, **changes: Any) -> User:
    for field in ("display_name", "phone", "email"):
        if field in changes:
            setattr(acting_user, field, changes[field])
    acting_user.full_clean(exclude=["password"])
    acting_user.save()
    return acting_user


# --- two-factor login (TOTP, recovery codes) ---------------------------------------------------


def _normalised_code(code: str) -> str:
    return "".join(ch for ch in code if ch not in " -\t").lower()


def _otp_attempt(device: Device, code: str) -> tuple[bool, dt.datetime | None]:
    """One verification under a row lock, so concurrent guesses share one throttle.

    Returns (accepted, throttled until): while throttled the code is not even looked at."""
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, data = locked.verify_is_allowed()
        if not allowed:
            return False, (data or {}).get("locked_until")
        return bool(locked.verify_token(code)), None


def _otp_refusal(
    *, user: User, request: Any, what: str, locked_until: dt.datetime | None, message: str
) -> ValidationError:
    if locked_until is not None:
        wait = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
        detail = f"{what}：尝试过于频繁，已暂停 {wait} 秒"
        message = gettext("验证码错误次数过多，请 {seconds} 秒后再试").format(seconds=wait)
    else:
        detail = f"{what}：验证码错误"
    audit_event_record(kind=AuditEvent.Kind.OTP_FAILED, request=request, user=user, detail=detail)
    return ValidationError({"code": message})


def otp_device_pending(*, user: User) -> TOTPDevice:
    """The key being enrolled: one unconfirmed TOTP device per user, kept while they scan it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    return device


def _recovery_codes_new(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="恢复码", defaults={"confirmed": True})
    device.token_set.all().delete()
    device.throttle_reset(commit=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(f"{code[:4]}-{code[4:]}" for code in codes)


def otp_enrol_confirm(*, user: User, code: str, request: Any = None) -> tuple[TOTPDevice, list[str]]:
    """The user proves the authenticator works with a code; two-factor login is then on, and the
    recovery codes (shown once) are returned."""
    code = _normalised_code(code)
    if not (code.isdigit() and len(code) == 6):
        raise ValidationError({"code": gettext("请输入身份验证器上显示的 6 位数字")})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise ValidationError({"code": gettext("二维码已失效，请刷新页面重新扫描")})
    accepted, locked_until = _otp_attempt(device, code)
    if not accepted:
        raise _otp_refusal(
            user=user,
            request=request,
            what="绑定身份验证器",
            locked_until=locked_until,
            message=gettext("验证码不正确：请确认扫描的是本页的二维码、手机时间准确，再输入最新的验证码"),
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.refresh_from_db()
        codes = _recovery_codes_new(user)
        audit_event_record(
            kind=AuditEvent.Kind.OTP, request=request, user=user, detail="绑定身份验证器，开启两步验证"
        )
    return device, codes


def otp_verify(*, user: User, code: str, request: Any = None) -> Device:
    """The second step of a login: a 6-digit code from the authenticator or a recovery code (used
    once). Wrong codes are throttled (1, 2, 4 … seconds) and logged."""
    code = _normalised_code(code)
    if not code:
        raise ValidationError({"code": gettext("请输入验证码")})
    device: Device | None
    if code.isdigit():
        if len(code) != 6:
            raise ValidationError({"code": gettext("验证码为 6 位数字")})
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        what, wrong = "登录验证", gettext("验证码不正确，请输入身份验证器上最新的 6 位数字")
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        what, wrong = "使用恢复码", gettext("恢复码不正确或已经用过")
    if device is None:
        missing = gettext("您没有可用的恢复码") if what == "使用恢复码" else gettext("您尚未绑定身份验证器")
        raise ValidationError({"code": missing})
    accepted, locked_until = _otp_attempt(device, code)
    if not accepted:
        raise _otp_refusal(user=user, request=request, what=what, locked_until=locked_until, message=wrong)
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        audit_event_record(
            kind=AuditEvent.Kind.OTP,
            request=request,
            user=user,
            detail=f"使用恢复码通过两步验证，还剩 {left} 个",
        )
    return device


@transaction.atomic
def otp_recovery_codes_regenerate(*, user: User, request: Any = None) -> list[str]:
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(gettext("请先开启两步验证"))
    codes = _recovery_codes_new(user)
    audit_event_record(kind=AuditEvent.Kind.OTP, request=request, user=user, detail="重新生成恢复码")
    return codes


@transaction.atomic
def otp_reset(*, acting_user: User, user: User, reason: str, request: Any = None) -> int:
    """A lost device: another administrator removes the user's authenticator and recovery codes,
    with a reason, so the user enrols again at the next login. Nobody resets their own."""
    reason = " ".join(reason.split())
    target = User.objects.select_for_update().filter(pk=user.pk).first()
    if target is None:
        raise PermissionDenied(gettext("找不到该用户"))
    if target.pk == acting_user.pk:
        raise PermissionDenied(gettext("不能重置自己的两步验证，请联系安全管理员"))
    if not may_reset_two_factor(acting_user, target):
        raise PermissionDenied(gettext("您不能重置该用户的两步验证"))
    if len(reason) < 4:
        raise ValidationError(
            {"reason": gettext("请填写重置原因（至少 4 个字），如：手机丢失，已电话核实本人身份")}
        )
    if len(reason) > 200:
        raise ValidationError({"reason": gettext("重置原因不能超过 200 个字")})
    removed = TOTPDevice.objects.filter(user=target).delete()[0]
    StaticDevice.objects.filter(user=target).delete()
    if not removed:
        raise ValidationError(gettext("该用户没有绑定身份验证器，无需重置"))
    audit_event_record(
        kind=AuditEvent.Kind.OTP,
        request=request,
        user=acting_user,
        detail=f"重置用户 {target.username} 的两步验证，原因：{reason}",
        target=target.username,
        reason=reason,
    )
    return removed
