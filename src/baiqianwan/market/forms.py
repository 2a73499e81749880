from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import DateInput, FilterForm, YesNoFilterField, money_input
from baiqianwan.industries.forms import IndustryFilterField
from baiqianwan.regions.forms import RegionFilterField
from baiqianwan.regions.widgets import DivisionField
from baiqianwan.supply.models import Achievement

from .models import DealStatus, EnquiryStatus, ListingStatus, TransferMode


class ListingFilterForm(FilterForm):
    q = forms.CharField(label=_("挂牌名称或成果名称"), required=False, max_length=100)
    mode = forms.ChoiceField(
        label=_("转化方式"), required=False, choices=[("", _("全部转化方式")), *TransferMode.choices]
    )
    industry = IndustryFilterField()
    region = RegionFilterField(label=_("挂牌单位所在地"))
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ListingStatus.choices]
    )
    mine = YesNoFilterField(label=_("只看本单位挂牌"), yes=_("本单位"), no=_("其他单位"))


class DealFilterForm(FilterForm):
    q = forms.CharField(label=_("合同名称、登记编号或单位"), required=False, max_length=100)
    mode = forms.ChoiceField(
        label=_("转化方式"), required=False, choices=[("", _("全部转化方式")), *TransferMode.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *DealStatus.choices]
    )
    region = RegionFilterField(label=_("实施地"))
    east_west_north = YesNoFilterField(label=_("粤东西北实施"), yes=_("粤东西北"), no=_("珠三角"))
    publicity = YesNoFilterField(label=_("须公示"), yes=_("须公示"), no=_("无须公示"))


class EnquiryFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *EnquiryStatus.choices]
    )


PRICE_HELP = _("单位：元。填一个价格时两栏相同或只填一栏；两栏都不填为“面议”")


class ListingForm(forms.Form):
    achievement = forms.ModelChoiceField(
        label=_("科技成果"),
        queryset=Achievement.objects.none(),
        help_text=_("本单位登记的成果；受托挂牌其他单位的成果时，从该成果页进入"),
    )
    title = forms.CharField(
        label=_("挂牌名称"),
        required=False,
        max_length=120,
        help_text=_("不填则用成果名称，如：“粤农丝苗”水稻新品种 非独占许可"),
    )
    mode = forms.ChoiceField(label=_("转化方式"), choices=TransferMode.choices)
    price_min = money_input(_("最低价格（元）"), required=False, help_text=PRICE_HELP)
    price_max = money_input(_("最高价格（元）"), required=False)
    licence_terms = forms.CharField(
        label=_("许可或转让条件"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("许可范围（独占、排他、普通）、地域、期限、技术指导和培训安排等"),
    )
    authority = forms.CharField(
        label=_("权属与授权说明"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "成果的权属（专利号、品种权号等）和本单位处置的依据；受托挂牌的，写明授权单位、授权文件和有效期"
        ),
    )
    publish = forms.BooleanField(label=_("保存后立即挂牌"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        acting_user: Any,
        extra_achievement: Any = None,
        editing: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        own = Achievement.objects.for_user(acting_user, "change")
        if extra_achievement is not None:
            own = own | Achievement.objects.for_user(acting_user).filter(pk=extra_achievement.pk)
        self.fields["achievement"].queryset = own.order_by("title")  # type: ignore[attr-defined]
        if editing:
            del self.fields["achievement"]
            del self.fields["publish"]


class EnquiryForm(forms.Form):
    message = forms.CharField(
        label=_("咨询内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("应用场景、规模、希望的合作方式和联系方式；挂牌单位在平台上回复"),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("回复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class DealForm(forms.Form):
    achievement = forms.ModelChoiceField(
        label=_("科技成果"),
        queryset=Achievement.objects.none(),
        required=False,
        help_text=_("本单位的成果（买方登记时从挂牌页进入，成果和卖方已确定）"),
    )
    buyer_uscc = forms.CharField(
        label=_("买方统一社会信用代码"),
        required=False,
        max_length=30,
        help_text=_("卖方登记时填写；买方须已在平台登记"),
    )
    title = forms.CharField(
        label=_("合同名称"), max_length=120, help_text=_("与技术合同登记证明上的项目名称一致")
    )
    mode = forms.ChoiceField(label=_("转化方式"), choices=TransferMode.choices)
    contract_value = money_input(_("合同金额（元）"), help_text=_("技术合同成交额，单位：元，两位小数"))
    place = DivisionField(
        label=_("实施地"),
        min_level="county",
        help_text=_("成果落地实施的县（市、区）、乡镇（街道）或村（居），须在广东省内"),
    )
    contract_number = forms.CharField(
        label=_("技术合同登记编号"),
        max_length=30,
        help_text=_("16 位数字：年份、省份、地市、登记点和序号，如 2025440100000123"),
    )
    registered_on = forms.DateField(
        label=_("登记日期"), widget=DateInput(), help_text=_("技术合同登记机构登记的日期")
    )
    demand = forms.IntegerField(
        label=_("解决的需求编号"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("可选：实施地所在县受理的科技需求；交易登记后该需求标记为已解决"),
    )
    summary = forms.CharField(
        label=_("合同主要内容"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, acting_user: Any, seller_side: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = Achievement.objects.for_user(  # type: ignore[attr-defined]
            acting_user, "change"
        ).order_by("title")
        if not seller_side:
            del self.fields["achievement"]
            del self.fields["buyer_uscc"]


class PaymentRowForm(forms.Form):
    due_on = forms.DateField(label=_("付款日期"), widget=DateInput())
    amount = money_input(_("金额（元）"))


PaymentFormSet = forms.formset_factory(PaymentRowForm, extra=3, max_num=40, absolute_max=40)
