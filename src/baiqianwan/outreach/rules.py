"""Who may do what in the outreach ledgers: small predicates shared by services, pages and the API."""

from __future__ import annotations

from typing import Any

from baiqianwan.accounts.roles import Role
from baiqianwan.core.scope import scope_of

from .models import OutreachEvent, TeacherCourse

# The province and the region offices down to the town report the 科普 events held in their region.
EVENT_ROLES = (Role.CITY, Role.COUNTY, Role.TOWN)
# The province and the city and county bureaus organise teacher training.
COURSE_ROLES = (Role.CITY, Role.COUNTY)


def is_province(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_province)


def covers(user: Any, division_code: str) -> bool:
    """The division lies in the user's own region (the province covers every one)."""
    return bool(user.is_authenticated) and scope_of(user).covers(division_code)


def can_report_event(user: Any) -> bool:
    return is_province(user) or bool(user.is_authenticated and user.role in EVENT_ROLES)


def can_change_event(user: Any, event: OutreachEvent) -> bool:
    return can_report_event(user) and covers(user, event.place_id)


def can_register_course(user: Any) -> bool:
    return is_province(user) or bool(user.is_authenticated and user.role in COURSE_ROLES)


def provides(user: Any, course: TeacherCourse) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.ORG
        and user.organisation_id
        and user.organisation_id == course.provider_id
    )


def can_change_course(user: Any, course: TeacherCourse) -> bool:
    """The bureau whose region organised the course edits it and keeps its trainees."""
    return can_register_course(user) and covers(user, course.division_id)


def can_keep_trainees(user: Any, course: TeacherCourse) -> bool:
    """The organising bureau, or the provider that ran the course, enters its trainees."""
    return can_change_course(user, course) or provides(user, course)


def can_keep_think_tank(user: Any) -> bool:
    """The 智库联盟 is the province's: it registers members, reports and seminars."""
    return is_province(user)
