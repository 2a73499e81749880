"""The public portal as a stranger meets it: no account, only published records, a farmer's demand
that reaches the county's desk and is followed by its reference, an objection to a 公示 list and its
answer, open data without personal data, the picture check and the rate limit."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services as calls
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus, Objection
from baiqianwan.core import ratelimit
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.portal import captcha

from ..calls.test_lifecycle import joint_application
from ..conftest import A

pytestmark = pytest.mark.django_db

ANSWER = "K7M2"


def solve_captcha(client: Client) -> None:
    """The challenge the visitor's picture shows, set in their session as the picture would."""
    session = client.session
    session[captcha.SESSION_KEY] = {"digest": captcha._digest(ANSWER), "at": time.time()}
    session.save()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # the rate-limit counters and the cached figures of other tests


def _demand_form(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "沙糖桔黄龙病怎么防",
        "description": "家里种了 30 亩沙糖桔，今年有十几棵叶子斑驳发黄，果子小，怀疑是黄龙病。",
        "division": A["village"],
        "contact_name": "陈伯",
        "contact_phone": "13926000001",
        "captcha": ANSWER,
        **overrides,
    }


def test_every_public_page_opens_without_an_account(world: dict[str, Any]) -> None:
    client = Client()
    for name in ("home", "demand_new", "demand_status", "notices", "objection_status", "data"):
        response = client.get(reverse(f"portal:{name}"))
        assert response.status_code == 200, name
    picture = client.get(reverse("portal:captcha"))
    assert picture["Content-Type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG")
    assert captcha.SESSION_KEY in client.session


def test_a_farmers_demand_reaches_the_countys_desk_and_is_followed_by_reference(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = Client()
    solve_captcha(client)
    response = client.post(reverse("portal:demand_new"), _demand_form())
    assert response.status_code == 302
    demand = Demand.all_objects.get()
    assert (demand.status, demand.submitter_kind, demand.division_id) == (
        DemandStatus.SUBMITTED,
        "farmer",
        A["village"],
    )
    assert demand.public_reference.startswith("GK")
    done = client.get(response["Location"]).content.decode()
    assert demand.public_reference in done
    # 大埔县's desk sees it; 湛江's county does not.
    county = client_for(world["users"][Role.COUNTY])
    assert county.get(reverse("demands:detail", args=[demand.pk])).status_code == 200
    assert client_for(world["user_b"]).get(reverse("demands:detail", args=[demand.pk])).status_code == 404
    # The farmer follows it with the reference and the same mobile number, and only so.
    wrong = client.post(
        reverse("portal:demand_status"), {"reference": demand.public_reference, "mobile": "13926000002"}
    )
    assert "没有找到" in wrong.content.decode()
    found = client.post(
        reverse("portal:demand_status"),
        {"reference": demand.public_reference.lower(), "mobile": "139-2600-0001"},
    ).content.decode()
    assert "已提交" in found or "待受理" in found
    assert "沙糖桔黄龙病怎么防" in found
    assert "13926000001" not in found


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"captcha": "XXXX"}, "captcha"),
        ({"title": "<script>alert(1)</script>求助"}, "title"),
        ({"description": "黄龙病 &#60;b&#62; 求专家指导看看怎么办"}, "description"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"division": "441400000000"}, "division"),
        ({"division": "110101000000"}, "division"),
        ({"title": "帮"}, "title"),
    ],
)
def test_bad_public_demands_are_named_and_nothing_is_stored(
    world: dict[str, Any], overrides: dict[str, Any], field: str
) -> None:
    client = Client()
    solve_captcha(client)
    response = client.post(reverse("portal:demand_new"), _demand_form(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Demand.all_objects.exists()


def test_the_picture_check_is_good_for_one_try(world: dict[str, Any]) -> None:
    client = Client()
    solve_captcha(client)
    client.post(reverse("portal:demand_new"), _demand_form(contact_phone="1"))  # refused, check used
    again = client.post(reverse("portal:demand_new"), _demand_form())
    assert "captcha" in again.context["form"].errors
    assert not Demand.all_objects.exists()


def test_the_public_forms_are_rate_limited_by_address(
    world: dict[str, Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fixed moment, so the hour's window cannot turn over in the middle of the test.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_020.0))
    settings.RATE_LIMITS = {"portal_address": (3, 3600)}
    client = Client()
    lookup = {"reference": "GK000000AAAAAA", "mobile": "13900000000"}
    codes = [client.post(reverse("portal:demand_status"), lookup).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "操作过于频繁" in client.post(reverse("portal:demand_new"), _demand_form()).content.decode()
    assert client.get(reverse("portal:demand_new")).status_code == 200  # reading is not limited
    assert not Demand.all_objects.exists()


def _call_in_publicity(
    open_call: Callable[..., Call], enterprise: User, university: Any, world: dict[str, Any]
) -> tuple[Call, Application]:
    province_user = world["users"][Role.PROVINCE]
    call = open_call()
    application = joint_application(enterprise, call, university)
    calls.application_submit(acting_user=enterprise, application_id=application.pk)
    calls.application_step(
        acting_user=world["users"][Role.CITY], application_id=application.pk, action="recommend"
    )
    calls.application_step(acting_user=province_user, application_id=application.pk, action="accept")
    Application.all_objects.filter(pk=application.pk).update(status=ApplicationStatus.PROVISIONAL, score=88)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.PROVISIONAL)
    return calls.publicity_start(acting_user=province_user, call_id=call.pk), application


def test_a_citizen_objects_to_a_list_and_reads_the_answer(
    open_call: Callable[..., Call], enterprise: User, university: Any, world: dict[str, Any]
) -> None:
    call, application = _call_in_publicity(open_call, enterprise, university, world)
    client = Client()
    notices = client.get(reverse("portal:notices")).content.decode()
    assert call.title in notices
    page = client.get(reverse("portal:call_notice", args=[call.pk])).content.decode()
    assert application.title in page
    solve_captcha(client)
    filed = client.post(
        reverse("portal:call_notice", args=[call.pk]),
        {
            "application": str(application.pk),
            "name": "王某",
            "contact": "13800138000",
            "reason": "该单位研发设备清单中含生产设备，原值虚高，请核查。",
            "captcha": ANSWER,
        },
    )
    objection = Objection.objects.get()
    assert objection.reference in filed.content.decode()
    assert objection.filed_by is None
    calls.objection_answer(
        acting_user=world["users"][Role.PROVINCE],
        objection_id=objection.pk,
        upheld=False,
        answer="经核查，设备清单与审计报告一致，异议不成立。",
    )
    wrong = client.post(
        reverse("portal:objection_status"), {"reference": objection.reference, "contact": "139"}
    )
    assert "没有找到" in wrong.content.decode()
    answer = client.post(
        reverse("portal:objection_status"), {"reference": objection.reference, "contact": "138 0013 8000"}
    ).content.decode()
    assert "异议不成立" in answer


def test_an_objection_may_carry_a_picture_checked_by_its_content(
    open_call: Callable[..., Call],
    enterprise: User,
    university: Any,
    world: dict[str, Any],
    client_for: Callable[[User], Client],
) -> None:
    from PIL import Image
    from PIL.ExifTags import Base

    call, application = _call_in_publicity(open_call, enterprise, university, world)
    form = {
        "application": str(application.pk),
        "name": "王某",
        "contact": "13800138000",
        "reason": "该单位研发设备清单中含生产设备，原值虚高，请核查。",
        "captcha": ANSWER,
    }
    client = Client()
    # A web page named like a photo is refused, by field, and nothing is filed.
    solve_captcha(client)
    page = client.post(
        reverse("portal:call_notice", args=[call.pk]),
        {**form, "evidence": SimpleUploadedFile("现场.jpg", b"<html><script>alert(1)</script>")},
    ).content.decode()
    assert "按文件内容判断" in page
    assert not Objection.objects.exists()
    # A real photo with where it was taken in its metadata is kept without it.
    exif = Image.Exif()
    exif[Base.Make] = "PhoneMaker"
    exif[Base.GPSInfo] = {1: "N", 2: (23.0, 7.0, 0.0)}
    raw = io.BytesIO()
    Image.new("RGB", (400, 300), (120, 160, 90)).save(raw, format="JPEG", exif=exif)
    assert b"PhoneMaker" in raw.getvalue()
    solve_captcha(client)
    client.post(
        reverse("portal:call_notice", args=[call.pk]),
        {**form, "evidence": SimpleUploadedFile("现场.jpg", raw.getvalue())},
    )
    objection = Objection.objects.get()
    stored = objection.evidence.read()
    assert stored.startswith(b"\xff\xd8\xff")
    assert b"PhoneMaker" not in stored
    # The province opens it beside the objection; nobody else can.
    path = reverse("calls:objection_evidence", args=[call.pk, objection.pk])
    assert client_for(world["users"][Role.PROVINCE]).get(path)["Content-Type"] == "image/jpeg"
    assert client_for(world["users"][Role.CITY]).get(path).status_code in (403, 404)
    assert Client().get(path).status_code == 302


def test_only_lists_in_their_publicity_period_are_public(
    open_call: Callable[..., Call], world: dict[str, Any]
) -> None:
    call = open_call()  # open for applications, not in 公示
    client = Client()
    assert client.get(reverse("portal:call_notice", args=[call.pk])).status_code == 404
    assert client.get(reverse("portal:call_notice", args=[10**12])).status_code == 404
    assert call.title not in client.get(reverse("portal:notices")).content.decode()


def test_open_data_has_aggregates_only(world: dict[str, Any]) -> None:
    client = Client()
    solve_captcha(client)
    client.post(reverse("portal:demand_new"), _demand_form())
    Demand.all_objects.update(status=DemandStatus.SOLVED, solved_at="2026-05-01T10:00:00+08:00")
    body = client.get(reverse("portal:data_download", args=["demands_solved", "json"])).json()
    assert body["licence"] == "CC BY 4.0"
    assert body["rows"] == [
        {"city_code": "441400000000", "city": "梅州市", "region": "粤北", "year": 2026, "solved": 1}
    ]
    text = client.get(reverse("portal:data_download", args=["demands_solved", "csv"])).content.decode(
        "utf-8-sig"
    )
    assert next(iter(csv.DictReader(io.StringIO(text))))["solved"] == "1"
    assert "13926000001" not in text
    assert "陈伯" not in text
    assert client.get("/public/data/people.csv").status_code == 404
    assert (
        json.loads(client.get(reverse("portal:data_download", args=["deals_registered", "json"])).content)[
            "rows"
        ]
        == []
    )


def test_the_home_page_shows_the_live_figures(world: dict[str, Any]) -> None:
    from baiqianwan.plan.services import plan_load

    plan_load()
    page = Client().get(reverse("portal:home")).content.decode()
    assert "已解决的县镇村科技需求数" in page
    assert "创新型专业镇数" in page


def test_the_market_shows_listings_on_offer_only(world: dict[str, Any]) -> None:
    from baiqianwan.market import services as market
    from baiqianwan.supply.models import Achievement

    seller = world["org_a"]
    seller_user = world["users"][Role.ORG]
    made = {}
    for title, publish in (("柚果保鲜技术", True), ("未公开的草稿成果", False)):
        achievement = Achievement.all_objects.create(
            title=title,
            abstract="采后保鲜处理，货架期延长 20 天。",
            maturity="industrial",
            ip_type="patent",
            transfer_modes=["licence"],
            organisation=seller,
        )
        made[title] = market.listing_create(
            acting_user=seller_user,
            achievement_id=achievement.pk,
            mode="licence",
            price_min="50000",
            authority="专利权归本单位所有（ZL202310000000.1），依法处置。",
            publish=publish,
        )
    client = Client()
    page = client.get(reverse("portal:listings")).content.decode()
    assert "柚果保鲜技术" in page
    assert "未公开的草稿成果" not in page
    shown = made["柚果保鲜技术"]
    assert "货架期延长 20 天" in client.get(reverse("portal:listing", args=[shown.pk])).content.decode()
    assert client.get(reverse("portal:listing", args=[made["未公开的草稿成果"].pk])).status_code == 404
    market.listing_withdraw(acting_user=seller_user, listing_id=shown.pk, reason="已与企业签约，撤牌")
    cache.clear()
    assert client.get(reverse("portal:listing", args=[shown.pk])).status_code == 404
    assert "没有符合条件" in client.get(reverse("portal:listings"), {"q": "保鲜"}).content.decode()
