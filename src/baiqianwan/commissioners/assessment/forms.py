"""The forms of the assessment and key task pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ..rounds.models import Team


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
        ids = Team.objects.for_user(acting_user).values("pk")
        teams = Team.all_objects.filter(pk__in=ids).select_related("town").order_by("town_id")
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["team"].label_from_instance = lambda t: f"{t.name}（{t.town.full_name}）"  # type: ignore[attr-defined]
