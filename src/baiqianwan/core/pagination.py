"""One paginator for every API list: bounded page and page size, so no input reaches the database
as an integer it cannot hold (SQLite stops at 2**63, an OFFSET that large is meaningless anyway)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# A list of 200 per page reaches 200 million rows at this page: far beyond any table here.
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 200


class BoundedPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"页码，1 至 {MAX_PAGE}")
        page_size: int | None = Field(
            None, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，1 至 {MAX_PAGE_SIZE}"
        )

    def __init__(self, page_size: int = 20, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)
