#!/usr/bin/env python3
"""Check the shipped data files: the plan as data and the rural industry taxonomy.

数据文件检查：data/plan/plan.json（实施方案结构化数据）和
data/industries/industries.json（广东乡村产业分类）。

Usage::

    python scripts/check_data_files.py          # print counts; exit 1 on any problem
    python scripts/check_data_files.py --json   # counts as JSON on stdout

The plan is checked against the policy text itself: every quoted text must occur
verbatim in ``data/plan/policy-zh-hans.txt`` (a byte-identical copy of
``../shared/programme/policy-zh-hans.txt`` kept in the repository so the check does not
depend on a path outside it; the shared file is used only if the copy is missing).
Each task's intro, numbered measures (一是、二是……) and unit bracket must rebuild the
task paragraph exactly, so no sentence can be dropped or altered unnoticed, and the
number of measures must equal the number of ordinals in section 三 of the policy.

Problems are reported in Chinese on stderr. Python 3.11+, standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PLAN_JSON = REPO / "data" / "plan" / "plan.json"
POLICY_COPY = REPO / "data" / "plan" / "policy-zh-hans.txt"
POLICY_SHARED = REPO.parent / "shared" / "programme" / "policy-zh-hans.txt"
INDUSTRIES_JSON = REPO / "data" / "industries" / "industries.json"

DOC_NUMBER = "粤科农字〔2023〕116号"
GOAL_CLAUSE = "二、工作目标"
GOAL_YEARS = (2025, 2027, 2035)
TASKS_HEADING = "三、任务计划"
SAFEGUARDS_HEADING = "四、保障措施"
CN_ORDINALS = "一二三四五六七八九十"
TASK_COUNT = 8
SAFEGUARD_COUNT = 4
TITLE_MAX = 20

THEMES = ("总体", "攻关", "转化", "金融", "载体", "专业镇", "特派员", "要素", "人才")
TASK_CAPABILITIES = (
    "demands",
    "calls",
    "market",
    "finance",
    "carriers",
    "towns",
    "commissioners",
    "outposts",
    "awards",
    "talent",
    "outreach",
    "assessment",
    "cases",
)
# Safeguards (四) may also point at the task list itself, or at nothing.
CAPABILITIES = (*TASK_CAPABILITIES, "plan")
KPI_SOURCES = ("live", "reported")

KPI_CODE = re.compile(r"KPI-[A-Z0-9]+(?:-[A-Z0-9]+)*")
DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
DATE_TEXT = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
MEASURE_ORDINAL = re.compile(r"[一二三四五六七八九十]是")
UNITS = re.compile(r"\((?P<lead>[^(),]+)牵头,(?P<resp>[^(),]+)(?P<duty>按职责落实)\)")
CATEGORY_CODE = re.compile(r"[A-Z]+")
CHILD_SUFFIX = re.compile(r"[A-Z0-9]+")
GB_CODE = re.compile(r"[A-Z]\d{2,4}")
NAME_MAX = 40  # Industry.name max_length in the industries app

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NOT_COUNTS = {"批", "些", "系"}  # 一批、一些、一系列


class DataFileError(Exception):
    """A data file is missing or is not valid JSON."""


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def error(self, message: str) -> None:
        self.errors.append(message)

    def warn(self, message: str) -> None:
        self.warnings.append(message)


# ---------------------------------------------------------------- loading


def load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataFileError(f"无法读取 {path}：{exc.strerror or exc}") from exc
    except ValueError as exc:
        raise DataFileError(f"{path} 不是有效的 JSON：{exc}") from exc


def load_policy_text(*, copy: Path = POLICY_COPY, shared: Path = POLICY_SHARED) -> tuple[str, list[str]]:
    """The policy text (the repository copy, else the shared file) and any warnings."""
    warnings: list[str] = []
    if copy.is_file():
        text = copy.read_text(encoding="utf-8")
        if shared.is_file() and shared.read_bytes() != copy.read_bytes():
            warnings.append(f"{_rel(copy)} 与 {shared} 内容不一致，请确认政策原文是否更新")
        return text, warnings
    if shared.is_file():
        warnings.append(f"缺少 {_rel(copy)}，改用 {shared}")
        return shared.read_text(encoding="utf-8"), warnings
    raise DataFileError(f"找不到政策原文：{_rel(copy)} 和 {shared} 都不存在")


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- the policy's own structure


def chinese_number(text: str) -> int | None:
    """The number a numeral prefix denotes: "千名" → 1000, "两千" → 2000, "1000人" → 1000.

    "一批"、"一些" denote no number and give None.
    """
    match = re.match(r"\d+", text)
    if match:
        return int(match.group(0))
    total = section = digit = 0
    seen = False
    consumed = 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
            seen = True
        elif char in _UNITS:
            unit = _UNITS[char]
            if unit == 10000:
                total += (section + digit) * unit
                section = 0
            else:
                section += (digit or 1) * unit
            digit = 0
            seen = True
        else:
            break
        consumed += 1
    if text[consumed : consumed + 1] in NOT_COUNTS:
        return None  # 一批、一些 are not numbers
    return total + section + digit if seen else None


def _section(lines: list[str], start: str, end: str | None) -> list[str]:
    i = lines.index(start)
    j = lines.index(end) if end else len(lines)
    return lines[i + 1 : j]


def _headed_paragraphs(section: list[str]) -> dict[str, tuple[str, str]]:
    """{"(一)": (heading title, paragraph)} for the numbered headings of a section."""
    found: dict[str, tuple[str, str]] = {}
    for index, line in enumerate(section):
        match = re.match(r"\(([一二三四五六七八九十])\)(.+)", line)
        if match and index + 1 < len(section):
            found[f"({match.group(1)})"] = (match.group(2), section[index + 1])
    return found


def policy_structure(text: str) -> dict[str, Any]:
    """Goal paragraphs, task and safeguard paragraphs, and the measure ordinals, read from the policy."""
    lines = text.split("\n")
    goals = _section(lines, GOAL_CLAUSE, TASKS_HEADING)
    tasks = _headed_paragraphs(_section(lines, TASKS_HEADING, SAFEGUARDS_HEADING))
    safeguards = _headed_paragraphs(_section(lines, SAFEGUARDS_HEADING, None))
    ordinals = sum(len(MEASURE_ORDINAL.findall(paragraph)) for _, paragraph in tasks.values())
    return {"goal_lines": goals, "tasks": tasks, "safeguards": safeguards, "measure_ordinals": ordinals}


# ---------------------------------------------------------------- plan.json


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(_is_str(item) for item in value)


def _in_order(report: Report, where: str, container: str, parts: list[tuple[str, str]]) -> None:
    """Each (id, text) occurs in container, in the given order, without overlapping."""
    position = 0
    for item_id, part in parts:
        found = container.find(part, position)
        if found < 0:
            if part in container:
                report.error(f"{item_id}：文本在{where}中的顺序与原文不符或与前一项重叠")
            continue
        position = found + len(part)


class _PlanChecker:
    def __init__(self, plan: Any, policy_text: str) -> None:
        self.plan = plan
        self.text = policy_text
        self.policy = policy_structure(policy_text)
        self.report = Report()
        self.ids: set[str] = set()
        self.goal_items: dict[str, dict[str, Any]] = {}
        self.kpis: dict[str, dict[str, Any]] = {}

    def run(self) -> Report:
        if not isinstance(self.plan, dict):
            self.report.error("plan.json 顶层应为对象")
            return self.report
        self.check_document()
        self.check_enumerations()
        self.check_kpi_catalogue()
        self.check_goals()
        self.check_tasks()
        self.check_safeguards()
        self.check_kpis_used()
        return self.report

    # helpers
    def new_id(self, item_id: Any, pattern: str) -> bool:
        if not isinstance(item_id, str) or not re.fullmatch(pattern, item_id):
            self.report.error(f"编号 {item_id!r} 格式不正确（应匹配 {pattern}）")
            return False
        if item_id in self.ids:
            self.report.error(f"编号 {item_id} 重复")
            return False
        self.ids.add(item_id)
        return True

    def verbatim(self, where: str, value: Any, container: str | None = None, what: str = "text") -> bool:
        if not _is_str(value):
            self.report.error(f"{where}：缺少 {what}")
            return False
        haystack = self.text if container is None else container
        if value not in haystack:
            scope = "政策原文" if container is None else "所在段落"
            self.report.error(f"{where}：{what} 未在{scope}中逐字出现：{value[:40]}…")
            return False
        return True

    # sections
    def check_document(self) -> None:
        doc = self.plan.get("document")
        if not isinstance(doc, dict):
            self.report.error("缺少 document")
            return
        if doc.get("doc_number") != DOC_NUMBER:
            self.report.error(f"document.doc_number 应为 {DOC_NUMBER}")
        for key in ("title", "doc_number", "issuer_short", "addressees", "date_text", "preamble"):
            if key in doc or key in ("title", "doc_number"):
                self.verbatim(f"document.{key}", doc.get(key), what=key)
        if not _is_str(doc.get("issuer")):
            self.report.error("document.issuer 缺失")
        date = DATE.fullmatch(str(doc.get("date", "")))
        if not date:
            self.report.error("document.date 应为 YYYY-MM-DD")
        elif "date_text" in doc:
            spoken = DATE_TEXT.fullmatch(str(doc["date_text"]))
            if not spoken or tuple(int(x) for x in spoken.groups()) != tuple(int(x) for x in date.groups()):
                self.report.error("document.date 与 date_text 不一致")
        guiding = doc.get("guiding_thought")
        if guiding is not None:
            self.verbatim("document.guiding_thought", (guiding or {}).get("text"))
        digest = doc.get("text_sha256")
        if digest is not None and digest != hashlib.sha256(self.text.encode("utf-8")).hexdigest():
            self.report.error("document.text_sha256 与政策原文不符：原文已变化，请重新核对 plan.json")

    def check_enumerations(self) -> None:
        if tuple(self.plan.get("themes", ())) != THEMES:
            self.report.error(f"themes 应为 {list(THEMES)}")
        capabilities = self.plan.get("capabilities", {})
        if not isinstance(capabilities, dict) or set(capabilities) != set(CAPABILITIES):
            self.report.error(f"capabilities 的键应为 {list(CAPABILITIES)}")

    def check_kpi_catalogue(self) -> None:
        kpis = self.plan.get("kpis")
        if not isinstance(kpis, list):
            self.report.error("缺少 kpis 列表")
            return
        for kpi in kpis:
            code = kpi.get("code") if isinstance(kpi, dict) else None
            if not isinstance(code, str) or not KPI_CODE.fullmatch(code):
                self.report.error(f"KPI 代码 {code!r} 格式不正确")
                continue
            if code in self.kpis:
                self.report.error(f"KPI 代码 {code} 重复")
                continue
            self.kpis[code] = kpi
            for key in ("name", "unit", "definition"):
                if not _is_str(kpi.get(key)):
                    self.report.error(f"{code}：缺少 {key}")
            if kpi.get("source") not in KPI_SOURCES:
                self.report.error(f"{code}：source 应为 live 或 reported")
            if kpi.get("source") == "reported" and not _is_str(kpi.get("evidence")):
                self.report.error(f"{code}：填报类指标须说明 evidence（证据材料）")
            if kpi.get("capability") not in CAPABILITIES:
                self.report.error(f"{code}：capability 不在允许范围内")

    def check_goals(self) -> None:
        goals = self.plan.get("goals")
        if not isinstance(goals, list):
            self.report.error("缺少 goals 列表")
            return
        years = tuple(goal.get("year") for goal in goals if isinstance(goal, dict))
        if years != GOAL_YEARS:
            self.report.error(f"goals 的年份应依次为 {list(GOAL_YEARS)}，实为 {list(years)}")
        for goal in goals:
            if not isinstance(goal, dict):
                self.report.error("goals 中有非对象条目")
                continue
            year = goal.get("year")
            where = f"G{year}"
            self.new_id(goal.get("id"), rf"G{year}")
            if goal.get("clause") != GOAL_CLAUSE:
                self.report.error(f"{where}：clause 应为 {GOAL_CLAUSE}")
            block = goal.get("text")
            if block not in self.policy["goal_lines"]:
                self.report.error(f"{where}：text 应为“{GOAL_CLAUSE}”下的一整段原文")
                block = None
            items = goal.get("items")
            if not isinstance(items, list) or not items:
                self.report.error(f"{where}：缺少 items")
                continue
            for number, item in enumerate(items, 1):
                self.check_goal_item(item, year, number, block)
            if block:
                _in_order(self.report, f"{where} 段落", block, [(i.get("id"), i.get("text")) for i in items])

    def check_goal_item(self, item: dict[str, Any], year: Any, number: int, block: str | None) -> None:
        expected = f"G{year}-{number:02d}"
        item_id = item.get("id")
        if item_id != expected:
            self.report.error(f"目标编号应为 {expected}，实为 {item_id!r}（须从 01 起连续编号）")
        self.new_id(item_id, r"G\d{4}-\d{2}")
        where = str(item_id)
        self.goal_items[where] = item
        if item.get("year") != year:
            self.report.error(f"{where}：year 与所在年度不一致")
        if item.get("clause") != GOAL_CLAUSE:
            self.report.error(f"{where}：clause 应为 {GOAL_CLAUSE}")
        if self.verbatim(where, item.get("source_text"), block, "source_text"):
            self.verbatim(where, item.get("text"), item["source_text"])
        if item.get("theme") not in THEMES:
            self.report.error(f"{where}：theme {item.get('theme')!r} 不在允许范围内")
        kpi = item.get("kpi")
        if kpi is None:
            if not _is_str(item.get("note")):
                self.report.error(f"{where}：无 KPI 的目标须有 note 说明原因")
            return
        self.check_goal_kpi(where, item, kpi)

    def check_goal_kpi(self, where: str, item: dict[str, Any], kpi: Any) -> None:
        if not isinstance(kpi, dict):
            self.report.error(f"{where}：kpi 应为对象或 null")
            return
        code = kpi.get("code")
        entry = self.kpis.get(code) if isinstance(code, str) else None
        if entry is None:
            self.report.error(f"{where}：KPI {code!r} 不在 kpis 目录中")
        else:
            for key in ("name", "unit", "source"):
                if kpi.get(key) != entry.get(key):
                    self.report.error(f"{where}：kpi.{key} 与 kpis 目录中 {code} 不一致")
        if kpi.get("source") not in KPI_SOURCES:
            self.report.error(f"{where}：kpi.source 应为 live 或 reported")
        target = kpi.get("target")
        if target is None:
            if not _is_str(kpi.get("note")):
                self.report.error(f"{where}：目标值为空的 KPI 须有 note 说明")
            return
        if isinstance(target, bool) or not isinstance(target, int | float) or target <= 0:
            self.report.error(f"{where}：kpi.target 应为正数或 null")
            return
        # Honesty: a number may only come from the policy's own words.
        basis = kpi.get("target_basis")
        if not _is_str(basis) or basis not in str(item.get("text", "")):
            self.report.error(f"{where}：数值目标须有 target_basis，且其原文出现在该目标的 text 中")
        elif chinese_number(basis) != target:
            self.report.error(f"{where}：target {target} 与原文“{basis}”不符")

    def check_tasks(self) -> None:
        tasks = self.plan.get("tasks")
        if not isinstance(tasks, list):
            self.report.error("缺少 tasks 列表")
            return
        if len(tasks) != TASK_COUNT:
            self.report.error(f"任务应为 {TASK_COUNT} 项，实为 {len(tasks)} 项")
        measures = 0
        for number, task in enumerate(tasks, 1):
            if isinstance(task, dict):
                measures += self.check_task(task, number)
            else:
                self.report.error("tasks 中有非对象条目")
        if measures != self.policy["measure_ordinals"]:
            self.report.error(
                f"措施共 {measures} 条，但原文“{TASKS_HEADING}”中有 {self.policy['measure_ordinals']} 个“X是”"
            )

    def check_task(self, task: dict[str, Any], number: int) -> int:
        ordinal = f"({CN_ORDINALS[number - 1]})"
        task_id = f"T{number}"
        if task.get("id") != task_id:
            self.report.error(f"第 {number} 项任务编号应为 {task_id}，实为 {task.get('id')!r}")
        self.new_id(task.get("id"), r"T\d+")
        where = str(task.get("id"))
        clause = f"三、{ordinal}"
        if task.get("clause") != clause or task.get("ordinal") != ordinal:
            self.report.error(f"{where}：clause 应为 {clause}，ordinal 应为 {ordinal}")
        heading, paragraph = self.policy["tasks"].get(ordinal, (None, None))
        if paragraph is None:
            self.report.error(f"{where}：原文中找不到 {clause}")
            return 0
        if task.get("title") != heading:
            self.report.error(f"{where}：title 应为原文标题“{heading}”")
        if task.get("theme") not in THEMES:
            self.report.error(f"{where}：theme 不在允许范围内")
        lead, responsible = task.get("lead"), task.get("responsible")
        self.check_units(where, task, paragraph)
        self.verbatim(where, task.get("intro"), paragraph, "intro")
        for goal_id in task.get("related_goals", []):
            goal = self.goal_items.get(goal_id)
            if goal is None:
                self.report.error(f"{where}：related_goals 中的 {goal_id} 不存在")
            elif goal.get("theme") != task.get("theme"):
                self.report.error(f"{where}：related_goals 中的 {goal_id} 主题与任务不同")
        measures = task.get("measures")
        if not isinstance(measures, list) or not measures:
            self.report.error(f"{where}：缺少 measures")
            return 0
        for index, measure in enumerate(measures, 1):
            self.check_measure(measure, task, number, index, lead, responsible)
        rebuilt = (
            str(task.get("intro", ""))
            + "".join(str(m.get("source_text", "")) for m in measures)
            + str(task.get("units_text", ""))
        )
        if rebuilt != paragraph:
            self.report.error(f"{where}：intro + 各措施原文 + 单位括注 不能完整还原原文段落（有遗漏或改动）")
        return len(measures)

    def check_units(self, where: str, task: dict[str, Any], paragraph: str) -> None:
        units_text = task.get("units_text")
        if not _is_str(units_text) or not paragraph.endswith(units_text):
            self.report.error(f"{where}：units_text 应为段末括注原文")
            return
        match = UNITS.fullmatch(units_text)
        if not match:
            self.report.error(f"{where}：无法解析单位括注 {units_text}")
            return
        lead = match.group("lead").split("、")
        responsible = match.group("resp").split("、")
        if task.get("lead") != lead:
            self.report.error(f"{where}：lead 应为 {lead}")
        if task.get("responsible") != responsible:
            self.report.error(f"{where}：responsible 应为 {responsible}")
        if task.get("responsible_duty") != match.group("duty"):
            self.report.error(f"{where}：responsible_duty 应为“{match.group('duty')}”")

    def check_measure(
        self, measure: Any, task: dict[str, Any], number: int, index: int, lead: Any, responsible: Any
    ) -> None:
        expected = f"T{number}-M{index}"
        if not isinstance(measure, dict):
            self.report.error(f"{expected}：应为对象")
            return
        if measure.get("id") != expected:
            self.report.error(f"措施编号应为 {expected}，实为 {measure.get('id')!r}")
        self.new_id(measure.get("id"), r"T\d+-M\d+")
        where = str(measure.get("id"))
        if measure.get("clause") != task.get("clause"):
            self.report.error(f"{where}：clause 应与所属任务相同")
        ordinal = f"{CN_ORDINALS[index - 1]}是"
        if measure.get("ordinal") != ordinal:
            self.report.error(f"{where}：ordinal 应为“{ordinal}”")
        text = measure.get("text")
        if measure.get("source_text") != f"{ordinal}{text}":
            self.report.error(f"{where}：source_text 应为 ordinal + text")
        self.verbatim(where, text)
        self.check_title(where, measure.get("title"))
        if measure.get("theme") not in THEMES:
            self.report.error(f"{where}：theme 不在允许范围内")
        if measure.get("capability") not in TASK_CAPABILITIES:
            self.report.error(f"{where}：capability {measure.get('capability')!r} 不在允许范围内")
        if not _str_list(measure.get("lead")) or not measure.get("lead"):
            self.report.error(f"{where}：缺少牵头单位 lead")
        elif measure.get("lead") != lead or measure.get("responsible") != responsible:
            self.report.error(f"{where}：lead/responsible 应与所属任务括注一致")

    def check_title(self, where: str, title: Any) -> None:
        if not _is_str(title):
            self.report.error(f"{where}：缺少 title")
        elif len(title) > TITLE_MAX:
            self.report.error(f"{where}：title 超过 {TITLE_MAX} 字")

    def check_safeguards(self) -> None:
        safeguards = self.plan.get("safeguards")
        if not isinstance(safeguards, list):
            self.report.error("缺少 safeguards 列表")
            return
        if len(safeguards) != SAFEGUARD_COUNT:
            self.report.error(f"保障措施应为 {SAFEGUARD_COUNT} 项，实为 {len(safeguards)} 项")
        for number, safeguard in enumerate(safeguards, 1):
            if isinstance(safeguard, dict):
                self.check_safeguard(safeguard, number)
            else:
                self.report.error("safeguards 中有非对象条目")

    def check_safeguard(self, safeguard: dict[str, Any], number: int) -> None:
        ordinal = f"({CN_ORDINALS[number - 1]})"
        expected = f"S{number}"
        if safeguard.get("id") != expected:
            self.report.error(f"第 {number} 项保障措施编号应为 {expected}")
        self.new_id(safeguard.get("id"), r"S\d+")
        where = str(safeguard.get("id"))
        clause = f"四、{ordinal}"
        if safeguard.get("clause") != clause or safeguard.get("ordinal") != ordinal:
            self.report.error(f"{where}：clause 应为 {clause}，ordinal 应为 {ordinal}")
        heading, paragraph = self.policy["safeguards"].get(ordinal, (None, None))
        if paragraph is None:
            self.report.error(f"{where}：原文中找不到 {clause}")
            return
        if safeguard.get("title") != heading:
            self.report.error(f"{where}：title 应为原文标题“{heading}”")
        if safeguard.get("text") != paragraph:
            self.report.error(f"{where}：text 应为该条完整原文")
        measures = safeguard.get("measures", [])
        if not isinstance(measures, list):
            self.report.error(f"{where}：measures 应为列表")
            return
        for index, measure in enumerate(measures, 1):
            self.check_safeguard_measure(measure, number, index, clause, paragraph)
        _in_order(self.report, f"{where} 原文", paragraph, [(m.get("id"), m.get("text")) for m in measures])

    def check_safeguard_measure(
        self, measure: Any, number: int, index: int, clause: str, paragraph: str
    ) -> None:
        expected = f"S{number}-M{index}"
        if not isinstance(measure, dict):
            self.report.error(f"{expected}：应为对象")
            return
        if measure.get("id") != expected:
            self.report.error(f"保障措施编号应为 {expected}，实为 {measure.get('id')!r}")
        self.new_id(measure.get("id"), r"S\d+-M\d+")
        where = str(measure.get("id"))
        if measure.get("clause") != clause:
            self.report.error(f"{where}：clause 应为 {clause}")
        if self.verbatim(where, measure.get("source_text"), paragraph, "source_text"):
            self.verbatim(where, measure.get("text"), measure["source_text"])
        self.check_title(where, measure.get("title"))
        capability = measure.get("capability")
        if capability is not None and capability not in CAPABILITIES:
            self.report.error(f"{where}：capability {capability!r} 不在允许范围内")
        if not _str_list(measure.get("lead")) or not measure.get("lead"):
            self.report.error(f"{where}：缺少牵头单位 lead")
        responsible = measure.get("responsible")
        if not isinstance(responsible, list) or not _str_list(responsible):
            self.report.error(f"{where}：responsible 应为字符串列表")
        basis = measure.get("units_basis")
        if basis not in ("issuer", "text"):
            self.report.error(f"{where}：units_basis 应为 issuer 或 text")
        elif basis == "text":
            for unit in responsible or []:
                if unit not in str(measure.get("text", "")):
                    self.report.error(f"{where}：responsible 中的“{unit}”未出现在该措施原文中")

    def check_kpis_used(self) -> None:
        used = {item["kpi"]["code"] for item in self.goal_items.values() if isinstance(item.get("kpi"), dict)}
        for code in self.kpis:
            if code not in used:
                self.report.error(f"KPI {code} 未被任何目标使用")
        items = list(self.goal_items.values())
        tasks = [t for t in self.plan.get("tasks", []) if isinstance(t, dict)]
        safeguards = [s for s in self.plan.get("safeguards", []) if isinstance(s, dict)]
        kpi_items = [i for i in items if isinstance(i.get("kpi"), dict)]
        self.report.counts.update(
            {
                "goal_years": len(self.plan.get("goals", [])),
                "goal_items": len(items),
                "goal_items_with_kpi": len(kpi_items),
                "goal_items_with_numeric_target": sum(
                    1 for i in kpi_items if i["kpi"].get("target") is not None
                ),
                "kpis": len(self.kpis),
                "kpis_live": sum(1 for k in self.kpis.values() if k.get("source") == "live"),
                "kpis_reported": sum(1 for k in self.kpis.values() if k.get("source") == "reported"),
                "tasks": len(tasks),
                "measures": sum(len(t.get("measures", [])) for t in tasks),
                "policy_measure_ordinals": self.policy["measure_ordinals"],
                "safeguards": len(safeguards),
                "safeguard_measures": sum(len(s.get("measures", [])) for s in safeguards),
            }
        )


def check_plan(plan: Any, policy_text: str) -> Report:
    """Every problem in plan.json, checked against the policy text; counts in report.counts."""
    return _PlanChecker(plan, policy_text).run()


# ---------------------------------------------------------------- industries.json


def check_industries(document: Any) -> Report:
    """Every problem in the industry taxonomy; counts in report.counts."""
    report = Report()
    categories = document.get("categories") if isinstance(document, dict) else document
    if not isinstance(categories, list) or not categories:
        report.error("industries.json 缺少 categories 列表")
        return report
    codes: set[str] = set()
    names: dict[str, str] = {}
    terms: dict[str, str] = {}  # keyword or child name -> child code
    children_total = keywords_total = 0
    for category in categories:
        if not isinstance(category, dict):
            report.error("categories 中有非对象条目")
            continue
        code = category.get("code")
        if not isinstance(code, str) or not CATEGORY_CODE.fullmatch(code):
            report.error(f"一级分类代码 {code!r} 格式不正确（应为大写字母）")
            continue
        _check_code_and_name(report, code, category.get("name"), codes, names)
        for gb in category.get("gbt4754", []):
            if not isinstance(gb, str) or not GB_CODE.fullmatch(gb):
                report.error(f"{code}：gbt4754 中的 {gb!r} 不是行业代码（如 A015、C13）")
        children = category.get("children")
        if not isinstance(children, list) or not children:
            report.error(f"{code}：缺少二级分类 children")
            continue
        for child in children:
            if not isinstance(child, dict):
                report.error(f"{code}：children 中有非对象条目")
                continue
            children_total += 1
            child_code = child.get("code")
            prefix = f"{code}-"
            if (
                not isinstance(child_code, str)
                or not child_code.startswith(prefix)
                or not CHILD_SUFFIX.fullmatch(child_code[len(prefix) :])
            ):
                report.error(f"二级分类代码 {child_code!r} 应以上级代码 {prefix} 开头，后接大写字母或数字")
                continue
            name = child.get("name")
            _check_code_and_name(report, child_code, name, codes, names)
            keywords = child.get("keywords")
            if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
                report.error(f"{child_code}：keywords 应为字符串列表")
                continue
            if not keywords and not child.get("catch_all"):
                report.error(f"{child_code}：缺少关键词（兜底类须标 catch_all）")
            keywords_total += len(keywords)
            own = [name, *keywords] if isinstance(name, str) else list(keywords)
            if len(set(own)) != len(own):
                report.error(f"{child_code}：关键词重复或与名称相同")
            for term in own:
                if not term or len(term) < 2 or len(term) > NAME_MAX or re.search(r"\s", term):
                    report.error(f"{child_code}：关键词“{term}”应为 2–{NAME_MAX} 个字且不含空白")
                    continue
                other = terms.get(term)
                if other and other != child_code:
                    report.error(f"“{term}”同时出现在 {other} 和 {child_code}，自动归类会有歧义")
                terms.setdefault(term, child_code)
    for term, owner in terms.items():
        for other_term, other_owner in terms.items():
            if owner != other_owner and term != other_term and term in other_term:
                report.warn(
                    f"“{term}”（{owner}）包含于“{other_term}”（{other_owner}）中，自动归类时两类都会命中"
                )
    report.counts.update(
        {"categories": len(categories), "children": children_total, "keywords": keywords_total}
    )
    return report


def _check_code_and_name(
    report: Report, code: str, name: Any, codes: set[str], names: dict[str, str]
) -> None:
    if code in codes:
        report.error(f"分类代码 {code} 重复")
    codes.add(code)
    if not _is_str(name) or len(name) > NAME_MAX:
        report.error(f"{code}：名称缺失或超过 {NAME_MAX} 字")
        return
    if name in names:
        report.error(f"分类名称“{name}”重复（{names[name]} 与 {code}）")
    names.setdefault(name, code)


# ---------------------------------------------------------------- command line


def run_checks(
    *, plan_path: Path = PLAN_JSON, industries_path: Path = INDUSTRIES_JSON, policy_text: str | None = None
) -> tuple[Report, Report]:
    """(plan report, industries report); a missing or unreadable file is reported as an error."""
    plan_report = Report()
    try:
        warnings: list[str] = []
        if policy_text is None:
            policy_text, warnings = load_policy_text()
        plan_report = check_plan(load_json(plan_path), policy_text)
        plan_report.warnings[:0] = warnings
    except DataFileError as exc:
        plan_report.error(str(exc))
    try:
        industries_report = check_industries(load_json(industries_path))
    except DataFileError as exc:
        industries_report = Report(errors=[str(exc)])
    return plan_report, industries_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="检查 data/plan/plan.json 与 data/industries/industries.json"
    )
    parser.add_argument("--json", action="store_true", help="以 JSON 输出统计数")
    args = parser.parse_args(argv)
    plan, industries = run_checks()
    for label, report in (("plan.json", plan), ("industries.json", industries)):
        for message in report.warnings:
            print(f"提示（{label}）：{message}", file=sys.stderr)
        for message in report.errors:
            print(f"错误（{label}）：{message}", file=sys.stderr)
    if args.json:
        print(
            json.dumps({"plan": plan.counts, "industries": industries.counts}, ensure_ascii=False, indent=2)
        )
    else:
        c = plan.counts
        if c:
            print(
                f"实施方案 {_rel(PLAN_JSON)}：目标年度 {c['goal_years']} 个，目标条目 {c['goal_items']} 条"
                f"（设 KPI {c['goal_items_with_kpi']} 条，"
                f"其中数值目标 {c['goal_items_with_numeric_target']} 条），"
                f"KPI {c['kpis']} 个（live {c['kpis_live']}，reported {c['kpis_reported']}），"
                f"任务 {c['tasks']} 项，措施 {c['measures']} 条，"
                f"保障措施 {c['safeguards']} 项（分项 {c['safeguard_measures']} 条）"
            )
        i = industries.counts
        if i:
            print(
                f"产业分类 {_rel(INDUSTRIES_JSON)}：一级 {i['categories']} 类，二级 {i['children']} 类，"
                f"关键词 {i['keywords']} 个"
            )
    problems = len(plan.errors) + len(industries.errors)
    if problems:
        print(f"共 {problems} 个问题，检查未通过", file=sys.stderr)
        return 1
    print("检查通过")
    return 0


if __name__ == "__main__":
    sys.exit(main())
