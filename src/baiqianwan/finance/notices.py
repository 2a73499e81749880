"""Who is told what as a loan application and a compensation claim move. Called by services inside
their transaction; sent after the commit, never to the person who acted."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.notifications import notify_after_commit

from .models import CompensationClaim, LoanApplication


def unit_users(organisation_id: int) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.ORG, organisation_id=organisation_id))


def province_users() -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.PROVINCE))


def application_submitted(application: LoanApplication, *, actor: Any) -> None:
    notify_after_commit(
        unit_users(application.product.bank_id),
        actor=actor,
        title=f"收到贷款申请：{application.product.name}",
        body=f"{application.applicant.name} 申请 {application.amount:,} 元，{application.term_months} 个月",
        url=reverse("finance:application", args=[application.pk]),
    )


def application_decided(application: LoanApplication, *, actor: Any) -> None:
    notify_after_commit(
        [application.submitted_by, *unit_users(application.applicant_id)],
        actor=actor,
        title=f"贷款申请{application.get_status_display()}：{application.product.name}",
        body=application.decision_note[:300],
        url=reverse("finance:application", args=[application.pk]),
    )


def claim_submitted(claim: CompensationClaim, *, actor: Any) -> None:
    notify_after_commit(
        province_users(),
        actor=actor,
        title=f"风险补偿申请：{claim.loan.bank.name}",
        body=f"贷款 {claim.loan.contract_number}，申请补偿 {claim.compensation:,} 元",
        url=reverse("finance:loan", args=[claim.loan_id]),
    )


def claim_decided(claim: CompensationClaim, *, actor: Any) -> None:
    notify_after_commit(
        unit_users(claim.loan.bank_id),
        actor=actor,
        title=f"风险补偿{claim.get_status_display()}：贷款 {claim.loan.contract_number}",
        body=f"补偿 {claim.compensation:,} 元。{claim.note[:200]}",
        url=reverse("finance:loan", args=[claim.loan_id]),
    )
