"""The user guide (docs/guide/*.md) shown inside the platform, where users on an intranet read it:
Markdown rendered without raw HTML, links between the guide's pages kept inside the platform."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.urls import reverse
from markdown_it import MarkdownIt

INDEX = "index"
# [title](page.md) or [title](page.md#part) between the guide's own pages.
_PAGE_LINK = re.compile(r'href="([^":/?#]+)\.md(#[^"]*)?"')


@dataclass(frozen=True)
class GuidePage:
    name: str
    title: str
    html: str


def guide_dir() -> Path:
    return Path(settings.PROJECT_DIR) / "docs" / "guide"


def guide_names() -> list[str]:
    """The pages that exist, the index first and the rest in the order it lists them; anything
    else asked for is not found."""
    names = {path.stem for path in guide_dir().glob("*.md")}
    if INDEX not in names:
        return sorted(names)
    listed = re.findall(r"\]\(([^)/#]+)\.md\)", (guide_dir() / f"{INDEX}.md").read_text(encoding="utf-8"))
    ordered = [INDEX, *dict.fromkeys(n for n in listed if n in names and n != INDEX)]
    return ordered + sorted(names - set(ordered))


def _link(match: re.Match[str]) -> str:
    # Markdown percent-encodes the link; the page name is the file's own.
    name, anchor = unquote(match.group(1)), match.group(2) or ""
    page = reverse("help") if name == INDEX else reverse("help_page", args=[name])
    return f'href="{page}{anchor}"'


@functools.lru_cache(maxsize=64)
def _render(path: Path, modified: float) -> GuidePage:
    """A page, cached by its file and the file's time, so an edited guide shows at once."""
    text = path.read_text(encoding="utf-8")
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
    # The guide is ours, but raw HTML stays off: what it shows is what Markdown can say.
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return GuidePage(name=path.stem, title=title, html=_PAGE_LINK.sub(_link, html))


def guide_page(name: str) -> GuidePage | None:
    if name not in guide_names():
        return None
    path = guide_dir() / f"{name}.md"
    return _render(path, path.stat().st_mtime)
