from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm

from .classification import LEVEL_LABELS


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
