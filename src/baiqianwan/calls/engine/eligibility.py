"""Eligibility: every rule of a call type applied to one application, each saying in Chinese why it
passes or fails — `专职科研人员 18 人（含共建单位 6 人）≥ 粤东西北门槛 10 人`.

    verdict = evaluate(call_type, Facts(values={...}, partners=[{...}], applicant_in_ewn=True))
    verdict.eligible, [check.text for check in verdict.checks]

Form answers are checked first by `clean_values`, which names the field of every bad answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .definition import AnyOf, ApplicantKind, CallType, Flag, FormField, InRegion, Ratio, Threshold

KIND_LABELS = {
    "enterprise": "企业",
    "university": "高等院校",
    "institute": "科研院所",
    "government": "机关事业单位",
    "other": "其他单位",
}
_HOLDS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}
_FAILS = {">=": "<", "<=": ">", ">": "≤", "<": "≥"}


@dataclass(frozen=True)
class Facts:
    """What the rules look at: the applicant's answers, each co-builder's answers to the fields
    marked `partners`, the applicant's kind and whether it is in 粤东西北, and for each region
    field whether the region it names is in 粤东西北 (with its name for the explanation)."""

    values: Mapping[str, Any]
    partners: Sequence[Mapping[str, Any]] = ()
    applicant_kind: str = "enterprise"
    applicant_in_ewn: bool = False
    regions: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    partners_in_ewn: Sequence[str] = ()  # names of the partners located in 粤东西北


@dataclass(frozen=True)
class Check:
    label: str
    passed: bool
    text: str


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    checks: tuple[Check, ...]

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]


def number(value: Decimal | int | float) -> str:
    """12, 12.5, 300 — never 12.00 or 3E+2."""
    return format(Decimal(str(value)).normalize(), "f")


def evaluate(call_type: CallType, facts: Facts) -> Verdict:
    checks = tuple(_check(call_type, rule, facts) for rule in call_type.eligibility)
    return Verdict(eligible=all(check.passed for check in checks), checks=checks)


def _check(call_type: CallType, rule: Any, facts: Facts) -> Check:
    if isinstance(rule, Threshold):
        return _threshold(call_type, rule, facts)
    if isinstance(rule, Ratio):
        return _ratio(call_type, rule, facts)
    if isinstance(rule, ApplicantKind):
        kind = KIND_LABELS.get(facts.applicant_kind, facts.applicant_kind)
        allowed = "、".join(KIND_LABELS[k] for k in rule.allowed)
        passed = facts.applicant_kind in rule.allowed
        verdict = "符合" if passed else "不符合"
        return Check(rule.label, passed, f"{rule.label}：{kind}，{verdict}（可申报：{allowed}）")
    if isinstance(rule, InRegion):
        if rule.field is None:
            if facts.applicant_in_ewn:
                return Check(rule.label, True, "申报单位位于粤东西北")
            if rule.partners and facts.partners_in_ewn:
                names = "、".join(facts.partners_in_ewn)
                return Check(rule.label, True, f"合作单位 {names} 位于粤东西北")
            who = "申报单位和合作单位均" if rule.partners else "申报单位"
            return Check(rule.label, False, f"{who}不在粤东西北")
        name, in_ewn = facts.regions.get(rule.field, ("", False))
        label = call_type.field(rule.field).label
        if not name:
            return Check(rule.label, False, f"{label}：未填写")
        return Check(rule.label, in_ewn, f"{label} {name}{'位于' if in_ewn else '不在'}粤东西北")
    if isinstance(rule, Flag):
        passed = facts.values.get(rule.field) is True
        label = call_type.field(rule.field).label
        return Check(rule.label, passed, f"{label}：{'是' if passed else '否'}")
    if isinstance(rule, AnyOf):
        parts = [_check(call_type, sub, facts) for sub in rule.rules]
        passed = any(part.passed for part in parts)
        inner = "；".join(part.text for part in parts)
        return Check(
            rule.label, passed, f"{rule.label}（满足其一{'，已满足' if passed else '，均不满足'}）：{inner}"
        )
    raise TypeError(f"unknown rule {rule!r}")


def _amount(values: Mapping[str, Any], code: str) -> Decimal | None:
    value = values.get(code)
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _with_partners(rule: Threshold | Ratio, facts: Facts, code: str) -> tuple[Decimal | None, Decimal]:
    own = _amount(facts.values, code)
    shared = Decimal(0)
    if rule.with_partners:
        for partner in facts.partners:
            shared += _amount(partner, code) or Decimal(0)
    return own, shared


def _compare(left: Decimal, op: str, right: Decimal) -> bool:
    return {">=": left >= right, "<=": left <= right, ">": left > right, "<": left < right}[op]


def _threshold(call_type: CallType, rule: Threshold, facts: Facts) -> Check:
    unit = call_type.field(rule.field).unit
    own, shared = _with_partners(rule, facts, rule.field)
    if own is None:
        return Check(rule.label, False, f"{rule.label}：未填写")
    total = own + shared
    tilted = rule.ewn_value is not None
    limit = rule.ewn_value if tilted and facts.applicant_in_ewn else rule.value
    assert limit is not None
    where = ("粤东西北" if facts.applicant_in_ewn else "珠三角") if tilted else ""
    passed = _compare(total, rule.op, limit)
    sign = _HOLDS[rule.op] if passed else _FAILS[rule.op]
    amount = f"{rule.label} {number(total)} {unit}".rstrip()
    amount += f"（含共建单位 {number(shared)} {unit}）" if shared else " "
    return Check(rule.label, passed, f"{amount}{sign} {where}门槛 {number(limit)} {unit}".rstrip())


def _ratio(call_type: CallType, rule: Ratio, facts: Facts) -> Check:
    top, top_shared = _with_partners(rule, facts, rule.numerator)
    bottom, bottom_shared = _with_partners(rule, facts, rule.denominator)
    if top is None or bottom is None:
        return Check(rule.label, False, f"{rule.label}：未填写")
    top, bottom = top + top_shared, bottom + bottom_shared
    unit = call_type.field(rule.denominator).unit
    if bottom == 0:
        return Check(
            rule.label, False, f"{rule.label}：{call_type.field(rule.denominator).label}为 0，无法计算比例"
        )
    share = top / bottom
    passed = _compare(share, rule.op, rule.value)
    sign = _HOLDS[rule.op] if passed else _FAILS[rule.op]
    percent = (share * 100).quantize(Decimal("0.1"))
    parts = f"（{number(top)}/{number(bottom)} {unit}）"
    limit = number(rule.value * 100)
    return Check(rule.label, passed, f"{rule.label} {number(percent)}%{parts}{sign} {limit}%")


def clean_values(
    call_type: CallType, raw: Mapping[str, Any], *, partner: bool = False, complete: bool = True
) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's answers typed and checked: (values, errors by field code). With `partner`, only
    the fields co-builders fill in are read, none required (what a co-builder leaves out counts as
    nothing). Without `complete` (a draft), required answers may still be missing. Text is kept as
    given (the app cleans control characters at its boundary)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in call_type.fields:
        if partner and not spec.partners:
            continue
        value, error = _clean_one(
            spec, raw.get(spec.code), required=spec.required and complete and not partner
        )
        if error:
            errors[spec.code] = f"{spec.label}：{error}"
        elif value is not None:
            values[spec.code] = value
    unknown = set(raw) - {f.code for f in call_type.fields}
    for code in sorted(unknown):
        errors[code] = f"{code}：不是本申报表的栏目"
    return values, errors


def _clean_one(spec: FormField, raw: Any, *, required: bool) -> tuple[Any, str]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, "必填" if required else ""
    if spec.type in ("integer", "decimal"):
        if isinstance(raw, bool):
            return None, "须是数字"
        try:
            value = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation:
            return None, "须是数字"
        if not value.is_finite():
            return None, "须是数字"
        if spec.type == "integer" and value != value.to_integral_value():
            return None, "须是整数"
        if spec.minimum is not None and value < spec.minimum:
            return None, f"不能小于 {number(spec.minimum)} {spec.unit}".rstrip()
        if spec.maximum is not None and value > spec.maximum:
            return None, f"不能大于 {number(spec.maximum)} {spec.unit}".rstrip()
        if abs(value) >= Decimal("1e12"):
            return None, "数值过大"
        return (int(value) if spec.type == "integer" else value), ""
    if spec.type == "boolean":
        if isinstance(raw, bool):
            return raw, ""
        text = str(raw).strip().lower()
        if text in ("是", "true", "1", "yes", "on"):
            return True, ""
        if text in ("否", "false", "0", "no", "off"):
            return False, ""
        return None, "须填“是”或“否”"
    text = str(raw).strip()
    if spec.type == "choice" and text not in spec.choices:
        return None, f"须是以下之一：{'、'.join(spec.choices)}"
    if spec.type == "region" and not (text.isdigit() and len(text) == 12):
        return None, "须是 12 位区划代码"
    if len(text) > spec.max_length:
        return None, f"不能超过 {spec.max_length} 字（现 {len(text)} 字）"
    return text, ""
