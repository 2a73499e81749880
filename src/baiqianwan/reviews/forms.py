"""Forms of the review pages: the score sheet built from the call type's rubric, declining a task,
the pool search and invitation, the results table's options and the provisional selection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import FilterForm
from baiqianwan.industries.models import Industry
from baiqianwan.supply.titles import SENIORITY_AT_LEAST

from .engine.aggregate import STATISTICS

STATISTIC_CHOICES = [
    ("mean", _("平均分")),
    ("median", _("中位数")),
    ("trimmed_mean", _("去掉最高最低后的平均分")),
    ("normalised", _("按专家尺度校正后的平均分")),
]
assert [code for code, _label in STATISTIC_CHOICES] == list(STATISTICS)


def score_field(code: str) -> str:
    return f"score_{code}"


def comment_field(code: str) -> str:
    return f"comment_{code}"


class SheetForm(forms.Form):
    """One score and one comment box per criterion of the rubric, and an overall opinion.

    The form only carries the values: the service checks them against the rubric (range, whole
    numbers, a comment under a criterion's threshold) and its errors come back by criterion."""

    overall = forms.CharField(
        label=_("总体意见"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, rubric: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        for criterion in rubric:
            self.fields[score_field(criterion.code)] = forms.CharField(
                label=criterion.label,
                required=False,
                max_length=6,
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": criterion.maximum, "step": 1, "inputmode": "numeric"}
                ),
            )
            self.fields[comment_field(criterion.code)] = forms.CharField(
                label=_("评审意见"),
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["overall"] = self.fields.pop("overall")

    def criteria(self) -> list[dict[str, Any]]:
        """Each criterion with its bound score and comment fields, for the template."""
        return [
            {
                "criterion": criterion,
                "score": self[score_field(criterion.code)],
                "comment": self[comment_field(criterion.code)],
            }
            for criterion in self.rubric
        ]

    def scores(self) -> dict[str, str]:
        return {c.code: self.cleaned_data.get(score_field(c.code), "") for c in self.rubric}

    def comments(self) -> dict[str, str]:
        return {c.code: self.cleaned_data.get(comment_field(c.code), "") for c in self.rubric}

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """The service names criteria by code; they are shown under the criterion's score."""
        for code, messages in errors.items():
            field = score_field(code)
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), min_length=2, max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )
    conflict = forms.BooleanField(
        label=_("我与该申报存在利益关系，申请回避"),
        required=False,
        help_text=_("勾选后记为本人声明回避，今后不会再把该申报分给您"),
    )


class PoolSearchForm(FilterForm):
    """The expert library, searched to invite experts into a call's pool."""

    q = forms.CharField(
        label=_("姓名或研究方向"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("姓名或研究方向，如：柚类 加工")}),
    )
    industry = forms.ChoiceField(label=_("产业"), required=False)
    seniority = forms.ChoiceField(label=_("职称"), required=False, choices=SENIORITY_AT_LEAST)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [  # type: ignore[attr-defined]
            ("", _("全部产业")),
            *[(i.code, i.name) for i in Industry.objects.filter(parent__isnull=True).order_by("position")],
        ]


class PoolAddForm(forms.Form):
    experts = forms.TypedMultipleChoiceField(label=_("专家"), coerce=int, choices=())
    capacity = forms.IntegerField(label=_("每人评审上限（项）"), min_value=1, max_value=200, initial=10)

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["experts"].choices = [(e.pk, e.person.name) for e in candidates]  # type: ignore[attr-defined]


class ResultsFilterForm(FilterForm):
    """How the results table ranks: the statistic, and whether harsh and lenient reviewers are
    brought to one scale first."""

    statistic = forms.ChoiceField(
        label=_("排名依据"), required=False, choices=[("", _("按申报类型规定")), *STATISTIC_CHOICES]
    )
    normalise = forms.BooleanField(label=_("按专家尺度校正"), required=False)


class ProvisionalForm(forms.Form):
    top = forms.IntegerField(
        label=_("入选数量"),
        required=False,
        min_value=0,
        max_value=100000,
        help_text=_("不填则按指南的拟支持数量或申报类型的名额"),
    )
    min_score = forms.DecimalField(
        label=_("分数线"), required=False, min_value=0, max_value=100, decimal_places=2, max_digits=5
    )
    per_city = forms.IntegerField(
        label=_("每市最多入选"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_("按排名先后计入；不填则不限"),
    )
    statistic = forms.ChoiceField(
        label=_("排名依据"), required=False, choices=[("", _("按申报类型规定")), *STATISTIC_CHOICES]
    )
    normalise = forms.BooleanField(label=_("按专家尺度校正"), required=False)
