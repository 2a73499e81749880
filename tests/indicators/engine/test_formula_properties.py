"""Property tests: random formulas over random hierarchies and data give the same values and the
same diagnostics in the vectorised evaluator as in the scalar reference evaluator."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from baiqianwan.indicators.engine import (
    Dataset,
    Hierarchy,
    ReferenceEvaluator,
    compile_formula,
    parse,
    unparse,
)
from baiqianwan.indicators.engine.parser import Binary, Call, Expr, Null, Number, Ref, Unary

CODES = ("a", "b", "c")
LITERALS = (0.0, 1.0, 2.0, 0.5, 3.0, 10.0, 1e200)
# Missing, zero (division by zero), negatives, fractions, and a huge value (overflow).
DATA = (np.nan, np.nan, 0.0, 1.0, 2.0, -1.0, 0.5, 3.0, 7.0, -2.5, 1e200)
SETTINGS = settings(
    max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)

leaves = st.one_of(
    st.sampled_from(LITERALS).map(Number),
    st.sampled_from(CODES).map(Ref),
    st.just(Null()),
)


def extend(inner: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    ops = ["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or"]
    # Exponents are small integer constants, so both evaluators' pow() agree to the last bit.
    exponent = st.one_of(st.sampled_from([0.0, 1.0, 2.0, 3.0]).map(Number), st.just(Unary("-", Number(1.0))))
    many = st.lists(inner, min_size=2, max_size=3).map(tuple)
    return st.one_of(
        st.builds(Unary, st.sampled_from(["-", "not"]), inner),
        st.builds(Binary, st.sampled_from(ops), inner, inner),
        st.builds(lambda x, e: Binary("^", x, e), inner, exponent),
        st.builds(lambda c, a, b: Call("if", (c, a, b)), inner, inner, inner),
        st.builds(lambda name, x: Call(name, (x,)), st.sampled_from(["isnull", "abs", "prev"]), inner),
        st.builds(lambda name, args: Call(name, args), st.sampled_from(["coalesce", "min", "max"]), many),
        st.builds(lambda x, n: Call("round", (x, Number(n))), inner, st.sampled_from([-1.0, 0.0, 1.0, 2.0])),
        st.builds(
            lambda name, x: Call(name, (x,)),
            st.sampled_from(["sum_children", "avg_children", "count_children"]),
            inner,
        ),
    )


formulas = st.recursive(leaves, extend, max_leaves=14)


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    n = draw(st.integers(1, 12))
    parents = [draw(st.integers(-1, i - 1)) for i in range(n)]
    periods = draw(st.integers(1, 3))
    hierarchy = Hierarchy([f"u{i}" for i in range(n)], parents)
    values = {
        code: draw(arrays(np.float64, (n, periods), elements=st.sampled_from(DATA))) for code in CODES[:2]
    }
    # "c" is never reported: an element known to the catalogue without data.
    return Dataset(hierarchy, [str(2020 + t) for t in range(periods)], values)


def as_array(rows: list[list[float | None]]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=np.float64)


@SETTINGS
@given(expr=formulas)
def test_canonical_text_parses_back_to_the_same_tree(expr: Expr) -> None:
    text = unparse(expr)
    assert parse(text) == expr
    assert unparse(parse(text)) == text


@SETTINGS
@given(expr=formulas, ds=datasets())
def test_vectorised_equals_reference(expr: Expr, ds: Dataset) -> None:
    compiled = compile_formula(expr)
    ev = compiled.evaluate(ds)
    ref = ReferenceEvaluator.from_dataset(ds)
    expected = as_array(ref.evaluate_all(expr))
    np.testing.assert_allclose(
        ev.values, expected.reshape(ev.values.shape), rtol=1e-9, atol=1e-12, equal_nan=True
    )
    assert ev.diagnostics == ref.diagnostics


@SETTINGS
@given(expr=formulas, ds=datasets(), data=st.data())
def test_vectorised_equals_reference_on_chosen_rows(expr: Expr, ds: Dataset, data: st.DataObject) -> None:
    n = ds.shape[0]
    rows = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    compiled = compile_formula(expr)
    ev = compiled.evaluate(ds, rows=rows)
    ref = ReferenceEvaluator.from_dataset(ds)
    chosen = np.flatnonzero(rows).tolist()
    expected = as_array(ref.evaluate_all(expr, chosen)).reshape(len(chosen), ds.shape[1])
    np.testing.assert_allclose(ev.values[rows], expected, rtol=1e-9, atol=1e-12, equal_nan=True)
    assert np.isnan(ev.values[~rows]).all()
    assert ev.diagnostics == ref.diagnostics
    compact = compiled.evaluate_rows(ds, np.flatnonzero(rows))
    np.testing.assert_array_equal(compact.values, ev.values[rows])


def guarded(inner: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    """A division reached only through if/coalesce/and/or/prev/children: diagnostics must count
    exactly the cells where it is evaluated."""
    division = st.builds(lambda a, b: Binary("/", a, b), inner, inner)
    return st.one_of(
        st.builds(lambda c, d, e: Call("if", (c, d, e)), inner, division, inner),
        st.builds(lambda c, d, e: Call("if", (c, e, d)), inner, division, inner),
        st.builds(lambda x, d: Call("coalesce", (x, d)), inner, division),
        st.builds(lambda c, d, op: Binary(op, c, d), inner, division, st.sampled_from(["and", "or"])),
        st.builds(lambda d: Call("prev", (d,)), division),
        st.builds(
            lambda d, name: Call(name, (d,)), division, st.sampled_from(["sum_children", "count_children"])
        ),
    )


@SETTINGS
@given(expr=guarded(st.recursive(leaves, extend, max_leaves=5)), ds=datasets())
def test_diagnostics_count_only_cells_evaluated(expr: Expr, ds: Dataset) -> None:
    ev = compile_formula(expr).evaluate(ds)
    ref = ReferenceEvaluator.from_dataset(ds)
    expected = as_array(ref.evaluate_all(expr))
    np.testing.assert_allclose(
        ev.values, expected.reshape(ev.values.shape), rtol=1e-9, atol=1e-12, equal_nan=True
    )
    assert ev.diagnostics == ref.diagnostics
