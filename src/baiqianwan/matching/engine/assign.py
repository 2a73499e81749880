"""Exact assignment of people to slots: province-wide dispatch of 科技特派员, and later reviewers.

Plain Python over OR-Tools min-cost flow; no Django. The model, the integer scaling of scores and
the priority tiers are described in docs/dispatch.md.

Rules: a slot takes at most one person; a person fills at most `capacity` slots and at most one
slot per town; the slot's and the person's fields must intersect; a leader slot needs `can_lead`;
only (town, person) pairs listed in `scores` and not in `forbidden` may be used; pinned pairs stay.
A town's slots are its team, staffed leader first: a leader slot stays empty only when nobody placed
in an ordinary slot of the same town (and not pinned there) can take it.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

MAX_SCORE = "max_score"
MAX_FILLED_THEN_SCORE = "max_filled_then_score"
OBJECTIVES = (MAX_SCORE, MAX_FILLED_THEN_SCORE)
OBJECTIVE_LABELS = {MAX_SCORE: "总分最高", MAX_FILLED_THEN_SCORE: "先填满岗位、再比总分"}

# Scores are floats; min-cost flow needs integers. ×1000 keeps three decimals: finer differences
# are rounded away when choosing; the reported score is the sum of the input floats.
SCALE = 1000
# OR-Tools multiplies every cost by (nodes + 1) and rejects |cost| above INT64_MAX / (2 (nodes + 1));
# node potentials also drift below the largest cost, so keep a further factor of 8 in hand.
_INT64_MAX = 2**63 - 1
_COST_HEADROOM = 8
_MAX_ERRORS = 50

ProgressFn = Callable[[str, float], None]


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

    def raise_if_any(self) -> None:
        if self.items:
            head = f"输入有 {len(self.items)} 处错误：" if len(self.items) > 1 else ""
            raise DispatchInputError(head + "；".join(self.items), self.items)


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


def _json_id(value: object, where: str, err: _Errors) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        err.add(f"{where} 必须是非空字符串或整数，现为 {json.dumps(value, ensure_ascii=False)}")
        return ""
    return str(value)


def _json_fields(value: object, where: str, err: _Errors) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(f, str) and f for f in value):
        err.add(f"{where} 必须是由非空字符串组成的列表")
        return ()
    return tuple(dict.fromkeys(value))


def _json_bool(value: object, where: str, err: _Errors) -> bool:
    if not isinstance(value, bool):
        err.add(f"{where} 必须是 true 或 false")
        return False
    return value


def _check_keys(
    obj: Mapping[str, object], allowed: set[str], required: set[str], where: str, err: _Errors
) -> None:
    for key in sorted(set(obj) - allowed):
        err.add(f"{where}：未知字段“{key}”（允许的字段：{'、'.join(sorted(allowed))}）")
    for key in sorted(required - set(obj)):
        err.add(f"{where}：缺少字段“{key}”")


def _json_pairs(value: object, name: str, width: int, err: _Errors) -> list[list[object]]:
    if not isinstance(value, list):
        err.add(f"{name} 必须是列表")
        return []
    rows: list[list[object]] = []
    for i, row in enumerate(value):
        if not isinstance(row, list) or len(row) != width:
            err.add(f"{name}[{i}] 必须是含 {width} 个元素的列表")
            continue
        rows.append(row)
    return rows


_TOP_KEYS = {
    "slots",
    "commissioners",
    "scores",
    "forbidden",
    "pinned",
    "objective",
    "priority",
    "town_names",
    "commissioner_names",
}


def instance_from_dict(data: object) -> Instance:
    """Build an Instance from parsed JSON, reporting every problem at once in Chinese."""
    err = _Errors()
    if not isinstance(data, dict):
        raise DispatchInputError("输入必须是一个 JSON 对象（{...}）")
    _check_keys(data, _TOP_KEYS, {"slots", "commissioners", "scores", "objective"}, "输入", err)

    slots: list[Slot] = []
    raw_slots = data.get("slots", [])
    if not isinstance(raw_slots, list):
        err.add("slots 必须是列表")
        raw_slots = []
    for i, item in enumerate(raw_slots):
        where = f"slots[{i}]"
        if not isinstance(item, dict):
            err.add(f"{where} 必须是对象")
            continue
        _check_keys(item, {"id", "town", "fields", "leader"}, {"id", "town", "fields"}, where, err)
        slots.append(
            Slot(
                id=_json_id(item.get("id"), f"{where}.id", err),
                town=_json_id(item.get("town"), f"{where}.town", err),
                fields=_json_fields(item.get("fields"), f"{where}.fields", err),
                leader=_json_bool(item.get("leader", False), f"{where}.leader", err),
            )
        )

    coms: list[Commissioner] = []
    raw_coms = data.get("commissioners", [])
    if not isinstance(raw_coms, list):
        err.add("commissioners 必须是列表")
        raw_coms = []
    for i, item in enumerate(raw_coms):
        where = f"commissioners[{i}]"
        if not isinstance(item, dict):
            err.add(f"{where} 必须是对象")
            continue
        _check_keys(item, {"id", "fields", "can_lead", "capacity"}, {"id", "fields", "capacity"}, where, err)
        cap = item.get("capacity", 0)
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
            err.add(f"{where}.capacity 必须是不小于 0 的整数，现为 {json.dumps(cap, ensure_ascii=False)}")
            cap = 0
        coms.append(
            Commissioner(
                id=_json_id(item.get("id"), f"{where}.id", err),
                fields=_json_fields(item.get("fields"), f"{where}.fields", err),
                can_lead=_json_bool(item.get("can_lead", False), f"{where}.can_lead", err),
                capacity=cap,
            )
        )

    scores: dict[tuple[str, str], float] = {}
    for i, row in enumerate(_json_pairs(data.get("scores", []), "scores", 3, err)):
        town = _json_id(row[0], f"scores[{i}][0]（乡镇）", err)
        cid = _json_id(row[1], f"scores[{i}][1]（特派员）", err)
        value = row[2]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            err.add(f"scores[{i}][2]（评分）必须是有限的数值，现为 {json.dumps(value, ensure_ascii=False)}")
            continue
        if (town, cid) in scores:
            err.add(f"scores[{i}]：乡镇“{town}”与特派员“{cid}”的评分重复")
            continue
        scores[(town, cid)] = float(value)

    forbidden: list[tuple[str, str]] = []
    for i, row in enumerate(_json_pairs(data.get("forbidden", []), "forbidden", 2, err)):
        forbidden.append(
            (
                _json_id(row[0], f"forbidden[{i}][0]（乡镇）", err),
                _json_id(row[1], f"forbidden[{i}][1]（特派员）", err),
            )
        )

    pinned: list[tuple[str, str]] = []
    for i, row in enumerate(_json_pairs(data.get("pinned", []), "pinned", 2, err)):
        pinned.append(
            (
                _json_id(row[0], f"pinned[{i}][0]（岗位）", err),
                _json_id(row[1], f"pinned[{i}][1]（特派员）", err),
            )
        )

    objective = data.get("objective", "")
    if not isinstance(objective, str):
        err.add("objective 必须是字符串：max_score 或 max_filled_then_score")
        objective = ""

    def str_map(key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            err.add(f"{key} 必须是对象（乡镇或人员编号 → 值）")
            return {}
        return value

    priority: dict[str, int] = {}
    for town, p in str_map("priority").items():
        if isinstance(p, bool) or not isinstance(p, int) or p < 0:
            err.add(f"priority[“{town}”] 必须是不小于 0 的整数，现为 {json.dumps(p, ensure_ascii=False)}")
        else:
            priority[town] = p
    names: dict[str, dict[str, str]] = {}
    for key in ("town_names", "commissioner_names"):
        names[key] = {}
        for k, v in str_map(key).items():
            if not isinstance(v, str):
                err.add(f"{key}[“{k}”] 必须是字符串")
            else:
                names[key][k] = v

    err.raise_if_any()
    return Instance(
        slots=slots,
        commissioners=coms,
        scores=scores,
        objective=objective,
        forbidden=forbidden,
        pinned=pinned,
        priority=priority,
        town_names=names["town_names"],
        commissioner_names=names["commissioner_names"],
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
    err = _Errors()
    plan: list[Assignment] = []
    for i, item in enumerate(data):
        if isinstance(item, dict):
            slot, com = item.get("slot"), item.get("commissioner")
        elif isinstance(item, list) and len(item) == 2:
            slot, com = item
        else:
            err.add(f'方案第 {i + 1} 条必须是 {{"slot", "commissioner"}} 对象')
            continue
        plan.append(
            Assignment(
                _json_id(slot, f"方案第 {i + 1} 条的 slot", err),
                _json_id(com, f"方案第 {i + 1} 条的 commissioner", err),
            )
        )
    err.raise_if_any()
    return plan


# --------------------------------------------------------------------------- solving


class _Stages:
    """Progress reporting and cancellation between stages, with per-stage timings."""

    # stage -> (start fraction, end fraction)
    SPAN = {
        "validate": (0.0, 0.05),
        "build": (0.05, 0.35),
        "solve": (0.35, 0.8),
        "extract": (0.8, 0.85),
        "explain": (0.85, 1.0),
    }

    def __init__(self, progress: ProgressFn | None, cancel: threading.Event | None) -> None:
        self.progress = progress
        self.cancel = cancel
        self.timings: dict[str, float] = {}
        self._stage = ""
        self._t = time.perf_counter()
        self.t0 = self._t

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("求解已取消")

    def enter(self, stage: str) -> None:
        self.check()
        now = time.perf_counter()
        if self._stage:
            self.timings[self._stage] = self.timings.get(self._stage, 0.0) + now - self._t
        self._stage, self._t = stage, now
        if self.progress is not None and stage in self.SPAN:
            self.progress(stage, self.SPAN[stage][0])

    def within(self, fraction: float) -> None:
        self.check()
        if self.progress is not None and self._stage in self.SPAN:
            lo, hi = self.SPAN[self._stage]
            self.progress(self._stage, lo + (hi - lo) * min(max(fraction, 0.0), 1.0))

    def done(self) -> float:
        self.enter("")
        if self.progress is not None:
            self.progress("done", 1.0)
        return time.perf_counter() - self.t0


def _tier_weights(prep: Prepared) -> dict[int, int]:
    """Priority value -> per-slot weight. Higher priority, larger weight; see docs/dispatch.md."""
    base = 1 if prep.instance.objective == MAX_FILLED_THEN_SCORE else 0
    tiers = sorted(set(prep.priority.values()), reverse=True)
    weights = {p: len(tiers) - i + base for i, p in enumerate(tiers)}
    weights[0] = base
    return weights


def _flow(prep: Prepared, stages: _Stages) -> list[tuple[int, int]]:
    """Solve the residual problem left by the pins; return new (slot, person) positions."""
    n_slots, n_coms = len(prep.slots), len(prep.coms)
    cap = [c.capacity for c in prep.coms]
    pinned_slot = [False] * n_slots
    blocked: set[tuple[int, str]] = set()
    for s, c in prep.pins:
        pinned_slot[s] = True
        cap[c] -= 1
        blocked.add((c, prep.slots[s].town))

    weight_of = _tier_weights(prep)
    slot_w = [weight_of[prep.tier_of(s.town)] for s in prep.slots]
    slot_leader = [s.leader for s in prep.slots]
    can_lead = [c.can_lead for c in prep.coms]
    slot_mask, com_mask, forbidden = prep.slot_mask, prep.com_mask, prep.forbidden

    # Node numbering: 0 source, 1 sink, people, slots, then one (person, town) node when the
    # person fits two or more slots of a town (it carries capacity 1: one slot per town).
    com_node0, slot_node0 = 2, 2 + n_coms
    next_node = slot_node0 + n_slots
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    weights: list[int] = []  # tier weight on assignment arcs, 0 elsewhere
    scores: list[int] = []  # scaled score on assignment arcs, 0 elsewhere
    assign_arcs: list[int] = []
    assign_slot: list[int] = []
    assign_com: list[int] = []
    com_towns = [0] * n_coms
    slot_has_arc = [False] * n_slots

    def arc(t: int, h: int, capacity: int, w: int = 0, sc: int = 0) -> int:
        tails.append(t)
        heads.append(h)
        caps.append(capacity)
        weights.append(w)
        scores.append(sc)
        return len(tails) - 1

    towns = list(prep.scored)
    for k, town in enumerate(towns):
        if k % 2048 == 0:
            stages.within(k / max(len(towns), 1) * 0.7)
        free = [s for s in prep.town_slots[town] if not pinned_slot[s]]
        if not free:
            continue
        for c, score in prep.scored[town]:
            if cap[c] <= 0 or (town, c) in forbidden or (c, town) in blocked:
                continue
            cm, lead = com_mask[c], can_lead[c]
            s_int = round(score * SCALE)
            fit = [
                s
                for s in free
                if slot_mask[s] & cm and (lead or not slot_leader[s]) and (slot_w[s] or s_int > 0)
            ]
            if not fit:
                continue
            com_towns[c] += 1
            if len(fit) == 1:
                s = fit[0]
                assign_arcs.append(arc(com_node0 + c, slot_node0 + s, 1, slot_w[s], s_int))
                assign_slot.append(s)
                assign_com.append(c)
                slot_has_arc[s] = True
                continue
            node = next_node
            next_node += 1
            arc(com_node0 + c, node, 1)
            for s in fit:
                assign_arcs.append(arc(node, slot_node0 + s, 1, slot_w[s], s_int))
                assign_slot.append(s)
                assign_com.append(c)
                slot_has_arc[s] = True

    if not assign_arcs:
        return []
    supply_people = 0
    for c in range(n_coms):
        if com_towns[c]:
            flow_cap = min(cap[c], com_towns[c])
            arc(0, com_node0 + c, flow_cap)
            supply_people += flow_cap
    open_slots = 0
    for s in range(n_slots):
        if slot_has_arc[s]:
            arc(slot_node0 + s, 1, 1)
            open_slots += 1
    supply = min(supply_people, open_slots)
    arc(0, 1, supply)  # bypass: leaving slots empty costs nothing
    stages.within(0.8)

    w_arr = np.asarray(weights, dtype=np.int64)
    s_arr = np.asarray(scores, dtype=np.int64)
    s_max = max(1, int(np.abs(s_arr).max()))
    w_max = int(w_arr.max())
    # One unit of tier weight must outweigh any difference in total score: M > 2·F·max|s|.
    big_m = 2 * supply * s_max + 1 if w_max else 0
    worst = w_max * big_m + s_max
    limit = _INT64_MAX // (2 * (next_node + 1)) // _COST_HEADROOM
    if worst > limit:
        raise DispatchInputError(
            f"评分数值过大或优先级层级过多，整数化后的代价 {worst} 超出精确求解的范围 {limit}："
            "请把评分缩放到 0 至 100 之间，或减少优先级层级"
        )
    costs = -(w_arr * big_m + s_arr)

    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.asarray(tails, dtype=np.int32),
        np.asarray(heads, dtype=np.int32),
        np.asarray(caps, dtype=np.int64),
        costs,
    )
    smcf.set_node_supply(0, supply)
    smcf.set_node_supply(1, -supply)

    stages.enter("solve")
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise DispatchSolverError(f"最小费用流求解器未得到最优解（状态 {status.name}）")

    stages.enter("extract")
    flows = np.asarray(smcf.flows(np.asarray(assign_arcs, dtype=np.int32)))
    chosen = np.flatnonzero(flows > 0)
    return [(assign_slot[i], assign_com[i]) for i in chosen.tolist()]


def _leader_first(prep: Prepared, by_slot: Mapping[int, int], fixed: Collection[int]) -> dict[int, int]:
    """Move people who can lead from ordinary slots into the empty leader slots of their town.

    A person's score belongs to the (town, person) pair, not to the slot, and every slot of a town
    has the same tier: so a move within a town keeps the filled count per tier and the score, and
    keeps every rule (the person is already allowed in the town, still holds one slot there, can
    lead and has one of the leader slot's fields). An optimum stays an optimum. Pinned slots
    (`fixed`) never move. Per town, the empty leader slots are matched to the movable people who
    fit them (augmenting paths), so as many leader slots as possible are filled.
    """
    out = dict(by_slot)
    for slots in prep.town_slots.values():
        empty = [s for s in slots if prep.slots[s].leader and s not in out]
        if not empty:
            continue
        members = [
            s
            for s in slots
            if not prep.slots[s].leader and s in out and s not in fixed and prep.coms[out[s]].can_lead
        ]
        if not members:
            continue
        match: dict[int, int] = {}  # ordinary slot -> the leader slot its person moves to

        def augment(
            lead: int, seen: set[int], members: list[int] = members, match: dict[int, int] = match
        ) -> bool:
            for m in members:
                if m in seen or not prep.slot_mask[lead] & prep.com_mask[out[m]]:
                    continue
                seen.add(m)
                if m not in match or augment(match[m], seen):
                    match[m] = lead
                    return True
            return False

        for lead in empty:
            augment(lead, set())
        for m, lead in sorted(match.items()):
            out[lead] = out.pop(m)
    return out


def _finish(
    prep: Prepared,
    pairs: Iterable[tuple[int, int]],
    stages: _Stages,
    method: str,
    explain: bool,
) -> Solution:
    by_slot = _leader_first(prep, dict(pairs), {s for s, _ in prep.pins})
    ordered = sorted(by_slot.items())
    assignments = [Assignment(prep.slots[s].id, prep.coms[c].id) for s, c in ordered]
    score = math.fsum(prep.pair_score[(prep.slots[s].town, c)] for s, c in ordered)
    explanations: list[dict[str, Any]] = []
    shortages: dict[str, Any] = {}
    stages.enter("explain")
    from .assign_explain import explain_gaps, staffing_summary  # it imports this module

    if explain:
        explanations, shortages = explain_gaps(prep, by_slot)
    staffing = staffing_summary(prep, by_slot)
    seconds = stages.done()
    return Solution(
        assignments=assignments,
        filled=len(assignments),
        score=round(score, 9),
        seconds=seconds,
        objective=prep.instance.objective,
        method=method,
        explanations=explanations,
        shortages=shortages,
        staffing=staffing,
        timings=dict(stages.timings),
    )


def solve(
    instance: Instance,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    explain: bool = True,
) -> Solution:
    """The exact optimum for the instance's objective and priorities, pins kept."""
    stages = _Stages(progress, cancel)
    stages.enter("validate")
    prep = prepare(instance)
    stages.enter("build")
    new = _flow(prep, stages)
    return _finish(prep, [*prep.pins, *new], stages, "optimal", explain)


def resolve_gaps(
    instance: Instance,
    current: Solution | Mapping[str, str] | Iterable[Assignment | tuple[str, str]],
    withdrawn: Collection[str] = frozenset(),
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    explain: bool = True,
) -> Solution:
    """Keep every current assignment that is still valid and fill only the empty slots.

    Withdrawn people leave the pool (unknown ids are ignored: they may already be gone). A kept
    assignment becomes a pin; one that no longer fits the instance is dropped with a reason.
    The instance's own pins come first and must be valid. ``current`` is a solution, a mapping of
    slot to person, or (slot, person) pairs.
    """
    stages = _Stages(progress, cancel)
    stages.enter("validate")
    gone = set(withdrawn)
    for sid, cid in instance.pinned:
        if cid in gone:
            raise DispatchInputError(
                f"固定安排（岗位“{sid}” ← 特派员“{cid}”）中的特派员已退出，请先撤销该固定安排"
            )
    pool = replace(
        instance,
        commissioners=[c for c in instance.commissioners if c.id not in gone],
        scores={k: v for k, v in instance.scores.items() if k[1] not in gone},
        forbidden=[p for p in instance.forbidden if p[1] not in gone],
    )
    prep = prepare(pool)
    # A mapping is slot → person (iterating it directly would yield slot ids alone).
    plan = (
        current.assignments
        if isinstance(current, Solution)
        else current.items()
        if isinstance(current, Mapping)
        else current
    )

    pinned_pairs = set(prep.pins)
    taken_slots = {s for s, _ in prep.pins}
    in_town = {(c, prep.slots[s].town) for s, c in prep.pins}
    load: dict[int, int] = {}
    for _, pc in prep.pins:
        load[pc] = load.get(pc, 0) + 1
    kept: list[tuple[int, int]] = []
    dropped: list[dict[str, str]] = []
    for item in plan:
        sid, cid = (item.slot, item.commissioner) if isinstance(item, Assignment) else item
        s, c = prep.slot_pos.get(sid), prep.com_pos.get(cid)
        reason: str | None
        if cid in gone:
            reason = "特派员已退出"
        elif s is None:
            reason = "岗位已不存在"
        elif c is None:
            reason = "特派员已不在名单中"
        elif (s, c) in pinned_pairs:
            continue  # the same pair is pinned already: kept, not dropped
        elif s in taken_slots:
            reason = "该岗位已有固定安排或重复安排"
        elif (c, prep.slots[s].town) in in_town:
            reason = "该特派员在同一乡镇已有另一个岗位"
        elif load.get(c, 0) >= prep.coms[c].capacity:
            reason = "超出该特派员现在的名额"
        else:
            reason = prep.pair_problem(s, c)
        if reason is not None or s is None or c is None:
            dropped.append({"slot": sid, "commissioner": cid, "reason": reason or ""})
            continue
        taken_slots.add(s)
        in_town.add((c, prep.slots[s].town))
        load[c] = load.get(c, 0) + 1
        kept.append((s, c))

    prep.pins = [*prep.pins, *kept]
    stages.enter("build")
    new = _flow(prep, stages)
    solution = _finish(prep, [*prep.pins, *new], stages, "optimal", explain)
    solution.kept = len(prep.pins)
    solution.added = len(new)
    solution.dropped = dropped
    return solution


# --------------------------------------------------------------------------- baseline and comparison


def greedy(instance: Instance, *, explain: bool = True) -> Solution:
    """Baseline: take (town, person) pairs by priority then score, while the rules allow.

    Under max_score only positive scores are taken in towns without priority, as in the optimum.
    A person who can lead takes a town's leader slot first, since others cannot fill it.
    """
    stages = _Stages(None, None)
    stages.enter("validate")
    prep = prepare(instance)
    stages.enter("build")
    weight_of = _tier_weights(prep)
    cap = [c.capacity for c in prep.coms]
    taken: dict[int, int] = {}
    in_town: set[tuple[int, str]] = set()
    for s, c in prep.pins:
        taken[s] = c
        cap[c] -= 1
        in_town.add((c, prep.slots[s].town))

    order: list[tuple[int, float, int, str, int]] = []
    k = 0
    for town, cands in prep.scored.items():
        w = weight_of[prep.tier_of(town)]
        for c, score in cands:
            if (town, c) in prep.forbidden or (not w and round(score * SCALE) <= 0):
                continue
            order.append((-w, -score, k, town, c))
            k += 1
    order.sort()
    for _, _, _, town, c in order:
        if cap[c] <= 0 or (c, town) in in_town:
            continue
        free = [s for s in prep.town_slots[town] if s not in taken and prep.fits(s, c)]
        if not free:
            continue
        s = min(free, key=lambda x: (not prep.slots[x].leader, x))
        taken[s] = c
        cap[c] -= 1
        in_town.add((c, town))
    return _finish(prep, taken.items(), stages, "greedy", explain)


def check_plan(instance: Instance, plan: Solution | Iterable[Assignment | tuple[str, str]]) -> list[str]:
    """Every rule a plan breaks, in Chinese (empty when it is feasible); pins must be present."""
    prep = prepare(instance)
    items = plan.assignments if isinstance(plan, Solution) else plan
    problems: list[str] = []
    seen_slot: set[int] = set()
    in_town: set[tuple[int, str]] = set()
    load: dict[int, int] = {}
    by_slot: dict[int, int] = {}
    for item in items:
        sid, cid = (item.slot, item.commissioner) if isinstance(item, Assignment) else item
        s, c = prep.slot_pos.get(sid), prep.com_pos.get(cid)
        where = f"岗位“{sid}” ← 特派员“{cid}”"
        if s is None or c is None:
            problems.append(f"{where}：{'岗位不存在' if s is None else '特派员不在名单中'}")
            continue
        town = prep.slots[s].town
        if s in seen_slot:
            problems.append(f"{where}：该岗位安排了不止一人")
        if (c, town) in in_town:
            problems.append(f"{where}：该特派员在 {prep.town_label(town)} 占了不止一个岗位")
        load[c] = load.get(c, 0) + 1
        if load[c] == prep.coms[c].capacity + 1:
            problems.append(f"{where}：超出该特派员的名额（{prep.coms[c].capacity}）")
        problem = prep.pair_problem(s, c)
        if problem:
            problems.append(f"{where}：{problem}")
        seen_slot.add(s)
        in_town.add((c, town))
        by_slot.setdefault(s, c)
    for s, c in prep.pins:
        if by_slot.get(s) != c:
            problems.append(f"固定安排（岗位“{prep.slots[s].id}” ← 特派员“{prep.coms[c].id}”）未被保留")
    return problems


def compare(
    instance: Instance,
    plan_a: Solution | Iterable[Assignment | tuple[str, str]],
    plan_b: Solution | Iterable[Assignment | tuple[str, str]],
    groups: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Side by side: filled, score, towns fully staffed per priority tier (or per label in
    `groups`, town -> label), rule breaches, and how many slots the two plans staff differently
    (either plan may be typed in by hand). `delta` is b minus a."""
    from .assign_explain import staffing_summary  # it imports this module

    prep = prepare(instance)

    def summary(
        plan: Solution | Iterable[Assignment | tuple[str, str]],
    ) -> tuple[dict[str, Any], dict[int, int]]:
        items = list(plan.assignments if isinstance(plan, Solution) else plan)
        by_slot: dict[int, int] = {}
        for item in items:
            sid, cid = (item.slot, item.commissioner) if isinstance(item, Assignment) else item
            s, c = prep.slot_pos.get(sid), prep.com_pos.get(cid)
            if s is not None and c is not None:
                by_slot.setdefault(s, c)
        score = math.fsum(
            prep.pair_score.get((prep.slots[s].town, c), 0.0) for s, c in sorted(by_slot.items())
        )
        return {
            "filled": len(by_slot),
            "score": round(score, 9),
            "staffing": staffing_summary(prep, by_slot, groups),
            "violations": check_plan(instance, items),
        }, by_slot

    a, slots_a = summary(plan_a)
    b, slots_b = summary(plan_b)
    differ = sum(1 for s in range(len(prep.slots)) if slots_a.get(s) != slots_b.get(s))
    gain = (b["score"] - a["score"]) / abs(a["score"]) * 100 if a["score"] else None
    return {
        "a": a,
        "b": b,
        "differ": differ,
        "delta": {
            "filled": b["filled"] - a["filled"],
            "score": round(b["score"] - a["score"], 9),
            "score_pct": None if gain is None else round(gain, 3),
        },
    }
