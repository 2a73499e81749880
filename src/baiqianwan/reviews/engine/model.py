"""The reviewer-assignment problem as data: what the solver reads, what it answers, and the checks
that turn a malformed input into a list of Chinese messages naming each bad place."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import Field, StrictInt, StrictStr, ValidationError

from baiqianwan.calls.engine.inputs import MAX_ERRORS, InputError, StrictModel

# Affinities are floats; min-cost flow needs integers. ×1000 keeps three decimals: finer
# differences are rounded away when choosing; reported totals are sums of the input floats.
SCALE = 1000
MAX_AFFINITY = 1000
MAX_REVIEWERS_NEEDED = 50
MAX_CAPACITY = 10_000

Id = StrictStr | StrictInt


class ReviewInputError(InputError):
    """The assignment problem is malformed; `errors` lists every problem found, in Chinese."""


class _ApplicationIn(StrictModel):
    id: Id
    org: Id | None = None
    reviewers_needed: Annotated[int, Field(strict=True, ge=1, le=MAX_REVIEWERS_NEEDED)]


class _ReviewerIn(StrictModel):
    id: Id
    org: Id | None = None
    capacity: Annotated[int, Field(strict=True, ge=0, le=MAX_CAPACITY)]


Score = Annotated[float, Field(strict=True, ge=0, le=MAX_AFFINITY, allow_inf_nan=False)]


class _InstanceIn(StrictModel):
    applications: list[_ApplicationIn]
    reviewers: list[_ReviewerIn]
    affinity: list[tuple[Id, Id, Score]] = []
    conflicts: list[tuple[Id, Id]] = []


# pydantic's error types, said in Chinese; anything else reads "格式不正确".
_MESSAGES = {
    "missing": "缺少该字段",
    "extra_forbidden": "不是可识别的字段",
    "int_type": "必须是整数",
    "int_parsing": "必须是整数",
    "float_type": "必须是数字",
    "float_parsing": "必须是数字",
    "finite_number": "必须是有限的数字",
    "string_type": "必须是文本",
    "list_type": "必须是列表",
    "tuple_type": "必须是列表",
    "model_type": "必须是对象",
    "dict_type": "必须是对象",
    "too_short": "项数不足",
    "too_long": "项数过多",
}
_BOUNDS = {"greater_than_equal": "不能小于 {ge}", "less_than_equal": "不能大于 {le}"}
_TUPLE_PARTS = {"affinity": ("申报编号", "专家编号", "相关度"), "conflicts": ("申报编号", "专家编号")}


def _path(loc: Sequence[Any]) -> str:
    text = ""
    for index, part in enumerate(loc):
        if isinstance(part, int):
            parent = loc[index - 2] if index >= 2 and isinstance(loc[index - 1], int) else None
            if parent in _TUPLE_PARTS and part < len(_TUPLE_PARTS[parent]):
                text += f"[{part}]（{_TUPLE_PARTS[parent][part]}）"
            else:
                text += f"[{part}]"
        elif part in ("str", "int", "float", "function-after"):
            continue  # the union branch pydantic tried: says nothing to a reader
        else:
            text += ("." if text else "") + str(part)
    return text or "输入"


def _messages(exc: ValidationError) -> list[str]:
    seen: dict[str, str] = {}
    for error in exc.errors():
        where = _path(error["loc"])
        kind = error["type"]
        if kind in _BOUNDS:
            bounds = {k: f"{v:g}" if isinstance(v, float) else v for k, v in error.get("ctx", {}).items()}
            message = _BOUNDS[kind].format(**bounds)
        else:
            message = _MESSAGES.get(kind, "格式不正确")
        seen.setdefault(where, f"{where}：{message}")  # a union reports each branch; say it once
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class Application:
    id: Any
    org: Any
    reviewers_needed: int


@dataclass(frozen=True, slots=True)
class Reviewer:
    id: Any
    org: Any
    capacity: int


@dataclass(frozen=True)
class Instance:
    applications: tuple[Application, ...]
    reviewers: tuple[Reviewer, ...]
    affinity: dict[tuple[Any, Any], float]
    conflicts: frozenset[tuple[Any, Any]] = frozenset()

    def pair_allowed(self, application: Application, reviewer: Reviewer) -> bool:
        """A pair the solver may use: it has an affinity, no declared conflict, and the two are
        not of the same organisation."""
        key = (application.id, reviewer.id)
        return (
            key in self.affinity
            and key not in self.conflicts
            and not (application.org is not None and application.org == reviewer.org)
        )


@dataclass(frozen=True, slots=True, order=True)
class Assignment:
    application: Any
    reviewer: Any


@dataclass(frozen=True, slots=True)
class Unfilled:
    application: Any
    missing: int
    reason: str


@dataclass
class Result:
    assignments: list[Assignment]
    unfilled: list[Unfilled]
    affinity: float = 0.0
    seconds: float = 0.0
    method: str = "optimal"
    kept: list[Assignment] = field(default_factory=list)

    @property
    def filled(self) -> int:
        return len(self.assignments) + len(self.kept)

    def to_dict(self) -> dict[str, Any]:
        return {
            "assignments": [{"application": a.application, "reviewer": a.reviewer} for a in self.assignments],
            "unfilled": [
                {"application": u.application, "missing": u.missing, "reason": u.reason}
                for u in self.unfilled
            ],
        }


def _label(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def instance_from_dict(data: Any) -> Instance:
    """Validate `data` (parsed JSON) into an Instance; a ReviewInputError lists every problem."""
    try:
        parsed = _InstanceIn.model_validate(data)
    except ValidationError as exc:
        found = _messages(exc)
        raise ReviewInputError(found[0], found[:MAX_ERRORS]) from None

    errors: list[str] = []
    applications = {a.id: a for a in parsed.applications}
    reviewers = {r.id: r for r in parsed.reviewers}
    listed: tuple[tuple[Sequence[Any], str, str], ...] = (
        ([a.id for a in parsed.applications], "applications", "申报"),
        ([r.id for r in parsed.reviewers], "reviewers", "专家"),
    )
    for ids, where, noun in listed:
        seen: set[Any] = set()
        for index, item_id in enumerate(ids):
            if item_id in seen:
                errors.append(f"{where}[{index}].id：{noun}编号 {_label(item_id)} 重复")
            seen.add(item_id)

    affinity: dict[tuple[Any, Any], float] = {}
    for index, (app_id, reviewer_id, score) in enumerate(parsed.affinity):
        errors.extend(_unknown("affinity", index, app_id, reviewer_id, applications, reviewers))
        if (app_id, reviewer_id) in affinity:
            errors.append(
                f"affinity[{index}]：申报 {_label(app_id)} 与专家 {_label(reviewer_id)} 的相关度重复给出"
            )
        affinity[(app_id, reviewer_id)] = float(score)
    conflicts: set[tuple[Any, Any]] = set()
    for index, (app_id, reviewer_id) in enumerate(parsed.conflicts):
        errors.extend(_unknown("conflicts", index, app_id, reviewer_id, applications, reviewers))
        conflicts.add((app_id, reviewer_id))
    if errors:
        raise ReviewInputError(errors[0], errors[:MAX_ERRORS])

    return Instance(
        applications=tuple(Application(a.id, a.org, a.reviewers_needed) for a in parsed.applications),
        reviewers=tuple(Reviewer(r.id, r.org, r.capacity) for r in parsed.reviewers),
        affinity=affinity,
        conflicts=frozenset(conflicts),
    )


def _unknown(
    where: str,
    index: int,
    app_id: Any,
    reviewer_id: Any,
    applications: dict[Any, Any],
    reviewers: dict[Any, Any],
) -> list[str]:
    problems = []
    if app_id not in applications:
        problems.append(f"{where}[{index}][0]：申报编号 {_label(app_id)} 不在 applications 中")
    if reviewer_id not in reviewers:
        problems.append(f"{where}[{index}][1]：专家编号 {_label(reviewer_id)} 不在 reviewers 中")
    return problems


def instance_from_json(text: str) -> Instance:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReviewInputError(f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}") from None
    if not isinstance(data, dict):
        raise ReviewInputError("输入必须是一个 JSON 对象，含 applications、reviewers、affinity、conflicts")
    return instance_from_dict(data)


def assignments_from_obj(data: Any) -> list[Assignment]:
    """An earlier answer (`{"assignments": [...]}` or the list itself) as assignments."""
    items = data.get("assignments") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ReviewInputError("现行分配必须含 assignments 列表")
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or "application" not in item or "reviewer" not in item:
            raise ReviewInputError(f"assignments[{index}]：必须是含 application 和 reviewer 的对象")
        out.append(Assignment(item["application"], item["reviewer"]))
    return out
