"""The portal behind the deployment's nginx (deploy/nginx.conf, run by scripts/local_nginx.py):
nginx keeps the pages the platform marks cacheable and nothing else — never a form with its CSRF
cookie and captcha, never a page for someone signed in, never a photo — and adds no security
header twice. Each request's fate is read from nginx's own log (HIT, MISS, BYPASS)."""

from __future__ import annotations

import importlib.util
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from pytest_django.live_server_helper import LiveServer

from ..outreach.conftest import cast  # noqa: F401 - the outreach cast
from .test_publicity import published  # noqa: F401 - a published case with a photo

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("local_nginx", ROOT / "scripts" / "local_nginx.py")
assert _spec is not None
assert _spec.loader is not None
local_nginx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(local_nginx)

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def front(live_server: LiveServer, tmp_path: Path) -> Iterator[dict[str, Any]]:
    cache.clear()
    static = tmp_path / "static"
    (static / "portal").mkdir(parents=True)
    (static / "portal" / "portal.css").write_text("body{margin:0}", encoding="utf-8")
    port = _free_port()
    app_port = int(live_server.url.rsplit(":", 1)[1])
    workdir = tmp_path / "nginx"
    server = local_nginx.start(port=port, app_port=app_port, static_root=static, workdir=workdir)
    try:
        yield {"base": f"http://127.0.0.1:{port}", "workdir": workdir}
    finally:
        local_nginx.stop(server)


def _get(front: dict[str, Any], path: str, **headers: str) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(front["base"] + path, headers=headers)  # noqa: S310 - our nginx
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _fates(front: dict[str, Any], path: str, count: int) -> list[str]:
    """The cache status of the requests for ``path``, once nginx has logged ``count`` of them (it
    writes the line just after the response has gone out)."""
    deadline = time.monotonic() + 10
    while True:
        log = local_nginx.access_log(front["workdir"])
        fates = [cache for cache, _, request in log if f" {path} " in request]
        if len(fates) >= count or time.monotonic() > deadline:
            return fates
        time.sleep(0.05)


def test_the_home_page_is_kept_and_answered_with_its_headers_once(front: dict[str, Any]) -> None:
    first = _get(front, "/public/", **{"Accept-Language": "zh-CN,zh;q=0.9"})
    second = _get(front, "/public/", **{"Accept-Language": "zh-CN,zh;q=0.9"})
    assert first[0] == second[0] == 200
    assert first[2] == second[2]
    assert "百千万".encode() in second[2]
    assert _fates(front, "/public/", 2) == ["MISS", "HIT"]
    for header in ("X-Frame-Options", "Content-Security-Policy", "X-Content-Type-Options"):
        assert len(second[1].get_all(header)) == 1, header


def test_a_case_page_is_kept_but_not_its_photo(front: dict[str, Any], published: dict[str, Any]) -> None:  # noqa: F811
    case = published["case"]
    photo = case.photos.get()
    for _ in range(2):
        assert _get(front, f"/public/cases/{case.pk}/")[0] == 200
        status, headers, body = _get(front, f"/public/cases/{case.pk}/photos/{photo.pk}/")
        assert status == 200
        assert headers["Content-Type"] == "image/jpeg"
        assert body[:2] == b"\xff\xd8"
    assert _fates(front, f"/public/cases/{case.pk}/", 2) == ["MISS", "HIT"]
    # The photo goes to the platform each time, so a case taken down takes its photos with it.
    assert _fates(front, f"/public/cases/{case.pk}/photos/{photo.pk}/", 2) == ["MISS", "MISS"]


def test_a_signed_in_or_form_visitor_always_reaches_the_platform(front: dict[str, Any]) -> None:
    for cookie in ("sessionid=abc", "csrftoken=abc", "django_language=zh-hans; sessionid=abc"):
        assert _get(front, "/public/", Cookie=cookie)[0] == 200
    assert _fates(front, "/public/", 3) == ["BYPASS"] * 3


def test_the_demand_form_with_its_captcha_and_csrf_cookie_is_never_kept(front: dict[str, Any]) -> None:
    responses = [_get(front, "/public/demands/new/") for _ in range(2)]
    assert [status for status, _, _ in responses] == [200, 200]
    cookies = [headers.get_all("Set-Cookie") or [] for _, headers, _ in responses]
    assert all(any(c.startswith("csrftoken=") for c in found) for found in cookies)
    assert cookies[0] != cookies[1]  # each visitor gets a token of their own
    assert _fates(front, "/public/demands/new/", 2) == ["MISS", "MISS"]


def test_languages_are_kept_apart(front: dict[str, Any]) -> None:
    english = [_get(front, "/public/", Cookie="django_language=en")[1]["Content-Language"] for _ in range(2)]
    chinese = _get(front, "/public/", **{"Accept-Language": "zh-CN"})[1]["Content-Language"]
    assert english == ["en", "en"]
    assert chinese == "zh-hans"
    assert _fates(front, "/public/", 3) == ["MISS", "HIT", "MISS"]


def test_static_files_are_nginx_own_and_uploads_are_never_served(front: dict[str, Any]) -> None:
    status, _, body = _get(front, "/static/portal/portal.css")
    assert (status, body) == (200, b"body{margin:0}")
    assert _get(front, "/media/imports/any.xlsx")[0] == 404
