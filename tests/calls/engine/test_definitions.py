"""Call-type definitions: the shipped files load, and a broken file lists every problem by place."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from baiqianwan.calls.engine.definition import DefinitionError, content_hash, definition_from_dict

DATA = Path(__file__).resolve().parents[3] / "data" / "calls"


def shipped() -> dict[str, Any]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(DATA.glob("*.json"))}


def test_every_shipped_call_type_loads() -> None:
    loaded = {code: definition_from_dict(data) for code, data in shipped().items()}
    assert set(loaded) == {
        "engineering_centre",
        "innovative_town",
        "key_laboratory",
        "new_rd_institution",
        "project_acceptance",
        "promotion_award",
        "research_project",
        "talent_team",
    }
    for code, call_type in loaded.items():
        assert call_type.code == code
    assert loaded["promotion_award"].mode == "nomination"
    assert loaded["talent_team"].selection.ewn_first_among_equals
    # A 攻关 guide lists its own tasks; enterprises and cooperatives join as partners.
    assert loaded["research_project"].field("topic").choices_from_call
    assert "enterprise" in loaded["research_project"].partner_kinds
    # A town applies as a town, and its form starts from the indicator data it already reported.
    assert loaded["innovative_town"].applicant == "town"
    assert any(field.prefill for field in loaded["innovative_town"].fields)
    # Projects are enrolled in an acceptance batch, never applied for.
    assert loaded["project_acceptance"].mode == "enrolment"


def test_the_hash_ignores_key_order_and_sees_every_change() -> None:
    data = shipped()["engineering_centre"]
    reordered = json.loads(json.dumps(data, sort_keys=True))
    assert content_hash(reordered) == content_hash(data)
    changed = copy.deepcopy(data)
    changed["eligibility"][4]["ewn_value"] = 12
    assert content_hash(changed) != content_hash(data)


def test_a_broken_definition_lists_every_problem() -> None:
    data = copy.deepcopy(shipped()["engineering_centre"])
    data["code"] = "Engineering Centre"
    data["fields"][3]["type"] = "money"
    data["eligibility"].append({"kind": "threshold", "label": "无此字段", "field": "nothing", "value": 1})
    data["eligibility"].append({"kind": "magic", "label": "?"})
    data["review"]["rubric"][0]["weight"] = -5
    data["surprise"] = True
    with pytest.raises(DefinitionError) as raised:
        definition_from_dict(data)
    errors = raised.value.errors
    assert "code：只能用小写英文字母、数字和下划线，以字母开头" in errors
    assert "fields[3].type：取值不在可选范围内" in errors
    assert "eligibility[7]：kind 不是可识别的规则类型" in errors
    assert "review.rubric[0].weight：须大于 0" in errors
    assert "surprise：不是可识别的项" in errors


def test_cross_references_are_checked() -> None:
    data = copy.deepcopy(shipped()["engineering_centre"])
    data["eligibility"].append({"kind": "threshold", "label": "无此字段", "field": "nothing", "value": 1})
    data["eligibility"].append({"kind": "flag", "label": "不是是否题", "field": "direction"})
    data["fields"][4]["partners"] = False  # equipment_value, counted with partners by a rule
    with pytest.raises(DefinitionError) as raised:
        definition_from_dict(data)
    [message] = raised.value.errors
    assert "规则“无此字段”引用的字段 nothing 不在 fields 中" in message
    assert "规则“不是是否题”的字段 direction 须是是否题（boolean）" in message
    assert "规则“研发设备原值”计入共建单位，但字段 equipment_value 未设 partners" in message


def test_rubric_weights_must_add_up() -> None:
    data = copy.deepcopy(shipped()["new_rd_institution"])
    data["review"]["rubric"][0]["weight"] = 31
    with pytest.raises(DefinitionError, match="权重合计须为 100，现为 101"):
        definition_from_dict(data)


def test_a_nomination_needs_a_quota() -> None:
    data = copy.deepcopy(shipped()["promotion_award"])
    data["nominator_quota"] = 0
    with pytest.raises(DefinitionError, match="nominator_quota"):
        definition_from_dict(data)


@pytest.mark.parametrize("bad", [None, [], "text", 3])
def test_not_an_object(bad: Any) -> None:
    with pytest.raises(DefinitionError, match="JSON 对象"):
        definition_from_dict(bad)
