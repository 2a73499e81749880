from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.forms import DateInput, FilterForm

from ..forms import money_input
from ..models import DILIGENCE_CHECKS, Deal, DealStatus, DiligenceOutcome, DiligenceStatus


class DiligenceFilterForm(FilterForm):
    q = forms.CharField(label=_("案件名称、转化事项或单位"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *DiligenceStatus.choices]
    )
    outcome = forms.ChoiceField(
        label=_("认定结论"), required=False, choices=[("", _("全部结论")), *DiligenceOutcome.choices]
    )


NAMES_HELP = _("多人用逗号、顿号或换行分隔")


class DiligenceCaseForm(forms.Form):
    title = forms.CharField(
        label=_("案件名称"), max_length=120, help_text=_("如：“粤农丝苗”品种权作价入股贬值尽职免责认定")
    )
    deal = forms.ModelChoiceField(
        label=_("技术交易"),
        queryset=Deal.objects.none(),
        required=False,
        help_text=_("本单位作为卖方、已在平台登记的交易；平台启用前的转化不选，填写下面三项"),
    )
    transfer_title = forms.CharField(
        label=_("转化事项"),
        required=False,
        max_length=120,
        help_text=_("未选技术交易时填写：成果名称和转化方式"),
    )
    transferred_on = forms.DateField(
        label=_("转化日期"), required=False, widget=DateInput(), help_text=_("未选技术交易时填写")
    )
    transfer_value = money_input(
        _("转化时价值（元）"),
        required=False,
        help_text=_("转让、许可的成交额或作价入股的作价；选了技术交易可不填，按合同金额"),
    )
    current_value = money_input(_("现值（元）"), help_text=_("评估或账面的现值，须低于转化时价值"))
    decision_process = forms.CharField(
        label=_("决策过程"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("集体决策的会议、时间、参加人员和表决情况，依据的本单位成果转化管理办法条款"),
    )
    valuation_basis = forms.CharField(
        label=_("估值依据"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("评估机构和报告编号，或协议定价、挂牌交易、拍卖的过程；贬值的原因"),
    )
    approvals = forms.CharField(
        label=_("已取得的审批"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("审批机关或本单位审批文件的名称和文号，公示的时间和范围"),
    )
    people = forms.CharField(label=_("相关人员"), max_length=1000, help_text=NAMES_HELP)
    attachments = forms.CharField(
        label=_("附件说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("会议纪要、评估报告、公示截图等材料的名称；原件由本单位存档备查"),
    )

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["deal"].queryset = (  # type: ignore[attr-defined]
            Deal.objects.for_user(acting_user)
            .filter(
                seller_id=getattr(acting_user, "organisation_id", None) or 0, status=DealStatus.REGISTERED
            )
            .order_by("-registered_on")
        )


YES_NO = [("", _("请选择")), ("1", _("是")), ("0", _("否"))]


class DecisionForm(forms.Form):
    committee = forms.CharField(
        label=_("委员会成员"),
        max_length=1000,
        help_text=_("参加审议的委员姓名，至少 3 人；多人用逗号、顿号或换行分隔"),
    )
    outcome = forms.ChoiceField(label=_("认定结论"), choices=[("", _("请选择")), *DiligenceOutcome.choices])
    reasons = forms.CharField(label=_("认定理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for key, label in DILIGENCE_CHECKS:
            self.fields[f"{key}_ok"] = forms.ChoiceField(label=label, choices=YES_NO)
            self.fields[f"{key}_remark"] = forms.CharField(
                label=_("备注"), required=False, max_length=500, help_text=_("选“否”时须说明")
            )
        self.order_fields(
            ["committee", *[f"{key}_{part}" for key, _label in DILIGENCE_CHECKS for part in ("ok", "remark")]]
        )

    def decision(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "committee": data["committee"],
            "checklist": {
                key: {"ok": data[f"{key}_ok"] == "1", "remark": data[f"{key}_remark"]}
                for key, _label in DILIGENCE_CHECKS
            },
            "outcome": data["outcome"],
            "reasons": data["reasons"],
        }
