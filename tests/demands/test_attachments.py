"""A demand's photos and documents: thumbnails that open full size, served only to whoever may see the
demand, with headers that never let a file run as a page."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.demands import services
from baiqianwan.demands.models import Demand, DemandAttachment

from ..conftest import A, B
from .test_workflow import post

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(width: int = 640, height: int = 480) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (186, 160, 40)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "village": make_user(Role.VILLAGE, A["village"]),
        "county": make_user(Role.COUNTY, A["county"]),
        "other_county": make_user(Role.COUNTY, B["county"]),
        "other_village": make_user(Role.VILLAGE, B["village"]),
    }


@pytest.fixture
def demand(people: dict[str, User]) -> Demand:
    demand = post(people["village"])
    services.demand_attach(
        acting_user=people["village"], demand_id=demand.pk, name="柚园病叶.png", data=png()
    )
    services.demand_attach(acting_user=people["village"], demand_id=demand.pk, name="检测报告.pdf", data=PDF)
    return demand


def url(demand: Demand, attachment: DemandAttachment | int) -> str:
    pk = attachment if isinstance(attachment, int) else attachment.pk
    return f"/demands/{demand.pk}/attachments/{pk}/"


def test_the_page_shows_a_thumbnail_that_opens_the_photo(
    demand: Demand, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    photo, report = demand.attachments.order_by("pk")
    county = client_for(people["county"])
    page = county.get(f"/demands/{demand.pk}/").content.decode()
    assert f'<a href="{url(demand, photo)}" target="_blank"' in page
    assert f'<img src="{url(demand, photo)}" alt="柚园病叶.png"' in page
    assert (
        f'<a href="{url(demand, report)}" class="btn btn-sm btn-outline-secondary attachment-file" download>'
        in page
    )
    assert "/media/" not in page

    response = county.get(url(demand, photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, max-age=3600"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (640, 480)  # type: ignore[attr-defined]

    download = county.get(url(demand, report))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")


def test_only_those_who_may_see_the_demand_get_its_files(
    demand: Demand, people: dict[str, User], client_for: Callable[[User], Client], make_user: Any
) -> None:
    photo = demand.attachments.order_by("pk").first()
    assert photo is not None
    assert client_for(people["village"]).get(url(demand, photo)).status_code == 200
    for outsider in ("other_county", "other_village"):
        assert client_for(people[outsider]).get(url(demand, photo)).status_code == 404
    anonymous = Client().get(url(demand, photo))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")

    # Another demand's attachment through this demand's address: not found, whoever asks.
    other = post(people["village"], title="荔枝冬梢旺长不开花")
    theirs = services.demand_attach(
        acting_user=people["village"], demand_id=other.pk, name="荔枝.png", data=png(32, 32)
    )
    county = client_for(people["county"])
    assert county.get(url(demand, theirs)).status_code == 404
    assert county.get(url(other, theirs)).status_code == 200
    for hostile in (
        f"/demands/{demand.pk}/attachments/99999999999999999999999/",
        "/demands/9223372036854775808/",
        "/matching/demands/99999999999999999999/recommendations/",
        "/api/v1/demands/99999999999999999999999",
    ):
        assert county.get(hostile).status_code == 404, hostile
    assert county.get(f"/demands/{demand.pk}/attachments/-1/").status_code == 404


def test_a_file_that_is_not_really_an_image_never_shows_inline(
    demand: Demand, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    """Even a row that claims an image type (written around the upload check) downloads as bytes."""
    for name, data, claimed in (
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
        ("x.png", b"<html><script>alert(1)</script></html>", "image/png"),
    ):
        row = DemandAttachment(demand=demand, name=name, content_type=claimed, size=len(data))
        row.file.save(name, ContentFile(data), save=True)
        response = client_for(people["county"]).get(url(demand, row))
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_uploaded_names_lose_paths_and_control_characters(
    demand: Demand, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    hostile = services.demand_attach(
        acting_user=people["village"],
        demand_id=demand.pk,
        name="../../etc/pass\r\nwd<b>.png",
        data=png(8, 8),
    )
    assert hostile.name == "passwd<b>.png"
    response = client_for(people["county"]).get(url(demand, hostile))
    assert response.status_code == 200
    assert "\n" not in response["Content-Disposition"]
    page = client_for(people["county"]).get(f"/demands/{demand.pk}/").content.decode()
    assert "passwd&lt;b&gt;.png" in page
    assert "passwd<b>" not in page
