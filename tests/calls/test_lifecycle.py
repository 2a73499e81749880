"""The call lifecycle up to the formal check: publish, apply jointly, recommend, check — each step
allowed only to its office, every bad input a clear message, nothing partial stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import selectors, services
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus, CallTypeVersion
from baiqianwan.calls.services import PartnerEntry
from baiqianwan.orgs.models import Organisation

from .fixtures import CENTRE_VALUES, PDF, PNG, definition


def joint_application(enterprise: User, call: Call, university: Organisation, **values: Any) -> Application:
    application = services.application_create(
        acting_user=enterprise,
        call_id=call.pk,
        title="广东省柚类精深加工工程技术研究中心",
        values={**CENTRE_VALUES, **values},
        partners=[
            PartnerEntry(
                university.pk, {"equipment_value": "90", "researchers": "6", "qualified_researchers": "5"}
            )
        ],
    )
    for spec in ("licence", "equipment_list"):
        services.application_attach(
            acting_user=enterprise, application_id=application.pk, spec=spec, name=f"{spec}.pdf", data=PDF
        )
    return application


def decided_application(
    call: Call, enterprise: User, university: Organisation, world: dict[str, Any]
) -> Application:
    """A joint application taken through every step to the decision; the review's outcome
    (provisionally selected) is set directly, the review itself is tested in tests/reviews."""
    province = world["users"][Role.PROVINCE]
    application = joint_application(enterprise, call, university)
    services.application_submit(acting_user=enterprise, application_id=application.pk)
    services.application_step(
        acting_user=world["users"][Role.CITY], application_id=application.pk, action="recommend"
    )
    services.application_step(acting_user=province, application_id=application.pk, action="accept")
    Application.all_objects.filter(pk=application.pk).update(status=ApplicationStatus.PROVISIONAL)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.PROVISIONAL)
    call = services.publicity_start(acting_user=province, call_id=call.pk)
    services.call_decide(
        acting_user=province,
        call_id=call.pk,
        decision_number="粤科函农字〔2025〕88号",
        today=call.publicity_ends,
    )
    return Application.all_objects.get(pk=application.pk)


def test_a_call_type_is_stored_once_per_content_and_a_broken_one_lists_its_problems(province: User) -> None:
    first = services.call_type_load(acting_user=province, data=definition("engineering_centre"))
    again = services.call_type_load(acting_user=province, data=definition("engineering_centre"))
    assert first.pk == again.pk
    changed = definition("engineering_centre")
    changed["version"] = "2025.2"
    second = services.call_type_load(acting_user=province, data=changed)
    assert list(CallTypeVersion.objects.filter(is_current=True).values_list("pk", flat=True)) == [second.pk]
    broken = definition("engineering_centre")
    broken["fields"][0]["type"] = "colour"
    broken["review"]["rubric"] = []
    with pytest.raises(ValidationError) as raised:
        services.call_type_load(acting_user=province, data=broken)
    assert raised.value.message_dict["definition"] == [
        "fields[0].type：取值不在可选范围内",
        "review.rubric：项数不足",
    ]


def test_only_the_province_writes_call_types_and_calls(world: dict[str, Any]) -> None:
    for role in (Role.CITY, Role.ORG, Role.EXPERT, Role.SYSTEM_ADMIN):
        with pytest.raises(PermissionDenied):
            services.call_type_load(acting_user=world["users"][role], data=definition("engineering_centre"))


def test_joint_application_from_meizhou_passes_on_the_co_builders_resources(
    open_call: Callable[..., Call], enterprise: User, university: Organisation, world: dict[str, Any]
) -> None:
    call = open_call()
    application = joint_application(enterprise, call, university)
    assert application.in_east_west_north
    assert application.reference == f"2025-{call.pk:03d}-0001"
    submitted = services.application_submit(acting_user=enterprise, application_id=application.pk)
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert submitted.eligible is True
    texts = [check["text"] for check in submitted.eligibility]
    assert "专职科研人员 18 人（含共建单位 6 人）≥ 粤东西北门槛 10 人" in texts

    # The county of the applicant's area recommends; the province checks; history is kept.
    county = world["users"][Role.COUNTY]
    assert services.application_actions(user=county, application=submitted) == [
        "recommend",
        "return",
        "decline",
    ]
    services.application_step(acting_user=county, application_id=application.pk, action="recommend")
    checked = services.application_step(
        acting_user=world["users"][Role.PROVINCE], application_id=application.pk, action="accept"
    )
    assert checked.status == ApplicationStatus.ACCEPTED
    assert [e.action for e in checked.events.all()] == ["create", "submit", "recommend", "accept"]


def test_without_the_co_builder_the_province_cannot_pass_it(
    open_call: Callable[..., Call], enterprise: User, world: dict[str, Any]
) -> None:
    call = open_call()
    application = services.application_create(
        acting_user=enterprise, call_id=call.pk, title="柚类加工工程技术研究中心", values=CENTRE_VALUES
    )
    for spec in ("licence", "equipment_list"):
        services.application_attach(
            acting_user=enterprise, application_id=application.pk, spec=spec, name="a.pdf", data=PDF
        )
    submitted = services.application_submit(acting_user=enterprise, application_id=application.pk)
    assert submitted.eligible is False
    services.application_step(
        acting_user=world["users"][Role.CITY], application_id=application.pk, action="recommend"
    )
    with pytest.raises(ValidationError, match="研发设备原值 120 万元 < 粤东西北门槛 150 万元"):
        services.application_step(
            acting_user=world["users"][Role.PROVINCE], application_id=application.pk, action="accept"
        )
    rejected = services.application_step(
        acting_user=world["users"][Role.PROVINCE],
        application_id=application.pk,
        action="reject",
        note="研发设备原值不足",
    )
    assert rejected.return_reason == "研发设备原值不足"


def test_an_incomplete_application_is_told_every_gap(
    open_call: Callable[..., Call], enterprise: User
) -> None:
    call = open_call()
    values = {k: v for k, v in CENTRE_VALUES.items() if k != "summary"}
    application = services.application_create(
        acting_user=enterprise, call_id=call.pk, title="柚类加工工程中心", values=values
    )
    with pytest.raises(ValidationError) as raised:
        services.application_submit(acting_user=enterprise, application_id=application.pk)
    assert raised.value.message_dict == {
        "summary": ["建设基础与目标：必填"],
        "attachment.licence": ["缺少材料：营业执照或法人证书"],
        "attachment.equipment_list": ["缺少材料：研发设备清单"],
    }
    assert Application.all_objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_bad_answers_and_files_are_refused_by_name_and_nothing_is_stored(
    open_call: Callable[..., Call], enterprise: User
) -> None:
    call = open_call()
    with pytest.raises(ValidationError) as raised:
        services.application_create(
            acting_user=enterprise,
            call_id=call.pk,
            title="柚类加工工程中心",
            values={**CENTRE_VALUES, "researchers": "-3", "revenue": "1e400", "field": "<script>"},
            partners=[PartnerEntry(10**12, {})],
        )
    errors = raised.value.message_dict
    assert errors["researchers"] == ["专职科研人员：不能小于 0 人"]
    assert errors["revenue"] == ["上一年度主营业务收入：数值过大"]
    assert errors["field"][0].startswith("技术领域：须是以下之一")
    assert errors["partners.1"] == ["第 1 家共建单位不存在，或不是高校、科研院所、新型研发机构"]
    assert not Application.all_objects.exists()

    application = services.application_create(
        acting_user=enterprise, call_id=call.pk, title="柚类加工工程中心", values=CENTRE_VALUES
    )
    with pytest.raises(ValidationError, match="不是PDF 文件"):
        services.application_attach(
            acting_user=enterprise,
            application_id=application.pk,
            spec="licence",
            name="x.pdf",
            data=b"MZ\x90\x00",
        )
    with pytest.raises(ValidationError, match="不需要这项材料"):
        services.application_attach(
            acting_user=enterprise, application_id=application.pk, spec="bogus", name="x", data=PDF
        )
    with pytest.raises(ValidationError, match="不是Excel"):
        services.application_attach(
            acting_user=enterprise,
            application_id=application.pk,
            spec="equipment_list",
            name="x.png",
            data=PNG,
        )
    assert not application.attachments.exists()


def test_late_submission_and_a_second_application_to_the_same_call_are_refused(
    open_call: Callable[..., Call], enterprise: User, university: Organisation, province: User
) -> None:
    call = open_call()
    first = joint_application(enterprise, call, university)
    services.application_submit(acting_user=enterprise, application_id=first.pk)
    second = joint_application(enterprise, call, university)
    with pytest.raises(ValidationError, match=f"已向该指南提交 1 项申报（{first.reference}）"):
        services.application_submit(acting_user=enterprise, application_id=second.pk)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="截止，不能再提交"):
        services.application_submit(acting_user=enterprise, application_id=second.pk)
    assert services.calls_close_due() == [call]
    assert Call.objects.get(pk=call.pk).status == CallStatus.CLOSED


def test_each_office_acts_only_in_its_area(
    open_call: Callable[..., Call], enterprise: User, university: Organisation, world: dict[str, Any]
) -> None:
    call = open_call()
    application = joint_application(enterprise, call, university)
    services.application_submit(acting_user=enterprise, application_id=application.pk)
    # 湛江's county bureau does not reach a 梅州 application; a unit cannot recommend itself.
    with pytest.raises(PermissionDenied):
        services.application_step(
            acting_user=world["user_b"], application_id=application.pk, action="recommend"
        )
    with pytest.raises(PermissionDenied):
        services.application_step(acting_user=enterprise, application_id=application.pk, action="recommend")
    with pytest.raises(PermissionDenied):
        services.application_step(
            acting_user=world["users"][Role.CITY], application_id=application.pk, action="accept"
        )
    with pytest.raises(ValidationError, match="请说明原因"):
        services.application_step(
            acting_user=world["users"][Role.CITY], application_id=application.pk, action="return"
        )
    # Someone else's unit cannot see or touch it.
    other = world["users"][Role.ORG]
    assert selectors.application_get(user=other, application_id=application.pk) is None
    with pytest.raises(PermissionDenied):
        services.application_update(acting_user=other, application_id=application.pk, title="改名")


def test_drafts_stay_with_the_applicant(
    open_call: Callable[..., Call], enterprise: User, world: dict[str, Any]
) -> None:
    call = open_call()
    draft = services.application_create(
        acting_user=enterprise, call_id=call.pk, title="柚类加工工程中心", values={}
    )
    assert selectors.application_get(user=enterprise, application_id=draft.pk) is not None
    assert selectors.application_get(user=world["users"][Role.COUNTY], application_id=draft.pk) is None


def test_a_nomination_call_takes_nominations_within_the_quota(
    open_call: Callable[..., Call],
    world: dict[str, Any],
    make_org: Callable[..., Organisation],
    enterprise: User,
    client_for: Callable[[User], Any],
) -> None:
    call = open_call("promotion_award", title="2025年度科技成果推广奖（粤东粤西粤北）")
    city = world["users"][Role.CITY]
    with pytest.raises(PermissionDenied, match="只接受提名"):
        services.application_create(
            acting_user=enterprise, call_id=call.pk, title="蜜柚标准化栽培技术推广", values={}
        )
    values = {
        "achievement": "蜜柚标准化栽培技术",
        "lead_person": "李四",
        "application_region": "441422100000",
        "benefit": "800",
        "summary": "在大埔县推广蜜柚标准化栽培。",
    }
    for n in range(3):
        nominee = make_org(f"提名单位{n}", "extension")
        nomination = services.application_create(
            acting_user=city,
            call_id=call.pk,
            title=f"蜜柚标准化栽培技术推广{n}",
            values=values,
            applicant_id=nominee.pk,
        )
        for spec in ("application_evidence", "benefit_evidence"):
            services.application_attach(
                acting_user=city, application_id=nomination.pk, spec=spec, name="a.pdf", data=PDF
            )
        submitted = services.application_submit(acting_user=city, application_id=nomination.pk)
        assert submitted.status == ApplicationStatus.RECOMMENDED  # the nomination is the recommendation
        assert submitted.eligible
    with pytest.raises(ValidationError, match="提名名额已用完：每个提名单位最多提名 3 项"):
        services.application_create(
            acting_user=city,
            call_id=call.pk,
            title="第四项提名",
            values=values,
            applicant_id=world["org_a"].pk,
        )
    # The nominator sees on the call's page how many of its places are taken.
    assert selectors.nomination_places(user=city, call=call) == (3, 3)
    page = client_for(city).get(f"/calls/{call.pk}/").content.decode()
    assert "本单位已提名 3 / 3 项" in page


def test_publicity_objection_and_decision_fill_the_register_and_the_kpi(
    open_call: Callable[..., Call],
    enterprise: User,
    university: Organisation,
    world: dict[str, Any],
    province: User,
) -> None:
    from baiqianwan.calls.models import Carrier, ObjectionStatus
    from baiqianwan.plan.selectors import LIVE_KPIS

    call = open_call()
    application = joint_application(enterprise, call, university)
    services.application_submit(acting_user=enterprise, application_id=application.pk)
    services.application_step(
        acting_user=world["users"][Role.CITY], application_id=application.pk, action="recommend"
    )
    services.application_step(acting_user=province, application_id=application.pk, action="accept")
    # The review itself is tested in tests/reviews; here its outcome: provisionally selected.
    Application.all_objects.filter(pk=application.pk).update(status=ApplicationStatus.PROVISIONAL, score=88)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.PROVISIONAL)
    before = LIVE_KPIS["KPI-EWN-CARRIERS"]()

    call = services.publicity_start(acting_user=province, call_id=call.pk)
    assert call.publicity_ends == timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(ValidationError) as raised:
        services.objection_file(call_id=call.pk, name="", contact="1", reason="短", application_id=10**30)
    assert set(raised.value.message_dict) == {"name", "contact", "reason", "application"}
    objection = services.objection_file(
        call_id=call.pk,
        name="王某",
        contact="13800138000",
        reason="该单位研发设备清单中含生产设备，原值虚高，请核查。",
        application_id=application.pk,
    )
    assert objection.reference == f"YY2025-{call.pk:03d}-001"
    with pytest.raises(ValidationError, match="公示期到"):
        services.call_decide(acting_user=province, call_id=call.pk, decision_number="粤科函农字〔2025〕88号")
    later = call.publicity_ends
    with pytest.raises(ValidationError, match="还有 1 件异议未答复"):
        services.call_decide(
            acting_user=province, call_id=call.pk, decision_number="粤科函农字〔2025〕88号", today=later
        )
    answered = services.objection_answer(
        acting_user=province,
        objection_id=objection.pk,
        answer="经核查，设备清单已剔除生产设备，仍满足条件。",
        upheld=False,
    )
    assert answered.status == ObjectionStatus.DISMISSED
    decided = services.call_decide(
        acting_user=province, call_id=call.pk, decision_number="粤科函农字〔2025〕88号", today=later
    )
    assert decided.status == CallStatus.DECIDED
    carrier = Carrier.all_objects.get(application=application)
    assert carrier.kind == "工程技术研究中心"
    assert carrier.in_east_west_north
    assert carrier.valid_until == later.replace(year=later.year + 3)
    assert LIVE_KPIS["KPI-EWN-CARRIERS"]() == before + 1
    assert Application.all_objects.get(pk=application.pk).status == ApplicationStatus.APPROVED


def test_a_leap_day_certification_runs_to_the_end_of_february() -> None:
    from baiqianwan.calls.services import years_later

    assert years_later(dt.date(2028, 2, 29), 3) == dt.date(2031, 2, 28)
    assert years_later(dt.date(2025, 11, 20), 5) == dt.date(2030, 11, 20)
