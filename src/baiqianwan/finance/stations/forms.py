from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import DateInput, FilterForm, YesNoFilterField
from baiqianwan.core.scope import scope_of
from baiqianwan.orgs.models import Organisation, OrganisationKind
from baiqianwan.regions.classification import PROVINCE_CODE
from baiqianwan.regions.widgets import DivisionField

from ..filters import RegionFilterField
from ..models import ActivityKind, ServiceStation, StationLevel, StationService
from .services import host_choices

# Units that run a centre or a station: banks, bureaus, service bodies, funds.
HOST_KINDS = (
    OrganisationKind.BANK,
    OrganisationKind.GOVERNMENT,
    OrganisationKind.SOCIETY,
    OrganisationKind.FUND,
    OrganisationKind.EXTENSION,
    OrganisationKind.OTHER,
)


class StationFilterForm(FilterForm):
    q = forms.CharField(label=_("名称、所在地或运营单位"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("层级"), required=False, choices=[("", _("全部层级")), *StationLevel.choices]
    )
    region = RegionFilterField(label=_("所在地"))
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), ("open", _("运行中")), ("closed", _("已撤销"))],
    )
    east_west_north = YesNoFilterField(label=_("粤东西北"), yes=_("粤东西北"), no=_("珠三角"))


class StationForm(forms.Form):
    division = DivisionField(
        label=_("所在地"),
        help_text=_("选到地市为服务中心，选到县（市、区）、乡镇（街道）、村（居）为相应层级的服务站点"),
    )
    name = forms.CharField(label=_("名称"), max_length=120, help_text=_("如：梅州市大埔县科技金融服务站"))
    parent = forms.ModelChoiceField(
        label=_("所属服务中心"),
        queryset=ServiceStation.objects.none(),
        required=False,
        help_text=_("县、镇、村站点隶属于所在地市的服务中心；地市服务中心可隶属于省级中心"),
    )
    host = forms.ModelChoiceField(
        label=_("运营单位"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("承担站点运营的银行、服务机构等（可不填）"),
    )
    services = forms.MultipleChoiceField(
        label=_("服务内容"),
        choices=StationService.choices,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("可多选（按住 Ctrl 或 ⌘ 点选）"),
    )
    contact = forms.CharField(label=_("联系人"), max_length=40, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    opened_on = forms.DateField(label=_("设立日期"), widget=DateInput())
    is_public = forms.BooleanField(
        label=_("对所有用户公开"),
        required=False,
        initial=True,
        help_text=_("公开后各地用户可在网络地图中看到"),
    )

    def __init__(self, *args: Any, acting_user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(acting_user)
        root = PROVINCE_CODE
        if not scope.everything and scope.division_prefix:
            root = (scope.division_prefix + "0" * 12)[:12]
        self.fields["division"] = DivisionField(
            label=self.fields["division"].label,
            root=root,
            help_text=self.fields["division"].help_text,
        )
        centres = ServiceStation.objects.for_user(acting_user).filter(
            level=StationLevel.CENTRE, closed_on__isnull=True
        )
        self.fields["parent"].queryset = centres.order_by("division_id", "name")  # type: ignore[attr-defined]
        self.fields["host"].queryset = (  # type: ignore[attr-defined]
            host_choices(acting_user).filter(kind__in=HOST_KINDS).order_by("name")
        )
        if editing:
            del self.fields["division"]
            del self.fields["parent"]


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("撤销日期"), widget=DateInput())


class ActivityForm(forms.Form):
    held_on = forms.DateField(label=_("活动日期"), widget=DateInput())
    kind = forms.ChoiceField(label=_("活动类型"), choices=ActivityKind.choices)
    title = forms.CharField(
        label=_("主题"), max_length=120, help_text=_("如：2025 年县域科技型企业融资对接会")
    )
    attendance = forms.IntegerField(label=_("参加人数"), min_value=0, max_value=100_000, initial=0)
    enterprises_served = forms.IntegerField(label=_("服务企业数"), min_value=0, max_value=10_000, initial=0)
    note = forms.CharField(
        label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
