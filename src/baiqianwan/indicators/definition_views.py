"""指标体系与报表设置: definition versions (download, upload a new one) and each report's settings."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.pdf import content_disposition

from . import services
from .models import DataSet, SystemVersion


def _province(request: HttpRequest) -> None:
    if not request.user.is_province:  # type: ignore[union-attr]
        raise PermissionDenied(gettext("指标体系和报表设置由省科技厅维护"))


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    _province(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError(gettext("请选择指标体系定义文件（JSON）"))
            version = services.system_import_file(data=upload.read(), acting_user=request.user)
        except ValidationError as exc:
            for message in exc.messages[:30]:
                messages.error(request, message)
        else:
            digest = version.content_hash[:12]
            messages.success(
                request,
                gettext("已导入“{name}” {version}（摘要 {digest}），成为现行版本。").format(
                    name=version.name, version=version.version, digest=digest
                ),
            )
        return redirect("indicators:definitions")
    versions = SystemVersion.objects.select_related("loaded_by").order_by("code", "-created_at")
    datasets = DataSet.objects.order_by("system_code", "level")
    return render(
        request,
        "indicators/definitions.html",
        {
            "versions": versions,
            "datasets": [(d, services.levels_above(d.level)) for d in datasets],
            "level_names": services.LEVEL_NAMES,
        },
    )


@login_required
def definition_download(request: HttpRequest, pk: int) -> HttpResponse:
    _province(request)
    version = SystemVersion.objects.filter(pk=pk).first()
    if version is None:
        raise Http404(gettext("找不到该版本"))
    response = HttpResponse(
        json.dumps(version.definition, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    name = f"{version.code}-{version.version}-{version.content_hash[:8]}.json"
    response["Content-Disposition"] = content_disposition(name, fallback=name)
    return response


@login_required
@require_POST
def dataset_settings(request: HttpRequest, code: str) -> HttpResponse:
    _province(request)
    dataset = DataSet.objects.filter(code=code).first()
    if dataset is None:
        raise Http404(gettext("找不到该报表"))
    try:
        services.dataset_update(
            acting_user=request.user,
            dataset=dataset,
            due_days=int(request.POST.get("due_days") or -1),
            lock_days=int(request.POST.get("lock_days") or -1),
            approval_chain=request.POST.getlist("approval_chain"),
            active=request.POST.get("active") == "1",
        )
    except (ValueError, ValidationError) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [gettext("请填写整数天数")])))
    else:
        messages.success(request, gettext("已保存“{name}”的设置。").format(name=dataset.name))
    return redirect("indicators:definitions")
