"""One error format for the whole API: {"detail": 中文说明, "code": ..., "errors": [{field, message}]}."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from baiqianwan.core.concurrency import ConflictError
from baiqianwan.core.middleware import RETRY_AFTER_SECONDS, database_unavailable_page

logger = logging.getLogger(__name__)

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


# Messages django-ninja raises itself, in the platform's language.
FRAMEWORK_MESSAGES = {
    "Cannot parse request body": "请求正文不是有效的 JSON",
    "CSRF check Failed": "缺少或无效的 CSRF 令牌，请刷新页面后重试",
    "Method not allowed": "不支持该请求方法",
}
STATUS_CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    429: "rate_limited",
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

    @api.exception_handler(ConflictError)
    def conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        # Someone else changed the record since the client read it: read it again, then retry.
        return api.create_response(
            request, {"detail": "；".join(exc.messages), "code": "conflict", "errors": []}, status=409
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
            NOT_FOUND,
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
        message = str(exc)
        for english, chinese in FRAMEWORK_MESSAGES.items():
            if message.startswith(english):
                message = chinese
        code = STATUS_CODES.get(exc.status_code, "error")
        return api.create_response(
            request, {"detail": message, "code": code, "errors": []}, status=exc.status_code
        )

    @api.exception_handler(OverflowError)
    def too_large(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        return api.create_response(request, _out_of_range(), status=422)

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        return api.create_response(request, _out_of_range(), status=422)

    @api.exception_handler(OperationalError)
    def database_unavailable(request: HttpRequest, exc: OperationalError) -> HttpResponse:
        return _database_unavailable(request, exc)

    @api.exception_handler(InterfaceError)
    def database_gone(request: HttpRequest, exc: InterfaceError) -> HttpResponse:
        return _database_unavailable(request, exc)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("接口 %s %s 出错", request.method, request.path, exc_info=exc)
        return api.create_response(request, SERVER_ERROR, status=500)


SERVER_ERROR = {"detail": "服务器内部错误，已记录，请稍后重试", "code": "server_error", "errors": []}
NOT_FOUND = {"detail": "找不到该记录，或它不在您的管辖范围内", "code": "not_found", "errors": []}


def _out_of_range() -> dict[str, Any]:
    return {
        "detail": "数值超出允许范围",
        "code": "invalid",
        "errors": [{"field": "请求", "message": "数值超出允许范围"}],
    }


def _database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.warning("数据库暂不可用：%s %s：%s", request.method, request.path, exc)
    response = JsonResponse(
        {"detail": "数据库暂时不可用，请稍后重试", "code": "unavailable", "errors": []},
        status=503,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(settings.API_PREFIX)


def api_error_response(status: int) -> JsonResponse:
    """The JSON body for errors Django raises before or outside a ninja handler (unknown path,
    CSRF failure, a crash in middleware), so /api/ never answers with an HTML page."""
    body = {
        400: {"detail": "请求无效", "code": "invalid", "errors": []},
        403: {"detail": "没有权限，或缺少 CSRF 令牌", "code": "forbidden", "errors": []},
        404: {"detail": "接口不存在，或记录不在您的管辖范围内", "code": "not_found", "errors": []},
    }.get(status, SERVER_ERROR)
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _page_or_json(
    request: HttpRequest, status: int, template: str, context: dict[str, Any] | None = None
) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(status)
    from django.shortcuts import render

    return render(request, template, context, status=status)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(400)
    return HttpResponse("请求无效", status=400, content_type="text/plain; charset=utf-8")


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The page says why when the refusal does (the template falls back to a general message).
    return _page_or_json(request, 403, "403.html", {"exception": str(exception or "")})


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page_or_json(request, 404, "404.html")


def handler500(request: HttpRequest) -> HttpResponse:
    # Called while the exception is being handled. A lost database raised in a middleware (the
    # session and the user are read before any view) is a 503 to retry, as it is in a view.
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        if is_api_request(request):
            return _database_unavailable(request, exception)
        return database_unavailable_page(request, exception)
    if is_api_request(request):
        return api_error_response(500)
    from django.template import loader

    # No request context: the failure may have come from a context processor.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_api_request(request):
        return api_error_response(403)
    from django.views.csrf import csrf_failure as page

    return page(request, reason=reason)
