"""Validation rules: ranges, required, integers, cross-field rules and outliers against history."""

from __future__ import annotations

import numpy as np
import pytest

from baiqianwan.indicators.engine import (
    DataElement,
    DataError,
    Dataset,
    ElementKind,
    Hierarchy,
    OutlierMethod,
    Rule,
    RuleKind,
    Severity,
    implicit_rules,
    validate,
)
from baiqianwan.indicators.engine.validation import describe, fmt

NAN = np.nan
ELEMENTS = [
    DataElement("staff", "职工总数", unit="人", levels=("town",)),
    DataElement("female_staff", "女职工数", unit="人", levels=("town",)),
    DataElement("share", "研发人员占比", ElementKind.PERCENT, "%"),
    DataElement("has_station", "是否设有工作站", ElementKind.YES_NO),
    DataElement("rd", "研发投入", unit="万元"),
]


def flat_units(n: int) -> Hierarchy:
    return Hierarchy([f"T{i}" for i in range(n)], [-1] * n, ["town"] * n)


def one_period(**columns: list[float]) -> Dataset:
    n = len(next(iter(columns.values())))
    return Dataset(flat_units(n), ["2024"], {k: np.array(v)[:, None] for k, v in columns.items()})


def test_range_rules_and_implicit_kind_rules() -> None:
    ds = one_period(share=[50, 120, -1, NAN], has_station=[1, 0, 2, 0.5], staff=[1, 2, 3, 4])
    report = validate([], ds, elements=ELEMENTS)
    by_rule = report.counts()
    assert by_rule == {"share.range": 2, "has_station.range": 1, "has_station.integer": 1}
    first = report.findings[0]
    assert first.unit_code == "T1"
    assert first.period == "2024"
    assert first.value == 120.0
    assert first.message == "“研发人员占比”填报值为 120%，超出允许范围（0～100）"
    assert not report.ok
    explicit = [Rule("staff.max", RuleKind.RANGE, element="staff", max=3)]
    report = validate(explicit, ds, elements=ELEMENTS, implicit=False)
    assert [f.unit_code for f in report.findings] == ["T3"]
    assert report.findings[0].message == "“职工总数”填报值为 4人，超出允许范围（不大于 3）"
    at_least = [Rule("staff.min", RuleKind.RANGE, element="staff", min=2)]
    lower = validate(at_least, ds, elements=ELEMENTS, implicit=False)
    assert "不小于 2" in lower.findings[0].message
    assert len(implicit_rules(ELEMENTS)) == 3


def test_required_and_integer() -> None:
    ds = one_period(staff=[10, NAN, 2.5, 3])
    rules = [
        Rule("staff.required", RuleKind.REQUIRED, element="staff"),
        Rule("staff.integer", RuleKind.INTEGER, element="staff"),
    ]
    report = validate(rules, ds, elements=ELEMENTS)
    assert [(f.rule, f.unit_code) for f in report.findings] == [
        ("staff.required", "T1"),
        ("staff.integer", "T2"),
    ]
    assert report.findings[0].message == "“职工总数”为必填项，尚未填报"
    assert report.findings[1].message == "“职工总数”应为整数，填报值为 2.50人"


def test_required_only_at_the_levels_where_an_element_is_collected() -> None:
    h = Hierarchy(["C", "T1", "T2"], [-1, 0, 0], ["county", "town", "town"])
    ds = Dataset(h, ["2024"], {"staff": np.array([[NAN], [NAN], [1.0]])})
    report = validate([Rule("staff.required", RuleKind.REQUIRED, element="staff")], ds, elements=ELEMENTS)
    assert [f.unit_code for f in report.findings] == ["T1"]  # the county does not report staff
    county_rule = Rule("r", RuleKind.REQUIRED, element="staff", levels=("county",))
    assert [f.unit_code for f in validate([county_rule], ds, elements=ELEMENTS).findings] == ["C"]


def test_cross_field_rule_in_the_formula_language() -> None:
    ds = one_period(staff=[100, 50, NAN, 10], female_staff=[40, 60, 5, 10])
    rule = Rule(
        "female_le_staff",
        RuleKind.COMPARE,
        formula="#{female_staff} <= #{staff}",
        message="{unit}：女职工数（{female_staff}）不能大于职工总数（{staff}）",
    )
    report = validate([rule], ds, elements=ELEMENTS)
    # T2 has no staff figure: the rule cannot be judged, so it does not fire
    assert len(report.findings) == 1
    finding = report.findings[0]
    assert finding.unit_code == "T1"
    assert finding.elements == ("female_staff", "staff")
    assert finding.message == "T1：女职工数（60）不能大于职工总数（50）"
    assert finding.severity is Severity.ERROR


def test_outliers_by_robust_z_against_own_history() -> None:
    h = flat_units(4)
    rd = np.array(
        [
            [100, 110, 95, 105, 100, 900],  # a jump far outside its history
            [100, 110, 95, 105, 100, 112],  # normal
            [100, 100, 100, 100, 100, 101],  # flat history: MAD and mean deviation are 0, no z
            [NAN, NAN, NAN, 100, 100, 900],  # too little history (2 < 3)
        ],
        dtype=float,
    )
    ds = Dataset(h, [str(y) for y in range(2019, 2025)], {"rd": rd})
    rule = Rule(
        "rd.outlier", RuleKind.OUTLIER, element="rd", threshold=3.5, min_history=3, severity=Severity.WARNING
    )
    report = validate([rule], ds, elements=ELEMENTS, periods=[5])
    assert [(f.unit_code, f.period) for f in report.findings] == [("T0", "2024")]
    finding = report.findings[0]
    assert finding.severity is Severity.WARNING
    assert report.ok
    # median 100, MAD 5 -> z = (900 - 100) / (1.4826 * 5) = 107.9
    assert "明显高于本单位以往水平（中位数 100，稳健 Z 分数 107.9，阈值 ±3.5）" in finding.message
    # MAD 0 but a spread: the mean absolute deviation stands in
    spiky = Dataset(flat_units(1), ["1", "2", "3", "4", "5"], {"rd": np.array([[10.0, 10, 10, 20, 10]])})
    z_rule = Rule("z", RuleKind.OUTLIER, element="rd", threshold=3.0)
    assert validate([z_rule], spiky, elements=ELEMENTS).findings == []
    low = Dataset(flat_units(1), ["1", "2", "3", "4"], {"rd": np.array([[100.0, 104, 96, 1]])})
    found = validate([z_rule], low, elements=ELEMENTS).findings
    assert len(found) == 1
    assert "明显低于" in found[0].message
    # a window limits the history to the last n periods
    windowed = Rule("w", RuleKind.OUTLIER, element="rd", threshold=3.5, min_history=3, window=2)
    assert validate([windowed], ds, elements=ELEMENTS, periods=[5]).findings == []


def test_outliers_by_jump_ratio() -> None:
    rd = np.array([[10, 100, 100], [10, 12, 1], [0, 50, 60], [NAN, 5, 5]], dtype=float)
    ds = Dataset(flat_units(4), ["2022", "2023", "2024"], {"rd": rd})
    rule = Rule("rd.jump", RuleKind.OUTLIER, element="rd", method=OutlierMethod.JUMP, threshold=5)
    report = validate([rule], ds, elements=ELEMENTS)
    assert [(f.unit_code, f.period) for f in report.findings] == [("T0", "2023"), ("T1", "2024")]
    assert (
        report.findings[0].message
        == "“研发投入”填报值 100 较上期 10 增至上期的 10.0 倍（阈值 5 倍），请核实或说明原因"
    )
    assert "降至上期的 0.08 倍" in report.findings[1].message


def test_periods_and_rows_narrow_what_is_reported() -> None:
    ds = Dataset(flat_units(3), ["2023", "2024"], {"share": np.array([[200.0, 200], [1, 300], [1, 1]])})
    everything = validate([], ds, elements=ELEMENTS)
    assert len(everything.findings) == 3
    latest = validate([], ds, elements=ELEMENTS, periods=[1])
    assert [(f.unit_code, f.period) for f in latest.findings] == [("T0", "2024"), ("T1", "2024")]
    one = validate([], ds, elements=ELEMENTS, rows=np.array([False, True, False]))
    assert [f.unit_code for f in one.for_unit("T1")] == ["T1"]
    assert len(one.findings) == 1


def test_formatting_and_descriptions() -> None:
    assert fmt(None) == "空"
    assert fmt(NAN) == "空"
    assert fmt(1234567.0) == "1,234,567"
    assert fmt(0.125) == "0.12"
    assert fmt(-3.5) == "-3.50"
    assert describe(Rule("a", RuleKind.COMPARE, formula="#{a} <= #{b}")) == "逻辑关系：#{a} <= #{b}"
    assert "稳健 Z 分数" in describe(Rule("o", RuleKind.OUTLIER, element="rd"))


@pytest.mark.parametrize("n_units", [2000])
def test_vectorised_checks_scale(n_units: int) -> None:
    rng = np.random.default_rng(1)
    values = rng.normal(100, 5, (n_units, 5))
    values[7, 4] = 10000
    ds = Dataset(
        flat_units(n_units), [str(y) for y in range(2020, 2025)], {"rd": values, "share": values / 2}
    )
    rules = [Rule("z", RuleKind.OUTLIER, element="rd", threshold=6)]
    report = validate(rules, ds, elements=ELEMENTS, periods=[4])
    assert ("T7", "2024") in {(f.unit_code, f.period) for f in report.findings if f.rule == "z"}
    assert sum(f.rule == "share.range" for f in report.findings) >= 1


def test_rules_without_element_definitions_and_bad_rows() -> None:
    ds = one_period(a=[1, 5], b=[2, 2])
    rule = Rule("a_le_b", RuleKind.COMPARE, formula="#{a} <= #{b}", message="{a} > {b}")
    assert [f.message for f in validate([rule], ds).findings] == ["5 > 2"]
    with pytest.raises(DataError, match="单位筛选数组"):
        validate([rule], ds, rows=np.ones(5, dtype=bool))
