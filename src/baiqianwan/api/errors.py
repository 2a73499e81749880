"""One error format for the whole API: {"detail": 中文说明, "code": ..., "errors": [{field, message}]}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

PYDANTIC_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为是或否",
    "string_type": "应为文本",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
    "greater_than": "过小",
    "less_than": "过大",
    "literal_error": "不在可选值中",
    "enum": "不在可选值中",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "格式不正确",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "date_parsing": "应为日期（如 2025-01-31）",
    "date_from_datetime_parsing": "应为日期（如 2025-01-31）",
}


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "请求"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(SchemaValidationError)
    def schema_invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        errors = []
        for item in exc.errors:
            field = _field_name(list(item.get("loc", [])))
            message = PYDANTIC_MESSAGES.get(str(item.get("type")), "格式不正确")
            errors.append({"field": field, "message": f"{message}"})
        detail = "；".join(f"字段“{e['field']}”{e['message']}" for e in errors[:5])
        return api.create_response(
            request, {"detail": detail, "code": "invalid", "errors": errors}, status=422
        )

    @api.exception_handler(ValidationError)
    def model_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [{"field": f, "message": m} for f, ms in exc.message_dict.items() for m in ms]
        else:
            errors = [{"field": "", "message": m} for m in exc.messages]
        detail = "；".join(
            (f"{e['field']}：" if e["field"] and e["field"] != "__all__" else "") + e["message"]
            for e in errors
        )
        return api.create_response(
            request, {"detail": detail, "code": "invalid", "errors": errors}, status=422
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, {"detail": str(exc) or "没有权限", "code": "forbidden", "errors": []}, status=403
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": "找不到该记录，或它不在您的管辖范围内", "code": "not_found", "errors": []},
            status=404,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": "请先登录或提供有效的 API 令牌", "code": "unauthenticated", "errors": []},
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(
            request, {"detail": str(exc), "code": "error", "errors": []}, status=exc.status_code
        )
