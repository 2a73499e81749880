"""Who may do what in a review: small predicates the services, views and API share."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role
from baiqianwan.calls.rules import can_manage_calls
from baiqianwan.supply.models import ExpertProfile


def can_manage_review(user: Any) -> bool:
    """The province builds the pool, runs the assignment, reads the results and selects."""
    return can_manage_calls(user)


def is_reviewer(user: Any) -> bool:
    """评审专家, or any account an expert profile is linked to: review tasks go to the profile's
    account, and the queue shows only that account's own tasks."""
    if not user.is_authenticated:
        return False
    return user.role == Role.EXPERT or ExpertProfile.all_objects.filter(user=user).exists()
