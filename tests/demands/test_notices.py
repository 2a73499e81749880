"""Everyone a demand's change concerns is told in the platform, after the change is committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.models import Notification
from baiqianwan.demands import services
from baiqianwan.demands.models import Demand
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation
from baiqianwan.supply.models import Achievement

from ..conftest import A, B
from .test_workflow import post


@pytest.fixture
def people(make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> dict[str, Any]:
    university = make_org("华南农业大学", "university", "440106000000")
    return {
        "village": make_user(Role.VILLAGE, A["village"]),
        "county": make_user(Role.COUNTY, A["county"]),
        "county_colleague": make_user(Role.COUNTY, A["county"]),
        "other_county": make_user(Role.COUNTY, B["county"]),
        "university": university,
        "scau": make_user(Role.ORG, organisation=university),
        "inactive": make_user(Role.ORG, organisation=university, is_active=False),
    }


def titles(user: User) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True))


def test_each_step_of_the_journey_tells_whom_it_concerns(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    village, county, scau = people["village"], people["county"], people["scau"]
    with django_capture_on_commit_callbacks(execute=True):
        demand = post(village)
    assert titles(county) == [f"新的科技需求待受理：{demand.title}"]
    assert titles(people["county_colleague"]) == titles(county)
    assert titles(people["other_county"]) == []
    assert titles(village) == []  # never told about one's own action

    with django_capture_on_commit_callbacks(execute=True):
        services.demand_transition(
            demand_id=demand.pk,
            action="accept",
            acting_user=county,
            industry=Industry.objects.get(code="FRUIT-POMELO"),
        )
    assert titles(village)[-1] == f"您的需求已受理：{demand.title}"

    achievement = Achievement.all_objects.create(
        title="柑橘黄龙病综合防控技术",
        abstract="无病苗木与木虱统防统治。",
        maturity="industrial",
        ip_type="know_how",
        transfer_modes=["service"],
        organisation=people["university"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        connection = services.connection_propose(
            acting_user=county,
            demand_id=demand.pk,
            target_kind="achievement",
            target_id=achievement.pk,
            reasons=["匹配关键词：黄龙病"],
        )
    assert titles(scau) == [f"有一条科技需求推荐给您：{demand.title}"]
    assert "黄龙病" in Notification.objects.get(user=scau).body
    assert Notification.objects.get(user=scau).url == "/demands/connections/"
    assert titles(people["inactive"]) == []
    assert titles(village)[-1] == "已为您的需求联系“柑橘黄龙病综合防控技术”"

    with django_capture_on_commit_callbacks(execute=True):
        services.connection_respond(
            acting_user=scau, connection_id=connection.pk, accept=True, contact_phone="020-85280000"
        )
    accepted = f"“柑橘黄龙病综合防控技术”接受了对接：{demand.title}"
    assert titles(village)[-1] == accepted
    assert titles(county)[-1] == accepted

    with django_capture_on_commit_callbacks(execute=True):
        services.connection_record_outcome(
            acting_user=county, connection_id=connection.pk, succeeded=True, outcome="脱毒苗 2000 株"
        )
        services.demand_transition(demand_id=demand.pk, action="solve", acting_user=county)
    assert titles(scau)[-1] == "对接结果：“柑橘黄龙病综合防控技术”对接成功"
    assert titles(village)[-1] == f"请确认需求是否已解决：{demand.title}"

    with django_capture_on_commit_callbacks(execute=True):
        services.demand_transition(demand_id=demand.pk, action="confirm", acting_user=village)
    assert titles(county)[-1] == f"提出方确认需求已解决：{demand.title}"
    assert titles(scau)[-1] == f"提出方确认需求已解决：{demand.title}"

    with django_capture_on_commit_callbacks(execute=True):
        services.demand_transition(demand_id=demand.pk, action="close", acting_user=county)
    assert titles(village)[-1] == f"您的需求已办结：{demand.title}"

    with django_capture_on_commit_callbacks(execute=True):
        services.demand_rate(acting_user=village, demand_id=demand.pk, rating=5, feedback="讲得实在")
    assert titles(county)[-1] == f"提出方评价了需求：{demand.title}"
    assert Notification.objects.filter(user=scau).first().body == "★★★★★ 讲得实在"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("action", "extra", "expected"),
    [
        ("return", {"note": "请补充种植面积"}, "您的需求被退回"),
        ("close", {"note": "重复提交"}, "您的需求已关闭"),
    ],
)
def test_returned_and_closed_demands_say_why(
    people: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
    action: str,
    extra: dict[str, str],
    expected: str,
) -> None:
    demand = post(people["village"])
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_transition(demand_id=demand.pk, action=action, acting_user=people["county"], **extra)
    notice = Notification.objects.get(user=people["village"])
    assert notice.title.startswith(expected)
    assert extra["note"] in notice.body
    assert notice.url == f"/demands/{demand.pk}/"


def test_merged_and_declined_are_told_too(
    people: dict[str, Any], make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    first = post(people["village"])
    town = make_user(Role.TOWN, A["town"])
    second = post(town, title="柚子树黄化落果，怀疑黄龙病")
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_transition(
            demand_id=second.pk, action="merge", acting_user=people["county"], merge_into=first
        )
    assert titles(town) == ["您的需求已合并办理：柚子树黄化落果，怀疑黄龙病"]
    services.demand_transition(
        demand_id=first.pk,
        action="accept",
        acting_user=people["county"],
        industry=Industry.objects.get(code="FRUIT-POMELO"),
    )
    connection = services.connection_propose(
        acting_user=people["county"],
        demand_id=first.pk,
        target_kind="institution",
        target_id=people["university"].pk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.connection_respond(
            acting_user=people["scau"], connection_id=connection.pk, accept=False, note="本季无人手"
        )
    assert titles(people["village"])[-1].startswith("“华南农业大学”婉拒了对接")
    assert Notification.objects.filter(user=people["village"]).first().body == "本季无人手"  # type: ignore[union-attr]


def test_notifications_wait_for_the_commit(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    demand = post(people["village"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.demand_transition(
            demand_id=demand.pk, action="return", acting_user=people["county"], note="请补充面积"
        )
        assert not Notification.objects.filter(user=people["village"]).exists()
    for callback in callbacks:
        callback()
    assert Notification.objects.filter(user=people["village"]).count() == 1

    # A change that is rolled back tells nobody.
    services.demand_transition(demand_id=demand.pk, action="submit", acting_user=people["village"])

    def return_then_fail() -> None:
        with transaction.atomic():
            services.demand_transition(
                demand_id=demand.pk, action="return", acting_user=people["county"], note="第二次退回"
            )
            raise RuntimeError("rolled back")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        return_then_fail()
    assert Notification.objects.filter(user=people["village"]).count() == 1
    assert Demand.all_objects.get(pk=demand.pk).status == "submitted"


def test_the_village_reads_it_under_the_bell(
    people: dict[str, Any], client_for: Callable[[User], Client], django_capture_on_commit_callbacks: Any
) -> None:
    demand = post(people["village"])
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_transition(
            demand_id=demand.pk,
            action="accept",
            acting_user=people["county"],
            industry=Industry.objects.get(code="FRUIT-POMELO"),
        )
    page = client_for(people["village"]).get("/notifications/").content.decode()
    assert "暂无通知" not in page
    assert f"您的需求已受理：{demand.title}" in page
    assert f'href="/demands/{demand.pk}/"' in page
