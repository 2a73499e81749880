"""The 工作站 form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.classification import PROVINCE_CODE
from baiqianwan.regions.widgets import DivisionField

from ..fieldwork.forms import DATE_INPUT
from ..rounds.forms import city_filter, county_filter


class TeamFilterForm(FilterForm):
    """The filters of the team list and the API's list of teams."""

    city = city_filter()
    county = county_filter()
    q = forms.CharField(label=_("乡镇或团队名称"), required=False, max_length=40)


class WorkstationFilterForm(FilterForm):
    """The filters of the 工作站 list and the API's list of 工作站."""

    q = forms.CharField(label=_("名称、乡镇、依托单位或地址"), required=False, max_length=40)
    city = city_filter()
    county = county_filter()


class WorkstationForm(forms.Form):
    name = forms.CharField(label=_("工作站名称"), max_length=80, help_text=_("如：湖寮镇科技特派团工作站"))
    host = forms.ModelChoiceField(
        label=_("依托单位"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("（未在平台登记，填写下方名称）"),
        help_text=_("已在平台登记的单位"),
    )
    host_name = forms.CharField(
        label=_("依托单位名称"), max_length=80, required=False, help_text=_("依托单位未在平台登记时填写")
    )
    address = forms.CharField(label=_("地址"), max_length=120)
    facilities = forms.CharField(
        label=_("场地与设施"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：办公室 60 平方米、检测室、示范基地 200 亩"),
    )
    established_on = forms.DateField(label=_("建站日期"), widget=DATE_INPUT)
    latitude = forms.DecimalField(
        label=_("纬度"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.00001"}),
        help_text=_("选填，如 24.35110"),
    )
    longitude = forms.DecimalField(
        label=_("经度"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.00001"}),
        help_text=_("选填，如 116.69480"),
    )

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        division = getattr(acting_user, "division", None)
        root = division.code if division is not None and not acting_user.is_province else PROVINCE_CODE
        town = DivisionField(label=gettext("所在乡镇"), root=root, min_level="town", max_level="town")
        town.error_messages["invalid_choice"] = gettext("请选择您管辖范围内的乡镇（街道）")
        self.fields = {"name": self.fields.pop("name"), "town": town, **self.fields}
        if getattr(acting_user, "role", "") == "town":
            self.initial.setdefault("town", acting_user.division_id)
        self.fields["host"].queryset = Organisation.objects.for_user(acting_user).order_by("name")  # type: ignore[attr-defined]
