"""The region filter the outreach ledgers share: one of 珠三角/粤东/粤西/粤北, or a city."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baiqianwan.regions.classification import CITY_REGION, REGION_LABELS, Region


def region_q(field: str, value: str) -> Q:
    """Rows whose division ``field`` lies in a region (prd, east, west, north) or a city (4 digits)."""
    if value in {region.value for region in Region}:
        prefixes = [prefix for prefix, region in CITY_REGION.items() if region == value]
    else:
        prefixes = [value[:4]]
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def _region_choices() -> list[tuple[str, Any]]:
    from baiqianwan.regions.models import Division

    cities = dict(Division.objects.filter(level="city").values_list("code", "name"))
    return [
        ("", _("全省")),
        *[(region.value, _(REGION_LABELS[region])) for region in Region],
        *[(prefix, cities.get(f"{prefix}00000000", prefix)) for prefix in sorted(CITY_REGION)],
    ]


class RegionFilterField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, choices=_region_choices, **kwargs)


def city_names() -> dict[str, str]:
    """City names by the first four digits of their code."""
    from baiqianwan.regions.models import Division

    return {
        code[:4]: name for code, name in Division.objects.filter(level="city").values_list("code", "name")
    }
