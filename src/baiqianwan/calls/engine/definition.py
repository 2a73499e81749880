"""A call type as data: the application form (fields, units, help, attachments), the eligibility
rules with the plan's 粤东西北 tilt, the review rubric and how scores are aggregated, and — for
nominations and selections — quotas, grades and the tie-break. The province edits the file; a
call keeps the version it was published under (stored by content hash by the app).

`definition_from_dict(data)` answers a `CallType` or raises `DefinitionError` listing every problem.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from .inputs import MAX_ERRORS, InputError, StrictModel

FORMAT = "baiqianwan.call-type/1"

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Label = Annotated[str, Field(min_length=1, max_length=60)]


class DefinitionError(InputError):
    """The call-type definition is malformed; `errors` lists every problem found, in Chinese."""


class FormField(StrictModel):
    """One question of the application form."""

    code: Code
    label: Label
    type: Literal["integer", "decimal", "text", "choice", "boolean", "region"]
    unit: str = ""
    help: str = ""
    required: bool = True
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    max_length: Annotated[int, Field(ge=1, le=20000)] = 2000
    choices: list[Label] = []
    # The options are the call's, not the type's: a 攻关 guide lists its own topics when published.
    choices_from_call: bool = False
    # The indicator element whose latest approved value (of the applicant's place) fills it in at
    # first: a town applying as 创新型专业镇 starts from what it already reported.
    prefill: Code | None = None
    # Co-builders (共建单位) fill it in too, and rules may count their share.
    partners: bool = False
    # The answer names the applicant, its team or its people (a team's name, its leader): a blind
    # review hides it, and cuts it out of the other answers.
    identifies: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> FormField:
        if self.type == "choice" and not (self.choices or self.choices_from_call):
            raise ValueError("选择题须列出 choices")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("minimum 不能大于 maximum")
        return self


class AttachmentSpec(StrictModel):
    code: Code
    label: Label
    kinds: list[Literal["pdf", "jpg", "png", "xlsx", "docx", "zip"]] = ["pdf"]
    max_mb: Annotated[int, Field(ge=1, le=200)] = 20
    required: bool = True
    help: str = ""


class Threshold(StrictModel):
    """`field` (with the co-builders' share when `with_partners`) compared with a value, lower in 粤东西北."""

    kind: Literal["threshold"]
    label: Label
    field: Code
    op: Literal[">=", "<=", ">", "<"] = ">="
    value: Decimal
    ewn_value: Decimal | None = None
    with_partners: bool = False


class Ratio(StrictModel):
    """`numerator / denominator` compared with a value (e.g. 本科以上人员占专职科研人员 ≥ 50 %)."""

    kind: Literal["ratio"]
    label: Label
    numerator: Code
    denominator: Code
    op: Literal[">=", "<="] = ">="
    value: Annotated[Decimal, Field(ge=0)]
    with_partners: bool = False


class ApplicantKind(StrictModel):
    kind: Literal["applicant_kind"]
    label: Label = "申报单位类型"
    allowed: list[Literal["enterprise", "university", "institute", "government", "other"]]


class InRegion(StrictModel):
    """The applicant (or, with `field`, a region the application names) is in 粤东西北."""

    kind: Literal["east_west_north"]
    label: Label
    field: Code | None = None
    # 三(一)二是: the applicant or any partner (合作单位) in 粤东西北 is enough.
    partners: bool = False


class Flag(StrictModel):
    """A yes/no answer of the form that must be yes (e.g. 面向中小企业提供服务)."""

    kind: Literal["flag"]
    label: Label
    field: Code


class AnyOf(StrictModel):
    kind: Literal["any_of"]
    label: Label
    rules: list[Rule] = Field(min_length=2)


Rule = Annotated[Threshold | Ratio | ApplicantKind | InRegion | Flag | AnyOf, Field(discriminator="kind")]
AnyOf.model_rebuild()


class Criterion(StrictModel):
    code: Code
    label: Label
    weight: Annotated[Decimal, Field(gt=0, le=100)]
    maximum: Annotated[int, Field(ge=1, le=1000)] = 100
    # A score below this needs a written comment from the reviewer.
    comment_below: int | None = None
    help: str = ""


class Review(StrictModel):
    reviewers_per_application: Annotated[int, Field(ge=1, le=15)] = 5
    blind: bool = False
    statistic: Literal["mean", "median", "trimmed_mean", "normalised"] = "trimmed_mean"
    contested_spread: Annotated[Decimal, Field(ge=0, le=100)] = Decimal(20)
    rubric: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _weights(self) -> Review:
        total = sum(c.weight for c in self.rubric)
        if total != 100:
            raise ValueError(f"评分细则的权重合计须为 100，现为 {total}")
        codes = [c.code for c in self.rubric]
        if len(set(codes)) < len(codes):
            raise ValueError("评分细则的 code 有重复")
        return self


class Grade(StrictModel):
    label: Label
    count: Annotated[int, Field(ge=0, le=10000)]


class Selection(StrictModel):
    """What the ranking turns into: grades with numbers (awards), or places with a share reserved
    for 艰苦边远地区和基层一线 (talent), and the tie-break for equal scores."""

    grades: list[Grade] = []
    places: Annotated[int, Field(ge=0, le=100000)] | None = None
    grassroots_share: Annotated[Decimal, Field(ge=0, le=1)] = Decimal(0)
    grassroots_field: Code | None = None
    ewn_first_among_equals: bool = False


class CallType(StrictModel):
    format: Literal["baiqianwan.call-type/1"]
    code: Code
    name: Label
    version: Annotated[str, Field(min_length=1, max_length=30)]
    measure: str = ""
    source: str = ""
    description: str = ""
    # enrolment: nobody applies through the form; the app that owns the records (a project's
    # acceptance) enrols them, already checked, and the call runs the expert review and 公示.
    mode: Literal["application", "nomination", "enrolment"] = "application"
    result: Literal["carrier", "award", "talent", "project", "town", "acceptance"]
    # Who applies: a unit through its account, or a town through its government (the town's own
    # account applies for it; 创新型专业镇认定).
    applicant: Literal["organisation", "town"] = "organisation"
    carrier_kind: str = ""
    validity_years: Annotated[int, Field(ge=0, le=20)] = 0
    nominator_quota: Annotated[int, Field(ge=0, le=1000)] = 0
    # How many applications one unit may submit to one call (teams of one university, say).
    per_applicant: Annotated[int, Field(ge=1, le=100)] = 1
    # Who may join as a partner: co-builders of a carrier are public institutions; a 攻关 project
    # also takes enterprises and cooperatives.
    partner_kinds: list[
        Literal["university", "institute", "new_rd", "enterprise", "cooperative", "family_farm", "extension"]
    ] = ["university", "institute", "new_rd"]
    partner_label: Annotated[str, Field(min_length=2, max_length=10)] = "共建单位"
    fields: list[FormField] = Field(min_length=1)
    attachments: list[AttachmentSpec] = []
    eligibility: list[Rule] = []
    review: Review
    selection: Selection = Selection()

    @model_validator(mode="after")
    def _references(self) -> CallType:
        known = {f.code: f for f in self.fields}
        problems = []
        if len(known) < len(self.fields):
            problems.append("fields 中有重复的 code")
        attachment_codes = [a.code for a in self.attachments]
        if len(set(attachment_codes)) < len(attachment_codes):
            problems.append("attachments 中有重复的 code")
        for rule in _walk(self.eligibility):
            for name in _field_refs(rule):
                field = known.get(name)
                if field is None:
                    problems.append(f"规则“{rule.label}”引用的字段 {name} 不在 fields 中")
                elif isinstance(rule, Threshold | Ratio) and field.type not in ("integer", "decimal"):
                    problems.append(f"规则“{rule.label}”的字段 {name} 须是数值")
                elif isinstance(rule, Flag) and field.type != "boolean":
                    problems.append(f"规则“{rule.label}”的字段 {name} 须是是否题（boolean）")
                elif isinstance(rule, InRegion) and field.type != "region":
                    problems.append(f"规则“{rule.label}”的字段 {name} 须是地区（region）")
                if getattr(rule, "with_partners", False) and field is not None and not field.partners:
                    problems.append(f"规则“{rule.label}”计入共建单位，但字段 {name} 未设 partners")
        if self.selection.grassroots_field and self.selection.grassroots_field not in known:
            problems.append(f"selection.grassroots_field {self.selection.grassroots_field} 不在 fields 中")
        if self.mode == "nomination" and not self.nominator_quota:
            problems.append("提名制（nomination）须设每个提名单位的名额 nominator_quota")
        if problems:
            raise ValueError("；".join(problems))
        return self

    def field(self, code: str) -> FormField:
        return next(f for f in self.fields if f.code == code)


def _walk(rules: Sequence[Any]) -> list[Any]:
    out = []
    for rule in rules:
        out.append(rule)
        if isinstance(rule, AnyOf):
            out.extend(_walk(rule.rules))
    return out


def _field_refs(rule: Any) -> list[str]:
    if isinstance(rule, Threshold | Flag):
        return [rule.field]
    if isinstance(rule, Ratio):
        return [rule.numerator, rule.denominator]
    if isinstance(rule, InRegion) and rule.field:
        return [rule.field]
    return []


# pydantic's error types, in Chinese; anything else reads "格式不正确".
_MESSAGES = {
    "missing": "缺少该项",
    "extra_forbidden": "不是可识别的项",
    "int_type": "须是整数",
    "int_parsing": "须是整数",
    "decimal_parsing": "须是数字",
    "decimal_type": "须是数字",
    "string_type": "须是文本",
    "bool_type": "须是 true 或 false",
    "bool_parsing": "须是 true 或 false",
    "list_type": "须是列表",
    "model_type": "须是对象",
    "literal_error": "取值不在可选范围内",
    "union_tag_invalid": "kind 不是可识别的规则类型",
    "union_tag_not_found": "缺少 kind",
    "string_pattern_mismatch": "只能用小写英文字母、数字和下划线，以字母开头",
    "string_too_short": "不能为空",
    "string_too_long": "太长",
    "too_short": "项数不足",
}
_BOUNDS = {
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "须大于 {gt}",
    "less_than_equal": "不能大于 {le}",
}


def _path(loc: Sequence[Any]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in ("threshold", "ratio", "applicant_kind", "east_west_north", "flag", "any_of"):
            continue  # the union branch: the path already names the rule
        else:
            text += ("." if text else "") + str(part)
    return text or "定义"


def _messages(exc: ValidationError) -> list[str]:
    out = []
    for error in exc.errors():
        kind = error["type"]
        if kind == "value_error":
            message = str(error.get("ctx", {}).get("error", error["msg"]))
        elif kind in _BOUNDS:
            message = _BOUNDS[kind].format(**{k: str(v) for k, v in error.get("ctx", {}).items()})
        else:
            message = _MESSAGES.get(kind, "格式不正确")
        out.append(f"{_path(error['loc'])}：{message}")
    return out


def definition_from_dict(data: Any) -> CallType:
    if not isinstance(data, dict):
        raise DefinitionError("申报类型定义须是一个 JSON 对象")
    try:
        return CallType.model_validate(data)
    except ValidationError as exc:
        errors = _messages(exc)
        raise DefinitionError(errors[0], errors[:MAX_ERRORS]) from None


def definition_from_json(text: str) -> CallType:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError(f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}") from None
    return definition_from_dict(data)


def content_hash(data: Any) -> str:
    """SHA-256 of the canonical JSON: the same definition always hashes the same."""
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
