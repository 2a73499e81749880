"""What the browser tests of calls share: switching accounts, reading the page's cards and the
plan's KPIs, answering confirmations, the experts the reviews need and their sheets, and the PDFs
the pages serve."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from playwright.sync_api import Dialog, Page

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services as calls
from baiqianwan.calls.models import Call, CallStatus
from baiqianwan.calls.selectors import call_type_of
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.reviews import services as reviews
from baiqianwan.reviews.models import ReviewAssignment
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


def kpi_now(page: Page, name: str = KPI_NAME) -> Any:
    """The 当前值 cell of the first goal the KPI `name` (by default the carriers') measures, on the
    plan page."""
    return page.locator("tr", has=page.get_by_role("link", name=name)).first.locator("td").nth(3)


def reviewed(
    province: User,
    call: Call,
    experts: list[ExpertProfile],
    scores: dict[int, int],
    *,
    leave: Iterable[int] = (),
) -> None:
    """Close the call, invite the experts and assign them; each reviewer gives every criterion of an
    application the score `scores` names for it (so that is its weighted total), except the sheets of
    the experts in `leave`, left for the browser."""
    if Call.objects.get(pk=call.pk).status == CallStatus.OPEN:
        calls.call_close(acting_user=province, call_id=call.pk)
    reviews.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in experts])
    reviews.assignments_make(acting_user=province, call_id=call.pk)
    tasks = ReviewAssignment.objects.filter(application__call=call)
    assert tasks.count() == len(scores) * Call.objects.get(pk=call.pk).reviewers_per_application
    rubric = call_type_of(call).review.rubric
    for task in tasks.exclude(expert_id__in=list(leave)).select_related("expert__user"):
        reviews.sheet_save(
            acting_user=task.expert.user,
            assignment_id=task.pk,
            scores={c.code: scores[task.application_id] for c in rubric},
            overall="材料完整，同意推荐。",
            submit=True,
        )


def pdf_served(page: Page, link: Any) -> bytes:
    """The link opens a PDF the signed-in user may read; its bytes."""
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    return body
