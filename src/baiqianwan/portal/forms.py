from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.regions.widgets import DivisionField
from baiqianwan.supply.models import TransferMode

CAPTCHA_HELP = _("请输入图中的 4 个字符（不区分大小写）；看不清可点图片换一张")


class CaptchaField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("验证码"),
            max_length=8,
            help_text=CAPTCHA_HELP,
            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "latin", "class": "captcha"}),
            **kwargs,
        )


class PublicDemandForm(forms.Form):
    title = forms.CharField(
        label=_("需要什么技术帮助"), max_length=80, help_text=_("一句话说清楚，如：沙糖桔黄龙病怎么防")
    )
    description = forms.CharField(
        label=_("详细情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("种养什么、规模多大、遇到什么问题、试过什么办法"),
    )
    division = DivisionField(
        label=_("所在地"),
        min_level="county",
        help_text=_("选到县（市、区）、乡镇或村；需求由所在县的科技部门受理"),
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=40)
    contact_phone = forms.CharField(
        label=_("手机号码"), max_length=20, help_text=_("用于联系您和查询办理进度，不会公开")
    )
    captcha = CaptchaField()


class DemandLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("查询编号"), max_length=20, help_text=_("提交后显示的编号，如 GK2612075K7M2Q")
    )
    mobile = forms.CharField(label=_("手机号码"), max_length=20, help_text=_("提交时填写的手机号码"))


class ObjectionForm(forms.Form):
    application = forms.ChoiceField(label=_("针对的项目"), required=False)
    name = forms.CharField(label=_("异议人（姓名或单位）"), max_length=40, help_text=_("实名提出"))
    contact = forms.CharField(label=_("联系方式"), max_length=40, help_text=_("电话或邮箱，用于答复和查询"))
    reason = forms.CharField(
        label=_("异议内容"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("写明事实、理由和可以核实的证据"),
    )
    evidence = forms.FileField(
        label=_("证据图片（可不传）"),
        required=False,
        help_text=_("一张 JPG 或 PNG 图片，8 MB 以内，如现场照片、材料截图"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    captcha = CaptchaField()

    def __init__(self, *args: Any, listed: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [("", _("整个名单")), *listed]  # type: ignore[attr-defined]


class ObjectionLookupForm(forms.Form):
    reference = forms.CharField(label=_("受理编号"), max_length=30)
    contact = forms.CharField(label=_("联系方式"), max_length=40, help_text=_("提出异议时填写的联系方式"))


class ListingSearchForm(forms.Form):
    q = forms.CharField(label=_("成果名称"), required=False, max_length=100)
    mode = forms.ChoiceField(
        label=_("转化方式"), required=False, choices=[("", _("全部转化方式")), *TransferMode.choices]
    )


class CaseSearchForm(forms.Form):
    q = forms.CharField(label=_("关键词（简体或繁体）"), required=False, max_length=100)
    city = forms.ChoiceField(label=_("地市"), required=False, choices=())
    industry = forms.ChoiceField(label=_("产业"), required=False, choices=())

    def __init__(
        self, *args: Any, cities: list[tuple[str, str]], industries: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("全部地市")), *cities]  # type: ignore[attr-defined]
        self.fields["industry"].choices = [("", _("全部产业")), *industries]  # type: ignore[attr-defined]
