"""The user guide inside the platform: every page of docs/guide renders, links stay inside, and
nothing in a guide file becomes markup."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.web.guide import guide_names

from ..conftest import A

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"


def test_every_page_of_the_guide_opens_and_links_to_the_others(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(Role.VILLAGE, A["village"]))
    names = guide_names()
    assert names[0] == "index"
    assert set(names) == {p.stem for p in GUIDE.glob("*.md")}
    index = client.get("/help/").content.decode()
    assert "<table>" in index
    assert 'href="/help/%E7%94%B3%E6%8A%A5%E4%B8%8E%E8%AF%84%E5%AE%A1/"' in index  # 申报与评审.md
    assert '.md"' not in index
    for name in names[1:]:
        page = client.get(f"/help/{name}/")
        assert page.status_code == 200, name
        assert 'class="list-group-item list-group-item-action active"' in page.content.decode()
    assert client.get("/help/no-such-page/").status_code == 404
    assert client.get("/help/../settings/").status_code == 404
    assert Client().get("/help/").status_code == 302  # a login first
    assert "使用帮助" in client.get("/").content.decode()  # in the user menu
    # The three administrators, who open only their duty's pages, read the guide too.
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        assert (
            client_for(make_user(role)).get("/help/%E7%94%A8%E6%88%B7%E7%AE%A1%E7%90%86/").status_code == 200
        )


def test_markup_in_a_guide_file_is_shown_as_text(
    settings: Any, tmp_path: Path, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    guide = tmp_path / "docs" / "guide"
    guide.mkdir(parents=True)
    (guide / "index.md").write_text(
        "# 帮助\n\n<script>alert(1)</script>\n\n[下一篇](其他.md#第二节)\n", encoding="utf-8"
    )
    (guide / "其他.md").write_text("# 其他\n\n正文", encoding="utf-8")
    settings.PROJECT_DIR = tmp_path
    page = client_for(make_user(Role.VILLAGE, A["village"])).get("/help/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="/help/%E5%85%B6%E4%BB%96/#%E7%AC%AC%E4%BA%8C%E8%8A%82"' in page  # 其他/#第二节
