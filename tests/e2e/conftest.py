"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's sync API keeps an asyncio loop running in this thread for as long as it is started,
and Django refuses ORM calls while a loop runs ("async context"). So DJANGO_ALLOW_ASYNC_UNSAFE is
set while the browser is up, and both last only as long as this package's tests: the rest of the
session (and subprocesses it starts, e.g. ``bqw check --deploy``) keep Django's async safety.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from ..conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
FAILURE_DIR = Path(__file__).resolve().parents[2] / "var" / "e2e-failures"
# Generous enough for a loaded CI machine, short enough that a broken page fails fast.
TIMEOUT_MS = 15_000

expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Keep each phase's report on the item so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


DB_BLOCKER = pytest.StashKey[Any]()


@pytest.fixture(autouse=True)
def _remember_db_blocker(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    request.node.stash[DB_BLOCKER] = django_db_blocker


# Reference data the session fixture of tests/conftest.py loads once per test database:
# (module of the model, model, module of the loader, loader). Missing apps are skipped.
REFERENCE_DATA = (
    ("baiqianwan.regions.models", "Division", "baiqianwan.regions.services", "divisions_load"),
    ("baiqianwan.industries.models", "Industry", "baiqianwan.industries.services", "industries_load"),
)


def reference_data_reload() -> None:
    for model_module, model_name, loader_module, loader_name in REFERENCE_DATA:
        try:
            model = getattr(importlib.import_module(model_module), model_name)
            loader = getattr(importlib.import_module(loader_module), loader_name)
        except (ImportError, AttributeError):
            continue
        if not model._default_manager.exists():
            loader()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    """Put the reference data back once the live server's flush has emptied the test database.

    The flush is the last teardown step of a live-server test, so no fixture can follow it; this
    runs after all of them. Tests that come next in the same worker then find the divisions loaded
    once per session, as everywhere else. Another live-server test reloads them itself.
    """
    try:
        return (yield)
    finally:
        blocker = item.stash.get(DB_BLOCKER, None)
        # Without a next item the session has ended and the test database is already gone.
        if (
            blocker is not None
            and nextitem is not None
            and "live_server" in item.fixturenames
            and "live_server" not in getattr(nextitem, "fixturenames", ())
        ):
            with blocker.unblock():
                reference_data_reload()


@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    """Playwright for this package's tests, with ORM calls allowed beside its running loop.

    Package scope rather than session scope: once the last browser test of a worker is done the
    loop stops and the environment variable goes, so later tests run as they would alone.
    """
    saved = {
        name: os.environ.get(name)
        for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD")
    }
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"  # never fetch a browser: the system one is used
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"没有找到 Chromium：{CHROMIUM}（make test 会用 scripts/ensure_browser.sh 安装）")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def js_errors() -> list[str]:
    """Uncaught JavaScript errors of the test's page."""
    return []


@pytest.fixture
def page(
    browser: Browser, live_server: Any, js_errors: list[str], request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh context per test (no shared cookies), pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="zh-CN",
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("pageerror", lambda exc: js_errors.append(str(exc)))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        FAILURE_DIR.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(FAILURE_DIR / f"{request.node.name}.png"), full_page=True)
        except Exception as exc:  # a crashed page must not hide the real failure
            print(f"截图失败：{exc}")  # noqa: T201
    context.close()


def login_form_submit(page: Page, username: str, password: str) -> None:
    """Fill and send the real login form."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_response(lambda r: r.request.method == "POST" and "/accounts/login/" in r.url):
        page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()


@pytest.fixture
def login(page: Page, live_server: Any) -> Callable[..., Page]:
    """Sign in through the login form and land on the dashboard."""

    def sign_in(username: str, password: str = PASSWORD) -> Page:
        login_form_submit(page, username, password)
        expect(page).to_have_url(f"{live_server.url}/")
        return page

    return sign_in
