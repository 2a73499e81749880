from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm, YesNoFilterField
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.classification import PROVINCE_CODE
from baiqianwan.regions.widgets import DivisionField

from .models import User
from .roles import Role
from .selectors import bindable_organisations


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
        self.fields["organisation"].queryset = bindable_organisations(user=acting_user)  # type: ignore[attr-defined]


class UserFilterForm(FilterForm):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部角色")), *Role.choices])
    active = YesNoFilterField(label=_("状态"), yes=_("启用"), no=_("停用"))


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("新密码"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("至少 8 位，含大写字母、小写字母、数字、符号中的至少三类"),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "phone", "email", "notify_by_email"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not settings.NOTIFY_BY_EMAIL:
            self.fields["notify_by_email"].help_text = _("本平台尚未配置邮件服务器，目前通知只在站内显示")


class PasswordChangeForm(DjangoPasswordChangeForm):
    """The user's own password change; the rules (complexity, the last five) are checked once, by
    ``services.password_change``."""

    error_messages = {
        "password_mismatch": _("两次输入的新密码不一致"),
        "password_incorrect": _("原密码不正确，请重新输入"),
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("原密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password1"].help_text = _(
            "至少 8 位，含大写字母、小写字母、数字、符号中的至少三类，且不能是最近 5 次用过的密码"
        )
        self.fields["new_password2"].label = _("再次输入新密码")
        self.fields["new_password2"].help_text = ""

    def validate_password_for_user(self, user: Any, password_field_name: str = "password2") -> None:  # noqa: S107
        return  # services.password_change validates, so the slow hash comparisons run once


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "phone", "email"]


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "inputmode": "text",
                "spellcheck": "false",
            }
        ),
    )


class OtpResetForm(forms.Form):
    reason = forms.CharField(
        label=_("重置原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：手机丢失，已电话核实本人身份。原因记入审计日志。"),
    )


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("新角色"), choices=Role.choices)
    division = DivisionField(
        label=_("所属区划"), required=False, help_text=_("省、市、县、镇、村角色须选到对应层级的区划")
    )
    organisation = forms.ModelChoiceField(
        label=_("所属单位"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("单位用户须选择所属单位；系统、安全、审计管理员不绑定区划或单位"),
    )

    def __init__(self, *args: Any, acting_user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = bindable_organisations(user=acting_user)  # type: ignore[attr-defined]
