"""Definitions as data: JSON round trip, a stable content hash, Chinese errors naming the item, and
the two shipped definition files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from baiqianwan.indicators.engine import (
    FORMAT,
    Component,
    CompositeIndex,
    DataElement,
    Dataset,
    DefinitionError,
    Direction,
    ElementKind,
    Hierarchy,
    Indicator,
    IndicatorSystem,
    Normalisation,
    Rule,
    RuleKind,
    assess,
    compile_formula,
    content_hash,
    default_data_dir,
    dump_system,
    load_shipped,
    load_system,
    system_from_dict,
    system_from_json,
    system_to_dict,
    system_to_json,
    validate,
)


def tiny() -> IndicatorSystem:
    return IndicatorSystem(
        code="tiny",
        name="小体系",
        version="1.0",
        elements=(
            DataElement("a", "甲", unit="家", levels=("town",)),
            DataElement("b", "乙", ElementKind.PERCENT),
        ),
        indicators=(
            Indicator("ia", "甲指标", "#{a} / 2", Direction.HIGHER_BETTER, "家", ("town",)),
            Indicator(
                "ib",
                "乙指标",
                "#{b}",
                Direction.LOWER_BETTER,
                "%",
                ("town",),
                Normalisation.TARGET,
                ((2025, 10.0), (2027, 5.0)),
            ),
        ),
        indices=(CompositeIndex("total", "总分", (Component("ia", 0.6), Component("ib", 0.4)), ("town",)),),
        rules=(
            Rule("a_le_b", RuleKind.COMPARE, formula="#{a} <= #{b}", message="甲（{a}）不能大于乙（{b}）"),
        ),
    )


# The hash of tiny(): if this changes, every published result would point at a definition that
# no longer hashes the same. Change it only together with a format version.
TINY_HASH = "454478c78ce82258ad9a5232c528153db2a914b035999acf3387572d95b35989"


def test_round_trip_through_json(tmp_path: Path) -> None:
    system = tiny()
    data = system_to_dict(system)
    assert data["format"] == FORMAT
    assert system_from_dict(data) == system
    assert system_from_json(system_to_json(system)) == system
    path = tmp_path / "tiny.json"
    dump_system(system, path)
    assert load_system(path) == system
    assert json.loads(path.read_text(encoding="utf-8")) == data


def test_content_hash_is_stable() -> None:
    system = tiny()
    assert content_hash(system) == system.content_hash() == TINY_HASH
    # independent of key order and layout of the file it was read from
    shuffled = json.dumps(dict(reversed(list(system_to_dict(system).items()))), ensure_ascii=True, indent=4)
    assert system_from_json(shuffled).content_hash() == TINY_HASH
    # any change of meaning changes it
    changed = copy.deepcopy(system_to_dict(system))
    changed["indices"][0]["components"][0]["weight"] = 0.61
    assert system_from_dict(changed).content_hash() != TINY_HASH
    renamed = copy.deepcopy(system_to_dict(system))
    renamed["indicators"][0]["formula"] = "#{a}/2"
    assert system_from_dict(renamed).content_hash() != TINY_HASH
    # items hash on their own too
    assert content_hash(system.indicators[0]) != content_hash(system.indicators[1])


def errors_of(data: Any) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        system_from_dict(data)
    return info.value.errors


def test_validation_errors_name_the_item_in_chinese() -> None:
    data = system_to_dict(tiny())
    data["elements"].append({"code": "note", "name": "备注", "kind": "text"})
    data["elements"].append({"code": "a", "name": "重复"})
    data["indicators"][0]["formula"] = "(#{a} / 2"
    data["indicators"][1]["direction"] = "up"
    data["indicators"].append({"code": "ic", "name": "丙", "formula": "#{zz} + #{note}", "wieght": 1})
    data["indicators"].append({"code": "id", "name": "丁", "formula": "#{a}", "normalisation": "target"})
    data["indicators"].append({"code": "ie", "name": "戊", "formula": "#{a}", "targets": {"明年": 1}})
    data["indices"].append(
        {
            "code": "loop1",
            "name": "环一",
            "components": [{"ref": "loop2", "weight": 1}, {"ref": "nope", "weight": 0}],
        }
    )
    data["indices"].append({"code": "loop2", "name": "环二", "components": [{"ref": "loop1", "weight": 1}]})
    data["indices"].append({"code": "bad.levels", "name": "层级", "levels": ["hamlet"], "components": []})
    data["rules"].append({"code": "r1", "kind": "range", "element": "a", "min": 5, "max": 1})
    data["rules"].append({"code": "r2", "kind": "compare", "formula": "#{a} > 0"})
    data["rules"].append({"code": "r3", "kind": "compare", "formula": "#{a} > 0", "message": "{x} 错"})
    data["rules"].append({"code": "r4", "kind": "required", "element": "ghost"})
    data["rules"].append({"code": "r5", "kind": "outlier", "element": "note"})
    data["rules"].append(
        {"code": "r6", "kind": "outlier", "element": "a", "method": "jump", "threshold": 0.5}
    )
    errors = errors_of(data)
    expected = [
        "数据元素编码“a”重复",
        "指标“ia”（甲指标）：公式第 10 个字符处缺少右括号（与第 1 个字符处的左括号配对）",
        "指标“ib”：字段“direction”的取值“up”无效，可选：higher_better（越大越好）、lower_better（越小越好）",
        "指标“ic”：未知字段“wieght”",
        "指标“ic”（丙）：公式第 1 个字符处：未知的数据元素“zz”",
        "指标“id”（丁）：按目标值标准化的指标必须给出目标值（targets）",
        "指标“ie”：目标年份“明年”应为四位数字年份",
        "综合指数“loop1”（环一）：组成项“nope”既不是指标也不是综合指数",
        "综合指数“loop1”（环一）：组成项“nope”的权重必须大于 0",
        "综合指数之间存在循环引用：loop1 → loop2 → loop1",
        "综合指数“bad.levels”：字段“levels[0]”的取值“hamlet”无效，可选：province（省）",
        "综合指数“bad.levels”（层级）：至少需要一个组成项",
        "校验规则“r1”：min 不能大于 max",
        "校验规则“r2”：逻辑关系规则必须给出提示信息（message）",
        "校验规则“r3”：提示信息中的占位符“{x}”不是数据元素编码",
        "校验规则“r4”：数据元素“ghost”不存在",
        "校验规则“r5”：文本型数据元素不能设置异常值规则",
        "校验规则“r6”：变动倍数阈值必须大于 1",
    ]
    for fragment in expected:
        assert any(fragment in e for e in errors), (fragment, errors)
    assert "未知的数据元素“zz”" in str(DefinitionError(errors))


def test_text_element_in_formula_and_structural_errors() -> None:
    data = system_to_dict(tiny())
    data["elements"].append({"code": "note", "name": "备注", "kind": "text"})
    data["indicators"][0]["formula"] = "#{a} + #{note}"
    assert any("文本型数据元素“note”不能参与计算" in e for e in errors_of(data))
    assert errors_of([1, 2]) == ["指标体系：应为 JSON 对象"]
    assert "缺少必填字段“version”" in errors_of({"format": FORMAT, "code": "x", "name": "x"})[0]
    wrong_format = system_to_dict(tiny()) | {"format": "other/9"}
    assert any("不支持的文件格式" in e for e in errors_of(wrong_format))
    bad_types = system_to_dict(tiny())
    bad_types["indices"][0]["components"][0]["weight"] = "0.6"
    bad_types["elements"][0]["levels"] = "town"
    bad_types["indicators"] = {"not": "a list"}
    errors = errors_of(bad_types)
    assert '综合指数“total”：字段“components[0].weight”应为数字，实际为 "0.6"' in errors
    assert "数据元素“a”：字段“levels”应为列表" in errors
    assert "指标体系：字段“indicators”应为列表" in errors
    with pytest.raises(DefinitionError, match="JSON 格式错误：第 1 行"):
        system_from_json("{oops")
    with pytest.raises(DefinitionError, match="找不到指标体系文件"):
        load_system("/nonexistent/system.json")
    with pytest.raises(DefinitionError, match="没有名为“nothing”的内置指标体系"):
        load_shipped("nothing")


def test_a_broken_file_lists_every_problem_at_once() -> None:
    data = {
        "format": "other/9",
        "code": "1x",
        "name": " ",
        "version": None,
        "elements": [3, {"code": "b"}],
        "x": 1,
    }
    assert errors_of(data) == [
        "指标体系：不支持的文件格式“other/9”（应为 baiqianwan.indicator-system/1）",
        "指标体系：编码“1x”不合法：只能由字母、数字、下划线和点组成，并以字母开头",
        "指标体系：字段“name”不能为空",
        "指标体系：字段“version”应为文本，实际为 null",
        "数据元素（第 1 项）：应为 JSON 对象",
        "数据元素“b”：缺少必填字段“name”",
        "指标体系：未知字段“x”（允许的字段：format、code、name、version、description、source、elements、"
        "indicators、indices、rules）",
    ]


def test_wrong_types_missing_and_unknown_keys_are_named_with_the_item() -> None:
    data = system_to_dict(tiny())
    data["indicators"][0]["targets"] = [10]
    data["indicators"][1].pop("formula")
    data["indices"][0]["grades"] = [{"name": "优", "min_score": "高", "colour": "green"}]
    data["rules"][0]["kind"] = None
    data["rules"].append({"code": "r9", "kind": "outlier", "element": "a", "min_history": -1, "window": 1.5})
    assert errors_of(data) == [
        '指标“ia”：字段“targets”应为 {"年份": 目标值} 形式的对象',
        "指标“ib”：缺少必填字段“formula”",
        '综合指数“total”：字段“grades[0].min_score”应为数字，实际为 "高"',
        "综合指数“total”：未知字段“grades[0].colour”（允许的字段：name、min_score）",
        "校验规则“a_le_b”：字段“kind”的取值“None”无效，可选：range（取值范围）、required（必填）、"
        "integer（整数）、compare（逻辑关系）、outlier（异常值）",
        "校验规则“r9”：字段“min_history”应为非负整数，实际为 -1",
        "校验规则“r9”：字段“window”应为非负整数，实际为 1.5",
        # ib was left out for its missing formula, so the index that uses it is checked without it
        "综合指数“total”（总分）：组成项“ib”既不是指标也不是综合指数",
    ]


# --- the shipped files -------------------------------------------------------------------------

POLICY_THEMES = {"科技特派员服务", "科技需求解决", "成果转化", "科技金融", "科创载体", "专业镇", "人才与科普"}


def test_county_town_system_file() -> None:
    system = load_shipped("county_town_system")
    path = default_data_dir() / "indicators" / "county_town_system.json"
    assert system == system_from_json(path.read_text(encoding="utf-8"))
    assert 30 <= len(system.indicators) <= 60
    assert {i.theme for i in system.indicators} == POLICY_THEMES
    assert {lv for i in system.indicators for lv in i.levels} == {"county", "town", "village"}
    for ind in system.indicators:
        compiled = compile_formula(ind.formula, system.catalogue)
        for code in compiled.references:
            element = system.element_map[code]
            assert not element.levels or set(element.levels) & {"county", "town", "village"}
        assert ind.clause.startswith(("三", "四", "二")), ind.code
    for index in system.indices:
        assert sum(index.weights) == pytest.approx(1.0)
        assert sum(c.weight for c in index.components) == pytest.approx(1.0), index.code
    # the file on disk is exactly what the exporter writes
    assert path.read_text(encoding="utf-8") == system_to_json(system)


def test_specialised_town_acceptance_file() -> None:
    system = load_shipped("specialised_town_acceptance")
    total = system.index_map["acceptance"]
    dimensions = [system.index_map[c.ref] for c in total.components]
    assert [d.name for d in dimensions] == ["企业发展", "平台建设", "产业集聚", "科技成果转化", "人才建设"]
    assert sum(c.weight for c in total.components) == pytest.approx(1.0)
    for dim in dimensions:
        assert 3 <= len(dim.components) <= 5
        assert sum(c.weight for c in dim.components) == pytest.approx(1.0)
        assert all(c.ref in system.indicator_map for c in dim.components)
    assert [g.name for g in total.grades] == ["优秀", "良好", "合格", "不合格"]
    assert all(i.clause == "三、(五)" and i.targets for i in system.indicators)
    names = {e.name for e in system.elements}
    for needed in (
        "规模以上工业企业数",
        "高新技术企业数",
        "省级以上创新平台数",
        "技术合同成交额",
        "专利授权数",
        "引进人才数",
    ):
        assert needed in names


def test_acceptance_evaluation_of_two_towns() -> None:
    system = load_shipped("specialised_town_acceptance")
    h = Hierarchy(["town_a", "town_b"], [-1, -1], ["town", "town"])
    strong = {
        "above_scale_enterprises": 80,
        "hnte": 25,
        "sme_tech": 45,
        "firms_with_rd": 40,
        "rd_spend": 30000,
        "industrial_output": 1_200_000,
        "provincial_platforms": 6,
        "public_service_platforms": 2,
        "coop_projects": 18,
        "platform_services": 350,
        "leading_industry_output": 700_000,
        "leading_industry_enterprises": 65,
        "standards": 6,
        "tech_contract_value": 3500,
        "patents_granted": 900,
        "invention_patents": 40,
        "new_product_output": 320_000,
        "achievements_transferred": 16,
        "talents_introduced": 90,
        "rd_staff": 2500,
        "employees": 50_000,
        "commissioners_on_duty": 6,
        "trainees": 1600,
    }
    values = {}
    for code, v in strong.items():
        # town_a meets every 2027 target and grew 10 % a year; town_b reports half and skips patents
        a = np.array([v / 1.1, float(v)])
        b = a / 2 if code not in ("patents_granted", "invention_patents") else np.array([np.nan, np.nan])
        values[code] = np.stack([a, b])
    ds = Dataset(h, ["2026", "2027"], values)
    result = assess(system, ds)
    score = result.full("acceptance")[:, 1]
    assert score[0] == pytest.approx(100.0)
    assert 30 < score[1] < 70
    grades = result.items["acceptance"].grade
    assert grades is not None
    assert grades[:, 1].tolist() == [0, 3]  # 优秀, 不合格
    # the missing patents count as 0 in the dimension, and rules find nothing wrong in these figures
    assert result.full("d_transfer")[1, 1] < result.full("d_transfer")[0, 1] / 2
    report = validate(system, ds, periods=[1])
    assert {f.rule for f in report.findings} == {"construction_report_required"}
