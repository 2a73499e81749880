"""A small crawler over the platform's own pages, as a signed-in user sees them.

It follows the links a page offers (menus, rows, tabs, export buttons), a few instances of each URL
shape, and hands every response to a check. Tests use it to make sure that whatever users stored,
every page, export and report still answers."""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from django.test import Client

HREF = re.compile(r"""(?:href|hx-get)="([/?][^"]*)\"""")
SKIP = ("/accounts/logout", "/django-admin", "/i18n/", "/static/", "/api/v1/docs", "/api/v1/openapi")
# Links that act rather than show (a GET that changes nothing is still not worth following twice).
SKIP_PARTS = ("/cancel/", "/delete/")


@dataclass
class Visit:
    url: str
    status: int
    content_type: str
    body: bytes
    source: str  # the page that linked here


def shape(url: str) -> str:
    """Where two URLs differ only in ids and query values, they are the same kind of page."""
    parts = urlsplit(url)
    keys = sorted(p.split("=")[0] for p in parts.query.split("&") if p)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def crawl(
    client: Client, starts: Sequence[str] = ("/",), *, per_shape: int = 2, limit: int = 600
) -> Iterator[Visit]:
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque((start, "") for start in starts)
    while queue and len(seen) < limit:
        url, source = queue.popleft()
        if url in seen or shapes[shape(url)] >= per_shape:
            continue
        seen.add(url)
        shapes[shape(url)] += 1
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        yield Visit(url, response.status_code, content_type, body, source)
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        for found in HREF.findall(body.decode("utf-8", "replace")):
            link = urldefrag(urljoin(url, html.unescape(found)))[0]
            if link.startswith(SKIP) or any(p in link for p in SKIP_PARTS):
                continue
            if link not in seen:
                queue.append((link, url))


def visits_of(
    client: Client, check: Callable[[Visit], None], starts: Sequence[str] = ("/",), **options: int
) -> list[Visit]:
    visits = []
    for visit in crawl(client, starts, **options):
        check(visit)
        visits.append(visit)
    return visits
