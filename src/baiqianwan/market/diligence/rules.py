"""Who may do what with a 尽职免责 case: only the unit's own accounts act on it; the province reads."""

from __future__ import annotations

from typing import Any

from baiqianwan.orgs.models import OrganisationKind

from ..models import DiligenceCase, DiligenceStatus
from ..rules import _org_user, speaks_for

# The units whose staff's 职务科技成果 the policy means: universities, institutes, new R&D organisations.
FILING_KINDS = (OrganisationKind.UNIVERSITY, OrganisationKind.INSTITUTE, OrganisationKind.NEW_RD)


def unit_account(user: Any) -> bool:
    return _org_user(user)


def can_see_cases(user: Any) -> bool:
    """Units' accounts see their own unit's cases; the province sees every unit's."""
    return _org_user(user) or bool(user.is_authenticated and user.is_province)


def can_file(user: Any) -> bool:
    return _org_user(user) and user.organisation.kind in FILING_KINDS


def can_edit(user: Any, case: DiligenceCase) -> bool:
    return case.status == DiligenceStatus.DRAFT and speaks_for(user, case.unit_id)


def can_submit(user: Any, case: DiligenceCase) -> bool:
    return can_edit(user, case)


def can_decide(user: Any, case: DiligenceCase) -> bool:
    """The unit's committee decides, entered by one of the unit's accounts."""
    return case.status == DiligenceStatus.SUBMITTED and speaks_for(user, case.unit_id)
