"""Normalisation, ranks, composite indices, grades, trends and a whole assessment, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from baiqianwan.indicators.engine import (
    Component,
    CompositeIndex,
    DataElement,
    DataError,
    Dataset,
    Direction,
    Grade,
    Hierarchy,
    Indicator,
    IndicatorSystem,
    MissingPolicy,
    Normalisation,
    against_target,
    assess,
    composite,
    fit_trend,
    forecast,
    forecast_indicator,
    grade,
    min_max,
    peer_groups,
    rank,
    score,
    shortfall,
    z_score,
)

from .conftest import ROW

NAN = np.nan
LOWER = Direction.LOWER_BETTER


def col(*xs: float) -> np.ndarray:
    return np.array(xs, dtype=float)[:, None]


def test_min_max_by_hand() -> None:
    v = col(10, 20, 30, NAN)
    np.testing.assert_array_equal(min_max(v), col(0, 0.5, 1, NAN))
    np.testing.assert_array_equal(min_max(v, direction=LOWER), col(1, 0.5, 0, NAN))
    # within groups; -1 is left out; a group whose values are all equal scores 1
    groups = np.array([0, 0, 1, -1])
    np.testing.assert_array_equal(min_max(col(10, 20, 7, 8), groups), col(0, 1, 1, NAN))
    np.testing.assert_array_equal(min_max(col(5, 5, NAN, 1)), col(1, 1, NAN, 0))
    # each period on its own
    two = np.array([[1.0, 100.0], [3.0, 0.0]])
    np.testing.assert_array_equal(min_max(two), [[0, 1], [1, 0]])


def test_z_score_by_hand() -> None:
    v = col(2, 4, 4, 4, 5, 5, 7, 9)  # mean 5, population std 2
    np.testing.assert_allclose(z_score(v), col(-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2))
    np.testing.assert_allclose(z_score(v, direction=LOWER), col(1.5, 0.5, 0.5, 0.5, 0, 0, -1, -2))
    np.testing.assert_array_equal(z_score(col(0.1, 0.1, 0.1)), col(0, 0, 0))
    s = score(v, method=Normalisation.Z_SCORE)
    np.testing.assert_allclose(s[[0, 7]], col(25.0, 50 + 100 / 3))
    assert (
        score(col(0, 0, 0, 0, 0, 0, 0, 0, 0, 100), method=Normalisation.Z_SCORE)[9, 0] == 100.0
    )  # z=3 clips


def test_against_target_by_hand() -> None:
    np.testing.assert_array_equal(against_target(col(40, 100, -5, NAN), 80), col(0.5, 1, 0, NAN))
    np.testing.assert_array_equal(against_target(col(5, 10, 20), 10, LOWER), col(1, 1, 0.5))
    np.testing.assert_array_equal(against_target(col(0, -1), 0), col(1, 0))
    np.testing.assert_array_equal(against_target(col(0, 3), 0, LOWER), col(1, 0))
    per_period = against_target(np.array([[50.0, 50.0]]), np.array([100.0, 50.0]))
    np.testing.assert_array_equal(per_period, [[0.5, 1.0]])
    np.testing.assert_array_equal(score(col(45), method=Normalisation.TARGET, target=90), col(50))
    with pytest.raises(DataError, match="需要给出目标值"):
        score(col(1), method=Normalisation.TARGET)


def test_dense_and_min_ranks_with_ties() -> None:
    s = col(90, 80, 90, 70, NAN)
    assert rank(s)[:, 0].tolist() == [1, 2, 1, 3, 0]
    assert rank(s, method="min")[:, 0].tolist() == [1, 3, 1, 4, 0]
    groups = np.array([0, 0, 1, 1, 1])
    assert rank(s, groups)[:, 0].tolist() == [1, 2, 1, 2, 0]
    # float noise does not split a tie
    assert rank(col(0.1 + 0.2, 0.3, 0.2))[:, 0].tolist() == [1, 1, 2]
    # periods are ranked separately
    assert rank(np.array([[1.0, 5.0], [2.0, 4.0]])).tolist() == [[2, 1], [1, 2]]
    with pytest.raises(DataError, match="未知的排名方式"):
        rank(s, method="average")


def test_composite_reweight_zero_coverage_and_applicability() -> None:
    s1, s2 = col(80, NAN, 60, NAN), col(40, 100, NAN, NAN)
    np.testing.assert_allclose(composite([s1, s2], [3, 1]), col(70, 100, 60, NAN))
    np.testing.assert_allclose(composite([s1, s2], [3, 1], missing=MissingPolicy.ZERO), col(70, 25, 45, 0))
    np.testing.assert_allclose(composite([s1, s2], [3, 1], min_coverage=0.5), col(70, NAN, 60, NAN))
    # a component that does not apply to a unit is not missing: weights re-scale over the rest
    applicable = [np.array([True] * 4), np.array([True, True, False, True])]
    out = composite([s1, s2], [3, 1], missing=MissingPolicy.ZERO, applicable=applicable)
    np.testing.assert_allclose(out, col(70, 25, 60, 0))
    with pytest.raises(DataError):
        composite([s1], [1, 2])


def test_grades() -> None:
    grades = [Grade("优秀", 90), Grade("良好", 80), Grade("合格", 70), Grade("不合格", 0)]
    assert grade(col(95, 85, 72, 10, NAN, 90), grades)[:, 0].tolist() == [0, 1, 2, 3, -1, 0]


def test_peer_groups_split_by_level_then_key(tree: Hierarchy) -> None:
    city = np.array([-1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1])
    g = peer_groups(tree, city)
    assert g[ROW["P"]] == -1
    assert g[ROW["T1"]] == g[ROW["T3"]] != g[ROW["T4"]] == g[ROW["T5"]]
    assert g[ROW["C1"]] != g[ROW["T1"]]  # levels never share a group
    levels_only = peer_groups(tree)
    assert levels_only[ROW["T1"]] == levels_only[ROW["T4"]]
    with pytest.raises(DataError):
        peer_groups(tree, np.zeros(3))


def test_linear_trend_forecast_and_shortfall() -> None:
    years = [2020, 2021, 2022, 2023, 2024]
    line = [5.0, 7.0, 9.0, 11.0, 13.0]  # 2 a year
    values = np.array([line, [5.0, NAN, 9.0, 11.0, NAN], [NAN, NAN, NAN, 1.0, 2.0], [3.0] * 5])
    f = forecast(values, years, targets={2025: 16.0, 2027: np.array([19.0, 20.0, 0.0, 3.0])})
    np.testing.assert_allclose(f.trend.slope, [2.0, 2.0, NAN, 0.0])
    np.testing.assert_allclose(f.projected[2025], [15.0, 15.0, NAN, 3.0])
    np.testing.assert_allclose(f.projected[2027], [19.0, 19.0, NAN, 3.0])
    assert f.shortfall[2025].tolist() == [True, True, False, True]
    assert f.shortfall[2027].tolist() == [False, True, False, False]
    assert fit_trend(values, years).points.tolist() == [5, 3, 2, 5]
    # only the last n years count
    bent = np.array([[100.0, 0.0, 1.0, 2.0, 3.0]])
    assert fit_trend(bent, years, last_n=4).slope[0] == pytest.approx(1.0)
    assert shortfall(np.array([5.0, 12.0, NAN]), 10.0, LOWER).tolist() == [False, True, False]
    assert fit_trend(np.array(line), years).at(2030)[0] == pytest.approx(25.0)
    with pytest.raises(DataError):
        fit_trend(values, years[:3])


def small_system() -> IndicatorSystem:
    return IndicatorSystem(
        code="t",
        name="测试",
        version="1",
        elements=(DataElement("x", "x"), DataElement("y", "y")),
        indicators=(
            Indicator("ix", "x", "#{x}", levels=("town",)),
            Indicator("iy", "y 越小越好", "#{y}", Direction.LOWER_BETTER, levels=("town",)),
            Indicator(
                "it",
                "x 对目标",
                "#{x}",
                levels=("town",),
                normalisation=Normalisation.TARGET,
                targets=((2023, 4.0), (2025, 8.0)),
            ),
            Indicator("cx", "县 x 合计", "sum_children(#{x})", levels=("county",)),
        ),
        indices=(
            CompositeIndex("town_idx", "镇", (Component("ix", 1), Component("iy", 1)), levels=("town",)),
            CompositeIndex(
                "all_idx",
                "总",
                (Component("town_idx", 3), Component("it", 1)),
                levels=("town",),
                missing=MissingPolicy.ZERO,
                grades=(Grade("好", 60), Grade("差", 0)),
            ),
        ),
    )


def test_assess_scores_ranks_and_indices_by_hand(ds: Dataset) -> None:
    system = small_system()
    result = assess(system, ds)
    ix = result.full("ix")
    # period 0 towns: T1 1, T2 2, T3 -, T4 4, T5 5 -> min-max over all towns
    assert [ix[ROW[t], 0] for t in ("T1", "T2", "T4", "T5")] == [0.0, 25.0, 75.0, 100.0]
    assert np.isnan(ix[ROW["T3"], 0])
    assert np.isnan(ix[ROW["C1"], 0])
    # y grows with the row, lower is better: T1 best
    iy = result.full("iy")
    assert iy[ROW["T1"], 0] == 100.0
    assert iy[ROW["T5"], 0] == 0.0
    town = result.full("town_idx")
    assert town[ROW["T1"], 0] == pytest.approx(50.0)  # (0 + 100) / 2
    assert np.isnan(town[ROW["C1"], 0])
    # T3 has no x: town_idx reweights over y alone
    assert town[ROW["T3"], 0] == pytest.approx(iy[ROW["T3"], 0])
    it = result.full("it")
    # target 4 for 2023, 8 for 2024 (the next target year, 2025)
    assert it[ROW["T2"], 0] == 50.0
    assert it[ROW["T4"], 1] == 100.0
    assert it[ROW["T1"], 1] == 100.0
    total = result.full("all_idx")
    expected = (3 * town[ROW["T2"], 0] + it[ROW["T2"], 0]) / 4
    assert total[ROW["T2"], 0] == pytest.approx(expected)
    # missing counts as 0 under the zero policy: T3 lacks "it"
    assert total[ROW["T3"], 0] == pytest.approx(3 * town[ROW["T3"], 0] / 4)
    assert result.items["all_idx"].grade is not None
    ranking = result.ranking("ix", 0)
    assert [r for _, _, r in ranking] == [1, 2, 3, 4]
    assert ranking[0][0] == ROW["T5"]
    cx = result.items["cx"]
    assert cx.rows.tolist() == [ROW["C1"], ROW["C2"]]
    assert cx.values is not None
    assert cx.values[0].tolist() == [3.0, 10.0]
    assert cx.diagnostics is not None
    assert cx.diagnostics.missing_children == 3
    assert result.system_hash == system.content_hash()


def test_assess_peer_groups_and_target_override(ds: Dataset) -> None:
    city = np.array([-1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1])
    result = assess(small_system(), ds, groups=city)
    ix = result.full("ix")
    # 广州 towns T1 1, T2 2; 东莞 towns T4 4, T5 5: each group on its own scale
    assert [ix[ROW[t], 0] for t in ("T1", "T2", "T4", "T5")] == [0.0, 100.0, 0.0, 100.0]
    assert result.full("ix", "rank")[ROW["T5"], 0] == 1
    targets = np.full(ds.shape, 2.0)
    over = assess(small_system(), ds, targets={"it": targets})
    assert over.full("it")[ROW["T1"], 0] == 50.0
    with pytest.raises(DataError):
        over.full("ix", "nothing")


def test_forecast_of_an_indicator_against_its_targets(tree: Hierarchy) -> None:
    system = IndicatorSystem(
        code="f",
        name="预测",
        version="1",
        elements=(DataElement("x", "x"),),
        indicators=(Indicator("ix", "x", "#{x}", levels=("town",), targets=((2025, 8.0), (2027, 12.0))),),
    )
    years = ["2020", "2021", "2022", "2023", "2024"]
    x = np.full((len(tree), 5), NAN)
    x[ROW["T1"]] = [1, 2, 3, 4, 5]  # 6 in 2025, 8 in 2027: short both years
    x[ROW["T2"]] = [2, 4, 6, 8, 10]  # 12 in 2025, 16 in 2027: on track
    result = assess(system, Dataset(tree, years, {"x": x}))
    f = forecast_indicator(system, result, "ix")
    towns = result.items["ix"].rows.tolist()
    t1, t2 = towns.index(ROW["T1"]), towns.index(ROW["T2"])
    assert f.projected[2025][[t1, t2]].tolist() == pytest.approx([6.0, 12.0])
    assert f.projected[2027][[t1, t2]].tolist() == pytest.approx([8.0, 16.0])
    assert f.shortfall[2025][[t1, t2]].tolist() == [True, False]
    assert f.shortfall[2027][[t1, t2]].tolist() == [True, False]
    assert not f.shortfall[2025][towns.index(ROW["T3"])]  # no data: no projection, no flag
