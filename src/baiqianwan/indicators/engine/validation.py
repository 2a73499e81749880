"""Validation of reported values: ranges, required, integers, cross-field rules, outliers.

Rules come from the system (``Rule``) plus rules implied by element kinds: a percent lies in
0–100, a yes/no value is 0 or 1. Each check is vectorised over (unit, period); only findings are
turned into Python objects.

Outliers compare a value with the unit's own earlier periods:

* ``robust_z``: z = (x − median) / (1.4826 · MAD) over the earlier periods (the last ``window``
  of them, all when 0); when MAD is 0 the mean absolute deviation × 1.2533 stands in; when that
  is 0 too (a flat history) no z is computed. Flagged when |z| > threshold and at least
  ``min_history`` earlier values exist.
* ``jump``: x / previous value above ``threshold`` or below 1 / ``threshold`` (both positive).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from string import Formatter

import numpy as np

from .data import BoolArray, Dataset, FloatArray
from .errors import DataError
from .evaluate import compile_formula
from .model import (
    LABELS,
    DataElement,
    ElementKind,
    IndicatorSystem,
    OutlierMethod,
    Rule,
    RuleKind,
    Severity,
)


@dataclass(frozen=True)
class Finding:
    rule: str
    kind: RuleKind
    severity: Severity
    unit: int  # row in the hierarchy
    unit_code: str
    period: str
    elements: tuple[str, ...]
    value: float | None
    message: str


@dataclass
class ValidationReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        """No blocking finding (warnings only ask for a check)."""
        return not self.errors

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.rule] = out.get(f.rule, 0) + 1
        return out

    def for_unit(self, unit_code: str) -> list[Finding]:
        return [f for f in self.findings if f.unit_code == unit_code]


def fmt(value: float | None) -> str:
    """A value as users read it: thousands separators, at most two decimals, “空” for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "空"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.2f}"


def implicit_rules(elements: Iterable[DataElement]) -> list[Rule]:
    """Rules every element of a kind obeys: percent 0–100, yes/no is 0 or 1."""
    out: list[Rule] = []
    for e in elements:
        if e.kind is ElementKind.PERCENT:
            out.append(Rule(f"{e.code}.range", RuleKind.RANGE, element=e.code, min=0.0, max=100.0))
        elif e.kind is ElementKind.YES_NO:
            out.append(Rule(f"{e.code}.range", RuleKind.RANGE, element=e.code, min=0.0, max=1.0))
            out.append(Rule(f"{e.code}.integer", RuleKind.INTEGER, element=e.code))
    return out


class _Run:
    def __init__(
        self,
        dataset: Dataset,
        elements: Mapping[str, DataElement],
        periods: Sequence[int] | None,
        rows: BoolArray | None,
    ) -> None:
        self.ds = dataset
        self.elements = elements
        self.catalogue = {code: str(e.kind) for code, e in elements.items()}
        n_units, n_periods = dataset.shape
        self.periods = np.zeros(n_periods, dtype=bool)
        self.periods[list(range(n_periods)) if periods is None else list(periods)] = True
        self.rows = np.ones(n_units, dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
        if self.rows.shape != (n_units,):
            raise DataError(f"单位筛选数组的形状 {self.rows.shape} 应为 ({n_units},)")
        self.report = ValidationReport()

    def name(self, code: str) -> str:
        e = self.elements.get(code)
        return e.name if e is not None else code

    def scope(self, rule: Rule) -> BoolArray:
        """Cells the rule looks at: the rule's levels, else the element's, within the run's rows."""
        h = self.ds.hierarchy
        levels = rule.levels
        if not levels and rule.element in self.elements and h.levels is not None:
            levels = self.elements[rule.element].levels
        unit_ok = self.rows & (h.level_mask(levels) if levels else True)
        return unit_ok[:, None] & self.periods[None, :]

    def emit(self, rule: Rule, hits: BoolArray, values: FloatArray | None) -> None:
        for u, t in zip(*np.nonzero(hits), strict=True):
            value = None if values is None or math.isnan(values[u, t]) else float(values[u, t])
            self.add(rule, int(u), int(t), value, self.message(rule, value))

    def add(
        self, rule: Rule, u: int, t: int, value: float | None, message: str, elements: tuple[str, ...] = ()
    ) -> None:
        self.report.findings.append(
            Finding(
                rule=rule.code,
                kind=rule.kind,
                severity=rule.severity,
                unit=u,
                unit_code=self.ds.hierarchy.codes[u],
                period=self.ds.periods[t],
                elements=elements or ((rule.element,) if rule.element else ()),
                value=value,
                message=message,
            )
        )

    def message(self, rule: Rule, value: float | None) -> str:
        name = self.name(rule.element)
        unit = self.elements[rule.element].unit if rule.element in self.elements else ""
        shown = fmt(value) + unit
        if rule.kind is RuleKind.REQUIRED:
            return f"“{name}”为必填项，尚未填报"
        if rule.kind is RuleKind.INTEGER:
            return f"“{name}”应为整数，填报值为 {shown}"
        if rule.min is not None and rule.max is not None:
            bound = f"{fmt(rule.min)}～{fmt(rule.max)}"
        elif rule.min is not None:
            bound = f"不小于 {fmt(rule.min)}"
        else:
            bound = f"不大于 {fmt(rule.max)}"
        return f"“{name}”填报值为 {shown}，超出允许范围（{bound}）"

    def run(self, rule: Rule) -> None:
        if rule.kind is RuleKind.COMPARE:
            self.compare(rule)
            return
        x = self.ds.get(rule.element)
        cells = self.scope(rule)
        if rule.kind is RuleKind.REQUIRED:
            self.emit(rule, cells & np.isnan(x), None)
        elif rule.kind is RuleKind.INTEGER:
            with np.errstate(invalid="ignore"):
                self.emit(rule, cells & ~np.isnan(x) & (x != np.round(x)), x)
        elif rule.kind is RuleKind.RANGE:
            bad = np.zeros(x.shape, dtype=bool)
            with np.errstate(invalid="ignore"):
                if rule.min is not None:
                    bad |= x < rule.min
                if rule.max is not None:
                    bad |= x > rule.max
            self.emit(rule, cells & bad, x)
        elif rule.method is OutlierMethod.ROBUST_Z:
            self.robust_z(rule, x, cells)
        else:
            self.jump(rule, x, cells)

    def compare(self, rule: Rule) -> None:
        # Without element definitions there is nothing to check references against.
        compiled = compile_formula(rule.formula, self.catalogue or None)
        levels = rule.levels
        rows = self.rows & (self.ds.hierarchy.level_mask(levels) if levels else True)
        ok = compiled.evaluate(self.ds, rows=rows).values
        # Null (a value it needs is missing) is not a violation: ``required`` rules catch absence.
        hits = (ok == 0) & self.periods[None, :] & rows[:, None]
        fields = [f for _, f, _, _ in Formatter().parse(rule.message) if f]
        h = self.ds.hierarchy
        for u, t in zip(*np.nonzero(hits), strict=True):
            values = {code: fmt(float(self.ds.get(code)[u, t])) for code in compiled.references}
            values.update(unit=h.label(int(u)), period=self.ds.periods[t])
            text = rule.message.format_map({f: values.get(f, "") for f in fields})
            self.add(rule, int(u), int(t), None, text, compiled.references)

    def robust_z(self, rule: Rule, x: FloatArray, cells: BoolArray) -> None:
        n_periods = x.shape[1]
        name = self.name(rule.element)
        for t in range(1, n_periods):
            if not self.periods[t]:
                continue
            lo = max(0, t - rule.window) if rule.window else 0
            hist = x[:, lo:t]
            current = x[:, t]
            count = (~np.isnan(hist)).sum(axis=1)
            candidates = cells[:, t] & ~np.isnan(current) & (count >= max(rule.min_history, 1))
            if not candidates.any():
                continue
            h = hist[candidates]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                med = np.nanmedian(h, axis=1)
                mad = np.nanmedian(np.abs(h - med[:, None]), axis=1)
                mean_ad = np.nanmean(np.abs(h - med[:, None]), axis=1)
            scale = np.where(mad > 0, 1.4826 * mad, 1.2533 * mean_ad)
            with np.errstate(divide="ignore", invalid="ignore"):
                z = np.where(scale > 0, (current[candidates] - med) / scale, 0.0)
            flagged = np.abs(z) > rule.threshold
            rows = np.flatnonzero(candidates)[flagged]
            for u, zi, mi in zip(rows, z[flagged], med[flagged], strict=True):
                value = float(current[u])
                way = "高于" if zi > 0 else "低于"
                message = (
                    f"“{name}”填报值 {fmt(value)} 明显{way}本单位以往水平（中位数 {fmt(float(mi))}，"
                    f"稳健 Z 分数 {zi:.1f}，阈值 ±{rule.threshold:g}），请核实或说明原因"
                )
                self.add(rule, int(u), t, value, message)

    def jump(self, rule: Rule, x: FloatArray, cells: BoolArray) -> None:
        name = self.name(rule.element)
        prev = np.full(x.shape, np.nan)
        prev[:, 1:] = x[:, :-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = x / prev
            both = (x > 0) & (prev > 0)
            flagged = cells & both & ((ratio > rule.threshold) | (ratio < 1.0 / rule.threshold))
        for u, t in zip(*np.nonzero(flagged), strict=True):
            r = float(ratio[u, t])
            change = f"增至上期的 {r:.1f} 倍" if r > 1 else f"降至上期的 {r:.2f} 倍"
            message = (
                f"“{name}”填报值 {fmt(float(x[u, t]))} 较上期 {fmt(float(prev[u, t]))} {change}"
                f"（阈值 {rule.threshold:g} 倍），请核实或说明原因"
            )
            self.add(rule, int(u), int(t), float(x[u, t]), message)


def validate(
    rules: IndicatorSystem | Sequence[Rule],
    dataset: Dataset,
    *,
    elements: Iterable[DataElement] | None = None,
    periods: Sequence[int] | None = None,
    rows: BoolArray | None = None,
    implicit: bool = True,
) -> ValidationReport:
    """Check ``dataset`` and return every finding.

    ``periods`` (column indices) and ``rows`` (a unit mask) narrow what is reported — e.g. one
    unit's submission for one period — while earlier periods still serve as history for outliers.
    """
    if isinstance(rules, IndicatorSystem):
        element_list = list(rules.elements)
        rule_list = list(rules.rules)
    else:
        element_list = list(elements or [])
        rule_list = list(rules)
    run = _Run(dataset, {e.code: e for e in element_list}, periods, rows)
    if implicit:
        explicit = {(r.kind, r.element) for r in rule_list}
        rule_list = [
            r for r in implicit_rules(element_list) if (r.kind, r.element) not in explicit
        ] + rule_list
    for rule in rule_list:
        run.run(rule)
    return run.report


def describe(rule: Rule) -> str:
    """One line saying what a rule checks, for rule lists in the UI."""
    kind = LABELS[rule.kind]
    if rule.kind is RuleKind.COMPARE:
        return f"{kind}：{rule.formula}"
    if rule.kind is RuleKind.OUTLIER:
        return f"{kind}（{LABELS[rule.method]}，阈值 {rule.threshold:g}）：{rule.element}"
    return f"{kind}：{rule.element}"
