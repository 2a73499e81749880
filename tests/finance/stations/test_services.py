"""The network's rules: a bureau registers in its own region only, the level follows the division,
a station belongs to a centre of its city; closing, activities, bad input named by field with
nothing stored; and the live KPI of 粤东西北's open centres and stations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from baiqianwan.accounts.roles import Role
from baiqianwan.finance.models import ServiceStation, StationActivity
from baiqianwan.finance.stations import selectors, services
from baiqianwan.plan.selectors import LIVE_KPIS

from ...conftest import A, B
from .conftest import county_station

pytestmark = pytest.mark.django_db


def fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


def test_the_level_follows_the_division_and_the_centre_is_of_the_same_city(network: dict[str, Any]) -> None:
    station = county_station(network)
    assert (station.level, station.in_east_west_north, station.parent_id) == (
        "county",
        True,
        network["centre"].pk,
    )
    assert network["centre"].level == "centre"
    town = services.station_register(
        acting_user=network["county"],
        division_code=A["town"],
        name="湖寮镇科技金融服务站",
        parent_id=network["centre"].pk,
        services=["policy"],
        opened_on=dt.date(2024, 7, 1),
    )
    village = services.station_register(
        acting_user=network["county"],
        division_code=A["village"],
        name="長教村科技金融服務點",  # traditional script is stored simplified
        services=["insurance"],
        opened_on=dt.date(2024, 8, 1),
    )
    assert (town.level, village.level, village.name) == ("town", "village", "长教村科技金融服务点")
    zhanjiang = services.station_register(
        acting_user=network["zhanjiang"],
        division_code=B["city"],
        name="湛江市科技金融服务中心",
        services=["credit"],
        opened_on=dt.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.station_register(
            acting_user=network["xuwen"],
            division_code=B["county"],
            name="徐闻县科技金融服务站",
            parent_id=network["centre"].pk,  # 梅州's centre: public, but of another city
            services=["credit"],
            opened_on=dt.date(2024, 6, 1),
        )
    assert fields(exc) == {"parent"}
    with pytest.raises(ValidationError) as exc:
        services.station_register(
            acting_user=network["province"],
            division_code=B["county"],
            name="徐闻县科技金融服务站",
            parent_id=network["centre"].pk,
            services=["credit"],
            opened_on=dt.date(2024, 6, 1),
        )
    assert fields(exc) == {"parent"}
    assert "所在地市" in exc.value.message_dict["parent"][0]
    ok = services.station_register(
        acting_user=network["province"],
        division_code=B["county"],
        name="徐闻县科技金融服务站",
        parent_id=zhanjiang.pk,
        services=["credit"],
        opened_on=dt.date(2024, 6, 1),
    )
    assert ok.parent_id == zhanjiang.pk


def test_a_bureau_registers_only_in_its_own_region(network: dict[str, Any]) -> None:
    before = ServiceStation.all_objects.count()
    with pytest.raises(ValidationError) as exc:
        county_station(network, division_code=B["county"], parent_id=None)
    assert fields(exc) == {"division"}
    assert "不在您的管辖范围内" in exc.value.message_dict["division"][0]
    # The county bureau cannot register the city's centre, nor can a town or a unit register at all.
    with pytest.raises(ValidationError):
        county_station(network, division_code=A["city"], name="梅州市第二科技金融服务中心", parent_id=None)
    for who in ("town", "bank_user"):
        with pytest.raises(PermissionDenied):
            services.station_register(
                acting_user=network[who],
                division_code=A["town"],
                name="湖寮镇科技金融服务站",
                services=["credit"],
                opened_on=dt.date(2024, 6, 1),
            )
    assert ServiceStation.all_objects.count() == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "<script>alert(1)</script>服务站"}, "name"),
        ({"name": '=HYPERLINK("http://x")'}, "name"),
        ({"contact": "张\x00三"}, "contact"),
        ({"phone": "not a phone"}, "phone"),
        ({"services": []}, "services"),
        ({"services": ["credit", "lottery"]}, "services"),
        ({"opened_on": timezone.localdate() + dt.timedelta(days=7)}, "opened_on"),
        ({"opened_on": dt.date(1999, 12, 31)}, "opened_on"),
        ({"division_code": "110101000000"}, "division"),
        ({"host_id": 10**12}, "host"),
        ({"name": "站"}, "name"),
    ],
)
def test_bad_input_is_named_and_nothing_is_stored(
    network: dict[str, Any], values: dict[str, Any], field: str
) -> None:
    before = ServiceStation.all_objects.count()
    with pytest.raises(ValidationError) as exc:
        county_station(network, **values)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert ServiceStation.all_objects.count() == before


def test_a_name_is_once_per_place_and_edits_are_version_checked(network: dict[str, Any]) -> None:
    station = county_station(network)
    with pytest.raises(ValidationError) as exc:
        county_station(network)
    assert fields(exc) == {"name"}
    services.station_update(acting_user=network["county"], station_id=station.pk, version=0, contact="李建华")
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.station_update(
            acting_user=network["county"], station_id=station.pk, version=0, contact="王五"
        )
    # Another county's bureau does not find it to change (it is public, so it reads it).
    with pytest.raises(PermissionDenied):
        services.station_update(acting_user=network["xuwen"], station_id=station.pk, contact="王五")
    station.refresh_from_db()
    assert (station.contact, station.version) == ("李建华", 1)


def test_closing_and_activities(network: dict[str, Any]) -> None:
    station = county_station(network)
    record = lambda who, **v: services.activity_record(  # noqa: E731
        acting_user=network[who],
        station_id=station.pk,
        **{
            "held_on": dt.date(2025, 3, 1),
            "kind": "financing",
            "title": "县域科技型企业融资对接会",
            "attendance": 60,
            "enterprises_served": 18,
            **v,
        },
    )
    record("county")
    record("bank_user", kind="policy", title="科技信贷政策宣讲会")  # the host unit
    for who in ("xuwen", "town"):
        with pytest.raises(PermissionDenied):
            record(who)
    for values, field in (
        ({"held_on": dt.date(2024, 1, 1)}, "held_on"),
        ({"attendance": -1}, "attendance"),
        ({"enterprises_served": 10**9}, "enterprises_served"),
        ({"kind": "party"}, "kind"),
        ({"title": "@SUM(A1)"}, "title"),
    ):
        with pytest.raises(ValidationError) as exc:
            record("county", **values)
        assert fields(exc) == {field}
    assert StationActivity.all_objects.count() == 2
    # The centre cannot close while a station under it is open.
    with pytest.raises(ValidationError) as exc:
        services.station_close(
            acting_user=network["city"], station_id=network["centre"].pk, closed_on=dt.date(2025, 6, 1)
        )
    assert "还有 1 个站点" in exc.value.message_dict["closed_on"][0]
    with pytest.raises(ValidationError):
        services.station_close(
            acting_user=network["county"], station_id=station.pk, closed_on=dt.date(2024, 1, 1)
        )
    services.station_close(
        acting_user=network["county"], station_id=station.pk, closed_on=dt.date(2025, 6, 1)
    )
    with pytest.raises(ValidationError) as exc:
        record("county", held_on=dt.date(2025, 7, 1))
    assert "撤销" in exc.value.message_dict["held_on"][0]
    totals = selectors.activity_totals(user=network["county"], station=station)
    assert totals == {"activities": 2, "attendance": 120, "enterprises": 36}


def test_the_kpi_counts_open_stations_of_every_level_in_east_west_north(network: dict[str, Any]) -> None:
    kpi = LIVE_KPIS["KPI-EWN-FIN-CENTRES"]
    assert kpi() == 1  # 梅州's centre
    station = county_station(network)
    services.station_register(
        acting_user=network["province"],
        division_code="440106000000",  # 天河区: 珠三角, not counted
        name="天河区科技金融服务站",
        services=["credit"],
        opened_on=dt.date(2024, 1, 1),
    )
    assert kpi() == 2
    services.station_close(
        acting_user=network["county"], station_id=station.pk, closed_on=timezone.localdate()
    )
    assert kpi() == 1


def test_the_network_by_city_is_scoped(network: dict[str, Any]) -> None:
    county_station(network)
    hidden = county_station(network, name="大埔县内部试点服务站", is_public=False)
    figures = selectors.network(user=network["province"])
    assert figures["open"] == 3
    assert figures["east_west_north"] == 3
    meizhou = next(c for c in figures["cities"] if c["code"] == "4414")
    assert (meizhou["centre"], meizhou["county"], meizhou["value"]) == (1, 2, 3)
    # 湛江's bureau sees the public ones only; the county of 大埔 its own too.
    assert selectors.network(user=network["zhanjiang"])["open"] == 2
    assert hidden in selectors.station_list(user=network["county"])
    assert hidden not in selectors.station_list(user=network["zhanjiang"])
    assert selectors.network(user=network["users"][Role.ORG])["open"] == 2
