"""The results pages' choices as one filter form: the pages, the exports and the API read it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm

from .selectors import EAST_WEST_NORTH, REGIONS, SCORED_LEVELS


class ResultsFilterForm(FilterForm):
    """Period, level, item (index or indicator) and region of the results pages; anything left out
    or unknown falls back to the default (``selectors.selection``)."""

    period = forms.CharField(label=_("统计期"), required=False, max_length=7)
    level = forms.ChoiceField(
        label=_("层级"), required=False, choices=[("", ""), *((lv, lv) for lv in SCORED_LEVELS)]
    )
    item = forms.CharField(label=_("指数或指标编码"), required=False, max_length=60)
    region = forms.ChoiceField(
        label=_("区域"), required=False, choices=[("", ""), *((r, r) for r in (*REGIONS, EAST_WEST_NORTH))]
    )
    mine = forms.BooleanField(label=_("只看本辖区"), required=False)
    preview = forms.BooleanField(label=_("实时预览（省科技厅）"), required=False)


class RankingFilterForm(ResultsFilterForm):
    """The API's ranking: the item is called ``index``, and the system may be chosen."""

    system = forms.CharField(label=_("指标体系编码"), required=False, max_length=60)
    index = forms.CharField(label=_("指数或指标编码"), required=False, max_length=60)
    item = None  # type: ignore[assignment]
    mine = None  # type: ignore[assignment]

    field_order = ("system", "index", "level", "period", "region", "preview")


class MapFilterForm(RankingFilterForm):
    """The API's map data: the whole province, so no region."""

    region = None  # type: ignore[assignment]
