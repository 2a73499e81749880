"""Eligibility with the plan's tilt: lower thresholds in 粤东西北, co-builders' resources counted,
nomination rules, and a Chinese reason for every verdict."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from baiqianwan.calls.engine.definition import CallType, definition_from_dict
from baiqianwan.calls.engine.eligibility import Facts, clean_values, evaluate, number

DATA = Path(__file__).resolve().parents[3] / "data" / "calls"


def call_type(code: str) -> CallType:
    return definition_from_dict(json.loads((DATA / f"{code}.json").read_text(encoding="utf-8")))


CENTRE = {
    "field": "农产品加工",
    "direction": "柚类精深加工",
    "revenue": 8000,
    "rd_spend": 260,
    "equipment_value": 120,
    "researchers": 12,
    "qualified_researchers": 7,
    "summary": "……",
}


def test_the_ewn_threshold_is_lower_and_the_co_builders_count() -> None:
    centre = call_type("engineering_centre")
    partner = {"equipment_value": 90, "researchers": 6, "qualified_researchers": 5}
    alone = evaluate(centre, Facts(values=CENTRE, applicant_in_ewn=True))
    assert not alone.eligible
    assert [c.text for c in alone.failures] == ["研发设备原值 120 万元 < 粤东西北门槛 150 万元"]

    joint = evaluate(centre, Facts(values=CENTRE, partners=[partner], applicant_in_ewn=True))
    assert joint.eligible
    texts = [c.text for c in joint.checks]
    assert "专职科研人员 18 人（含共建单位 6 人）≥ 粤东西北门槛 10 人" in texts
    assert "研发设备原值 210 万元（含共建单位 90 万元）≥ 粤东西北门槛 150 万元" in texts
    assert "本科以上或中级以上职称人员占比 66.7%（12/18 人）≥ 50%" in texts

    # The same joint application from 珠三角 meets the higher bar on neither count.
    prd = evaluate(centre, Facts(values=CENTRE, partners=[partner], applicant_in_ewn=False))
    assert [c.text for c in prd.failures] == [
        "研发设备原值 210 万元（含共建单位 90 万元）< 珠三角门槛 300 万元",
        "专职科研人员 18 人（含共建单位 6 人）< 珠三角门槛 20 人",
    ]


def test_a_university_needs_no_revenue_but_an_enterprise_does() -> None:
    centre = call_type("engineering_centre")
    values = {
        **CENTRE,
        "revenue": None,
        "equipment_value": 400,
        "researchers": 25,
        "qualified_researchers": 15,
    }
    university = evaluate(centre, Facts(values=values, applicant_kind="university"))
    assert university.eligible
    enterprise = evaluate(centre, Facts(values=values, applicant_kind="enterprise"))
    [failure] = enterprise.failures
    assert failure.text.startswith("单位规模（满足其一，均不满足）")
    assert "企业主营业务收入：未填写" in failure.text
    government = evaluate(centre, Facts(values=values, applicant_kind="government"))
    assert "申报单位类型：机关事业单位，不符合（可申报：企业、高等院校、科研院所）" in [
        c.text for c in government.failures
    ]


def test_the_promotion_award_accepts_a_prd_lead_applied_in_the_ewn() -> None:
    award = call_type("promotion_award")
    values = {"benefit": 500}
    applied_in_meizhou = Facts(values=values, regions={"application_region": ("梅州市大埔县", True)})
    verdict = evaluate(award, applied_in_meizhou)
    assert verdict.eligible
    assert "在粤东西北推广应用" in verdict.checks[0].text
    assert "主要推广应用地区 梅州市大埔县位于粤东西北" in verdict.checks[0].text
    neither = evaluate(award, Facts(values=values, regions={"application_region": ("广州市从化区", False)}))
    assert not neither.eligible
    assert "均不满足" in neither.failures[0].text


def test_a_flag_and_a_ratio_on_zero_explain_themselves() -> None:
    institution = call_type("new_rd_institution")
    values = {
        "staff": 0,
        "rd_staff": 0,
        "income": 100,
        "rd_spend": 40,
        "serves_smes": False,
        "smes_served": 12,
    }
    verdict = evaluate(institution, Facts(values=values, applicant_kind="institute", applicant_in_ewn=True))
    texts = [c.text for c in verdict.failures]
    assert "研发人员占在职员工比例：在职员工为 0，无法计算比例" in texts
    assert "面向中小企业提供技术服务：否" in texts
    assert "研发经费占收入比例 40%（40/100 万元）≥ 30%" in [c.text for c in verdict.checks]
    assert "服务中小企业数 12 家 ≥ 粤东西北门槛 10 家" in [c.text for c in verdict.checks]


def test_form_answers_are_typed_and_every_bad_one_is_named() -> None:
    centre = call_type("engineering_centre")
    values, errors = clean_values(
        centre,
        {
            "field": "占卜",
            "direction": "x" * 201,
            "revenue": "1,200.5",
            "rd_spend": "NaN",
            "equipment_value": -1,
            "researchers": "12.5",
            "qualified_researchers": True,
            "summary": "",
            "hack": "=cmd()",
        },
    )
    assert values == {"revenue": Decimal("1200.5")}
    assert errors == {
        "field": "技术领域：须是以下之一：" + "、".join(centre.field("field").choices),
        "direction": "研究方向：不能超过 200 字（现 201 字）",
        "rd_spend": "上一年度研发经费：须是数字",
        "equipment_value": "研发设备原值：不能小于 0 万元",
        "researchers": "专职科研人员：须是整数",
        "qualified_researchers": "本科以上学历或中级以上职称的专职科研人员：须是数字",
        "summary": "建设基础与目标：必填",
        "hack": "hack：不是本申报表的栏目",
    }
    partner_values, partner_errors = clean_values(centre, {"researchers": "6"}, partner=True)
    assert partner_values == {"researchers": 6}
    assert partner_errors == {}
    _values, draft_errors = clean_values(centre, {"researchers": "6"}, complete=False)
    assert draft_errors == {}


@pytest.mark.parametrize(
    ("value", "text"), [(Decimal("12.50"), "12.5"), (300, "300"), (Decimal("3E+2"), "300")]
)
def test_numbers_read_naturally(value: Decimal | int, text: str) -> None:
    assert number(value) == text
