from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm
from baiqianwan.industries.forms import IndustryChoiceField, IndustryFilterField
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.models import Division

from .models import Achievement, Dialect, ExpertProfile, Maturity, TransferMode
from .services import ACHIEVEMENT_FIELDS


class AchievementForm(forms.ModelForm):
    transfer_modes = forms.MultipleChoiceField(
        label=_("转化方式"), choices=TransferMode.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Achievement
        fields = ACHIEVEMENT_FIELDS  # what the service accepts, no more
        widgets = {"abstract": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["industry"] = IndustryChoiceField(label=_("应用产业"), required=False)
        organisations = Organisation.objects.for_user(acting_user, "change").order_by("name")
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if getattr(acting_user, "organisation_id", None) and not self.instance.pk:
            self.initial.setdefault("organisation", acting_user.organisation_id)


class ExpertForm(forms.ModelForm):
    industries = forms.ModelMultipleChoiceField(
        label=_("服务产业"),
        queryset=Industry.objects.filter(parent__isnull=False).order_by("position"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    dialects = forms.MultipleChoiceField(
        label=_("会讲的方言"), choices=Dialect.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ExpertProfile
        fields = ["person", "keywords", "bio", "home_city", "dialects", "availability", "is_public"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = Person.objects.for_user(acting_user, "change").select_related("organisation")
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["home_city"].queryset = Division.objects.filter(level="city")  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["person"].disabled = True
            self.initial["industries"] = list(self.instance.industries.values_list("code", flat=True))


class SupplyFilterForm(FilterForm):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    industry = IndustryFilterField()


class AchievementFilterForm(SupplyFilterForm):
    maturity = forms.ChoiceField(
        label=_("成熟度"), required=False, choices=[("", _("全部成熟度")), *Maturity.choices]
    )
