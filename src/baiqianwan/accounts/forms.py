from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.classification import PROVINCE_CODE
from baiqianwan.regions.widgets import DivisionField

from .models import User
from .roles import Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续 5 次错误将锁定账号 30 分钟。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        regex=r"^[A-Za-z0-9_.@-]{3,150}$",
        error_messages={"invalid": _("用户名只能使用 3 位以上的字母、数字和 _ . @ -")},
    )
    display_name = forms.CharField(label=_("姓名"), min_length=2, max_length=40)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("角色"))
    division = DivisionField(
        label=_("所属区划"), required=False, help_text=_("区县、乡镇、村用户须选到对应层级")
    )
    organisation = forms.ModelChoiceField(
        label=_("所属单位"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("单位用户须选择所属单位"),
    )
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("至少 8 位，含大写字母、小写字母、数字、符号中的至少三类"),
    )

    def __init__(self, *args: Any, acting_user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in acting_user.creatable_roles]  # type: ignore[attr-defined]
        division = acting_user.division
        root = division.code if division is not None and not acting_user.is_province else PROVINCE_CODE
        self.fields["division"] = DivisionField(
            label=_("所属区划"), root=root, required=False, help_text=_("区县、乡镇、村用户须选到对应层级")
        )
        self.fields["organisation"].queryset = Organisation.objects.for_user(acting_user).order_by("name")  # type: ignore[attr-defined]


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部角色")), *Role.choices])
    active = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))]
    )


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("新密码"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("至少 8 位，含大写字母、小写字母、数字、符号中的至少三类"),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "phone", "email"]
