from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import DateInput, FilterForm, YesNoFilterField
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation, OrganisationKind
from baiqianwan.supply.models import Achievement

from ..filters import RegionFilterField
from ..models import EligibleRegion, InvestmentRound, ReserveServiceKind, ReserveStage


def money_input(label: Any, **kwargs: Any) -> forms.DecimalField:
    """A sum in 元 with two decimals; the service names a negative or absurd one."""
    return forms.DecimalField(label=label, max_digits=15, decimal_places=2, **kwargs)


class FundFilterForm(FilterForm):
    q = forms.CharField(label=_("子基金、管理人或领域"), required=False, max_length=100)
    focus_region = forms.ChoiceField(
        label=_("重点投资区域"), required=False, choices=[("", _("全部区域")), *EligibleRegion.choices]
    )
    mine = YesNoFilterField(label=_("只看本单位管理的"), yes=_("本单位"), no=_("其他"))


class InvestmentFilterForm(FilterForm):
    q = forms.CharField(label=_("企业、领域或子基金"), required=False, max_length=100)
    round = forms.ChoiceField(
        label=_("轮次"), required=False, choices=[("", _("全部轮次")), *InvestmentRound.choices]
    )
    region = RegionFilterField(label=_("企业所在地"))
    year = forms.IntegerField(label=_("年份"), required=False, min_value=2000, max_value=2100)
    east_west_north = YesNoFilterField(label=_("投向粤东西北"), yes=_("粤东西北"), no=_("珠三角"))
    for_transfer = YesNoFilterField(label=_("成果转化"), yes=_("投向成果转化"), no=_("其他"))


class FundForm(forms.Form):
    name = forms.CharField(label=_("子基金名称"), max_length=120)
    manager = forms.ModelChoiceField(
        label=_("基金管理人"),
        queryset=Organisation.objects.none(),
        help_text=_("登记为“投资基金”的单位；其单位账号登记本基金的投资"),
    )
    size = money_input(_("基金规模（元）"))
    province_share = money_input(_("省级出资（元）"), help_text=_("不超过基金规模"))
    focus_region = forms.ChoiceField(label=_("重点投资区域"), choices=EligibleRegion.choices)
    focus_fields = forms.CharField(
        label=_("重点投资领域"),
        max_length=200,
        required=False,
        help_text=_("如：现代种业、智能农机、食品加工"),
    )
    established_on = forms.DateField(label=_("设立日期"), widget=DateInput())
    is_public = forms.BooleanField(label=_("对所有用户公开"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = Organisation.all_objects.filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.FUND, is_active=True
        ).order_by("name")


class InvestmentForm(forms.Form):
    enterprise_uscc = forms.CharField(
        label=_("被投企业统一社会信用代码"),
        max_length=30,
        help_text=_("18 位代码；企业须已在平台登记（由所在地科技部门登记）"),
    )
    round = forms.ChoiceField(label=_("轮次"), choices=InvestmentRound.choices)
    amount = money_input(_("投资金额（元）"))
    invested_on = forms.DateField(label=_("投资日期"), widget=DateInput())
    industry = forms.ModelChoiceField(
        label=_("所属产业"), queryset=Industry.objects.order_by("code"), required=False
    )
    field = forms.CharField(label=_("技术领域"), max_length=80, required=False)
    achievement = forms.ModelChoiceField(
        label=_("转化的科技成果"),
        queryset=Achievement.objects.none(),
        required=False,
        help_text=_("投资用于某项科技成果转化时选择，计入“投向成果转化”"),
    )

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = Achievement.objects.for_user(acting_user).order_by(  # type: ignore[attr-defined]
            "title"
        )


class ReserveFilterForm(FilterForm):
    q = forms.CharField(label=_("企业或拟上市板块"), required=False, max_length=100)
    stage = forms.ChoiceField(
        label=_("阶段"), required=False, choices=[("", _("全部阶段")), *ReserveStage.choices]
    )
    region = RegionFilterField(label=_("企业所在地"))
    exited = YesNoFilterField(label=_("是否退出"), yes=_("已退出"), no=_("在库"))


class RecommendForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("企业"), queryset=Organisation.objects.none(), help_text=_("本市登记的企业，尚未入库")
    )
    recommended_on = forms.DateField(label=_("推荐日期"), widget=DateInput())
    target_board = forms.CharField(
        label=_("拟上市板块"), max_length=40, required=False, help_text=_("如：深交所创业板、北交所")
    )
    note = forms.CharField(
        label=_("备注"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from ..models import ReserveEnterprise

        prefix = (acting_user.division_id or "")[:4] or "-"
        self.fields["enterprise"].queryset = (  # type: ignore[attr-defined]
            Organisation.all_objects.filter(kind=OrganisationKind.ENTERPRISE, division_id__startswith=prefix)
            .exclude(pk__in=ReserveEnterprise.all_objects.values("enterprise_id"))
            .order_by("name")
        )


class ReserveEditForm(forms.Form):
    target_board = forms.CharField(label=_("拟上市板块"), max_length=40, required=False)
    note = forms.CharField(
        label=_("备注"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("新阶段"), choices=[("", _("退出后备库")), *ReserveStage.choices], required=False
    )
    on = forms.DateField(label=_("变更日期"), widget=DateInput())
    reason = forms.CharField(
        label=_("说明"),
        max_length=500,
        required=False,
        help_text=_("退出后备库时必填原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ServiceForm(forms.Form):
    given_on = forms.DateField(label=_("服务日期"), widget=DateInput())
    kind = forms.ChoiceField(label=_("服务类型"), choices=ReserveServiceKind.choices)
    provider = forms.CharField(
        label=_("服务机构"), max_length=120, help_text=_("如：深交所广东服务基地、某证券公司")
    )
    note = forms.CharField(
        label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
