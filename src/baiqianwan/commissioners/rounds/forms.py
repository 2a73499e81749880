"""The forms of the round pages: a round, a town's need, a unit's nomination, the hand-made plan sheet."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy

from baiqianwan.core.forms import FilterForm
from baiqianwan.core.spreadsheets import (
    Column,
    SheetSchema,
    text_cell,
)
from baiqianwan.regions.classification import PROVINCE_CODE
from baiqianwan.regions.widgets import DivisionField
from baiqianwan.supply.models import ExpertProfile

from .models import FIELDS

FIELD_CHOICES = [(f, f) for f in FIELDS]

ID_MAX = 2**63 - 1  # the largest primary key the database holds; a larger filter is refused, not overflowed


def id_filter(label: Any) -> forms.IntegerField:
    """A filter on a record's id (``team_id``, ``round_id`` …), as the sub-apps' lists name them."""
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=ID_MAX)


def _place_filter(label: Any, digits: int, invalid: Any) -> forms.RegexField:
    """A filter on where a record lies: the first ``digits`` digits of a division code."""
    return forms.RegexField(
        label=label, required=False, regex=rf"^\d{{{digits}}}$", error_messages={"invalid": invalid}
    )


def city_filter() -> forms.RegexField:
    return _place_filter(gettext_lazy("地市"), 4, gettext_lazy("请填写 4 位地市代码，如 4414"))


def county_filter() -> forms.RegexField:
    return _place_filter(gettext_lazy("县（市、区）"), 6, gettext_lazy("请填写 6 位县级代码，如 441426"))


class RoundPartFilterForm(FilterForm):
    """The filter of a round's needs, nominations and appointments over the API."""

    round_id = id_filter(gettext_lazy("选派批次"))


class RoundForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("批次名称"), max_length=60, help_text=gettext_lazy("如：2025年第二批")
    )
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2023, max_value=2035)
    needs_due = forms.DateField(
        label=gettext_lazy("乡镇需求截止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    nominations_due = forms.DateField(
        label=gettext_lazy("单位推荐截止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    choices_due = forms.DateField(
        label=gettext_lazy("双向选择截止"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("截止后只有省科技厅可以补报或修改"),
    )
    max_age = forms.IntegerField(
        label=gettext_lazy("年龄上限（周岁）"), min_value=30, max_value=75, required=False
    )
    max_per_unit = forms.IntegerField(
        label=gettext_lazy("每个单位推荐人数上限"), min_value=1, max_value=500, required=False
    )


class NeedForm(forms.Form):
    areas = forms.MultipleChoiceField(
        label=gettext_lazy("需求领域"), choices=FIELD_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    slots = forms.IntegerField(
        label=gettext_lazy("人数（含团队负责人 1 名）"), min_value=1, max_value=10, initial=3
    )
    note = forms.CharField(label=gettext_lazy("具体需求"), max_length=300, required=False)

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        division = getattr(acting_user, "division", None)
        root = division.code if division is not None and not acting_user.is_province else PROVINCE_CODE
        self.fields["town"] = DivisionField(
            label=gettext("乡镇（街道）"), root=root, max_level="town", min_level="town"
        )
        if acting_user.role == "town":
            self.initial["town"] = acting_user.division_id


class NominationForm(forms.Form):
    expert = forms.ModelChoiceField(label=gettext_lazy("候选专家"), queryset=ExpertProfile.objects.none())
    areas = forms.MultipleChoiceField(
        label=gettext_lazy("服务领域"), choices=FIELD_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(label=gettext_lazy("可服务乡镇数"), min_value=1, max_value=5, initial=1)
    in_station_team = forms.BooleanField(label=gettext_lazy("已是驻镇帮镇扶村工作队成员"), required=False)
    in_sanzhi = forms.BooleanField(label=gettext_lazy("已是三支一扶人员"), required=False)

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        experts = ExpertProfile.objects.for_user(acting_user, "change").select_related("person")
        self.fields["expert"].queryset = experts  # type: ignore[attr-defined]


MANUAL_PLAN = SheetSchema(
    title="人工派驻方案",
    columns=[
        Column("town", "乡镇区划代码", text_cell, required=True, help="12 位代码"),
        Column("town_name", "乡镇名称", text_cell),
        Column("name", "科技特派员姓名", text_cell, required=True),
        Column("organisation", "推荐单位", text_cell, help="重名时据此区分"),
        Column("leader", "团队负责人", lambda v: text_cell(v) == gettext("是"), choices=("是", "否")),
    ],
    notes=("每行一人；同一乡镇的负责人填“是”；候选人重名时须填写推荐单位。",),
)
