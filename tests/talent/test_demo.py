"""The talent demo, built through the services on the demo's units and accounts."""

from __future__ import annotations

import random

from baiqianwan.accounts.demo import demo_users
from baiqianwan.orgs.demo import demo_organisations, demo_people
from baiqianwan.talent.demo import demo_talent
from baiqianwan.talent.models import Outpost


def test_the_demo_builds_every_ledger(divisions: None) -> None:
    rng = random.Random(20230607)
    organisations = demo_organisations(rng)
    demo_people(rng, organisations)
    demo_users()
    counts = demo_talent(rng)
    assert counts == {
        "outposts": 50,
        "outposts_open": 48,
        "leaders": 120,
        "groups": 6,
        "selections": 40,
    }
    assert Outpost.all_objects.filter(in_east_west_north=True).count() == 42
    hosts = set(Outpost.all_objects.values_list("host__name", flat=True))
    assert {
        "华南农业大学",
        "广东省农业科学院",
        "仲恺农业工程学院",
        "广东海洋大学",
        "嘉应学院",
        "韶关学院",
    } <= hosts
    assert demo_talent(rng) == counts  # a second run adds nothing
