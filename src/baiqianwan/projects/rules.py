"""Who may do what with a 大专项 and its projects: small predicates shared by services, pages and API."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role
from baiqianwan.core.scope import scope_of

from .models import Project


def can_manage(user: Any) -> bool:
    """The province builds the task list, approves contracts and changes, and accepts projects."""
    return bool(user.is_authenticated and user.is_province)


def speaks_for(user: Any, project: Project) -> bool:
    """The lead unit's accounts fill in the contract, report milestones and ask for changes."""
    return bool(
        user.is_authenticated and user.role == Role.ORG and user.organisation_id == project.organisation_id
    )


def city_code(code: str | None) -> str:
    return f"{code[:4]}00000000" if code else ""


def funding_cities(project: Project) -> list[str]:
    """The cities that may commit matching funds: where it is carried out, and where the lead is."""
    cities = [city_code(project.place_id), city_code(project.division_id)]
    return [c for i, c in enumerate(cities) if c and c not in cities[:i]]


def can_fund(user: Any, project: Project, city: str) -> bool:
    """A city bureau commits and pays its own city's matching funds."""
    return bool(
        user.is_authenticated
        and user.role == Role.CITY
        and city in funding_cities(project)
        and scope_of(user).covers(city)
    )
