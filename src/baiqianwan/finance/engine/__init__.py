"""Finance engine: plain Python (no Django), money as Decimal yuan.

    versions = check_versions([RatioVersion("ewn", date(2024, 1, 1), Decimal("0.5")), ...])
    version = ratio_on(versions, region="ewn", day=loan.lent_on)     # the ratio a loan keeps
    claim = compensation(outstanding="800000", recovered="200000", ratio=version.ratio, cap=version.cap)
    claim.loss, claim.compensation, claim.bank_bears                  # loss = compensation + bank_bears
    estimate(versions, region="ewn", lent_on=day, principal="1000000")  # the banks' calculator

Bad input raises `CompensationError` with the field and a Chinese message.
"""

from .compensation import (
    CENT,
    REGIONS,
    Claim,
    CompensationError,
    Estimate,
    RatioVersion,
    check_versions,
    compensation,
    estimate,
    money,
    ratio_on,
)

__all__ = [
    "CENT",
    "REGIONS",
    "Claim",
    "CompensationError",
    "Estimate",
    "RatioVersion",
    "check_versions",
    "compensation",
    "estimate",
    "money",
    "ratio_on",
]
