from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm
from baiqianwan.regions.widgets import DivisionField

from .models import MAX_COUNT, ActivityKind, ReviewKind, ReviewOutcome, TownStatus


class DateInput(forms.DateInput):
    input_type = "date"


class TownFilterForm(FilterForm):
    q = forms.CharField(label=_("镇名、主导产业或产品"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *TownStatus.choices]
    )
    east_west_north = forms.BooleanField(label=_("只看粤东西北"), required=False)


class ProfileForm(forms.Form):
    leading_industry = forms.CharField(label=_("主导产业"), max_length=60, help_text=_("如：蜜柚种植与加工"))
    industry_codes = forms.CharField(
        label=_("国民经济行业代码"),
        max_length=120,
        required=False,
        help_text=_("GB/T 4754-2017，门类字母加 2–4 位数字，多个以逗号分隔，如 A0151, C1371"),
    )
    products = forms.CharField(label=_("主导产品"), max_length=300, required=False)
    platforms = forms.IntegerField(label=_("创新平台数"), min_value=0, max_value=MAX_COUNT, initial=0)
    enterprises = forms.IntegerField(label=_("高新技术企业数"), min_value=0, max_value=MAX_COUNT, initial=0)
    strengths = forms.CharField(
        label=_("创新资源与优势"),
        max_length=300,
        required=False,
        help_text=_("平台和企业擅长什么，结对时与对方的需求比对"),
    )
    needs = forms.CharField(
        label=_("技术需求"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("希望从结对镇获得的技术和经验"),
    )


class RegisterForm(ProfileForm):
    division = DivisionField(label=_("镇（街道）"), min_level="town", max_level="town")
    status = forms.ChoiceField(label=_("状态"), choices=TownStatus.choices, initial=TownStatus.CERTIFIED)
    certified_on = forms.DateField(label=_("认定日期"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DateInput())

    field_order = ["division", "status", "certified_on", "valid_until"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=TownStatus.choices)
    note = forms.CharField(
        label=_("依据"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("年度报告、中期评估或期末验收评分的结论"),
    )
    valid_until = forms.DateField(label=_("有效期至（重新认定时填写）"), required=False, widget=DateInput())


class ReviewForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("类型"), choices=ReviewKind.choices)
    outcome = forms.ChoiceField(
        label=_("结论"),
        choices=ReviewOutcome.choices,
        help_text=_("按该年度验收评价的得分和等级：不合格的不能通过；整改的，整改期满后下一年度再评"),
    )
    note = forms.CharField(label=_("意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class PairingForm(forms.Form):
    locked = forms.CharField(
        label=_("锁定的结对"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一对：珠三角镇 9 位代码-粤东西北镇 9 位代码"),
    )
    forbidden = forms.CharField(
        label=_("排除的结对"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一对，不会出现在建议中"),
    )
    min_score = forms.FloatField(
        label=_("最低关联度"), required=False, min_value=0, max_value=1, initial=0.15
    )

    def lines(self, name: str) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get(name, "").splitlines() if line.strip()]


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("合作方式"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("活动"), max_length=120)
    held_on = forms.DateField(label=_("日期"), widget=DateInput())
    summary = forms.CharField(label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    results = forms.CharField(label=_("成效"), max_length=500, required=False)


class EndForm(forms.Form):
    note = forms.CharField(label=_("结束原因"), max_length=200)
