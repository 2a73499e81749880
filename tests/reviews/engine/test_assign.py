"""Reviewer assignment: optimal against brute force, every constraint kept, gaps explained,
replacements that move nobody else, and the command line's answers to bad input."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from baiqianwan.reviews.engine import cli
from baiqianwan.reviews.engine.assign import greedy, replace, solve
from baiqianwan.reviews.engine.model import (
    SCALE,
    Assignment,
    Instance,
    ReviewInputError,
    instance_from_dict,
)


def random_instance(rng: random.Random) -> Instance:
    orgs = ["O1", "O2", "O3", None]
    applications = [
        {"id": f"A{i}", "org": rng.choice(orgs), "reviewers_needed": rng.randint(1, 2)}
        for i in range(rng.randint(1, 3))
    ]
    reviewers = [
        {"id": f"E{j}", "org": rng.choice(orgs), "capacity": rng.randint(0, 2)}
        for j in range(rng.randint(1, 4))
    ]
    pairs = [(a["id"], r["id"]) for a in applications for r in reviewers]
    affinity = [[a, r, round(rng.random(), 3)] for a, r in pairs if rng.random() < 0.8]
    conflicts = [[a, r] for a, r in pairs if rng.random() < 0.15]
    return instance_from_dict(
        {"applications": applications, "reviewers": reviewers, "affinity": affinity, "conflicts": conflicts}
    )


def best_by_brute_force(instance: Instance) -> tuple[int, int]:
    applications = {a.id: a for a in instance.applications}
    reviewers = {r.id: r for r in instance.reviewers}
    allowed = [
        key for key in instance.affinity if instance.pair_allowed(applications[key[0]], reviewers[key[1]])
    ]
    best = (0, 0)
    for size in range(len(allowed) + 1):
        for subset in itertools.combinations(allowed, size):
            per_app: dict[Any, int] = {}
            per_reviewer: dict[Any, int] = {}
            for app_id, reviewer_id in subset:
                per_app[app_id] = per_app.get(app_id, 0) + 1
                per_reviewer[reviewer_id] = per_reviewer.get(reviewer_id, 0) + 1
            if any(n > applications[a].reviewers_needed for a, n in per_app.items()):
                continue
            if any(n > reviewers[r].capacity for r, n in per_reviewer.items()):
                continue
            value = (size, sum(round(instance.affinity[pair] * SCALE) for pair in subset))
            best = max(best, value)
    return best


def check_feasible(instance: Instance, pairs: list[Assignment]) -> None:
    applications = {a.id: a for a in instance.applications}
    reviewers = {r.id: r for r in instance.reviewers}
    assert len(set(pairs)) == len(pairs)
    for pair in pairs:
        assert instance.pair_allowed(applications[pair.application], reviewers[pair.reviewer])
    for app in instance.applications:
        assert sum(p.application == app.id for p in pairs) <= app.reviewers_needed
    for reviewer in instance.reviewers:
        assert sum(p.reviewer == reviewer.id for p in pairs) <= reviewer.capacity


@pytest.mark.parametrize("seed", range(150))
def test_solver_is_optimal_against_brute_force(seed: int) -> None:
    instance = random_instance(random.Random(seed))
    result = solve(instance)
    check_feasible(instance, result.assignments)
    value = (
        len(result.assignments),
        sum(round(instance.affinity[(p.application, p.reviewer)] * SCALE) for p in result.assignments),
    )
    assert value == best_by_brute_force(instance)
    needed = {a.id: a.reviewers_needed for a in instance.applications}
    got = {a.id: sum(p.application == a.id for p in result.assignments) for a in instance.applications}
    assert {u.application: u.missing for u in result.unfilled} == {
        a: needed[a] - got[a] for a in needed if got[a] < needed[a]
    }
    assert len(greedy(instance).assignments) <= len(result.assignments)


def test_filling_slots_comes_before_affinity() -> None:
    # Greedy gives E1 to A1 (0.9) and leaves A2 without anyone; the optimum serves both.
    instance = instance_from_dict(
        {
            "applications": [{"id": "A1", "reviewers_needed": 1}, {"id": "A2", "reviewers_needed": 1}],
            "reviewers": [{"id": "E1", "capacity": 1}, {"id": "E2", "capacity": 1}],
            "affinity": [["A1", "E1", 0.9], ["A1", "E2", 0.8], ["A2", "E1", 0.1]],
        }
    )
    assert len(greedy(instance).assignments) == 1
    result = solve(instance)
    assert result.assignments == [Assignment("A1", "E2"), Assignment("A2", "E1")]
    assert result.unfilled == []
    assert result.affinity == pytest.approx(0.9)


def test_own_organisation_conflicts_and_missing_affinity_are_never_used_and_are_counted() -> None:
    instance = instance_from_dict(
        {
            "applications": [{"id": 1, "org": "华南农业大学", "reviewers_needed": 3}],
            "reviewers": [
                {"id": "same", "org": "华南农业大学", "capacity": 5},
                {"id": "declared", "org": "中山大学", "capacity": 5},
                {"id": "unrelated", "org": "暨南大学", "capacity": 5},
                {"id": "ok", "org": "广东工业大学", "capacity": 5},
            ],
            "affinity": [[1, "same", 0.9], [1, "declared", 0.9], [1, "ok", 0.2]],
            "conflicts": [[1, "declared"]],
        }
    )
    result = solve(instance)
    assert result.assignments == [Assignment(1, "ok")]
    [gap] = result.unfilled
    assert gap.missing == 2
    assert gap.reason.startswith("专家库 4 位专家中只有 1 位可评审本申报，少于所需的 3 位")
    assert "1 位与申报单位同单位、1 位需回避、1 位与本申报无相关度" in gap.reason


def test_a_gap_from_full_loads_says_so() -> None:
    instance = instance_from_dict(
        {
            "applications": [{"id": "A", "reviewers_needed": 1}, {"id": "B", "reviewers_needed": 1}],
            "reviewers": [{"id": "E", "capacity": 1}],
            "affinity": [["A", "E", 0.5], ["B", "E", 0.4]],
        }
    )
    [gap] = solve(instance).unfilled
    assert gap.application == "B"
    assert gap.reason.startswith("可评审本申报的 1 位专家中，未分到本申报的 1 位评审名额都已用满")


def test_a_declining_expert_is_replaced_without_moving_anyone_else() -> None:
    rng = random.Random(7)
    applications = [{"id": f"A{i}", "org": f"O{i % 5}", "reviewers_needed": 3} for i in range(30)]
    reviewers = [{"id": f"E{j}", "org": f"O{j % 7}", "capacity": 4} for j in range(40)]
    affinity = [
        [a["id"], r["id"], round(rng.random(), 3)]
        for a in applications
        for r in reviewers
        if rng.random() < 0.5
    ]
    instance = instance_from_dict(
        {"applications": applications, "reviewers": reviewers, "affinity": affinity}
    )
    first = solve(instance)
    declined = first.assignments[:4]
    again = replace(instance, first.assignments, declined)
    assert again.kept == [a for a in first.assignments if a not in declined]
    assert not set(again.assignments) & set(declined)
    check_feasible(instance, again.kept + again.assignments)
    # Every declined slot is refilled when the pool allows it, and nobody else moved.
    assert len(again.kept) + len(again.assignments) == len(first.assignments)


def test_replacement_explains_what_it_cannot_refill() -> None:
    instance = instance_from_dict(
        {
            "applications": [{"id": "A", "reviewers_needed": 2}],
            "reviewers": [{"id": "E1", "capacity": 1}, {"id": "E2", "capacity": 1}],
            "affinity": [["A", "E1", 0.5], ["A", "E2", 0.4]],
        }
    )
    first = solve(instance)
    again = replace(instance, first.assignments, [Assignment("A", "E2")])
    assert again.assignments == []
    [gap] = again.unfilled
    assert gap.missing == 1
    assert "只有 1 位可评审本申报" in gap.reason
    assert "1 位需回避" in gap.reason
    with pytest.raises(ReviewInputError, match="不在现行分配中"):
        replace(instance, first.assignments, [Assignment("A", "E9")])


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"applications": [], "reviewers": [], "oops": 1}, "oops：不是可识别的字段"),
        (
            {"applications": [{"id": "A", "reviewers_needed": "3"}], "reviewers": []},
            "reviewers_needed：必须是整数",
        ),
        ({"applications": [{"id": "A", "reviewers_needed": 10**9}], "reviewers": []}, "不能大于 50"),
        ({"applications": [{"id": None, "reviewers_needed": 1}], "reviewers": []}, "applications[0].id"),
        ({"applications": [], "reviewers": [{"id": "E", "capacity": -1}]}, "capacity：不能小于 0"),
        (
            {
                "applications": [{"id": "A", "reviewers_needed": 1}],
                "reviewers": [{"id": "E", "capacity": 1}],
                "affinity": [["A", "E", float("inf")]],
            },
            "affinity[0][2]（相关度）：必须是有限的数字",
        ),
        (
            {"applications": [{"id": "A", "reviewers_needed": 1}] * 2, "reviewers": []},
            'applications[1].id：申报编号 "A" 重复',
        ),
        (
            {"applications": [], "reviewers": [], "conflicts": [["A", "E"]]},
            'conflicts[0][0]：申报编号 "A" 不在 applications 中',
        ),
    ],
)
def test_bad_input_names_the_place(data: dict[str, Any], expected: str) -> None:
    with pytest.raises(ReviewInputError) as raised:
        instance_from_dict(data)
    assert any(expected in line for line in raised.value.errors), raised.value.errors


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ReviewInputError) as raised:
        instance_from_dict(
            {
                "applications": [{"id": "A", "reviewers_needed": 0}, {"id": "B"}],
                "reviewers": [{"id": "E", "capacity": "many"}],
            }
        )
    assert raised.value.errors == [
        "applications[0].reviewers_needed：不能小于 1",
        "applications[1].reviewers_needed：缺少该字段",
        "reviewers[0].capacity：必须是整数",
    ]


def test_command_line_solves_and_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.json"
    source.write_text(
        json.dumps(
            {
                "applications": [{"id": "A1", "org": "O1", "reviewers_needed": 2}],
                "reviewers": [
                    {"id": "E1", "org": "O1", "capacity": 1},
                    {"id": "E2", "org": "O2", "capacity": 1},
                ],
                "affinity": [["A1", "E1", 0.9], ["A1", "E2", 0.3]],
                "conflicts": [],
            }
        ),
        encoding="utf-8",
    )
    target = tmp_path / "out.json"
    assert cli.main(["--input", str(source), "--output", str(target)]) == 0
    answer = json.loads(target.read_text(encoding="utf-8"))
    assert answer["assignments"] == [{"application": "A1", "reviewer": "E2"}]
    assert answer["unfilled"][0]["application"] == "A1"
    assert answer["unfilled"][0]["missing"] == 1
    assert "1 位与申报单位同单位" in answer["unfilled"][0]["reason"]

    assert (
        cli.main(
            [
                "--input",
                str(target),
                "--output",
                str(tmp_path / "x.json"),
                "--current",
                str(target),
                "--declined",
                "A1:E2",
            ]
        )
        == 2
    )  # the answer file is not an instance
    source_bad = tmp_path / "bad.json"
    source_bad.write_text("{not json", encoding="utf-8")
    assert cli.main(["--input", str(source_bad), "--output", "-"]) == 2
    assert "不是有效的 JSON" in capsys.readouterr().err
    assert cli.main(["--input", str(source), "--output", "-", "--declined", "A1:E2"]) == 2

    assert (
        cli.main(
            ["--input", str(source), "--output", str(target), "--current", str(target), "--declined", "A1:E2"]
        )
        == 0
    )
    replaced = json.loads(target.read_text(encoding="utf-8"))
    assert replaced["assignments"] == []
    assert replaced["unfilled"][0]["missing"] == 2
