"""Evaluation of formulas: vectorised over (unit, period) arrays, and a scalar reference.

Semantics (the same in both evaluators, and checked against each other by property tests):

* A value is a float; NaN (vectorised) / ``None`` (reference) is *null*, i.e. missing.
  Booleans are 1 and 0; any non-zero value is true.
* Null propagates through arithmetic, comparisons, ``not``, ``abs``, ``round``, ``min``, ``max``
  and ``prev``. Only ``isnull``, ``coalesce``, ``if``, ``and``/``or`` (short-circuit) and the
  children aggregations stop it.
* ``x / 0`` is null and counted as a division by zero (whatever x is). Any other arithmetic
  result that is not a finite number (overflow, ``(-8)^0.5``, ``0^-1``) is null and counted as
  invalid. Neither ever raises.
* ``if(c, a, b)``: null when c is null; only the branch taken is evaluated (so a guarded
  division is not counted). ``coalesce(x, y, ...)`` evaluates y only where x is null.
  ``a and b``: null if a is null, false if a is false (b not evaluated), else b as a boolean;
  ``a or b`` likewise.
* ``sum_children(x)``, ``avg_children(x)``, ``count_children(c)`` aggregate over the units
  directly below, ignoring children whose value is null; the result is null when no child
  has a value (a unit without children, or all children missing). Each missing child is
  counted in ``missing_children``. ``count_children`` counts children whose condition is true.
* ``prev(x)`` is x in the previous period of the same unit; null in the first period.
* ``round(x, n)`` rounds half away from zero (四舍五入), n a constant from -6 to 10.

Diagnostics are counted only where a value is actually needed: for the rows asked for, and
inside ``if``/``coalesce``/``and``/``or``/``prev``/children only for the cells they reach.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .data import BoolArray, Dataset, FloatArray, IntArray
from .errors import DataError, FormulaError
from .parser import CHILD_FUNCTIONS, Binary, Call, Expr, Null, Number, Ref, Unary, parse, references, unparse

# --- diagnostics -------------------------------------------------------------------------------


@dataclass
class Diagnostics:
    """Events met while evaluating; each (formula node, cell) counts once."""

    division_by_zero: int = 0
    invalid: int = 0
    missing_children: int = 0

    def add(self, other: Diagnostics) -> None:
        self.division_by_zero += other.division_by_zero
        self.invalid += other.invalid
        self.missing_children += other.missing_children

    def as_dict(self) -> dict[str, int]:
        return {
            "division_by_zero": self.division_by_zero,
            "invalid": self.invalid,
            "missing_children": self.missing_children,
        }

    def messages(self) -> list[str]:
        out = []
        if self.division_by_zero:
            out.append(f"{self.division_by_zero} 处除数为 0，结果按空值处理")
        if self.invalid:
            out.append(f"{self.invalid} 处运算结果无效（溢出或无意义的乘方），结果按空值处理")
        if self.missing_children:
            out.append(f"{self.missing_children} 个下级单位的数据缺失，汇总时未计入")
        return out


@dataclass
class Evaluation:
    values: FloatArray
    diagnostics: Diagnostics
    # Cells (of the unit where the division was written to happen) with a zero divisor.
    division_by_zero_cells: BoolArray = field(repr=False)


# --- the vectorised evaluator ------------------------------------------------------------------

Active = BoolArray | None  # None: every cell


def _and(active: Active, mask: BoolArray) -> BoolArray:
    return mask if active is None else active & mask


def _truth(values: FloatArray) -> FloatArray:
    out = (values != 0).astype(np.float64)
    out[np.isnan(values)] = np.nan
    return out


def _round_half_away(x: FloatArray, digits: int) -> FloatArray:
    y = np.abs(x) * 10.0**digits if digits >= 0 else np.abs(x) / 10.0 ** (-digits)
    # A few ulps absorb binary representation error, so 2.675 rounds to 2.68 as on paper.
    r = np.where(y >= 2.0**52, y, np.floor((y + 4 * np.spacing(y)) + 0.5))
    r = r / 10.0**digits if digits >= 0 else r * 10.0 ** (-digits)
    return np.where(x < 0, -r, r)


class _Vectorised:
    def __init__(
        self,
        get: Callable[[str], FloatArray],
        shape: tuple[int, int],
        child_rows: IntArray,
        child_parent: IntArray,
    ) -> None:
        self.get = get
        self.shape = shape
        self.diag = Diagnostics()
        self.div_cells = np.zeros(shape, dtype=bool)
        self.child_rows = child_rows
        self.child_parent = child_parent
        n_periods = shape[1]
        self.bins = (child_parent[:, None] * n_periods + np.arange(n_periods)).ravel()

    def count(self, active: Active, event: BoolArray) -> int:
        hit = _and(active, event)
        return int(np.count_nonzero(hit))

    def invalid(self, active: Active, result: FloatArray, operands_ok: BoolArray) -> FloatArray:
        bad = ~np.isfinite(result) & operands_ok
        if bad.any():
            self.diag.invalid += self.count(active, bad)
            result = np.where(bad, np.nan, result)
        return result

    def run(self, node: Expr, active: Active) -> FloatArray:
        if isinstance(node, Number):
            return np.full(self.shape, node.value)
        if isinstance(node, Null):
            return np.full(self.shape, np.nan)
        if isinstance(node, Ref):
            return self.get(node.code)
        if isinstance(node, Unary):
            x = self.run(node.operand, active)
            if node.op == "-":
                return -x
            out = (x == 0).astype(np.float64)
            out[np.isnan(x)] = np.nan
            return out
        if isinstance(node, Binary):
            return self.binary(node, active)
        return self.call(node, active)

    def binary(self, node: Binary, active: Active) -> FloatArray:
        op = node.op
        if op in ("and", "or"):
            a = self.run(node.left, active)
            a_null = np.isnan(a)
            a_true = ~a_null & (a != 0)
            go_on = a_true if op == "and" else ~a_null & ~a_true
            sub = _and(active, go_on)
            b = _truth(self.run(node.right, sub)) if sub.any() else np.full(self.shape, np.nan)
            settled = 0.0 if op == "and" else 1.0
            return np.where(a_null, np.nan, np.where(go_on, b, settled))
        a = self.run(node.left, active)
        b = self.run(node.right, active)
        ok = ~np.isnan(a) & ~np.isnan(b)
        if op == "+":
            return self.invalid(active, a + b, ok)
        if op == "-":
            return self.invalid(active, a - b, ok)
        if op == "*":
            return self.invalid(active, a * b, ok)
        if op == "/":
            zero = b == 0
            if zero.any():
                hit = _and(active, zero)
                self.diag.division_by_zero += int(np.count_nonzero(hit))
                self.div_cells |= hit
                out = a / np.where(zero, 1.0, b)
                out[zero] = np.nan
                return self.invalid(active, out, ok & ~zero)
            return self.invalid(active, a / b, ok)
        if op == "^":
            out = np.power(a, b)
            out[~ok] = np.nan  # pow(NaN, 0) is 1 in C; missing must stay missing
            return self.invalid(active, out, ok)
        if op == "<":
            out = (a < b).astype(np.float64)
        elif op == "<=":
            out = (a <= b).astype(np.float64)
        elif op == ">":
            out = (a > b).astype(np.float64)
        elif op == ">=":
            out = (a >= b).astype(np.float64)
        elif op == "==":
            out = (a == b).astype(np.float64)
        elif op == "!=":
            out = (a != b).astype(np.float64)
        else:  # pragma: no cover - the parser admits no other operator
            raise FormulaError(f"未知的运算符“{op}”")
        out[~ok] = np.nan
        return out

    def call(self, node: Call, active: Active) -> FloatArray:
        name, args = node.name, node.args
        if name == "if":
            c = self.run(args[0], active)
            c_null = np.isnan(c)
            c_true = ~c_null & (c != 0)
            c_false = ~c_null & ~c_true
            yes_active, no_active = _and(active, c_true), _and(active, c_false)
            nan = np.full(self.shape, np.nan)
            yes = self.run(args[1], yes_active) if yes_active.any() else nan
            no = self.run(args[2], no_active) if no_active.any() else nan
            return np.where(c_true, yes, np.where(c_false, no, np.nan))
        if name == "isnull":
            return np.isnan(self.run(args[0], active)).astype(np.float64)
        if name == "coalesce":
            out = self.run(args[0], active)
            for arg in args[1:]:
                need = _and(active, np.isnan(out))
                if not need.any():
                    break
                out = np.where(np.isnan(out), self.run(arg, need), out)
            return out
        if name in ("min", "max"):
            reduce = np.minimum if name == "min" else np.maximum
            values = [self.run(a, active) for a in args]
            out = values[0]
            for v in values[1:]:
                out = reduce(out, v)  # NaN in, NaN out
            return out
        if name == "abs":
            return np.abs(self.run(args[0], active))
        if name == "round":
            x = self.run(args[0], active)
            digits = args[1]
            assert isinstance(digits, Number)
            return self.invalid(active, _round_half_away(x, int(digits.value)), ~np.isnan(x))
        if name == "prev":
            inner_active = np.zeros(self.shape, dtype=bool)
            inner_active[:, :-1] = True if active is None else active[:, 1:]
            x = self.run(args[0], inner_active)
            out = np.full(self.shape, np.nan)
            out[:, 1:] = x[:, :-1]
            return out
        return self.children(node, active)

    def children(self, node: Call, active: Active) -> FloatArray:
        rows, up = self.child_rows, self.child_parent
        child_active = np.zeros(self.shape, dtype=bool)
        child_active[rows] = True if active is None else active[up]
        x = self.run(node.args[0], child_active)[rows]
        present = ~np.isnan(x)
        missing = ~present & child_active[rows]
        self.diag.missing_children += int(np.count_nonzero(missing))
        size = self.shape[0] * self.shape[1]
        n_present = np.bincount(self.bins, weights=present.ravel(), minlength=size).reshape(self.shape)
        # bincount with weights returns float64; the stubs say integers.
        n_present = np.asarray(n_present, dtype=np.float64)
        if node.name == "count_children":
            weights = (present & (x != 0)).ravel().astype(np.float64)
        else:
            weights = np.where(present, x, 0.0).ravel()
        total: FloatArray = np.asarray(
            np.bincount(self.bins, weights=weights, minlength=size).reshape(self.shape), dtype=np.float64
        )
        has = n_present > 0
        if node.name == "avg_children":
            total = total / np.where(has, n_present, 1.0)
        out = np.where(has, total, np.nan)
        return self.invalid(active, out, has)


# --- compiled formulas -------------------------------------------------------------------------


def _children_depth(expr: Expr) -> int:
    """How many generations below a unit the formula reads (nested children aggregations)."""
    if isinstance(expr, Unary):
        return _children_depth(expr.operand)
    if isinstance(expr, Binary):
        return max(_children_depth(expr.left), _children_depth(expr.right))
    if isinstance(expr, Call):
        inner = max(_children_depth(a) for a in expr.args)
        return inner + 1 if expr.name in CHILD_FUNCTIONS else inner
    return 0


@dataclass(frozen=True)
class CompiledFormula:
    """A parsed and checked formula, ready to evaluate over any dataset."""

    text: str
    expr: Expr
    references: tuple[str, ...]

    @property
    def canonical(self) -> str:
        return unparse(self.expr)

    @cached_property
    def depth(self) -> int:
        return _children_depth(self.expr)

    def _run(
        self, dataset: Dataset, rows: BoolArray | None
    ) -> tuple[IntArray | None, _Vectorised, FloatArray]:
        """Evaluate on the rows asked for plus the descendants the formula reads, nothing else.

        Returns the rows evaluated (None = all), the engine (diagnostics) and their values.
        """
        h = dataset.hierarchy
        if rows is not None:
            rows = np.asarray(rows, dtype=bool)
            if rows.shape != (dataset.shape[0],):
                raise DataError(f"单位筛选数组的形状 {rows.shape} 应为 ({dataset.shape[0]},)")
        if rows is None:
            engine = _Vectorised(dataset.get, dataset.shape, h.child_rows, h.child_parent)
            with np.errstate(all="ignore"):
                return None, engine, engine.run(self.expr, None)
        has_parent = h.parent >= 0
        up = np.maximum(h.parent, 0)
        needed, frontier = rows.copy(), rows
        for _ in range(self.depth):
            frontier = has_parent & frontier[up]
            needed |= frontier
        sel = np.flatnonzero(needed)
        pos = np.full(len(h), -1, dtype=np.int64)
        pos[sel] = np.arange(len(sel))
        sub_parent = np.where(has_parent[sel], pos[up[sel]], -1)
        child_rows = np.flatnonzero(sub_parent >= 0)
        sliced: dict[str, FloatArray] = {}

        def get(code: str) -> FloatArray:
            if code not in sliced:
                sliced[code] = dataset.get(code)[sel]
            return sliced[code]

        shape = (len(sel), dataset.shape[1])
        engine = _Vectorised(get, shape, child_rows, sub_parent[child_rows])
        active = np.broadcast_to(rows[sel][:, None], shape)
        with np.errstate(all="ignore"):
            return sel, engine, engine.run(self.expr, active)

    def evaluate(self, dataset: Dataset, *, rows: BoolArray | None = None) -> Evaluation:
        """Values for every (unit, period); with ``rows``, only those units are computed (others NaN)."""
        sel, engine, values = self._run(dataset, rows)
        if sel is None:
            return Evaluation(np.array(values, dtype=np.float64, copy=True), engine.diag, engine.div_cells)
        out = np.full(dataset.shape, np.nan)
        out[sel] = values
        assert rows is not None
        out[~np.asarray(rows, dtype=bool)] = np.nan
        cells = np.zeros(dataset.shape, dtype=bool)
        cells[sel] = engine.div_cells
        return Evaluation(out, engine.diag, cells)

    def evaluate_rows(self, dataset: Dataset, rows: IntArray) -> Evaluation:
        """Values for the given rows only, shape (len(rows), periods); the compact form ``assess`` uses.

        ``division_by_zero_cells`` covers those rows (events in their children are only counted).
        """
        mask = np.zeros(dataset.shape[0], dtype=bool)
        mask[rows] = True
        sel, engine, values = self._run(dataset, mask)
        assert sel is not None
        pos = np.full(dataset.shape[0], -1, dtype=np.int64)
        pos[sel] = np.arange(len(sel))
        at = pos[np.asarray(rows, dtype=np.int64)]
        return Evaluation(np.array(values[at], dtype=np.float64), engine.diag, engine.div_cells[at])


def compile_formula(
    formula: str | Expr, elements: Mapping[str, str] | Collection[str] | None = None
) -> CompiledFormula:
    """Parse (if text) and check references against ``elements`` (codes, or code -> kind)."""
    if isinstance(formula, str):
        expr = parse(formula, elements=elements)
        text = formula
    else:
        expr = formula
        text = unparse(expr)
        if elements is not None:
            parse(text, elements=elements)
    return CompiledFormula(text, expr, references(expr))


def evaluate(
    formula: str | Expr | CompiledFormula, dataset: Dataset, *, rows: BoolArray | None = None
) -> Evaluation:
    compiled = formula if isinstance(formula, CompiledFormula) else compile_formula(formula)
    return compiled.evaluate(dataset, rows=rows)


# --- the reference evaluator -------------------------------------------------------------------

Scalar = float | None


def _round_scalar(x: float, digits: int) -> float:
    y = abs(x) * 10.0**digits if digits >= 0 else abs(x) / 10.0 ** (-digits)
    big = y >= 2.0**52 or not math.isfinite(y)
    r = y if big else float(math.floor((y + 4 * math.ulp(y)) + 0.5))
    r = r / 10.0**digits if digits >= 0 else r * 10.0 ** (-digits)
    return -r if x < 0 else r


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


class ReferenceEvaluator:
    """One (unit, period) at a time, in plain Python: slow and obvious, the yardstick."""

    def __init__(
        self,
        children: Sequence[Sequence[int]],
        values: Mapping[str, Sequence[Sequence[Scalar]]],
        n_periods: int,
    ) -> None:
        self.children = children
        self.values = values
        self.n_periods = n_periods
        self.diagnostics = Diagnostics()

    @classmethod
    def from_dataset(cls, dataset: Dataset, codes: Collection[str] | None = None) -> ReferenceEvaluator:
        wanted = dataset.values.keys() if codes is None else [c for c in codes if c in dataset.values]
        values = {
            code: [[None if math.isnan(v) else v for v in row] for row in dataset.values[code].tolist()]
            for code in wanted
        }
        return cls(dataset.hierarchy.children, values, dataset.shape[1])

    def evaluate(self, expr: Expr, unit: int, period: int) -> Scalar:
        return self._eval(expr, unit, period)

    def evaluate_all(self, expr: Expr, units: Sequence[int] | None = None) -> list[list[Scalar]]:
        rows = range(len(self.children)) if units is None else units
        return [[self._eval(expr, u, t) for t in range(self.n_periods)] for u in rows]

    def _finite(self, value: float) -> Scalar:
        if math.isfinite(value):
            return value
        self.diagnostics.invalid += 1
        return None

    def _eval(self, node: Expr, u: int, t: int) -> Scalar:
        if isinstance(node, Number):
            return node.value
        if isinstance(node, Null):
            return None
        if isinstance(node, Ref):
            column = self.values.get(node.code)
            return None if column is None else column[u][t]
        if isinstance(node, Unary):
            x = self._eval(node.operand, u, t)
            if x is None:
                return None
            if node.op == "-":
                return -x
            return 1.0 if x == 0 else 0.0
        if isinstance(node, Binary):
            return self._binary(node, u, t)
        return self._call(node, u, t)

    def _binary(self, node: Binary, u: int, t: int) -> Scalar:
        op = node.op
        if op in ("and", "or"):
            a = self._eval(node.left, u, t)
            if a is None:
                return None
            if (a != 0) == (op == "or"):
                return 1.0 if op == "or" else 0.0
            b = self._eval(node.right, u, t)
            return None if b is None else (1.0 if b != 0 else 0.0)
        a = self._eval(node.left, u, t)
        b = self._eval(node.right, u, t)
        if op == "/" and b == 0:
            self.diagnostics.division_by_zero += 1
            return None
        if a is None or b is None:
            return None
        if op in _COMPARE:
            return 1.0 if _COMPARE[op](a, b) else 0.0
        if op == "+":
            return self._finite(a + b)
        if op == "-":
            return self._finite(a - b)
        if op == "*":
            return self._finite(a * b)
        if op == "/":
            return self._finite(a / b)
        try:
            return self._finite(math.pow(a, b))
        except (ValueError, OverflowError, ZeroDivisionError):
            self.diagnostics.invalid += 1
            return None

    def _call(self, node: Call, u: int, t: int) -> Scalar:
        name, args = node.name, node.args
        if name == "if":
            c = self._eval(args[0], u, t)
            if c is None:
                return None
            return self._eval(args[1] if c != 0 else args[2], u, t)
        if name == "isnull":
            return 1.0 if self._eval(args[0], u, t) is None else 0.0
        if name == "coalesce":
            for arg in args:
                value = self._eval(arg, u, t)
                if value is not None:
                    return value
            return None
        if name in ("min", "max"):
            values = [self._eval(a, u, t) for a in args]
            present = [v for v in values if v is not None]
            if len(present) < len(values):
                return None
            return min(present) if name == "min" else max(present)
        if name == "abs":
            x = self._eval(args[0], u, t)
            return None if x is None else abs(x)
        if name == "round":
            x = self._eval(args[0], u, t)
            digits = args[1]
            assert isinstance(digits, Number)
            return None if x is None else self._finite(_round_scalar(x, int(digits.value)))
        if name == "prev":
            return None if t == 0 else self._eval(args[0], u, t - 1)
        kids = self.children[u]
        values = [self._eval(args[0], c, t) for c in kids]
        present = [v for v in values if v is not None]
        self.diagnostics.missing_children += len(values) - len(present)
        if not present:
            return None
        if name == "count_children":
            return float(sum(1 for v in present if v != 0))
        total = 0.0
        for v in present:
            total += v
        if name == "avg_children":
            total = total / len(present)
        return self._finite(total)
