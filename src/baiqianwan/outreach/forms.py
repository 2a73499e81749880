from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import DateInput, FilterForm, YesNoFilterField
from baiqianwan.core.scope import scope_of
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.classification import PROVINCE_CODE
from baiqianwan.regions.widgets import DivisionField

from .filters import RegionFilterField
from .models import (
    AudienceKind,
    EventKind,
    MemberCategory,
    SchoolStage,
    SeminarKind,
    Subject,
    ThinkTankMember,
    TrainingMode,
)
from .services import organiser_choices, provider_choices


def _years() -> list[tuple[str, Any]]:
    this = timezone.localdate().year
    return [("", _("全部年份")), *[(str(y), str(y)) for y in range(this, 2022, -1)]]


class YearFilterField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, choices=_years, coerce=int, empty_value=None, **kwargs)


class EventFilterForm(FilterForm):
    q = forms.CharField(label=_("名称、举办地、主办单位或主讲人"), required=False, max_length=100)
    region = RegionFilterField(label=_("地区"))
    kind = forms.ChoiceField(
        label=_("活动类型"), required=False, choices=[("", _("全部类型")), *EventKind.choices]
    )
    year = YearFilterField(label=_("年份"))
    audience = forms.ChoiceField(
        label=_("受众类型"), required=False, choices=[("", _("全部受众")), *AudienceKind.choices]
    )
    east_west_north = YesNoFilterField(label=_("粤东西北"), yes=_("粤东西北"), no=_("珠三角"))


class BalanceFilterForm(FilterForm):
    year = YearFilterField(label=_("年份"))


def _root(acting_user: Any) -> str:
    scope = scope_of(acting_user)
    if not scope.everything and scope.division_prefix:
        return (scope.division_prefix + "0" * 12)[:12]
    return PROVINCE_CODE


class EventForm(forms.Form):
    place = DivisionField(label=_("举办地"), help_text=_("选到县（市、区）、乡镇（街道）或村（居）"))
    kind = forms.ChoiceField(label=_("活动类型"), choices=EventKind.choices)
    title = forms.CharField(
        label=_("活动名称"), max_length=120, help_text=_("如：院士专家走进大埔县科普报告会")
    )
    organiser = forms.ModelChoiceField(label=_("主办单位"), queryset=Organisation.objects.none())
    held_on = forms.DateField(label=_("举办日期"), widget=DateInput())
    audience_kind = forms.ChoiceField(label=_("受众类型"), choices=AudienceKind.choices)
    audience_size = forms.IntegerField(label=_("受众人数"), min_value=1, max_value=1_000_000)
    speakers = forms.CharField(
        label=_("主讲人"), max_length=300, required=False, help_text=_("多人用逗号或顿号分隔")
    )
    speaker_people = forms.ModelMultipleChoiceField(
        label=_("平台登记的主讲人"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("可不选；主讲人已在人员库登记的，可在此关联"),
    )
    summary = forms.CharField(
        label=_("活动简介"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_public = forms.BooleanField(label=_("对所有用户公开"), required=False, initial=True)

    def __init__(self, *args: Any, acting_user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"] = DivisionField(
            label=self.fields["place"].label,
            root=_root(acting_user),
            min_level="county",
            help_text=self.fields["place"].help_text,
        )
        self.fields["organiser"].queryset = organiser_choices(acting_user).order_by("name")  # type: ignore[attr-defined]
        self.fields["speaker_people"].queryset = Person.objects.for_user(acting_user).order_by("name")  # type: ignore[attr-defined]
        if editing:
            del self.fields["place"]


class CourseFilterForm(FilterForm):
    q = forms.CharField(label=_("课程或承办单位"), required=False, max_length=100)
    mode = forms.ChoiceField(
        label=_("培训方式"), required=False, choices=[("", _("全部方式")), *TrainingMode.choices]
    )
    year = YearFilterField(label=_("年份"))


class CourseForm(forms.Form):
    title = forms.CharField(
        label=_("课程名称"),
        max_length=120,
        help_text=_("如：2025 年粤北山区小学科学教师实验教学能力提升培训"),
    )
    provider = forms.ModelChoiceField(label=_("承办单位"), queryset=Organisation.objects.none())
    mode = forms.ChoiceField(label=_("培训方式"), choices=TrainingMode.choices)
    hours = forms.DecimalField(label=_("学时"), min_value=0, max_value=500, decimal_places=1)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput())
    is_public = forms.BooleanField(label=_("对所有用户公开"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = provider_choices().order_by("name")  # type: ignore[attr-defined]


class TraineeForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40)
    school = forms.CharField(label=_("学校"), max_length=120)
    county = DivisionField(label=_("所在县（市、区）"), max_level="county", min_level="county")
    stage = forms.ChoiceField(label=_("学段"), choices=SchoolStage.choices)
    subject = forms.ChoiceField(label=_("任教学科"), choices=Subject.choices)
    hours_completed = forms.DecimalField(label=_("完成学时"), min_value=0, max_value=500, decimal_places=1)
    passed = forms.BooleanField(label=_("考核合格"), required=False)

    def __init__(self, *args: Any, root: str = PROVINCE_CODE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"] = DivisionField(
            label=self.fields["county"].label,
            root=root,
            max_level="county",
            min_level="county",
            help_text=_("须在粤东西北"),
        )


class MemberFilterForm(FilterForm):
    q = forms.CharField(label=_("姓名、领域或单位"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *MemberCategory.choices]
    )
    active = YesNoFilterField(label=_("在册"), yes=_("在册"), no=_("已退出"))


class MemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40)
    category = forms.ChoiceField(label=_("类别"), choices=MemberCategory.choices)
    organisation = forms.ModelChoiceField(label=_("所在单位"), queryset=Organisation.objects.none())
    specialty = forms.CharField(
        label=_("专业领域"), max_length=200, help_text=_("如：乡村产业规划、农业经济")
    )
    person = forms.ModelChoiceField(
        label=_("平台登记的人员"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("关联后可邀请为评审专家"),
    )
    joined_year = forms.IntegerField(label=_("加入年份"), min_value=2000, max_value=2100)
    left_year = forms.IntegerField(label=_("退出年份"), min_value=2000, max_value=2100, required=False)
    is_public = forms.BooleanField(label=_("对所有用户公开"), required=False, initial=True)

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Organisation.all_objects.filter(is_active=True)
        self.fields["organisation"].queryset = active.order_by("name")  # type: ignore[attr-defined]
        self.fields["person"].queryset = Person.objects.for_user(acting_user).order_by("name")  # type: ignore[attr-defined]


class ReportFilterForm(FilterForm):
    q = forms.CharField(label=_("题目或摘要"), required=False, max_length=100)
    year = YearFilterField(label=_("年度"))


class ReportForm(forms.Form):
    title = forms.CharField(label=_("调研题目"), max_length=120)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    members = forms.ModelMultipleChoiceField(
        label=_("参加成员"),
        queryset=ThinkTankMember.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    counties = forms.CharField(
        label=_("调研县（市、区）代码"),
        max_length=2000,
        help_text=_("12 位区划代码，多个用逗号分隔，如 441422000000,440825000000"),
    )
    summary = forms.CharField(
        label=_("报告摘要"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(label=_("调研报告（PDF）"), required=False)
    is_public = forms.BooleanField(label=_("对所有用户公开"), required=False, initial=True)

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = ThinkTankMember.objects.for_user(acting_user).order_by("name")  # type: ignore[attr-defined]


class SeminarForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=SeminarKind.choices)
    title = forms.CharField(label=_("名称"), max_length=120)
    held_on = forms.DateField(label=_("举办日期"), widget=DateInput())
    place = DivisionField(label=_("举办地"))
    members = forms.ModelMultipleChoiceField(
        label=_("参加成员"),
        queryset=ThinkTankMember.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    other_participants = forms.CharField(label=_("其他参加人员"), max_length=300, required=False)
    participant_count = forms.IntegerField(label=_("参加人数"), min_value=0, max_value=100_000)
    summary = forms.CharField(
        label=_("会议纪要"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_public = forms.BooleanField(label=_("对所有用户公开"), required=False, initial=True)

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = ThinkTankMember.objects.for_user(acting_user).order_by("name")  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件"))
