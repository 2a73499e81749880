"""Contact details: hidden until the other side accepts the 对接, then shown both ways and audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.models import AuditEvent
from baiqianwan.demands import services
from baiqianwan.demands.models import Connection, ConnectionStatus, Demand
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.supply.models import ExpertProfile

from ..conftest import A
from .test_workflow import post

VILLAGE_PHONE = "13800138000"


@pytest.fixture
def case(make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> dict[str, Any]:
    university = make_org("华南农业大学", "university", "440106000000")
    village = make_user(Role.VILLAGE, A["village"])
    county = make_user(Role.COUNTY, A["county"])
    demand = post(village, contact_name="张阿姨", contact_phone=VILLAGE_PHONE)
    # Not published to the market: the proposed side still has to read it.
    services.demand_transition(
        demand_id=demand.pk,
        action="accept",
        acting_user=county,
        industry=Industry.objects.get(code="FRUIT-POMELO"),
        make_public=False,
    )
    connection = services.connection_propose(
        acting_user=county, demand_id=demand.pk, target_kind="institution", target_id=university.pk
    )
    return {
        "demand": demand,
        "connection": connection,
        "village": village,
        "county": county,
        "scau": make_user(Role.ORG, organisation=university, display_name="华农科技处"),
        "stranger": make_user(Role.ORG, organisation=make_org("梅州某公司", "enterprise", A["town"])),
        "university": university,
    }


def contact_events() -> list[str]:
    return list(AuditEvent.objects.filter(kind="contact").order_by("id").values_list("detail", flat=True))


def test_the_expert_side_sees_the_village_only_after_accepting(
    case: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    demand: Demand = case["demand"]
    scau = client_for(case["scau"])
    before = scau.get(f"/demands/{demand.pk}/")
    assert before.status_code == 200
    page = before.content.decode()
    assert "对接成立后可见" in page
    assert VILLAGE_PHONE not in page
    assert "张**" in page
    assert "接受对接" in page  # the proposal can be answered from the demand page itself
    assert contact_events() == []

    response = scau.post(
        f"/demands/connections/{case['connection'].pk}/respond/",
        {"accept": "1", "contact_name": "梁老师", "contact_phone": "020-85280000"},
    )
    assert response["Location"] == f"/demands/{demand.pk}/"
    page = scau.get(f"/demands/{demand.pk}/").content.decode()
    assert f'<a href="tel:{VILLAGE_PHONE}">{VILLAGE_PHONE}</a>' in page
    assert "张阿姨" in page
    village_page = client_for(case["village"]).get(f"/demands/{demand.pk}/").content.decode()
    assert "对方联系人：梁老师" in village_page
    assert 'href="tel:020-85280000"' in village_page

    # The reveal and each day's first look by either party are in the audit trail.
    scau.get(f"/demands/{demand.pk}/")
    events = contact_events()
    assert events[0].startswith(f"对接 #{case['connection'].pk} 成立：需求 #{demand.pk}")
    assert events[1:] == [
        f"查看需求 #{demand.pk} 提出方的联系方式",
        f"查看需求 #{demand.pk} 对接方的联系方式",
    ]
    assert AuditEvent.objects.filter(kind="contact", user=case["scau"]).count() == 2

    # Someone who is no party to it still sees nothing (and cannot open the unpublished demand).
    assert client_for(case["stranger"]).get(f"/demands/{demand.pk}/").status_code == 404


def test_accepting_needs_a_phone_to_be_reached_on(case: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        services.connection_respond(
            acting_user=case["scau"], connection_id=case["connection"].pk, accept=True
        )
    assert "联系电话" in caught.value.message_dict["contact_phone"][0]
    for hostile in ("<b>1</b>", "138\x00001380", "9" * 200):
        with pytest.raises(ValidationError, match="联系电话"):
            services.connection_respond(
                acting_user=case["scau"],
                connection_id=case["connection"].pk,
                accept=True,
                contact_phone=hostile,
            )
    case["connection"].refresh_from_db()
    assert case["connection"].status == ConnectionStatus.PROPOSED
    # Declining needs no contact and reveals nothing.
    services.connection_respond(acting_user=case["scau"], connection_id=case["connection"].pk, accept=False)
    assert contact_events() == []


def test_a_contact_name_with_markup_is_shown_as_text(
    case: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    services.connection_respond(
        acting_user=case["scau"],
        connection_id=case["connection"].pk,
        accept=True,
        contact_name="<script>alert(1)</script>",
        contact_phone="13900001111",
    )
    page = client_for(case["village"]).get(f"/demands/{case['demand'].pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_an_expert_with_an_account_accepts_for_themselves(
    case: dict[str, Any],
    make_user: Callable[..., User],
    make_person: Callable[..., Person],
    client_for: Callable[[User], Client],
) -> None:
    person = make_person(case["university"], "陈晓燕")
    expert_user = make_user(Role.EXPERT, phone="13911112222")
    expert = ExpertProfile.all_objects.create(
        person=person, user=expert_user, keywords="柑橘 黄龙病", home_city_id="440100000000"
    )
    connection = services.connection_propose(
        acting_user=case["county"], demand_id=case["demand"].pk, target_kind="expert", target_id=expert.pk
    )
    client = client_for(expert_user)
    assert VILLAGE_PHONE not in client.get(f"/demands/{case['demand'].pk}/").content.decode()
    services.connection_respond(acting_user=expert_user, connection_id=connection.pk, accept=True)
    connection.refresh_from_db()
    assert (connection.contact_phone, connection.responded_by) == ("13911112222", expert_user)
    assert VILLAGE_PHONE in client.get(f"/demands/{case['demand'].pk}/").content.decode()


def test_the_api_reveals_the_same_way(case: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    scau = client_for(case["scau"])
    url = f"/api/v1/demands/{case['demand'].pk}"
    before = scau.get(url).json()
    assert (before["contact_name"], before["contact_phone"]) == ("张**", "对接成立后可见")
    Connection.all_objects.filter(pk=case["connection"].pk).update(status=ConnectionStatus.ACCEPTED)
    after = scau.get(url).json()
    assert (after["contact_name"], after["contact_phone"]) == ("张阿姨", VILLAGE_PHONE)
    assert contact_events() == [f"查看需求 #{case['demand'].pk} 提出方的联系方式"]
    assert client_for(case["stranger"]).get(url).status_code == 404
