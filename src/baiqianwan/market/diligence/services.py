"""Writes of the 尽职免责 cases: a unit files a case (draft), corrects it, submits it to its committee,
and enters the committee's checklist and decision — after which the case is never changed. Each
step one transaction with its history, version-checked; bad input named by field, nothing stored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.concurrency import version_check
from baiqianwan.core.money import amount
from baiqianwan.core.selectors import valid_id

from .. import checks
from ..models import (
    DILIGENCE_CHECKS,
    Deal,
    DealStatus,
    DiligenceAction,
    DiligenceCase,
    DiligenceEvent,
    DiligenceOutcome,
    DiligenceStatus,
)
from . import rules

MIN_COMMITTEE = 3


def _event(case: DiligenceCase, actor: Any, action: str, before: str, note: str = "") -> None:
    DiligenceEvent.objects.create(
        case=case, actor=actor, action=action, from_status=before, to_status=case.status, note=note[:500]
    )


def _deal(acting_user: Any, case: DiligenceCase, deal_id: Any) -> Deal:
    deal = (
        Deal.objects.for_user(acting_user)
        .filter(pk=deal_id, seller_id=case.unit_id, status=DealStatus.REGISTERED)
        .first()
        if valid_id(deal_id)
        else None
    )
    if deal is None:
        raise ValidationError(
            {
                "deal": gettext("找不到该技术交易，或它不是本单位作为卖方、已登记的交易（编号 {id}）").format(
                    id=deal_id
                )
            }
        )
    others = DiligenceCase.all_objects.filter(deal=deal).exclude(pk=case.pk)
    if others.exists():
        raise ValidationError({"deal": gettext("该技术交易已有尽职免责案件，请修改原案件")})
    return deal


def _values(case: DiligenceCase, acting_user: Any, values: dict[str, Any]) -> None:
    """Every part of the case checked at once; the transfer from the deal when one is named."""
    case.title = checks.text(values.get("title"), "title", gettext("案件名称"), limit=120, minimum=4)
    deal_id = values.get("deal_id")
    if deal_id not in (None, ""):
        deal = _deal(acting_user, case, deal_id)
        case.deal = deal
        case.transfer_title = deal.title
        case.transferred_on = deal.registered_on
        given = values.get("transfer_value")
        case.transfer_value = (
            deal.contract_value
            if given in (None, "")
            else amount(given, "transfer_value", gettext("转化时价值"), positive=True)
        )
    else:
        case.deal = None
        case.transfer_title = checks.text(
            values.get("transfer_title"), "transfer_title", gettext("转化事项"), limit=120, minimum=4
        )
        case.transferred_on = checks.past_date(
            values.get("transferred_on"), "transferred_on", gettext("转化日期")
        )
        case.transfer_value = amount(
            values.get("transfer_value"), "transfer_value", gettext("转化时价值"), positive=True
        )
    case.current_value = amount(values.get("current_value"), "current_value", gettext("现值"))
    if case.current_value >= case.transfer_value:
        raise ValidationError(
            {
                "current_value": gettext(
                    "现值 {now} 元不低于转化时价值 {then} 元：成果没有贬值，无须认定尽职免责"
                ).format(now=f"{case.current_value:,}", then=f"{case.transfer_value:,}")
            }
        )
    case.decision_process = checks.text(
        values.get("decision_process"), "decision_process", gettext("决策过程"), limit=2000, minimum=20
    )
    case.valuation_basis = checks.text(
        values.get("valuation_basis"), "valuation_basis", gettext("估值依据"), limit=2000, minimum=10
    )
    case.approvals = checks.text(
        values.get("approvals"), "approvals", gettext("已取得的审批"), limit=1000, minimum=4
    )
    case.people = checks.names(values.get("people"), "people", gettext("相关人员"))
    case.attachments = checks.text(values.get("attachments"), "attachments", gettext("附件说明"), limit=1000)


EDITED = ("deal", "unit", "created_by", "submitted_by", "decided_by")


@transaction.atomic
def diligence_case_create(*, acting_user: Any, **values: Any) -> DiligenceCase:
    """A university's, institute's or new R&D organisation's account files a case for its unit.

    ``values``: title, deal_id (a registered deal the unit sold) or transfer_title, transferred_on,
    transfer_value; current_value, decision_process, valuation_basis, approvals, people, attachments."""
    if not rules.can_file(acting_user):
        if rules.unit_account(acting_user):
            raise ValidationError(
                {
                    "unit": gettext(
                        "尽职免责案件由高校、科研院所和新型研发机构申请，本单位类型为“{kind}”"
                    ).format(kind=acting_user.organisation.get_kind_display())
                }
            )
        raise PermissionDenied(gettext("尽职免责案件由成果完成单位的账号登记"))
    case = DiligenceCase(unit=acting_user.organisation, created_by=acting_user)
    _values(case, acting_user, values)
    case.full_clean(exclude=EDITED)
    case.save()
    _event(case, acting_user, DiligenceAction.CREATE, "")
    return case


def _locked(acting_user: Any, case_id: Any, version: int | None) -> DiligenceCase:
    case = (
        DiligenceCase.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk=case_id)
        .first()
        if valid_id(case_id)
        else None
    )
    if case is None:
        raise PermissionDenied(gettext("找不到该案件，或您无权办理"))
    if not rules.speaks_for(acting_user, case.unit_id):
        raise PermissionDenied(gettext("只有申请单位的账号可以办理尽职免责案件"))
    version_check(current=case.version, expected=version)
    return case


def _not_after(case: DiligenceCase, status: str, what: str) -> None:
    if case.status != status:
        raise ValidationError(
            gettext("案件已“{status}”，不能{what}").format(status=case.get_status_display(), what=what)
        )


@transaction.atomic
def diligence_case_update(
    *, acting_user: Any, case_id: Any, version: int | None = None, **values: Any
) -> DiligenceCase:
    """The unit corrects its draft; every part is checked again."""
    case = _locked(acting_user, case_id, version)
    _not_after(case, DiligenceStatus.DRAFT, gettext("再修改"))
    _values(case, acting_user, values)
    case.full_clean(exclude=EDITED)
    case.version += 1
    case.save()
    _event(case, acting_user, DiligenceAction.EDIT, case.status)
    return case


@transaction.atomic
def diligence_case_submit(*, acting_user: Any, case_id: Any, version: int | None = None) -> DiligenceCase:
    """The draft goes to the unit's committee; from now on it is not changed."""
    case = _locked(acting_user, case_id, version)
    _not_after(case, DiligenceStatus.DRAFT, gettext("再提交"))
    before = case.status
    case.status, case.submitted_by, case.submitted_at = DiligenceStatus.SUBMITTED, acting_user, timezone.now()
    case.version += 1
    case.save(update_fields=["status", "submitted_by", "submitted_at", "version", "updated_at"])
    _event(case, acting_user, DiligenceAction.SUBMIT, before)
    return case


def _checklist(answers: Any) -> dict[str, dict[str, Any]]:
    """Each item of the policy's checklist answered yes or no; a "no" says why in its remark."""
    answers = answers if isinstance(answers, Mapping) else {}
    unknown = sorted(set(answers) - {key for key, _ in DILIGENCE_CHECKS})
    if unknown:
        raise ValidationError(
            {"checklist": gettext("审查清单没有这些项目：{keys}").format(keys="、".join(unknown)[:100])}
        )
    found: dict[str, dict[str, Any]] = {}
    for n, (key, label) in enumerate(DILIGENCE_CHECKS, start=1):
        field = f"checklist.{key}"
        answer = answers.get(key)
        answer = answer if isinstance(answer, Mapping) else {}
        ok = answer.get("ok")
        if not isinstance(ok, bool):
            raise ValidationError(
                {field: gettext("审查清单第 {n} 项“{label}”：请选择“是”或“否”").format(n=n, label=label)}
            )
        remark = checks.text(
            answer.get("remark"),
            field,
            gettext("第 {n} 项“{label}”的备注").format(n=n, label=label),
            limit=500,
        )
        if not ok and len(remark) < 4:
            raise ValidationError(
                {
                    field: gettext("审查清单第 {n} 项“{label}”为“否”，请在备注中说明（至少 4 个字）").format(
                        n=n, label=label
                    )
                }
            )
        found[key] = {"ok": ok, "remark": remark}
    return found


@transaction.atomic
def diligence_case_decide(
    *,
    acting_user: Any,
    case_id: Any,
    committee: Any,
    checklist: Any,
    outcome: str,
    reasons: str,
    version: int | None = None,
) -> DiligenceCase:
    """The unit's committee (its members named) answers the checklist and decides 免责 — only when
    every item is yes — or 不予免责, with its reasons; the case is then closed."""
    case = _locked(acting_user, case_id, version)
    _not_after(
        case,
        DiligenceStatus.SUBMITTED,
        gettext("作出决定") if case.status == DiligenceStatus.DECIDED else gettext("作出决定（须先提交）"),
    )
    members = checks.names(committee, "committee", gettext("委员会成员"), minimum=MIN_COMMITTEE)
    answers = _checklist(checklist)
    if outcome not in DiligenceOutcome.values:
        raise ValidationError({"outcome": gettext("认定结论须是“免责”或“不予免责”")})
    failed = [str(label) for key, label in DILIGENCE_CHECKS if not answers[key]["ok"]]
    if outcome == DiligenceOutcome.EXEMPT and failed:
        raise ValidationError(
            {
                "outcome": gettext("审查清单每一项均为“是”才能认定免责；以下各项为“否”：{items}").format(
                    items="、".join(failed)
                )
            }
        )
    case.reasons = checks.text(reasons, "reasons", gettext("认定理由"), limit=2000, minimum=10)
    before = case.status
    case.committee, case.checklist, case.outcome = members, answers, outcome
    case.status, case.decided_by, case.decided_at = DiligenceStatus.DECIDED, acting_user, timezone.now()
    case.version += 1
    case.save()
    _event(case, acting_user, DiligenceAction.DECIDE, before, case.get_outcome_display())
    return case
