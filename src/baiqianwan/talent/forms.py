from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import DateInput, FilterForm, money_input
from baiqianwan.core.scope import scope_of
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.classification import PROVINCE_CODE
from baiqianwan.regions.forms import RegionFilterField
from baiqianwan.regions.widgets import DivisionField

from . import rules
from .models import Leader, OutpostKind
from .services import host_choices


def _root(user: Any) -> str:
    scope = scope_of(user)
    if rules.is_bureau(user) and not scope.everything and scope.division_prefix:
        return (scope.division_prefix + "0" * 12)[:12]
    return PROVINCE_CODE


class OutpostFilterForm(FilterForm):
    q = forms.CharField(label=_("名称、所在地、依托单位或领域"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *OutpostKind.choices]
    )
    region = RegionFilterField(label=_("所在地"))
    host = forms.ModelChoiceField(
        label=_("依托单位"),
        required=False,
        queryset=Organisation.all_objects.none(),
        empty_label=_("全部依托单位"),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), ("open", _("运行中")), ("closed", _("已撤销"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = host_choices().order_by("name")  # type: ignore[attr-defined]


class OutpostForm(forms.Form):
    county = DivisionField(label=_("所在县（市、区）"), max_level="county", min_level="county")
    host = forms.ModelChoiceField(
        label=_("依托单位"),
        queryset=Organisation.all_objects.none(),
        required=False,
        help_text=_("高校、科研院所或新型研发机构；单位账号登记的为本单位"),
    )
    name = forms.CharField(label=_("名称"), max_length=120, help_text=_("如：华南农业大学梅州蜜柚产业研究院"))
    kind = forms.ChoiceField(label=_("类型"), choices=OutpostKind.choices)
    research_fields = forms.CharField(label=_("研究领域"), max_length=200, required=False)
    staff_on_site = forms.IntegerField(label=_("驻点科研人员数"), min_value=0, max_value=10_000, initial=0)
    staff = forms.ModelMultipleChoiceField(
        label=_("驻点人员"),
        queryset=Person.all_objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("可不填；从依托单位的人员中选择"),
    )
    partner = forms.CharField(label=_("合作县政府"), max_length=120, required=False)
    agreement_signed_on = forms.DateField(label=_("协议签订日期"), required=False, widget=DateInput())
    agreement_years = forms.IntegerField(label=_("协议期限（年）"), required=False, min_value=1, max_value=50)
    opened_on = forms.DateField(label=_("设立日期"), widget=DateInput())
    is_public = forms.BooleanField(label=_("对所有用户公开"), required=False, initial=True)

    def __init__(
        self, *args: Any, acting_user: Any, editing: bool = False, host: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"] = DivisionField(
            label=self.fields["county"].label, root=_root(acting_user), max_level="county", min_level="county"
        )
        self.fields["host"].queryset = host_choices().order_by("name")  # type: ignore[attr-defined]
        unit = host or (acting_user.organisation if rules.host_unit(acting_user) else None)
        people = Person.all_objects.filter(organisation=unit) if unit else Person.all_objects.none()
        self.fields["staff"].queryset = people.order_by("name")  # type: ignore[attr-defined]
        if rules.host_unit(acting_user) and not rules.is_bureau(acting_user):
            del self.fields["host"]
        if editing:
            self.fields.pop("county", None)
            self.fields.pop("host", None)


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("撤销日期"), widget=DateInput())


class ResultForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    demands_solved = forms.IntegerField(label=_("解决需求数"), min_value=0, initial=0)
    achievements_transferred = forms.IntegerField(label=_("转化成果数"), min_value=0, initial=0)
    people_trained = forms.IntegerField(label=_("培训人数"), min_value=0, initial=0)
    summary = forms.CharField(
        label=_("年度成效"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class LeaderFilterForm(FilterForm):
    q = forms.CharField(label=_("姓名、企业或所在地"), required=False, max_length=100)
    region = RegionFilterField(label=_("所在地"))
    industry = forms.CharField(label=_("产业"), required=False, max_length=60)


class LeaderForm(forms.Form):
    consent = forms.BooleanField(
        label=_("本人已同意登记其个人信息"),
        required=True,
        help_text=_("须经带头人本人同意（书面或短信确认）后方可登记；未同意的不得登记"),
        error_messages={"required": _("须经本人同意方可登记：请勾选此项")},
    )
    consent_on = forms.DateField(label=_("同意登记日期"), widget=DateInput())
    name = forms.CharField(label=_("姓名"), max_length=40)
    mobile = forms.CharField(label=_("手机号码"), max_length=20)
    division = DivisionField(label=_("所在村镇"), min_level="town")
    industry = forms.CharField(
        label=_("产业"), max_length=60, help_text=_("如：蜜柚种植、南药、稻渔综合种养")
    )
    enterprise_uscc = forms.CharField(
        label=_("企业或合作社的统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("已在平台登记的，填写代码即可关联；未登记的可只填名称"),
    )
    enterprise_name = forms.CharField(
        label=_("企业或合作社名称（未在平台登记的）"), max_length=120, required=False
    )
    note = forms.CharField(
        label=_("帮扶情况"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    jobs_created = forms.IntegerField(label=_("带动就业人数"), min_value=0, initial=0)
    income_effect = money_input(_("带动增收（元）"), min_value=0)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120, help_text=_("如：大埔县蜜柚农业科技致富共同体"))
    county = DivisionField(label=_("所在县（市、区）"), max_level="county", min_level="county")
    industry = forms.CharField(label=_("产业"), max_length=60)
    founded_on = forms.DateField(label=_("成立日期"), widget=DateInput())
    lead_organisation = forms.ModelChoiceField(
        label=_("牵头单位"), queryset=Organisation.all_objects.none(), required=False
    )
    members = forms.ModelMultipleChoiceField(
        label=_("成员"),
        queryset=Leader.all_objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Leader.objects.for_user(acting_user).order_by("name")  # type: ignore[attr-defined]
        if acting_user.is_province:
            self.fields["lead_organisation"].queryset = host_choices().order_by("name")  # type: ignore[attr-defined]
        else:
            del self.fields["lead_organisation"]


class SelectionFilterForm(FilterForm):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    programme = forms.CharField(label=_("人才工程"), required=False, max_length=60)


PROGRAMMES = ["广东特支计划", "扬帆计划", "乡村振兴人才", "珠江人才计划", "粤东粤西粤北创新团队"]


class SelectionForm(forms.Form):
    person = forms.ModelChoiceField(label=_("入选人员"), queryset=Person.all_objects.none())
    programme = forms.CharField(
        label=_("人才工程"), max_length=60, help_text=_("如：广东特支计划、扬帆计划、乡村振兴人才")
    )
    year = forms.IntegerField(label=_("入选年度"), min_value=2000, max_value=2100)
    county = DivisionField(
        label=_("服务县（市、区）"), max_level="county", min_level="county", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.all_objects.select_related("organisation").order_by("name")  # type: ignore[attr-defined]
