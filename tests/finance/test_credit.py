"""科技信贷: products within their terms, applications, loans keeping the ratio of their date,
defaults, claims at the loan's own ratio, the province's decision and payment, KPI-EWN-TECH-CREDIT."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from baiqianwan.finance import services
from baiqianwan.finance.models import (
    ApplicationStatus,
    ClaimStatus,
    CompensationClaim,
    CompensationRatio,
    CreditProduct,
    Loan,
    LoanApplication,
    LoanStatus,
)
from baiqianwan.plan.selectors import LIVE_KPIS

from .conftest import lend, product_values

pytestmark = pytest.mark.django_db


def _fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


# ---- ratios -----------------------------------------------------------------------------------


def test_a_loan_keeps_the_ratio_of_the_day_it_was_lent(credit: dict[str, Any]) -> None:
    before = lend(credit, contract_number="ZJ2024-1", lent_on=dt.date(2024, 12, 31))
    after = lend(credit, contract_number="ZJ2025-1", lent_on=dt.date(2025, 1, 1))
    assert (before.region, before.ratio, before.cap) == ("ewn", Decimal("0.5000"), Decimal("3000000.00"))
    assert (after.ratio, after.cap) == (Decimal("0.6000"), None)
    assert after.ratio_version.effective_from == dt.date(2025, 1, 1)


def test_a_new_ratio_cannot_start_before_a_loan_already_lent(credit: dict[str, Any]) -> None:
    lend(credit, lent_on=dt.date(2025, 3, 1))
    with pytest.raises(ValidationError) as refused:
        services.ratio_create(
            acting_user=credit["province"], region="ewn", effective_from="2025-02-01", ratio="0.7"
        )
    assert "2025-03-02" in refused.value.message_dict["effective_from"][0]
    # 珠三角 has no loan yet, and a later 粤东西北 version leaves the loan's ratio as it was.
    services.ratio_create(
        acting_user=credit["province"], region="ewn", effective_from="2025-03-02", ratio="70%"
    )
    assert Loan.all_objects.get().ratio == Decimal("0.6000")
    assert CompensationRatio.objects.filter(region="ewn").count() == 3


@pytest.mark.parametrize(
    ("ratio", "field"),
    [("0", "ratio"), ("1.5", "ratio"), ("-0.2", "ratio"), ("abc", "ratio"), ("0.123456", "ratio")],
)
def test_ratio_values_are_checked(credit: dict[str, Any], ratio: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.ratio_create(
            acting_user=credit["province"], region="pearl", effective_from="2026-01-01", ratio=ratio
        )
    assert _fields(refused) == {field}


def test_only_the_province_sets_ratios(credit: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.ratio_create(
            acting_user=credit["bank_user"], region="ewn", effective_from="2026-01-01", ratio="0.9"
        )


def test_a_loan_under_the_scheme_needs_a_ratio_in_force(credit: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        lend(credit, lent_on=dt.date(2022, 6, 1))
    assert _fields(refused) == {"lent_on"}
    assert not Loan.all_objects.exists()


# ---- products ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount_min": "-1"}, "amount_min"),
        ({"amount_max": "1e15"}, "amount_max"),
        ({"amount_min": "5000000"}, "amount_max"),
        ({"term_max_months": 3}, "term_max_months"),
        ({"term_min_months": 0}, "term_min_months"),
        ({"rate_min": "99"}, "rate_min"),
        ({"rate_max": "3.00"}, "rate_max"),
        ({"borrower_kinds": ["bank"]}, "borrower_kinds"),
        ({"industries": ["NOT-AN-INDUSTRY"]}, "industries"),
        ({"collateral": "  "}, "collateral"),
        ({"eligible_region": "mars"}, "eligible_region"),
    ],
)
def test_bad_product_terms_are_named(credit: dict[str, Any], overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.product_create(
            acting_user=credit["bank_user"], **product_values(name="另一个产品", **overrides)
        )
    assert field in _fields(refused)
    assert CreditProduct.all_objects.count() == 1


def test_only_banks_offer_products_and_only_their_own(credit: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.product_create(acting_user=credit["coop_user"], **product_values(name="合作社不能发布"))
    with pytest.raises(PermissionDenied):
        services.product_update(
            acting_user=credit["other_bank_user"], product_id=credit["product"].pk, name="改名"
        )
    product = services.product_update(
        acting_user=credit["bank_user"], product_id=credit["product"].pk, name="特色產業科技貸", version=0
    )
    assert product.name == "特色产业科技贷"  # traditional script stored simplified


# ---- applications and loans -------------------------------------------------------------------


def test_a_cooperative_applies_and_the_bank_lends(credit: dict[str, Any]) -> None:
    application = services.application_submit(
        acting_user=credit["coop_user"],
        product_id=credit["product"].pk,
        amount="500000",
        term_months=24,
        purpose="购置香蕉组培苗和水肥一体化设备",
        industry="FRUIT-BANANA",
    )
    with pytest.raises(ValidationError):  # a second while the first waits
        services.application_submit(
            acting_user=credit["coop_user"],
            product_id=credit["product"].pk,
            amount="500000",
            term_months=24,
            purpose="再申请一次",
        )
    with pytest.raises(PermissionDenied):
        services.loan_record(
            acting_user=credit["other_bank_user"],
            application_id=application.pk,
            contract_number="X-1",
            amount="500000",
            rate="3.85",
            term_months=24,
            lent_on=dt.date.today(),
        )
    loan = services.loan_record(
        acting_user=credit["bank_user"],
        application_id=application.pk,
        contract_number="ZJ-SQ-0001",
        amount="450000",
        rate="3.85",
        term_months=24,
        lent_on=dt.date.today(),
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert (loan.borrower, loan.region, loan.under_scheme) == (credit["coop"], "ewn", True)
    assert loan.due_on.year == dt.date.today().year + 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": "5000000"}, "amount"),
        ({"amount": "50000"}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"term_months": 48}, "term_months"),
        ({"rate": "9.99"}, "rate"),
        ({"rate": "abc"}, "rate"),
        ({"lent_on": dt.date.today() + dt.timedelta(days=3)}, "lent_on"),
        ({"contract_number": ""}, "contract_number"),
        ({"borrower_uscc": "91440000MA00000000"}, "borrower_uscc"),
    ],
)
def test_a_loan_outside_the_products_terms_is_refused(
    credit: dict[str, Any], overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        lend(credit, **overrides)
    assert field in _fields(refused)
    assert not Loan.all_objects.exists()


def test_a_pearl_river_borrower_cannot_borrow_from_an_ewn_product(credit: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        services.application_submit(
            acting_user=credit["farm_user"],
            product_id=credit["product"].pk,
            amount="200000",
            term_months=12,
            purpose="扩建大棚",
        )
    assert _fields(refused) == {"product"}
    with pytest.raises(ValidationError):
        lend(credit, borrower_uscc=credit["farm"].uscc)


def test_only_borrowers_apply(credit: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.application_submit(
            acting_user=credit["university_user"],
            product_id=credit["product"].pk,
            amount="200000",
            term_months=12,
            purpose="科研",
        )
    assert not LoanApplication.all_objects.exists()


def test_the_bank_declines_with_a_reason_and_the_applicant_may_withdraw(credit: dict[str, Any]) -> None:
    first = services.application_submit(
        acting_user=credit["coop_user"],
        product_id=credit["product"].pk,
        amount="200000",
        term_months=12,
        purpose="购置设备",
    )
    with pytest.raises(ValidationError):
        services.application_decline(acting_user=credit["bank_user"], application_id=first.pk, reason="不")
    services.application_decline(
        acting_user=credit["bank_user"], application_id=first.pk, reason="经营年限不足一年"
    )
    second = services.application_submit(
        acting_user=credit["coop_user"],
        product_id=credit["product"].pk,
        amount="200000",
        term_months=12,
        purpose="购置设备",
    )
    services.application_withdraw(acting_user=credit["coop_user"], application_id=second.pk)
    statuses = set(LoanApplication.all_objects.values_list("status", flat=True))
    assert statuses == {ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN}


# ---- defaults and claims ----------------------------------------------------------------------


def test_a_default_is_claimed_and_compensated_at_the_loans_ratio(credit: dict[str, Any]) -> None:
    loan = lend(credit, lent_on=dt.date(2025, 2, 1))
    services.ratio_create(
        acting_user=credit["province"], region="ewn", effective_from="2025-06-01", ratio="0.8"
    )
    with pytest.raises(ValidationError) as refused:
        services.claim_submit(acting_user=credit["bank_user"], loan_id=loan.pk)
    assert "违约" in refused.value.message_dict["loan"][0]
    with pytest.raises(ValidationError):
        services.loan_default(
            acting_user=credit["bank_user"], loan_id=loan.pk, defaulted_on="2025-09-01", outstanding="900000"
        )
    services.loan_default(
        acting_user=credit["bank_user"], loan_id=loan.pk, defaulted_on="2025-09-01", outstanding="600000"
    )
    with pytest.raises(ValidationError):
        services.claim_submit(acting_user=credit["bank_user"], loan_id=loan.pk, recovered="700000")
    claim = services.claim_submit(acting_user=credit["bank_user"], loan_id=loan.pk, recovered="100000.50")
    assert (claim.loss, claim.ratio, claim.compensation, claim.bank_bears) == (
        Decimal("499999.50"),
        Decimal("0.6000"),
        Decimal("299999.70"),
        Decimal("199999.80"),
    )
    with pytest.raises(PermissionDenied):
        services.claim_decide(acting_user=credit["bank_user"], claim_id=claim.pk, approve=True)
    with pytest.raises(ValidationError):
        services.claim_pay(acting_user=credit["province"], claim_id=claim.pk, paid_on="2025-10-01")
    services.claim_decide(acting_user=credit["province"], claim_id=claim.pk, approve=True)
    services.claim_pay(acting_user=credit["province"], claim_id=claim.pk, paid_on="2025-10-01")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    with pytest.raises(ValidationError):
        services.claim_submit(acting_user=credit["bank_user"], loan_id=loan.pk)
    assert CompensationClaim.all_objects.count() == 1


def test_a_claim_is_capped_by_the_version_of_the_loans_day(credit: dict[str, Any]) -> None:
    big = services.product_create(
        acting_user=credit["bank_user"],
        publish=True,
        **product_values(name="大额科技贷", eligible_region="pearl", amount_max="10000000"),
    )
    loan = lend(credit, product_id=big.pk, borrower_uscc=credit["farm"].uscc, amount="6000000")
    services.loan_default(
        acting_user=credit["bank_user"], loan_id=loan.pk, defaulted_on="2025-03-01", outstanding="6000000"
    )
    claim = services.claim_submit(acting_user=credit["bank_user"], loan_id=loan.pk)
    # 40% of 6,000,000 is 2,400,000; the 珠三角 version of 2023 pays at most 2,000,000 a loan.
    assert (claim.capped, claim.compensation, claim.bank_bears) == (
        True,
        Decimal("2000000.00"),
        Decimal("4000000.00"),
    )


def test_a_refused_claim_needs_a_reason(credit: dict[str, Any]) -> None:
    loan = lend(credit)
    services.loan_default(
        acting_user=credit["bank_user"], loan_id=loan.pk, defaulted_on="2025-01-10", outstanding="100000"
    )
    claim = services.claim_submit(acting_user=credit["bank_user"], loan_id=loan.pk)
    with pytest.raises(ValidationError) as refused:
        services.claim_decide(acting_user=credit["province"], claim_id=claim.pk, approve=False, reason="")
    assert _fields(refused) == {"reason"}
    services.claim_decide(
        acting_user=credit["province"], claim_id=claim.pk, approve=False, reason="未按规定报备展期"
    )
    assert CompensationClaim.all_objects.get().status == ClaimStatus.REJECTED


def test_a_loan_not_under_the_scheme_has_no_claim(credit: dict[str, Any]) -> None:
    product = services.product_create(
        acting_user=credit["bank_user"], publish=True, **product_values(name="普通经营贷", under_scheme=False)
    )
    loan = lend(credit, product_id=product.pk)
    assert loan.ratio is None
    services.loan_default(
        acting_user=credit["bank_user"], loan_id=loan.pk, defaulted_on="2025-01-10", outstanding="100000"
    )
    with pytest.raises(ValidationError):
        services.claim_submit(acting_user=credit["bank_user"], loan_id=loan.pk)


def test_repaid_loans_are_not_defaulted_and_only_the_lender_services_them(credit: dict[str, Any]) -> None:
    loan = lend(credit)
    with pytest.raises(PermissionDenied):
        services.loan_repay(acting_user=credit["xuwen"], loan_id=loan.pk, repaid_on="2026-06-01")
    with pytest.raises(ValidationError):
        services.loan_repay(acting_user=credit["bank_user"], loan_id=loan.pk, repaid_on="2024-01-01")
    services.loan_repay(acting_user=credit["bank_user"], loan_id=loan.pk, repaid_on="2026-06-01")
    with pytest.raises(ValidationError):
        services.loan_default(
            acting_user=credit["bank_user"], loan_id=loan.pk, defaulted_on="2026-06-02", outstanding="1"
        )
    assert Loan.all_objects.get().status == LoanStatus.REPAID


# ---- the KPI and the calculator ----------------------------------------------------------------


def test_the_kpi_counts_scheme_loans_in_ewn_in_yi_yuan(credit: dict[str, Any]) -> None:
    assert LIVE_KPIS["KPI-EWN-TECH-CREDIT"]() == 0.0
    lend(credit, amount="2500000", contract_number="ZJ-A1")
    lend(credit, amount="1500000", contract_number="ZJ-A2")
    pearl = services.product_create(
        acting_user=credit["bank_user"],
        publish=True,
        **product_values(name="珠三角产品", eligible_region="pearl"),
    )
    lend(
        credit,
        product_id=pearl.pk,
        borrower_uscc=credit["farm"].uscc,
        amount="3000000",
        contract_number="ZJ-P1",
    )
    assert LIVE_KPIS["KPI-EWN-TECH-CREDIT"]() == pytest.approx(0.04)


def test_the_calculator_uses_the_version_of_the_day(credit: dict[str, Any]) -> None:
    result = services.estimate(
        division_code="440825102000", lent_on="2024-06-01", principal="1000000", recovered="200000"
    )
    assert (result.version.ratio, result.claim.compensation) == (Decimal("0.5000"), Decimal("400000.00"))
    result = services.estimate(region="ewn", lent_on="2025-06-01", principal="1000000")
    assert result.claim.compensation == Decimal("600000.00")
    with pytest.raises(ValidationError) as refused:
        services.estimate(region="pearl", lent_on="2022-01-01", principal="1000000")
    assert _fields(refused) == {"lent_on"}
    with pytest.raises(ValidationError) as refused:
        services.estimate(region="pearl", lent_on="2024-01-01", principal="-5")
    assert _fields(refused) == {"outstanding"}
