"""Definitions: data elements, indicators, composite indices, validation rules, indicator systems.

All are frozen dataclasses. A whole system round-trips through JSON (``system_to_dict`` /
``system_from_dict``), and ``content_hash`` is the SHA-256 of its canonical JSON, so a published
result can name the exact definition it was computed under and be recomputed with it.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from string import Formatter
from typing import Annotated, Any, Final, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError

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

# The JSON form is checked by the pydantic models below; what they refuse is reported in Chinese,
# naming the item (by its code) and the field. The meaning of the whole (formulas, references,
# weights, cycles) is ``validate_system``'s, on the dataclasses, so a system built in code gets it too.


def _none_is_empty(value: Any) -> Any:
    return "" if value is None else value


def _check_code(value: str) -> str:
    if not CODE_PATTERN.match(value):
        raise PydanticCustomError("code", "code")
    return value


def _check_year(value: Any) -> str:
    if not (isinstance(value, str) and value.isdigit() and len(value) == 4):
        raise PydanticCustomError("year", "year")
    return value


def _check_format(value: Any) -> str:
    if value != FORMAT:
        raise PydanticCustomError("format", "format")
    return FORMAT


def _options(values: Sequence[str], labels: Mapping[str, str]) -> str:
    return "、".join(f"{value}（{labels.get(value, value)}）" for value in values)


def _choice(enum: type[_E]) -> PlainValidator:
    options = _options([m.value for m in enum], LABELS)

    def check(value: Any) -> _E:
        try:
            return enum(value)
        except ValueError:
            raise PydanticCustomError("choice", "choice", {"options": options}) from None

    return PlainValidator(check)


def _check_level(value: Any) -> str:
    if value not in LEVELS:
        raise PydanticCustomError("choice", "choice", {"options": _options(LEVELS, LEVEL_LABELS)})
    return str(value)


_Text = Annotated[str, BeforeValidator(_none_is_empty), Strict(), StringConstraints(strip_whitespace=True)]
_Required = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]
_Code = Annotated[_Required, AfterValidator(_check_code)]
_Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
_Count = Annotated[int, Strict(), Field(ge=0)]
_Levels = tuple[Annotated[str, PlainValidator(_check_level)], ...]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ElementInput(_Input):
    code: _Code
    name: _Required
    kind: Annotated[ElementKind, _choice(ElementKind)] = ElementKind.NUMBER
    unit: _Text = ""
    levels: _Levels = ()
    description: _Text = ""


class _IndicatorInput(_Input):
    code: _Code
    name: _Required
    formula: _Required
    direction: Annotated[Direction, _choice(Direction)] = Direction.HIGHER_BETTER
    unit: _Text = ""
    levels: _Levels = ()
    normalisation: Annotated[Normalisation, _choice(Normalisation)] = Normalisation.MIN_MAX
    targets: dict[Annotated[str, PlainValidator(_check_year)], _Number] | None = None
    theme: _Text = ""
    clause: _Text = ""
    description: _Text = ""


class _ComponentInput(_Input):
    ref: _Code
    weight: _Number


class _GradeInput(_Input):
    name: _Required
    min_score: _Number


class _IndexInput(_Input):
    code: _Code
    name: _Required
    levels: _Levels = ()
    missing: Annotated[MissingPolicy, _choice(MissingPolicy)] = MissingPolicy.REWEIGHT
    min_coverage: _Number | None = None
    components: list[_ComponentInput]
    grades: list[_GradeInput] = []
    theme: _Text = ""
    description: _Text = ""


class _RuleInput(_Input):
    code: _Code
    kind: Annotated[RuleKind, _choice(RuleKind)]
    name: _Text = ""
    element: _Text = ""
    min: _Number | None = None
    max: _Number | None = None
    formula: _Text = ""
    message: _Text = ""
    method: Annotated[OutlierMethod, _choice(OutlierMethod)] = OutlierMethod.ROBUST_Z
    threshold: _Number | None = None
    min_history: _Count = 3
    window: _Count = 0
    levels: _Levels = ()
    severity: Annotated[Severity, _choice(Severity)] | None = None  # outlier: a warning, else an error


class _SystemInput(_Input):
    format: Annotated[str, PlainValidator(_check_format)]
    code: _Code
    name: _Required
    version: _Required
    description: _Text = ""
    source: _Text = ""
    elements: list[_ElementInput] = []
    indicators: list[_IndicatorInput] = []
    indices: list[_IndexInput] = []
    rules: list[_RuleInput] = []


_SYSTEM = TypeAdapter(_SystemInput)
_ITEMS: Final = {"elements": "数据元素", "indicators": "指标", "indices": "综合指数", "rules": "校验规则"}
# The objects whose keys an "unknown field" message lists, by their path without list positions.
_OBJECTS: Final[dict[tuple[str | int, ...], type[_Input]]] = {
    (): _SystemInput,
    ("elements",): _ElementInput,
    ("indicators",): _IndicatorInput,
    ("indices",): _IndexInput,
    ("indices", "components"): _ComponentInput,
    ("indices", "grades"): _GradeInput,
    ("rules",): _RuleInput,
}
# pydantic's error types in Chinese: {field} is the field's path inside its item (“字段“x””, or
# nothing for the item itself), {input} the value found as JSON, {value} as text; the rest come
# from the error's context.
_MESSAGES: Final = {
    "missing": "缺少必填字段“{name}”",
    "extra_forbidden": "未知字段“{name}”（允许的字段：{allowed}）",
    "model_type": "{field}应为 JSON 对象",
    "dict_type": '{field}应为 {{"年份": 目标值}} 形式的对象',
    "list_type": "{field}应为列表",
    "tuple_type": "{field}应为列表",
    "string_type": "{field}应为文本，实际为 {input}",
    "string_too_short": "{field}不能为空",
    "float_type": "{field}应为数字，实际为 {input}",
    "finite_number": "{field}应为有限的数字，实际为 {input}",
    "int_type": "{field}应为非负整数，实际为 {input}",
    "greater_than_equal": "{field}应为非负整数，实际为 {input}",
    "choice": "{field}的取值“{value}”无效，可选：{options}",
    "code": "编码“{value}”不合法：只能由字母、数字、下划线和点组成，并以字母开头",
    "year": "目标年份“{value}”应为四位数字年份",
    "format": f"不支持的文件格式“{{value}}”（应为 {FORMAT}）",
}


def _field_path(loc: Sequence[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(loc))


def _message(error: ErrorDetails, data: Any) -> str:
    loc = tuple(p for p in error["loc"] if p != "[key]")
    where, inner = "指标体系", loc
    if len(loc) >= 2 and loc[0] in _ITEMS and isinstance(loc[1], int):
        where, inner = _item_label(_ITEMS[str(loc[0])], data[loc[0]][loc[1]], loc[1] + 1), loc[2:]
    model = _OBJECTS.get(tuple(p for p in loc[:-1] if isinstance(p, str)))
    template = _MESSAGES.get(error["type"], "{field}格式不正确（{msg}）")
    text = template.format(
        field=f"字段“{_field_path(inner)}”" if inner else "",
        name=_field_path(inner),
        input=json.dumps(error["input"], ensure_ascii=False, default=str),
        value=error["input"],
        msg=error["msg"],
        allowed="、".join(model.model_fields) if model else "",
        **error.get("ctx", {}),
    )
    return f"{where}：{text}"


_GONE: Final = object()


def _salvaged(data: dict[str, Any], errors: list[ErrorDetails]) -> _SystemInput | None:
    """The document without what was refused, so the meaning checks can still run on the rest.

    A refused value is dropped (its default applies); an object then missing a required field
    is dropped as a whole. None when that would drop the system itself.
    """
    document: Any = copy.deepcopy(data)
    for _attempt in range(4):
        for error in errors:
            loc = tuple(p for p in error["loc"] if p != "[key]")
            if error["type"] == "missing":
                loc = loc[:-1]
            if not loc:
                return None
            try:
                parent: Any = functools.reduce(lambda node, key: node[key], loc[:-1], document)
                key: Any = loc[-1]
                if isinstance(parent, list):
                    parent[key] = _GONE
                else:
                    parent.pop(key, None)
            except (KeyError, IndexError, TypeError):
                continue  # inside something dropped already
        document = _without_gone(document)
        try:
            return _SYSTEM.validate_python(document)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
    return None


def _without_gone(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_gone(item) for item in node if item is not _GONE]
    if isinstance(node, dict):
        return {key: _without_gone(value) for key, value in node.items()}
    return node


def _item_label(kind: str, raw: Any, n: int) -> str:
    code = raw.get("code") if isinstance(raw, dict) else None
    return _label(kind, code) if isinstance(code, str) and code else f"{kind}（第 {n} 项）"


def _label(kind: str, code: str, name: str = "") -> str:
    return f"{kind}“{code}”" + (f"（{name}）" if name else "")


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def system_from_dict(data: Any) -> IndicatorSystem:
    """Build and validate a system from its JSON form; raises DefinitionError listing every problem."""
    try:
        parsed: _SystemInput | None = _SYSTEM.validate_python(data)
        problems: list[str] = []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = [_message(error, data) for error in errors]
        parsed = _salvaged(data, errors) if isinstance(data, dict) else None
    if parsed is None:
        raise DefinitionError(problems)
    system = _system(parsed)
    problems += validate_system(system)
    if problems:
        raise DefinitionError(problems)
    return system


def _fields(item: _Input, **changed: Any) -> dict[str, Any]:
    """The values of an input model, by field name, for the dataclass of the same fields."""
    return dict(item) | changed


def _system(top: _SystemInput) -> IndicatorSystem:
    values = _fields(
        top,
        elements=tuple(DataElement(**_fields(e)) for e in top.elements),
        indicators=tuple(
            Indicator(**_fields(i, targets=tuple(sorted((int(y), v) for y, v in (i.targets or {}).items()))))
            for i in top.indicators
        ),
        indices=tuple(
            CompositeIndex(
                **_fields(
                    x,
                    components=tuple(Component(**_fields(c)) for c in x.components),
                    grades=tuple(Grade(**_fields(g)) for g in x.grades),
                    min_coverage=_or(x.min_coverage, 0.0),
                )
            )
            for x in top.indices
        ),
        rules=tuple(
            Rule(
                **_fields(
                    r,
                    threshold=_or(r.threshold, 3.5),
                    severity=r.severity
                    or (Severity.WARNING if r.kind is RuleKind.OUTLIER else Severity.ERROR),
                )
            )
            for r in top.rules
        ),
    )
    del values["format"]
    return IndicatorSystem(**values)


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
