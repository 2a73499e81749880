"""The 科技信贷风险补偿 arithmetic against a reference in exact fractions, the ratio a loan keeps
whatever is set later, the 粤东西北 tilt, and every bad amount refused with its field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baiqianwan.finance.engine import (
    CompensationError,
    RatioVersion,
    check_versions,
    compensation,
    estimate,
    money,
    ratio_on,
)

VERSIONS = check_versions(
    [
        RatioVersion("pearl", dt.date(2022, 1, 1), Decimal("0.30")),
        RatioVersion("ewn", dt.date(2022, 1, 1), Decimal("0.40")),
        # 2024: the tilt is raised for 粤东西北 (三(三)二是), with a cap per loan.
        RatioVersion("ewn", dt.date(2024, 1, 1), Decimal("0.50"), cap=Decimal("2000000.00")),
    ]
)

cents = st.integers(min_value=0, max_value=10**13).map(lambda n: Decimal(n) / 100)
ratios = st.integers(min_value=1, max_value=1000).map(lambda n: Decimal(n) / 1000)


def reference(outstanding: Decimal, recovered: Decimal, ratio: Decimal) -> Decimal:
    """Loss times ratio in exact fractions, rounded half up to the cent by hand."""
    loss = max(Fraction(outstanding) - Fraction(recovered), Fraction(0))
    exact = loss * Fraction(ratio) * 100
    whole, rest = divmod(exact.numerator, exact.denominator)
    if 2 * rest >= exact.denominator:
        whole += 1
    return Decimal(whole) / 100


@given(outstanding=cents, recovered=cents, ratio=ratios)
def test_compensation_matches_the_reference_and_adds_up(
    outstanding: Decimal, recovered: Decimal, ratio: Decimal
) -> None:
    claim = compensation(outstanding=outstanding, recovered=recovered, ratio=ratio)
    assert claim.compensation == reference(outstanding, recovered, ratio)
    assert claim.compensation + claim.bank_bears == claim.loss
    assert Decimal(0) <= claim.compensation <= claim.loss
    assert claim.compensation.as_tuple().exponent == -2


@given(loss=cents, low=ratios, high=ratios)
def test_a_higher_ratio_never_pays_less(loss: Decimal, low: Decimal, high: Decimal) -> None:
    low, high = min(low, high), max(low, high)
    assert (
        compensation(outstanding=loss, ratio=low).compensation
        <= compensation(outstanding=loss, ratio=high).compensation
    )


@given(
    day=st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2030, 12, 31)),
    later=st.dates(min_value=dt.date(2022, 1, 2), max_value=dt.date(2031, 12, 31)),
    ratio=ratios,
)
def test_a_loan_keeps_the_ratio_of_its_date(day: dt.date, later: dt.date, ratio: Decimal) -> None:
    kept = ratio_on(VERSIONS, region="ewn", day=day)
    if later > day and later not in (v.effective_from for v in VERSIONS if v.region == "ewn"):
        changed = check_versions([*VERSIONS, RatioVersion("ewn", later, ratio)])
        assert ratio_on(changed, region="ewn", day=day) == kept


def test_versions_by_date_and_the_east_west_north_tilt() -> None:
    assert ratio_on(VERSIONS, region="ewn", day=dt.date(2023, 12, 31)).ratio == Decimal("0.40")
    assert ratio_on(VERSIONS, region="ewn", day=dt.date(2024, 1, 1)).ratio == Decimal("0.50")
    assert ratio_on(VERSIONS, region="pearl", day=dt.date(2025, 6, 1)).ratio == Decimal("0.30")
    ewn = estimate(
        VERSIONS, region="ewn", lent_on=dt.date(2025, 3, 1), principal="1000000", recovered="200000"
    )
    pearl = estimate(
        VERSIONS, region="pearl", lent_on=dt.date(2025, 3, 1), principal="1000000", recovered="200000"
    )
    assert (ewn.claim.loss, ewn.claim.compensation, ewn.claim.bank_bears) == (
        Decimal("800000.00"),
        Decimal("400000.00"),
        Decimal("400000.00"),
    )
    assert pearl.claim.compensation == Decimal("240000.00")
    # Recovered more than was owed: no loss, nothing paid.
    assert compensation(outstanding="100", recovered="150", ratio=Decimal("0.5")).compensation == 0


def test_the_cap_limits_one_loan() -> None:
    claim = estimate(VERSIONS, region="ewn", lent_on=dt.date(2025, 1, 1), principal="10000000").claim
    assert claim.capped
    assert claim.compensation == Decimal("2000000.00")
    assert claim.bank_bears == Decimal("8000000.00")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "违约时贷款余额不能为负数"),
        ("1e30", "超过"),
        ("12.345", "最多两位小数"),
        ("=1+1", "须是金额"),
        ("NaN", "须是金额"),
        ("", "请填写违约时贷款余额"),
        (None, "请填写违约时贷款余额"),
        (True, "请填写违约时贷款余额"),
    ],
)
def test_bad_amounts_are_refused_by_name(value: object, message: str) -> None:
    with pytest.raises(CompensationError, match=message) as refused:
        compensation(outstanding=value, ratio=Decimal("0.5"))
    assert refused.value.field == "outstanding"


def test_bad_versions_and_dates_are_refused() -> None:
    with pytest.raises(CompensationError, match="补偿比例须大于 0"):
        check_versions([RatioVersion("ewn", dt.date(2024, 1, 1), Decimal("1.2"))])
    with pytest.raises(CompensationError, match="已有补偿比例"):
        check_versions([*VERSIONS, RatioVersion("ewn", dt.date(2024, 1, 1), Decimal("0.6"))])
    with pytest.raises(CompensationError, match="区域须是"):
        check_versions([RatioVersion("hk", dt.date(2024, 1, 1), Decimal("0.5"))])
    with pytest.raises(CompensationError, match="还没有科技信贷风险补偿比例") as refused:
        ratio_on(VERSIONS, region="pearl", day=dt.date(2021, 12, 31))
    assert refused.value.field == "lent_on"
    assert money("1,200,000", "amount", "贷款金额") == Decimal("1200000.00")
