from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm
from baiqianwan.regions.widgets import DivisionField

from .engine.definition import CallType
from .models import ApplicationStatus, CallStatus

MAX_PARTNER_ROWS = 3


class CallFilterForm(FilterForm):
    q = forms.CharField(label=_("指南名称或申报类型"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *CallStatus.choices]
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2020, max_value=2040)


class ApplicationFilterForm(FilterForm):
    q = forms.CharField(label=_("申报名称、编号或单位"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ApplicationStatus.choices]
    )


class CarrierFilterForm(FilterForm):
    q = forms.CharField(label=_("载体名称、依托单位或领域"), required=False, max_length=60)
    kind = forms.CharField(label=_("载体类型"), required=False, max_length=30)
    east_west_north = forms.BooleanField(label=_("只看粤东西北"), required=False)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CallForm(forms.Form):
    call_type = forms.ChoiceField(label=_("申报类型"))
    title = forms.CharField(
        label=_("指南名称"), max_length=120, help_text=_("如：2025年度广东省工程技术研究中心认定")
    )
    year = forms.IntegerField(label=_("年度"), min_value=2020, max_value=2040)
    guide = forms.CharField(
        label=_("申报指南"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        required=False,
        help_text=_("支持方向、申报条件、材料要求和联系方式；发布前须填写"),
    )
    opens_at = forms.DateTimeField(label=_("开始申报"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("申报截止"), widget=DateTimeInput())
    places = forms.IntegerField(label=_("拟支持数量"), required=False, min_value=0, max_value=100000)
    reviewers_per_application = forms.IntegerField(
        label=_("每项评审专家数"), min_value=1, max_value=15, initial=5
    )
    blind = forms.BooleanField(label=_("匿名评审（专家看不到申报单位和人员）"), required=False)
    publicity_days = forms.IntegerField(label=_("公示天数"), min_value=1, max_value=30, initial=7)
    auto_provisional = forms.BooleanField(
        label=_("评审完成后自动拟定"),
        required=False,
        help_text=_("最后一份评分表提交后，按拟支持数量和评审规则自动拟定结果；拟定结果在公示前仍可调整"),
    )

    def __init__(self, *args: Any, call_types: list[tuple[str, str]], editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["call_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = call_types
        if editing:
            del self.fields["call_type"]


def _answer_field(spec: Any) -> forms.Field:
    """A form field for one question of the call type; the engine types and checks the answer."""
    label = f"{spec.label}（{spec.unit}）" if spec.unit else spec.label
    common: dict[str, Any] = {"label": label, "required": False, "help_text": spec.help}
    if spec.type in ("integer", "decimal"):
        attrs = {"inputmode": "decimal" if spec.type == "decimal" else "numeric"}
        return forms.CharField(max_length=30, widget=forms.TextInput(attrs=attrs), **common)
    if spec.type == "choice":
        return forms.ChoiceField(choices=[("", "—"), *[(c, c) for c in spec.choices]], **common)
    if spec.type == "boolean":
        return forms.ChoiceField(choices=[("", "—"), ("是", _("是")), ("否", _("否"))], **common)
    if spec.type == "region":
        return DivisionField(min_level="county", **common)
    widget = forms.Textarea(attrs={"rows": 4}) if spec.max_length > 200 else forms.TextInput()
    return forms.CharField(max_length=spec.max_length, widget=widget, **common)


class ApplicationForm(forms.Form):
    """The call type's form, field by field, with up to three co-builders."""

    title = forms.CharField(
        label=_("申报名称"), max_length=120, help_text=_("如：广东省柚类精深加工工程技术研究中心")
    )

    def __init__(
        self,
        *args: Any,
        call_type: CallType,
        partners: Any = None,
        nominees: Any = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.call_type = call_type
        if nominees is not None:
            self.fields["applicant"] = forms.ModelChoiceField(
                label=_("被提名单位"),
                queryset=nominees,
                help_text=_("从单位名录中选择；名录中没有的单位请先由所在地科技部门登记"),
            )
        for spec in call_type.fields:
            self.fields[f"v_{spec.code}"] = _answer_field(spec)
        partner_specs = [spec for spec in call_type.fields if spec.partners]
        self.partner_rows: list[list[str]] = []
        if partner_specs and partners is not None:
            for row in range(1, MAX_PARTNER_ROWS + 1):
                names = [f"p{row}_organisation"]
                self.fields[names[0]] = forms.ModelChoiceField(
                    label=f"{call_type.partner_label} {row}",
                    queryset=partners,
                    required=False,
                    empty_label=_("（不填）"),
                )
                for spec in partner_specs:
                    name = f"p{row}_{spec.code}"
                    self.fields[name] = _answer_field(spec)
                    names.append(name)
                self.partner_rows.append(names)

    def answers(self) -> dict[str, Any]:
        values = {}
        for spec in self.call_type.fields:
            value = self.cleaned_data.get(f"v_{spec.code}")
            if spec.type == "region" and value is not None:
                value = value.code
            values[spec.code] = value
        return values

    def partners(self) -> list[tuple[int, dict[str, Any]]]:
        rows = []
        for names in self.partner_rows:
            organisation = self.cleaned_data.get(names[0])
            if organisation is None:
                continue
            values = {name.split("_", 1)[1]: self.cleaned_data.get(name) for name in names[1:]}
            rows.append((organisation.pk, values))
        return rows

    def answer_fields(self) -> list[Any]:
        return [self[f"v_{spec.code}"] for spec in self.call_type.fields]

    def partner_fieldsets(self) -> list[list[Any]]:
        return [[self[name] for name in names] for names in self.partner_rows]

    def field_for_error(self, code: str) -> str | None:
        """Where a service error about answer `code` (or `partners.N.code`) is shown."""
        if code.startswith("partners."):
            parts = code.split(".")
            row = parts[1]
            name = f"p{row}_{parts[2]}" if len(parts) > 2 else f"p{row}_organisation"
            return name if name in self.fields else None
        name = f"v_{code}"
        return name if name in self.fields else (code if code in self.fields else None)


class AttachmentForm(forms.Form):
    spec = forms.ChoiceField(label=_("材料"))
    file = forms.FileField(label=_("文件"))

    def __init__(self, *args: Any, call_type: CallType, **kwargs: Any):
        super().__init__(*args, **kwargs)
        spec = self.fields["spec"]
        assert isinstance(spec, forms.ChoiceField)
        spec.choices = [
            (a.code, f"{a.label}（{'/'.join(a.kinds).upper()}，≤{a.max_mb} MB）")
            for a in call_type.attachments
        ]


class StepForm(forms.Form):
    action = forms.CharField(max_length=20)
    note = forms.CharField(
        label=_("说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, min_value=0)


class CallTypeUploadForm(forms.Form):
    file = forms.FileField(
        label=_("定义文件（JSON）"), help_text=_("格式 baiqianwan.call-type/1；出错时逐条列出问题")
    )
    note = forms.CharField(label=_("版本说明"), max_length=200, required=False)


class ObjectionForm(forms.Form):
    application = forms.ChoiceField(label=_("针对的项目"), required=False)
    name = forms.CharField(label=_("异议人（姓名或单位）"), max_length=40)
    contact = forms.CharField(label=_("联系电话或邮箱"), max_length=40)
    reason = forms.CharField(
        label=_("异议的事实和理由"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, listed: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("整个名单")),
            *[(str(pk), label) for pk, label in listed],
        ]


class ObjectionAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("核查情况和处理意见"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    upheld = forms.BooleanField(label=_("异议成立"), required=False)


class DecisionForm(forms.Form):
    decision_number = forms.CharField(
        label=_("决定文号"), max_length=60, help_text=_("如：粤科函农字〔2025〕123号")
    )
