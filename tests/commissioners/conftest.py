"""Shared dispatch fixtures: a university with three experts, users on both sides, a serving team."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.rounds import services as rounds_services
from baiqianwan.commissioners.rounds.models import AssignmentStatus, Team
from baiqianwan.core.fakes import make_id_number
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from ..conftest import A

WUSHAN = "440106001000"  # 广州市天河区五山街道 (珠三角)


@pytest.fixture
def setting(make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> dict[str, Any]:
    university = make_org("华南农业大学", "university", "440106000000")
    rng = random.Random(5)
    experts = []
    for name, title in (("陈晓燕", "研究员"), ("黄志强", "副教授"), ("李建华", "助理研究员")):
        person = Person.all_objects.create(
            name=name,
            title=title,
            id_number=make_id_number(
                rng, division_code="440106000000", born=dt.date(1978, 3, 1), female=False
            ),
            mobile="13800138000",
            organisation=university,
        )
        account = make_user(Role.COMMISSIONER, A["county"], display_name=name)
        experts.append(
            ExpertProfile.all_objects.create(
                person=person, user=account, keywords="柚类", home_city_id=A["city"]
            )
        )
    return {
        "province": make_user(Role.PROVINCE, "440000000000"),
        "town": make_user(Role.TOWN, A["town"]),
        "prd_town": make_user(Role.TOWN, WUSHAN),
        "org": make_user(Role.ORG, organisation=university),
        "experts": experts,
    }


@pytest.fixture
def team(setting: dict[str, Any]) -> Team:
    """A published round whose team of three serves 大埔县湖寮镇 (A side); everyone has accepted."""
    province = setting["province"]
    dispatch_round = rounds_services.round_create(acting_user=province, name="2024年第一批", year=2024)
    need = rounds_services.need_submit(
        acting_user=province,
        dispatch_round=dispatch_round,
        town=Division.objects.get(code=A["town"]),
        fields=["种植"],
        slots=3,
    )
    for expert in setting["experts"]:
        rounds_services.nominate(
            acting_user=province, dispatch_round=dispatch_round, expert=expert, fields=["种植"]
        )
    rounds_services.round_solve(acting_user=province, dispatch_round=dispatch_round)
    rounds_services.round_publish(acting_user=province, dispatch_round=dispatch_round, on=dt.date(2024, 3, 1))
    need.assignments.update(status=AssignmentStatus.ACCEPTED)
    return Team.all_objects.get(need=need)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded photos go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)
