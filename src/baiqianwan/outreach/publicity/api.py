"""典型案例, 通报表扬 and policies over the API: cases (list, write, read, edit, submit, review,
withdraw, photos), commendations (list, write, entries, fill from records, publish) and policies
(list, write, publish). Handlers are thin; services check who may do what. The portal's public
reads are under /api/v1/public."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.concurrency import expected_version
from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import OMITTED, filter_data, filter_query
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404

from ..models import Commendation, CommendationEntry, PolicyDocument, ShowcaseCase
from . import photos, selectors, services
from .forms import CaseFilterForm, PolicyFilterForm

router = Router(tags=["典型案例、通报表扬和政策"])
ID = Field(None, ge=1, le=2**63 - 1)
VERSION = Field(None, ge=0, le=2**31)
IDS = Field(OMITTED, max_length=20, description="平台登记的人员编号（科技特派员、专家），最多 20 人")


class PhotoOut(Schema):
    id: int
    caption: str
    width: int
    height: int
    kind: str


class PersonRef(Schema):
    id: int
    name: str
    organisation: str = Field(alias="organisation.name")


class CaseOut(Schema):
    id: int
    title: str
    summary: str
    body: str
    results: str
    place_code: str = Field(alias="place_id")
    place_name: str = Field(alias="place.full_name")
    industry_code: str | None = Field(alias="industry_id")
    demand_id: int | None
    people: list[PersonRef]
    photos: list[PhotoOut]
    status: str
    status_label: str = Field(alias="get_status_display")
    review_note: str
    submitted_at: dt.datetime | None
    published_at: dt.datetime | None
    version: int


class CaseIn(Schema):
    place_code: str = Field(max_length=12, description="发生地的 12 位区划代码（地市、县、镇或村，本地区）")
    title: str = Field(max_length=80)
    summary: str = Field(max_length=300)
    body: str = Field(max_length=8000)
    results: str = Field("", max_length=2000)
    industry_code: str | None = Field(None, max_length=30)
    demand_id: int | None = ID
    person_ids: list[int] = Field([], max_length=20)


class CasePatch(Schema):
    place_code: str = Field(OMITTED, max_length=12)
    title: str = Field(OMITTED, max_length=80)
    summary: str = Field(OMITTED, max_length=300)
    body: str = Field(OMITTED, max_length=8000)
    results: str = Field(OMITTED, max_length=2000)
    industry_code: str | None = Field(OMITTED, max_length=30)
    demand_id: int | None = Field(OMITTED, ge=1, le=2**63 - 1)
    person_ids: list[int] = IDS
    version: int | None = VERSION


class VersionIn(Schema):
    version: int | None = VERSION


class ReviewIn(Schema):
    publish: bool
    note: str = Field("", max_length=500, description="退回时必填")
    version: int | None = VERSION


class WithdrawIn(Schema):
    note: str = Field(max_length=500)
    version: int | None = VERSION


class CommendationOut(Schema):
    id: int
    title: str
    document_number: str
    year: int
    intro: str
    is_published: bool
    published_on: dt.date | None
    version: int


class CommendationIn(Schema):
    title: str = Field(max_length=120)
    document_number: str = Field("", max_length=40)
    year: int = Field(ge=2000, le=2100)
    intro: str = Field("", max_length=3000)


class CommendationPatch(Schema):
    title: str = Field(OMITTED, max_length=120)
    document_number: str = Field(OMITTED, max_length=40)
    year: int = Field(OMITTED, ge=2000, le=2100)
    intro: str = Field(OMITTED, max_length=3000)
    version: int | None = VERSION


class EntryOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    name: str
    organisation: str
    place_code: str | None = Field(alias="place_id")
    reason: str
    source: str


class EntryIn(Schema):
    kind: str = Field(max_length=8, description="unit 先进集体 / person 先进个人")
    name: str = Field(max_length=80)
    organisation: str = Field("", max_length=120)
    place_code: str | None = Field(None, max_length=12)
    reason: str = Field(max_length=300)


class FillIn(Schema):
    source: str = Field(
        max_length=20, description="commissioners 年度考核优秀的科技特派员 / projects 通过验收项目的承担单位"
    )


class FillOut(Schema):
    added: int


class PublishIn(Schema):
    publish: bool
    version: int | None = VERSION


class PolicyOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    title: str
    issuer: str
    document_number: str
    issued_on: dt.date
    body: str
    interprets_id: int | None
    is_published: bool
    version: int


class PolicyIn(Schema):
    kind: str = Field(max_length=16, description="policy 政策文件 / interpretation 政策解读")
    title: str = Field(max_length=120)
    issuer: str = Field(max_length=60)
    document_number: str = Field("", max_length=40)
    issued_on: dt.date
    body: str = Field(max_length=60000)
    interprets_id: int | None = ID


class PolicyPatch(Schema):
    kind: str = Field(OMITTED, max_length=16)
    title: str = Field(OMITTED, max_length=120)
    issuer: str = Field(OMITTED, max_length=60)
    document_number: str = Field(OMITTED, max_length=40)
    issued_on: dt.date = Field(OMITTED)
    body: str = Field(OMITTED, max_length=60000)
    interprets_id: int | None = Field(OMITTED, ge=1, le=2**63 - 1)
    version: int | None = VERSION


# ---- 典型案例 -------------------------------------------------------------------------------------


def _case(request: HttpRequest, case_id: int) -> ShowcaseCase:
    return found_or_404(selectors.case_get(user=request.user, case_id=case_id))


@router.get("/cases", response=list[CaseOut], openapi_extra=api_scope(ShowcaseCase), summary="典型案例")
@paginate(BoundedPagination, page_size=50)
def case_list(request: HttpRequest, filters: Query[filter_query(CaseFilterForm)]):  # type: ignore[valid-type]
    values = CaseFilterForm.strict(filter_data(filters))
    return selectors.case_list(
        user=request.user,
        q=values["q"],
        region=values["region"],
        industry=values["industry"],
        status=values["status"],
    )


@router.post(
    "/cases",
    response={201: CaseOut},
    openapi_extra=api_scope(ShowcaseCase),
    summary="撰写典型案例（省、地市、县科技部门，本地区）",
)
def case_create(request: HttpRequest, payload: CaseIn) -> Status:
    case = services.case_create(acting_user=request.user, **payload.dict())
    return Status(201, _case(request, case.pk))


@router.get(
    "/cases/{int:case_id}", response=CaseOut, openapi_extra=api_scope(ShowcaseCase), summary="案例详情"
)
def case_detail(request: HttpRequest, case_id: int) -> ShowcaseCase:
    return _case(request, case_id)


@router.patch(
    "/cases/{int:case_id}", response=CaseOut, openapi_extra=api_scope(ShowcaseCase), summary="修改案例"
)
def case_update(request: HttpRequest, case_id: int, payload: CasePatch) -> ShowcaseCase:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    case = services.case_update(
        acting_user=request.user,
        case_id=_case(request, case_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _case(request, case.pk)


@router.post(
    "/cases/{int:case_id}/submit",
    response=CaseOut,
    openapi_extra=api_scope(ShowcaseCase),
    summary="报送省科技厅审核",
)
def case_submit(request: HttpRequest, case_id: int, payload: VersionIn) -> ShowcaseCase:
    case = services.case_submit(
        acting_user=request.user,
        case_id=_case(request, case_id).pk,
        version=expected_version(request, payload.version),
    )
    return _case(request, case.pk)


@router.post(
    "/cases/{int:case_id}/review",
    response=CaseOut,
    openapi_extra=api_scope(ShowcaseCase),
    summary="审核案例：发布或退回（省科技厅）",
)
def case_review(request: HttpRequest, case_id: int, payload: ReviewIn) -> ShowcaseCase:
    case = services.case_review(
        acting_user=request.user,
        case_id=_case(request, case_id).pk,
        publish=payload.publish,
        note=payload.note,
        version=expected_version(request, payload.version),
    )
    return _case(request, case.pk)


@router.post(
    "/cases/{int:case_id}/withdraw",
    response=CaseOut,
    openapi_extra=api_scope(ShowcaseCase),
    summary="撤下已发布的案例（省科技厅）",
)
def case_withdraw(request: HttpRequest, case_id: int, payload: WithdrawIn) -> ShowcaseCase:
    case = services.case_withdraw(
        acting_user=request.user,
        case_id=_case(request, case_id).pk,
        note=payload.note,
        version=expected_version(request, payload.version),
    )
    return _case(request, case.pk)


@router.post(
    "/cases/{int:case_id}/photos",
    response={201: PhotoOut},
    openapi_extra=api_scope(ShowcaseCase),
    summary="上传案例照片（JPG 或 PNG，按内容检查）",
)
def photo_add(
    request: HttpRequest,
    case_id: int,
    image: UploadedFile = File(None),  # noqa: B008 - ninja's way to declare an optional upload
    caption: str = Form(""),
) -> Status:
    case = _case(request, case_id)
    if image is None:
        raise ValidationError({"image": "请选择照片（JPG 或 PNG）"})
    photo = services.photo_add(
        acting_user=request.user,
        case_id=case.pk,
        name=str(image.name or "photo"),
        data=image.read(photos.MAX_BYTES + 1),
        caption=caption,
    )
    return Status(201, photo)


@router.delete(
    "/cases/{int:case_id}/photos/{int:photo_id}",
    response={204: None},
    openapi_extra=api_scope(ShowcaseCase),
    summary="删除案例照片",
)
def photo_remove(request: HttpRequest, case_id: int, photo_id: int) -> Status:
    case = _case(request, case_id)
    if not case.photos.filter(pk=photo_id).exists():
        raise ValidationError({"photo": "该案例没有这张照片"})
    services.photo_remove(acting_user=request.user, photo_id=photo_id)
    return Status(204, None)


# ---- 通报表扬 -------------------------------------------------------------------------------------


def _commendation(request: HttpRequest, commendation_id: int) -> Commendation:
    return found_or_404(selectors.commendation_get(user=request.user, commendation_id=commendation_id))


@router.get(
    "/commendations",
    response=list[CommendationOut],
    openapi_extra=api_scope(Commendation),
    summary="通报表扬",
)
@paginate(BoundedPagination, page_size=50)
def commendation_list(request: HttpRequest):
    return selectors.commendation_list(user=request.user)


@router.post(
    "/commendations",
    response={201: CommendationOut},
    openapi_extra=api_scope(Commendation),
    summary="新建通报表扬（省科技厅）",
)
def commendation_create(request: HttpRequest, payload: CommendationIn) -> Status:
    item = services.commendation_create(acting_user=request.user, **payload.dict())
    return Status(201, _commendation(request, item.pk))


@router.get(
    "/commendations/{int:commendation_id}",
    response=CommendationOut,
    openapi_extra=api_scope(Commendation),
    summary="通报详情",
)
def commendation_detail(request: HttpRequest, commendation_id: int) -> Commendation:
    return _commendation(request, commendation_id)


@router.patch(
    "/commendations/{int:commendation_id}",
    response=CommendationOut,
    openapi_extra=api_scope(Commendation),
    summary="修改通报（未发布）",
)
def commendation_update(
    request: HttpRequest, commendation_id: int, payload: CommendationPatch
) -> Commendation:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    item = services.commendation_update(
        acting_user=request.user,
        commendation_id=_commendation(request, commendation_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _commendation(request, item.pk)


@router.get(
    "/commendations/{int:commendation_id}/entries",
    response=list[EntryOut],
    openapi_extra=api_scope(Commendation),
    summary="表扬名单",
)
@paginate(BoundedPagination, page_size=100)
def entry_list(request: HttpRequest, commendation_id: int):
    return selectors.commendation_entries(_commendation(request, commendation_id))


@router.post(
    "/commendations/{int:commendation_id}/entries",
    response={201: EntryOut},
    openapi_extra=api_scope(Commendation),
    summary="加入名单（省科技厅，未发布）",
)
def entry_add(request: HttpRequest, commendation_id: int, payload: EntryIn) -> Status:
    entry: CommendationEntry = services.entry_add(
        acting_user=request.user, commendation_id=_commendation(request, commendation_id).pk, **payload.dict()
    )
    return Status(201, entry)


@router.delete(
    "/commendations/{int:commendation_id}/entries/{int:entry_id}",
    response={204: None},
    openapi_extra=api_scope(Commendation),
    summary="从名单删除（省科技厅，未发布）",
)
def entry_remove(request: HttpRequest, commendation_id: int, entry_id: int) -> Status:
    item = _commendation(request, commendation_id)
    if not item.entries.filter(pk=entry_id).exists():
        raise ValidationError({"entry": "名单中没有这一条"})
    services.entry_remove(acting_user=request.user, entry_id=entry_id)
    return Status(204, None)


@router.post(
    "/commendations/{int:commendation_id}/fill",
    response=FillOut,
    openapi_extra=api_scope(Commendation),
    summary="从平台记录生成名单（省科技厅）",
)
def commendation_fill(request: HttpRequest, commendation_id: int, payload: FillIn) -> dict[str, int]:
    added = services.commendation_fill(
        acting_user=request.user,
        commendation_id=_commendation(request, commendation_id).pk,
        source=payload.source,
    )
    return {"added": added}


@router.post(
    "/commendations/{int:commendation_id}/publish",
    response=CommendationOut,
    openapi_extra=api_scope(Commendation),
    summary="发布或撤回通报（省科技厅）",
)
def commendation_publish(request: HttpRequest, commendation_id: int, payload: PublishIn) -> Commendation:
    item = services.commendation_publish(
        acting_user=request.user,
        commendation_id=_commendation(request, commendation_id).pk,
        publish=payload.publish,
        version=expected_version(request, payload.version),
    )
    return _commendation(request, item.pk)


# ---- 政策与解读 -----------------------------------------------------------------------------------


def _policy(request: HttpRequest, policy_id: int) -> PolicyDocument:
    return found_or_404(selectors.policy_get(user=request.user, policy_id=policy_id))


@router.get(
    "/policies", response=list[PolicyOut], openapi_extra=api_scope(PolicyDocument), summary="政策与解读"
)
@paginate(BoundedPagination, page_size=50)
def policy_list(request: HttpRequest, filters: Query[filter_query(PolicyFilterForm)]):  # type: ignore[valid-type]
    values = PolicyFilterForm.strict(filter_data(filters))
    return selectors.policy_list(user=request.user, kind=values["kind"], q=values["q"])


@router.post(
    "/policies",
    response={201: PolicyOut},
    openapi_extra=api_scope(PolicyDocument),
    summary="登记政策文件或解读（省科技厅）",
)
def policy_create(request: HttpRequest, payload: PolicyIn) -> Status:
    item = services.policy_create(acting_user=request.user, **payload.dict())
    return Status(201, _policy(request, item.pk))


@router.get(
    "/policies/{int:policy_id}",
    response=PolicyOut,
    openapi_extra=api_scope(PolicyDocument),
    summary="文件详情",
)
def policy_detail(request: HttpRequest, policy_id: int) -> PolicyDocument:
    return _policy(request, policy_id)


@router.patch(
    "/policies/{int:policy_id}",
    response=PolicyOut,
    openapi_extra=api_scope(PolicyDocument),
    summary="修改文件",
)
def policy_update(request: HttpRequest, policy_id: int, payload: PolicyPatch) -> PolicyDocument:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    item = services.policy_update(
        acting_user=request.user,
        policy_id=_policy(request, policy_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _policy(request, item.pk)


@router.post(
    "/policies/{int:policy_id}/publish",
    response=PolicyOut,
    openapi_extra=api_scope(PolicyDocument),
    summary="发布或撤回文件（省科技厅）",
)
def policy_publish(request: HttpRequest, policy_id: int, payload: PublishIn) -> PolicyDocument:
    item = services.policy_publish(
        acting_user=request.user,
        policy_id=_policy(request, policy_id).pk,
        publish=payload.publish,
        version=expected_version(request, payload.version),
    )
    return _policy(request, item.pk)
