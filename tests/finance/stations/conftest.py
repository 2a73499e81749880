"""The network's cast: 梅州's city bureau and its centre, 大埔县's bureau, a bank that hosts a station,
湛江's bureau across the province, and the province."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.finance.models import ServiceStation
from baiqianwan.finance.stations import services
from baiqianwan.orgs.models import Organisation

from ...conftest import A, B

OPENED = dt.date(2024, 3, 1)


@pytest.fixture
def network(
    world: dict[str, Any], make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> dict[str, Any]:
    bank = make_org("梅州客商银行", "bank", A["city"])
    users = world["users"]
    centre = services.station_register(
        acting_user=users[Role.CITY],
        division_code=A["city"],
        name="梅州市科技金融服务中心",
        services=["financing", "credit", "listing"],
        opened_on=OPENED,
    )
    return {
        **world,
        "bank": bank,
        "bank_user": make_user(Role.ORG, organisation=bank),
        "centre": centre,
        "province": users[Role.PROVINCE],
        "city": users[Role.CITY],
        "county": users[Role.COUNTY],
        "town": users[Role.TOWN],
        "zhanjiang": make_user(Role.CITY, B["city"]),
        "xuwen": world["user_b"],
    }


def county_station(network: dict[str, Any], **values: Any) -> ServiceStation:
    defaults: dict[str, Any] = {
        "division_code": A["county"],
        "name": "大埔县科技金融服务站",
        "parent_id": network["centre"].pk,
        "host_id": network["bank"].pk,
        "services": ["credit", "financing"],
        "contact": "张晓燕",
        "phone": "0753-5521234",
        "opened_on": dt.date(2024, 6, 1),
    }
    return services.station_register(acting_user=network["county"], **{**defaults, **values})
