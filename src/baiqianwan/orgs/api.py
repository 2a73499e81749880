from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.concurrency import expected_version
from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import OMITTED, filter_data, filter_query
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404
from baiqianwan.regions.selectors import division_get

from . import selectors, services
from .forms import OrganisationFilterForm, PersonFilterForm
from .models import Organisation, OrganisationKind, Person

router = Router(tags=["单位与人员"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    uscc: str
    division_code: str = Field(alias="division_id")
    division_name: str = Field(alias="division.full_name")
    address: str
    contact_name: str
    contact_phone: str
    is_active: bool
    version: int = Field(
        description="版本号：修改时原样带回（version 字段或 If-Match 请求头），防止覆盖他人修改"
    )


class OrganisationIn(Schema):
    name: str = Field(min_length=2, max_length=120)
    kind: OrganisationKind
    uscc: str = Field(max_length=30)
    division_code: str = Field(min_length=12, max_length=12)
    address: str = Field("", max_length=200)
    contact_name: str = Field("", max_length=40)
    contact_phone: str = Field("", max_length=20)


class OrganisationPatch(Schema):
    name: str = Field(OMITTED, min_length=2, max_length=120)
    kind: OrganisationKind = OMITTED
    division_code: str = Field(OMITTED, min_length=12, max_length=12)
    address: str = Field(OMITTED, max_length=200)
    contact_name: str = Field(OMITTED, max_length=40)
    contact_phone: str = Field(OMITTED, max_length=20)
    version: int | None = Field(
        None, ge=0, description="读取时的版本号（也可用 If-Match 请求头）；记录已被他人修改时返回 409"
    )


class PersonOut(Schema):
    """身份证号、手机号码 are masked for roles that do not need them."""

    id: int
    name: str
    gender: str
    id_number: str
    mobile: str
    email: str
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    title: str
    position: str
    fields: str

    @staticmethod
    def resolve_id_number(obj: Person, context: dict[str, Any]) -> str:
        return obj.id_number if _full(context) else obj.id_number_masked

    @staticmethod
    def resolve_mobile(obj: Person, context: dict[str, Any]) -> str:
        return obj.mobile if _full(context) else obj.mobile_masked


def _full(context: dict[str, Any] | None) -> bool:
    request = (context or {}).get("request")
    return bool(request is not None and getattr(request.user, "sees_personal_data", False))


class PersonIn(Schema):
    name: str = Field(min_length=2, max_length=40)
    gender: Person.Gender | None = None
    id_number: str = Field(max_length=30)
    mobile: str = Field(max_length=20)
    email: str = Field("", max_length=254)
    organisation_id: int
    title: str = Field("", max_length=40)
    position: str = Field("", max_length=40)
    fields: str = Field("", max_length=200)


def _division_values(values: dict[str, Any]) -> dict[str, Any]:
    if "division_code" in values:
        code = values.pop("division_code")
        division = division_get(code=code)
        if division is None:
            from django.core.exceptions import ValidationError

            raise ValidationError({"division_code": f"区划代码 {code} 不存在"})
        values["division"] = division
    return values


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    openapi_extra=api_scope(Organisation),
    summary="单位列表",
)
@paginate(BoundedPagination, page_size=20)
def organisation_list(request: HttpRequest, filters: Query[filter_query(OrganisationFilterForm)]):  # type: ignore[valid-type]
    values = OrganisationFilterForm.strict(filter_data(filters))
    return selectors.organisation_list(
        user=request.user, q=values["q"], kind=values["kind"], within=values["within"]
    )


@router.post(
    "/organisations",
    response={201: OrganisationOut},
    openapi_extra=api_scope(Organisation),
    summary="登记单位",
)
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Status:
    values = _division_values(payload.dict())
    return Status(201, services.organisation_create(acting_user=request.user, **values))


@router.get(
    "/organisations/{organisation_id}",
    response=OrganisationOut,
    openapi_extra=api_scope(Organisation),
    summary="单位详情",
)
def organisation_detail(request: HttpRequest, organisation_id: int) -> Organisation:
    return found_or_404(selectors.organisation_get(user=request.user, pk=organisation_id))


@router.patch(
    "/organisations/{organisation_id}",
    response=OrganisationOut,
    openapi_extra=api_scope(Organisation),
    summary="修改单位",
    description="带上读取时的 version（或 If-Match 请求头）：其间已被他人修改时返回 409，不做任何修改。",
)
def organisation_update(
    request: HttpRequest, organisation_id: int, payload: OrganisationPatch
) -> Organisation:
    found_or_404(selectors.organisation_get(user=request.user, pk=organisation_id, action="change"))
    values = _division_values(payload.dict(exclude_unset=True))
    version = expected_version(request, values.pop("version", None))
    return services.organisation_update(
        acting_user=request.user, organisation_id=organisation_id, version=version, **values
    )


@router.get("/people", response=list[PersonOut], openapi_extra=api_scope(Person), summary="人员列表")
@paginate(BoundedPagination, page_size=20)
def person_list(request: HttpRequest, filters: Query[filter_query(PersonFilterForm)]):  # type: ignore[valid-type]
    return selectors.person_list(user=request.user, **PersonFilterForm.strict(filter_data(filters)))


@router.post("/people", response={201: PersonOut}, openapi_extra=api_scope(Person), summary="登记人员")
def person_create(request: HttpRequest, payload: PersonIn) -> Status:
    values = payload.dict()
    organisation = selectors.organisation_get(
        user=request.user, pk=values.pop("organisation_id"), action="change"
    )
    person = services.person_create(
        acting_user=request.user, organisation=organisation, **{**values, "gender": values["gender"] or ""}
    )
    return Status(201, person)


@router.get("/people/{person_id}", response=PersonOut, openapi_extra=api_scope(Person), summary="人员详情")
def person_detail(request: HttpRequest, person_id: int) -> Person:
    return found_or_404(selectors.person_get(user=request.user, pk=person_id))
