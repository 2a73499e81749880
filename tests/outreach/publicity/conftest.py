"""The publicity cast: 大埔县's bureau (A side) writes cases about its county, 梅州's city bureau above it,
徐闻县's bureau across the province (B side), a town office and a university that may not write, and the
province who reviews, publishes and keeps the commendations and policy pages. Photos are drawn here."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from baiqianwan.accounts.roles import Role
from baiqianwan.outreach.models import ShowcaseCase
from baiqianwan.outreach.publicity import services

from ...commissioners.conftest import setting, team  # noqa: F401  (the assessment builders)
from ...conftest import A

BODY = (
    "大埔县湖寮镇柚园连片，近年柑橘木虱和黄龙病蔓延，部分果园挖树补苗，果农急需系统的防控技术。"
    "县科工商务局通过平台发布需求，科技特派团进驻湖寮镇，推行无病苗木、木虱统防统治和病树及时挖除的综合防控，"
    "每季在田间开展培训，示范园病株率明显下降。"
)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Photos go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def cast(world: dict[str, Any]) -> dict[str, Any]:
    users = world["users"]
    return {
        **world,
        "province": users[Role.PROVINCE],
        "city": users[Role.CITY],
        "county": users[Role.COUNTY],
        "town": users[Role.TOWN],
        "org": users[Role.ORG],
        "xuwen": world["user_b"],
    }


def picture(kind: str = "JPEG", size: tuple[int, int] = (120, 80), **save: Any) -> bytes:
    """A small real image: green field, blue sky."""
    image = Image.new("RGB", size, (90, 160, 70))
    image.paste((120, 170, 230), (0, 0, size[0], size[1] // 3))
    buffer = io.BytesIO()
    image.save(buffer, kind, **save)
    return buffer.getvalue()


def case(cast: dict[str, Any], *, photo: bool = False, **values: Any) -> ShowcaseCase:
    """A draft by 大埔县's bureau about 湖寮镇 (with one photo if asked)."""
    defaults: dict[str, Any] = {
        "place_code": A["town"],
        "title": "大埔蜜柚黄龙病综合防控示范",
        "summary": "科技特派团进驻湖寮镇推行综合防控，示范园病株率明显下降，带动柚农统一防控。",
        "body": BODY,
        "results": "示范园病株率降到 2% 以下。",
        "industry_code": "FRUIT-POMELO",
    }
    made = services.case_create(acting_user=cast["county"], **{**defaults, **values})
    if photo:
        services.photo_add(acting_user=cast["county"], case_id=made.pk, name="柚园.jpg", data=picture())
    return made


def published(cast: dict[str, Any], **values: Any) -> ShowcaseCase:
    made = case(cast, photo=True, **values)
    services.case_submit(acting_user=cast["county"], case_id=made.pk)
    services.case_review(acting_user=cast["province"], case_id=made.pk, publish=True)
    made.refresh_from_db()
    return made
