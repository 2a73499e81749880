from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import DateInput, FilterForm, YesNoFilterField
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation, OrganisationKind
from baiqianwan.regions.widgets import DivisionField

from ..forms import RegionFilterField
from ..models import EventKind, LabLevel

HOST_KINDS = (OrganisationKind.INSTITUTE, OrganisationKind.UNIVERSITY, OrganisationKind.NEW_RD)


class TransferEventFilterForm(FilterForm):
    q = forms.CharField(label=_("活动名称或主办单位"), required=False, max_length=100)
    region = RegionFilterField(label=_("活动地点"))
    kind = forms.ChoiceField(
        label=_("活动类型"), required=False, choices=[("", _("全部类型")), *EventKind.choices]
    )
    year = forms.IntegerField(label=_("年份"), required=False, min_value=2000, max_value=2100)
    east_west_north = YesNoFilterField(label=_("粤东西北"), yes=_("粤东西北"), no=_("珠三角"))


class TransferEventForm(forms.Form):
    title = forms.CharField(
        label=_("活动名称"), max_length=120, help_text=_("如：2025 年茂名荔枝保鲜技术成果发布会")
    )
    host = forms.ModelChoiceField(
        label=_("主办单位"),
        queryset=Organisation.objects.none(),
        help_text=_("省实验室、省重点实验室或其分中心；科技部门代为登记时选择"),
    )
    host_level = forms.ChoiceField(label=_("实验室类别"), choices=LabLevel.choices)
    kind = forms.ChoiceField(label=_("活动类型"), choices=EventKind.choices)
    place = DivisionField(
        label=_("活动地点"),
        min_level="county",
        help_text=_("县（市、区）、乡镇（街道）或村（居），须在广东省内；在粤东粤西粤北的自动标记"),
    )
    held_on = forms.DateField(
        label=_("活动日期"), widget=DateInput(), help_text=_("已举办的活动，不晚于今天")
    )
    industry = forms.ModelChoiceField(label=_("领域"), queryset=Industry.objects.filter(parent__isnull=False))
    attendance = forms.IntegerField(label=_("参加人数"), min_value=1, max_value=100_000)
    summary = forms.CharField(
        label=_("活动内容"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("发布或培训的内容、对接的企业和合作社、达成的意向"),
    )
    achievement_ids = forms.CharField(
        label=_("展示成果编号"),
        required=False,
        max_length=500,
        help_text=_("成果页地址中的数字，多个用逗号分隔"),
    )
    deal_ids = forms.CharField(
        label=_("后续交易编号"),
        required=False,
        max_length=500,
        help_text=_("活动后已登记的技术交易（交易页地址中的数字），多个用逗号分隔"),
    )
    publish = forms.BooleanField(label=_("保存后立即发布"), required=False, initial=True)

    def __init__(self, *args: Any, acting_user: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if getattr(acting_user, "role", "") == "org" or editing:
            del self.fields["host"]
        else:
            self.fields["host"].queryset = Organisation.all_objects.filter(  # type: ignore[attr-defined]
                kind__in=HOST_KINDS
            ).order_by("name")
        if editing:
            del self.fields["publish"]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        host = data.pop("host", None)
        place = data.pop("place", None)
        industry = data.pop("industry", None)
        return {
            **data,
            **({"host_id": host.pk} if host else {}),
            "place_code": place.code if place else "",
            "industry": industry.pk if industry else "",
        }
