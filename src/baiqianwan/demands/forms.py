from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm, YesNoFilterField
from baiqianwan.industries.forms import IndustryChoiceField, IndustryFilterField
from baiqianwan.regions.classification import PROVINCE_CODE
from baiqianwan.regions.widgets import DivisionField

from .models import Budget, Demand, DemandStatus, Urgency


def _root(user: Any) -> str:
    division = getattr(user, "division", None)
    return division.code if division is not None and not user.is_province else PROVINCE_CODE


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks each file's type and size."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class DemandForm(forms.ModelForm):
    photos = MultipleFileField(
        label=_("照片或材料"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        help_text=_("可选，最多 5 个 JPG/PNG 图片或 PDF，每个不超过 10 MB"),
    )

    class Meta:
        model = Demand
        fields = [
            "title",
            "description",
            "industry",
            "division",
            "contact_name",
            "contact_phone",
            "urgency",
            "budget",
        ]
        widgets = {
            "title": forms.TextInput(
                attrs={"placeholder": _("一句话说清需求，如：蜜柚园黄龙病蔓延，求防控技术")}
            ),
            "description": forms.Textarea(
                attrs={
                    "rows": 5,
                    "placeholder": _("作物或产品、规模、遇到的问题、希望得到什么帮助（繁体、简体均可）"),
                }
            ),
        }

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["industry"] = IndustryChoiceField(
            label=_("所属产业"), required=False, help_text=_("不确定可不选，县级受理时会分类")
        )
        self.fields["division"] = DivisionField(
            label=_("所在地"), root=_root(acting_user), min_level="county"
        )
        self.fields["urgency"].choices = Urgency.choices  # type: ignore[attr-defined]
        self.fields["budget"].choices = Budget.choices  # type: ignore[attr-defined]
        if not self.instance.pk:
            self.initial.setdefault("contact_name", acting_user.display_name)
            self.initial.setdefault("contact_phone", acting_user.phone)
            if acting_user.division_id and acting_user.role in ("village", "town"):
                self.initial.setdefault("division", acting_user.division_id)


class AcceptForm(forms.Form):
    industry = IndustryChoiceField(label=_("产业分类"))
    make_public = forms.BooleanField(
        label=_("公开到技术市场，供专家和单位查看"), required=False, initial=True
    )
    note = forms.CharField(label=_("受理意见"), required=False, max_length=300)


class ReasonForm(forms.Form):
    note = forms.CharField(label=_("原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    merge_into = forms.IntegerField(label=_("合并到需求编号"), min_value=1)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[(i, "★" * i) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=_("评价"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DemandFilterForm(FilterForm):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *DemandStatus.choices]
    )
    industry = IndustryFilterField()
    within = forms.RegexField(
        label=_("区划代码前缀"), required=False, regex=r"^\d{2,12}$", help_text=_("只列出此区划内的需求")
    )
    mine = YesNoFilterField(label=_("只看我填报的"), yes=_("是"), no=_("否"))
