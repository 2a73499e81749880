"""Pagination for every list: bounded page and page size, and counts that stop at a limit.

No input reaches the database as an integer it cannot hold (SQLite stops at 2**63, an OFFSET that
large is meaningless anyway). Counting every matching row of a large table costs more than the page
itself — a county bureau's demand list reaches every public demand of the province — so a list
counts at most ``COUNT_LIMIT`` rows: below it the count is exact, above it the count is the limit
and the list says so ("1000+", ``count_capped`` in the API). Nobody pages through a thousand rows;
they narrow the filter.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# A list of 200 per page reaches 200 million rows at this page: far beyond any table here.
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 200
COUNT_LIMIT = 1000


def bounded_count(rows: Any, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """(count, capped): the exact count up to ``limit``, else (``limit``, True)."""
    # SELECT COUNT(*) FROM (SELECT … LIMIT limit + 1): stops reading after limit + 1 rows.
    found = rows.order_by()[: limit + 1].count() if isinstance(rows, QuerySet) else len(rows)
    return min(found, limit), found > limit


class BoundedPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"页码，1 至 {MAX_PAGE}")
        page_size: int | None = Field(
            None, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，1 至 {MAX_PAGE_SIZE}"
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description=f"总条数；超过 {COUNT_LIMIT} 条时为 {COUNT_LIMIT}，并且 count_capped 为 true"
        )
        count_capped: bool = Field(False, description=f"条数超过 {COUNT_LIMIT}，count 只计到 {COUNT_LIMIT}")

    def __init__(self, page_size: int = 20, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        count, capped = bounded_count(queryset)
        return {
            self.items_attribute: queryset[offset : offset + page_size],
            "count": count,
            "count_capped": capped,
        }


class BoundedPaginator(Paginator):
    """Django's paginator for pages, counting at most ``COUNT_LIMIT`` rows (``capped`` says so)."""

    @cached_property
    def _bounded(self) -> tuple[int, bool]:
        return bounded_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return self._bounded[0]

    @property
    def capped(self) -> bool:
        return self._bounded[1]
