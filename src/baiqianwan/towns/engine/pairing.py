"""Optimal pairing of 珠三角 towns with 粤东西北 towns: each town with at most its number of
partners (one by default), locked pairs always in, forbidden pairs never, no pair scoring below
the instance's `min_score` proposed. Among the plans with the most pairs the solver picks the one
with the highest total score — exactly, as a min-cost max-flow over the candidate pairs (all pairs
at or above `min_score`, or with `top_k` set, those among either town's `top_k` best).

    result = solve(instance)                       # the optimum, each pair explained
    again = replace(instance, result, drop=[("440115101", "441422104")])

`replace` re-pairs the towns a dropped pair frees without moving any other pair; `greedy` is the
obvious plan, kept as the baseline the benchmark compares against.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from baiqianwan.matching.engine.flow import max_flow_min_cost

from .model import (
    EWN,
    SCALE,
    SIDE_LABELS,
    Instance,
    PairingInputError,
    PairKey,
    Result,
    TownProfile,
    Unpaired,
    normalise_pairs,
)
from .relatedness import Scores

__all__ = ["PairingSolverError", "greedy", "replace", "solve"]

Cell = tuple[int, int]  # (row of the 珠三角 town, column of the 粤东西北 town) in the score matrices


class PairingSolverError(RuntimeError):
    """The flow solver did not return an optimum (should not happen on a validated instance)."""


def solve(instance: Instance) -> Result:
    """The plan with the most pairs and, among those, the highest total score."""
    started = time.perf_counter()
    locked, (rows, cols), (pearl_room, ewn_room) = _start(instance)
    chosen = _max_flow_min_cost(instance.scores, rows, cols, pearl_room, ewn_room)
    return _result(instance, locked + chosen, candidates=(rows, cols), banned=frozenset(), started=started)


def greedy(instance: Instance) -> Result:
    """The obvious plan, for comparison: locked pairs, then candidates by score, highest first,
    while both towns have room."""
    started = time.perf_counter()
    locked, (rows, cols), (pearl_room, ewn_room) = _start(instance)
    chosen = []
    for k in np.lexsort((cols, rows, -_scaled(instance.scores.total[rows, cols]))).tolist():
        i, j = int(rows[k]), int(cols[k])
        if pearl_room[i] > 0 and ewn_room[j] > 0:
            chosen.append((i, j))
            pearl_room[i] -= 1
            ewn_room[j] -= 1
    result = _result(instance, locked + chosen, candidates=(rows, cols), banned=frozenset(), started=started)
    result.method = "greedy"
    return result


def _start(
    instance: Instance,
) -> tuple[list[Cell], tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The locked pairs, the candidates, and the places each town has left once the locks are in."""
    locked = [_cell(instance.scores, key) for key in sorted(instance.locked)]
    return locked, _candidates(instance, banned=frozenset()), _room(instance.scores, locked)


def replace(instance: Instance, current: Result | Iterable[PairKey], drop: Iterable[PairKey]) -> Result:
    """Take the `drop` pairs out of the `current` plan and re-pair the towns they free, each with
    towns that still have room; every other pair stays as it is and a dropped pair is never
    proposed again. `result.added` lists the new pairs; `result.pairs` is the whole plan.

    The plan is checked first: its pairs must be known 珠三角—粤东西北 pairs within capacity, it
    must hold every locked pair, locked pairs cannot be dropped, and a kept pair may not be one the
    province has since forbidden (drop it instead).
    """
    started = time.perf_counter()
    scores = instance.scores
    plan, dropped = _check_plan(instance, current, drop)
    kept = [_cell(scores, key) for key in plan if key not in dropped]
    banned = frozenset(plan)
    freed_rows = {scores.row[p] for p, _ in dropped}
    freed_cols = {scores.col[e] for _, e in dropped}
    rows, cols = _candidates(instance, banned=banned)
    touching = np.isin(rows, list(freed_rows)) | np.isin(cols, list(freed_cols))
    pearl_room, ewn_room = _room(scores, kept)
    chosen = _max_flow_min_cost(scores, rows[touching], cols[touching], pearl_room, ewn_room)
    result = _result(
        instance, kept + chosen, candidates=(rows, cols), banned=frozenset(dropped), started=started
    )
    result.method = "replace"
    added = {(scores.pearl[i].code, scores.ewn[j].code) for i, j in chosen}
    result.added = [p for p in result.pairs if p.key in added]
    return result


def _check_plan(
    instance: Instance, current: Result | Iterable[PairKey], drop: Iterable[PairKey]
) -> tuple[list[PairKey], set[PairKey]]:
    errors: list[str] = []
    by_code = instance.by_code
    given = current.keys if isinstance(current, Result) else list(current)
    plan = normalise_pairs("现行方案中", given, by_code, errors)
    dropped = normalise_pairs("撤下", drop, by_code, errors)
    label = _pair_label(instance)
    for key in sorted(dropped - plan):
        errors.append(f"撤下的结对 {label(key)} 不在现行方案中")
    for key in sorted(dropped & instance.locked):
        errors.append(f"锁定的结对不能撤下：{label(key)}")
    for key in sorted(instance.locked - plan):
        errors.append(f"锁定的结对 {label(key)} 不在现行方案中")
    for key in sorted((plan - dropped) & instance.forbidden):
        errors.append(f"现行方案中的结对 {label(key)} 已被禁止，请将其撤下")
    load = Counter(code for key in plan for code in key)
    for code, count in sorted(load.items()):
        if count > by_code[code].capacity:
            town = by_code[code]
            errors.append(f"现行方案中 {town.label} 有 {count} 个结对，超过其结对名额 {town.capacity}")
    if errors:
        raise PairingInputError(errors)
    return sorted(plan), dropped


def _pair_label(instance: Instance) -> Callable[[PairKey], str]:
    by_code = instance.by_code

    def label(key: PairKey) -> str:
        return f"{by_code[key[0]].label}—{by_code[key[1]].label}"

    return label


def _cell(scores: Scores, key: PairKey) -> Cell:
    return scores.row[key[0]], scores.col[key[1]]


def _scaled(values: np.ndarray) -> np.ndarray:
    return np.rint(values * SCALE).astype(np.int64)


def scaled_score(score: float) -> int:
    """A score as the solver compares it (an integer: SCALE × score, rounded)."""
    return int(_scaled(np.asarray([score]))[0])


def _room(scores: Scores, taken: Sequence[Cell]) -> tuple[np.ndarray, np.ndarray]:
    """Partner places left per 珠三角 town and per 粤东西北 town once `taken` pairs are placed."""
    pearl_room = np.array([t.capacity for t in scores.pearl], dtype=np.int64)
    ewn_room = np.array([t.capacity for t in scores.ewn], dtype=np.int64)
    for i, j in taken:
        pearl_room[i] -= 1
        ewn_room[j] -= 1
    return pearl_room, ewn_room


def _candidates(instance: Instance, banned: frozenset[PairKey]) -> tuple[np.ndarray, np.ndarray]:
    """The pairs the solver may propose: scoring at least `min_score`, neither forbidden, locked nor
    banned, and — with `top_k` — among the `top_k` best of either of its two towns."""
    scores = instance.scores
    total = scores.total
    allowed = total >= instance.min_score
    for key in instance.forbidden | instance.locked | banned:
        allowed[_cell(scores, key)] = False
    k = instance.top_k
    # A town with no more partners than k keeps them all, and so does every pair it is in.
    if k is not None and k < min(total.shape):
        masked = np.where(allowed, total, -np.inf)
        best = np.zeros_like(allowed)
        best[np.arange(total.shape[0])[:, None], np.argpartition(-masked, k - 1, axis=1)[:, :k]] = True
        best[np.argpartition(-masked, k - 1, axis=0)[:k, :], np.arange(total.shape[1])[None, :]] = True
        allowed &= best
    rows, cols = np.nonzero(allowed)
    return rows.astype(np.int64), cols.astype(np.int64)


def _max_flow_min_cost(
    scores: Scores, rows: np.ndarray, cols: np.ndarray, pearl_room: np.ndarray, ewn_room: np.ndarray
) -> list[Cell]:
    # Nodes: 0 source, 1 sink, then 珠三角 towns, then 粤东西北 towns.
    n_pearl, n_ewn, n_pairs = len(scores.pearl), len(scores.ewn), len(rows)
    if not n_pairs:
        return []
    pearl_nodes = 2 + np.arange(n_pearl, dtype=np.int32)
    ewn_nodes = 2 + n_pearl + np.arange(n_ewn, dtype=np.int32)
    tails = np.concatenate([pearl_nodes[rows], np.zeros(n_pearl, dtype=np.int32), ewn_nodes])
    heads = np.concatenate([ewn_nodes[cols], pearl_nodes, np.ones(n_ewn, dtype=np.int32)])
    caps = np.concatenate(
        [np.ones(n_pairs, dtype=np.int64), np.maximum(pearl_room, 0), np.maximum(ewn_room, 0)]
    )
    costs = np.concatenate([-_scaled(scores.total[rows, cols]), np.zeros(n_pearl + n_ewn, dtype=np.int64)])

    supply = int(min(caps[n_pairs : n_pairs + n_pearl].sum(), caps[n_pairs + n_pearl :].sum()))
    used = max_flow_min_cost(
        tails, heads, caps, costs, supply=supply, pair_arcs=n_pairs, error=PairingSolverError
    )
    return [(int(rows[k]), int(cols[k])) for k in used.tolist()]


def _result(
    instance: Instance,
    plan: list[Cell],
    *,
    candidates: tuple[np.ndarray, np.ndarray],
    banned: frozenset[PairKey],
    started: float,
) -> Result:
    scores = instance.scores
    names = instance.industry_names
    pairs = sorted(
        (
            scores.pair(
                i, j, locked=(scores.pearl[i].code, scores.ewn[j].code) in instance.locked, names=names
            )
            for i, j in plan
        ),
        key=lambda p: p.key,
    )
    gaps = _Gaps(instance, plan, candidates, banned)
    return Result(
        pairs=pairs,
        unpaired=gaps.unpaired(),
        total_score=round(sum(p.score for p in pairs), 6),
        candidates=len(candidates[0]),
        seconds=time.perf_counter() - started,
    )


@dataclass
class _Side:
    """One side's towns as the gap explanations read them."""

    towns: tuple[TownProfile, ...]
    partners: list[list[int]]  # plan partners on the other side, per town
    candidates: list[np.ndarray]  # candidate partners, per town


class _Gaps:
    """Why a town has fewer partners than its capacity, traced through the rules in order: no
    places; no partner scoring enough (or all forbidden); every candidate out of places."""

    def __init__(
        self,
        instance: Instance,
        plan: list[Cell],
        candidates: tuple[np.ndarray, np.ndarray],
        banned: frozenset[PairKey],
    ) -> None:
        self.instance = instance
        self.scores = instance.scores
        self.excluded = instance.forbidden | banned
        rows, cols = candidates
        pearl_partners: list[list[int]] = [[] for _ in self.scores.pearl]
        ewn_partners: list[list[int]] = [[] for _ in self.scores.ewn]
        for i, j in plan:
            pearl_partners[i].append(j)
            ewn_partners[j].append(i)
        self.pearl = _Side(self.scores.pearl, pearl_partners, _group(rows, cols, len(self.scores.pearl)))
        self.ewn = _Side(self.scores.ewn, ewn_partners, _group(cols, rows, len(self.scores.ewn)))

    def unpaired(self) -> list[Unpaired]:
        out = []
        for side, other, is_pearl in ((self.pearl, self.ewn, True), (self.ewn, self.pearl, False)):
            for index, town in enumerate(side.towns):
                got = len(side.partners[index])
                if got < town.capacity or town.capacity == 0:
                    reason = self._reason(side, other, index, is_pearl=is_pearl)
                    out.append(Unpaired(town.code, town.capacity - got, reason))
        return sorted(out, key=lambda u: u.code)

    def _score(self, index: int, partner: int, *, is_pearl: bool) -> float:
        total = self.scores.total
        return float(total[index, partner] if is_pearl else total[partner, index])

    def _reason(self, side: _Side, other: _Side, index: int, *, is_pearl: bool) -> str:
        town = side.towns[index]
        if town.capacity == 0:
            return "结对名额为 0，不参与结对"
        other_label = SIDE_LABELS[EWN if is_pearl else "pearl"]
        mine = set(side.partners[index])
        open_candidates = [int(p) for p in side.candidates[index] if int(p) not in mine]
        if not open_candidates:
            return self._nobody(town, other, index, mine, is_pearl=is_pearl, other_label=other_label)
        ranked = sorted(open_candidates, key=lambda p: (-self._score(index, p, is_pearl=is_pearl), p))
        room = [p for p in ranked if len(other.partners[p]) < other.towns[p].capacity]
        if room:
            best = other.towns[room[0]]
            return (
                f"有 {len(room)} 个候选{other_label}镇仍有结对名额（如 {best.label}，"
                f"得分 {self._score(index, room[0], is_pearl=is_pearl):.2f}），重新求解即可结对"
            )
        best_index = ranked[0]
        best = other.towns[best_index]
        where = f"得分最高的候选 {best.label}（{self._score(index, best_index, is_pearl=is_pearl):.2f}）"
        if best.capacity == 0:
            where += "的结对名额为 0"
        else:
            partner_index = max(
                other.partners[best_index], key=lambda p: self._score(p, best_index, is_pearl=is_pearl)
            )
            partner = side.towns[partner_index]
            locked_key = (partner.code, best.code) if is_pearl else (best.code, partner.code)
            how = "已锁定与" if locked_key in self.instance.locked else "已与"
            held = self._score(partner_index, best_index, is_pearl=is_pearl)
            where += f"{how} {partner.label} 结对（{held:.2f}）"
        every = "都" if len(ranked) > 1 else ""
        return f"{len(ranked)} 个候选{other_label}镇的结对名额{every}已用满：{where}"

    def _nobody(
        self, town: TownProfile, other: _Side, index: int, mine: set[int], *, is_pearl: bool, other_label: str
    ) -> str:
        excluded = 0
        best: tuple[float, int] | None = None
        for p, partner in enumerate(other.towns):
            key = (town.code, partner.code) if is_pearl else (partner.code, town.code)
            if key in self.excluded:
                excluded += 1
            elif p not in mine:
                score = self._score(index, p, is_pearl=is_pearl)
                if best is None or score > best[0]:
                    best = (score, p)
        text = f"没有得分达到 {self.instance.min_score:.2f} 的{other_label}镇可与之结对"
        if best is not None:
            text += f"（得分最高的是{other.towns[best[1]].label}，{best[0]:.2f}）"
        if excluded:
            text += f"；另有 {excluded} 个{other_label}镇被禁止或已撤下与之结对"
        return text


def _group(keys: np.ndarray, values: np.ndarray, size: int) -> list[np.ndarray]:
    """values grouped by key: the candidate partners of each town."""
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(size + 1))
    sorted_values = values[order]
    return [sorted_values[bounds[k] : bounds[k + 1]] for k in range(size)]
