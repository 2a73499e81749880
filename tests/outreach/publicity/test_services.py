"""The rules of 典型案例, 通报表扬 and policy pages: a bureau writes about its own region only and the
province alone reviews, publishes, takes down and keeps the lists and policies; a case goes draft →
submitted → returned → submitted → published → withdrawn → edited; bad input is named by field in
Chinese with nothing stored; a commendation list is filled from the year's 优秀 assessments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from baiqianwan.commissioners.assessment import services as assessment_services
from baiqianwan.commissioners.assessment.models import AssessmentRecord, Grade
from baiqianwan.commissioners.rounds.models import Team
from baiqianwan.core.concurrency import ConflictError
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.outreach.models import (
    CaseStatus,
    Commendation,
    CommendationEntry,
    HonourKind,
    PolicyDocument,
    PolicyKind,
    ShowcaseCase,
)
from baiqianwan.outreach.publicity import selectors, services

from ...conftest import A, B
from .conftest import BODY, case, picture

pytestmark = pytest.mark.django_db


def _demand(cast: dict[str, Any], status: str, **extra: Any) -> Demand:
    return Demand.all_objects.create(
        title="蜜柚园黄龙病蔓延，求防控技术",
        description="柚园黄龙病蔓延，求防控技术和抗病苗木。",
        division_id=A["village"],
        industry_id="FRUIT-POMELO",
        submitter_kind="village",
        submitted_by=cast["users"]["village"],
        contact_name="张三",
        contact_phone="13800138000",
        status=status,
        **extra,
    )


# ---- cases: input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"title": ""}, "title", "请填写案例标题"),
        ({"title": "蜜柚"}, "title", "案例标题至少 6 个字"),
        ({"title": "<script>alert(1)</script>蜜柚案例"}, "title", "案例标题不能包含 HTML 标记"),
        ({"title": "蜜柚\x00综合防控示范"}, "title", "案例标题含有不可见的控制字符"),
        ({"title": "柚" * 81}, "title", "案例标题最多 80 个字"),
        ({"summary": "摘要太短"}, "summary", "摘要至少 20 个字"),
        ({"body": "正文太短，只有一句话。"}, "body", "案例正文至少 100 个字"),
        ({"body": "=HYPERLINK(" + BODY}, "body", "案例正文不能以 = + - @ 开头"),
        ({"results": "成" * 2001}, "results", "取得成效最多 2000 个字"),
        ({"industry_code": "NO-SUCH"}, "industry", "找不到产业代码 NO-SUCH"),
        ({"place_code": "110101000000"}, "place", "发生地"),
        ({"place_code": B["county"]}, "place", "不在您的管辖范围内"),
        ({"place_code": "440000000000"}, "place", "发生地"),
        ({"demand_id": 10**12}, "demand", "找不到该需求"),
        ({"demand_id": "一"}, "demand", "找不到该需求"),
        ({"person_ids": [10**12]}, "people", "参与人员"),
        ({"person_ids": ["x"]}, "people", "参与人员的编号不正确"),
        ({"person_ids": list(range(1, 22))}, "people", "参与人员最多 20 人"),
    ],
)
def test_bad_case_input_is_named_and_nothing_is_stored(
    cast: dict[str, Any], values: dict[str, Any], field: str, says: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        case(cast, **values)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert says in exc.value.message_dict[field][0], exc.value.message_dict
    assert not ShowcaseCase.all_objects.exists()


def test_traditional_script_is_stored_simplified(cast: dict[str, Any]) -> None:
    made = case(cast, title="大埔蜜柚黃龍病綜合防控示範")
    assert made.title == "大埔蜜柚黄龙病综合防控示范"


def test_a_case_links_a_solved_demand_of_its_region_and_people_it_may_name(cast: dict[str, Any]) -> None:
    open_demand = _demand(cast, DemandStatus.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        case(cast, demand_id=open_demand.pk)
    assert "尚未解决" in exc.value.message_dict["demand"][0]
    solved = _demand(cast, DemandStatus.SOLVED, solved_at=timezone.now())
    elsewhere = Demand.all_objects.create(
        **{
            **{f: getattr(solved, f) for f in ("title", "description", "submitter_kind", "contact_name")},
            "contact_phone": "13800138000",
            "submitted_by": cast["xuwen"],
            "division_id": B["town"],
            "status": DemandStatus.SOLVED,
            "solved_at": timezone.now(),
        }
    )
    with pytest.raises(ValidationError) as exc:
        case(cast, demand_id=elsewhere.pk)
    assert "不在您的管辖范围内" in exc.value.message_dict["demand"][0]
    with pytest.raises(ValidationError) as exc:
        case(cast, person_ids=[cast["person_b"].pk])  # works in 湛江, not serving here
    assert "people" in exc.value.message_dict
    assert not ShowcaseCase.all_objects.exists()
    made = case(cast, demand_id=solved.pk, person_ids=[cast["person_a"].pk])
    assert made.demand == solved
    assert list(made.people.all()) == [cast["person_a"]]


# ---- cases: who may do what --------------------------------------------------------------------------


def test_only_bureaus_write_and_only_about_their_region(cast: dict[str, Any]) -> None:
    for who in ("org", "town"):
        with pytest.raises(PermissionDenied):
            services.case_create(
                acting_user=cast[who],
                place_code=A["town"],
                title="大埔蜜柚黄龙病综合防控示范",
                summary="科技特派团进驻湖寮镇推行综合防控，示范园病株率明显下降。",
                body=BODY,
            )
    with pytest.raises(ValidationError) as exc:
        services.case_create(
            acting_user=cast["xuwen"],
            place_code=A["county"],
            title="大埔蜜柚黄龙病综合防控示范",
            summary="科技特派团进驻湖寮镇推行综合防控，示范园病株率明显下降。",
            body=BODY,
        )
    assert "只能撰写本地区的案例" in exc.value.message_dict["place"][0]
    assert not ShowcaseCase.all_objects.exists()
    # The city bureau above the county, and the province, may write there.
    for who in ("city", "province"):
        made = services.case_create(
            acting_user=cast[who],
            place_code=A["county"],
            title=f"大埔蜜柚综合防控示范（{who}）",
            summary="科技特派团进驻湖寮镇推行综合防控，示范园病株率明显下降。",
            body=BODY,
        )
        assert made.created_by == cast[who]


def test_another_county_cannot_touch_the_case_before_or_after_it_is_published(cast: dict[str, Any]) -> None:
    made = case(cast, photo=True)
    xuwen = cast["xuwen"]
    for attempt in (
        lambda: services.case_update(acting_user=xuwen, case_id=made.pk, title="徐闻改写的案例标题"),
        lambda: services.case_submit(acting_user=xuwen, case_id=made.pk),
        lambda: services.photo_add(acting_user=xuwen, case_id=made.pk, name="x.jpg", data=picture()),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert selectors.case_get(user=xuwen, case_id=made.pk) is None  # not even seen
    services.case_submit(acting_user=cast["county"], case_id=made.pk)
    services.case_review(acting_user=cast["province"], case_id=made.pk, publish=True)
    assert selectors.case_get(user=xuwen, case_id=made.pk) is not None  # published: seen by all
    with pytest.raises(PermissionDenied):
        services.case_update(acting_user=xuwen, case_id=made.pk, title="徐闻改写的案例标题")
    with pytest.raises(PermissionDenied):
        services.case_withdraw(acting_user=xuwen, case_id=made.pk, note="不应由县撤下")
    made.refresh_from_db()
    assert (made.title, made.status, made.is_published) == ("大埔蜜柚黄龙病综合防控示范", "published", True)


def test_only_the_province_reviews_publishes_and_withdraws(cast: dict[str, Any]) -> None:
    made = case(cast, photo=True)
    services.case_submit(acting_user=cast["county"], case_id=made.pk)
    for who in ("county", "city", "org", "xuwen"):
        with pytest.raises(PermissionDenied):
            services.case_review(acting_user=cast[who], case_id=made.pk, publish=True)
    services.case_review(acting_user=cast["province"], case_id=made.pk, publish=True)
    for who in ("county", "city"):
        with pytest.raises(PermissionDenied):
            services.case_withdraw(acting_user=cast[who], case_id=made.pk, note="想撤下重写")
    made.refresh_from_db()
    assert made.is_published


# ---- cases: the life-cycle -----------------------------------------------------------------------------


def test_a_case_from_draft_to_published_and_back(cast: dict[str, Any]) -> None:
    county, province = cast["county"], cast["province"]
    made = case(cast)
    assert (made.status, made.is_published) == (CaseStatus.DRAFT, False)
    with pytest.raises(ValidationError) as exc:
        services.case_submit(acting_user=county, case_id=made.pk)
    assert exc.value.message_dict == {"photos": ["请至少上传一张现场照片再报送"]}
    made.refresh_from_db()
    assert made.status == CaseStatus.DRAFT
    services.photo_add(acting_user=county, case_id=made.pk, name="柚园.jpg", data=picture())
    with pytest.raises(ConflictError):
        services.case_submit(acting_user=county, case_id=made.pk, version=made.version)  # before the photo
    made.refresh_from_db()
    made = services.case_submit(acting_user=county, case_id=made.pk, version=made.version)
    assert made.status == CaseStatus.SUBMITTED
    assert made.submitted_at is not None
    with pytest.raises(PermissionDenied):  # sent: no longer the bureau's to change
        services.case_update(acting_user=county, case_id=made.pk, title="报送后再修改的标题")
    with pytest.raises(ValidationError) as exc:
        services.case_review(acting_user=province, case_id=made.pk, publish=False, note="  ")
    assert exc.value.message_dict == {"note": ["请填写审核意见"]}
    made = services.case_review(acting_user=province, case_id=made.pk, publish=False, note="请补充病株率数据")
    assert (made.status, made.review_note, made.reviewed_by) == (
        CaseStatus.RETURNED,
        "请补充病株率数据",
        province,
    )
    made = services.case_update(
        acting_user=county, case_id=made.pk, version=made.version, results="示范园病株率由 8% 降到 2% 以下。"
    )
    assert made.status == CaseStatus.RETURNED
    made = services.case_submit(acting_user=county, case_id=made.pk)
    made = services.case_review(acting_user=province, case_id=made.pk, publish=True)
    assert (made.status, made.is_published) == (CaseStatus.PUBLISHED, True)
    assert made.published_at is not None
    assert [c.pk for c in selectors.published_cases()] == [made.pk]
    with pytest.raises(PermissionDenied):
        services.case_update(acting_user=county, case_id=made.pk, title="发布后再修改的标题")
    with pytest.raises(PermissionDenied):
        services.case_review(acting_user=province, case_id=made.pk, publish=True)  # not waiting
    with pytest.raises(ValidationError) as exc:
        services.case_withdraw(acting_user=province, case_id=made.pk, note="")
    assert "note" in exc.value.message_dict
    made = services.case_withdraw(acting_user=province, case_id=made.pk, note="数据与统计部门不一致，请核实")
    assert (made.status, made.is_published) == (CaseStatus.WITHDRAWN, False)
    assert list(selectors.published_cases()) == []
    made = services.case_update(acting_user=county, case_id=made.pk, title="大埔蜜柚黄龙病防控（数据已核实）")
    assert (made.status, made.title) == (CaseStatus.WITHDRAWN, "大埔蜜柚黄龙病防控（数据已核实）")
    assert services.case_submit(acting_user=county, case_id=made.pk).status == CaseStatus.SUBMITTED


# ---- 通报表扬 ----------------------------------------------------------------------------------------


def _commendation(cast: dict[str, Any], **values: Any) -> Commendation:
    defaults: dict[str, Any] = {"title": "2025 年度优秀科技特派员通报表扬", "year": 2025}
    return services.commendation_create(acting_user=cast["province"], **{**defaults, **values})


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"title": "表扬"}, "title", "通报名称至少 6 个字"),
        ({"title": "<b>2025 年度表扬</b>"}, "title", "通报名称不能包含 HTML 标记"),
        ({"year": "二〇二五"}, "year", "年度须是四位数字"),
        ({"year": 2022}, "year", "年度须在 2023 至"),
        ({"year": timezone.localdate().year + 1}, "year", "年度须在 2023 至"),
        ({"intro": "正" * 3001}, "intro", "通报正文最多 3000 个字"),
        ({"document_number": "粤" * 41}, "document_number", "文号最多 40 个字"),
    ],
)
def test_bad_commendation_input_is_named_and_nothing_is_stored(
    cast: dict[str, Any], values: dict[str, Any], field: str, says: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _commendation(cast, **values)
    assert says in exc.value.message_dict[field][0], exc.value.message_dict
    assert not Commendation.all_objects.exists()


def test_only_the_province_keeps_commendations(cast: dict[str, Any]) -> None:
    item = _commendation(cast)
    for who in ("county", "city", "org", "town"):
        with pytest.raises(PermissionDenied):
            services.commendation_create(
                acting_user=cast[who], title="2025 年度优秀科技特派员通报表扬", year=2025
            )
        with pytest.raises(PermissionDenied):
            services.entry_add(
                acting_user=cast[who],
                commendation_id=item.pk,
                kind="unit",
                name="某单位",
                reason="成效突出明显",
            )
        with pytest.raises(PermissionDenied):
            services.commendation_publish(acting_user=cast[who], commendation_id=item.pk, publish=True)
    assert Commendation.all_objects.count() == 1
    assert not item.entries.exists()


def test_an_empty_list_is_not_published_and_a_published_one_is_not_changed(cast: dict[str, Any]) -> None:
    province = cast["province"]
    item = _commendation(cast)
    with pytest.raises(ValidationError) as exc:
        services.commendation_publish(acting_user=province, commendation_id=item.pk, publish=True)
    assert exc.value.message_dict == {"entries": ["名单为空，不能发布"]}
    entry = services.entry_add(
        acting_user=province,
        commendation_id=item.pk,
        kind=HonourKind.UNIT,
        name="英德市连江口镇科技特派员工作站",
        reason="统筹驻镇科技特派员开展服务，成效突出",
        place_code="441881129000",
    )
    with pytest.raises(ValidationError) as exc:
        services.entry_add(
            acting_user=province,
            commendation_id=item.pk,
            kind=HonourKind.UNIT,
            name="英德市连江口镇科技特派员工作站",
            reason="重复登记同一个单位",
        )
    assert "已在名单中" in exc.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as exc:
        services.entry_add(
            acting_user=province, commendation_id=item.pk, kind="team", name="某团队", reason="成效突出明显"
        )
    assert "kind" in exc.value.message_dict
    done = services.commendation_publish(acting_user=province, commendation_id=item.pk, publish=True)
    assert done.is_published
    assert done.published_on == timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.entry_remove(acting_user=province, entry_id=entry.pk)
    with pytest.raises(PermissionDenied):
        services.commendation_update(acting_user=province, commendation_id=item.pk, title="改名后的通报表扬")
    assert list(item.entries.values_list("name", flat=True)) == ["英德市连江口镇科技特派员工作站"]


def _excellent(setting: dict[str, Any], team: Team) -> list[AssessmentRecord]:
    """The 2025 assessment of the serving team, finalised with everyone rated 优秀."""
    scheme = assessment_services.assessment_scheme_create(
        acting_user=setting["province"], year=2025, excellent_quota=100
    )
    records = list(scheme.records.order_by("pk"))
    for record in records:
        assessment_services.assessment_score(acting_user=setting["org"], record=record, score="95")
        assessment_services.assessment_score(acting_user=setting["town"], record=record, score="96")
    assessment_services.assessment_finalise(acting_user=setting["province"], scheme=scheme)
    records = list(AssessmentRecord.all_objects.filter(scheme=scheme).order_by("pk"))
    assert records
    assert {r.grade for r in records} == {Grade.EXCELLENT}
    return records


def test_a_list_is_filled_from_the_years_excellent_commissioners_once(
    cast: dict[str, Any], setting: dict[str, Any], team: Team
) -> None:
    province = cast["province"]
    item = _commendation(cast)
    with pytest.raises(ValidationError) as exc:  # nothing finalised yet
        services.commendation_fill(acting_user=province, commendation_id=item.pk, source="commissioners")
    assert "2025 年度没有可用的记录" in exc.value.message_dict["source"][0]
    with pytest.raises(ValidationError) as exc:
        services.commendation_fill(acting_user=province, commendation_id=item.pk, source="lottery")
    assert "source" in exc.value.message_dict
    records = _excellent(setting, team)
    first = records[0].assignment.nomination.expert.person
    services.entry_add(  # one of them already listed by hand
        acting_user=province,
        commendation_id=item.pk,
        kind=HonourKind.PERSON,
        name=first.name,
        organisation=first.organisation.name,
        reason="驻湖寮镇服务成效突出",
    )
    for who in ("county", "city"):
        with pytest.raises(PermissionDenied):
            services.commendation_fill(acting_user=cast[who], commendation_id=item.pk, source="commissioners")
    added = services.commendation_fill(acting_user=province, commendation_id=item.pk, source="commissioners")
    assert added == len(records) - 1
    again = services.commendation_fill(acting_user=province, commendation_id=item.pk, source="commissioners")
    assert again == 0
    entries = list(selectors.commendation_entries(item))
    assert len(entries) == len(records)
    filled = [e for e in entries if e.source]
    assert all(e.kind == HonourKind.PERSON and e.place_id == A["town"] for e in filled)
    assert all("2025 年度科技特派员考核优秀" in e.reason for e in filled)
    # Another year's list finds nothing; a published list is not refilled.
    other = _commendation(cast, title="2024 年度优秀科技特派员通报表扬", year=2024)
    with pytest.raises(ValidationError):
        services.commendation_fill(acting_user=province, commendation_id=other.pk, source="commissioners")
    services.commendation_publish(acting_user=province, commendation_id=item.pk, publish=True)
    with pytest.raises(PermissionDenied):
        services.commendation_fill(acting_user=province, commendation_id=item.pk, source="commissioners")
    assert CommendationEntry.objects.filter(commendation=item).count() == len(records)


# ---- 政策与解读 ---------------------------------------------------------------------------------------

POLICY_BODY = (
    "为深入贯彻落实《中共广东省委关于实施“百县千镇万村高质量发展工程”促进城乡区域协调发展的决定》,"
    "充分发挥科技创新在促进城乡区域协调发展的重要作用,特制定本方案。"
)
POLICY: dict[str, Any] = {
    "kind": PolicyKind.POLICY,
    "title": "广东省科技支撑“百县千镇万村高质量发展工程”促进城乡区域协调发展实施方案(试行)",
    "issuer": "广东省科学技术厅",
    "document_number": "粤科农字〔2023〕116号",
    "issued_on": dt.date(2023, 6, 7),
    "body": POLICY_BODY,
}


def _policy(cast: dict[str, Any], **values: Any) -> PolicyDocument:
    return services.policy_create(acting_user=cast["province"], **{**POLICY, **values})


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"kind": "rumour"}, "kind", "类型"),
        ({"title": "方案"}, "title", "标题至少 6 个字"),
        ({"issuer": ""}, "issuer", "请填写发布机关"),
        ({"issued_on": "2023年6月7日"}, "issued_on", "发布日期应为日期"),
        ({"issued_on": timezone.localdate() + dt.timedelta(days=7)}, "issued_on", "发布日期不能晚于今天"),
        ({"body": "正文太短"}, "body", "正文至少 50 个字"),
        ({"body": "<iframe src=x></iframe>" + POLICY_BODY}, "body", "正文不能包含 HTML 标记"),
        (
            {"kind": PolicyKind.INTERPRETATION, "interprets_id": 10**12},
            "interprets",
            "请选择平台已登记的政策文件",
        ),
        ({"kind": PolicyKind.INTERPRETATION}, "interprets", "政策解读须选择它所解读的政策文件"),
    ],
)
def test_bad_policy_input_is_named_and_nothing_is_stored(
    cast: dict[str, Any], values: dict[str, Any], field: str, says: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _policy(cast, **values)
    assert says in exc.value.message_dict[field][0], exc.value.message_dict
    assert not PolicyDocument.all_objects.exists()


def test_an_interpretation_points_at_a_policy_and_only_the_province_publishes(cast: dict[str, Any]) -> None:
    plan = _policy(cast)
    reading = _policy(
        cast, kind=PolicyKind.INTERPRETATION, title="政策解读：实施方案的阶段目标", interprets_id=plan.pk
    )
    assert reading.interprets == plan
    with pytest.raises(ValidationError) as exc:  # an interpretation of an interpretation
        _policy(cast, kind=PolicyKind.INTERPRETATION, title="政策解读：再解读一次", interprets_id=reading.pk)
    assert "interprets" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.policy_update(acting_user=cast["province"], policy_id=reading.pk, interprets_id="")
    assert "interprets" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # the policy it interprets cannot become one itself
        services.policy_update(
            acting_user=cast["province"], policy_id=plan.pk, kind=PolicyKind.INTERPRETATION, interprets_id=""
        )
    assert "interprets" in exc.value.message_dict
    other = _policy(cast, title="广东省另一份科技政策文件（用于测试）")
    with pytest.raises(ValidationError) as exc:
        services.policy_update(
            acting_user=cast["province"],
            policy_id=plan.pk,
            kind=PolicyKind.INTERPRETATION,
            interprets_id=other.pk,
        )
    assert exc.value.message_dict == {"kind": ["该文件已有政策解读，不能改为政策解读"]}
    other.delete()
    for who in ("county", "city", "org"):
        with pytest.raises(PermissionDenied):
            services.policy_create(acting_user=cast[who], **POLICY)
        with pytest.raises(PermissionDenied):
            services.policy_publish(acting_user=cast[who], policy_id=plan.pk, publish=True)
    assert PolicyDocument.all_objects.count() == 2
    assert list(selectors.published_policies()) == []
    services.policy_publish(acting_user=cast["province"], policy_id=plan.pk, publish=True)
    assert [p.pk for p in selectors.published_policies()] == [plan.pk]
    assert list(selectors.published_interpretations(plan)) == []
    services.policy_publish(acting_user=cast["province"], policy_id=reading.pk, publish=True)
    assert [p.pk for p in selectors.published_interpretations(plan)] == [reading.pk]
