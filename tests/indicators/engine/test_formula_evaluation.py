"""Evaluation semantics: missing values, division by zero, invalid results, children, prev, rows."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from baiqianwan.indicators.engine import (
    DataError,
    Dataset,
    Hierarchy,
    ReferenceEvaluator,
    compile_formula,
    evaluate,
)

from .conftest import ROW

NAN = np.nan


def values(formula: str, ds: Dataset) -> np.ndarray:
    return evaluate(formula, ds).values


def at(formula: str, ds: Dataset, unit: str, period: int = 0) -> float:
    return float(values(formula, ds)[ROW[unit], period])


def same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or a == b


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        # null propagates through arithmetic, comparison, not, min/max, abs, round
        ("#{x} + #{gap}", NAN),
        ("#{gap} * 0", NAN),
        ("#{gap} == #{gap}", NAN),
        ("#{gap} != 1", NAN),
        ("not #{gap}", NAN),
        ("-#{gap}", NAN),
        ("min(#{x}, #{gap})", NAN),
        ("max(#{gap}, 100)", NAN),
        ("abs(#{gap})", NAN),
        ("round(#{gap}, 2)", NAN),
        ("#{gap} ^ 0", NAN),  # C's pow(NaN, 0) is 1; missing stays missing
        ("1 ^ #{gap}", NAN),
        # ... and stops at isnull, coalesce, if
        ("isnull(#{gap})", 1.0),
        ("isnull(#{x})", 0.0),
        ("coalesce(#{gap}, #{x}, 99)", 1.0),
        ("coalesce(#{gap}, #{gap}, 99)", 99.0),
        ("coalesce(#{gap}, #{gap})", NAN),
        ("if(#{gap}, 1, 2)", NAN),
        ("if(#{x} > 0, 1, #{gap})", 1.0),
        ("if(#{x} < 0, 1, #{gap})", NAN),
        ("if(#{x}, 7, 8)", 7.0),
        ("null", NAN),
        ("null + 1", NAN),
        # and/or: null operand evaluated -> null; short-circuit otherwise
        ("#{gap} and 0", NAN),
        ("0 and #{gap}", 0.0),
        ("1 and #{gap}", NAN),
        ("1 or #{gap}", 1.0),
        ("0 or #{gap}", NAN),
        ("2 and 3", 1.0),
        ("0 or 0", 0.0),
        ("not 0", 1.0),
        ("not 5", 0.0),
        # booleans are numbers
        ("(#{x} > 0) + (#{x} > 0)", 2.0),
        ("-2 ^ 2", -4.0),
        ("2 ^ -1", 0.5),
        ("7 - 2 - 1", 4.0),
        # rounding is half away from zero, as on paper
        ("round(2.5)", 3.0),
        ("round(-2.5)", -3.0),
        ("round(0.5)", 1.0),
        ("round(2.675, 2)", 2.68),
        ("round(1.005, 2)", 1.01),
        ("round(-1.005, 2)", -1.01),
        ("round(1234.5, -2)", 1200.0),
        ("round(1250, -2)", 1300.0),
        ("round(2.4999, 0)", 2.0),
    ],
)
def test_scalar_semantics(ds: Dataset, formula: str, expected: float) -> None:
    got = at(formula, ds, "T1")
    assert same(got, expected), (formula, got)
    ref = ReferenceEvaluator.from_dataset(ds)
    value = ref.evaluate(compile_formula(formula).expr, ROW["T1"], 0)
    assert same(NAN if value is None else value, expected), (formula, value)


def test_division_by_zero_is_null_counted_and_never_raises(ds: Dataset) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning leaks out of numpy either
        ev = evaluate("#{x} / #{zero}", ds)
    assert np.isnan(ev.values).all()
    # every cell divides by zero, whether x is there or not
    assert ev.diagnostics.division_by_zero == 13 * 2
    assert ev.division_by_zero_cells.all()
    assert "26 处除数为 0" in ev.diagnostics.messages()[0]
    zero_over_zero = evaluate("0 / 0", ds)
    assert np.isnan(zero_over_zero.values).all()
    assert zero_over_zero.diagnostics.division_by_zero == 26


def test_a_guarded_division_is_not_counted(ds: Dataset) -> None:
    ev = evaluate("if(#{zero} == 0, null, #{x} / #{zero})", ds)
    assert ev.diagnostics.division_by_zero == 0
    ev = evaluate("#{zero} != 0 and #{x} / #{zero} > 1", ds)
    assert ev.diagnostics.division_by_zero == 0
    assert (ev.values == 0).all()
    # coalesce evaluates its fallback only where needed
    ev = evaluate("coalesce(#{x}, 1 / #{zero})", ds)
    assert ev.diagnostics.division_by_zero == int(np.isnan(ds.get("x")).sum())


def test_division_where_only_some_denominators_are_zero(ds: Dataset) -> None:
    ev = evaluate("#{y} / #{x}", ds)
    t5 = ROW["T5"]
    assert np.isnan(ev.values[t5, 1])
    assert ev.values[t5, 0] == ds.get("y")[t5, 0] / 5
    assert ev.diagnostics.division_by_zero == 1
    assert ev.division_by_zero_cells[t5, 1]
    assert ev.division_by_zero_cells.sum() == 1


@pytest.mark.parametrize("formula", ["10 ^ 400", "(-8) ^ 0.5", "0 ^ -1", "1e308 * 10", "1e308 + 1e308"])
def test_invalid_results_are_null_and_counted(ds: Dataset, formula: str) -> None:
    ev = evaluate(formula, ds)
    assert np.isnan(ev.values).all()
    assert ev.diagnostics.invalid == 26
    assert ev.diagnostics.division_by_zero == 0


def test_children_aggregation(ds: Dataset) -> None:
    s = values("sum_children(#{x})", ds)
    assert s[ROW["C1"]].tolist() == [3.0, 10.0]  # T1 + T2; T2 missing in 2024 is skipped
    assert np.isnan(s[ROW["C2"]]).all()  # its only town has no values: null, not 0
    assert s[ROW["T1"]].tolist() == [0.5, 4.0]  # villages V1 + V2
    assert np.isnan(s[ROW["V1"]]).all()  # no children: null
    # 东莞 has no counties: its towns are its children
    assert s[ROW["DG"]].tolist() == [9.0, 40.0]
    avg = values("avg_children(#{x})", ds)
    assert avg[ROW["C1"]].tolist() == [1.5, 10.0]
    assert avg[ROW["DG"]].tolist() == [4.5, 20.0]
    count = values("count_children(#{x} > 1)", ds)
    assert count[ROW["C1"]].tolist() == [1.0, 1.0]
    assert count[ROW["DG"]].tolist() == [2.0, 1.0]
    assert np.isnan(count[ROW["C2"]]).all()
    # the number of children, and of children that reported
    assert values("count_children(1)", ds)[ROW["GZ"]].tolist() == [2.0, 2.0]
    assert values("count_children(not isnull(#{x}))", ds)[ROW["C1"]].tolist() == [2.0, 1.0]


def test_nested_children_reach_grandchildren_through_either_shape(ds: Dataset) -> None:
    s = values("sum_children(sum_children(#{x}))", ds)
    # 广州: counties' towns; 东莞: towns' villages
    assert s[ROW["GZ"]].tolist() == [3.0, 10.0]
    assert s[ROW["DG"]].tolist() == [7.0, 7.0]
    p = values("sum_children(sum_children(sum_children(#{x})))", ds)
    # three steps below the province: 广州's towns (3, 10) and 东莞's villages (7, 7)
    assert p[ROW["P"]].tolist() == [10.0, 17.0]


def test_missing_children_are_counted(ds: Dataset) -> None:
    ev = evaluate("sum_children(#{x})", ds, rows=ds.hierarchy.level_mask(["county"]))
    # C1: T2 missing in 2024 (1); C2: T3 missing twice (2)
    assert ev.diagnostics.missing_children == 3
    assert "3 个下级单位的数据缺失" in ev.diagnostics.messages()[0]


def test_prev_is_the_previous_period(ds: Dataset) -> None:
    v = values("#{x} - prev(#{x})", ds)
    assert np.isnan(v[:, 0]).all()
    assert v[ROW["T1"], 1] == 9.0
    assert v[ROW["T5"], 1] == -5.0
    growth = evaluate("(#{x} - prev(#{x})) / prev(#{x}) * 100", ds)
    assert growth.values[ROW["T1"], 1] == 900.0
    # the first period's prev() is null, not a division by zero
    assert growth.diagnostics.division_by_zero == 0


def test_rows_limit_the_units_computed(ds: Dataset) -> None:
    towns = ds.hierarchy.level_mask(["town"])
    ev = evaluate("#{y} / #{zero} + sum_children(#{x})", ds, rows=towns)
    assert np.isnan(ev.values[~towns]).all()
    assert ev.diagnostics.division_by_zero == int(towns.sum()) * 2
    compiled = compile_formula("sum_children(#{x}) + 1")
    full = compiled.evaluate(ds, rows=towns).values
    rows = np.flatnonzero(towns)
    compact = compiled.evaluate_rows(ds, rows)
    np.testing.assert_array_equal(compact.values, full[rows])
    everywhere = compiled.evaluate(ds).values
    np.testing.assert_array_equal(everywhere[towns], full[towns])


def test_elements_without_data_are_missing_and_results_are_fresh(ds: Dataset) -> None:
    assert np.isnan(values("#{never_reported} + 1", ds)).all()
    out = values("#{x}", ds)
    out[:] = 0
    assert not (ds.get("x") == 0).all()


def test_dataset_and_hierarchy_reject_bad_input(tree: Hierarchy) -> None:
    with pytest.raises(DataError, match="数组形状"):
        Dataset(tree, ["2023"], {"x": np.zeros((3, 1))})
    with pytest.raises(DataError, match="无穷大"):
        Dataset(tree, ["2023"], {"x": np.full((len(tree), 1), np.inf)})
    with pytest.raises(DataError, match="期间有重复"):
        Dataset(tree, ["2023", "2023"])
    with pytest.raises(DataError, match="循环"):
        Hierarchy(["a", "b"], [1, 0])
    with pytest.raises(DataError, match="自己的上级"):
        Hierarchy(["a"], [0])
    with pytest.raises(DataError, match="单位编码有重复"):
        Hierarchy(["a", "a"], [-1, -1])
    with pytest.raises(DataError, match="不在单位列表中"):
        Hierarchy.from_parent_codes(["a"], ["zz"])
    with pytest.raises(DataError, match="未知的层级"):
        Hierarchy(["a"], [-1], ["hamlet"])
    with pytest.raises(DataError, match="单位筛选数组"):
        evaluate("1", Dataset(tree, ["2023"]), rows=np.ones(2, dtype=bool))


def test_dataset_from_records(tree: Hierarchy) -> None:
    ds = Dataset.from_records(
        tree, [2023, 2024], [("T1", 2023, "x", 1.0), ("T1", "2024", "x", 2.0), ("T2", 2024, "x", None)]
    )
    assert ds.get("x")[ROW["T1"]].tolist() == [1.0, 2.0]
    assert np.isnan(ds.get("x")[ROW["T2"]]).all()
    assert ds.years == (2023, 2024)
    with pytest.raises(DataError, match="单位 ZZ 不在单位列表中"):
        Dataset.from_records(tree, [2023], [("ZZ", 2023, "x", 1.0)])
    with pytest.raises(DataError, match="期间 2030 不在期间列表中"):
        Dataset.from_records(tree, [2023], [("T1", 2030, "x", 1.0)])
