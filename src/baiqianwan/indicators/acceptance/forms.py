"""Forms of 专业镇验收: the evaluation's filters (pages, export and API) and the weights."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm

from .selectors import Dimension


class AcceptanceFilterForm(FilterForm):
    """The year, city and system version of the evaluation; a bad or unknown year falls back to the
    default year on the pages."""

    year = forms.RegexField(label=_("年度"), required=False, regex=r"^\d{4}$")
    city = forms.RegexField(label=_("地级市区划代码"), required=False, regex=r"^\d{12}$")
    version = forms.CharField(label=_("体系版本内容摘要（至少前 8 位）"), required=False, max_length=64)
    mine = forms.BooleanField(label=_("只看本辖区"), required=False)
    # Towns marked 专业镇 that have not reported are many: the page lists them only when asked for.
    missing = forms.BooleanField(label=_("列出未报送的专业镇"), required=False)


class AcceptanceResultsFilterForm(AcceptanceFilterForm):
    """The API's results: every participating town, those that have not reported among them."""

    missing = None  # type: ignore[assignment]


class WeightsForm(forms.Form):
    """One field per dimension; the service checks the sum and stores the new version."""

    note = forms.CharField(label=_("调整说明"), required=False, max_length=100)

    def __init__(self, *args: Any, dimensions: list[Dimension], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for dim in dimensions:
            self.fields[dim.code] = forms.CharField(
                label=dim.name,
                initial=f"{dim.weight:g}",
                widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
            )
        self.fields["note"].widget.attrs["class"] = "form-control"
        self.order_fields([*(d.code for d in dimensions), "note"])

    def weights(self) -> dict[str, str]:
        return {d.code: self.cleaned_data.get(d.code, "") for d in self.dimensions}
