"""人才与科普 over the API: 科普 events (with the reach by city and the balance between regions),
teacher courses and their trainees (one by one or a whole Excel sheet), and the 智库's members,
reports (with their PDF) and seminars. Handlers are thin; services check who may do what."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.concurrency import expected_version
from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import OMITTED, filter_data, filter_query
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404
from baiqianwan.core.spreadsheets import ImportRejectedError, SpreadsheetError

from . import selectors, services
from .forms import BalanceFilterForm, CourseFilterForm, EventFilterForm, MemberFilterForm, ReportFilterForm
from .models import OutreachEvent, ResearchReport, Seminar, TeacherCourse, ThinkTankMember, Trainee

router = Router(tags=["人才与科普"])
VERSION = Field(None, ge=0, le=2**31)
ID = Field(ge=1, le=2**63 - 1)
MAX_UPLOAD = 30 * 1024 * 1024
EVENT_KINDS = (
    "countryside 三下乡 / academician_village 院士进农村 / academician_school 院士进校园 / "
    "academician_community 院士进社区 / lecture 科普讲座/论坛 / science_week 科技周/科普日 / other 其他"
)
CATEGORIES = (
    "academician 院士 / scientist 科学家 / npc 人大代表 / cppcc 政协委员 / entrepreneur 企业家 / other 其他"
)
AUDIENCES = (
    "farmers 农民 / students 学生 / teachers 教师 / residents 社区居民 / workers 企业职工 / other 其他"
)


# ---- 科普 events -------------------------------------------------------------------------------


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    title: str
    organiser_id: int
    organiser_name: str = Field(alias="organiser.name")
    place_code: str = Field(alias="place_id")
    place_name: str = Field(alias="place.full_name")
    held_on: dt.date
    audience_kind: str
    audience_size: int
    speakers: str
    summary: str
    in_east_west_north: bool
    is_public: bool
    version: int


class EventIn(Schema):
    kind: str = Field(max_length=24, description=EVENT_KINDS)
    title: str = Field(max_length=120)
    organiser_id: int = ID
    place_code: str = Field(max_length=12, description="举办地的 12 位区划代码（县、镇或村）")
    held_on: dt.date
    audience_kind: str = Field(max_length=12, description=AUDIENCES)
    audience_size: int = Field(ge=-(2**31), le=2**31)
    speakers: str = Field("", max_length=300, description="主讲人姓名，逗号分隔")
    speaker_ids: list[int] = Field([], max_length=20, description="平台登记的主讲人（人员编号）")
    summary: str = Field("", max_length=2000)
    is_public: bool = True


class EventPatch(Schema):
    kind: str = Field(OMITTED, max_length=24, description=EVENT_KINDS)
    title: str = Field(OMITTED, max_length=120)
    organiser_id: int = Field(OMITTED, ge=1, le=2**63 - 1)
    held_on: dt.date = Field(OMITTED)
    audience_kind: str = Field(OMITTED, max_length=12)
    audience_size: int = Field(OMITTED, ge=-(2**31), le=2**31)
    speakers: str = Field(OMITTED, max_length=300)
    speaker_ids: list[int] = Field(OMITTED, max_length=20)
    summary: str = Field(OMITTED, max_length=2000)
    is_public: bool = Field(OMITTED)
    version: int | None = VERSION


class CityReach(Schema):
    code: str
    name: str
    region: str
    value: int
    audience: int


class ReachOut(Schema):
    events: int
    audience: int
    east_west_north: int
    cities: list[CityReach]


class BalanceRow(Schema):
    region: str
    label: str
    counties: int
    events: int
    audience: int
    reached: int
    events_per_county: float
    audience_per_county: float
    reached_share: float
    gap: float
    ratio: float | None


class BalanceOut(Schema):
    year: int | None
    basis: str = Field(description="county：按县级单位平均（平台未收录常住人口）")
    rows: list[BalanceRow]


def _event(request: HttpRequest, event_id: int) -> OutreachEvent:
    return found_or_404(selectors.event_get(user=request.user, event_id=event_id))


@router.get("/events", response=list[EventOut], openapi_extra=api_scope(OutreachEvent), summary="科普活动")
@paginate(BoundedPagination, page_size=50)
def event_list(request: HttpRequest, filters: Query[filter_query(EventFilterForm)]):  # type: ignore[valid-type]
    values = EventFilterForm.strict(filter_data(filters))
    return selectors.event_list(
        user=request.user,
        q=values["q"],
        region=values["region"],
        kind=values["kind"],
        year=values["year"],
        audience=values["audience"],
        east_west_north=values["east_west_north"],
    )


@router.post(
    "/events",
    response={201: EventOut},
    openapi_extra=api_scope(OutreachEvent),
    summary="登记科普活动（举办地的县、镇、地市科技部门或省科技厅）",
)
def event_report(request: HttpRequest, payload: EventIn) -> Status:
    event = services.event_report(acting_user=request.user, **payload.dict())
    return Status(201, _event(request, event.pk))


@router.get(
    "/events/reach", response=ReachOut, openapi_extra=api_scope(OutreachEvent), summary="科普活动各市覆盖"
)
def event_reach(request: HttpRequest) -> dict[str, Any]:
    return selectors.event_reach(user=request.user)


@router.get(
    "/events/balance", response=BalanceOut, openapi_extra=api_scope(OutreachEvent), summary="科普资源区域平衡"
)
def event_balance(request: HttpRequest, filters: Query[filter_query(BalanceFilterForm)]) -> dict[str, Any]:  # type: ignore[valid-type]
    values = BalanceFilterForm.strict(filter_data(filters))
    return selectors.event_balance(user=request.user, year=values["year"])


@router.get(
    "/events/{int:event_id}",
    response=EventOut,
    openapi_extra=api_scope(OutreachEvent),
    summary="科普活动详情",
)
def event_detail(request: HttpRequest, event_id: int) -> OutreachEvent:
    return _event(request, event_id)


@router.patch(
    "/events/{int:event_id}",
    response=EventOut,
    openapi_extra=api_scope(OutreachEvent),
    summary="修改科普活动",
)
def event_update(request: HttpRequest, event_id: int, payload: EventPatch) -> OutreachEvent:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    event = services.event_update(
        acting_user=request.user,
        event_id=_event(request, event_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _event(request, event.pk)


# ---- teacher training ----------------------------------------------------------------------------


class CourseOut(Schema):
    id: int
    title: str
    provider_id: int
    provider_name: str = Field(alias="provider.name")
    division_code: str = Field(alias="division_id")
    mode: str
    hours: Decimal
    starts_on: dt.date
    ends_on: dt.date
    is_public: bool
    version: int


class CourseIn(Schema):
    title: str = Field(max_length=120)
    division_code: str = Field(
        max_length=12, description="组织地区：全省 440000000000，或本地区内粤东西北的地市、县"
    )
    provider_id: int = ID
    mode: str = Field(max_length=8, description="online 线上 / offline 线下 / blended 线上线下结合")
    hours: Decimal = Field(max_digits=8, decimal_places=3)
    starts_on: dt.date
    ends_on: dt.date
    is_public: bool = True


class CoursePatch(Schema):
    title: str = Field(OMITTED, max_length=120)
    provider_id: int = Field(OMITTED, ge=1, le=2**63 - 1)
    mode: str = Field(OMITTED, max_length=8)
    hours: Decimal = Field(OMITTED, max_digits=8, decimal_places=3)
    starts_on: dt.date = Field(OMITTED)
    ends_on: dt.date = Field(OMITTED)
    is_public: bool = Field(OMITTED)
    version: int | None = VERSION


class TraineeOut(Schema):
    id: int
    course_id: int
    name: str
    school: str
    county_code: str = Field(alias="county_id")
    county_name: str = Field(alias="county.full_name")
    stage: str
    subject: str
    hours_completed: Decimal
    passed: bool


class TraineeIn(Schema):
    name: str = Field(max_length=40)
    school: str = Field(max_length=120)
    county_code: str = Field(max_length=12, description="任教县（市、区）的 12 位区划代码，须在粤东西北")
    stage: str = Field(max_length=8, description="primary 小学 / junior 初中 / senior 高中")
    subject: str = Field(
        max_length=12, description="science / physics / chemistry / biology / geography / it / maths / other"
    )
    hours_completed: Decimal = Field(Decimal(0), max_digits=8, decimal_places=3)
    passed: bool = False


class TraineePatch(Schema):
    name: str = Field(OMITTED, max_length=40)
    school: str = Field(OMITTED, max_length=120)
    county_code: str = Field(OMITTED, max_length=12)
    stage: str = Field(OMITTED, max_length=8)
    subject: str = Field(OMITTED, max_length=12)
    hours_completed: Decimal = Field(OMITTED, max_digits=8, decimal_places=3)
    passed: bool = Field(OMITTED)


class ImportOut(Schema):
    imported: int


class CountyTotal(Schema):
    code: str
    name: str
    teachers: int
    passed: int
    places: int


class CityTotal(Schema):
    code: str
    name: str
    value: int
    passed: int
    counties: int


class TrainingTotalsOut(Schema):
    teachers: int
    passed: int
    places: int
    counties: list[CountyTotal]
    cities: list[CityTotal]


def _course(request: HttpRequest, course_id: int) -> TeacherCourse:
    return found_or_404(selectors.course_get(user=request.user, course_id=course_id))


@router.get(
    "/courses", response=list[CourseOut], openapi_extra=api_scope(TeacherCourse), summary="科学教师培训课程"
)
@paginate(BoundedPagination, page_size=50)
def course_list(request: HttpRequest, filters: Query[filter_query(CourseFilterForm)]):  # type: ignore[valid-type]
    values = CourseFilterForm.strict(filter_data(filters))
    return selectors.course_list(user=request.user, q=values["q"], mode=values["mode"], year=values["year"])


@router.post(
    "/courses",
    response={201: CourseOut},
    openapi_extra=api_scope(TeacherCourse),
    summary="登记培训课程（省科技厅或粤东西北地市、县科技部门）",
)
def course_register(request: HttpRequest, payload: CourseIn) -> Status:
    course = services.course_register(acting_user=request.user, **payload.dict())
    return Status(201, _course(request, course.pk))


@router.get(
    "/courses/totals",
    response=TrainingTotalsOut,
    openapi_extra=api_scope(Trainee),
    summary="培训教师按县、按市统计",
)
def training_totals(request: HttpRequest) -> dict[str, Any]:
    return selectors.training_totals(user=request.user)


@router.get(
    "/courses/{int:course_id}", response=CourseOut, openapi_extra=api_scope(TeacherCourse), summary="课程详情"
)
def course_detail(request: HttpRequest, course_id: int) -> TeacherCourse:
    return _course(request, course_id)


@router.patch(
    "/courses/{int:course_id}", response=CourseOut, openapi_extra=api_scope(TeacherCourse), summary="修改课程"
)
def course_update(request: HttpRequest, course_id: int, payload: CoursePatch) -> TeacherCourse:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    course = services.course_update(
        acting_user=request.user,
        course_id=_course(request, course_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _course(request, course.pk)


@router.get(
    "/courses/{int:course_id}/trainees",
    response=list[TraineeOut],
    openapi_extra=api_scope(TeacherCourse),
    summary="课程学员（组织地区、任教县科技部门和承办单位可见）",
)
@paginate(BoundedPagination, page_size=100)
def trainee_list(request: HttpRequest, course_id: int):
    return selectors.trainee_list(user=request.user, course=_course(request, course_id))


@router.post(
    "/courses/{int:course_id}/trainees",
    response={201: TraineeOut},
    openapi_extra=api_scope(TeacherCourse),
    summary="登记学员（组织培训的科技部门或承办单位）",
)
def trainee_add(request: HttpRequest, course_id: int, payload: TraineeIn) -> Status:
    trainee = services.trainee_add(
        acting_user=request.user, course_id=_course(request, course_id).pk, **payload.dict()
    )
    return Status(201, selectors.trainee_get(user=request.user, trainee_id=trainee.pk) or trainee)


@router.post(
    "/courses/{int:course_id}/trainees/import",
    response={201: ImportOut},
    openapi_extra=api_scope(TeacherCourse),
    summary="从 Excel 导入学员：全部导入或全部不导入，错误指明行和单元格",
)
def trainee_import(
    request: HttpRequest,
    course_id: int,
    file: UploadedFile = File(None),  # noqa: B008 - ninja's way to declare an optional upload
) -> Status:
    # Whose course it is comes first: outside the scope the answer is 404 whatever was sent.
    course = _course(request, course_id)
    if file is None:
        raise ValidationError({"file": "请选择填好的参训教师名单（.xlsx）"})
    if (file.size or 0) > MAX_UPLOAD:
        raise ValidationError({"file": "文件超过 30 MB"})
    try:
        count = services.trainees_import(acting_user=request.user, course_id=course.pk, data=file.read())
    except SpreadsheetError as exc:
        raise ValidationError({"file": str(exc)}) from None
    except ImportRejectedError as exc:
        raise ValidationError({f"{e.cell}（{e.header}）": e.message for e in exc.errors[:200]}) from None
    return Status(201, {"imported": count})


@router.patch(
    "/trainees/{int:trainee_id}",
    response=TraineeOut,
    openapi_extra=api_scope(Trainee),
    summary="修改学员（学时、合格等）",
)
def trainee_update(request: HttpRequest, trainee_id: int, payload: TraineePatch) -> Trainee:
    trainee = found_or_404(selectors.trainee_get(user=request.user, trainee_id=trainee_id))
    services.trainee_update(
        acting_user=request.user, trainee_id=trainee.pk, **payload.dict(exclude_unset=True)
    )
    return found_or_404(selectors.trainee_get(user=request.user, trainee_id=trainee.pk))


# ---- 智库联盟 -------------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    name: str
    category: str
    category_label: str = Field(alias="get_category_display")
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    fields: str
    person_id: int | None
    expert_id: int | None
    joined_year: int
    left_year: int | None
    is_public: bool
    version: int


class MemberIn(Schema):
    name: str = Field(max_length=40)
    category: str = Field(
        max_length=14,
        description=CATEGORIES,
    )
    organisation_id: int = ID
    fields: str = Field(max_length=200)
    person_id: int | None = Field(None, ge=1, le=2**63 - 1)
    joined_year: int = Field(ge=0, le=9999)
    left_year: int | None = Field(None, ge=0, le=9999)
    is_public: bool = True


class MemberPatch(Schema):
    name: str = Field(OMITTED, max_length=40)
    category: str = Field(OMITTED, max_length=14)
    organisation_id: int = Field(OMITTED, ge=1, le=2**63 - 1)
    fields: str = Field(OMITTED, max_length=200)
    person_id: int | None = Field(None, ge=1, le=2**63 - 1, description="null 清除")
    joined_year: int = Field(OMITTED, ge=0, le=9999)
    left_year: int | None = Field(None, ge=0, le=9999)
    is_public: bool = Field(OMITTED)
    version: int | None = VERSION


class ExpertOut(Schema):
    expert_id: int
    member_id: int


class ReportOut(Schema):
    id: int
    title: str
    year: int
    member_ids: list[int]
    county_codes: list[str]
    summary: str
    has_file: bool
    file_name: str
    is_public: bool
    version: int

    @staticmethod
    def resolve_member_ids(obj: ResearchReport) -> list[int]:
        return [m.pk for m in obj.members.all()]

    @staticmethod
    def resolve_county_codes(obj: ResearchReport) -> list[str]:
        return [d.code for d in obj.counties.all()]

    @staticmethod
    def resolve_has_file(obj: ResearchReport) -> bool:
        return bool(obj.file)


class ReportIn(Schema):
    title: str = Field(max_length=120)
    year: int = Field(ge=0, le=9999)
    member_ids: list[int] = Field(max_length=200)
    county_codes: list[str] = Field(max_length=122, description="调研县（市、区）的 12 位区划代码")
    summary: str = Field("", max_length=3000)
    is_public: bool = True


class ReportPatch(Schema):
    title: str = Field(OMITTED, max_length=120)
    year: int = Field(OMITTED, ge=0, le=9999)
    member_ids: list[int] = Field(OMITTED, max_length=200)
    county_codes: list[str] = Field(OMITTED, max_length=122)
    summary: str = Field(OMITTED, max_length=3000)
    is_public: bool = Field(OMITTED)
    version: int | None = VERSION


class SeminarOut(Schema):
    id: int
    kind: str
    title: str
    held_on: dt.date
    place_code: str = Field(alias="place_id")
    member_ids: list[int]
    other_participants: str
    participant_count: int
    summary: str
    is_public: bool
    version: int

    @staticmethod
    def resolve_member_ids(obj: Seminar) -> list[int]:
        return [m.pk for m in obj.members.all()]


class SeminarIn(Schema):
    kind: str = Field(max_length=8, description="seminar 研讨会 / forum 论坛")
    title: str = Field(max_length=120)
    held_on: dt.date
    place_code: str = Field(max_length=12)
    member_ids: list[int] = Field([], max_length=200)
    other_participants: str = Field("", max_length=300)
    participant_count: int = Field(ge=-(2**31), le=2**31)
    summary: str = Field("", max_length=3000)
    is_public: bool = True


class SeminarPatch(Schema):
    kind: str = Field(OMITTED, max_length=8)
    title: str = Field(OMITTED, max_length=120)
    held_on: dt.date = Field(OMITTED)
    place_code: str = Field(OMITTED, max_length=12)
    member_ids: list[int] = Field(OMITTED, max_length=200)
    other_participants: str = Field(OMITTED, max_length=300)
    participant_count: int = Field(OMITTED, ge=-(2**31), le=2**31)
    summary: str = Field(OMITTED, max_length=3000)
    is_public: bool = Field(OMITTED)
    version: int | None = VERSION


def _member(request: HttpRequest, member_id: int) -> ThinkTankMember:
    return found_or_404(selectors.member_get(user=request.user, member_id=member_id))


@router.get(
    "/members", response=list[MemberOut], openapi_extra=api_scope(ThinkTankMember), summary="智库成员"
)
@paginate(BoundedPagination, page_size=50)
def member_list(request: HttpRequest, filters: Query[filter_query(MemberFilterForm)]):  # type: ignore[valid-type]
    values = MemberFilterForm.strict(filter_data(filters))
    return selectors.member_list(
        user=request.user, q=values["q"], category=values["category"], active=values["active"]
    )


@router.post(
    "/members",
    response={201: MemberOut},
    openapi_extra=api_scope(ThinkTankMember),
    summary="登记智库成员（省科技厅）",
)
def member_register(request: HttpRequest, payload: MemberIn) -> Status:
    member = services.member_register(acting_user=request.user, **payload.dict())
    return Status(201, _member(request, member.pk))


@router.get(
    "/members/{int:member_id}",
    response=MemberOut,
    openapi_extra=api_scope(ThinkTankMember),
    summary="智库成员详情",
)
def member_detail(request: HttpRequest, member_id: int) -> ThinkTankMember:
    return _member(request, member_id)


@router.patch(
    "/members/{int:member_id}",
    response=MemberOut,
    openapi_extra=api_scope(ThinkTankMember),
    summary="修改智库成员",
)
def member_update(request: HttpRequest, member_id: int, payload: MemberPatch) -> ThinkTankMember:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    member = services.member_update(
        acting_user=request.user,
        member_id=_member(request, member_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _member(request, member.pk)


@router.post(
    "/members/{int:member_id}/invite",
    response=ExpertOut,
    openapi_extra=api_scope(ThinkTankMember),
    summary="邀请为评审专家（建立或关联专家档案，省科技厅）",
)
def member_invite(request: HttpRequest, member_id: int) -> dict[str, int]:
    member = _member(request, member_id)
    profile = services.member_invite_as_expert(acting_user=request.user, member_id=member.pk)
    return {"expert_id": profile.pk, "member_id": member.pk}


def _report(request: HttpRequest, report_id: int) -> ResearchReport:
    return found_or_404(selectors.report_get(user=request.user, report_id=report_id))


@router.get(
    "/reports", response=list[ReportOut], openapi_extra=api_scope(ResearchReport), summary="深调研报告"
)
@paginate(BoundedPagination, page_size=50)
def report_list(request: HttpRequest, filters: Query[filter_query(ReportFilterForm)]):  # type: ignore[valid-type]
    values = ReportFilterForm.strict(filter_data(filters))
    return selectors.report_list(user=request.user, q=values["q"], year=values["year"])


@router.post(
    "/reports",
    response={201: ReportOut},
    openapi_extra=api_scope(ResearchReport),
    summary="登记深调研报告（省科技厅）",
)
def report_register(request: HttpRequest, payload: ReportIn) -> Status:
    report = services.report_register(acting_user=request.user, **payload.dict())
    return Status(201, _report(request, report.pk))


@router.get(
    "/reports/{int:report_id}",
    response=ReportOut,
    openapi_extra=api_scope(ResearchReport),
    summary="调研报告详情",
)
def report_detail(request: HttpRequest, report_id: int) -> ResearchReport:
    return _report(request, report_id)


@router.patch(
    "/reports/{int:report_id}",
    response=ReportOut,
    openapi_extra=api_scope(ResearchReport),
    summary="修改调研报告",
)
def report_update(request: HttpRequest, report_id: int, payload: ReportPatch) -> ResearchReport:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    report = services.report_update(
        acting_user=request.user,
        report_id=_report(request, report_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _report(request, report.pk)


@router.post(
    "/reports/{int:report_id}/file",
    response=ReportOut,
    openapi_extra=api_scope(ResearchReport),
    summary="上传调研报告 PDF（按内容判断，只收 PDF）",
)
def report_attach(
    request: HttpRequest,
    report_id: int,
    file: UploadedFile = File(None),  # noqa: B008 - ninja's way to declare an optional upload
) -> ResearchReport:
    report = _report(request, report_id)
    if file is None:
        raise ValidationError({"file": "请选择调研报告 PDF 文件"})
    if (file.size or 0) > MAX_UPLOAD:
        raise ValidationError({"file": "文件超过 30 MB"})
    services.report_attach(
        acting_user=request.user, report_id=report.pk, name=file.name or "", data=file.read()
    )
    return _report(request, report.pk)


def _seminar(request: HttpRequest, seminar_id: int) -> Seminar:
    return found_or_404(selectors.seminar_get(user=request.user, seminar_id=seminar_id))


@router.get(
    "/seminars", response=list[SeminarOut], openapi_extra=api_scope(Seminar), summary="智库研讨会和论坛"
)
@paginate(BoundedPagination, page_size=50)
def seminar_list(request: HttpRequest, filters: Query[filter_query(ReportFilterForm)]):  # type: ignore[valid-type]
    values = ReportFilterForm.strict(filter_data(filters))
    return selectors.seminar_list(user=request.user, q=values["q"], year=values["year"])


@router.post(
    "/seminars",
    response={201: SeminarOut},
    openapi_extra=api_scope(Seminar),
    summary="登记研讨会或论坛（省科技厅）",
)
def seminar_register(request: HttpRequest, payload: SeminarIn) -> Status:
    seminar = services.seminar_register(acting_user=request.user, **payload.dict())
    return Status(201, _seminar(request, seminar.pk))


@router.get(
    "/seminars/{int:seminar_id}",
    response=SeminarOut,
    openapi_extra=api_scope(Seminar),
    summary="研讨会或论坛详情",
)
def seminar_detail(request: HttpRequest, seminar_id: int) -> Seminar:
    return _seminar(request, seminar_id)


@router.patch(
    "/seminars/{int:seminar_id}",
    response=SeminarOut,
    openapi_extra=api_scope(Seminar),
    summary="修改研讨会或论坛",
)
def seminar_update(request: HttpRequest, seminar_id: int, payload: SeminarPatch) -> Seminar:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    seminar = services.seminar_update(
        acting_user=request.user,
        seminar_id=_seminar(request, seminar_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _seminar(request, seminar.pk)
