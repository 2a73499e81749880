"""The dispatch solver against brute force: every feasible assignment of tiny random instances."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baiqianwan.matching.engine.assign import (
    MAX_FILLED_THEN_SCORE,
    MAX_SCORE,
    OBJECTIVES,
    SCALE,
    Commissioner,
    Instance,
    Slot,
    check_plan,
    greedy,
    resolve_gaps,
    solve,
)

FIELDS = ("农业", "工业", "金融")
TOWNS = ("甲镇", "乙镇", "丙镇")
Plan = dict[str, str]  # slot id -> commissioner id

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw: st.DrawFn, with_priority: bool = False) -> Instance:
    n_towns = draw(st.integers(1, 3))
    towns = TOWNS[:n_towns]
    fields = st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2, unique=True).map(tuple)
    slots = [
        Slot(id=f"s{i}", town=draw(st.sampled_from(towns)), fields=draw(fields), leader=draw(st.booleans()))
        for i in range(draw(st.integers(1, 5)))
    ]
    coms = [
        Commissioner(
            id=f"c{i}",
            fields=draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True).map(tuple)),
            can_lead=draw(st.booleans()),
            capacity=draw(st.integers(0, 3)),
        )
        for i in range(draw(st.integers(1, 4)))
    ]
    # Quarter steps are exact in binary and in the ×1000 scaling, so sums compare exactly.
    score = st.integers(-8, 20).map(lambda k: k / 4)
    scores = {}
    forbidden = []
    towns = tuple(dict.fromkeys(s.town for s in slots))  # pairs may name only towns with slots
    for town in towns:
        for c in coms:
            if draw(st.integers(0, 9)) < 8:
                scores[(town, c.id)] = draw(score)
            if draw(st.integers(0, 9)) == 0:
                forbidden.append((town, c.id))
    priority = {t: draw(st.integers(0, 2)) for t in towns} if with_priority else {}
    return Instance(
        slots=slots,
        commissioners=coms,
        scores=scores,
        objective=draw(st.sampled_from(OBJECTIVES)),
        forbidden=forbidden,
        priority=priority,
    )


def usable(inst: Instance, slot: Slot, com: Commissioner) -> bool:
    pair = (slot.town, com.id)
    return (
        bool(set(slot.fields) & set(com.fields))
        and (com.can_lead or not slot.leader)
        and pair in inst.scores
        and pair not in set(inst.forbidden)
    )


def feasible_plans(inst: Instance, fixed: Plan | None = None) -> Iterator[Plan]:
    """Every assignment that obeys the rules (and contains `fixed`), by exhaustive search."""
    fixed = fixed or {}
    options: list[list[str | None]] = []
    for slot in inst.slots:
        if slot.id in fixed:
            options.append([fixed[slot.id]])
        else:
            options.append([None, *[c.id for c in inst.commissioners if usable(inst, slot, c)]])
    capacity = {c.id: c.capacity for c in inst.commissioners}
    for choice in itertools.product(*options):
        load: dict[str, int] = {}
        towns: set[tuple[str, str]] = set()
        ok = True
        for slot, cid in zip(inst.slots, choice, strict=True):
            if cid is None:
                continue
            load[cid] = load.get(cid, 0) + 1
            if load[cid] > capacity[cid] or (cid, slot.town) in towns:
                ok = False
                break
            towns.add((cid, slot.town))
        if ok:
            yield {s.id: c for s, c in zip(inst.slots, choice, strict=True) if c is not None}


def key(inst: Instance, plan: Plan) -> tuple[int, ...]:
    """The lexicographic objective: filled slots per priority tier (highest first), then the
    total filled (max_filled_then_score only), then the score in ×1000 integers."""
    town = {s.id: s.town for s in inst.slots}
    tiers = sorted({p for p in inst.priority.values() if p > 0}, reverse=True)
    per_tier = [sum(1 for s in plan if inst.priority.get(town[s], 0) == p) for p in tiers]
    filled = [len(plan)] if inst.objective == MAX_FILLED_THEN_SCORE else []
    score = sum(round(inst.scores[(town[s], c)] * SCALE) for s, c in plan.items())
    return (*per_tier, *filled, score)


def as_plan(assignments: object) -> Plan:
    return {a.slot: a.commissioner for a in assignments}  # type: ignore[attr-defined]


def best_key(inst: Instance, fixed: Plan | None = None) -> tuple[int, ...]:
    return max(key(inst, p) for p in feasible_plans(inst, fixed))


def random_pins(inst: Instance, rnd: object, share: float) -> tuple[Plan, Instance]:
    """Pins taken at random from a random feasible plan, and the instance with them."""
    plans = list(feasible_plans(inst))
    chosen = plans[rnd.randrange(len(plans))]  # type: ignore[attr-defined]
    pins = {s: c for s, c in chosen.items() if rnd.random() < share}  # type: ignore[attr-defined]
    return pins, Instance(**{**inst.__dict__, "pinned": list(pins.items())})


def most_leaders(inst: Instance, plan: Plan, fixed: Plan) -> int:
    """The most leader slots the plan's people could fill by changing slots within their towns
    (pinned people stay): exhaustive, over every way to seat each town's people again."""
    coms = {c.id: c for c in inst.commissioners}
    best = 0
    for town in {s.town for s in inst.slots}:
        slots = [s for s in inst.slots if s.town == town and s.id not in fixed]
        people = [c for s, c in plan.items() if s not in fixed and any(t.id == s for t in slots)]
        town_best = 0
        for seats in itertools.permutations(slots, len(people)):
            if all(usable(inst, seat, coms[c]) for seat, c in zip(seats, people, strict=True)):
                town_best = max(town_best, sum(seat.leader for seat in seats))
        pinned_leaders = sum(1 for s in inst.slots if s.town == town and s.id in fixed and s.leader)
        best += town_best + pinned_leaders
    return best


def assert_leader_first(inst: Instance, plan: Plan, fixed: Plan) -> None:
    """A team is staffed leader first: no leader slot is empty while a person in an ordinary slot
    of the same town (not pinned there) could take it, and no reseating fills more leader slots."""
    coms = {c.id: c for c in inst.commissioners}
    for lead in inst.slots:
        if not lead.leader or lead.id in plan:
            continue
        for s in inst.slots:
            if s.town == lead.town and not s.leader and s.id in plan and s.id not in fixed:
                com = coms[plan[s.id]]
                assert not (com.can_lead and set(com.fields) & set(lead.fields)), (lead.id, s.id)
    filled_leaders = sum(1 for s in inst.slots if s.leader and s.id in plan)
    assert filled_leaders == most_leaders(inst, plan, fixed)


@SETTINGS
@given(instances())
def test_optimum_matches_brute_force(inst: Instance) -> None:
    result = solve(inst)
    plan = as_plan(result.assignments)
    assert check_plan(inst, result.assignments) == []
    assert key(inst, plan) == best_key(inst)
    assert result.filled == len(plan)
    assert (
        abs(result.score - sum(inst.scores[(s.town, plan[s.id])] for s in inst.slots if s.id in plan)) < 1e-9
    )


@SETTINGS
@given(instances(with_priority=True))
def test_priority_tiers_are_lexicographic(inst: Instance) -> None:
    result = solve(inst)
    assert check_plan(inst, result.assignments) == []
    assert key(inst, as_plan(result.assignments)) == best_key(inst)


@SETTINGS
@given(instances(with_priority=True), st.randoms(use_true_random=False))
def test_pins_are_kept_and_the_rest_is_optimal(inst: Instance, rnd: object) -> None:
    pins, pinned = random_pins(inst, rnd, 0.5)
    plan = as_plan(solve(pinned).assignments)
    assert all(plan[s] == c for s, c in pins.items())
    assert key(inst, plan) == best_key(inst, pins)


@SETTINGS
@given(instances(with_priority=True), st.randoms(use_true_random=False))
def test_gap_resolve_keeps_everyone_else(inst: Instance, rnd: object) -> None:
    first = solve(inst)
    gone = {c.id for c in inst.commissioners if rnd.random() < 0.4}  # type: ignore[attr-defined]
    again = resolve_gaps(inst, first, gone)
    before, after = as_plan(first.assignments), as_plan(again.assignments)
    stay = {s: c for s, c in before.items() if c not in gone}
    assert all(after[s] == c for s, c in stay.items())
    assert not gone & set(after.values())
    assert again.kept == len(stay)
    assert again.added == len(after) - len(stay)
    assert {d["commissioner"] for d in again.dropped or []} <= gone
    reduced = Instance(
        **{
            **inst.__dict__,
            "commissioners": [c for c in inst.commissioners if c.id not in gone],
            "scores": {k: v for k, v in inst.scores.items() if k[1] not in gone},
            "forbidden": [p for p in inst.forbidden if p[1] not in gone],
        }
    )
    assert key(reduced, after) == best_key(reduced, stay)


@SETTINGS
@given(instances(with_priority=True))
def test_greedy_is_feasible_and_never_beats_the_optimum(inst: Instance) -> None:
    base = greedy(inst)
    assert check_plan(inst, base.assignments) == []
    assert key(inst, as_plan(base.assignments)) <= key(inst, as_plan(solve(inst).assignments))


@SETTINGS
@given(instances(with_priority=True))
def test_every_empty_slot_has_one_explanation(inst: Instance) -> None:
    result = solve(inst)
    filled = {a.slot for a in result.assignments}
    explained = [e["slot"] for e in result.explanations]
    assert sorted(explained) == sorted(s.id for s in inst.slots if s.id not in filled)
    # An optimum never leaves a slot that a free, eligible person could fill at a gain.
    assert all(e["reason"] != "improvable" for e in result.explanations)
    for e in result.explanations:
        assert e["message"]
        assert e["suggestion"]
        if e["reason"] == "not_profitable":
            assert inst.objective == MAX_SCORE


@SETTINGS
@given(instances(with_priority=True), st.randoms(use_true_random=False))
def test_teams_are_staffed_leader_first(inst: Instance, rnd: object) -> None:
    pins, pinned = random_pins(inst, rnd, 0.3)
    for result in (solve(inst), greedy(inst)):
        assert_leader_first(inst, as_plan(result.assignments), {})
    # Still the optimum (the rule only moves people within a town), pins kept.
    result = solve(pinned)
    plan = as_plan(result.assignments)
    assert key(inst, plan) == best_key(inst, pins)
    assert_leader_first(inst, plan, pins)
    # After withdrawals the kept people stay put; the newcomers are seated leader first.
    first = as_plan(solve(inst).assignments)
    gone = {c.id for c in inst.commissioners if rnd.random() < 0.4}  # type: ignore[attr-defined]
    again = as_plan(resolve_gaps(inst, first, gone).assignments)
    assert_leader_first(inst, again, {s: c for s, c in first.items() if c not in gone})
    # An empty leader slot is its town's first gap.
    explained = solve(inst).explanations
    for i, e in enumerate(explained):
        if not e["leader"]:
            later = [f for f in explained[i + 1 :] if f["town"] == e["town"]]
            assert not any(f["leader"] for f in later)
