"""Optimal reviewer assignment: every application gets its k reviewers where the pool allows,
no expert above their load, no conflict of interest, never a reviewer of the applicant's own
organisation, and only pairs with an affinity. Among the plans filling the most review slots the
solver picks the one with the highest total affinity — exactly, as a min-cost max-flow.

    instance = instance_from_dict(json.load(fh))
    result = solve(instance)                     # the optimum, with a reason for each gap
    again = replace(instance, result.assignments, declined=[Assignment("A7", "E3")])

`replace` refills the gaps a declining expert leaves without moving anyone else.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

from baiqianwan.matching.engine.flow import max_flow_min_cost

from .model import SCALE, Application, Assignment, Instance, Result, ReviewInputError, Unfilled

__all__ = ["ReviewSolverError", "greedy", "replace", "solve", "unfilled_reason"]


class ReviewSolverError(RuntimeError):
    """The flow solver did not return an optimum (should not happen on a validated instance)."""


def solve(instance: Instance) -> Result:
    """The plan that fills the most review slots and, among those, has the highest total affinity."""
    started = time.perf_counter()
    need = {a.id: a.reviewers_needed for a in instance.applications}
    capacity = {r.id: r.capacity for r in instance.reviewers}
    chosen = _max_flow_min_cost(instance, need, capacity, banned=frozenset())
    return _result(instance, chosen, kept=[], declined=frozenset(), started=started)


def replace(instance: Instance, current: Iterable[Assignment], declined: Iterable[Assignment]) -> Result:
    """Refill the review slots that `declined` (experts who said no) leave open.

    Every other assignment of `current` is kept as it is; a declining expert is never proposed
    again for that application. `result.assignments` holds only the new pairs.
    """
    started = time.perf_counter()
    current, declined = list(current), set(declined)
    _check_plan(instance, current, declined)
    kept = [a for a in current if a not in declined]
    need = {a.id: a.reviewers_needed for a in instance.applications}
    capacity = {r.id: r.capacity for r in instance.reviewers}
    for pair in kept:
        need[pair.application] -= 1
        capacity[pair.reviewer] -= 1
    banned = frozenset((a.application, a.reviewer) for a in (*kept, *declined))
    chosen = _max_flow_min_cost(
        instance, {k: max(v, 0) for k, v in need.items()}, {k: max(v, 0) for k, v in capacity.items()}, banned
    )
    declined_pairs = frozenset((a.application, a.reviewer) for a in declined)
    return _result(instance, chosen, kept=kept, declined=declined_pairs, started=started)


def greedy(instance: Instance) -> Result:
    """The obvious plan, for comparison: take pairs by affinity, highest first, while both have room."""
    started = time.perf_counter()
    need = {a.id: a.reviewers_needed for a in instance.applications}
    capacity = {r.id: r.capacity for r in instance.reviewers}
    applications = {a.id: a for a in instance.applications}
    reviewers = {r.id: r for r in instance.reviewers}
    chosen = []
    for (app_id, reviewer_id), _score in sorted(instance.affinity.items(), key=lambda item: -item[1]):
        if (
            need[app_id]
            and capacity[reviewer_id]
            and instance.pair_allowed(applications[app_id], reviewers[reviewer_id])
        ):
            chosen.append(Assignment(app_id, reviewer_id))
            need[app_id] -= 1
            capacity[reviewer_id] -= 1
    result = _result(instance, chosen, kept=[], declined=frozenset(), started=started)
    result.method = "greedy"
    return result


def _check_plan(instance: Instance, current: list[Assignment], declined: set[Assignment]) -> None:
    applications = {a.id for a in instance.applications}
    reviewers = {r.id for r in instance.reviewers}
    errors = []
    for index, pair in enumerate(current):
        if pair.application not in applications:
            errors.append(f"现行分配第 {index + 1} 项：申报编号 {pair.application!r} 不在 applications 中")
        if pair.reviewer not in reviewers:
            errors.append(f"现行分配第 {index + 1} 项：专家编号 {pair.reviewer!r} 不在 reviewers 中")
    for pair in declined - set(current):
        errors.append(f"谢绝的 {pair.application!r}—{pair.reviewer!r} 不在现行分配中")
    if len(set(current)) < len(current):
        errors.append("现行分配中有重复的申报—专家对")
    if errors:
        raise ReviewInputError(errors[0], errors)


def _max_flow_min_cost(
    instance: Instance, need: dict[Any, int], capacity: dict[Any, int], banned: frozenset[tuple[Any, Any]]
) -> list[Assignment]:
    # Nodes: 0 source, 1 sink, then applications, then reviewers.
    app_ids = [a.id for a in instance.applications]
    reviewer_ids = [r.id for r in instance.reviewers]
    app_node = {app_id: 2 + i for i, app_id in enumerate(app_ids)}
    reviewer_node = {rid: 2 + len(app_ids) + i for i, rid in enumerate(reviewer_ids)}
    applications = {a.id: a for a in instance.applications}
    reviewer_org = {r.id: r.org for r in instance.reviewers}

    tails: list[int] = []
    heads: list[int] = []
    costs: list[int] = []
    pairs: list[tuple[Any, Any]] = []
    for (app_id, reviewer_id), score in instance.affinity.items():
        if (app_id, reviewer_id) in instance.conflicts or (app_id, reviewer_id) in banned:
            continue
        org = applications[app_id].org
        if org is not None and org == reviewer_org[reviewer_id]:
            continue
        if not need[app_id] or not capacity[reviewer_id]:
            continue
        tails.append(app_node[app_id])
        heads.append(reviewer_node[reviewer_id])
        costs.append(-round(score * SCALE))
        pairs.append((app_id, reviewer_id))
    if not pairs:
        return []
    n_pairs = len(pairs)
    tails += [0] * len(app_ids) + [reviewer_node[r] for r in reviewer_ids]
    heads += [app_node[a] for a in app_ids] + [1] * len(reviewer_ids)
    caps = [1] * n_pairs + [need[a] for a in app_ids] + [capacity[r] for r in reviewer_ids]
    costs += [0] * (len(app_ids) + len(reviewer_ids))

    used = max_flow_min_cost(
        np.asarray(tails),
        np.asarray(heads),
        np.asarray(caps),
        np.asarray(costs),
        supply=sum(need.values()),
        pair_arcs=n_pairs,
        error=ReviewSolverError,
    )
    return sorted(Assignment(*pairs[i]) for i in used.tolist())


def _result(
    instance: Instance,
    chosen: list[Assignment],
    *,
    kept: list[Assignment],
    declined: frozenset[tuple[Any, Any]],
    started: float,
) -> Result:
    got = Counter(a.application for a in (*kept, *chosen))
    context = _PoolCounts(instance, declined)
    unfilled = [
        Unfilled(a.id, a.reviewers_needed - got[a.id], unfilled_reason(a, got[a.id], context.of(a)))
        for a in instance.applications
        if got[a.id] < a.reviewers_needed
    ]
    affinity = sum(instance.affinity[(a.application, a.reviewer)] for a in (*kept, *chosen))
    return Result(
        assignments=chosen,
        unfilled=unfilled,
        affinity=round(affinity, 6),
        seconds=time.perf_counter() - started,
        kept=kept,
    )


class _PoolCounts:
    """For an application: how many of the pool share its organisation, have a conflict, lack an
    affinity, or may review it — each reviewer counted once, in that order."""

    def __init__(self, instance: Instance, declined: frozenset[tuple[Any, Any]]) -> None:
        self.size = len(instance.reviewers)
        self.org_size = Counter(r.org for r in instance.reviewers if r.org is not None)
        reviewer_org = {r.id: r.org for r in instance.reviewers}
        app_org = {a.id: a.org for a in instance.applications}
        self.conflicted: Counter[Any] = Counter()
        for app_id, reviewer_id in instance.conflicts | declined:
            org = app_org[app_id]
            if org is None or reviewer_org[reviewer_id] != org:
                self.conflicted[app_id] += 1
        self.allowed: Counter[Any] = Counter()
        for app_id, reviewer_id in instance.affinity:
            org = app_org[app_id]
            if (app_id, reviewer_id) in instance.conflicts or (app_id, reviewer_id) in declined:
                continue
            if org is None or reviewer_org[reviewer_id] != org:
                self.allowed[app_id] += 1

    def of(self, application: Application) -> tuple[int, int, int, int]:
        same_org = self.org_size[application.org] if application.org is not None else 0
        conflicted = self.conflicted[application.id]
        allowed = self.allowed[application.id]
        return same_org, conflicted, self.size - same_org - conflicted - allowed, allowed


def unfilled_reason(application: Application, got: int, counts: tuple[int, int, int, int]) -> str:
    """Why an application is short of reviewers, and what to relax (every clause is a count)."""
    same_org, conflicted, unrelated, allowed = counts
    k = application.reviewers_needed
    if allowed < k:
        return (
            f"专家库 {same_org + conflicted + unrelated + allowed} 位专家中只有 {allowed} 位可评审本申报，"
            f"少于所需的 {k} 位（{same_org} 位与申报单位同单位、{conflicted} 位需回避、"
            f"{unrelated} 位与本申报无相关度）：扩大专家库，或放宽评审领域"
        )
    return (
        f"可评审本申报的 {allowed} 位专家中，未分到本申报的 {allowed - got} 位评审名额都已用满："
        "提高这些专家的评审上限，或增加该领域的专家"
    )
