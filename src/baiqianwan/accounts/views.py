from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from baiqianwan.core.forms import add_service_errors
from baiqianwan.core.pagination import BoundedPaginator

from . import rules, selectors, services
from .forms import (
    LoginForm,
    OtpCodeForm,
    OtpResetForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    RoleChangeForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from .qr import qr_svg


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    form = LoginForm(request)
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked": True},
        status=429,
    )


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _next_url(request: HttpRequest) -> str:
    """Where to go once a login step is done: the page first asked for, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


class PasswordChangeView(auth_views.PasswordChangeView):
    """The user's own password change; also the page a due change (first login, expiry) leads to."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["forced"] = getattr(self.request, "account_step", "") == rules.PASSWORD
        context["must_change"] = getattr(user, "must_change_password", False)
        context["expires_at"] = selectors.password_expiry(user=user)
        context["next"] = self.request.GET.get("next", "")
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            services.password_change(
                user=form.user, password=form.cleaned_data["new_password1"], request=self.request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("密码已修改。"))
        return redirect(_next_url(self.request))


def _require_user_list(request: HttpRequest) -> None:
    if not request.user.sees_user_list:  # type: ignore[union-attr]
        raise PermissionDenied(_("您没有管理用户的权限"))


def _require_manager(request: HttpRequest) -> None:
    if not request.user.manages_users:  # type: ignore[union-attr]
        raise PermissionDenied(_("您没有管理用户的权限"))


def _account_form(
    request: HttpRequest, target: Any, form: Any, save: Callable[..., Any], done: str | Promise, template: str
) -> HttpResponse:
    """A form on one account: accepted by the service, back to the account saying ``done``; else the
    form again with the service's refusals on its fields."""
    if request.method == "POST" and form.is_valid():
        try:
            save(acting_user=request.user, user=target, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done % {"username": target.username})
            return redirect("accounts:user_detail", target.pk)
    return render(request, template, {"form": form, "target": target})


def _target(request: HttpRequest, user_id: int) -> Any:
    target = selectors.user_get(user=request.user, pk=user_id)
    if target is None:
        raise Http404(_("找不到该用户，或其不在您的管辖范围内"))
    return target


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _require_user_list(request)
    filters = UserFilterForm(request.GET or None)
    users = selectors.user_list(user=request.user, **filters.values())
    page = BoundedPaginator(users, 20).get_page(request.GET.get("page"))
    for row in page:
        row.manageable = rules.may_manage_user(request.user, row)
    return render(request, "accounts/user_list.html", {"page": page, "filters": filters})


@login_required
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    """One account: what it is, and the actions the viewer's duty allows on it."""
    _require_user_list(request)
    target = _target(request, user_id)
    actor = request.user
    context = {
        "target": target,
        "otp": selectors.otp_status(user=target),
        "locked": selectors.locked_usernames(usernames=[target.username]),
        "expires_at": selectors.password_expiry(user=target),
        "manageable": rules.may_manage_user(actor, target) and target.pk != actor.pk,
        "role_form": RoleChangeForm(
            acting_user=actor,  # type: ignore[arg-type]
            initial={
                "role": target.role,
                "division": target.division_id,
                "organisation": target.organisation_id,
            },
        )
        if actor.manages_security and target.pk != actor.pk  # type: ignore[union-attr]
        else None,
        "otp_form": OtpResetForm() if rules.may_reset_two_factor(actor, target) else None,
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_manager(request)
    target = _target(request, user_id)
    form = UserEditForm(request.POST or None, instance=target)
    return _account_form(
        request,
        target,
        form,
        services.user_update,
        _("已保存用户 %(username)s 的信息。"),
        "accounts/user_edit.html",
    )


@login_required
def user_role(request: HttpRequest, user_id: int) -> HttpResponse:
    """The security administrator changes an account's role."""
    if not request.user.manages_security:  # type: ignore[union-attr]
        raise PermissionDenied(_("只有安全管理员可以变更用户角色"))
    target = _target(request, user_id)
    form = RoleChangeForm(
        request.POST or None,
        acting_user=request.user,  # type: ignore[arg-type]
        initial={"role": target.role, "division": target.division_id, "organisation": target.organisation_id},
    )
    return _account_form(
        request,
        target,
        form,
        services.user_change_role,
        _("已变更用户 %(username)s 的角色。"),
        "accounts/user_role.html",
    )


@login_required
@require_POST
def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    if not request.user.manages_security:  # type: ignore[union-attr]
        raise PermissionDenied(_("只有安全管理员可以解除账号锁定"))
    target = _target(request, user_id)
    try:
        services.user_unlock(acting_user=request.user, username=target.username)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已解除账号 %(username)s 的登录锁定。") % {"username": target.username})
    if request.POST.get("back") == "security":
        return redirect("accounts:security")
    return redirect("accounts:user_detail", target.pk)


@login_required
@require_POST
def otp_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """A lost device: another administrator turns the user's two-factor login off, with a reason."""
    target = _target(request, user_id)
    form = OtpResetForm(request.POST)
    if form.is_valid():
        try:
            services.otp_reset(
                acting_user=request.user,  # type: ignore[arg-type]
                user=target,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request,
                _("已重置用户 %(username)s 的两步验证，其下次登录时须重新绑定身份验证器。")
                % {"username": target.username},
            )
    else:
        messages.error(request, _("请填写重置原因"))
    return redirect("accounts:user_detail", target.pk)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The security administrator's page: password and login rules, accounts locked now."""
    if not request.user.manages_security:  # type: ignore[union-attr]
        raise PermissionDenied(_("只有安全管理员可以查看安全策略"))
    locked = selectors.locked_usernames()
    known = dict(
        selectors.user_list(user=request.user)
        .filter(username__in=[row["username"] for row in locked])
        .values_list("username", "pk")
    )
    for row in locked:
        row["user_id"] = known.get(row["username"])
    return render(request, "accounts/security.html", {"rules": selectors.password_rules(), "locked": locked})


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = UserCreateForm(request.POST or None, acting_user=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(acting_user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建用户 %(username)s。") % {"username": user.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_POST
def user_toggle(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_manager(request)
    target = _target(request, user_id)
    try:
        services.user_set_active(acting_user=request.user, user=target, active=not target.is_active)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        done = _("已停用用户 %(username)s。") if target.is_active else _("已启用用户 %(username)s。")
        messages.success(request, done % {"username": target.username})
    if request.POST.get("back") == "detail":
        return redirect("accounts:user_detail", target.pk)
    return redirect("accounts:user_list")


@login_required
def user_password(request: HttpRequest, user_id: int) -> HttpResponse:
    """A manager sets a new password for a user in their area (who forgot theirs)."""
    _require_manager(request)
    target = _target(request, user_id)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_reset_password(
                acting_user=request.user,  # type: ignore[arg-type]
                user=target,
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已重置用户 %(username)s 的密码，请通过安全渠道告知本人；其下次登录时须改为自己的密码。")
                % {"username": target.username},
            )
            return redirect("accounts:user_list")
    return render(request, "accounts/user_password.html", {"form": form, "target": target})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("个人信息已保存。"))
        return redirect("accounts:profile")
    return _profile_page(request, form)


def _profile_page(request: HttpRequest, form: Any, **extra: Any) -> HttpResponse:
    context = {
        "form": form,
        "tokens": selectors.api_token_list(user=request.user),
        "new_token": None,
        "otp": selectors.otp_status(user=request.user),
        "expires_at": selectors.password_expiry(user=request.user),
        **extra,
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    try:
        _token, raw = services.api_token_create(acting_user=request.user, name=request.POST.get("name", ""))  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("accounts:profile")
    return _profile_page(request, ProfileForm(instance=request.user), new_token=raw)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.api_token_revoke(acting_user=request.user, token_id=token_id)  # type: ignore[arg-type]
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:profile")


# --- two-factor login ---------------------------------------------------------------------------


def _secret_groups(device: Any) -> str:
    """The key in base32, in groups of four, for typing into an authenticator by hand."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator: scan the QR code (or type the key), confirm with a code, then see the
    recovery codes once. Required roles are sent here after login until they have done it."""
    user = request.user
    enabled = rules.has_confirmed_device(user)
    if enabled and not user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:otp_verify")  # replacing a device needs the current one first
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.otp_enrol_confirm(
                user=user,  # type: ignore[arg-type]
                code=form.cleaned_data["code"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            django_otp.login(request, device)
            return render(
                request,
                "accounts/otp_recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "enrolled": True},
            )
    device = services.otp_device_pending(user=user)  # type: ignore[arg-type]
    context = {
        "form": form,
        "qr": qr_svg(device.config_url),
        "secret": _secret_groups(device),
        # The account name the QR code carries: the issuer stays the platform's Chinese name (as the
        # authenticator app shows it, whatever the page's language), marked as Chinese.
        "account": format_html(
            '<span lang="zh-Hans">{}</span>:{}', settings.OTP_TOTP_ISSUER, user.get_username()
        ),
        "enabled": enabled,
        "required": user.requires_two_factor,  # type: ignore[union-attr]
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/otp_enrol.html", context)


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the code from the authenticator, or one recovery code."""
    if request.user.is_verified() or not rules.has_confirmed_device(request.user):  # type: ignore[union-attr]
        return redirect(_next_url(request))
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_verify(
                user=request.user,  # type: ignore[arg-type]
                code=form.cleaned_data["code"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            django_otp.login(request, device)
            left = selectors.otp_status(user=request.user)["recovery_codes_left"]
            if left == 0:
                messages.warning(
                    request, _("您没有可用的恢复码，手机丢失时将无法登录，请在“个人设置”中生成。")
                )
            elif left <= 3:
                messages.warning(
                    request,
                    _("您只剩 %(left)s 个恢复码，请在“个人设置”中重新生成。") % {"left": left},
                )
            return redirect(_next_url(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
@require_POST
def otp_recovery(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown once."""
    try:
        codes = services.otp_recovery_codes_regenerate(user=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("accounts:profile")
    return render(
        request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": reverse("accounts:profile")}
    )
