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

import math
import threading
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

from .assign_explain import explain_gaps, staffing_summary
from .assign_model import (
    MAX_FILLED_THEN_SCORE,
    MAX_SCORE,
    OBJECTIVE_LABELS,
    OBJECTIVES,
    SCALE,
    Assignment,
    Cancelled,
    Commissioner,
    DispatchInputError,
    DispatchSolverError,
    Instance,
    Prepared,
    ProgressFn,
    Slot,
    Solution,
    instance_from_dict,
    instance_from_json,
    instance_to_dict,
    plan_from_obj,
    prepare,
)

# OR-Tools multiplies every cost by (nodes + 1) and rejects |cost| above INT64_MAX / (2 (nodes + 1));
# node potentials also drift below the largest cost, so keep a further factor of 8 in hand.
_INT64_MAX = 2**63 - 1
_COST_HEADROOM = 8

# A seat a person does not fit, in the reseating of a town's team (any cost above the real ones).
_UNSEATABLE = 1 << 40

__all__ = [
    "MAX_FILLED_THEN_SCORE",
    "MAX_SCORE",
    "OBJECTIVES",
    "OBJECTIVE_LABELS",
    "SCALE",
    "Assignment",
    "Cancelled",
    "Commissioner",
    "DispatchInputError",
    "DispatchSolverError",
    "Instance",
    "ProgressFn",
    "Slot",
    "Solution",
    "check_plan",
    "compare",
    "greedy",
    "instance_from_dict",
    "instance_from_json",
    "instance_to_dict",
    "plan_from_obj",
    "prepare",
    "resolve_gaps",
    "solve",
]

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
    """Reseat each town's people so that as many of its leader slots as possible are filled.

    A person's score belongs to the (town, person) pair, not to the slot, and every slot of a town
    has the same tier: so reseating people within a town keeps the filled count per tier and the
    score, and keeps every rule (each person is already allowed in the town and still holds one
    slot there; a seat must fit their fields and the leader rule). An optimum stays an optimum.
    Pinned slots (`fixed`) never move. Per town with an empty leader slot, the town's movable
    people are assigned to its free slots by an exact assignment that fills the most leader slots
    and, among those seatings, moves the fewest people — moving only ordinary members into empty
    leader slots is not enough: a leader may need to change leader slots to make room.
    """
    out = dict(by_slot)
    for slots in prep.town_slots.values():
        if not any(prep.slots[s].leader and s not in out for s in slots):
            continue
        free = [s for s in slots if s not in fixed]
        seated = [s for s in free if s in out]
        if not seated:
            continue
        people = [out[s] for s in seated]
        leader_weight = len(people) + 1  # one more leader outweighs keeping everyone in place
        cost = np.full((len(people), len(free)), _UNSEATABLE, dtype=np.int64)
        for i, c in enumerate(people):
            for j, s in enumerate(free):
                if prep.fits(s, c):
                    cost[i, j] = -leader_weight * int(prep.slots[s].leader) - int(s == seated[i])
        rows, cols = linear_sum_assignment(cost)
        # The current seating is one of the candidates, so everyone keeps a seat they fit.
        assert all(cost[r, k] < _UNSEATABLE for r, k in zip(rows, cols, strict=True))
        for s in seated:
            del out[s]
        for r, k in zip(rows, cols, strict=True):
            out[free[k]] = people[r]
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
