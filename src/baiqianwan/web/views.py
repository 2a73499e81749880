"""Pages shared across apps: the dashboard, jobs and the audit log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from baiqianwan.accounts.roles import Role
from baiqianwan.accounts.selectors import locked_usernames, user_list
from baiqianwan.commissioners.teams.selectors import teams_for_demand
from baiqianwan.core import selectors as core_selectors
from baiqianwan.core.audit import audit_read_record
from baiqianwan.core.audit_chain import chain_verify_record
from baiqianwan.core.exports import xlsx_response
from baiqianwan.core.forms import AuditEventFilterForm, RecordChangeFilterForm
from baiqianwan.core.imports import IMPORT_KINDS, import_job_start
from baiqianwan.core.jobs import job_cancel as job_cancel_request
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.notifications import mail_failed, mail_pending, mark_read, notifications_for
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.core.spreadsheets import write_workbook
from baiqianwan.demands.rules import can_post
from baiqianwan.demands.selectors import (
    OPEN_STATUSES,
    connections_for_target,
    demand_get,
    demand_list,
    demand_status_counts,
    demand_tasks,
    own_demand_summary,
)
from baiqianwan.orgs.selectors import organisation_counts_by_city
from baiqianwan.regions import selectors as region_selectors
from baiqianwan.web.guide import INDEX, guide_names, guide_page

OPEN_DEMAND_STATUSES = [str(s) for s in OPEN_STATUSES]
# Roles without an area to oversee get their own demands and tasks instead of the area dashboard.
PERSONAL_HOME_ROLES = frozenset({Role.VILLAGE, Role.ORG, Role.EXPERT})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if getattr(user, "is_administrator", False):
        return _administrator_home(request)
    if getattr(user, "role", "") in PERSONAL_HOME_ROLES:
        return _personal_home(request)
    stats = region_selectors.division_stats()
    cities = region_selectors.city_summaries()
    per_city = organisation_counts_by_city(user=user)
    for city in cities:
        city["organisations"] = per_city.get(city["code"][:4], 0)
    home_unit = user.division if user.division_id else None  # type: ignore[union-attr]
    demand_counts = demand_status_counts(user=user)
    profile = getattr(user, "expert_profile", None)
    context = {
        "stats": stats,
        "cities": cities,
        "organisation_count": sum(per_city.values()),
        "user_count": user_list(user=user).count() if user.is_manager else None,  # type: ignore[union-attr]
        "home_unit": home_unit,
        "home_ancestors": region_selectors.division_ancestors(division=home_unit) if home_unit else [],
        "home_children": region_selectors.division_children(code=home_unit.code).count() if home_unit else 0,
        "demand_counts": demand_counts,
        "demands_open": sum(demand_counts.get(s, 0) for s in OPEN_DEMAND_STATUSES),
        "can_post": can_post(user),
        "expert_profile": profile,
    }
    return render(request, "web/home.html", context)


def _personal_home(request: HttpRequest) -> HttpResponse:
    """A village, an organisation or an expert: their own demands and what waits for them first;
    province-wide counts mean nothing to them."""
    user = request.user
    context = {
        "tasks": demand_tasks(user=user),
        "my_demands": list(demand_list(user=user, mine=True)[:5]),
        "summary": own_demand_summary(user=user),
        "proposals": list(connections_for_target(user=user)[:5]),
        "can_post": can_post(user),
        "expert_profile": getattr(user, "expert_profile", None),
        "home_unit": user.division if user.division_id else None,  # type: ignore[union-attr]
    }
    return render(request, "web/home_personal.html", context)


def _administrator_home(request: HttpRequest) -> HttpResponse:
    """The system, security or audit administrator: their duty, and nothing of the programme's data."""
    user = request.user
    context: dict[str, Any] = {}
    if user.sees_user_list:  # type: ignore[union-attr]
        context["user_count"] = user_list(user=user).filter(is_active=True).count()
    if user.manages_security:  # type: ignore[union-attr]
        context["locked_count"] = len(locked_usernames())
    if user.reads_audit_log:  # type: ignore[union-attr]
        context["chain"] = core_selectors.audit_chain_state()
    return render(request, "web/home_admin.html", context)


def _mail_channel_state() -> str:
    if not settings.NOTIFY_BY_EMAIL:
        return str(_("未配置，通知只在站内显示"))
    state = _("%(host)s:%(port)s，待发 %(pending)s 条，近 3 天放弃 %(failed)s 条") % {
        "host": settings.EMAIL_HOST,
        "port": settings.EMAIL_PORT,
        "pending": mail_pending().count(),
        "failed": mail_failed().count(),
    }
    return str(state)


@login_required
def system_settings(request: HttpRequest) -> HttpResponse:
    """The system administrator's read-only view of how this deployment is configured (the values
    come from the environment, deploy/env.example; secrets are never shown)."""
    if not request.user.manages_all_users:  # type: ignore[union-attr]
        raise PermissionDenied(_("只有系统管理员可以查看系统配置"))
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    rows = [
        (_("运行方式"), "BQW_PROFILE", settings.PROFILE),
        (
            _("数据库"),
            "DATABASE_URL",
            {"sqlite3": "SQLite", "postgresql": "PostgreSQL"}.get(database, database),
        ),
        (
            _("后台任务"),
            "CELERY_BROKER_URL",
            _("Celery 工作节点") if settings.CELERY_BROKER_URL else _("网页进程内执行"),
        ),
        (
            _("共享缓存"),
            "BQW_CACHE_URL",
            _("Redis") if "redis" in str(getattr(settings, "CACHES", "")).lower() else _("各进程内存"),
        ),
        (
            _("会话空闲超时"),
            "SESSION_IDLE_TIMEOUT_SECONDS",
            _("%(n)s 分钟") % {"n": settings.SESSION_IDLE_TIMEOUT_SECONDS // 60},
        ),
        (
            _("密码有效期"),
            "BQW_PASSWORD_EXPIRY_DAYS",
            _("%(n)s 天") % {"n": settings.PASSWORD_EXPIRY_DAYS}
            if settings.PASSWORD_EXPIRY_DAYS
            else _("不过期"),
        ),
        (_("强制两步验证"), "BQW_REQUIRE_2FA", _("是") if settings.REQUIRE_2FA else _("否")),
        (_("邮件通知"), "BQW_EMAIL_HOST", _mail_channel_state()),
        (_("审计日志保留"), "AUDIT_RETENTION_DAYS", _("%(n)s 天") % {"n": settings.AUDIT_RETENTION_DAYS}),
        (_("上传文件上限"), "UPLOAD_MAX_BYTES", f"{settings.UPLOAD_MAX_BYTES // 1048576} MB"),
        (_("允许的域名"), "ALLOWED_HOSTS", ", ".join(settings.ALLOWED_HOSTS)),
        (
            _("调试模式"),
            "DEBUG",
            _("开启（生产环境必须关闭）") if settings.DEBUG else pgettext_lazy("switch", "关闭"),
        ),
    ]
    return render(request, "web/system_settings.html", {"rows": rows})


@login_required
def demand_teams(request: HttpRequest, demand_id: int) -> HttpResponse:
    """The demand page's panel of commissioner teams (commissioners sit above demands and matching,
    so the page that combines them is served from here)."""
    demand = demand_get(user=request.user, pk=demand_id)
    if demand is None:
        raise Http404(_("找不到该需求，或它不在您的管辖范围内"))
    suggestions = teams_for_demand(user=request.user, demand=demand)
    return render(request, "web/_demand_teams.html", {"demand": demand, "suggestions": suggestions})


@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    page = Paginator(core_selectors.job_list(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "web/jobs.html", {"page": page})


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = core_selectors.job_get(user=request.user, pk=job_id)
    if job is None:
        raise Http404(_("找不到该任务"))
    template = "web/_job_status.html" if request.headers.get("HX-Request") else "web/job_detail.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = core_selectors.job_get(user=request.user, pk=job_id)
    if job is None:
        raise Http404(_("找不到该任务"))
    try:
        job = job_cancel_request(job=job, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    template = "web/_job_status.html" if request.headers.get("HX-Request") else "web/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    """The audit log and its chain. Reading it is itself audited (who read which part, with which
    filters), so the audit administrator's own work leaves a trace."""
    if not request.user.reads_audit_log:  # type: ignore[union-attr]
        raise PermissionDenied(_("只有审计管理员和省级管理员可以查看审计日志"))
    if request.method == "POST":
        result = chain_verify_record(by=request.user.get_username())
        audit_read_record(
            request=request,
            what="校验审计链",
            outcome=f"完整，共 {result.checked} 环" if result.intact else f"断开：{result.problem}",
        )
        if result.intact:
            messages.success(request, _("审计链完整：共 %(count)s 环") % {"count": result.checked})
        else:
            messages.error(request, _("审计链断开：%(problem)s") % {"problem": result.problem})
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    tab = request.GET.get("tab", "events")
    rows: Any
    if tab == "changes":
        values = RecordChangeFilterForm(request.GET or None).values()
        rows = core_selectors.record_change_list(user=request.user, **values)
    else:
        values = AuditEventFilterForm(request.GET or None).values()
        rows = core_selectors.audit_event_list(user=request.user, **values)
    page = BoundedPaginator(rows, 50).get_page(request.GET.get("page"))
    audit_read_record(
        request=request,
        what="数据变更记录" if tab == "changes" else "安全事件",
        filters={k: v for k, v in request.GET.items() if k != "tab" and v},
        page=page.number,
    )
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "tab": tab,
            "kinds": AuditEvent.Kind.choices,
            "filters": request.GET,
            "retention_days": settings.AUDIT_RETENTION_DAYS,
            "chain": core_selectors.audit_chain_state(),
        },
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("请使用本页下载的模板（.xlsx）。任何一格有错，整个文件都不会导入。"),
    )


@login_required
def import_page(request: HttpRequest, kind: str) -> HttpResponse:
    """Every registered Excel import: template download, upload, then the job page with results."""
    spec = IMPORT_KINDS.get(kind)
    if spec is None:
        raise Http404(_("没有这种导入"))
    if not spec.allowed(request.user):
        raise PermissionDenied(_("您没有导入%(kind)s的权限") % {"kind": spec.label})
    if request.GET.get("template"):
        return xlsx_response(
            write_workbook(spec.schema, [], template=True),
            gettext("{label}导入模板").format(label=spec.label),
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            form.add_error(
                "file", _("文件超过 %(size)s MB 上限") % {"size": settings.UPLOAD_MAX_BYTES // 1048576}
            )
        else:
            job = import_job_start(
                acting_user=request.user, kind=kind, filename=upload.name, data=upload.read()
            )
            return redirect("job_detail", job.pk)
    return render(request, "web/import.html", {"form": form, "spec": spec, "kind": kind})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications; opening the page marks them read."""
    page = Paginator(notifications_for(user=request.user), 30).get_page(request.GET.get("page"))
    unread_ids = {n.pk for n in page if n.read_at is None}
    mark_read(user=request.user)
    return render(request, "web/notifications.html", {"page": page, "unread_ids": unread_ids})


@login_required
def help_page(request: HttpRequest, name: str = INDEX) -> HttpResponse:
    """The user guide, page by page; every page lists the others."""
    page = guide_page(name)
    if page is None:
        raise Http404(_("没有这一篇帮助"))
    pages = [(n, guide_page(n)) for n in guide_names()]
    return render(request, "web/help.html", {"page": page, "pages": pages})
