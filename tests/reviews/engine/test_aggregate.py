"""Aggregation of score sheets: the statistics side by side, normalisation of harsh and lenient
reviewers, contested applications, and the ranking's explained tie-break."""

from __future__ import annotations

import random
import statistics

import pytest

from baiqianwan.reviews.engine.aggregate import Sheet, aggregate, rank, trimmed_count, trimmed_mean


def test_statistics_match_their_definitions() -> None:
    rng = random.Random(3)
    sheets = [Sheet(f"A{i % 40}", f"E{i % 13}", rng.uniform(50, 100)) for i in range(200)]
    table = aggregate(sheets)
    for application, row in table.items():
        scores = [s.score for s in sheets if s.application == application]
        assert row.count == len(scores)
        assert row.mean == pytest.approx(statistics.fmean(scores))
        assert row.median == pytest.approx(statistics.median(scores))
        assert row.std == pytest.approx(statistics.stdev(scores))
        assert row.spread == pytest.approx(max(scores) - min(scores))
        assert row.normalised is None


def test_trimmed_mean_drops_the_highest_and_the_lowest() -> None:
    assert trimmed_mean([10, 80, 82, 84, 100], 0.2) == pytest.approx(82)
    assert trimmed_mean([70, 90], 0.2) == pytest.approx(80)  # too few to trim: all count


def test_each_aggregate_says_how_many_scores_its_trimmed_mean_left_out() -> None:
    """Fewer than five sheets leave nothing out at 0.2, so the page can say the trimmed mean is the
    mean instead of implying that a highest and a lowest score were dropped."""
    assert [trimmed_count(n, 0.2) for n in (1, 3, 4, 5, 9, 10)] == [0, 0, 0, 1, 1, 2]
    table = aggregate(
        [Sheet("three", f"E{i}", score) for i, score in enumerate((85.9, 80, 80.6))]
        + [Sheet("five", f"E{i}", score) for i, score in enumerate((10, 80, 82, 84, 100))]
    )
    assert table["three"].trimmed == 0
    assert table["three"].trimmed_mean == pytest.approx(table["three"].mean)
    assert table["five"].trimmed == 1
    assert table["five"].trimmed_mean == pytest.approx(82)


def test_contested_applications_are_flagged() -> None:
    table = aggregate(
        [
            Sheet("calm", "E1", 80),
            Sheet("calm", "E2", 85),
            Sheet("split", "E1", 55),
            Sheet("split", "E2", 95),
        ],
        contested_spread=20,
    )
    assert not table["calm"].contested
    assert table["split"].contested


def test_normalisation_evens_out_a_harsh_reviewer() -> None:
    # E1 is harsh (scores 20 below E2 on the same work). X was read only by E1, Y only by E2:
    # raw means favour Y; on each reviewer's own scale both are their reviewer's best.
    sheets = [
        Sheet("X", "E1", 70),
        Sheet("P", "E1", 60),
        Sheet("Q", "E1", 50),
        Sheet("Y", "E2", 90),
        Sheet("P", "E2", 80),
        Sheet("Q", "E2", 70),
    ]
    table = aggregate(sheets, normalise=True)
    assert table["Y"].mean > table["X"].mean
    assert table["X"].normalised == pytest.approx(table["Y"].normalised)
    assert table["P"].normalised > table["Q"].normalised


def test_preferred_applications_come_first_among_equals_and_it_is_said() -> None:
    table = aggregate(
        [
            Sheet("广州团队", "E1", 88),
            Sheet("梅州团队", "E1", 88),
            Sheet("佛山团队", "E1", 88),
            Sheet("汕头团队", "E1", 90),
        ]
    )
    ranking = rank(table, by="mean", preferred={"梅州团队", "汕头团队"})
    assert [(r.position, r.application) for r in ranking] == [
        (1, "汕头团队"),
        (2, "梅州团队"),
        (3, "佛山团队"),
        (3, "广州团队"),
    ]
    assert ranking[0].explanation == "平均分 90.00"
    assert "粤东西北创新团队同分优先" in ranking[1].explanation
    assert "对方为粤东西北创新团队" in ranking[2].explanation
    assert "与 广州团队 同分并列" in ranking[2].explanation


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValueError, match=r"0 到 0\.5"):
        aggregate([], trim=0.5)
    with pytest.raises(ValueError, match="有限的数字"):
        aggregate([Sheet("A", "E", float("nan"))])
    with pytest.raises(ValueError, match="按专家尺度校正"):
        rank(aggregate([Sheet("A", "E", 80)]), by="normalised")
    with pytest.raises(ValueError, match="排序依据"):
        rank({}, by="max")


def test_a_sheet_is_weighted_to_100_and_low_scores_need_a_reason() -> None:
    from decimal import Decimal

    from baiqianwan.calls.engine.definition import Criterion
    from baiqianwan.reviews.engine.rubric import sheet_total

    rubric = [
        Criterion(code="innovation", label="创新", weight=Decimal(60), comment_below=60),
        Criterion(code="team", label="团队", weight=Decimal(40), maximum=10),
    ]
    total, scores, errors = sheet_total(rubric, {"innovation": 80, "team": "7"}, {}, complete=True)
    assert (total, scores, errors) == (Decimal("76.00"), {"innovation": 80, "team": 7}, {})
    total, _scores, errors = sheet_total(rubric, {"innovation": 50, "team": 11, "x": 1}, {}, complete=True)
    assert total is None
    assert errors == {
        "x": "x：不是本评分细则的评分项",
        "innovation": "创新：低于 60 分须写明理由（至少 5 个字）",
        "team": "团队：须是 0 至 10 的整数",
    }
    total, scores, errors = sheet_total(rubric, {"innovation": -1}, {}, complete=False)
    assert errors == {"innovation": "创新：须是 0 至 100 的整数"}
    assert sheet_total(rubric, {"innovation": 50}, {}, complete=False) == (None, {"innovation": 50}, {})
