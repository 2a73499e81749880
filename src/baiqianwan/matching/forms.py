from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm

SEARCH_KINDS = {
    "achievement": _("科技成果"),
    "expert": _("专家"),
    "institution": _("机构"),
    "demand": _("科技需求"),
}
SEARCH_TEXT_LIMIT = 500


class SearchFilterForm(FilterForm):
    q = forms.CharField(label=_("搜索"), required=False)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *SEARCH_KINDS.items()]
    )

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:SEARCH_TEXT_LIMIT]  # a long description is searched by its start
