import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import filter_data, filter_query
from baiqianwan.core.scope import API_SELF, api_scope
from baiqianwan.core.selectors import found_or_404
from baiqianwan.regions.models import Division

from . import selectors, services
from .forms import UserFilterForm
from .models import User
from .roles import Role

router = Router(tags=["用户与权限"])


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str = Field(alias="get_role_display")
    division_code: str | None = Field(alias="division_id")
    organisation_id: int | None
    binding: str = Field(alias="binding_label")
    is_active: bool


class UserIn(Schema):
    username: str = Field(min_length=3, max_length=150, pattern=r"^[A-Za-z0-9_.@-]+$")
    display_name: str = Field(min_length=2, max_length=40)
    role: Role
    password: str = Field(min_length=8, max_length=128)
    phone: str = Field("", max_length=20)
    division_code: str | None = Field(None, min_length=12, max_length=12)
    organisation_id: int | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked: bool


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    days: int = Field(365, ge=1, le=730)


class TokenCreatedOut(TokenOut):
    token: str


class TwoFactorOut(Schema):
    enabled: bool = Field(description="已绑定身份验证器，登录须输入验证码")
    required: bool = Field(description="该账号的角色必须开启两步验证")
    enrolled_at: dt.datetime | None
    last_used_at: dt.datetime | None
    recovery_codes_left: int


class TwoFactorResetIn(Schema):
    reason: str = Field(
        min_length=1, max_length=200, description="重置原因，如：手机丢失，已电话核实本人身份"
    )


class TwoFactorResetOut(Schema):
    user_id: int
    username: str
    enabled: bool


@router.get("/me", response=UserOut, openapi_extra=API_SELF, summary="当前用户")
def me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@router.get("/me/2fa", response=TwoFactorOut, openapi_extra=API_SELF, summary="我的两步验证状态")
def me_two_factor(request: HttpRequest) -> dict:
    return selectors.otp_status(user=request.user)


@router.get("/users", response=list[UserOut], openapi_extra=api_scope(User), summary="用户列表")
@paginate(BoundedPagination, page_size=20)
def user_list(request: HttpRequest, filters: Query[filter_query(UserFilterForm)]):  # type: ignore[valid-type]
    return selectors.user_list(user=request.user, **UserFilterForm.strict(filter_data(filters)))


@router.get("/users/{user_id}", response=UserOut, openapi_extra=api_scope(User), summary="用户详情")
def user_detail(request: HttpRequest, user_id: int) -> User:
    return found_or_404(selectors.user_get(user=request.user, pk=user_id))


@router.post("/users", response={201: UserOut}, openapi_extra=api_scope(User), summary="创建用户")
def user_create(request: HttpRequest, payload: UserIn) -> Status:
    values = payload.dict()
    division = Division.objects.filter(code=values.pop("division_code") or "").first()
    organisation_id = values.pop("organisation_id")
    organisation = (
        selectors.bindable_organisations(user=request.user).filter(pk=organisation_id).first()
        if organisation_id
        else None
    )
    user = services.user_create(
        acting_user=request.user,  # type: ignore[arg-type]
        division=division,
        organisation=organisation,
        **values,
    )
    return Status(201, user)


@router.post(
    "/users/{user_id}/deactivate", response=UserOut, openapi_extra=api_scope(User), summary="停用用户"
)
def user_deactivate(request: HttpRequest, user_id: int) -> User:
    user = found_or_404(selectors.user_get(user=request.user, pk=user_id))
    return services.user_set_active(acting_user=request.user, user=user, active=False)  # type: ignore[arg-type]


@router.post("/users/{user_id}/activate", response=UserOut, openapi_extra=api_scope(User), summary="启用用户")
def user_activate(request: HttpRequest, user_id: int) -> User:
    user = found_or_404(selectors.user_get(user=request.user, pk=user_id))
    return services.user_set_active(acting_user=request.user, user=user, active=True)  # type: ignore[arg-type]


@router.get("/tokens", response=list[TokenOut], openapi_extra=API_SELF, summary="我的 API 令牌")
def token_list(request: HttpRequest):
    return selectors.api_token_list(user=request.user)


@router.post(
    "/tokens", response={201: TokenCreatedOut}, openapi_extra=API_SELF, summary="创建 API 令牌（仅显示一次）"
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    token, raw = services.api_token_create(acting_user=request.user, name=payload.name, days=payload.days)  # type: ignore[arg-type]
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/tokens/{token_id}", response={204: None}, openapi_extra=API_SELF, summary="吊销 API 令牌")
def token_revoke(request: HttpRequest, token_id: int) -> Status:
    services.api_token_revoke(acting_user=request.user, token_id=token_id)  # type: ignore[arg-type]
    return Status(204, None)


@router.post(
    "/users/{user_id}/2fa/reset",
    response=TwoFactorResetOut,
    openapi_extra=api_scope(User),
    summary="重置用户的两步验证（安全管理员；手机丢失时，须填写原因）",
)
def user_two_factor_reset(request: HttpRequest, user_id: int, payload: TwoFactorResetIn) -> dict:
    user = found_or_404(selectors.user_get(user=request.user, pk=user_id))
    services.otp_reset(acting_user=request.user, user=user, reason=payload.reason, request=request)  # type: ignore[arg-type]
    return {"user_id": user.pk, "username": user.username, "enabled": False}
