from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from baiqianwan.core.forms import add_service_errors
from baiqianwan.core.pagination import BoundedPaginator

from . import selectors, services
from .forms import LoginForm, PasswordResetForm, ProfileForm, UserCreateForm, UserFilterForm


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


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("密码已修改。"))
        return super().form_valid(form)


def _require_manager(request: HttpRequest) -> None:
    if not request.user.is_manager:  # type: ignore[union-attr]
        raise PermissionDenied(_("您没有管理用户的权限"))


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    filters = UserFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    active = {"1": True, "0": False}.get(values.get("active") or "")
    users = selectors.user_list(
        user=request.user, q=values.get("q", ""), role=values.get("role", ""), active=active
    )
    page = BoundedPaginator(users, 20).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "filters": filters})


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
    target = selectors.user_get(user=request.user, pk=user_id)
    if target is None:
        raise Http404
    try:
        services.user_set_active(acting_user=request.user, user=target, active=not target.is_active)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        done = _("已停用用户 %(username)s。") if target.is_active else _("已启用用户 %(username)s。")
        messages.success(request, done % {"username": target.username})
    return redirect("accounts:user_list")


@login_required
def user_password(request: HttpRequest, user_id: int) -> HttpResponse:
    """A manager sets a new password for a user in their area (who forgot theirs)."""
    _require_manager(request)
    target = selectors.user_get(user=request.user, pk=user_id)
    if target is None:
        raise Http404(_("找不到该用户，或其不在您的管辖范围内"))
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
                _("已重置用户 %(username)s 的密码，请通过安全渠道告知本人。") % {"username": target.username},
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
    tokens = selectors.api_token_list(user=request.user)
    new_token = None
    return render(request, "accounts/profile.html", {"form": form, "tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    try:
        _token, raw = services.api_token_create(acting_user=request.user, name=request.POST.get("name", ""))  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("accounts:profile")
    form = ProfileForm(instance=request.user)
    tokens = selectors.api_token_list(user=request.user)
    return render(request, "accounts/profile.html", {"form": form, "tokens": tokens, "new_token": raw})


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
