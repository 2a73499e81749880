"""Min-cost max-flow over arc arrays (OR-Tools), as the engines that assign pairs call it
(reviewers to applications, 珠三角 towns to 粤东西北 towns): node 0 is the source, node 1 the
sink, and the answer is which of the pair arcs carry flow."""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow


class FlowSolverError(RuntimeError):
    """The flow solver did not return an optimum (should not happen on a validated instance)."""


def max_flow_min_cost(
    tails: np.ndarray,
    heads: np.ndarray,
    capacities: np.ndarray,
    costs: np.ndarray,
    *,
    supply: int,
    pair_arcs: int,
    error: type[Exception] = FlowSolverError,
) -> np.ndarray:
    """The most flow, up to `supply`, from node 0 to node 1, and among such flows the cheapest;
    returns the indices, among the first `pair_arcs` arcs, of those that carry flow."""
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.asarray(tails, dtype=np.int32),
        np.asarray(heads, dtype=np.int32),
        np.asarray(capacities, dtype=np.int64),
        np.asarray(costs, dtype=np.int64),
    )
    flow.set_node_supply(0, supply)
    flow.set_node_supply(1, -supply)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise error(f"最小费用流求解器未得到最优解（状态 {status.name}）")
    return np.flatnonzero(np.asarray(flow.flows(np.arange(pair_arcs, dtype=np.int32))) > 0)
