"""The dispatch problem as data: instances, plans and solutions, their checks, and the prepared
form the solver and the explanations share (assign.py solves, assign_explain.py explains)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetPydanticSchema,
    Strict,
    StrictBool,
    StrictStr,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError, core_schema

MAX_SCORE = "max_score"
MAX_FILLED_THEN_SCORE = "max_filled_then_score"
OBJECTIVES = (MAX_SCORE, MAX_FILLED_THEN_SCORE)
OBJECTIVE_LABELS = {MAX_SCORE: "总分最高", MAX_FILLED_THEN_SCORE: "先填满岗位、再比总分"}

# Scores are floats; min-cost flow needs integers. ×1000 keeps three decimals: finer differences
# are rounded away when choosing; the reported score is the sum of the input floats.
SCALE = 1000
_MAX_ERRORS = 50

ProgressFn = Callable[[str, float], None]
_T = TypeVar("_T")


class DispatchInputError(ValueError):
    """The instance is malformed; `errors` lists every problem found, in Chinese."""

    def __init__(self, message: str, errors: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors) if errors else [message]


class DispatchSolverError(RuntimeError):
    """The flow solver did not return an optimum (should not happen on a validated instance)."""


class Cancelled(Exception):  # noqa: N818 - the name the callers use
    """The caller set the cancel event; no result was produced."""


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    town: str
    fields: tuple[str, ...]
    leader: bool = False


@dataclass(frozen=True, slots=True)
class Commissioner:
    id: str
    fields: tuple[str, ...]
    can_lead: bool = False
    capacity: int = 1


@dataclass(frozen=True, slots=True, order=True)
class Assignment:
    slot: str
    commissioner: str


@dataclass(frozen=True)
class Instance:
    slots: Sequence[Slot]
    commissioners: Sequence[Commissioner]
    scores: Mapping[tuple[str, str], float]
    objective: str
    forbidden: Collection[tuple[str, str]] = ()
    pinned: Sequence[tuple[str, str]] = ()
    priority: Mapping[str, int] = field(default_factory=dict)
    town_names: Mapping[str, str] = field(default_factory=dict)
    commissioner_names: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Solution:
    assignments: list[Assignment]
    filled: int
    score: float
    seconds: float
    objective: str
    method: str = "optimal"
    explanations: list[dict[str, Any]] = field(default_factory=list)
    shortages: dict[str, Any] = field(default_factory=dict)
    staffing: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    kept: int | None = None
    added: int | None = None
    dropped: list[dict[str, str]] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "assignments": [{"slot": a.slot, "commissioner": a.commissioner} for a in self.assignments],
            "filled": self.filled,
            "score": self.score,
            "seconds": round(self.seconds, 4),
            "objective": self.objective,
            "method": self.method,
            "explanations": self.explanations,
            "shortages": self.shortages,
            "staffing": self.staffing,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }
        if self.kept is not None:
            out["kept"] = self.kept
            out["added"] = self.added
            out["dropped"] = self.dropped or []
        return out


# --------------------------------------------------------------------------- validation and index


@dataclass
class Prepared:
    """A validated instance with positional indexes; build with `prepare`."""

    instance: Instance
    slots: list[Slot]
    coms: list[Commissioner]
    slot_pos: dict[str, int]
    com_pos: dict[str, int]
    town_slots: dict[str, list[int]]
    slot_mask: list[int]
    com_mask: list[int]
    field_bit: dict[str, int]
    # town -> [(commissioner position, score)] in input order, forbidden pairs included
    scored: dict[str, list[tuple[int, float]]]
    pair_score: dict[tuple[str, int], float]
    forbidden: set[tuple[str, int]]
    priority: dict[str, int]
    pins: list[tuple[int, int]]

    def town_label(self, town: str) -> str:
        return self.instance.town_names.get(town, town)

    def com_label(self, pos: int) -> str:
        cid = self.coms[pos].id
        return self.instance.commissioner_names.get(cid, cid)

    def allowed(self, town: str, c: int) -> bool:
        return (town, c) in self.pair_score and (town, c) not in self.forbidden

    def fits(self, s: int, c: int) -> bool:
        """Fields intersect and the leader rule holds (ignores scores and forbids)."""
        return bool(self.slot_mask[s] & self.com_mask[c]) and (
            not self.slots[s].leader or self.coms[c].can_lead
        )

    def pair_problem(self, s: int, c: int) -> str | None:
        """Why (slot, person) may not be used, in Chinese; None when it may."""
        slot, com = self.slots[s], self.coms[c]
        if not self.slot_mask[s] & self.com_mask[c]:
            return (
                f"特派员方向（{_fields_text(com.fields)}）与岗位需求方向（{_fields_text(slot.fields)}）不相交"
            )
        if slot.leader and not com.can_lead:
            return "团队长岗位需要能担任团队长的特派员"
        if (slot.town, c) not in self.pair_score:
            return f"评分表中没有 {self.town_label(slot.town)} 与该特派员的评分（不是该镇的候选人）"
        if (slot.town, c) in self.forbidden:
            return f"该特派员被列为 {self.town_label(slot.town)} 的回避人员"
        return None

    def tier_of(self, town: str) -> int:
        return self.priority.get(town, 0)


def _fields_text(fields: Iterable[str]) -> str:
    return "、".join(f"『{f}』" for f in fields) or "未填写"


class _Errors:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, message: str) -> None:
        if len(self.items) < _MAX_ERRORS:
            self.items.append(message)

    def exception(self) -> DispatchInputError:
        head = f"输入有 {len(self.items)} 处错误：" if len(self.items) > 1 else ""
        return DispatchInputError(head + "；".join(self.items), self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise self.exception()


def _is_id(value: object) -> bool:
    return isinstance(value, str) and value != ""


def prepare(instance: Instance) -> Prepared:
    """Validate the instance (ids, references, capacities, scores, pins) and index it."""
    err = _Errors()
    if instance.objective not in OBJECTIVES:
        err.add(f"objective 取值“{instance.objective}”无效，应为 max_score 或 max_filled_then_score")

    slots = list(instance.slots)
    coms = list(instance.commissioners)
    slot_pos: dict[str, int] = {}
    town_slots: dict[str, list[int]] = {}
    field_bit: dict[str, int] = {}

    def mask_of(fields: Iterable[str]) -> int:
        m = 0
        for f in fields:
            if f not in field_bit:
                field_bit[f] = 1 << len(field_bit)
            m |= field_bit[f]
        return m

    slot_mask: list[int] = []
    for i, s in enumerate(slots):
        where = f"slots[{i}]"
        if not _is_id(s.id) or not _is_id(s.town):
            err.add(f"{where}：岗位编号 id 和乡镇 town 必须是非空字符串")
        elif s.id in slot_pos:
            err.add(f"{where}：岗位编号“{s.id}”重复")
        else:
            slot_pos[s.id] = i
        if not s.fields or not all(_is_id(f) for f in s.fields):
            err.add(f"{where}：岗位“{s.id}”的需求方向 fields 必须是非空的字符串列表")
        town_slots.setdefault(s.town, []).append(i)
        slot_mask.append(mask_of(s.fields))

    com_pos: dict[str, int] = {}
    com_mask: list[int] = []
    for i, com in enumerate(coms):
        where = f"commissioners[{i}]"
        if not _is_id(com.id):
            err.add(f"{where}：特派员编号 id 必须是非空字符串")
        elif com.id in com_pos:
            err.add(f"{where}：特派员编号“{com.id}”重复")
        else:
            com_pos[com.id] = i
        if not all(_is_id(f) for f in com.fields):
            err.add(f"{where}：特派员“{com.id}”的专业方向 fields 必须是字符串列表")
        if isinstance(com.capacity, bool) or not isinstance(com.capacity, int) or com.capacity < 0:
            err.add(f"{where}：特派员“{com.id}”的名额 capacity 必须是不小于 0 的整数，现为 {com.capacity!r}")
        com_mask.append(mask_of(com.fields))

    scored: dict[str, list[tuple[int, float]]] = {}
    pair_score: dict[tuple[str, int], float] = {}
    for (town, cid), score in instance.scores.items():
        c = com_pos.get(cid)
        if town not in town_slots:
            err.add(f"评分表：乡镇“{town}”没有任何岗位")
            continue
        if c is None:
            err.add(f"评分表：特派员“{cid}”不在特派员名单中")
            continue
        if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
            err.add(f"评分表：{town} 与 {cid} 的评分必须是有限的数值，现为 {score!r}")
            continue
        pair_score[(town, c)] = float(score)
        scored.setdefault(town, []).append((c, float(score)))

    forbidden: set[tuple[str, int]] = set()
    for town, cid in instance.forbidden:
        c = com_pos.get(cid)
        if town not in town_slots:
            err.add(f"回避表：乡镇“{town}”没有任何岗位")
        elif c is None:
            err.add(f"回避表：特派员“{cid}”不在特派员名单中")
        else:
            forbidden.add((town, c))

    priority: dict[str, int] = {}
    for town, p in instance.priority.items():
        if town not in town_slots:
            err.add(f"priority：乡镇“{town}”没有任何岗位")
        elif isinstance(p, bool) or not isinstance(p, int) or p < 0:
            err.add(f"priority：乡镇“{town}”的优先级必须是不小于 0 的整数，现为 {p!r}")
        elif p > 0:
            priority[town] = p
    if len(set(priority.values())) > 20:
        err.add("priority：优先级层级不能超过 20 个（建议按地区分 2 至 4 层）")

    err.raise_if_any()
    prep = Prepared(
        instance=instance,
        slots=slots,
        coms=coms,
        slot_pos=slot_pos,
        com_pos=com_pos,
        town_slots=town_slots,
        slot_mask=slot_mask,
        com_mask=com_mask,
        field_bit=field_bit,
        scored=scored,
        pair_score=pair_score,
        forbidden=forbidden,
        priority=priority,
        pins=[],
    )
    prep.pins = _check_pins(prep, instance.pinned, err)
    err.raise_if_any()
    return prep


def _check_pins(prep: Prepared, pinned: Sequence[tuple[str, str]], err: _Errors) -> list[tuple[int, int]]:
    pins: list[tuple[int, int]] = []
    pinned_slots: set[int] = set()
    in_town: set[tuple[int, str]] = set()
    load: dict[int, int] = {}
    for i, (sid, cid) in enumerate(pinned):
        where = f"固定安排第 {i + 1} 条（岗位“{sid}” ← 特派员“{cid}”）"
        s, c = prep.slot_pos.get(sid), prep.com_pos.get(cid)
        if s is None:
            err.add(f"{where}：岗位不存在")
            continue
        if c is None:
            err.add(f"{where}：特派员不在名单中")
            continue
        town = prep.slots[s].town
        problem = prep.pair_problem(s, c)
        if s in pinned_slots:
            problem = "该岗位已有另一条固定安排"
        elif (c, town) in in_town:
            problem = f"该特派员在 {prep.town_label(town)} 已固定了另一个岗位（每人每镇只占一个岗位）"
        elif load.get(c, 0) >= prep.coms[c].capacity:
            problem = f"超出该特派员的名额（{prep.coms[c].capacity}）"
        if problem:
            err.add(f"{where}：{problem}")
            continue
        pinned_slots.add(s)
        in_town.add((c, town))
        load[c] = load.get(c, 0) + 1
        pins.append((s, c))
    return pins


# --------------------------------------------------------------------------- JSON I/O
#
# The JSON form is checked by the pydantic models below; what they refuse is reported in Chinese,
# each problem naming its path (`commissioners[3].capacity`). References between the parts (a
# score for an unknown person, a pin that does not fit) are `prepare`'s checks, on the dataclasses.


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _unique_fields(fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fields))


def _unique_pairs(rows: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    if len({(town, cid) for town, cid, _score in rows}) == len(rows):
        return rows
    seen: dict[tuple[str, str], int] = {}
    again: list[str] = []
    for i, (town, cid, _score) in enumerate(rows):
        if seen.setdefault((town, cid), i) != i:
            again.append(f"scores[{i}]（乡镇“{town}”与特派员“{cid}”，与 scores[{seen[town, cid]}] 重复）")
    if again:
        raise PydanticCustomError(
            "duplicate_scores", "评分重复：{rows}", {"rows": "；".join(again[:_MAX_ERRORS])}
        )
    return rows


def _pair_of_assignment(item: object) -> object:
    return [item.get("slot"), item.get("commissioner")] if isinstance(item, dict) else item


# Ids are non-empty strings; integers (JSON written by other tools) are read as strings. One union
# checked by pydantic-core itself, with one error for a value that is neither (no Python call per id).
_ID_SCHEMA = core_schema.union_schema(
    [
        core_schema.str_schema(min_length=1, strict=True),
        core_schema.no_info_after_validator_function(str, core_schema.int_schema(strict=True)),
    ],
    custom_error_type="id",
    custom_error_message="id",
)
_Id = Annotated[str, GetPydanticSchema(lambda _type, _handler: _ID_SCHEMA)]
_Fields = Annotated[tuple[Annotated[str, Strict(), Field(min_length=1)], ...], AfterValidator(_unique_fields)]
_Score = Annotated[float, Strict(), Field(allow_inf_nan=False)]
_Count = Annotated[int, Strict(), Field(ge=0)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _SlotInput(_Input):
    id: _Id
    town: _Id
    fields: _Fields
    leader: StrictBool = False


class _CommissionerInput(_Input):
    id: _Id
    fields: _Fields
    can_lead: StrictBool = False
    capacity: _Count


class _InstanceInput(_Input):
    slots: list[_SlotInput]
    commissioners: list[_CommissionerInput]
    scores: Annotated[list[tuple[_Id, _Id, _Score]], AfterValidator(_unique_pairs)]
    forbidden: list[tuple[_Id, _Id]] = []
    pinned: list[tuple[_Id, _Id]] = []
    objective: Literal["max_score", "max_filled_then_score"]  # OBJECTIVES
    priority: dict[str, _Count] = {}
    town_names: dict[str, StrictStr] = {}
    commissioner_names: dict[str, StrictStr] = {}


_INSTANCE = TypeAdapter(_InstanceInput)
_PLAN = TypeAdapter(list[Annotated[tuple[_Id, _Id], BeforeValidator(_pair_of_assignment)]])

# The objects whose keys an "unknown field" message lists, by their path without list positions.
_OBJECTS: dict[tuple[str, ...], type[_Input]] = {
    (): _InstanceInput,
    ("slots",): _SlotInput,
    ("commissioners",): _CommissionerInput,
}
# What the columns of a row list hold, named after the position in a path: scores[3][1]（特派员）.
_COLUMNS = {
    "scores": ("乡镇", "特派员", "评分"),
    "forbidden": ("乡镇", "特派员"),
    "pinned": ("岗位", "特派员"),
    "方案": ("岗位", "特派员"),
}

# pydantic's error types in Chinese. {path} is where the problem is, {parent} the object holding a
# missing or unknown key {name}, {input} the value found; the rest come from the error's context.
_MESSAGES = {
    "missing": "{parent}：缺少字段“{name}”",
    "missing_item": "{path}：缺少这一项",
    "extra_forbidden": "{parent}：未知字段“{name}”（允许的字段：{allowed}）",
    "model_type": "{path}：必须是 JSON 对象（{{...}}），现为 {input}",
    "dict_type": "{path}：必须是 JSON 对象（{{...}}），现为 {input}",
    "list_type": "{path}：必须是列表，现为 {input}",
    "tuple_type": "{path}：必须是列表，现为 {input}",
    "too_short": "{path}：至少要有 {min_length} 项，现为 {actual_length} 项",
    "too_long": "{path}：最多只能有 {max_length} 项，现为 {actual_length} 项",
    "id": "{path}：必须是非空字符串或整数，现为 {input}",
    "string_type": "{path}：必须是字符串，现为 {input}",
    "string_too_short": "{path}：不能为空字符串",
    "bool_type": "{path}：必须是 true 或 false，现为 {input}",
    "int_type": "{path}：必须是整数，现为 {input}",
    "greater_than_equal": "{path}：必须不小于 {ge}，现为 {input}",
    "float_type": "{path}：必须是数值，现为 {input}",
    "finite_number": "{path}：必须是有限的数值，现为 {input}",
    "literal_error": "{path}：取值 {input} 无效，应为 {expected}",
}


def _path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    if len(loc) == 3 and isinstance(loc[2], int) and loc[0] in _COLUMNS:
        out += f"（{_COLUMNS[str(loc[0])][loc[2]]}）"
    return out


def _message(error: ErrorDetails) -> str:
    loc = error["loc"]
    parent = loc[:-1]
    names = _OBJECTS.get(tuple(p for p in parent if isinstance(p, str)))
    kind = (
        "missing_item" if error["type"] == "missing" and loc and isinstance(loc[-1], int) else error["type"]
    )
    template = _MESSAGES.get(kind, "{path}：{msg}")
    context = {
        key: str(value).replace("' or '", " 或 ").strip("'") for key, value in error.get("ctx", {}).items()
    }
    return template.format(
        path=_path(loc) or "输入",
        parent=_path(parent) or "输入",
        name=loc[-1] if loc else "",
        input=_json_text(error["input"]),
        msg=error["msg"],
        allowed="、".join(names.model_fields) if names else "",
        **context,
    )


def _validated(adapter: TypeAdapter[_T], data: object, root: str = "") -> _T:
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        err = _Errors()
        for error in exc.errors(include_url=False):
            error["loc"] = (root, *error["loc"]) if root else error["loc"]
            err.add(_message(error))
        raise err.exception() from None


def instance_from_dict(data: object) -> Instance:
    """Build an Instance from parsed JSON, reporting every problem at once in Chinese."""
    parsed = _validated(_INSTANCE, data)
    return Instance(
        slots=[Slot(id=s.id, town=s.town, fields=s.fields, leader=s.leader) for s in parsed.slots],
        commissioners=[
            Commissioner(id=c.id, fields=c.fields, can_lead=c.can_lead, capacity=c.capacity)
            for c in parsed.commissioners
        ],
        scores={(town, cid): score for town, cid, score in parsed.scores},
        objective=parsed.objective,
        forbidden=list(parsed.forbidden),
        pinned=list(parsed.pinned),
        priority=dict(parsed.priority),
        town_names=dict(parsed.town_names),
        commissioner_names=dict(parsed.commissioner_names),
    )


def instance_from_json(text: str | bytes) -> Instance:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f"（第 {exc.lineno} 行第 {exc.colno} 列）" if isinstance(exc, json.JSONDecodeError) else ""
        raise DispatchInputError(f"输入不是有效的 JSON{where}：{exc}") from exc
    return instance_from_dict(data)


def instance_to_dict(instance: Instance) -> dict[str, Any]:
    out: dict[str, Any] = {
        "slots": [
            {"id": s.id, "town": s.town, "fields": list(s.fields), "leader": s.leader} for s in instance.slots
        ],
        "commissioners": [
            {"id": c.id, "fields": list(c.fields), "can_lead": c.can_lead, "capacity": c.capacity}
            for c in instance.commissioners
        ],
        "scores": [[t, c, v] for (t, c), v in instance.scores.items()],
        "forbidden": [list(p) for p in instance.forbidden],
        "objective": instance.objective,
    }
    if instance.pinned:
        out["pinned"] = [list(p) for p in instance.pinned]
    if instance.priority:
        out["priority"] = dict(instance.priority)
    if instance.town_names:
        out["town_names"] = dict(instance.town_names)
    if instance.commissioner_names:
        out["commissioner_names"] = dict(instance.commissioner_names)
    return out


def plan_from_obj(data: object) -> list[Assignment]:
    """Read a plan: a solve output ({"assignments": [...]}) or a list of {"slot", "commissioner"}."""
    if isinstance(data, dict):
        data = data.get("assignments")
    if not isinstance(data, list):
        raise DispatchInputError('方案必须是 {"assignments": [...]} 或由 {"slot", "commissioner"} 组成的列表')
    return [Assignment(slot, com) for slot, com in _validated(_PLAN, data, root="方案")]
