"""One filter definition per list: the page and the API list read the same query the same way."""

from __future__ import annotations

from typing import Any

from django.test import Client


def same_filter(client: Client, *, page: str, api: str, query: dict[str, str]) -> tuple[str, list[Any]]:
    """The page's HTML and the API's items for one query; both must accept it."""
    listed = client.get(api, query)
    assert listed.status_code == 200, listed.content.decode()
    shown = client.get(page, query)
    assert shown.status_code == 200
    return shown.content.decode(), listed.json()["items"]


def refused_fields(client: Client, *, api: str, query: dict[str, str], page: str | None = None) -> set[str]:
    """The fields the API's 422 names for a bad query; the page, if any, ignores it and answers."""
    refused = client.get(api, query)
    assert refused.status_code == 422, refused.content.decode()
    if page is not None:
        assert client.get(page, query).status_code == 200
    return {error["field"] for error in refused.json()["errors"]}
