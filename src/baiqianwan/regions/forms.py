from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm

from .classification import CITY_REGION, LEVEL_LABELS, REGION_LABELS, Region


class DivisionFilterForm(FilterForm):
    q = forms.CharField(label=_("名称（简体或繁体）"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("层级"),
        required=False,
        choices=[("", _("全部层级")), *[(level.value, _(label)) for level, label in LEVEL_LABELS.items()]],
    )
    within = forms.RegexField(
        label=_("区划代码前缀"), required=False, regex=r"^\d{2,12}$", help_text=_("限定在某市、县之内")
    )


def _region_choices() -> list[tuple[str, Any]]:
    """The four regions, then each city (by the first 4 digits of its code)."""
    from .models import Division

    cities = dict(Division.objects.filter(level="city").values_list("code", "name"))
    return [
        ("", _("全省")),
        *[(region.value, _(REGION_LABELS[region])) for region in Region],
        *[(prefix, cities.get(f"{prefix}00000000", prefix)) for prefix in sorted(CITY_REGION)],
    ]


class RegionFilterField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, choices=_region_choices, **kwargs)
