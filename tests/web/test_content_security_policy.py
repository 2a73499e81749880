"""A strict Content-Security-Policy is sent, and the templates give it nothing to refuse: no inline
handlers, no inline scripts, no values written into Alpine expressions."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.regions.widgets import DivisionPicker

SOURCE = Path(__file__).resolve().parents[2] / "src" / "baiqianwan"
TEMPLATES = sorted(SOURCE.glob("**/templates/**/*.html"))
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.IGNORECASE)
ALPINE_EXPRESSION = re.compile(
    r"""\s(?:x-data|x-init|x-on:[\w.-]+|@[\w.-]+|:[\w.-]+|x-bind:[\w.-]+)="([^"]*)\""""
)


def test_templates_were_found() -> None:
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_a_template_has_no_inline_code_and_no_values_in_expressions(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not INLINE_HANDLER.search(text), (
        "内联事件处理（onclick= 等）：改用 data-* 属性和 web/behaviours.js"
    )
    assert not INLINE_SCRIPT.search(text), "内联脚本：移到 static/ 下的 .js 文件"
    for expression in ALPINE_EXPRESSION.findall(text):
        message = f"Alpine 表达式中写入了模板变量：{expression[:80]}；改用 data-* 属性"
        assert "{{" not in expression, message
        assert "{%" not in expression, message


def test_every_page_is_sent_with_the_policy(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(world["users"][Role.PROVINCE])
    for url in ("/", "/orgs/", "/api/v1/regions/440000000000", "/accounts/login/"):
        policy = client.get(url)["Content-Security-Policy"]
        script = next(d for d in policy.split("; ") if d.startswith("script-src"))
        assert "'unsafe-inline'" not in script
        assert "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy


def test_a_hostile_value_reaches_the_picker_only_as_an_escaped_attribute(divisions: None) -> None:
    hostile = "440000000000'}); alert(document.cookie); ({a:'"
    rendered = DivisionPicker().render("division", hostile)
    assert 'x-data="divisionPicker"' in rendered
    assert "alert(document.cookie)" not in rendered.split('x-data="divisionPicker"')[0]
    assert 'data-value="440000000000&#x27;}); alert(document.cookie); ({a:&#x27;"' in rendered
