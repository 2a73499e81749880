"""Who may do what with the sub-funds and the 上市后备 pool: small predicates shared by services,
pages and the API."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role
from baiqianwan.orgs.models import OrganisationKind

from ..models import ReserveEnterprise, ReserveStage, SubFund

STAGE_ORDER = list(ReserveStage.values)


def can_manage_funds(user: Any) -> bool:
    """The province registers the 省创新创业基金's sub-funds and corrects their ledgers."""
    return bool(user.is_authenticated and user.is_province)


def is_fund_manager(user: Any) -> bool:
    """A fund manager's own account: a unit account whose unit is an investment fund."""
    if not (user.is_authenticated and user.role == Role.ORG and user.organisation_id):
        return False
    return bool(user.organisation.kind == OrganisationKind.FUND)


def manages(user: Any, fund: SubFund) -> bool:
    return is_fund_manager(user) and user.organisation_id == fund.manager_id


def can_record_investment(user: Any, fund: SubFund) -> bool:
    """The fund's manager records its investments; the province may enter or correct one."""
    return manages(user, fund) or can_manage_funds(user)


def can_record_any_investment(user: Any) -> bool:
    return is_fund_manager(user) or can_manage_funds(user)


# ---- the 上市后备 pool ---------------------------------------------------------------------------


def can_recommend(user: Any) -> bool:
    """A city bureau recommends its city's enterprises into the pool."""
    return bool(user.is_authenticated and user.role == Role.CITY and user.division_id)


def recommended(user: Any, entry: ReserveEnterprise) -> bool:
    return can_recommend(user) and user.division_id == entry.recommended_by_id


def can_edit_entry(user: Any, entry: ReserveEnterprise) -> bool:
    """The province and the recommending city correct the target board and the note."""
    return bool(user.is_authenticated and user.is_province) or recommended(user, entry)


def can_move(user: Any, entry: ReserveEnterprise) -> bool:
    """The province and the recommending city move an entry on, or take it out of the pool."""
    if entry.exited or entry.stage == ReserveStage.LISTED:
        return False
    return bool(user.is_authenticated and user.is_province) or recommended(user, entry)


def can_record_service(user: Any, entry: ReserveEnterprise) -> bool:
    """Whoever has the entry in scope (bureaus of its region, the province, the enterprise itself)
    records the services it was given, while it is in the pool."""
    return bool(user.is_authenticated) and not entry.exited and not getattr(user, "is_administrator", False)


def next_stages(entry: ReserveEnterprise) -> list[str]:
    """Forward only: any later stage (a stage may be skipped, as when coaching is done elsewhere)."""
    return STAGE_ORDER[STAGE_ORDER.index(entry.stage) + 1 :]
