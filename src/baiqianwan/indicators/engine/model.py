"""Definitions: data elements, indicators, composite indices, validation rules, indicator systems.

All are frozen dataclasses. A whole system round-trips through JSON (``system_to_dict`` /
``system_from_dict``), and ``content_hash`` is the SHA-256 of its canonical JSON, so a published
result can name the exact definition it was computed under and be recomputed with it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from string import Formatter
from typing import Any, Final, TypeVar

from .data import LEVEL_LABELS, LEVELS
from .errors import DefinitionError, FormulaError
from .parser import CODE_PATTERN, Expr, parse

FORMAT: Final = "baiqianwan.indicator-system/1"


class ElementKind(StrEnum):
    NUMBER = "number"
    PERCENT = "percent"
    YES_NO = "yes_no"
    TEXT = "text"


class Direction(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"


class Normalisation(StrEnum):
    MIN_MAX = "min_max"
    Z_SCORE = "z_score"
    TARGET = "target"


class MissingPolicy(StrEnum):
    REWEIGHT = "reweight"
    ZERO = "zero"


class RuleKind(StrEnum):
    RANGE = "range"
    REQUIRED = "required"
    INTEGER = "integer"
    COMPARE = "compare"
    OUTLIER = "outlier"


class OutlierMethod(StrEnum):
    ROBUST_Z = "robust_z"
    JUMP = "jump"


class Severity(StrEnum):
    ERROR = "error"  # blocks submission
    WARNING = "warning"  # asks for confirmation or an explanation


LABELS: Final[dict[str, str]] = {
    ElementKind.NUMBER: "数值",
    ElementKind.PERCENT: "百分比",
    ElementKind.YES_NO: "是/否",
    ElementKind.TEXT: "文本",
    Direction.HIGHER_BETTER: "越大越好",
    Direction.LOWER_BETTER: "越小越好",
    Normalisation.MIN_MAX: "极差标准化",
    Normalisation.Z_SCORE: "Z 分数标准化",
    Normalisation.TARGET: "目标值比较",
    MissingPolicy.REWEIGHT: "缺项按其余指标重新分配权重",
    MissingPolicy.ZERO: "缺项按 0 分计",
    RuleKind.RANGE: "取值范围",
    RuleKind.REQUIRED: "必填",
    RuleKind.INTEGER: "整数",
    RuleKind.COMPARE: "逻辑关系",
    RuleKind.OUTLIER: "异常值",
    OutlierMethod.ROBUST_Z: "稳健 Z 分数（中位数/MAD）",
    OutlierMethod.JUMP: "较上期变动倍数",
    Severity.ERROR: "错误",
    Severity.WARNING: "提醒",
}


@dataclass(frozen=True)
class DataElement:
    code: str
    name: str
    kind: ElementKind = ElementKind.NUMBER
    unit: str = ""
    levels: tuple[str, ...] = ()  # where it is collected; empty = any level
    description: str = ""


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    formula: str
    direction: Direction = Direction.HIGHER_BETTER
    unit: str = ""
    levels: tuple[str, ...] = ()  # where it is computed and scored; empty = every level
    normalisation: Normalisation = Normalisation.MIN_MAX
    targets: tuple[tuple[int, float], ...] = ()  # (year, target), ascending
    theme: str = ""
    clause: str = ""  # the policy clause it measures, e.g. "三(六)"
    description: str = ""

    def target_for(self, year: int) -> float | None:
        """The target of ``year``, else the next later one (the goal being worked towards), else the
        last one; ``None`` without targets."""
        if not self.targets:
            return None
        for target_year, value in self.targets:
            if target_year >= year:
                return value
        return self.targets[-1][1]


@dataclass(frozen=True)
class Component:
    ref: str  # an indicator or a composite index
    weight: float


@dataclass(frozen=True)
class Grade:
    name: str
    min_score: float


@dataclass(frozen=True)
class CompositeIndex:
    code: str
    name: str
    components: tuple[Component, ...]
    levels: tuple[str, ...] = ()
    missing: MissingPolicy = MissingPolicy.REWEIGHT
    min_coverage: float = 0.0  # reweight: share of weight that must be present, else null
    grades: tuple[Grade, ...] = ()  # descending min_score
    theme: str = ""
    description: str = ""

    @property
    def weights(self) -> tuple[float, ...]:
        """Weights scaled to sum to 1."""
        total = sum(c.weight for c in self.components)
        return tuple(c.weight / total for c in self.components) if total > 0 else ()


@dataclass(frozen=True)
class Rule:
    """A validation rule. Which fields matter depends on ``kind``:

    range: element, min and/or max. required: element. integer: element.
    compare: formula (true = valid) and message (``{code}`` placeholders take element values).
    outlier: element, method, threshold, min_history, window (0 = all earlier periods).
    """

    code: str
    kind: RuleKind
    element: str = ""
    min: float | None = None
    max: float | None = None
    formula: str = ""
    message: str = ""
    method: OutlierMethod = OutlierMethod.ROBUST_Z
    threshold: float = 3.5
    min_history: int = 3
    window: int = 0
    levels: tuple[str, ...] = ()
    severity: Severity = Severity.ERROR
    name: str = ""


@dataclass(frozen=True)
class IndicatorSystem:
    code: str
    name: str
    version: str
    elements: tuple[DataElement, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    indices: tuple[CompositeIndex, ...] = ()
    rules: tuple[Rule, ...] = ()
    description: str = ""
    source: str = ""

    @cached_property
    def element_map(self) -> dict[str, DataElement]:
        return {e.code: e for e in self.elements}

    @cached_property
    def indicator_map(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    @cached_property
    def index_map(self) -> dict[str, CompositeIndex]:
        return {i.code: i for i in self.indices}

    @cached_property
    def catalogue(self) -> dict[str, str]:
        """code -> kind, what formulas are checked against."""
        return {e.code: str(e.kind) for e in self.elements}

    def levels_of(self, ref: str) -> tuple[str, ...]:
        item = self.indicator_map.get(ref) or self.index_map.get(ref)
        return item.levels if item is not None else ()

    def index_order(self) -> list[CompositeIndex]:
        """Indices with every sub-index before the indices that use it."""
        done: dict[str, None] = {}

        def visit(code: str) -> None:
            if code in done:
                return
            for comp in self.index_map[code].components:
                if comp.ref in self.index_map:
                    visit(comp.ref)
            done[code] = None

        for index in self.indices:
            visit(index.code)
        return [self.index_map[c] for c in done]

    def content_hash(self) -> str:
        return content_hash(self)


# --- JSON --------------------------------------------------------------------------------------


def element_to_dict(e: DataElement) -> dict[str, Any]:
    return {
        "code": e.code,
        "name": e.name,
        "kind": str(e.kind),
        "unit": e.unit,
        "levels": list(e.levels),
        "description": e.description,
    }


def indicator_to_dict(i: Indicator) -> dict[str, Any]:
    return {
        "code": i.code,
        "name": i.name,
        "formula": i.formula,
        "direction": str(i.direction),
        "unit": i.unit,
        "levels": list(i.levels),
        "normalisation": str(i.normalisation),
        "targets": {str(year): float(value) for year, value in i.targets},
        "theme": i.theme,
        "clause": i.clause,
        "description": i.description,
    }


def index_to_dict(x: CompositeIndex) -> dict[str, Any]:
    return {
        "code": x.code,
        "name": x.name,
        "levels": list(x.levels),
        "missing": str(x.missing),
        "min_coverage": float(x.min_coverage),
        "components": [{"ref": c.ref, "weight": float(c.weight)} for c in x.components],
        "grades": [{"name": g.name, "min_score": float(g.min_score)} for g in x.grades],
        "theme": x.theme,
        "description": x.description,
    }


def rule_to_dict(r: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {"code": r.code, "kind": str(r.kind), "name": r.name}
    if r.kind in (RuleKind.RANGE, RuleKind.REQUIRED, RuleKind.INTEGER, RuleKind.OUTLIER):
        out["element"] = r.element
    if r.kind is RuleKind.RANGE:
        out["min"] = None if r.min is None else float(r.min)
        out["max"] = None if r.max is None else float(r.max)
    if r.kind is RuleKind.COMPARE:
        out["formula"] = r.formula
        out["message"] = r.message
    if r.kind is RuleKind.OUTLIER:
        out.update(
            method=str(r.method), threshold=float(r.threshold), min_history=r.min_history, window=r.window
        )
    out["levels"] = list(r.levels)
    out["severity"] = str(r.severity)
    return out


def system_to_dict(system: IndicatorSystem) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "code": system.code,
        "name": system.name,
        "version": system.version,
        "description": system.description,
        "source": system.source,
        "elements": [element_to_dict(e) for e in system.elements],
        "indicators": [indicator_to_dict(i) for i in system.indicators],
        "indices": [index_to_dict(x) for x in system.indices],
        "rules": [rule_to_dict(r) for r in system.rules],
    }


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def content_hash(item: IndicatorSystem | DataElement | Indicator | CompositeIndex | Rule) -> str:
    """SHA-256 (hex) of the canonical JSON; equal definitions hash equal on any machine."""
    if isinstance(item, IndicatorSystem):
        data = system_to_dict(item)
    elif isinstance(item, DataElement):
        data = element_to_dict(item)
    elif isinstance(item, Indicator):
        data = indicator_to_dict(item)
    elif isinstance(item, CompositeIndex):
        data = index_to_dict(item)
    else:
        data = rule_to_dict(item)
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def _pretty(value: Any, indent: int = 0) -> str:
    # Like json.dumps(indent=2), but lists of scalars and small objects stay on one line.
    pad, inner = " " * indent, " " * (indent + 2)
    flat = json.dumps(value, ensure_ascii=False, allow_nan=False)
    short = len(flat) + indent <= 100
    nested = isinstance(value, dict) and any(isinstance(v, dict | list) and v for v in value.values())
    if not isinstance(value, dict | list) or (short and not nested):
        return flat
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _pretty(v, indent + 2) for v in value) + "\n" + pad + "]"
    items = [
        f"{inner}{json.dumps(k, ensure_ascii=False)}: {_pretty(v, indent + 2)}" for k, v in value.items()
    ]
    return "{\n" + ",\n".join(items) + "\n" + pad + "}"


def system_to_json(system: IndicatorSystem) -> str:
    return _pretty(system_to_dict(system)) + "\n"


def dump_system(system: IndicatorSystem, path: str | os.PathLike[str]) -> None:
    Path(path).write_text(system_to_json(system), encoding="utf-8")


def load_system(path: str | os.PathLike[str]) -> IndicatorSystem:
    """Read and validate a system file; every problem is reported at once in a DefinitionError."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DefinitionError([f"找不到指标体系文件：{file}"]) from None
    except UnicodeDecodeError:
        raise DefinitionError([f"指标体系文件 {file.name} 不是 UTF-8 编码"]) from None
    return system_from_json(text)


def system_from_json(text: str) -> IndicatorSystem:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"第 {exc.lineno} 行第 {exc.colno} 列附近"
        raise DefinitionError([f"JSON 格式错误：{where}（{exc.msg}）"]) from None
    return system_from_dict(data)


def default_data_dir() -> Path:
    """data/ of the project (``BQW_DATA_DIR`` overrides, as for the Django settings)."""
    configured = os.environ.get("BQW_DATA_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[4] / "data"


SHIPPED: Final = ("county_town_system", "specialised_town_acceptance")


def load_shipped(name: str) -> IndicatorSystem:
    """One of the definition files shipped in data/indicators/."""
    if name not in SHIPPED:
        raise DefinitionError([f"没有名为“{name}”的内置指标体系（可选：{'、'.join(SHIPPED)}）"])
    return load_system(default_data_dir() / "indicators" / f"{name}.json")


# --- reading and validating --------------------------------------------------------------------


_E = TypeVar("_E", bound=StrEnum)
_INDICATOR_FIELDS: Final[tuple[str, ...]] = (
    "code",
    "name",
    "formula",
    "direction",
    "unit",
    "levels",
    "normalisation",
    "targets",
    "theme",
    "clause",
    "description",
)
_INDEX_FIELDS: Final[tuple[str, ...]] = (
    "code",
    "name",
    "levels",
    "missing",
    "min_coverage",
    "components",
    "grades",
    "theme",
    "description",
)
_RULE_FIELDS: Final[tuple[str, ...]] = (
    "code",
    "kind",
    "name",
    "element",
    "min",
    "max",
    "formula",
    "message",
    "method",
    "threshold",
    "min_history",
    "window",
    "levels",
    "severity",
)


class _Reader:
    """Collects every problem of a document, each message naming the item and the field."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where}：{message}")

    def obj(self, where: str, value: Any, allowed: Sequence[str], required: Sequence[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "应为 JSON 对象")
            return {}
        for key in value:
            if key not in allowed:
                self.fail(where, f"未知字段“{key}”（允许的字段：{'、'.join(allowed)}）")
        for key in required:
            if key not in value or value[key] in (None, ""):
                self.fail(where, f"缺少必填字段“{key}”")
        return value

    def text(self, where: str, data: Mapping[str, Any], key: str, default: str = "") -> str:
        value = data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str):
            self.fail(where, f"字段“{key}”应为文本")
            return default
        return value.strip()

    def code(self, where: str, data: Mapping[str, Any], key: str = "code") -> str:
        value = self.text(where, data, key)
        if value and not CODE_PATTERN.match(value):
            self.fail(where, f"编码“{value}”不合法：只能由字母、数字、下划线和点组成，并以字母开头")
        return value

    def number(
        self, where: str, data: Mapping[str, Any], key: str, default: float | None = None
    ) -> float | None:
        value = data.get(key, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(where, f"字段“{key}”应为数字，实际为 {json.dumps(value, ensure_ascii=False)}")
            return default
        return float(value)

    def integer(self, where: str, data: Mapping[str, Any], key: str, default: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(where, f"字段“{key}”应为非负整数")
            return default
        return value

    def choice(self, where: str, data: Mapping[str, Any], key: str, enum: type[_E], default: _E) -> _E:
        value = data.get(key, default)
        try:
            return enum(value)
        except ValueError:
            options = "、".join(f"{m.value}（{LABELS.get(m, m.value)}）" for m in enum)
            self.fail(where, f"字段“{key}”的取值“{value}”无效，可选：{options}")
            return default

    def levels(self, where: str, data: Mapping[str, Any]) -> tuple[str, ...]:
        value = data.get("levels", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(where, "字段“levels”应为层级名称的列表")
            return ()
        bad = [v for v in value if v not in LEVELS]
        if bad:
            options = "、".join(f"{lv}（{LEVEL_LABELS[lv]}）" for lv in LEVELS)
            self.fail(where, f"未知的层级“{'、'.join(bad)}”，可选：{options}")
        return tuple(v for v in value if v in LEVELS)

    def items(self, data: Mapping[str, Any], key: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.fail(f"字段“{key}”", "应为列表")
            return []
        return value


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def _item_label(kind: str, raw: Any, n: int) -> str:
    code = raw.get("code") if isinstance(raw, dict) else None
    return _label(kind, code) if isinstance(code, str) and code else f"{kind}（第 {n} 项）"


def _label(kind: str, code: str, name: str = "") -> str:
    return f"{kind}“{code}”" + (f"（{name}）" if name else "")


def system_from_dict(data: Any) -> IndicatorSystem:
    """Build and validate a system from its JSON form; raises DefinitionError listing every problem."""
    r = _Reader()
    top = r.obj(
        "指标体系",
        data,
        (
            "format",
            "code",
            "name",
            "version",
            "description",
            "source",
            "elements",
            "indicators",
            "indices",
            "rules",
        ),
        ("format", "code", "name", "version"),
    )
    if not top:
        raise DefinitionError(r.errors)
    if top.get("format") not in (None, FORMAT):
        r.fail("指标体系", f"不支持的文件格式“{top.get('format')}”（应为 {FORMAT}）")
    elements = []
    for n, raw in enumerate(r.items(top, "elements"), 1):
        where = _item_label("数据元素", raw, n)
        d = r.obj(where, raw, ("code", "name", "kind", "unit", "levels", "description"), ("code", "name"))
        if not d:
            continue
        elements.append(
            DataElement(
                code=r.code(where, d),
                name=r.text(where, d, "name"),
                kind=r.choice(where, d, "kind", ElementKind, ElementKind.NUMBER),
                unit=r.text(where, d, "unit"),
                levels=r.levels(where, d),
                description=r.text(where, d, "description"),
            )
        )
    indicators = []
    for n, raw in enumerate(r.items(top, "indicators"), 1):
        where = _item_label("指标", raw, n)
        allowed = _INDICATOR_FIELDS
        d = r.obj(where, raw, allowed, ("code", "name", "formula"))
        if not d:
            continue
        targets: list[tuple[int, float]] = []
        raw_targets = d.get("targets", {}) or {}
        if not isinstance(raw_targets, dict):
            r.fail(where, '字段“targets”应为 {"年份": 目标值} 形式的对象')
        else:
            for year, value in raw_targets.items():
                if not (isinstance(year, str) and year.isdigit() and len(year) == 4):
                    r.fail(where, f"目标年份“{year}”应为四位数字年份")
                    continue
                number = r.number(where, {f"targets.{year}": value}, f"targets.{year}")
                if number is not None:
                    targets.append((int(year), number))
        indicators.append(
            Indicator(
                code=r.code(where, d),
                name=r.text(where, d, "name"),
                formula=r.text(where, d, "formula"),
                direction=r.choice(where, d, "direction", Direction, Direction.HIGHER_BETTER),
                unit=r.text(where, d, "unit"),
                levels=r.levels(where, d),
                normalisation=r.choice(where, d, "normalisation", Normalisation, Normalisation.MIN_MAX),
                targets=tuple(sorted(targets)),
                theme=r.text(where, d, "theme"),
                clause=r.text(where, d, "clause"),
                description=r.text(where, d, "description"),
            )
        )
    indices = []
    for n, raw in enumerate(r.items(top, "indices"), 1):
        where = _item_label("综合指数", raw, n)
        allowed = _INDEX_FIELDS
        d = r.obj(where, raw, allowed, ("code", "name", "components"))
        if not d:
            continue
        components = []
        for m, comp in enumerate(r.items(d, "components"), 1):
            cw = f"{where}的第 {m} 个组成项"
            c = r.obj(cw, comp, ("ref", "weight"), ("ref", "weight"))
            if c:
                components.append(Component(r.code(cw, c, "ref"), r.number(cw, c, "weight", 0.0) or 0.0))
        grades = []
        for m, grade in enumerate(r.items(d, "grades"), 1):
            gw = f"{where}的第 {m} 个等级"
            g = r.obj(gw, grade, ("name", "min_score"), ("name", "min_score"))
            if g:
                grades.append(Grade(r.text(gw, g, "name"), r.number(gw, g, "min_score", 0.0) or 0.0))
        indices.append(
            CompositeIndex(
                code=r.code(where, d),
                name=r.text(where, d, "name"),
                components=tuple(components),
                levels=r.levels(where, d),
                missing=r.choice(where, d, "missing", MissingPolicy, MissingPolicy.REWEIGHT),
                min_coverage=_or(r.number(where, d, "min_coverage", 0.0), 0.0),
                grades=tuple(grades),
                theme=r.text(where, d, "theme"),
                description=r.text(where, d, "description"),
            )
        )
    rules = []
    for n, raw in enumerate(r.items(top, "rules"), 1):
        where = _item_label("校验规则", raw, n)
        allowed = _RULE_FIELDS
        d = r.obj(where, raw, allowed, ("code", "kind"))
        if not d:
            continue
        kind = r.choice(where, d, "kind", RuleKind, RuleKind.RANGE)
        default_severity = Severity.WARNING if kind is RuleKind.OUTLIER else Severity.ERROR
        rules.append(
            Rule(
                code=r.code(where, d),
                kind=kind,
                name=r.text(where, d, "name"),
                element=r.text(where, d, "element"),
                min=r.number(where, d, "min"),
                max=r.number(where, d, "max"),
                formula=r.text(where, d, "formula"),
                message=r.text(where, d, "message"),
                method=r.choice(where, d, "method", OutlierMethod, OutlierMethod.ROBUST_Z),
                threshold=_or(r.number(where, d, "threshold", 3.5), 3.5),
                min_history=r.integer(where, d, "min_history", 3),
                window=r.integer(where, d, "window", 0),
                levels=r.levels(where, d),
                severity=r.choice(where, d, "severity", Severity, default_severity),
            )
        )
    system = IndicatorSystem(
        code=r.code("指标体系", top),
        name=r.text("指标体系", top, "name"),
        version=r.text("指标体系", top, "version"),
        elements=tuple(elements),
        indicators=tuple(indicators),
        indices=tuple(indices),
        rules=tuple(rules),
        description=r.text("指标体系", top, "description"),
        source=r.text("指标体系", top, "source"),
    )
    errors = r.errors + validate_system(system)
    if errors:
        raise DefinitionError(errors)
    return system


def validate_system(system: IndicatorSystem) -> list[str]:
    """Meaning checks: unique codes, formulas, references, weights, cycles, targets, rules."""
    errors: list[str] = []

    def dupes(kind: str, codes: Sequence[str]) -> None:
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                errors.append(f"{kind}编码“{code}”重复")
            seen.add(code)

    dupes("数据元素", [e.code for e in system.elements])
    dupes("指标或综合指数", [i.code for i in system.indicators] + [x.code for x in system.indices])
    dupes("校验规则", [r.code for r in system.rules])
    catalogue = system.catalogue

    for ind in system.indicators:
        where = _label("指标", ind.code, ind.name)
        _check_formula(errors, where, ind.formula, catalogue)
        if ind.normalisation is Normalisation.TARGET and not ind.targets:
            errors.append(f"{where}：按目标值标准化的指标必须给出目标值（targets）")

    for index in system.indices:
        where = _label("综合指数", index.code, index.name)
        if not index.components:
            errors.append(f"{where}：至少需要一个组成项")
        refs: set[str] = set()
        for comp in index.components:
            if comp.ref in refs:
                errors.append(f"{where}：组成项“{comp.ref}”重复")
            refs.add(comp.ref)
            if comp.ref not in system.indicator_map and comp.ref not in system.index_map:
                errors.append(f"{where}：组成项“{comp.ref}”既不是指标也不是综合指数")
            if not comp.weight > 0:
                errors.append(f"{where}：组成项“{comp.ref}”的权重必须大于 0")
        if not 0.0 <= index.min_coverage <= 1.0:
            errors.append(f"{where}：min_coverage 应在 0 到 1 之间")
        scores = [g.min_score for g in index.grades]
        if scores != sorted(scores, reverse=True):
            errors.append(f"{where}：等级应按最低分从高到低排列")
    errors.extend(_cycles(system))

    for rule in system.rules:
        where = _label("校验规则", rule.code, rule.name)
        if rule.kind is RuleKind.COMPARE:
            _check_formula(errors, where, rule.formula, catalogue)
            if not rule.message:
                errors.append(f"{where}：逻辑关系规则必须给出提示信息（message）")
            else:
                try:
                    fields = [f for _, f, _, _ in Formatter().parse(rule.message) if f]
                except ValueError:
                    errors.append(f"{where}：提示信息中的花括号不成对")
                    fields = []
                for name in fields:
                    if name not in catalogue and name not in ("unit", "period"):
                        errors.append(f"{where}：提示信息中的占位符“{{{name}}}”不是数据元素编码")
            continue
        if rule.element not in system.element_map:
            errors.append(f"{where}：数据元素“{rule.element}”不存在")
            continue
        element = system.element_map[rule.element]
        numeric_rule = rule.kind in (RuleKind.RANGE, RuleKind.INTEGER, RuleKind.OUTLIER)
        if numeric_rule and element.kind is ElementKind.TEXT:
            errors.append(f"{where}：文本型数据元素不能设置{LABELS[rule.kind]}规则")
        if rule.kind is RuleKind.RANGE:
            if rule.min is None and rule.max is None:
                errors.append(f"{where}：取值范围规则至少要给出 min 或 max")
            elif rule.min is not None and rule.max is not None and rule.min > rule.max:
                errors.append(f"{where}：min 不能大于 max")
        if rule.kind is RuleKind.OUTLIER and not rule.threshold > 0:
            errors.append(f"{where}：阈值必须大于 0")
        if rule.kind is RuleKind.OUTLIER and rule.method is OutlierMethod.JUMP and not rule.threshold > 1:
            errors.append(f"{where}：变动倍数阈值必须大于 1")
    return errors


def _check_formula(errors: list[str], where: str, formula: str, catalogue: Mapping[str, str]) -> Expr | None:
    try:
        return parse(formula, elements=catalogue)
    except FormulaError as exc:
        prefix = "公式" if exc.message.startswith("第") else ""
        errors.append(f"{where}：{prefix}{exc.message}")
        return None


def _cycles(system: IndicatorSystem) -> list[str]:
    errors: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(code: str, path: list[str]) -> None:
        state[code] = 1
        for comp in system.index_map[code].components:
            if comp.ref not in system.index_map:
                continue
            if state.get(comp.ref) == 1:
                cycle = [*path[path.index(comp.ref) :], comp.ref] if comp.ref in path else [code, comp.ref]
                errors.append(f"综合指数之间存在循环引用：{' → '.join(cycle)}")
            elif comp.ref not in state:
                visit(comp.ref, [*path, comp.ref])
        state[code] = 2

    for index in system.indices:
        if index.code not in state:
            visit(index.code, [index.code])
    return errors
