"""The service log form, with its village picker and photo field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm
from baiqianwan.regions.widgets import DivisionField, DivisionPicker

from ..rounds.forms import id_filter
from .models import Activity, LogStatus

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LogFilterForm(FilterForm):
    """The filters of the service log list, its export and the API's list."""

    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *LogStatus.choices]
    )
    team_id = id_filter(_("团队"))
    assignment_id = id_filter(_("派驻安排"))
    q = forms.CharField(label=_("搜索"), required=False, max_length=40)
    date_from = forms.DateField(label=_("开始日期"), required=False)
    date_to = forms.DateField(label=_("结束日期"), required=False)
    waiting_for_me = forms.BooleanField(label=_("只看等我确认的"), required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked by the service, not here."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class VillagePicker(DivisionPicker):
    """The picker rooted at the team's town: one list of its villages, one of which must be chosen."""

    template_name = "commissioners/widgets/village_picker.html"

    def __init__(self, *, town: Any):
        super().__init__(root=town.code, max_level="village")
        self.town_name = town.name

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["town_name"] = self.town_name
        return context


DAY_CHOICES = [("1", _("1 天")), ("0.5", _("半天（0.5 天）"))]


class LogForm(forms.Form):
    served_on = forms.DateField(label=_("服务日期"), widget=DATE_INPUT)
    activity = forms.ChoiceField(label=_("服务内容"), choices=[("", _("请选择")), *Activity.choices])
    days = forms.ChoiceField(label=_("在岗天数"), choices=DAY_CHOICES, widget=forms.RadioSelect, initial="1")
    people_trained = forms.IntegerField(
        label=_("培训人数"),
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )
    problems_solved = forms.IntegerField(
        label=_("解决问题数"),
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )
    description = forms.CharField(
        label=_("服务情况"),
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("做了什么、为谁服务、解决了什么问题")}),
    )
    latitude = forms.DecimalField(label=_("纬度"), required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(label=_("经度"), required=False, widget=forms.HiddenInput)
    photos = MultipleFileField(label=_("现场照片"), required=False)

    def __init__(self, *args: Any, town: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        village = DivisionField(
            label=gettext("服务村（社区）"), root=town.code, min_level="village", max_level="village"
        )
        village.widget = VillagePicker(town=town)
        village.error_messages["invalid_choice"] = gettext("请选择{name}下辖的村（社区）").format(
            name=town.name
        )
        self.fields = {"served_on": self.fields.pop("served_on"), "village": village, **self.fields}
        self.fields["served_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "served_on": data["served_on"],
            "village_code": data["village"].code,
            "activity": data["activity"],
            "days": data["days"],
            "people_trained": data.get("people_trained") or 0,
            "problems_solved": data.get("problems_solved") or 0,
            "description": data["description"],
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
        }
