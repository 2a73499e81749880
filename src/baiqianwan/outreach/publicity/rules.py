"""Who may do what with cases, commendations and policies: small predicates shared by services,
pages and the API."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role
from baiqianwan.core.scope import scope_of

from ..models import CaseStatus, ShowcaseCase

BUREAU_ROLES = (Role.PROVINCE, Role.CITY, Role.COUNTY)
EDITABLE = (CaseStatus.DRAFT, CaseStatus.RETURNED, CaseStatus.WITHDRAWN)


def is_bureau(user: Any) -> bool:
    """The province and the city and county bureaus write cases about their region."""
    return bool(user.is_authenticated and (user.is_province or user.role in BUREAU_ROLES))


def is_province(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_province)


def covers(user: Any, division_code: str) -> bool:
    return is_bureau(user) and scope_of(user).covers(division_code)


def can_edit_case(user: Any, case: ShowcaseCase) -> bool:
    """The bureau of the case's region edits it until it is sent for review, and again when it
    comes back (returned or withdrawn)."""
    return case.status in EDITABLE and covers(user, case.place_id)


def can_review_case(user: Any, case: ShowcaseCase) -> bool:
    return is_province(user) and case.status == CaseStatus.SUBMITTED


def can_withdraw_case(user: Any, case: ShowcaseCase) -> bool:
    return is_province(user) and case.status == CaseStatus.PUBLISHED


def can_publish(user: Any) -> bool:
    """Commendations and policy pages are the province's to write and publish."""
    return is_province(user)
