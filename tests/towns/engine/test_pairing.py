"""Town pairing: optimal against brute force, the province's locks and bans kept, capacities,
every malformed problem refused with a Chinese message naming the towns, explanations that name
what the two towns share, 繁简 alike, and re-pairing that moves nobody else."""

from __future__ import annotations

import itertools
from collections import Counter
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baiqianwan.towns.engine import (
    EWN,
    PEARL,
    Instance,
    PairingInputError,
    Result,
    TownProfile,
    Weights,
    greedy,
    replace,
    scaled_score,
    solve,
)

CODES = ("A0153", "A0141", "C1373", "C1371", "C1453", "C2110", "A0411")
WORDS = ("沙田柚", "柚子", "加工", "保鲜", "家具", "红木", "对虾", "罗非鱼", "陈皮", "凉果", "荔枝", "茶叶")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def town(
    code: str, side: str, industries: tuple[str, ...] = (), products: str = "", **extra: object
) -> TownProfile:
    return TownProfile(code, f"{code[-3:]}镇", side, industries, products, **extra)  # type: ignore[arg-type]


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    n_pearl, n_ewn = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    words = st.lists(st.sampled_from(WORDS), max_size=3).map(" ".join)
    towns = [
        TownProfile(
            code=f"44{k:07d}",
            name=f"镇{k}",
            side=PEARL if k < n_pearl else EWN,
            industries=tuple(draw(st.lists(st.sampled_from(CODES), max_size=3, unique=True))),
            products=draw(words),
            platforms=draw(st.integers(0, 8)),
            enterprises=draw(st.integers(0, 60)),
            needs=draw(words),
            capacity=draw(st.integers(0, 2)),
        )
        for k in range(n_pearl + n_ewn)
    ]
    pairs = [(p.code, e.code) for p in towns[:n_pearl] for e in towns[n_pearl:]]
    forbidden = draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True))
    room = {t.code: t.capacity for t in towns}
    locked = []
    for pearl, ewn in draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True)):
        if (pearl, ewn) not in forbidden and room[pearl] and room[ewn]:
            locked.append((ewn, pearl) if draw(st.booleans()) else (pearl, ewn))  # either order is accepted
            room[pearl] -= 1
            room[ewn] -= 1
    return Instance(
        towns, locked=locked, forbidden=forbidden, min_score=draw(st.sampled_from([0, 0.1, 0.2, 0.3]))
    )


def value(instance: Instance, keys: list[tuple[str, str]]) -> tuple[int, int]:
    """What the solver maximises: the number of pairs, then the total of the scaled scores."""
    return len(keys), sum(scaled_score(instance.scores.of(p, e)) for p, e in keys)


def brute_force(instance: Instance) -> tuple[int, int]:
    """Every feasible set of pairs, town by town over the 珠三角 side (memoised on the places the
    粤东西北 towns have left): the best (pairs, total scaled score)."""
    scores = instance.scores
    ewn = [t.code for t in scores.ewn]
    room = Counter({t.code: t.capacity for t in instance.towns})
    room.subtract(code for key in instance.locked for code in key)
    options = {
        p.code: [
            (k, scaled_score(scores.of(p.code, e)))
            for k, e in enumerate(ewn)
            if (p.code, e) not in instance.forbidden | instance.locked
            and scores.of(p.code, e) >= instance.min_score
        ]
        for p in scores.pearl
    }
    pearl = [t.code for t in scores.pearl]

    @cache
    def best(index: int, left: tuple[int, ...]) -> tuple[int, int]:
        if index == len(pearl):
            return (0, 0)
        found = best(index + 1, left)
        code = pearl[index]
        for size in range(1, room[code] + 1):
            for chosen in itertools.combinations(options[code], size):
                after = list(left)
                for k, _ in chosen:
                    after[k] -= 1
                if min(after, default=0) < 0:
                    continue
                rest = best(index + 1, tuple(after))
                found = max(found, (rest[0] + size, rest[1] + sum(s for _, s in chosen)))
        return found

    extra = best(0, tuple(room[e] for e in ewn))
    fixed = value(instance, sorted(instance.locked))
    return fixed[0] + extra[0], fixed[1] + extra[1]


def check_feasible(instance: Instance, result: Result) -> None:
    keys = result.keys
    assert len(set(keys)) == len(keys)
    assert instance.locked <= set(keys)
    assert not instance.forbidden & set(keys)
    load = Counter(code for key in keys for code in key)
    for t in instance.towns:
        assert load[t.code] <= t.capacity
    for pair in result.pairs:
        assert pair.locked == (pair.key in instance.locked)
        assert pair.locked or pair.score >= instance.min_score
        assert instance.by_code[pair.pearl].side == PEARL
        assert instance.by_code[pair.ewn].side == EWN
    # Every town short of its places is listed with how many, and nobody else.
    assert {u.code: u.missing for u in result.unpaired} == {
        t.code: t.capacity - load[t.code]
        for t in instance.towns
        if load[t.code] < t.capacity or not t.capacity
    }
    assert all(u.reason for u in result.unpaired)


@SETTINGS
@given(instances())
def test_solve_is_optimal_against_brute_force(instance: Instance) -> None:
    result = solve(instance)
    check_feasible(instance, result)
    assert value(instance, result.keys) == brute_force(instance)
    assert result.total_score == pytest.approx(
        sum(instance.scores.of(p, e) for p, e in result.keys), abs=1e-6
    )


@SETTINGS
@given(instances())
def test_greedy_is_feasible_and_never_better_than_solve(instance: Instance) -> None:
    baseline = greedy(instance)
    check_feasible(instance, baseline)
    assert value(instance, baseline.keys) <= value(instance, solve(instance).keys)


def fruit_towns() -> list[TownProfile]:
    return [
        town("440115101", PEARL, ("C1373",), "柚子加工 保鲜", platforms=5, enterprises=30),
        town("440115102", PEARL, ("C1373",), "柚子加工", platforms=1),
        town("441422101", EWN, ("A0153", "C1373"), "沙田柚 柚子加工", needs="保鲜"),
        town("441422102", EWN, ("A0153", "C1373"), "柚子加工"),
    ]


def test_more_pairs_come_before_a_higher_total() -> None:
    # P1 is everyone's best partner; greedy gives it to E1 and leaves P2 and E2 apart (their pair
    # is forbidden), the optimum gives each 珠三角 town one partner.
    towns = [
        town("440000001", PEARL, ("C1373",), "柚子 加工 保鲜", platforms=9, enterprises=50),
        town("440000002", PEARL, ("C1373",), "柚子"),
        town("441000001", EWN, ("C1373",), "柚子 加工 保鲜", needs="保鲜"),
        town("441000002", EWN, ("C1373", "C2110"), "柚子 家具"),
    ]
    instance = Instance(towns, forbidden=[("440000002", "441000002")], min_score=0.05)
    assert greedy(instance).keys == [("440000001", "441000001")]
    result = solve(instance)
    assert result.keys == [("440000001", "441000002"), ("440000002", "441000001")]
    assert result.unpaired == []


def test_locked_pairs_stay_even_below_min_score_and_forbidden_pairs_never_come() -> None:
    towns = [*fruit_towns(), town("441481103", EWN, ("C2110",), "红木家具")]
    free = solve(Instance(towns))
    assert ("440115101", "441422101") in free.keys

    # The unrelated furniture town is locked (given 粤东西北 side first), the best pair forbidden.
    instance = Instance(
        towns, locked=[("441481103", "440115102")], forbidden=[("440115101", "441422101")], min_score=0.2
    )
    assert instance.scores.of("440115102", "441481103") < 0.2
    result = solve(instance)
    assert ("440115102", "441481103") in result.keys
    assert ("440115101", "441422101") not in result.keys
    locked = next(p for p in result.pairs if p.key == ("440115102", "441481103"))
    assert locked.locked
    assert locked.explanation.endswith("为锁定结对")
    check_feasible(instance, result)

    # The province changes its mind: the same scores, the adjustments checked again.
    again = instance.adjust(locked=[], forbidden=[("440115101", "441422101"), ("440115101", "441422102")])
    assert again.scores is instance.scores
    assert not {("440115101", "441422101"), ("440115101", "441422102")} & set(solve(again).keys)
    with pytest.raises(PairingInputError, match="既被锁定又被禁止"):
        instance.adjust(forbidden=[("440115102", "441481103")])


def test_a_town_with_capacity_above_one_takes_several_partners() -> None:
    towns = [
        town("440115101", PEARL, ("C1373",), "柚子加工", platforms=5, capacity=3),
        *(town(f"44142210{k}", EWN, ("C1373",), "柚子加工") for k in range(1, 5)),
    ]
    result = solve(Instance(towns))
    assert [e for _, e in result.keys] == ["441422101", "441422102", "441422103"]
    [gap] = result.unpaired
    assert gap.code == "441422104"
    assert gap.missing == 1
    assert gap.reason.startswith("1 个候选珠三角镇的结对名额已用满：得分最高的候选 101镇（440115101）")


def test_unpaired_towns_say_why() -> None:
    towns = [
        *fruit_towns(),
        town("441481103", EWN, ("C2110",), "红木家具"),
        town("445281104", EWN, ("C1373",), "柚子加工", capacity=0),
    ]
    result = solve(Instance(towns, locked=[("440115102", "441422102")], min_score=0.2))
    reasons = {u.code: u.reason for u in result.unpaired}
    assert reasons["445281104"] == "结对名额为 0，不参与结对"
    assert reasons["441481103"].startswith("没有得分达到 0.20 的珠三角镇可与之结对（得分最高的是")
    # 441422101 and 441422102 both want the two fruit towns; 441422102 holds 440115102 by a lock.
    assert {u.code for u in result.unpaired} == {"441481103", "445281104"}

    crowded = [*fruit_towns(), town("441422103", EWN, ("A0153", "C1373"), "沙田柚 柚子加工")]
    gaps = solve(Instance(crowded, locked=[("440115102", "441422102")])).unpaired
    [gap] = gaps
    assert gap.reason.startswith("2 个候选珠三角镇的结对名额都已用满：得分最高的候选 101镇（440115101）")
    assert "已与 101镇（441422101） 结对" in gap.reason


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"locked": [("440115101", "440115102")]},
            "两个珠三角镇不能结对：101镇（440115101）与102镇（440115102）",
        ),
        (
            {"locked": [("441422101", "441422102")]},
            "两个粤东西北镇不能结对：101镇（441422101）与102镇（441422102）",
        ),
        (
            {"locked": [("440115101", "441499999")]},
            "锁定的结对 440115101—441499999：镇代码 441499999 不在镇名单中",
        ),
        (
            {"forbidden": [("449999999", "441422101")]},
            "禁止的结对 449999999—441422101：镇代码 449999999 不在镇名单中",
        ),
        (
            {"locked": [("440115101", "441422101")], "forbidden": [("441422101", "440115101")]},
            "结对 101镇（440115101）—101镇（441422101） 既被锁定又被禁止",
        ),
        (
            {"locked": [("440115101", "441422101"), ("440115101", "441422102")]},
            "101镇（440115101） 锁定了 2 个结对，超过其结对名额 1",
        ),
        ({"min_score": 1.5}, "最低得分 min_score 应在 0 到 1 之间"),
        ({"top_k": 0}, "每镇候选数 top_k 应不小于 1"),
        ({"weights": Weights(industry=-0.1)}, "权重 industry 应在 0 到 1 之间"),
    ],
)
def test_bad_adjustments_are_refused_naming_the_towns(change: dict[str, object], expected: str) -> None:
    with pytest.raises(PairingInputError) as raised:
        Instance(fruit_towns(), **change)  # type: ignore[arg-type]
    assert any(expected in line for line in raised.value.errors), raised.value.errors


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (town("440115101", EWN), "镇代码 440115101 重复：101镇、101镇"),
        (town("44011510", EWN), "510镇 的镇代码 '44011510' 应为 9 位数字（统计用区划代码前 9 位）"),
        (town("445281109", EWN, capacity=-1), "109镇（445281109） 的结对名额不能为负数，现为 -1"),
        (
            town("445281109", "prd"),
            "109镇（445281109） 的 side 应为 pearl（珠三角）或 ewn（粤东西北），现为 'prd'",
        ),
        (
            town("445281109", EWN, ("C137a",)),
            "109镇（445281109） 的行业代码 'C137a' 不是国民经济行业分类代码（如 C1371）",
        ),
        (town("445281109", EWN, platforms=-2), "109镇（445281109） 的创新平台数和企业数不能为负数"),
    ],
)
def test_bad_towns_are_refused(bad: TownProfile, expected: str) -> None:
    with pytest.raises(PairingInputError) as raised:
        Instance([*fruit_towns(), bad])
    assert expected in raised.value.errors, raised.value.errors
    assert str(raised.value) == raised.value.errors[0]


def test_every_problem_is_listed_at_once() -> None:
    towns = [*fruit_towns(), town("441422101", EWN, capacity=-1)]
    with pytest.raises(PairingInputError) as raised:
        Instance(towns, locked=[("440115101", "440115102")], min_score=-1)
    assert raised.value.errors == [
        "镇代码 441422101 重复：101镇、101镇",
        "101镇（441422101） 的结对名额不能为负数，现为 -1",
        "两个珠三角镇不能结对：101镇（440115101）与102镇（440115102）（锁定）",
        "最低得分 min_score 应在 0 到 1 之间，现为 -1",
    ]


def test_explanations_name_shared_industries_products_and_needs() -> None:
    towns = [
        town(
            "440115101",
            PEARL,
            ("C1373", "C1453"),
            "柚子加工 罐头",
            platforms=5,
            enterprises=12,
            strengths="柚果保鲜工程技术研究中心",
        ),
        town("441422101", EWN, ("A0153", "C1373"), "沙田柚 柚子加工 蜜柚", needs="保鲜 冷链"),
        town("440606102", PEARL, ("C2110",), "实木家具", platforms=2),
        town("441481103", EWN, ("C2130",), "红木家具"),
    ]
    names = {"C1373": "水果和坚果加工", "C21": "家具制造业"}
    result = solve(Instance(towns, industry_names=names, min_score=0.1))
    fruit, furniture = sorted(result.pairs, key=lambda p: p.pearl)
    assert fruit.shared_industries == ("C1373",)
    assert fruit.explanation.startswith(
        "同属 C1373 水果和坚果加工；主导产品均含 加工、柚子；101镇有 5 个创新平台、12 家高新技术企业，"
        "可对应对方需求 保鲜。"
    )
    assert fruit.shared_products == ("加工", "柚子")
    assert fruit.matched_needs == ("保鲜",)
    assert fruit.score == pytest.approx(
        0.45 * fruit.industry + 0.25 * fruit.products + 0.3 * fruit.complement
    )
    # Different 小类 of one 大类: the shared prefix is named at its level; 家具 from its character pair.
    assert furniture.shared_industries == ("C21",)
    assert furniture.explanation.startswith(
        "同属大类 C21 家具制造业；主导产品均含 家具；102镇有 2 个创新平台，103镇尚无创新平台"
    )


def test_industry_relatedness_credits_codes_then_shorter_prefixes() -> None:
    def relatedness(left: tuple[str, ...], right: tuple[str, ...]) -> float:
        instance = Instance([town("440000001", PEARL, left), town("441000001", EWN, right)])
        return float(instance.scores.industry[0, 0])

    assert relatedness(("C1371",), ("C1371",)) == pytest.approx(1.0)
    assert relatedness(("C1371",), ("C1373",)) == pytest.approx(0.3 + 0.2 + 0.1)  # 中类, 大类, 门类
    assert relatedness(("C1371",), ("C1453",)) == pytest.approx(0.1)  # 门类 only
    assert relatedness(("C1371",), ("A0141",)) == 0
    assert relatedness(("C1371", "A0141"), ("C1371",)) == pytest.approx(2 / 3)


def test_traditional_and_simplified_products_score_alike() -> None:
    def scores(products: str, needs: str) -> list[float]:
        towns = [
            town("440000001", PEARL, ("C1373",), "陈皮 凉果 加工", platforms=3, strengths="保鲜 冷链"),
            town("440000002", PEARL, ("A0411",), "对虾 罗非鱼"),
            town("441000001", EWN, ("C1373",), products, needs=needs),
            town("441000002", EWN, ("A0153",), "沙田柚 蜜柚"),
        ]
        return Instance(towns).scores.total.ravel().tolist()

    simplified = scores("陈皮 凉果 荔枝干 对虾", "冷链 保鲜")
    traditional = scores("陳皮 涼果 荔枝乾 對蝦", "冷鏈 保鮮")
    assert simplified == pytest.approx(traditional)
    assert simplified[0] > 0.5


def test_top_k_keeps_each_towns_best_partners() -> None:
    towns = [
        *(town(f"44000000{k}", PEARL, ("C1373",), "柚子 加工", platforms=k) for k in range(1, 4)),
        *(
            town(f"44100000{k}", EWN, ("C1373", "A0153")[: 1 + k % 2], products, needs="保鲜")
            for k, products in enumerate(("柚子", "柚子 加工", "蜜柚"), start=1)
        ),
    ]
    full = Instance(towns, min_score=0)
    total = full.scores.total
    rows = {(i, int(total[i].argmax())) for i in range(3)}
    cols = {(int(total[:, j].argmax()), j) for j in range(3)}
    sparse = solve(Instance(towns, min_score=0, top_k=1))
    assert sparse.candidates == len(rows | cols) < solve(full).candidates == 9
    assert set(sparse.keys) <= {(towns[i].code, towns[3 + j].code) for i, j in rows | cols}


def test_replace_re_pairs_the_freed_towns_and_moves_nobody_else() -> None:
    towns = [
        *(town(f"44000000{k}", PEARL, ("C1373",), "柚子 加工", platforms=k) for k in range(1, 5)),
        *(town(f"44100000{k}", EWN, ("C1373",), "柚子 加工 保鲜", needs="保鲜") for k in range(1, 7)),
    ]
    instance = Instance(towns, locked=[("440000001", "441000001")])
    first = solve(instance)
    assert len(first.pairs) == 4
    drop = next(p.key for p in first.pairs if not p.locked)
    again = replace(instance, first, drop=[drop])
    assert again.method == "replace"
    assert [p for p in again.pairs if p not in again.added] == [p for p in first.pairs if p.key != drop]
    assert drop not in again.keys
    # The freed 珠三角 town takes one of the two 粤东西北 towns left over; the freed 粤东西北 town
    # has nobody with room left and says so.
    [added] = again.added
    assert added.pearl == drop[0]
    assert added.ewn not in first.keys
    gaps = {u.code: u.reason for u in again.unpaired}
    assert gaps[drop[1]].startswith("3 个候选珠三角镇的结对名额都已用满")
    check_feasible(instance, again)

    # A plan passed as bare pairs, in either order, is read the same way.
    assert replace(instance, [(e, p) for p, e in first.keys], drop=[drop]).keys == again.keys


@pytest.mark.parametrize(
    ("drop", "expected"),
    [
        ([("440000001", "441000001")], "锁定的结对不能撤下：001镇（440000001）—001镇（441000001）"),
        ([("440000002", "441000006")], "撤下的结对 002镇（440000002）—006镇（441000006） 不在现行方案中"),
    ],
)
def test_replace_refuses_a_locked_or_unknown_pair(drop: list[tuple[str, str]], expected: str) -> None:
    towns = [
        town("440000001", PEARL, ("C1373",), "柚子"),
        town("440000002", PEARL, ("C1373",), "柚子"),
        town("441000001", EWN, ("C1373",), "柚子"),
        town("441000002", EWN, ("C1373",), "柚子"),
        town("441000006", EWN, ("A0411",), "对虾"),
    ]
    instance = Instance(towns, locked=[("440000001", "441000001")])
    current = solve(instance)
    assert ("440000002", "441000006") not in current.keys
    with pytest.raises(PairingInputError) as raised:
        replace(instance, current, drop=drop)
    assert expected in raised.value.errors
    with pytest.raises(PairingInputError, match=r"锁定的结对 .* 不在现行方案中"):
        replace(instance, [], drop=[])
