"""Forms of the collection pages: the entry form, the upload, list filters, review actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy

from baiqianwan.core.forms import FilterForm

from ..engine import DataElement
from .models import SubmissionStatus
from .selectors import STATUS_FILTERS


def shown_value(element: DataElement, value: Any) -> Any:
    """A stored value as a form or a template shows it: yes/no as 是/否, whole numbers without “.0”."""
    if value is None:
        return ""
    if element.kind == "yes_no":
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _shown_translated(element: DataElement, value: Any) -> Any:
    """A stored value as the page shows it: yes/no in the language in use."""
    shown = shown_value(element, value)
    return gettext(shown) if element.kind == "yes_no" and shown else shown


class EntryForm(forms.Form):
    """One input per data element. Every field is text: the service reads and checks each value
    by its element's kind, so the form and the Excel upload give the same messages."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirmed = forms.BooleanField(label=gettext_lazy("已核实"), required=False)

    def __init__(self, *args: Any, elements: list[DataElement], readonly: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.elements = elements
        for element in elements:
            attrs: dict[str, Any] = {"class": "form-control", "aria-label": element.name}
            field: forms.Field
            if element.kind == "yes_no":
                field = forms.CharField(
                    widget=forms.Select(
                        choices=[("", gettext("未填")), ("是", gettext("是")), ("否", gettext("否"))],
                        attrs={"class": "form-select"},
                    )
                )
            elif element.kind == "text":
                field = forms.CharField(widget=forms.Textarea(attrs={**attrs, "rows": 2, "maxlength": 500}))
            else:
                placeholder = "0–100" if element.kind == "percent" else ""
                field = forms.CharField(
                    widget=forms.TextInput(
                        attrs={
                            **attrs,
                            "inputmode": "decimal",
                            "placeholder": placeholder,
                            "autocomplete": "off",
                        }
                    )
                )
            field.required = False
            field.label = element.name
            field.help_text = element.description
            field.disabled = readonly
            self.fields[element.code] = field

    def rows(self, previous: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        previous = previous or {}
        return [
            {"element": e, "field": self[e.code], "previous": _shown_translated(e, previous.get(e.code))}
            for e in self.elements
        ]

    def values(self) -> dict[str, Any]:
        return {e.code: self.cleaned_data.get(e.code) for e in self.elements}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("填好的模板（.xlsx）"),
        help_text=gettext_lazy("任何一格有错，整个文件都不会导入。"),
    )


class UnitFilterForm(FilterForm):
    """The units of a data set and period: by status, region and name or code."""

    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=[("", ""), *STATUS_FILTERS]
    )
    region = forms.RegexField(label=gettext_lazy("区域"), required=False, regex=r"^\d{12}$")
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100)
    job = forms.IntegerField(label=gettext_lazy("导入任务"), required=False, min_value=1)


class ReviewFilterForm(FilterForm):
    """The review queue: by data set and period."""

    dataset = forms.CharField(label=gettext_lazy("报表"), required=False, max_length=60)
    period = forms.CharField(label=gettext_lazy("统计期"), required=False, max_length=7)


class SubmissionFilterForm(FilterForm):
    """The API's list of submissions: by data set, period and status."""

    dataset = forms.CharField(label=gettext_lazy("报表编码"), required=False, max_length=60)
    period = forms.CharField(label=gettext_lazy("统计期"), required=False, max_length=7)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=[("", ""), *SubmissionStatus.choices]
    )


class LockExceptionForm(forms.Form):
    days = forms.IntegerField(
        min_value=0,
        error_messages={
            key: gettext_lazy("开放天数应为 1 到 30 之间的整数")
            for key in ("invalid", "required", "min_value")
        },
    )
    reason = forms.CharField(required=False)


class ReviewActionForm(forms.Form):
    """A reviewer's action: the reason (return, un-approve) and the version the page showed."""

    reason = forms.CharField(required=False)
    version = forms.IntegerField(required=False, min_value=0, max_value=10**9 - 1)

    def seen(self) -> int | None:
        return self.cleaned_data.get("version") if self.is_valid() else None
