"""The finance ledgers' demo, built through the services on the demo's units and accounts: six
sub-funds with 40 investments, a pool of 60 across cities and stages, 90 centres and stations
mostly in 粤东西北. (tests/web/test_demo.py loads the whole demo, achievements included.)"""

from __future__ import annotations

import random

import pytest

from baiqianwan.accounts.demo import demo_users
from baiqianwan.finance.funds.demo import demo_funds
from baiqianwan.finance.models import (
    Investment,
    ReserveEnterprise,
    ReserveService,
    ServiceStation,
    StationActivity,
    SubFund,
)
from baiqianwan.finance.stations.demo import demo_stations
from baiqianwan.orgs.demo import demo_organisations
from baiqianwan.plan.selectors import LIVE_KPIS

pytestmark = pytest.mark.django_db


def test_the_demo_builds_every_ledger(divisions: None) -> None:
    rng = random.Random(20230607)
    demo_organisations(rng)
    demo_users()
    funds = demo_funds(rng)
    stations = demo_stations(rng)
    assert (funds["funds"], funds["investments"], funds["pool"]) == (6, 40, 60)
    assert [u[0] for u in funds["users"]] == ["fund_yueke", "fund_yuebei"]
    assert SubFund.all_objects.count() == 6
    assert Investment.all_objects.filter(in_east_west_north=True).count() > 20
    pool = ReserveEnterprise.all_objects
    assert set(pool.values_list("stage", flat=True)) == {"cultivate", "coaching", "filing", "listed"}
    assert pool.filter(exited=True).exists()
    assert pool.values("recommended_by").distinct().count() == 21
    assert ReserveService.objects.count() >= 60
    assert stations["stations"] == 90
    assert set(ServiceStation.all_objects.values_list("level", flat=True)) == {
        "centre",
        "county",
        "town",
        "village",
    }
    assert StationActivity.all_objects.count() > 90
    ewn = LIVE_KPIS["KPI-EWN-FIN-CENTRES"]()
    assert ewn == stations["east_west_north_open"]
    assert 60 <= ewn < 90
    # Run again: nothing more.
    assert demo_funds(rng)["funds"] == 6
    assert demo_stations(rng)["stations"] == 90
