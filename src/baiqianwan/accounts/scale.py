"""Accounts of a generated data set: one for every division of the area and each office above it.

Usernames say the role and the significant digits of the code (``county_441422``,
``village_441422100202``), so anyone can sign in as the office of a place they know. All share one
password hash, computed once: hashing tens of thousands of passwords one by one would take hours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from baiqianwan.core.bulk import bulk_insert
from baiqianwan.regions.classification import PREFIX_LENGTH, Level
from baiqianwan.regions.models import Division

from .models import User
from .roles import Role

JOINED = dt.datetime(2023, 6, 7, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def username_for(level: str, code: str) -> str:
    return f"{level}_{code[: PREFIX_LENGTH[Level(level)]]}"


def _display_name(division: Division) -> str:
    if division.level == Level.PROVINCE:
        return "省科技厅农村科技处"
    if division.level in (Level.CITY, Level.COUNTY):
        return f"{division.name}科技局"
    if division.level == Level.TOWN:
        return f"{division.name}{'办事处' if division.kind == '街道' else '人民政府'}"
    return division.name[:40]


@dataclass
class Accounts:
    """Generated accounts by division code, and the province's."""

    province: User
    by_code: dict[str, User] = field(default_factory=dict)

    def office(self, code: str, levels: tuple[str, ...] = ("county", "city")) -> User:
        """The nearest office above ``code`` at one of ``levels`` (东莞、中山 have no county)."""
        for level in levels:
            length = PREFIX_LENGTH[Level(level)]
            found = self.by_code.get(code[:length].ljust(12, "0"))
            if found is not None and found.role == level:
                return found
        return self.province


def scale_accounts(*, divisions: list[Division], password: str) -> Accounts:
    """An account per division (already ordered by code); returns them by code."""
    encoded = make_password(password)
    users = [
        User(
            username=username_for(d.level, d.code),
            display_name=_display_name(d),
            role=Role(d.level),
            division_id=d.code,
            password=encoded,
            date_joined=JOINED,
            is_active=True,
        )
        for d in divisions
    ]
    bulk_insert(User, users)
    by_code = {u.division_id: u for u in users if u.division_id}
    province = next(u for u in users if u.role == Role.PROVINCE)
    return Accounts(province=province, by_code=by_code)
