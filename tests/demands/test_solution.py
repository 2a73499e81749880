"""The end of a demand: the bureau reports a solution, the submitter confirms or disputes it, the
bureau closes (办结), the submitter rates."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.demands import services
from baiqianwan.demands.models import Demand, DemandEvent, DemandStatus
from baiqianwan.demands.selectors import solved_demand_count
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation

from ..conftest import A
from .test_workflow import post


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "village": make_user(Role.VILLAGE, A["village"]),
        "colleague": make_user(Role.VILLAGE, A["village"]),
        "county": make_user(Role.COUNTY, A["county"]),
        "town": make_user(Role.TOWN, A["town"]),
        "neighbour": make_user(Role.VILLAGE, "441422100203"),
    }


def matching(people: dict[str, User], make_org: Callable[..., Organisation]) -> Demand:
    """A demand the county accepted and connected with an institution."""
    demand = post(people["village"])
    services.demand_transition(
        demand_id=demand.pk,
        action="accept",
        acting_user=people["county"],
        industry=Industry.objects.get(code="FRUIT-POMELO"),
    )
    services.connection_propose(
        acting_user=people["county"],
        demand_id=demand.pk,
        target_kind="institution",
        target_id=make_org("华南农业大学", "university", "440106000000").pk,
    )
    demand.refresh_from_db()
    assert demand.status == DemandStatus.MATCHING
    return demand


def test_the_county_reports_a_solution_and_the_village_confirms_it(
    people: dict[str, User], make_org: Callable[..., Organisation]
) -> None:
    demand = matching(people, make_org)
    connection = demand.connections.get()
    services.connection_record_outcome(
        acting_user=people["county"],
        connection_id=connection.pk,
        succeeded=True,
        outcome="提供脱毒苗 2000 株",
        solve_demand=True,
    )
    demand.refresh_from_db()
    # The bureau's word alone does not make it solved: the village has to say so.
    assert demand.status == DemandStatus.CONFIRMING
    assert demand.solved_at is None
    assert solved_demand_count() == 0
    with pytest.raises(PermissionDenied):
        services.demand_rate(acting_user=people["village"], demand_id=demand.pk, rating=5)
    with pytest.raises(PermissionDenied, match="确认已解决"):
        services.demand_transition(demand_id=demand.pk, action="confirm", acting_user=people["county"])

    services.demand_transition(demand_id=demand.pk, action="confirm", acting_user=people["village"])
    demand.refresh_from_db()
    assert demand.status == DemandStatus.SOLVED
    assert demand.solved_at is not None
    assert solved_demand_count() == 1

    # Closing a solved demand needs no reason; it stays counted as solved.
    services.demand_transition(demand_id=demand.pk, action="close", acting_user=people["county"])
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CLOSED
    assert demand.close_reason == "已解决，办结"
    assert solved_demand_count() == 1

    with pytest.raises(PermissionDenied, match="提出方"):
        services.demand_rate(acting_user=people["county"], demand_id=demand.pk, rating=1)
    services.demand_rate(acting_user=people["village"], demand_id=demand.pk, rating=5, feedback="很好")
    with pytest.raises(ValidationError, match="已经评价过"):
        services.demand_rate(acting_user=people["colleague"], demand_id=demand.pk, rating=1)
    demand.refresh_from_db()
    assert demand.rating == 5
    assert list(demand.events.values_list("action", flat=True))[-4:] == ["solve", "confirm", "close", "rate"]


def test_the_village_disputes_with_a_reason_and_matching_goes_on(
    people: dict[str, User], make_org: Callable[..., Organisation]
) -> None:
    demand = matching(people, make_org)
    services.demand_transition(demand_id=demand.pk, action="solve", acting_user=people["county"])
    with pytest.raises(ValidationError) as caught:
        services.demand_transition(demand_id=demand.pk, action="dispute", acting_user=people["village"])
    assert "说明原因" in caught.value.message_dict["note"][0]
    services.demand_transition(
        demand_id=demand.pk, action="dispute", acting_user=people["colleague"], note="病树仍在增多"
    )
    demand.refresh_from_db()
    assert demand.status == DemandStatus.MATCHING
    event = DemandEvent.objects.filter(demand=demand).last()
    assert event is not None
    assert (event.action, event.note, event.to_status) == ("dispute", "病树仍在增多", "matching")
    # A dispute is the submitter's word; the bureau keeps handling the demand.
    assert demand.handled_by == people["county"]


def test_the_village_may_say_it_is_solved_without_waiting_for_the_county(
    people: dict[str, User], make_org: Callable[..., Organisation]
) -> None:
    demand = matching(people, make_org)
    for outsider in (people["county"], people["town"], people["neighbour"]):
        with pytest.raises(PermissionDenied):
            services.demand_transition(demand_id=demand.pk, action="confirm", acting_user=outsider)
    with pytest.raises(ValidationError, match="不能提出异议"):
        services.demand_transition(
            demand_id=demand.pk, action="dispute", acting_user=people["village"], note="没解决"
        )
    services.demand_transition(demand_id=demand.pk, action="confirm", acting_user=people["village"])
    demand.refresh_from_db()
    assert demand.status == DemandStatus.SOLVED


def test_the_page_offers_each_side_its_buttons(
    people: dict[str, User], make_org: Callable[..., Organisation], client_for: Callable[[User], Client]
) -> None:
    demand = matching(people, make_org)
    village, county = client_for(people["village"]), client_for(people["county"])
    assert "标记已解决" in county.get(f"/demands/{demand.pk}/").content.decode()
    county.post(f"/demands/{demand.pk}/solve/")
    page = village.get(f"/demands/{demand.pk}/").content.decode()
    assert "确认已解决" in page
    assert "尚未解决" in page
    assert 'href="#confirm-solution"' in page  # on a phone the side column is far below
    assert "确认已解决" not in county.get(f"/demands/{demand.pk}/").content.decode()
    # A dispute without a reason is refused with the reason named; the demand does not move.
    village.post(f"/demands/{demand.pk}/dispute/", {"note": " "})
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CONFIRMING
    village.post(f"/demands/{demand.pk}/confirm/", {"version": demand.version})
    demand.refresh_from_db()
    assert demand.status == DemandStatus.SOLVED
    page = county.get(f"/demands/{demand.pk}/").content.decode()
    assert "办结" in page
    county.post(f"/demands/{demand.pk}/close/")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CLOSED
    page = village.get(f"/demands/{demand.pk}/").content.decode()
    assert "已解决，已办结" in page
    assert "评价这次服务" in page
    village.post(f"/demands/{demand.pk}/rate/", {"rating": "5", "feedback": "专家讲得实在"})
    demand.refresh_from_db()
    assert demand.rating == 5


def test_the_api_confirms_and_disputes(
    people: dict[str, User], make_org: Callable[..., Organisation], client_for: Callable[[User], Client]
) -> None:
    demand = matching(people, make_org)
    county, village = client_for(people["county"]), client_for(people["village"])
    url = f"/api/v1/demands/{demand.pk}/transition"

    def send(client: Client, **payload: object) -> tuple[int, dict[str, object]]:
        response = client.post(url, json.dumps(payload), content_type="application/json")
        return response.status_code, response.json()

    assert send(county, action="solve")[1]["status"] == "confirming"
    status, body = send(village, action="dispute")
    assert status == 422
    assert "note" in json.dumps(body, ensure_ascii=False)
    assert send(village, action="dispute", note="还有病树")[1]["status"] == "matching"
    assert send(county, action="confirm")[0] == 403
    assert send(village, action="confirm")[1]["status"] == "solved"
    assert send(county, action="close")[1]["status"] == "closed"
    assert send(village, action="unknown")[0] == 422
