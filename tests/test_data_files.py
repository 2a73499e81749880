"""The shipped data files pass the checks of scripts/check_data_files.py (no database needed).

data/plan/plan.json is checked against the policy text it quotes, data/industries/industries.json
for well-formed, unique codes and keywords. The negative cases make sure the checks bite.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_checker() -> ModuleType:
    name = "check_data_files"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "check_data_files.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


checker = _load_checker()

# Counts derived from the policy text (see data/plan/README.md).
GOAL_YEARS = 3
GOAL_ITEMS = 29
TASKS = 8
MEASURES = 22  # 2 + 3 + 3 + 3 + 3 + 3 + 2 + 3 ordinals 一是/二是/三是 in 三、任务计划
SAFEGUARDS = 4
SAFEGUARD_MEASURES = 16
CATEGORIES = 17
CHILDREN = 106


@pytest.fixture(scope="module")
def policy_text() -> str:
    return checker.load_policy_text()[0]


@pytest.fixture
def plan() -> Any:
    return json.loads((ROOT / "data" / "plan" / "plan.json").read_text(encoding="utf-8"))


@pytest.fixture
def industries() -> Any:
    return json.loads((ROOT / "data" / "industries" / "industries.json").read_text(encoding="utf-8"))


def test_plan_passes(plan: Any, policy_text: str) -> None:
    report = checker.check_plan(plan, policy_text)
    assert report.errors == []


def test_plan_counts(plan: Any, policy_text: str) -> None:
    counts = checker.check_plan(plan, policy_text).counts
    assert counts["goal_years"] == GOAL_YEARS
    assert [goal["year"] for goal in plan["goals"]] == [2025, 2027, 2035]
    assert counts["goal_items"] == GOAL_ITEMS
    assert counts["tasks"] == TASKS
    assert counts["measures"] == MEASURES
    assert counts["policy_measure_ordinals"] == MEASURES
    assert checker.policy_structure(policy_text)["measure_ordinals"] == MEASURES
    assert counts["safeguards"] == SAFEGUARDS
    assert counts["safeguard_measures"] == SAFEGUARD_MEASURES


def test_only_the_stated_number_is_a_target(plan: Any) -> None:
    targets = {
        item["id"]: item["kpi"]["target"]
        for goal in plan["goals"]
        for item in goal["items"]
        if item["kpi"] and item["kpi"]["target"] is not None
    }
    assert targets == {"G2025-11": 1000}


def test_live_kpis_cover_the_countable_goals(plan: Any) -> None:
    live = {kpi["code"] for kpi in plan["kpis"] if kpi["source"] == "live"}
    assert {
        "KPI-COMMISSIONERS-SERVING",
        "KPI-INNOVATIVE-TOWNS",
        "KPI-COUNTY-OUTPOSTS",
        "KPI-DEMANDS-RESOLVED",
    } <= live


def test_task_units_as_in_the_brackets(plan: Any) -> None:
    first = plan["tasks"][0]
    assert first["lead"] == ["省科技厅"]
    assert first["responsible"] == ["各地市科技部门", "高校和科研院所"]
    assert first["responsible_duty"] == "按职责落实"
    assert plan["tasks"][2]["responsible"] == ["各地市科技部门"]  # 三、(三) names no universities
    assert all(m["lead"] for t in plan["tasks"] for m in t["measures"])


def test_policy_copy_is_the_text_the_plan_was_written_from(plan: Any) -> None:
    """The repository's copy matches the fingerprint in plan.json, and the shared text where present."""
    import hashlib

    text = checker.POLICY_COPY.read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == plan["document"]["text_sha256"]
    if checker.POLICY_SHARED.is_file():
        assert checker.POLICY_COPY.read_bytes() == checker.POLICY_SHARED.read_bytes()


def test_industries_pass(industries: Any) -> None:
    report = checker.check_industries(industries)
    assert report.errors == []
    assert report.warnings == []
    assert report.counts["categories"] == CATEGORIES
    assert report.counts["children"] == CHILDREN


def test_industries_name_the_guangdong_specialties(industries: Any) -> None:
    words = {
        word
        for category in industries["categories"]
        for child in category["children"]
        for word in [child["name"], *child["keywords"]]
    }
    for specialty in (
        "英德红茶",
        "潮州单丛",
        "新会陈皮",
        "化橘红",
        "梅州金柚",
        "徐闻菠萝",
        "清远鸡",
        "狮头鹅",
        "湛江对虾",
    ):
        assert specialty in words


def test_main_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert checker.main([]) == 0
    assert "检查通过" in capsys.readouterr().out


# ---------------------------------------------------------------- the checks bite


def _errors_after(plan: Any, policy_text: str) -> list[str]:
    return list(checker.check_plan(plan, policy_text).errors)


def test_altered_measure_text_is_caught(plan: Any, policy_text: str) -> None:
    changed = copy.deepcopy(plan)
    measure = changed["tasks"][0]["measures"][0]
    measure["text"] = measure["text"].replace("新品种", "新种类", 1)
    measure["source_text"] = measure["ordinal"] + measure["text"]
    errors = _errors_after(changed, policy_text)
    assert any("T1-M1" in e and "逐字" in e for e in errors)
    assert any("还原" in e for e in errors)


def test_dropped_measure_is_caught(plan: Any, policy_text: str) -> None:
    changed = copy.deepcopy(plan)
    changed["tasks"][7]["measures"].pop()
    errors = _errors_after(changed, policy_text)
    assert any("还原" in e for e in errors)
    assert any(f"{MEASURES - 1} 条" in e for e in errors)


def test_missing_lead_is_caught(plan: Any, policy_text: str) -> None:
    changed = copy.deepcopy(plan)
    changed["tasks"][1]["measures"][1]["lead"] = []
    changed["safeguards"][0]["measures"][0]["lead"] = []
    errors = _errors_after(changed, policy_text)
    assert any("T2-M2" in e and "牵头" in e for e in errors)
    assert any("S1-M1" in e and "牵头" in e for e in errors)


def test_wrong_units_are_caught(plan: Any, policy_text: str) -> None:
    changed = copy.deepcopy(plan)
    changed["tasks"][2]["responsible"] = ["各地市科技部门", "高校和科研院所"]
    assert any("T3" in e and "responsible" in e for e in _errors_after(changed, policy_text))


def test_duplicate_and_malformed_ids_are_caught(plan: Any, policy_text: str) -> None:
    changed = copy.deepcopy(plan)
    changed["goals"][0]["items"][1]["id"] = "G2025-01"
    changed["tasks"][3]["measures"][0]["id"] = "T4M1"
    errors = _errors_after(changed, policy_text)
    assert any("G2025-01 重复" in e for e in errors)
    assert any("T4M1" in e for e in errors)


def test_invented_target_is_caught(plan: Any, policy_text: str) -> None:
    changed = copy.deepcopy(plan)
    kpi = changed["goals"][0]["items"][8]["kpi"]  # 培育一批创新型专业镇: no number in the text
    kpi["target"] = 100
    assert any("G2025-09" in e and "target_basis" in e for e in _errors_after(changed, policy_text))
    changed = copy.deepcopy(plan)
    changed["goals"][0]["items"][10]["kpi"]["target"] = 2000  # 千名 is 1000
    assert any("G2025-11" in e and "千名" in e for e in _errors_after(changed, policy_text))


def test_changed_policy_text_is_caught(plan: Any, policy_text: str) -> None:
    errors = _errors_after(plan, policy_text.replace("推动千名农村科技特派员", "推动万名农村科技特派员"))
    assert any("text_sha256" in e for e in errors)
    assert any("G2025-11" in e for e in errors)


def test_industry_problems_are_caught(industries: Any) -> None:
    changed = copy.deepcopy(industries)
    fruit = next(c for c in changed["categories"] if c["code"] == "FRUIT")
    fruit["children"].append({"code": "FRUIT-LYCHEE", "name": "荔枝二", "keywords": ["荔枝干二"]})
    fruit["children"].append({"code": "VEG-MANGO", "name": "芒果二", "keywords": ["芒果干"]})
    fruit["children"].append({"code": "FRUIT-X", "name": "妃子笑品种", "keywords": ["妃子笑", "梨"]})
    errors = checker.check_industries(changed).errors
    assert any("FRUIT-LYCHEE 重复" in e for e in errors)
    assert any("VEG-MANGO" in e and "FRUIT-" in e for e in errors)
    assert any("妃子笑" in e and "歧义" in e for e in errors)
    assert any("“梨”" in e for e in errors)


def test_chinese_numbers() -> None:
    assert checker.chinese_number("千名") == 1000
    assert checker.chinese_number("两千名") == 2000
    assert checker.chinese_number("一万二千") == 12000
    assert checker.chinese_number("122个") == 122
    assert checker.chinese_number("一批") is None
    assert checker.chinese_number("批") is None
