"""Calls for applications over the API: calls, call types, applications and their steps, the 公示
with objections, the decision and the register. Handlers are thin; services check who may do what."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.concurrency import expected_version
from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.pdf import pdf_openapi, pdf_response
from baiqianwan.core.schemas import filter_data, filter_query
from baiqianwan.core.scope import API_PUBLIC, api_scope
from baiqianwan.core.selectors import found_or_404

from . import selectors, services
from .forms import ApplicationFilterForm, CallFilterForm, CarrierFilterForm
from .models import Application, Call, CallTypeVersion, Objection

router = Router(tags=["申报与评审"])
MAX_UPLOAD = 200 * 1024 * 1024


class CallOut(Schema):
    id: int
    title: str
    year: int
    call_type: str = Field(alias="call_type.code")
    call_type_name: str = Field(alias="call_type.name")
    call_type_version: str = Field(alias="call_type.version")
    guide: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    places: int | None
    reviewers_per_application: int
    blind: bool
    auto_provisional: bool
    status: str
    status_label: str = Field(alias="get_status_display")
    publicity_starts: dt.date | None
    publicity_ends: dt.date | None
    decision_number: str
    version: int


class CallIn(Schema):
    call_type: str = Field(max_length=40, description="申报类型编码，如 engineering_centre")
    title: str = Field(max_length=120)
    year: int = Field(ge=2020, le=2040)
    guide: str = Field("", max_length=20000)
    opens_at: dt.datetime
    closes_at: dt.datetime
    places: int | None = Field(None, ge=0, le=100000)
    reviewers_per_application: int | None = Field(None, ge=1, le=15)
    blind: bool | None = None
    publicity_days: int = Field(7, ge=1, le=30)
    auto_provisional: bool = Field(False, description="评审完成后自动拟定结果")


class VersionIn(Schema):  # the version the client read (If-Match works too)
    version: int | None = Field(None, ge=0, le=2**31)


class CallTypeOut(Schema):
    id: int
    code: str
    name: str
    version: str
    content_hash: str
    is_current: bool
    definition: dict[str, Any]


class CallTypeIn(Schema):
    definition: dict[str, Any]
    note: str = Field("", max_length=200)


class ApplicationOut(Schema):
    id: int
    reference: str
    call_id: int
    title: str
    applicant_id: int
    applicant_name: str = Field(alias="applicant.name")
    division_code: str = Field(alias="division_id")
    in_east_west_north: bool
    values: dict[str, Any]
    eligible: bool | None
    eligibility: list[dict[str, Any]]
    status: str
    status_label: str = Field(alias="get_status_display")
    submitted_at: dt.datetime | None
    return_reason: str
    score: Decimal | None
    rank: int | None
    grade: str
    version: int


class PartnerIn(Schema):
    organisation_id: int = Field(ge=1, le=2**63 - 1)
    values: dict[str, Any] = {}


class ApplicationIn(Schema):
    call_id: int = Field(ge=1, le=2**63 - 1)
    title: str = Field(max_length=120)
    values: dict[str, Any] = {}
    partners: list[PartnerIn] = Field([], max_length=20)
    applicant_id: int | None = Field(None, ge=1, le=2**63 - 1, description="提名时填被提名单位")
    lead_id: int | None = Field(None, ge=1, le=2**63 - 1)


class ApplicationPatch(Schema):
    title: str | None = Field(None, max_length=120)
    values: dict[str, Any] | None = None
    partners: list[PartnerIn] | None = Field(None, max_length=20)
    lead_id: int | None = Field(None, ge=1, le=2**63 - 1)
    version: int | None = Field(None, ge=0, le=2**31)


class StepIn(Schema):
    action: str = Field(
        max_length=20, description="recommend / return / decline / accept / reject / withdraw"
    )
    note: str = Field("", max_length=500)
    version: int | None = Field(None, ge=0, le=2**31)


class AttachmentOut(Schema):
    id: int
    spec: str
    name: str
    content_type: str
    size: int


class ObjectionIn(Schema):
    name: str = Field(max_length=40)
    contact: str = Field(max_length=40)
    reason: str = Field(max_length=3000)
    application_id: int | None = Field(None, ge=1, le=2**63 - 1)


class ObjectionOut(Schema):
    id: int
    reference: str
    application_id: int | None
    name: str
    contact: str
    reason: str
    due: dt.date
    status: str
    answer: str


class AnswerIn(Schema):
    answer: str = Field(max_length=3000)
    upheld: bool = False


class DecisionIn(Schema):
    decision_number: str = Field(max_length=60)
    version: int | None = Field(None, ge=0, le=2**31)


class CarrierOut(Schema):
    id: int
    kind: str
    name: str
    organisation_name: str = Field(alias="organisation.name")
    division_code: str = Field(alias="division_id")
    in_east_west_north: bool
    field: str
    certified_on: dt.date
    valid_until: dt.date | None
    status: str


def _call(request: HttpRequest, call_id: int) -> Call:
    return found_or_404(selectors.call_get(user=request.user, call_id=call_id))


def _application(request: HttpRequest, application_id: int) -> Application:
    return found_or_404(selectors.application_get(user=request.user, application_id=application_id))


def _partners(items: list[PartnerIn] | None) -> list[services.PartnerEntry] | None:
    if items is None:
        return None
    return [services.PartnerEntry(p.organisation_id, p.values) for p in items]


# ---- calls -----------------------------------------------------------------------------------


@router.get("", response=list[CallOut], openapi_extra=api_scope(Call), summary="申报指南列表")
@paginate(BoundedPagination, page_size=20)
def call_list(request: HttpRequest, filters: Query[filter_query(CallFilterForm)]):  # type: ignore[valid-type]
    values = CallFilterForm.strict(filter_data(filters))
    return selectors.call_list(user=request.user, q=values["q"], status=values["status"], year=values["year"])


@router.get("/{int:call_id}", response=CallOut, openapi_extra=api_scope(Call), summary="申报指南详情")
def call_detail(request: HttpRequest, call_id: int) -> Call:
    return _call(request, call_id)


@router.post("", response={201: CallOut}, openapi_extra=api_scope(Call), summary="新建申报指南（省科技厅）")
def call_create(request: HttpRequest, payload: CallIn) -> Status:
    values = payload.dict(exclude_none=True)
    code = values.pop("call_type")
    return Status(201, services.call_create(acting_user=request.user, call_type_code=code, **values))


class CallStepIn(Schema):
    action: str = Field(max_length=20, description="publish 发布 / close 截止申报 / publicity 发布公示")
    version: int | None = Field(None, ge=0, le=2**31)


@router.post(
    "/{int:call_id}/steps", response=CallOut, openapi_extra=api_scope(Call), summary="发布、截止、公示"
)
def call_step(request: HttpRequest, call_id: int, payload: CallStepIn) -> Call:
    return services.call_step(
        acting_user=request.user,
        call_id=_call(request, call_id).pk,
        action=payload.action,
        version=expected_version(request, payload.version),
    )


@router.post("/{int:call_id}/decision", response=CallOut, openapi_extra=api_scope(Call), summary="作出决定")
def call_decision(request: HttpRequest, call_id: int, payload: DecisionIn) -> Call:
    return services.call_decide(
        acting_user=request.user,
        call_id=_call(request, call_id).pk,
        decision_number=payload.decision_number,
        version=expected_version(request, payload.version),
    )


@router.get(
    "/{int:call_id}/publicity",
    response=list[ApplicationOut],
    openapi_extra=api_scope(Call),
    summary="公示名单",
)
def call_publicity_list(request: HttpRequest, call_id: int) -> list[Application]:
    return selectors.publicity_list(call=_call(request, call_id))


@router.post(
    "/{int:call_id}/objections",
    response={201: ObjectionOut},
    openapi_extra=api_scope(Call),
    summary="提出异议",
)
def objection_file(request: HttpRequest, call_id: int, payload: ObjectionIn) -> Status:
    objection = services.objection_file(
        call_id=_call(request, call_id).pk, acting_user=request.user, **payload.dict()
    )
    return Status(201, objection)


@router.get(
    "/{int:call_id}/objections",
    response=list[ObjectionOut],
    openapi_extra=api_scope(Call),
    summary="异议（省科技厅）",
)
def objection_list(request: HttpRequest, call_id: int) -> list[Objection]:
    call = _call(request, call_id)
    return list(selectors.objections(user=request.user, call=call))


@router.post(
    "/objections/{int:objection_id}/answer",
    response=ObjectionOut,
    openapi_extra=api_scope(Objection),
    summary="答复异议",
)
def objection_answer(request: HttpRequest, objection_id: int, payload: AnswerIn) -> Objection:
    return services.objection_answer(
        acting_user=request.user, objection_id=objection_id, answer=payload.answer, upheld=payload.upheld
    )


# ---- call types ------------------------------------------------------------------------------


@router.get("/types", response=list[CallTypeOut], openapi_extra=API_PUBLIC, summary="申报类型（现行版本）")
def call_type_list(request: HttpRequest) -> list[CallTypeVersion]:
    return list(selectors.call_types_current())


@router.post("/types", response={201: CallTypeOut}, openapi_extra=API_PUBLIC, summary="导入申报类型新版本")
def call_type_load(request: HttpRequest, payload: CallTypeIn) -> Status:
    return Status(
        201, services.call_type_load(acting_user=request.user, data=payload.definition, note=payload.note)
    )


# ---- applications ----------------------------------------------------------------------------


@router.get(
    "/applications", response=list[ApplicationOut], openapi_extra=api_scope(Application), summary="申报列表"
)
@paginate(BoundedPagination, page_size=20)
def application_list(
    request: HttpRequest,
    filters: Query[filter_query(ApplicationFilterForm)],  # type: ignore[valid-type]
    call_id: int | None = None,
):
    values = ApplicationFilterForm.strict(filter_data(filters))
    if call_id is not None and not 0 < call_id < 2**63:
        return Application.objects.none()
    return selectors.application_list(
        user=request.user, call_id=call_id, q=values["q"], status=values["status"]
    )


@router.get(
    "/{int:call_id}/decision.pdf",
    openapi_extra=pdf_openapi(api_scope(Call)),
    summary="决定通知（PDF）",
    description="作出决定后的结果通知；未决定或无权查看时返回 404。",
)
def decision_pdf(request: HttpRequest, call_id: int) -> HttpResponse:
    data, name, fallback = found_or_404(services.decision_file(_call(request, call_id)))
    return pdf_response(data, name, fallback=fallback)


@router.get(
    "/applications/{int:application_id}/letter.pdf",
    openapi_extra=pdf_openapi(api_scope(Application)),
    summary="立项/认定通知书（PDF）",
    description="已立项/已认定的申报给申报单位的通知书；其他状态或无权查看时返回 404。",
)
def application_letter(request: HttpRequest, application_id: int) -> HttpResponse:
    data, name, fallback = found_or_404(services.letter_file(_application(request, application_id)))
    return pdf_response(data, name, fallback=fallback)


@router.get(
    "/applications/{int:application_id}",
    response=ApplicationOut,
    openapi_extra=api_scope(Application),
    summary="申报详情",
)
def application_detail(request: HttpRequest, application_id: int) -> Application:
    return _application(request, application_id)


@router.post(
    "/applications",
    response={201: ApplicationOut},
    openapi_extra=api_scope(Application),
    summary="填写申报（草稿）",
)
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status:
    application = services.application_create(
        acting_user=request.user,
        call_id=payload.call_id,
        title=payload.title,
        values=payload.values,
        partners=_partners(payload.partners) or [],
        applicant_id=payload.applicant_id,
        lead_id=payload.lead_id,
    )
    return Status(201, application)


@router.patch(
    "/applications/{int:application_id}",
    response=ApplicationOut,
    openapi_extra=api_scope(Application),
    summary="修改申报（草稿或退回修改）",
)
def application_update(request: HttpRequest, application_id: int, payload: ApplicationPatch) -> Application:
    return services.application_update(
        acting_user=request.user,
        application_id=_application(request, application_id).pk,
        version=expected_version(request, payload.version),
        title=payload.title,
        values=payload.values,
        partners=_partners(payload.partners),
        lead_id=payload.lead_id,
    )


@router.post(
    "/applications/{int:application_id}/submit",
    response=ApplicationOut,
    openapi_extra=api_scope(Application),
    summary="提交申报",
)
def application_submit(request: HttpRequest, application_id: int, payload: VersionIn) -> Application:
    return services.application_submit(
        acting_user=request.user,
        application_id=_application(request, application_id).pk,
        version=expected_version(request, payload.version),
    )


@router.post(
    "/applications/{int:application_id}/steps",
    response=ApplicationOut,
    openapi_extra=api_scope(Application),
    summary="推荐、退回、形式审查、撤回",
)
def application_step(request: HttpRequest, application_id: int, payload: StepIn) -> Application:
    return services.application_step(
        acting_user=request.user,
        application_id=_application(request, application_id).pk,
        action=payload.action,
        note=payload.note,
        version=expected_version(request, payload.version),
    )


@router.post(
    "/applications/{int:application_id}/attachments",
    response={201: AttachmentOut},
    openapi_extra=api_scope(Application),
    summary="上传申报材料",
)
def application_attach(
    request: HttpRequest,
    application_id: int,
    spec: str = "",
    file: UploadedFile = File(None),  # noqa: B008 - ninja's way to declare an optional upload
) -> Status:
    # Whose application it is comes first: outside the scope the answer is 404 whatever was sent.
    application = _application(request, application_id)
    if file is None:
        raise ValidationError({"file": "请选择要上传的文件"})
    if (file.size or 0) > MAX_UPLOAD:
        raise ValidationError({"file": "文件超过 200 MB"})
    attachment = services.application_attach(
        acting_user=request.user,
        application_id=application.pk,
        spec=spec[:40],
        name=file.name or "",
        data=file.read(),
    )
    return Status(201, attachment)


# ---- register --------------------------------------------------------------------------------


@router.get("/carriers", response=list[CarrierOut], openapi_extra=API_PUBLIC, summary="科创载体名录")
@paginate(BoundedPagination, page_size=20)
def carrier_list(request: HttpRequest, filters: Query[filter_query(CarrierFilterForm)]):  # type: ignore[valid-type]
    values = CarrierFilterForm.strict(filter_data(filters))
    return selectors.carrier_list(
        user=request.user,
        q=values["q"],
        kind=values["kind"],
        east_west_north=bool(values["east_west_north"]),
    )
