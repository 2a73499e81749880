from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm
from baiqianwan.regions.classification import PROVINCE_CODE
from baiqianwan.regions.widgets import DivisionField

from .models import Organisation, OrganisationKind, Person
from .services import ORGANISATION_FIELDS, PERSON_FIELDS


def _root(user: Any) -> str:
    return (
        user.division.code if getattr(user, "division_id", None) and not user.is_province else PROVINCE_CODE
    )


class OrganisationForm(forms.ModelForm):
    # The version the page showed: saving over someone else's later edit is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS  # what the service accepts, no more

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["division"] = DivisionField(
            label=_("所在地"), root=_root(acting_user), min_level="county", help_text=_("选到区县、乡镇或村")
        )
        self.fields["uscc"].help_text = _("18 位，系统按 GB 32100 校验位检查")


class OrganisationFilterForm(FilterForm):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *OrganisationKind.choices]
    )
    within = forms.RegexField(
        label=_("区划代码前缀"), required=False, regex=r"^\d{2,12}$", help_text=_("只列出此区划内的单位")
    )


class PersonFilterForm(FilterForm):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    organisation_id = forms.IntegerField(
        label=_("所在单位编号"), required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS  # what the service accepts, no more

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.for_user(acting_user, "change").order_by(  # type: ignore[attr-defined]
            "name"
        )
        self.fields["id_number"].help_text = _(
            "18 位，系统按 GB 11643 校验位检查；仅有权限的角色可见完整号码"
        )
