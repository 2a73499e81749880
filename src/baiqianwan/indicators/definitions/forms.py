"""Forms of the definitions pages: a new definition file, a report's settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class _Levels(forms.MultipleChoiceField):
    """Any level names: the service says which are allowed for the report."""

    def valid_value(self, value: str) -> bool:
        return True


class DefinitionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("指标体系定义文件（JSON）"), error_messages={"required": _("请选择指标体系定义文件（JSON）")}
    )


class DatasetSettingsForm(forms.Form):
    """The numbers are checked for range by the service; the form only reads them."""

    due_days = forms.IntegerField(required=False, error_messages={"invalid": _("请填写整数天数")})
    lock_days = forms.IntegerField(required=False, error_messages={"invalid": _("请填写整数天数")})
    approval_chain = _Levels(required=False)
    active = forms.CharField(required=False)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "due_days": -1 if data["due_days"] is None else data["due_days"],
            "lock_days": -1 if data["lock_days"] is None else data["lock_days"],
            "approval_chain": data["approval_chain"],
            "active": data["active"] == "1",
        }
