"""Every list page costs the same number of queries for 50 rows as for 2.

The demo is loaded once for the module and the province administrator opens every page without
path parameters (discovered from the resolver, as the page scope matrix does). A page is a list
page when it pages rows with Django's paginator; its page size is then set to 2 and to 50 for two
readings of the same page over the same data. A query per row (a related record fetched in a loop)
makes the larger page cost at least one query more for each extra row; the larger page may cost
up to ``MARGIN`` more for another reason: a ``prefetch_related`` (or a lookup of a related set)
is skipped when none of the rows on the page has a related record, and the two rows of the small
page may have none. Pages with no paginator are skipped, so discovery, not a list kept by hand,
decides which pages are compared."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from baiqianwan.accounts.models import User

from ..conftest import otp_verified
from .test_page_scope_matrix import patterns

# Extra queries a page of 50 may cost over a page of 2 (prefetches skipped for rows without
# related records); a query per row costs at least MIN_EXTRA_ROWS more.
MARGIN = 3
# Below this many extra rows on the larger page the comparison would not tell a query per row
# from MARGIN; the page is then reported as not compared.
MIN_EXTRA_ROWS = 2 * MARGIN + 2

LIST_CANDIDATES = sorted(route for route in patterns() if "<" not in route)


@pytest.fixture(scope="module")
def demo_client(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Client]:
    """The demo, loaded once inside a transaction rolled back after the module, and the
    province administrator signed in."""
    from baiqianwan.plan.services import plan_load

    with django_db_blocker.unblock(), transaction.atomic():
        plan_load()
        call_command("indicators", "load")
        call_command("demo", stdout=io.StringIO())
        province = User.objects.get(username="gd_admin")
        _more_rows(province)
        client = Client()
        client.force_login(province)
        otp_verified(client, province)  # the demo's province account has an authenticator
        yield client
        transaction.set_rollback(True)


def _more_rows(province: User) -> None:
    """The demo's lists that hold fewer rows than a large page, filled up: jobs and notifications
    of the province administrator, and copies of a demand waiting for triage and of a workstation."""
    from baiqianwan.commissioners.models import Workstation
    from baiqianwan.core.jobs import job_create
    from baiqianwan.core.models import Notification
    from baiqianwan.demands.models import Demand

    extra = 3 * MIN_EXTRA_ROWS
    for n in range(extra):
        job_create(kind="test", title=f"任务 {n}", created_by=province)
        Notification.objects.create(user=province, title=f"提醒 {n}")
    for row in (Demand.all_objects.filter(status="submitted").first(), Workstation.all_objects.first()):
        assert row is not None
        for _ in range(extra):
            row.pk = None
            row._state.adding = True
            row.save()


class _Pages:
    """Sets every paginator's page size and keeps the pages it hands out."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.size = 2
        self.pages: list[Page] = []
        init, get_page = Paginator.__init__, Paginator.get_page
        pages = self

        def sized_init(
            paginator: Paginator, object_list: Any, per_page: int, *args: Any, **kwargs: Any
        ) -> None:
            init(paginator, object_list, pages.size, *args, **kwargs)

        def kept_page(paginator: Paginator, number: Any) -> Page:
            page = get_page(paginator, number)
            pages.pages.append(page)
            return page

        monkeypatch.setattr(Paginator, "__init__", sized_init)
        monkeypatch.setattr(Paginator, "get_page", kept_page)

    def read(self, client: Client, url: str, size: int) -> tuple[int, int]:
        """(queries, rows shown) of one reading of the page with the given page size."""
        self.size, self.pages = size, []
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(queries), sum(len(page.object_list) for page in self.pages)


@pytest.mark.parametrize("route", LIST_CANDIDATES)
def test_a_list_page_costs_no_more_for_more_rows(
    route: str, demo_client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = reverse(patterns()[route])
    pages = _Pages(monkeypatch)
    status = demo_client.get(url).status_code  # caches and lazily loaded data warm up first
    if not pages.pages:
        pytest.skip(f"no paginated list ({status})")
    small, small_rows = pages.read(demo_client, url, 2)
    large, large_rows = pages.read(demo_client, url, 50)
    if large_rows - small_rows < MIN_EXTRA_ROWS:
        pytest.skip(f"the demo fills too few rows to compare ({small_rows} vs {large_rows})")
    assert large - small <= MARGIN, (
        f"{url}: {small_rows} 行 {small} 次查询，{large_rows} 行 {large} 次查询——每行多出查询"
    )
