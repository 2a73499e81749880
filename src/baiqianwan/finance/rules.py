"""Who may do what in 科技信贷: small predicates shared by services, pages and the API.

Banks are organisation accounts of a unit of kind 银行: they write only their own products, the
applications made to them and the loans they lent. Borrowers (企业, 合作社, 家庭农场) apply and see
their own. The province sets the compensation ratios and decides claims; the bureaus read their
region."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role
from baiqianwan.orgs.models import OrganisationKind

from .models import (
    ApplicationStatus,
    BorrowerKind,
    ClaimStatus,
    CompensationClaim,
    CreditProduct,
    Loan,
    LoanApplication,
    LoanStatus,
    ProductStatus,
)


def _org_kind(user: Any) -> str:
    if not (user.is_authenticated and user.role == Role.ORG and user.organisation_id):
        return ""
    return str(user.organisation.kind)


def is_bank(user: Any) -> bool:
    return _org_kind(user) == OrganisationKind.BANK


def is_borrower(user: Any) -> bool:
    return _org_kind(user) in BorrowerKind.values


def can_manage(user: Any) -> bool:
    """The province runs the scheme: ratios, claims; it may also enter a bank's product."""
    return bool(user.is_authenticated and user.is_province)


def speaks_for(user: Any, organisation_id: int | None) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.ORG
        and user.organisation_id
        and user.organisation_id == organisation_id
    )


def can_offer(user: Any) -> bool:
    return is_bank(user) or can_manage(user)


def can_edit_product(user: Any, product: CreditProduct) -> bool:
    return product.status != ProductStatus.CLOSED and (speaks_for(user, product.bank_id) or can_manage(user))


def can_apply(user: Any, product: CreditProduct) -> bool:
    return (
        product.status == ProductStatus.OPEN
        and is_borrower(user)
        and user.organisation.kind in (product.borrower_kinds or [])
    )


def can_withdraw(user: Any, application: LoanApplication) -> bool:
    return application.status == ApplicationStatus.SUBMITTED and speaks_for(user, application.applicant_id)


def can_decide(user: Any, application: LoanApplication) -> bool:
    """The bank whose product it is lends or declines."""
    return application.status == ApplicationStatus.SUBMITTED and speaks_for(user, application.product.bank_id)


def can_record_loan(user: Any) -> bool:
    """Banks record their loans (from an application, or one lent at the counter)."""
    return is_bank(user)


def can_service_loan(user: Any, loan: Loan) -> bool:
    """The lending bank records repayment or default of an active loan."""
    return loan.status == LoanStatus.ACTIVE and speaks_for(user, loan.bank_id)


def can_claim(user: Any, loan: Loan) -> bool:
    return (
        loan.under_scheme
        and loan.status == LoanStatus.DEFAULTED
        and speaks_for(user, loan.bank_id)
        and not has_claim(loan)
    )


def has_claim(loan: Loan) -> bool:
    try:
        return loan.claim is not None
    except CompensationClaim.DoesNotExist:
        return False


def can_decide_claim(user: Any, claim: CompensationClaim) -> bool:
    return claim.status == ClaimStatus.SUBMITTED and can_manage(user)


def can_pay_claim(user: Any, claim: CompensationClaim) -> bool:
    return claim.status == ClaimStatus.APPROVED and can_manage(user)


def can_set_ratios(user: Any) -> bool:
    return can_manage(user)
