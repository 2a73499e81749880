from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.plan import services
from baiqianwan.plan.models import Measure

from ..conftest import A
from ..filtering import refused_fields


def test_the_report_list_reads_its_filters_from_one_form(
    divisions: None, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    services.plan_load()
    city = make_user(Role.CITY, A["city"])
    for period in ("2025H1", "2025Q3"):
        services.progress_report_submit(
            acting_user=city,
            measure=Measure.objects.get(code="T6-M1"),
            period=period,
            status="on_track",
            summary="已选派 86 名科技特派员进驻 43 个镇。",
        )
    client = client_for(city)
    # The plan has no page listing reports; the API's filter is the form's.
    listed = client.get("/api/v1/plan/reports", {"measure": "T6-M1", "period": "2025h1"}).json()["items"]
    assert [item["period"] for item in listed] == ["2025H1"]
    assert refused_fields(client, api="/api/v1/plan/reports", query={"period": "明年"}) == {"period"}
