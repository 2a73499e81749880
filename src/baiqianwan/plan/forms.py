from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm

from .services import PERIOD_RE


class ReportFilterForm(FilterForm):
    measure = forms.CharField(label=_("工作举措编号"), required=False, max_length=20)
    period = forms.CharField(
        label=_("报告期"), required=False, max_length=10, help_text=_("如 2025、2025H1 或 2025Q3")
    )

    def clean_period(self) -> str:
        period = self.cleaned_data["period"].strip().upper()
        if period and not PERIOD_RE.match(period):
            raise forms.ValidationError(_("报告期格式应为 2025、2025H1 或 2025Q3"))
        return period
