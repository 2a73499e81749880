from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from baiqianwan.calls.forms import DateTimeInput
from baiqianwan.core.forms import FilterForm
from baiqianwan.industries.models import Industry

from . import selectors
from .models import ChangeKind, FundingSource, ProjectStatus


def money_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    """An amount in 万元, two decimals, not negative."""
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, min_value=0, **kwargs)


def plain_number(value: Decimal) -> str:
    """3000.00 as 3000 and 2.50 as 2.5: a planned value as people write it."""
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}".rstrip("0")


class DateInput(forms.DateInput):
    """A browser date picker: its value must be ISO (YYYY-MM-DD) whatever the language's date format,
    or the browser shows the field empty."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProjectFilterForm(FilterForm):
    q = forms.CharField(label=_("项目名称、编号或承担单位"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ProjectStatus.choices]
    )
    programme = forms.IntegerField(label=_("大专项"), required=False, min_value=1, widget=forms.HiddenInput)
    east_west_north = forms.BooleanField(label=_("只看粤东西北参与"), required=False)


class ProgrammeForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2020, max_value=2040)
    title = forms.CharField(
        label=_("专项名称"), max_length=120, help_text=_("如：2025年度乡村振兴科技攻关大专项")
    )
    province_budget = money_field(_("省财政资金（万元）"))
    summary = forms.CharField(
        label=_("专项说明"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class TopicForm(forms.Form):
    title = forms.CharField(label=_("任务名称"), max_length=80, help_text=_("如：蜜柚黄龙病绿色防控关键技术"))
    problem = forms.CharField(
        label=_("需解决的技术问题"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("综合来源需求写明问题、影响范围和预期目标"),
    )
    budget = money_field(_("省财政资金上限（万元）"))
    industry = forms.ModelChoiceField(label=_("产业"), queryset=Industry.objects.all(), required=False)
    demands = forms.CharField(
        label=_("来源需求编号"),
        max_length=6000,
        help_text=_("需求编号，以逗号或空格分隔；从下方同类需求分组列入时自动填好"),
    )

    def clean_demands(self) -> list[int]:
        raw = self.cleaned_data["demands"].replace("，", ",").replace("、", ",").replace("#", "")
        ids = []
        for part in raw.replace(",", " ").split():
            if not part.isdigit() or len(part) > 10:
                raise forms.ValidationError(_("“%(value)s”不是需求编号"), params={"value": part[:20]})
            ids.append(int(part))
        if not ids:
            raise forms.ValidationError(_("请至少填写一项来源需求"))
        return ids


class PublishForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("开始申报"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("申报截止"), widget=DateTimeInput())
    guide = forms.CharField(
        label=_("申报指南正文"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("申报要求、粤东西北参与要求、材料和联系方式；任务清单随指南一并发布"),
    )


class IndicatorRowForm(forms.Form):
    name = forms.CharField(label=_("考核指标"), max_length=60)
    unit = forms.CharField(label=_("单位"), max_length=10)
    planned = forms.DecimalField(label=_("计划值"), max_digits=14, decimal_places=2, min_value=0)


class MilestoneRowForm(forms.Form):
    title = forms.CharField(label=_("进度节点"), max_length=120)
    due = forms.DateField(label=_("计划完成日期"), widget=DateInput())
    deliverable = forms.CharField(label=_("交付内容"), max_length=200, required=False)


class BudgetRowForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2020, max_value=2045)
    # A blank first choice: a select always sends a value, so without one a row left blank would
    # count as filled in and be refused for its empty year and amount.
    source = forms.ChoiceField(label=_("来源"), choices=[("", "—"), *FundingSource.choices])
    amount = money_field(_("金额（万元）"))


IndicatorFormSet = forms.formset_factory(IndicatorRowForm, extra=3, max_num=40, absolute_max=40)
MilestoneFormSet = forms.formset_factory(MilestoneRowForm, extra=3, max_num=40, absolute_max=40)
BudgetFormSet = forms.formset_factory(BudgetRowForm, extra=3, max_num=40, absolute_max=40)
CONTRACT_PARTS = ("indicators", "milestones", "budget")


def contract_rows(formset: forms.BaseFormSet) -> list[tuple[int, dict[str, Any]]]:
    """The rows filled in, each with its number on the form (blank rows are left out)."""
    return [(n, form.cleaned_data) for n, form in enumerate(formset, start=1) if form.cleaned_data]


def contract_errors(error: ValidationError) -> tuple[dict[str, list[str]], list[str]]:
    """A refusal of the contract sorted by the part it is about ("indicators", "indicators.2", ...),
    to be shown in that part's card; what concerns no part is shown above the form."""
    parts: dict[str, list[str]] = {part: [] for part in CONTRACT_PARTS}
    general: list[str] = []
    items = error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
    for key, messages in items:
        part = key.split(".", 1)[0]
        parts.get(part, general).extend(messages)
    return parts, general


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("结论"), choices=[("1", _("同意")), ("0", _("退回/不同意"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(
        label=_("意见"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


# The shortest texts the services accept, asked of the browser too (minlength), so a text too short
# is pointed out at its field before the form is sent.


class MilestoneReportForm(forms.Form):
    report = forms.CharField(
        label=_("完成情况"), min_length=10, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(label=_("佐证材料（PDF 或图片）"), required=False)


class FundCommitForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2020, max_value=2045)
    committed = money_field(_("承诺配套（万元）"))


class FundPayForm(forms.Form):
    paid = money_field(_("累计已到位（万元）"))


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("变更类型"), choices=ChangeKind.choices)
    reason = forms.CharField(
        label=_("变更理由"), min_length=10, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    new_end = forms.DateField(label=_("延期至（延期时填写）"), required=False, widget=DateInput())
    detail = forms.CharField(label=_("变更内容（预算调整、人员变更时填写）"), required=False, max_length=500)


class AcceptanceForm(forms.Form):
    summary = forms.CharField(
        label=_("自评报告"), min_length=20, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, indicators: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"achieved_{indicator.pk}"] = forms.DecimalField(
                label=f"{indicator.name}（{indicator.unit}，计划 {plain_number(indicator.planned)}）",
                max_digits=14,
                decimal_places=2,
                min_value=0,
            )
        # What was achieved, indicator by indicator, then the report on it.
        self.order_fields([*(f"achieved_{i.pk}" for i in indicators), "summary"])

    def achieved(self) -> dict[int, Any]:
        return {i.pk: self.cleaned_data.get(f"achieved_{i.pk}") for i in self.indicators}


class EnrolForm(forms.Form):
    call = forms.ModelChoiceField(
        label=_("验收批次"),
        queryset=selectors.acceptance_batches(),
        empty_label=None,
        help_text=_("专家按任务书考核指标评分；评审、公示后的决定给出通过或不通过"),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("移出原因"), max_length=500, help_text=_("如：纳入有误，改在线下验收会议验收")
    )


class AcceptanceDecisionForm(forms.Form):
    result = forms.ChoiceField(
        label=_("验收结论"),
        choices=[("passed", _("通过验收")), ("concluded", _("结题")), ("failed", _("不通过"))],
    )
    note = forms.CharField(label=_("专家验收意见"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    achievement_title = forms.CharField(label=_("成果名称（入成果库）"), required=False, max_length=120)
    achievement_abstract = forms.CharField(
        label=_("成果简介"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("通过或结题时填写；成果进入成果库，可与县镇村需求对接"),
    )
