from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.scope import NO_SCOPE, Scope, ScopedQuerySet
from baiqianwan.regions.classification import prefix_of_code

from .roles import (
    ADMIN_ROLES,
    AUDIT_ROLES,
    CREATABLE_ROLES,
    MANAGER_ROLES,
    ORGANISATION_ROLES,
    PERSONAL_DATA_ROLES,
    ROLE_LEVEL,
    SECURITY_ROLES,
    TWO_FACTOR_RESET_ROLES,
    TWO_FACTOR_ROLES,
    USER_ADMIN_ROLES,
    Role,
)


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A platform user, bound to a division (region roles) or an organisation (单位 roles)."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, db_index=True)
    display_name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    division = models.ForeignKey(
        "regions.Division",
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    created_by = models.ForeignKey(
        "self", verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Password rules (等保): an account an administrator set a password for changes it at its next
    # login; every password expires PASSWORD_EXPIRY_DAYS after it was set (accounts/rules.py).
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码设置时间"), null=True, blank=True)
    notify_by_email = models.BooleanField(
        _("邮件通知"),
        default=True,
        help_text=_("平台配置了邮件服务器时，站内通知同时发到上面的邮箱"),
    )

    # Authentication must find any user, so the user manager is not empty by default; user
    # lists still go through `for_user` like every other scoped read.
    objects = ScopedUserManager()  # type: ignore[misc]

    scope_division_path = ("division", "organisation__division")
    scope_organisation_path = "organisation_id"
    scope_owner_path = "id"

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.display_name or self.username}（{self.get_role_display()}）"

    def clean(self) -> None:
        super().clean()
        level = ROLE_LEVEL.get(Role(self.role)) if self.role else None
        if level is not None:
            division = self.division
            if division is None:
                raise ValidationError(
                    {"division": _("角色“%(role)s”必须绑定所属区划") % {"role": self.get_role_display()}}
                )
            if division.level != level and not (self.role == Role.COUNTY and division.level == "city"):
                raise ValidationError(
                    {
                        "division": _("角色“%(role)s”应绑定到对应层级的区划")
                        % {"role": self.get_role_display()}
                    }
                )
        if self.role in ORGANISATION_ROLES and self.organisation_id is None:
            raise ValidationError({"organisation": _("单位用户必须绑定所属单位")})
        if self.role in ADMIN_ROLES:
            if self.is_superuser or self.is_staff:
                raise ValidationError(
                    {
                        "role": _("“%(role)s”账号不能同时是超级用户或后台管理人员（三权分立）")
                        % {"role": self.get_role_display()}
                    }
                )
            if self.division_id is not None or self.organisation_id is not None:
                raise ValidationError(
                    {"role": _("“%(role)s”不绑定区划或单位") % {"role": self.get_role_display()}}
                )

    @property
    def scope(self) -> Scope:
        if not self.is_active:
            return NO_SCOPE
        if self.is_superuser or self.role == Role.PROVINCE:
            return Scope(everything=True)
        if self.role in ROLE_LEVEL and self.division_id is not None:
            # Read from the code itself: no query for the division on every request.
            return Scope(division_prefix=prefix_of_code(self.division_id), user_id=self.pk)
        if self.role in ORGANISATION_ROLES and self.organisation_id:
            return Scope(organisation_id=self.organisation_id, user_id=self.pk)
        return Scope(user_id=self.pk)

    @property
    def is_manager(self) -> bool:
        return self.is_active and (self.is_superuser or self.role in MANAGER_ROLES)

    @property
    def is_province(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == Role.PROVINCE)

    @property
    def is_administrator(self) -> bool:
        """One of the three administrators (三权分立): their duty only, no business data."""
        return self.role in ADMIN_ROLES

    @property
    def manages_all_users(self) -> bool:
        """Creates, edits and disables accounts anywhere in the province (系统管理员)."""
        return self.is_active and (self.is_superuser or self.role in USER_ADMIN_ROLES)

    @property
    def manages_users(self) -> bool:
        return self.is_manager or self.manages_all_users

    @property
    def manages_security(self) -> bool:
        """Changes roles, unlocks accounts, resets two-factor login, sees the password rules (安全管理员)."""
        return self.is_active and (self.is_superuser or self.role in SECURITY_ROLES)

    @property
    def sees_user_list(self) -> bool:
        return self.manages_users or self.manages_security

    @property
    def resets_two_factor(self) -> bool:
        return self.is_active and (self.is_superuser or self.role in TWO_FACTOR_RESET_ROLES)

    @property
    def reads_audit_log(self) -> bool:
        return self.is_active and (self.is_superuser or self.role in AUDIT_ROLES)

    @property
    def requires_two_factor(self) -> bool:
        return settings.REQUIRE_2FA and (self.is_superuser or self.role in TWO_FACTOR_ROLES)

    @property
    def sees_personal_data(self) -> bool:
        return self.is_superuser or self.role in PERSONAL_DATA_ROLES

    @property
    def creatable_roles(self) -> tuple[Role, ...]:
        if self.is_superuser:
            return tuple(Role)
        return CREATABLE_ROLES.get(Role(self.role), ()) if self.role else ()

    @property
    def binding_label(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        if self.division is not None:
            return self.division.full_name
        if self.is_administrator:
            return str(_("全平台"))
        return "—"


class ApiToken(models.Model):
    """Token auth for other systems; only a hash of the token is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=60)
    prefix = models.CharField(_("前缀"), max_length=10)
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so none of the last PASSWORD_HISTORY_COUNT is reused."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码摘要"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
