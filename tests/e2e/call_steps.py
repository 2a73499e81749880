"""What the browser tests of calls share: switching accounts, reading the page's cards and the
plan's carriers KPI, answering confirmations, and the experts the reviews need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Dialog, Page

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.supply.models import ExpertProfile

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
KPI_NAME = "粤东粤西粤北地区省级科创载体数"


def switch_user(
    page: Page, login: Callable[..., Page], user: User, viewport: dict[str, int] = DESKTOP
) -> Page:
    """Sign out whoever is signed in (a fresh cookie jar) and sign `user` in on a `viewport` screen."""
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.context.clear_cookies()
    page.set_viewport_size(viewport)
    return login(user.username)


def expert_make(
    make_user: Callable[..., User],
    make_person: Callable[..., Person],
    org: Organisation,
    name: str,
    keywords: str,
    username: str,
) -> ExpertProfile:
    """An expert of the library with a platform account (to score online)."""
    account = make_user(Role.EXPERT, username=username, display_name=f"{name}（评审专家）")
    return ExpertProfile.all_objects.create(
        person=make_person(org, name), keywords=keywords, home_city_id="440100000000", user=account
    )


def accept_next_dialog(page: Page, seen: list[str]) -> None:
    """Confirm the next `confirm()` the page asks, remembering its question."""

    def accept(dialog: Dialog) -> None:
        seen.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)


def day(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def card(page: Page, heading: str) -> Any:
    """The card whose header is exactly `heading`."""
    return page.locator(".card", has=page.get_by_role("heading", name=heading, exact=True))


def kpi_now(page: Page) -> Any:
    """The 当前值 cell of the first goal the carriers KPI measures, on the plan page."""
    return page.locator("tr", has=page.get_by_role("link", name=KPI_NAME)).first.locator("td").nth(3)
