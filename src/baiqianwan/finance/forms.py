from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import DateInput, FilterForm, YesNoFilterField, money_input
from baiqianwan.industries.forms import IndustryFilterField
from baiqianwan.industries.models import Industry
from baiqianwan.regions.forms import RegionFilterField
from baiqianwan.regions.widgets import DivisionField

from .models import (
    ApplicationStatus,
    BorrowerKind,
    ClaimStatus,
    EligibleRegion,
    LoanStatus,
    ProductStatus,
    SchemeRegion,
)

MONTHS_HELP = _("整月数，1 至 360")


def _months(label: Any, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=360, **kwargs)


def _rate(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=5, decimal_places=2, **kwargs)


def _industry_choices() -> list[tuple[str, Any]]:
    return [
        (industry.code, industry.label)
        for industry in Industry.objects.select_related("parent").order_by("position")
    ]


class ProductFilterForm(FilterForm):
    q = forms.CharField(label=_("产品或银行名称"), required=False, max_length=100)
    region = forms.ChoiceField(
        label=_("适用区域"), required=False, choices=[("", _("全部区域")), *SchemeRegion.choices]
    )
    industry = IndustryFilterField()
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ProductStatus.choices]
    )


class ApplicationFilterForm(FilterForm):
    q = forms.CharField(label=_("申请单位或产品"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ApplicationStatus.choices]
    )


class LoanFilterForm(FilterForm):
    q = forms.CharField(label=_("合同编号、借款单位或银行"), required=False, max_length=100)
    region = RegionFilterField(label=_("借款单位所在地"))
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *LoanStatus.choices]
    )
    scheme = YesNoFilterField(label=_("纳入风险补偿"), yes=_("纳入风险补偿"), no=_("未纳入"))
    year = forms.IntegerField(label=_("放款年份"), required=False, min_value=2000, max_value=2100)


class ClaimFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ClaimStatus.choices]
    )


class ProductForm(forms.Form):
    name = forms.CharField(label=_("产品名称"), max_length=80, help_text=_("如：特色产业科技贷"))
    summary = forms.CharField(
        label=_("产品说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("申请条件、还款方式、办理网点和所需材料"),
    )
    borrower_kinds = forms.MultipleChoiceField(
        label=_("适用对象"), choices=BorrowerKind.choices, widget=forms.CheckboxSelectMultiple
    )
    eligible_region = forms.ChoiceField(label=_("适用区域"), choices=EligibleRegion.choices)
    industries = forms.MultipleChoiceField(
        label=_("适用产业"),
        required=False,
        choices=_industry_choices,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("不选为不限产业；选大类即含其下各产业"),
    )
    amount_min = money_input(_("最低额度（元）"))
    amount_max = money_input(_("最高额度（元）"))
    term_min_months = _months(_("最短期限（月）"), help_text=MONTHS_HELP)
    term_max_months = _months(_("最长期限（月）"))
    rate_min = _rate(_("最低年利率（%）"), help_text=_("如 3.45"))
    rate_max = _rate(_("最高年利率（%）"))
    collateral = forms.CharField(
        label=_("担保方式"), max_length=200, help_text=_("如：信用；保证；农村承包土地经营权抵押")
    )
    under_scheme = forms.BooleanField(
        label=_("纳入科技信贷风险补偿"),
        required=False,
        initial=True,
        help_text=_("纳入的贷款违约后，按放款当日的补偿比例申请风险补偿"),
    )
    publish = forms.BooleanField(label=_("保存后立即发布"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["publish"]


class NeedForm(forms.Form):
    """What a borrower needs; the platform finds the products that fit."""

    industry = forms.ChoiceField(label=_("所属产业"), required=False, choices=())
    amount = money_input(_("所需金额（元）"), required=False, min_value=0)
    term_months = _months(_("期限（月）"), required=False)
    kind = forms.ChoiceField(label=_("借款单位类型"), required=False, choices=BorrowerKind.choices)
    place = DivisionField(label=_("借款单位所在地"), required=False, min_level="county")

    def __init__(self, *args: Any, borrower: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", _("不限产业")), *_industry_choices()]  # type: ignore[attr-defined]
        if borrower is not None:
            # A borrower's own kind and place come from its unit record.
            del self.fields["kind"]
            del self.fields["place"]


class ApplicationForm(forms.Form):
    amount = money_input(_("申请金额（元）"))
    term_months = _months(_("申请期限（月）"))
    industry = forms.ChoiceField(label=_("所属产业"), required=False, choices=())
    purpose = forms.CharField(
        label=_("资金用途"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：购置香蕉组培苗和水肥一体化设备"),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", _("请选择")), *_industry_choices()]  # type: ignore[attr-defined]


class LoanForm(forms.Form):
    """The bank records a loan: from an application (product and borrower known) or at the counter."""

    product = forms.TypedChoiceField(label=_("信贷产品"), choices=(), coerce=int)
    borrower_uscc = forms.CharField(
        label=_("借款单位统一社会信用代码"), max_length=30, help_text=_("借款单位须已在平台登记")
    )
    contract_number = forms.CharField(label=_("借款合同编号"), max_length=40)
    amount = money_input(_("贷款金额（元）"))
    rate = _rate(_("年利率（%）"))
    term_months = _months(_("期限（月）"))
    lent_on = forms.DateField(label=_("放款日期"), widget=DateInput())

    def __init__(self, *args: Any, products: Any = None, from_application: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if from_application:
            del self.fields["product"]
            del self.fields["borrower_uscc"]
        else:
            self.fields["product"].choices = [(p.pk, p.name) for p in products or []]  # type: ignore[attr-defined]


class RepayForm(forms.Form):
    repaid_on = forms.DateField(label=_("结清日期"), widget=DateInput())


class DefaultForm(forms.Form):
    defaulted_on = forms.DateField(label=_("违约日期"), widget=DateInput())
    outstanding = money_input(_("违约时贷款余额（元）"), help_text=_("违约当日尚未归还的本金"))


class ClaimForm(forms.Form):
    recovered = money_input(
        _("已追回金额（元）"),
        required=False,
        initial=0,
        help_text=_("处置抵押物、保证人代偿等已追回的金额；损失 = 余额 − 已追回"),
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class PaidForm(forms.Form):
    paid_on = forms.DateField(label=_("拨付日期"), widget=DateInput())


class RatioForm(forms.Form):
    region = forms.ChoiceField(label=_("区域"), choices=SchemeRegion.choices)
    effective_from = forms.DateField(label=_("起始日期"), widget=DateInput())
    ratio = forms.DecimalField(
        label=_("补偿比例"),
        max_digits=5,
        decimal_places=4,
        help_text=_("0 到 1 之间，如 0.6 表示补偿损失的 60%"),
    )
    cap = money_input(_("单笔补偿上限（元）"), required=False, help_text=_("不填为不设上限"))
    basis = forms.CharField(label=_("依据文件"), required=False, max_length=200)


class CalculatorForm(forms.Form):
    region = forms.ChoiceField(label=_("借款单位所在区域"), choices=SchemeRegion.choices)
    lent_on = forms.DateField(
        label=_("放款日期"), widget=DateInput(), required=False, help_text=_("不填为今天")
    )
    principal = money_input(_("违约时贷款余额（元）"))
    recovered = money_input(_("已追回金额（元）"), required=False, initial=0)
