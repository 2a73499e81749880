"""Control characters are stopped where text enters: the API refuses them naming the field,
pages store the text without them, so nothing stored can break another user's export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.text import has_control_characters, strip_control_characters
from baiqianwan.orgs.models import Organisation

from ..conftest import A

WORST = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\ufffe"]


@pytest.mark.parametrize("bad", WORST)
def test_the_characters_are_found_and_stripped(bad: str) -> None:
    text = f"湖寮{bad}镇"
    assert has_control_characters(text)
    assert strip_control_characters(text) == "湖寮镇"


def test_ordinary_text_is_left_alone() -> None:
    text = "第一行\n第二行\t制表\r\n“引号”、emoji 🍊、全角ＡＢＣ、繁體"
    assert not has_control_characters(text)
    assert strip_control_characters(text) == text


def test_the_api_refuses_them_naming_the_field(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(world["users"][Role.PROVINCE])
    org = world["org_a"]
    response = client.patch(
        f"/api/v1/orgs/organisations/{org.pk}",
        {"name": "梅州\x01大埔蜜柚合作社"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "name"
    assert "控制字符" in body["detail"]
    assert Organisation.all_objects.get(pk=org.pk).name == org.name
    nested = client.post(
        "/api/v1/demands",
        {"title": "蜜柚", "details": {"a": ["ok", "坏\x1b"]}},
        content_type="application/json",
    )
    assert nested.status_code == 422
    assert nested.json()["errors"][0]["field"] == "details.a.2"
    query = client.get("/api/v1/orgs/organisations", {"q": "蜜柚\x00"})
    assert query.status_code == 422
    assert query.json()["errors"][0]["field"] == "q"


def test_a_page_form_stores_the_text_without_them(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(world["users"][Role.PROVINCE])
    org = world["org_a"]
    response = client.post(
        f"/orgs/{org.pk}/edit/",
        {
            "name": "梅州\x08大埔\u202e蜜柚合作社",
            "kind": org.kind,
            "uscc": org.uscc,
            "division": A["town"],
            "address": "湖寮镇\x0b长教村",
            "contact_name": "",
            "contact_phone": "",
        },
    )
    assert response.status_code in (200, 302), response.content[:500]
    stored = Organisation.all_objects.get(pk=org.pk)
    assert stored.name == "梅州大埔蜜柚合作社"
    assert stored.address == "湖寮镇长教村"
