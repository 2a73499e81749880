from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import DateInput, FilterForm
from baiqianwan.core.scope import scope_of
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.industries.forms import IndustryFilterField
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Person
from baiqianwan.regions.classification import PROVINCE_CODE
from baiqianwan.regions.forms import RegionFilterField
from baiqianwan.regions.widgets import DivisionField

from ..models import CaseStatus, HonourKind, PolicyDocument, PolicyKind
from .services import people_choices


class CaseFilterForm(FilterForm):
    q = forms.CharField(label=_("关键词（简体或繁体）"), required=False, max_length=100)
    region = RegionFilterField(label=_("发生地"))
    industry = IndustryFilterField()
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *CaseStatus.choices]
    )


class CaseForm(forms.Form):
    place = DivisionField(label=_("发生地"), min_level="city")
    title = forms.CharField(
        label=_("案例标题"), max_length=80, help_text=_("如：科技特派团助大埔蜜柚防治黄龙病")
    )
    summary = forms.CharField(
        label=_("摘要"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("20 至 300 字，列表和搜索结果中显示"),
    )
    body = forms.CharField(
        label=_("案例正文"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("100 字以上：背景、做法、过程。只填文字，不能含网页标记"),
    )
    results = forms.CharField(
        label=_("取得成效"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("如：亩产提高 15%，带动 120 户增收"),
    )
    industry = forms.ModelChoiceField(
        label=_("产业"), queryset=Industry.objects.order_by("code"), required=False
    )
    demand = forms.ModelChoiceField(
        label=_("解决的需求"),
        queryset=Demand.objects.none(),
        required=False,
        help_text=_("本地区已解决的需求，公众页面显示其标题和解决情况"),
    )
    people = forms.ModelMultipleChoiceField(
        label=_("参与的科技特派员和专家"),
        queryset=Person.objects.none(),  # the people the user may name, set in __init__
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("公众页面只显示姓名和单位"),
    )

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(acting_user)
        root = PROVINCE_CODE
        if not scope.everything and scope.division_prefix:
            root = (scope.division_prefix + "0" * 12)[:12]
        self.fields["place"] = DivisionField(
            label=self.fields["place"].label,
            root=root,
            min_level="city",
            help_text=_("地市、县（市、区）、乡镇或村"),
        )
        solved = Demand.objects.for_user(acting_user).filter(
            status__in=(DemandStatus.SOLVED, DemandStatus.CLOSED), solved_at__isnull=False
        )
        self.fields["demand"].queryset = solved.order_by("-solved_at")  # type: ignore[attr-defined]
        people = people_choices(acting_user).select_related("organisation").order_by("name")
        self.fields["people"].queryset = people  # type: ignore[attr-defined]
        self.fields["people"].label_from_instance = lambda p: f"{p.name}（{p.organisation.name}）"  # type: ignore[attr-defined]


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("照片"), help_text=_("JPG 或 PNG，8 MB 以内；保存时去掉拍摄地点等信息"))
    caption = forms.CharField(label=_("图片说明"), max_length=60, required=False)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("审核意见"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回时必填"),
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("撤下原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class CommendationForm(forms.Form):
    title = forms.CharField(
        label=_("通报名称"), max_length=120, help_text=_("如：关于通报表扬 2025 年度优秀科技特派员的通知")
    )
    document_number = forms.CharField(label=_("文号"), max_length=40, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2023, max_value=2100)
    intro = forms.CharField(
        label=_("通报正文"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=HonourKind.choices)
    name = forms.CharField(label=_("名称或姓名"), max_length=80)
    organisation = forms.CharField(label=_("所在单位"), max_length=120, required=False)
    place = DivisionField(label=_("服务地"), required=False)
    reason = forms.CharField(label=_("表扬事由"), max_length=300)


class FillForm(forms.Form):
    source = forms.ChoiceField(
        label=_("从平台记录生成"),
        choices=[("commissioners", _("年度考核优秀的科技特派员")), ("projects", _("通过验收项目的承担单位"))],
    )


class PolicyFilterForm(FilterForm):
    q = forms.CharField(label=_("标题、文号或正文"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *PolicyKind.choices]
    )


class PolicyForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PolicyKind.choices)
    title = forms.CharField(label=_("标题"), max_length=120)
    issuer = forms.CharField(label=_("发布机关"), max_length=60, initial=_("广东省科学技术厅"))
    document_number = forms.CharField(label=_("文号"), max_length=40, required=False)
    issued_on = forms.DateField(label=_("发布日期"), widget=DateInput())
    interprets = forms.ModelChoiceField(
        label=_("解读的文件"),
        queryset=PolicyDocument.objects.none(),
        required=False,
        help_text=_("类型为政策解读时选择"),
    )
    body = forms.CharField(label=_("正文"), max_length=60000, widget=forms.Textarea(attrs={"rows": 16}))

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interprets"].queryset = PolicyDocument.objects.for_user(acting_user).filter(  # type: ignore[attr-defined]
            kind=PolicyKind.POLICY
        )
