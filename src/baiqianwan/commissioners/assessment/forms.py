"""The forms of the assessment and key task pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from baiqianwan.core.forms import FilterForm

from ..rounds.forms import city_filter, id_filter
from ..rounds.models import Team
from ..teams.selectors import team_choices
from .models import Grade, KeyTaskStatus


class RecordFilterForm(FilterForm):
    """The filters of a year's assessment results, their export and the API's list of records."""

    city = city_filter()
    organisation_id = id_filter(gettext_lazy("派出单位"))
    grade = forms.ChoiceField(
        label=gettext_lazy("等次"), required=False, choices=[("", gettext_lazy("全部等次")), *Grade.choices]
    )


class KeyTaskFilterForm(FilterForm):
    """The filters of the key task list, its export and the API's list of tasks."""

    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *KeyTaskStatus.choices],
    )
    city = city_filter()
    q = forms.CharField(label=gettext_lazy("任务名称或编号"), required=False, max_length=60)


class SchemeRulesForm(forms.Form):
    unit_weight = forms.IntegerField(label=gettext_lazy("派出单位评分权重（%）"), initial=50)
    host_weight = forms.IntegerField(label=gettext_lazy("服务乡镇评分权重（%）"), initial=50)
    excellent_quota = forms.IntegerField(label=gettext_lazy("优秀比例上限（%）"), initial=30)
    excellent_mark = forms.IntegerField(label=gettext_lazy("优秀最低分"), initial=90)
    pass_mark = forms.IntegerField(label=gettext_lazy("合格最低分"), initial=60)


class SchemeForm(SchemeRulesForm):
    year = forms.IntegerField(label=gettext_lazy("考核年度"))
    field_order = ["year"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class KeyTaskForm(forms.Form):
    team = forms.ModelChoiceField(label=gettext_lazy("承担团队"), queryset=Team.objects.none())
    code = forms.CharField(
        label=gettext_lazy("任务编号"), max_length=30, help_text=gettext_lazy("如 ZDPZ-2025-001")
    )
    title = forms.CharField(label=gettext_lazy("任务名称"), max_length=120)
    goals = forms.CharField(
        label=gettext_lazy("考核指标"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一项，如：推广新品种 500 亩"),
    )
    budget = forms.DecimalField(label=gettext_lazy("省财政资助（万元）"), max_digits=12, decimal_places=4)
    starts_on = forms.DateField(
        label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=gettext_lazy("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = team_choices(user=acting_user)  # type: ignore[attr-defined]
        self.fields["team"].label_from_instance = lambda t: f"{t.name}（{t.town.full_name}）"  # type: ignore[attr-defined]
