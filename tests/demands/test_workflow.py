"""The demand lifecycle: post, triage (accept, return, merge), connect, solve, rate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.demands import services
from baiqianwan.demands.models import ConnectionStatus, Demand, DemandEvent, DemandStatus
from baiqianwan.industries.models import Industry
from baiqianwan.regions.models import Division

from ..conftest import A, B

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "village": make_user(Role.VILLAGE, A["village"]),
        "county": make_user(Role.COUNTY, A["county"]),
        "other_county": make_user(Role.COUNTY, B["county"]),
        "town": make_user(Role.TOWN, A["town"]),
    }


def post(user: User, **overrides: Any) -> Demand:
    values: dict[str, Any] = {
        "title": "蜜柚園黃龍病蔓延，求防控技術",
        "description": "村裡三百畝蜜柚，黃龍病病樹越來越多，想請專家指導防控，並購買無病苗木。",
        "division": Division.objects.get(code=A["village"]),
        "contact_name": "张阿姨",
        "contact_phone": "13800138000",
    }
    values.update(overrides)
    return services.demand_create(acting_user=user, submit=True, **values)


def test_village_posts_in_traditional_script_and_it_is_stored_simplified(people: dict[str, User]) -> None:
    demand = post(people["village"])
    assert demand.status == DemandStatus.SUBMITTED
    assert demand.title == "蜜柚园黄龙病蔓延，求防控技术"
    assert "黄龙病" in demand.description
    assert demand.submitted_at is not None
    assert list(demand.events.values_list("action", flat=True)) == ["create", "submit"]


def test_bad_input_names_the_field(people: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as caught:
        post(
            people["village"],
            title="求",
            contact_phone="123",
            division=Division.objects.get(code=B["village"]),
        )
    errors = caught.value.message_dict
    assert "4–80 个字" in errors["title"][0]
    assert "11 位" in errors["contact_phone"][0]
    assert "不在您的管辖范围内" in errors["division"][0]
    assert not Demand.all_objects.exists()


def test_county_accepts_with_a_classification(people: dict[str, User]) -> None:
    demand = post(people["village"])
    with pytest.raises(ValidationError, match="产业分类"):
        services.demand_transition(demand_id=demand.pk, action="accept", acting_user=people["county"])
    industry = Industry.objects.get(code="FRUIT-POMELO")
    accepted = services.demand_transition(
        demand_id=demand.pk, action="accept", acting_user=people["county"], industry=industry
    )
    assert accepted.status == DemandStatus.ACCEPTED
    assert accepted.handled_by == people["county"]
    assert accepted.is_public


def test_triage_is_limited_to_the_bureaus_area(people: dict[str, User]) -> None:
    demand = post(people["village"])
    for outsider in (people["other_county"], people["town"], people["village"]):
        with pytest.raises(PermissionDenied):
            services.demand_transition(
                demand_id=demand.pk, action="return", acting_user=outsider, note="请补充面积"
            )
    demand.refresh_from_db()
    assert demand.status == DemandStatus.SUBMITTED


def test_return_needs_a_reason_and_the_village_resubmits(people: dict[str, User]) -> None:
    demand = post(people["village"])
    with pytest.raises(ValidationError, match="说明原因"):
        services.demand_transition(demand_id=demand.pk, action="return", acting_user=people["county"])
    services.demand_transition(
        demand_id=demand.pk, action="return", acting_user=people["county"], note="请补充种植面积"
    )
    demand.refresh_from_db()
    assert demand.status == DemandStatus.RETURNED
    assert demand.return_reason == "请补充种植面积"
    updated = services.demand_update(
        acting_user=people["village"],
        demand_id=demand.pk,
        version=demand.version,
        description="种植面积 320 亩，病株约两成，求防控技术和脱毒苗。",
    )
    services.demand_transition(demand_id=updated.pk, action="submit", acting_user=people["village"])
    demand.refresh_from_db()
    assert demand.status == DemandStatus.SUBMITTED
    assert demand.return_reason == ""


def test_concurrent_edit_is_refused_not_lost(people: dict[str, User]) -> None:
    demand = services.demand_create(
        acting_user=people["village"],
        title="柚皮深加工技术需求",
        description="蜜柚加工后柚皮大量丢弃，想了解柚皮深加工技术。",
        division=Division.objects.get(code=A["village"]),
        contact_name="张阿姨",
        contact_phone="13800138000",
    )
    stale = demand.version
    services.demand_update(
        acting_user=people["village"], demand_id=demand.pk, version=stale, title="柚皮深加工与综合利用"
    )
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.demand_update(
            acting_user=people["village"], demand_id=demand.pk, version=stale, title="旧标题覆盖"
        )
    demand.refresh_from_db()
    assert demand.title == "柚皮深加工与综合利用"


def test_merge_into_a_similar_demand(people: dict[str, User]) -> None:
    first = post(people["village"])
    second = post(
        people["town"], title="柚子树黄化落果，怀疑黄龙病", division=Division.objects.get(code=A["town"])
    )
    services.demand_transition(
        demand_id=second.pk, action="merge", acting_user=people["county"], merge_into=first
    )
    second.refresh_from_db()
    assert second.status == DemandStatus.MERGED
    assert second.merged_into == first
    with pytest.raises(ValidationError, match="不能合并"):
        services.demand_transition(
            demand_id=second.pk, action="merge", acting_user=people["county"], merge_into=first
        )


def test_the_merge_form_asks_before_it_closes_a_demand(
    people: dict[str, User], client_for: Callable[[User], Any]
) -> None:
    demand = post(people["village"])
    page = client_for(people["county"]).get(f"/demands/{demand.pk}/").content.decode()
    form = page[page.index(f"/demands/{demand.pk}/merge/") :]
    button = form[: form.index("</form>")]
    assert 'data-confirm="合并后本条需求即关闭' in button


def test_invalid_transition_says_why(people: dict[str, User]) -> None:
    demand = post(people["village"])
    with pytest.raises(ValidationError, match="当前为“已提交”，不能标记已解决"):
        services.demand_transition(demand_id=demand.pk, action="solve", acting_user=people["county"])


def test_connection_outcome_solves_and_village_rates(
    people: dict[str, User], make_org: Callable[..., Any], make_user: Callable[..., User]
) -> None:
    from baiqianwan.supply.models import Achievement

    demand = post(people["village"])
    services.demand_transition(
        demand_id=demand.pk,
        action="accept",
        acting_user=people["county"],
        industry=Industry.objects.get(code="FRUIT-POMELO"),
    )
    university = make_org("华南农业大学", "university", "440106000000")
    achievement = Achievement.all_objects.create(
        title="柑橘黄龙病综合防控技术",
        abstract="无病苗木与木虱统防统治。",
        maturity="industrial",
        ip_type="know_how",
        transfer_modes=["service"],
        organisation=university,
    )
    connection = services.connection_propose(
        acting_user=people["county"],
        demand_id=demand.pk,
        target_kind="achievement",
        target_id=achievement.pk,
        reasons=["匹配关键词：黄龙病"],
    )
    demand.refresh_from_db()
    assert demand.status == DemandStatus.MATCHING
    with pytest.raises(ValidationError, match="已向该对象发起过对接"):
        services.connection_propose(
            acting_user=people["county"],
            demand_id=demand.pk,
            target_kind="achievement",
            target_id=achievement.pk,
        )
    org_user = make_user(Role.ORG, organisation=university)
    services.connection_respond(
        acting_user=org_user, connection_id=connection.pk, accept=True, contact_phone="020-85280000"
    )
    with pytest.raises(PermissionDenied):
        services.connection_respond(acting_user=people["village"], connection_id=connection.pk, accept=False)
    services.connection_record_outcome(
        acting_user=people["county"],
        connection_id=connection.pk,
        succeeded=True,
        outcome="提供脱毒苗 2000 株",
        solve_demand=True,
    )
    connection.refresh_from_db()
    demand.refresh_from_db()
    assert connection.status == ConnectionStatus.SUCCEEDED
    assert demand.status == DemandStatus.CONFIRMING
    services.demand_transition(demand_id=demand.pk, action="confirm", acting_user=people["village"])
    demand.refresh_from_db()
    assert demand.status == DemandStatus.SOLVED
    with pytest.raises(ValidationError, match="1 到 5"):
        services.demand_rate(acting_user=people["village"], demand_id=demand.pk, rating=6)
    services.demand_rate(acting_user=people["village"], demand_id=demand.pk, rating=5, feedback="解决得很好")
    demand.refresh_from_db()
    assert demand.rating == 5
    assert DemandEvent.objects.filter(demand=demand, action="rate").exists()


def test_attachments_are_checked_by_content(people: dict[str, User]) -> None:
    demand = post(people["village"])
    attachment = services.demand_attach(
        acting_user=people["village"], demand_id=demand.pk, name="柚园.png", data=PNG
    )
    assert attachment.content_type == "image/png"
    with pytest.raises(ValidationError, match="不是JPG 图片、PNG 图片、PDF 文件"):
        services.demand_attach(
            acting_user=people["village"], demand_id=demand.pk, name="病毒.png", data=b"MZ\x90\x00"
        )
    with pytest.raises(ValidationError, match="超过 10 MB"):
        services.demand_attach(
            acting_user=people["village"],
            demand_id=demand.pk,
            name="大.png",
            data=PNG + b"0" * (10 * 1024 * 1024),
        )


def test_drafts_are_private_to_their_author(
    people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    draft = services.demand_create(
        acting_user=people["village"],
        title="村里生活污水处理需求",
        description="自然村 80 户污水直排河道，想找小型处理设备。",
        division=Division.objects.get(code=A["village"]),
        contact_name="张阿姨",
        contact_phone="13800138000",
    )
    assert client_for(people["village"]).get(f"/demands/{draft.pk}/").status_code == 200
    assert client_for(people["county"]).get(f"/demands/{draft.pk}/").status_code == 404


def test_village_form_posts_a_demand_with_photos(
    people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(people["village"])
    page = client.get("/demands/new/")
    assert page.status_code == 200
    response = client.post(
        "/demands/new/",
        {
            "title": "荔枝冬梢旺长不开花",
            "description": "去年冬天暖，妃子笑荔枝冬梢旺长，今年开花少，求控梢促花技术。",
            "division": A["village"],
            "contact_name": "张阿姨",
            "contact_phone": "13800138000",
            "urgency": "soon",
            "budget": "none",
            "action": "submit",
            "photos": [SimpleUploadedFile("1.png", PNG), SimpleUploadedFile("2.png", PNG)],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    demand = Demand.all_objects.get(title="荔枝冬梢旺长不开花")
    assert demand.attachments.count() == 2
    assert demand.status == DemandStatus.SUBMITTED


def test_outcome_errors_return_to_the_demand_not_to_a_given_address(
    people: dict[str, User], make_org: Callable[..., Any], client_for: Callable[[User], Client]
) -> None:
    demand = post(people["village"])
    services.demand_transition(
        demand_id=demand.pk,
        action="accept",
        acting_user=people["county"],
        industry=Industry.objects.get(code="FRUIT-POMELO"),
    )
    org = make_org("华南农业大学", "university", "440106000000")
    connection = services.connection_propose(
        acting_user=people["county"], demand_id=demand.pk, target_kind="institution", target_id=org.pk
    )
    client = client_for(people["county"])
    client.post(f"/demands/connections/{connection.pk}/outcome/", {"succeeded": "1"})
    again = client.post(
        f"/demands/connections/{connection.pk}/outcome/", {"succeeded": "1", "next": "https://evil.example/"}
    )
    assert again.status_code == 302
    assert again["Location"] == f"/demands/{demand.pk}/"
