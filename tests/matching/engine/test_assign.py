"""Dispatch solver: each rule, the edge cases, explanations, re-solve, baseline, JSON and the CLI."""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from baiqianwan.matching.engine.assign import (
    MAX_FILLED_THEN_SCORE,
    MAX_SCORE,
    Assignment,
    Cancelled,
    Commissioner,
    DispatchInputError,
    Instance,
    Slot,
    check_plan,
    compare,
    greedy,
    instance_from_dict,
    instance_from_json,
    instance_to_dict,
    plan_from_obj,
    prepare,
    resolve_gaps,
    solve,
)
from baiqianwan.matching.engine.assign_explain import explain_plan
from baiqianwan.matching.engine.dispatch_cli import main


def make(
    slots: list[tuple[str, str, list[str], bool]],
    coms: list[tuple[str, list[str], bool, int]],
    scores: dict[tuple[str, str], float],
    objective: str = MAX_FILLED_THEN_SCORE,
    **extra: Any,
) -> Instance:
    return Instance(
        slots=[Slot(i, t, tuple(f), lead) for i, t, f, lead in slots],
        commissioners=[Commissioner(i, tuple(f), lead, cap) for i, f, lead, cap in coms],
        scores=scores,
        objective=objective,
        **extra,
    )


def plan(result: Any) -> dict[str, str]:
    return {a.slot: a.commissioner for a in result.assignments}


def reasons(result: Any) -> dict[str, str]:
    return {e["slot"]: e["reason"] for e in result.explanations}


# --------------------------------------------------------------------------- rules


def test_no_candidates_leaves_the_slot_empty_and_says_so() -> None:
    inst = make([("s1", "甲镇", ["农业"], False)], [("c1", ["农业"], False, 1)], {})
    result = solve(inst)
    assert result.filled == 0
    assert result.score == 0
    [e] = result.explanations
    assert e["reason"] == "no_candidates"
    assert "甲镇" in e["message"]
    assert "候选" in e["suggestion"]


def test_all_forbidden() -> None:
    inst = make(
        [("s1", "甲镇", ["农业"], False)],
        [("c1", ["农业"], False, 1), ("c2", ["农业"], False, 1)],
        {("甲镇", "c1"): 5, ("甲镇", "c2"): 4},
        forbidden=[("甲镇", "c1"), ("甲镇", "c2")],
    )
    result = solve(inst)
    assert result.filled == 0
    [e] = result.explanations
    assert (e["reason"], e["count"]) == ("all_forbidden", 2)
    assert "回避" in e["message"]
    assert "解除" in e["suggestion"]


def test_forbidden_pair_is_never_used_even_with_the_best_score() -> None:
    inst = make(
        [("s1", "甲镇", ["农业"], False)],
        [("c1", ["农业"], False, 1), ("c2", ["农业"], False, 1)],
        {("甲镇", "c1"): 9, ("甲镇", "c2"): 1},
        forbidden=[("甲镇", "c1")],
    )
    assert plan(solve(inst)) == {"s1": "c2"}


def test_capacity_zero() -> None:
    inst = make([("s1", "甲镇", ["农业"], False)], [("c1", ["农业"], False, 0)], {("甲镇", "c1"): 1})
    result = solve(inst)
    assert result.filled == 0
    assert reasons(result) == {"s1": "capacity_zero"}


def test_more_slots_than_people_capacity_is_named_with_a_count() -> None:
    towns = ["甲镇", "乙镇", "丙镇", "丁镇"]
    inst = make(
        [(f"s{i}", t, ["农业"], False) for i, t in enumerate(towns)],
        [("c1", ["农业"], False, 1), ("c2", ["农业"], False, 1)],
        {(t, c): 1.0 + i for i, t in enumerate(towns) for c in ("c1", "c2")},
    )
    result = solve(inst)
    assert result.filled == 2
    assert set(plan(result)) == {"s2", "s3"}  # the two best-scored towns
    for e in result.explanations:
        assert (e["reason"], e["count"]) == ("capacity", 2)
        assert "2 名合格候选人" in e["message"]
        assert "增加 1 个名额" in e["suggestion"]


def test_capacity_limits_the_number_of_slots() -> None:
    towns = ["甲镇", "乙镇", "丙镇"]
    inst = make(
        [(f"s{i}", t, ["农业"], False) for i, t in enumerate(towns)],
        [("c1", ["农业"], False, 2)],
        {(t, "c1"): 1 for t in towns},
    )
    assert solve(inst).filled == 2


def test_leader_slot_needs_someone_who_can_lead() -> None:
    inst = make(
        [("lead", "甲镇", ["农业"], True), ("member", "甲镇", ["农业"], False)],
        [("boss", ["农业"], True, 1), ("staff", ["农业"], False, 1)],
        {("甲镇", "boss"): 1, ("甲镇", "staff"): 5},
    )
    assert plan(solve(inst)) == {"lead": "boss", "member": "staff"}

    no_leader = make(
        [("lead", "甲镇", ["茶叶加工"], True)],
        [("staff", ["茶叶加工"], False, 1)],
        {("甲镇", "staff"): 5},
    )
    result = solve(no_leader)
    [e] = result.explanations
    assert e["reason"] == "no_leader"
    assert "团队长" in e["message"]
    assert e["candidates"] == ["staff"]


@pytest.mark.parametrize("objective", [MAX_SCORE, MAX_FILLED_THEN_SCORE])
def test_a_team_is_staffed_leader_first(objective: str) -> None:
    # Fewer people than slots: the one who can lead used to land in an ordinary slot.
    team = [
        ("t-0", "甲镇", ["农业"], True),
        ("t-1", "甲镇", ["农业"], False),
        ("t-2", "甲镇", ["农业"], False),
    ]
    inst = make(
        team,
        [("boss", ["农业"], True, 1), ("staff", ["农业"], False, 1)],
        {("甲镇", "boss"): 0.5, ("甲镇", "staff"): 0.5},
        objective=objective,
    )
    for result in (solve(inst), greedy(inst)):
        got = plan(result)
        assert got["t-0"] == "boss"
        assert "staff" in got.values()
        [e] = result.explanations
        assert e["slot"] != "t-0"
    alone = make(team, [("boss", ["农业"], True, 1)], {("甲镇", "boss"): 0.5}, objective=objective)
    assert plan(solve(alone)) == {"t-0": "boss"}


def test_leader_first_takes_the_person_who_fits_the_leader_slot() -> None:
    # Two leader slots with different fields: each goes to the member who fits it.
    inst = make(
        [
            ("l-tea", "甲镇", ["茶叶"], True),
            ("l-fish", "甲镇", ["水产"], True),
            ("m-1", "甲镇", ["茶叶", "水产"], False),
            ("m-2", "甲镇", ["茶叶", "水产"], False),
        ],
        [("both", ["茶叶", "水产"], True, 1), ("tea", ["茶叶"], True, 1)],
        {("甲镇", "both"): 1, ("甲镇", "tea"): 1},
        objective=MAX_SCORE,
    )
    got = plan(solve(inst))
    assert got == {"l-tea": "tea", "l-fish": "both"}


def test_a_leader_changes_leader_slots_to_make_room_for_another() -> None:
    # "both" may lead either slot, "farm" only the farming one: if "both" were left in the farming
    # leader slot, the industry leader slot would stay empty although the team can fill both.
    inst = make(
        [
            ("l-farm", "甲镇", ["农业"], True),
            ("m-1", "甲镇", ["农业"], False),
            ("l-industry", "甲镇", ["工业"], True),
            ("m-2", "甲镇", ["农业"], False),
        ],
        [("farm", ["农业"], True, 1), ("both", ["农业", "工业"], True, 1)],
        {("甲镇", "farm"): 0.0, ("甲镇", "both"): 0.0},
    )
    for result in (solve(inst), greedy(inst)):
        assert plan(result) == {"l-farm": "farm", "l-industry": "both"}


def test_pinned_and_kept_people_stay_in_their_slots() -> None:
    inst = make(
        [("t-0", "甲镇", ["农业"], True), ("t-1", "甲镇", ["农业"], False)],
        [("boss", ["农业"], True, 1)],
        {("甲镇", "boss"): 1},
        pinned=[("t-1", "boss")],
    )
    result = solve(inst)
    assert plan(result) == {"t-1": "boss"}
    [e] = result.explanations
    assert (e["slot"], e["reason"], e["constraint"]) == ("t-0", "leader_in_team", "团队长")
    assert "boss 能担任团队长" in e["message"]
    assert "需改为固定为团队长" in e["suggestion"]
    # A gap re-solve keeps everyone where they are: a leader change is the team's own decision.
    free = Instance(**{**inst.__dict__, "pinned": []})
    again = resolve_gaps(free, [("t-1", "boss")])
    assert plan(again) == {"t-1": "boss"}


def test_an_unfillable_leader_slot_is_the_teams_first_gap() -> None:
    inst = make(
        [
            ("a-1", "甲镇", ["农业"], False),
            ("b-0", "乙镇", ["农业"], True),
            ("a-2", "甲镇", ["农业"], False),
            ("a-0", "甲镇", ["农业"], True),
        ],
        [("staff", ["农业"], False, 1)],
        {("甲镇", "staff"): 1, ("乙镇", "staff"): 1},
    )
    result = solve(inst)
    assert [e["slot"] for e in result.explanations][:2] == [
        "a-0",
        "a-1" if plan(result).get("a-2") else "a-2",
    ]
    assert result.explanations[0]["reason"] == "no_leader"
    assert [e["slot"] for e in result.explanations][-1] == "b-0"
    # A plan typed in by hand with the leader among the members is told how to fix it.
    hand, _ = explain_plan(
        make(
            [("t-0", "甲镇", ["农业"], True), ("t-1", "甲镇", ["农业"], False)],
            [("boss", ["农业"], True, 1)],
            {("甲镇", "boss"): 1},
            commissioner_names={"boss": "陈晓燕"},
        ),
        [("t-1", "boss")],
    )
    assert [(e["slot"], e["reason"]) for e in hand] == [("t-0", "leader_in_team")]
    assert hand[0]["message"] == "甲镇 的团队长岗位空缺，但本镇团队成员 陈晓燕 能担任团队长"
    assert hand[0]["suggestion"] == "请 陈晓燕 改任团队长"


def test_fields_must_intersect() -> None:
    inst = make(
        [("s1", "连江口镇", ["茶叶加工"], False)],
        [("c1", ["水产养殖"], False, 1), ("c2", ["茶叶加工", "电商"], False, 1)],
        {("连江口镇", "c1"): 9, ("连江口镇", "c2"): 1},
    )
    assert plan(solve(inst)) == {"s1": "c2"}


def test_missing_field_is_explained_in_plain_words() -> None:
    inst = make(
        [("s1", "lj", ["茶叶加工"], False)],
        [("c1", ["水产养殖"], False, 1), ("c2", ["茶叶加工"], False, 1)],
        {("lj", "c1"): 9},
        town_names={"lj": "连江口镇"},
    )
    [e] = solve(inst).explanations
    assert e["reason"] == "no_field"
    assert e["message"] == "连江口镇 需要『茶叶加工』方向的特派员，但候选人中没有该方向"
    # c2 has the field but is not on this town's list: say so.
    assert "1 人具备该方向" in e["suggestion"]


def test_one_slot_per_town_per_person() -> None:
    inst = make(
        [("s1", "甲镇", ["农业"], False), ("s2", "甲镇", ["农业"], False), ("s3", "乙镇", ["农业"], False)],
        [("c1", ["农业"], False, 3)],
        {("甲镇", "c1"): 5, ("乙镇", "c1"): 1},
    )
    result = solve(inst)
    assert result.filled == 2
    got = plan(result)
    assert got["s3"] == "c1"
    assert len({got.get("s1"), got.get("s2")} - {None}) == 1
    [e] = result.explanations
    assert e["reason"] == "same_town"


def test_max_score_skips_negative_pairs_max_filled_takes_them() -> None:
    inst = make(
        [("s1", "甲镇", ["农业"], False), ("s2", "乙镇", ["农业"], False)],
        [("c1", ["农业"], False, 2)],
        {("甲镇", "c1"): 2, ("乙镇", "c1"): -1},
        objective=MAX_SCORE,
    )
    result = solve(inst)
    assert plan(result) == {"s1": "c1"}
    assert result.score == 2
    assert reasons(result) == {"s2": "not_profitable"}
    filled = solve(Instance(**{**inst.__dict__, "objective": MAX_FILLED_THEN_SCORE}))
    assert filled.filled == 2
    assert filled.score == 1


def test_max_filled_then_score_fills_more_even_at_a_lower_score() -> None:
    # c1 is best in 甲镇 but is the only one who fits 乙镇; max_score would keep c1 in 甲镇.
    inst = make(
        [("a", "甲镇", ["农业"], False), ("b", "乙镇", ["工业"], False)],
        [("c1", ["农业", "工业"], False, 1), ("c2", ["农业"], False, 1)],
        {("甲镇", "c1"): 10, ("甲镇", "c2"): 1, ("乙镇", "c1"): 1},
        objective=MAX_SCORE,
    )
    assert solve(inst).filled == 1
    both = solve(Instance(**{**inst.__dict__, "objective": MAX_FILLED_THEN_SCORE}))
    assert plan(both) == {"a": "c2", "b": "c1"}


def test_region_priority_staffs_east_west_north_first() -> None:
    # Two people; the 珠三角 town scores higher, yet the 粤东西北 town gets a full team first.
    inst = make(
        [
            ("n1", "梅州某镇", ["农业"], True),
            ("n2", "梅州某镇", ["农业"], False),
            ("p1", "佛山某镇", ["农业"], True),
            ("p2", "佛山某镇", ["农业"], False),
        ],
        [("c1", ["农业"], True, 1), ("c2", ["农业"], True, 1)],
        {("梅州某镇", "c1"): 1, ("梅州某镇", "c2"): 1, ("佛山某镇", "c1"): 9, ("佛山某镇", "c2"): 9},
        objective=MAX_SCORE,
        priority={"梅州某镇": 1},
    )
    result = solve(inst)
    assert set(plan(result)) == {"n1", "n2"}
    assert result.staffing["1"]["towns_full"] == 1
    assert result.staffing["0"]["towns_empty"] == 1
    for e in result.explanations:
        assert e["reason"] == "capacity"
        assert "优先级更高" in e["message"]
    # Without the priority the score decides.
    assert set(plan(solve(Instance(**{**inst.__dict__, "priority": {}})))) == {"p1", "p2"}


def test_scores_are_scaled_to_three_decimals() -> None:
    inst = make(
        [("s1", "甲镇", ["农业"], False)],
        [("c1", ["农业"], False, 1), ("c2", ["农业"], False, 1)],
        {("甲镇", "c1"): 0.501, ("甲镇", "c2"): 0.502},
    )
    result = solve(inst)
    assert plan(result) == {"s1": "c2"}
    assert result.score == pytest.approx(0.502)


def test_scores_too_large_for_exact_integers_are_refused() -> None:
    inst = make(
        [("s1", "甲镇", ["农业"], False)],
        [("c1", ["农业"], False, 1)],
        {("甲镇", "c1"): 1e15},
        priority={"甲镇": 1},
    )
    with pytest.raises(DispatchInputError, match="评分数值过大"):
        solve(inst)


def test_output_is_sorted_and_deterministic() -> None:
    rng = random.Random(3)
    towns = [f"t{i}" for i in range(8)]
    inst = make(
        [(f"s{i:02d}", rng.choice(towns), ["农业"], i % 3 == 0) for i in range(20)],
        [(f"c{i}", ["农业"], i % 2 == 0, rng.randint(1, 3)) for i in range(10)],
        {(t, f"c{i}"): rng.randint(0, 4) / 2 for t in towns for i in range(10)},
    )
    a, b = solve(inst), solve(inst)
    assert a.assignments == b.assignments
    positions = [int(x.slot[1:]) for x in a.assignments]
    assert positions == sorted(positions)


# --------------------------------------------------------------------------- an independent exact check


def milp_optimum(inst: Instance) -> tuple[int, ...]:
    """The same lexicographic objective solved as successive integer programs (HiGHS)."""
    prep = prepare(inst)
    pairs = [
        (s, c)
        for s in range(len(prep.slots))
        for c in range(len(prep.coms))
        if prep.fits(s, c) and prep.allowed(prep.slots[s].town, c)
    ]
    groups: dict[tuple[str, Any], list[int]] = {}
    for k, (s, c) in enumerate(pairs):
        groups.setdefault(("slot", s), []).append(k)
        groups.setdefault(("com", c), []).append(k)
        groups.setdefault(("town", (c, prep.slots[s].town)), []).append(k)
    a = lil_matrix((len(groups), len(pairs)))
    upper = []
    for row, (kind, ident) in enumerate(groups):
        for k in groups[(kind, ident)]:
            a[row, k] = 1
        upper.append(prep.coms[ident].capacity if kind == "com" else 1)
    constraints = [LinearConstraint(a.tocsr(), -np.inf, np.array(upper, dtype=float))]
    tiers = sorted(set(prep.priority.values()), reverse=True)
    levels = [
        np.array([1.0 if prep.tier_of(prep.slots[s].town) == p else 0.0 for s, _ in pairs]) for p in tiers
    ]
    if inst.objective == MAX_FILLED_THEN_SCORE:
        levels.append(np.ones(len(pairs)))
    levels.append(np.array([float(round(prep.pair_score[(prep.slots[s].town, c)] * 1000)) for s, c in pairs]))
    out = []
    for weights in levels:
        res = milp(-weights, constraints=constraints, integrality=np.ones(len(pairs)), bounds=Bounds(0, 1))
        best = round(-res.fun)
        out.append(best)
        constraints.append(LinearConstraint(weights.reshape(1, -1), best - 0.5, np.inf))
    return tuple(out)


def solver_key(inst: Instance, result: Any) -> tuple[int, ...]:
    prep = prepare(inst)
    town = {s.id: s.town for s in inst.slots}
    tiers = sorted(set(prep.priority.values()), reverse=True)
    got = plan(result)
    key = [sum(1 for s in got if prep.tier_of(town[s]) == p) for p in tiers]
    if inst.objective == MAX_FILLED_THEN_SCORE:
        key.append(len(got))
    key.append(sum(round(inst.scores[(town[s], c)] * 1000) for s, c in got.items()))
    return tuple(key)


@pytest.mark.parametrize("seed", range(6))
def test_medium_instances_agree_with_integer_programming(seed: int) -> None:
    rng = random.Random(seed)
    fields = ["农业", "工业", "金融", "规划", "医疗"]
    towns = [f"t{i}" for i in range(12)]
    slots = [
        (f"s{i}", rng.choice(towns), rng.sample(fields, rng.randint(1, 2)), i % 3 == 0) for i in range(40)
    ]
    coms = [
        (f"c{i}", rng.sample(fields, rng.randint(1, 3)), rng.random() < 0.4, rng.randint(0, 4))
        for i in range(15)
    ]
    used = sorted({t for _, t, _, _ in slots})
    scores = {(t, c[0]): rng.randint(-20, 100) / 10 for t in used for c in coms if rng.random() < 0.6}
    forbidden = [p for p in scores if rng.random() < 0.05]
    priority = {t: rng.randint(0, 2) for t in used} if seed % 2 else {}
    for objective in (MAX_SCORE, MAX_FILLED_THEN_SCORE):
        inst = make(slots, coms, scores, objective, forbidden=forbidden, priority=priority)
        result = solve(inst)
        assert check_plan(inst, result.assignments) == []
        assert solver_key(inst, result) == milp_optimum(inst)


# --------------------------------------------------------------------------- pins and re-solve


def small_round() -> Instance:
    towns = ["甲镇", "乙镇", "丙镇"]
    return make(
        [(f"{t}-{k}", t, ["农业"], k == 1) for t in towns for k in (1, 2)],
        [
            ("c1", ["农业"], True, 2),
            ("c2", ["农业"], True, 2),
            ("c3", ["农业"], False, 2),
            ("c4", ["农业"], True, 1),
        ],
        {(t, c): float(i + j) for i, t in enumerate(towns) for j, c in enumerate(["c1", "c2", "c3", "c4"])},
    )


def test_pins_are_kept_even_when_not_optimal() -> None:
    inst = small_round()
    best = solve(inst)
    assert plan(best)["甲镇-2"] != "c1"
    pinned = solve(Instance(**{**inst.__dict__, "pinned": [("甲镇-2", "c1")]}))
    assert plan(pinned)["甲镇-2"] == "c1"
    assert pinned.score <= best.score


@pytest.mark.parametrize(
    ("pin", "words"),
    [
        (("甲镇-1", "c3"), "团队长"),
        (("无此岗位", "c1"), "岗位不存在"),
        (("甲镇-1", "无此人"), "不在名单"),
    ],
)
def test_a_pin_that_breaks_a_rule_is_an_input_error_naming_it(pin: tuple[str, str], words: str) -> None:
    inst = Instance(**{**small_round().__dict__, "pinned": [pin]})
    with pytest.raises(DispatchInputError, match=words) as info:
        solve(inst)
    assert pin[0] in info.value.message


def test_pins_one_per_town_and_capacity_are_checked() -> None:
    inst = small_round()
    with pytest.raises(DispatchInputError, match="每人每镇只占一个岗位"):
        solve(Instance(**{**inst.__dict__, "pinned": [("甲镇-1", "c1"), ("甲镇-2", "c1")]}))
    with pytest.raises(DispatchInputError, match="名额"):
        solve(Instance(**{**inst.__dict__, "pinned": [("甲镇-1", "c4"), ("乙镇-1", "c4")]}))


def test_gap_resolve_moves_nobody_else() -> None:
    inst = small_round()
    first = solve(inst)
    gone = first.assignments[0].commissioner
    again = resolve_gaps(inst, first, {gone, "someone-already-removed"})
    before, after = plan(first), plan(again)
    for slot, com in before.items():
        if com != gone:
            assert after[slot] == com
    assert gone not in after.values()
    assert {d["commissioner"] for d in again.dropped or []} == {gone}
    assert all(d["reason"] == "特派员已退出" for d in again.dropped or [])


def test_gap_resolve_drops_assignments_that_no_longer_fit() -> None:
    inst = small_round()
    current: list[Assignment | tuple[str, str]] = [
        Assignment("甲镇-1", "c3"),
        ("乙镇-2", "c2"),
        ("无此岗位", "c1"),
    ]
    again = resolve_gaps(inst, current)
    dropped = {d["slot"]: d["reason"] for d in again.dropped or []}
    assert "团队长" in dropped["甲镇-1"]
    assert dropped["无此岗位"] == "岗位已不存在"
    assert plan(again)["乙镇-2"] == "c2"


def test_withdrawn_person_may_not_stay_pinned() -> None:
    inst = Instance(**{**small_round().__dict__, "pinned": [("甲镇-1", "c1")]})
    with pytest.raises(DispatchInputError, match="已退出"):
        resolve_gaps(inst, [], {"c1"})


# --------------------------------------------------------------------------- progress and cancellation


def test_progress_reports_every_stage_and_ends_at_one() -> None:
    seen: list[tuple[str, float]] = []
    solve(small_round(), progress=lambda stage, f: seen.append((stage, f)))
    stages = [s for s, _ in seen]
    for stage in ("validate", "build", "solve", "extract", "explain", "done"):
        assert stage in stages
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0


def test_cancel_before_start_and_between_stages() -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        solve(small_round(), cancel=stop)

    stop = threading.Event()

    def progress(stage: str, fraction: float) -> None:
        if stage == "solve":
            stop.set()

    with pytest.raises(Cancelled):
        solve(small_round(), progress=progress, cancel=stop)


# --------------------------------------------------------------------------- baseline and comparison


def test_greedy_falls_short_where_the_optimum_does_not() -> None:
    # Greedy gives c1 to 甲镇 (score 10) and leaves 乙镇, which only c1 can serve, empty.
    inst = make(
        [("a", "甲镇", ["农业"], False), ("b", "乙镇", ["工业"], False)],
        [("c1", ["农业", "工业"], False, 1), ("c2", ["农业"], False, 1)],
        {("甲镇", "c1"): 10, ("甲镇", "c2"): 9, ("乙镇", "c1"): 8},
    )
    base, best = greedy(inst), solve(inst)
    assert (base.filled, base.score, base.method) == (1, 10, "greedy")
    assert (best.filled, best.score) == (2, 17)
    assert reasons(base) == {"b": "capacity"}

    cmp = compare(inst, best, base, groups={"甲镇": "珠三角", "乙镇": "粤东西北"})
    assert cmp["delta"] == {"filled": -1, "score": -7.0, "score_pct": pytest.approx(-41.176, abs=1e-3)}
    assert cmp["differ"] == 2
    assert cmp["a"]["staffing"]["粤东西北"]["towns_full"] == 1
    assert cmp["b"]["staffing"]["粤东西北"]["towns_empty"] == 1
    assert cmp["a"]["violations"] == []
    assert cmp["b"]["violations"] == []


def test_compare_reports_a_manual_plan_that_breaks_rules() -> None:
    inst = small_round()
    manual = [("甲镇-1", "c3"), ("甲镇-2", "c1"), ("乙镇-2", "c1"), ("乙镇-1", "c1")]
    cmp = compare(inst, solve(inst), manual)
    text = "；".join(cmp["b"]["violations"])
    assert "团队长" in text
    assert "超出该特派员的名额（2）" in text
    problems = check_plan(inst, manual)
    assert any("名额" in p for p in problems)
    assert any("不止一个岗位" in p for p in problems)


def test_explain_plan_flags_an_improvable_manual_plan() -> None:
    inst = small_round()
    explanations, shortages = explain_plan(inst, [("甲镇-1", "c1")])
    assert {e["reason"] for e in explanations} == {"improvable"}
    assert shortages["by_reason"] == {"improvable": 5}
    assert shortages["by_field"][0]["field"] == "农业"


def test_shortages_sum_demand_and_supply_by_field() -> None:
    inst = make(
        [
            ("s1", "甲镇", ["茶叶加工"], True),
            ("s2", "甲镇", ["电商"], False),
            ("s3", "乙镇", ["电商"], False),
        ],
        [("c1", ["电商"], True, 1), ("c2", ["电商", "茶叶加工"], False, 2)],
        {("甲镇", "c1"): 1.5, ("甲镇", "c2"): 2, ("乙镇", "c1"): 3, ("乙镇", "c2"): 0.5},
    )
    result = solve(inst)
    by_field = {r["field"]: r for r in result.shortages["by_field"]}
    assert by_field["茶叶加工"] == {
        "field": "茶叶加工",
        "slots": 1,
        "filled": 0,
        "unfilled": 1,
        "commissioners": 1,
        "capacity": 2,
        "used": 1,
    }
    assert by_field["电商"]["filled"] == 2
    assert result.shortages["leader"]["unfilled"] == 1
    assert result.shortages["summary"].startswith("共 1 个岗位空缺")


# --------------------------------------------------------------------------- input and JSON


def good_json() -> dict[str, Any]:
    return {
        "slots": [
            {"id": "s1", "town": "甲镇", "fields": ["农业"], "leader": True},
            {"id": 2, "town": "乙镇", "fields": ["农业", "金融"]},
        ],
        "commissioners": [
            {"id": "c1", "fields": ["农业"], "can_lead": True, "capacity": 2},
            {"id": "c2", "fields": ["金融"], "capacity": 1},
        ],
        "scores": [["甲镇", "c1", 0.9], ["乙镇", "c1", 0.5], ["乙镇", "c2", 0.7]],
        "forbidden": [],
        "objective": "max_filled_then_score",
    }


def test_json_round_trip() -> None:
    inst = instance_from_json(json.dumps(good_json()))
    assert inst.slots[1].id == "2"  # integer ids are read as strings
    again = instance_from_dict(json.loads(json.dumps(instance_to_dict(inst))))
    assert solve(again).assignments == solve(inst).assignments
    out = solve(inst).to_dict()
    assert out["assignments"] == [{"slot": "s1", "commissioner": "c1"}, {"slot": "2", "commissioner": "c2"}]
    assert (out["filled"], out["score"]) == (2, pytest.approx(1.6))
    assert plan_from_obj(json.loads(json.dumps(out))) == solve(inst).assignments


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["slots"].append(dict(d["slots"][0])), "重复"),
        (lambda d: d["commissioners"].append(dict(d["commissioners"][0])), "重复"),
        (lambda d: d["commissioners"][0].update(capacity=-1), "capacity"),
        (lambda d: d["commissioners"][0].update(capacity=1.5), "capacity"),
        (lambda d: d.update(objective="max_happiness"), "objective"),
        (lambda d: d["scores"].append(["甲镇", "nobody", 1]), "nobody"),
        (lambda d: d["scores"].append(["无此镇", "c1", 1]), "无此镇"),
        (lambda d: d["scores"].append(["甲镇", "c1", 2]), "重复"),
        (lambda d: d["scores"].append(["甲镇", "c2", "high"]), "评分"),
        (lambda d: d["forbidden"].append(["甲镇", "ghost"]), "ghost"),
        (lambda d: d.update(pinned=[["s9", "c1"]]), "s9"),
        (lambda d: d.update(pinned=[["s1", "c2"]]), "不相交"),
        (lambda d: d.update(priority={"甲镇": -1}), "priority"),
        (lambda d: d.update(forbiden=[]), "未知字段"),
        (lambda d: d["slots"][0].update(fields=[]), "fields"),
        (lambda d: d["slots"][0].update(leader="yes"), "leader"),
        (lambda d: d.pop("objective"), "objective"),
        (lambda d: d["slots"][0].update(id=None), "id"),
    ],
)
def test_bad_input_gets_a_clear_chinese_message(change: Any, words: str) -> None:
    data = good_json()
    change(data)
    with pytest.raises(DispatchInputError, match=words) as info:
        solve(instance_from_dict(data))
    assert info.value.errors


def test_every_error_is_reported_at_once() -> None:
    data = good_json()
    data["commissioners"][0]["capacity"] = -1
    data["scores"].append(["甲镇", "nobody", 1])
    with pytest.raises(DispatchInputError) as info:
        instance_from_dict(data)
    assert len(info.value.errors) == 1  # capacity is checked while reading; references after
    data["commissioners"][0]["capacity"] = 1
    data["slots"].append(dict(data["slots"][0]))
    with pytest.raises(DispatchInputError) as info:
        solve(instance_from_dict(data))
    assert len(info.value.errors) == 2


def test_a_broken_file_lists_every_problem_with_its_path() -> None:
    data = good_json()
    data["slots"][0]["leader"] = "yes"
    data["slots"][1]["id"] = None
    data["slots"][1]["colour"] = "红"
    data["commissioners"][0]["capacity"] = True
    data["commissioners"][1].pop("fields")
    data["scores"].append(["甲镇", "c2", "high"])
    data["scores"].append(["甲镇"])
    data["objective"] = "max_happiness"
    data["town_names"] = {"甲镇": 3}
    data["forbiden"] = []
    with pytest.raises(DispatchInputError) as info:
        instance_from_dict(data)
    assert info.value.errors == [
        'slots[0].leader：必须是 true 或 false，现为 "yes"',
        "slots[1].id：必须是非空字符串或整数，现为 null",
        "slots[1]：未知字段“colour”（允许的字段：id、town、fields、leader）",
        "commissioners[0].capacity：必须是整数，现为 true",
        "commissioners[1]：缺少字段“fields”",
        'scores[3][2]（评分）：必须是数值，现为 "high"',
        "scores[4][1]（特派员）：缺少这一项",
        "scores[4][2]（评分）：缺少这一项",
        'objective：取值 "max_happiness" 无效，应为 max_score 或 max_filled_then_score',
        "town_names.甲镇：必须是字符串，现为 3",
        "输入：未知字段“forbiden”（允许的字段：slots、commissioners、scores、forbidden、pinned、objective、"
        "priority、town_names、commissioner_names）",
    ]
    assert str(info.value).startswith("输入有 11 处错误：slots[0].leader")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "输入：必须是 JSON 对象（{...}），现为 [1, 2]"),
        ({}, "输入：缺少字段“slots”"),
        (good_json() | {"slots": {"s1": {}}}, "slots：必须是列表"),
        (good_json() | {"scores": [["甲镇", "c1", float("nan")]]}, "scores[0][2]（评分）：必须是有限的数值"),
        (good_json() | {"forbidden": [["甲镇", ""]]}, "forbidden[0][1]（特派员）：必须是非空字符串或整数"),
        (good_json() | {"pinned": [["s1", "c1", "c2"]]}, "pinned[0]：最多只能有 2 项，现为 3 项"),
        (good_json() | {"priority": {"甲镇": -1}}, "priority.甲镇：必须不小于 0，现为 -1"),
    ],
)
def test_wrong_types_and_missing_keys_are_named(data: Any, message: str) -> None:
    with pytest.raises(DispatchInputError) as info:
        instance_from_dict(data)
    assert any(error.startswith(message) for error in info.value.errors), info.value.errors


def test_repeated_scores_are_listed_together() -> None:
    data = good_json()
    data["scores"] += [["甲镇", "c1", 2], ["乙镇", "c2", 0.1]]
    with pytest.raises(DispatchInputError) as info:
        instance_from_dict(data)
    assert info.value.errors == [
        "scores：评分重复：scores[3]（乡镇“甲镇”与特派员“c1”，与 scores[0] 重复）；"
        "scores[4]（乡镇“乙镇”与特派员“c2”，与 scores[2] 重复）"
    ]


def test_a_plan_names_its_bad_rows() -> None:
    with pytest.raises(DispatchInputError) as info:
        plan_from_obj({"assignments": [{"slot": "s1"}, 5, ["s1", "c1"]]})
    assert info.value.errors == [
        "方案[0][1]（特派员）：必须是非空字符串或整数，现为 null",
        "方案[1]：必须是列表，现为 5",
    ]


def test_bad_json_text() -> None:
    with pytest.raises(DispatchInputError, match="不是有效的 JSON"):
        instance_from_json("{slots: [")
    with pytest.raises(DispatchInputError, match="JSON 对象"):
        instance_from_json("[1, 2]")


# --------------------------------------------------------------------------- CLI


def write(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_cli_solves_and_round_trips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write(tmp_path / "in.json", good_json())
    out = tmp_path / "out.json"
    assert main(["--input", src, "--output", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["filled"] == 2
    assert set(result) >= {"assignments", "filled", "score", "seconds", "explanations", "shortages"}
    assert "已求解" in capsys.readouterr().err

    # Re-solve from the written plan after c2 withdraws: c1 stays where it was.
    again = tmp_path / "again.json"
    assert main(["--input", src, "--output", str(again), "--current", str(out), "--withdrawn", "c2"]) == 0
    resolved = json.loads(again.read_text(encoding="utf-8"))
    assert {"slot": "s1", "commissioner": "c1"} in resolved["assignments"]
    assert resolved["dropped"] == [{"slot": "2", "commissioner": "c2", "reason": "特派员已退出"}]

    assert main(["--input", src, "--output", str(out), "--method", "greedy"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["method"] == "greedy"


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({**good_json(), "objective": "best"}),
        json.dumps({**good_json(), "commissioners": [{"id": "c1", "fields": [], "capacity": -3}]}),
    ],
)
def test_cli_bad_input_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    src = tmp_path / "in.json"
    src.write_text(content, encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["--input", str(src), "--output", str(out)]) == 2
    assert "输入错误" in capsys.readouterr().err
    assert not out.exists()


def test_cli_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--output", str(tmp_path / "x.json")]) == 2
    assert "缺少必需的参数" in capsys.readouterr().err
    assert main(["--input", str(tmp_path / "missing.json"), "--output", str(tmp_path / "x.json")]) == 2
    assert "无法读取输入文件" in capsys.readouterr().err
    src = write(tmp_path / "in.json", good_json())
    assert main(["--input", src, "--output", str(tmp_path / "x.json"), "--withdrawn", "c1"]) == 2
