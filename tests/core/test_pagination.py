"""Lists count at most COUNT_LIMIT rows: exact below it, "1000+" above it (core/pagination.py)."""

from __future__ import annotations

import re
from typing import Any

from django.template import Context, Template
from django.test import Client

from baiqianwan.core.pagination import COUNT_LIMIT, BoundedPaginator, bounded_count
from baiqianwan.regions.models import Division


def test_counts_stop_at_the_limit(divisions: None) -> None:
    villages = Division.objects.filter(level="village")
    assert bounded_count(villages) == (COUNT_LIMIT, True)
    assert bounded_count(Division.objects.filter(level="city")) == (21, False)
    assert bounded_count(list(range(COUNT_LIMIT))) == (COUNT_LIMIT, False)


def test_api_lists_say_when_the_count_is_capped(divisions: None) -> None:
    client = Client()
    many = client.get("/api/v1/regions/search", {"q": "村"}).json()
    assert many["count"] == COUNT_LIMIT
    assert many["count_capped"] is True
    few = client.get("/api/v1/regions/search", {"q": "梅州"}).json()
    assert few["count_capped"] is False
    assert few["count"] == len(few["items"])


def test_pages_show_a_capped_total_and_only_nearby_page_numbers(divisions: None, rf: Any) -> None:
    page = BoundedPaginator(Division.objects.filter(level="village").order_by("code"), 20).get_page(7)
    html = Template('{% load bqw %}{% include "web/_pagination.html" %}').render(
        Context({"page": page, "request": rf.get("/demands/", {"page": 7})})
    )
    assert f"{COUNT_LIMIT}+" in html
    numbers = [int(n) for n in re.findall(r">(\d+)</a>", html)]
    assert numbers == [1, 5, 6, 7, 8, 9, COUNT_LIMIT // 20]
    assert html.count("…") == 2
