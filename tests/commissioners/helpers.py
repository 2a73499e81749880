"""Shared helpers of the team and service log tests: the members of the conftest's team, their
accounts, and service logs written through the service (or directly, when only the days matter)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from baiqianwan.accounts.models import User
from baiqianwan.commissioners.fieldwork import services as fieldwork_services
from baiqianwan.commissioners.fieldwork.models import LogStatus, ServiceLog
from baiqianwan.commissioners.rounds.models import Assignment, Team

from ..conftest import A


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 140, 60)).save(buffer, kind)
    return buffer.getvalue()


def png_upload(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def jpeg_upload(name: str = "培训.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("JPEG"), content_type="image/jpeg")


def member_named(team: Team, name: str) -> Assignment:
    return Assignment.all_objects.select_related("nomination__expert__user").get(
        need=team.need, nomination__expert__person__name=name
    )


def team_leader(team: Team) -> Assignment:
    return Assignment.all_objects.get(need=team.need, leader=True)


def account(assignment: Assignment) -> User:
    user = assignment.nomination.expert.user
    assert user is not None
    return user


def log_values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "served_on": dt.date(2024, 6, 3),
        "village_code": A["village"],
        "activity": "guidance",
        "days": Decimal(1),
        "people_trained": 12,
        "problems_solved": 2,
        "description": "到长教村蜜柚园指导春梢管理和黄龙病普查，现场答疑。",
    }
    values.update(changes)
    return values


def log_write(member: Assignment, **changes: Any) -> ServiceLog:
    photos = changes.pop("photos", ())
    return fieldwork_services.log_create(
        acting_user=account(member), assignment_id=member.pk, photos=photos, **log_values(**changes)
    )


def confirmed_days(member: Assignment, count: int, start: dt.date) -> None:
    """``count`` confirmed whole days from ``start``, written directly (the rule is tested elsewhere)."""
    ServiceLog.all_objects.bulk_create(
        ServiceLog(
            assignment=member,
            served_on=start + dt.timedelta(days=i),
            village_id=A["village"],
            activity="guidance",
            days=Decimal(1),
            description="驻村服务",
            status=LogStatus.CONFIRMED,
        )
        for i in range(count)
    )


def api_refuses(client: Client, path: str, params: dict[str, Any]) -> set[str]:
    """The fields an API list names when it refuses a filter (a 422 in the API's error format)."""
    response = client.get(path, params)
    assert response.status_code == 422, response.content
    return {error["field"] for error in response.json()["errors"]}


def page_ignores(client: Client, path: str, params: dict[str, Any]) -> str:
    """A list page given a bad filter: still shown, the filter named with why and left out."""
    response = client.get(path, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "已忽略此条件" in page
    return page
