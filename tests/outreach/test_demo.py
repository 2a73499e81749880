"""The outreach demo, built through the services on the demo's units, people and accounts: 200 科普
events in all 21 cities with more in 珠三角, 1,500 teachers of 粤东西北 in 12 courses, a 智库 of 80."""

from __future__ import annotations

import random

import pytest

from baiqianwan.accounts.demo import demo_users
from baiqianwan.orgs.demo import demo_organisations, demo_people
from baiqianwan.outreach import selectors
from baiqianwan.outreach.demo import demo_outreach
from baiqianwan.outreach.models import OutreachEvent, ThinkTankMember, Trainee
from baiqianwan.regions.classification import is_east_west_north

pytestmark = pytest.mark.django_db


def test_the_demo_builds_every_ledger(divisions: None) -> None:
    rng = random.Random(20230607)
    organisations = demo_organisations(rng)
    demo_people(rng, organisations)
    demo_users()
    made = demo_outreach(rng)
    assert (made["events"], made["courses"], made["teachers"]) == (200, 12, 1500)
    assert (made["members"], made["reports"], made["seminars"]) == (80, 6, 4)
    cities = {code[:4] for code in OutreachEvent.all_objects.values_list("place_id", flat=True)}
    assert len(cities) == 21
    assert all(is_east_west_north(code) for code in Trainee.all_objects.values_list("county_id", flat=True))
    assert ThinkTankMember.all_objects.exclude(expert=None).exists()
    assert 0 < made["active_members"] <= 80
    from baiqianwan.accounts.models import User

    balance = selectors.event_balance(user=User.objects.get(username="gd_admin"))
    rows = {r["region"]: r for r in balance["rows"]}
    assert all(rows[r]["gap"] < 0 for r in ("east", "west", "north"))
    assert demo_outreach(rng)["events"] == 200  # run again: nothing more
