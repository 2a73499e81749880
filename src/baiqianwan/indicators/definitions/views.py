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

from . import selectors, services
from .forms import DatasetSettingsForm, DefinitionUploadForm
from .models import LEVEL_NAMES
from .rules import can_maintain


def _province(request: HttpRequest) -> None:
    if not can_maintain(request.user):
        raise PermissionDenied(gettext("指标体系和报表设置由省科技厅维护"))


def _form_messages(request: HttpRequest, form: DefinitionUploadForm | DatasetSettingsForm) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    _province(request)
    if request.method == "POST":
        form = DefinitionUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            _form_messages(request, form)
            return redirect("indicators:definitions")
        try:
            version = services.system_import_file(
                data=form.cleaned_data["file"].read(), acting_user=request.user
            )
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
    return render(
        request,
        "indicators/definitions.html",
        {
            "versions": selectors.version_list(),
            "datasets": [(d, selectors.levels_above(d.level)) for d in selectors.dataset_settings_list()],
            "level_names": LEVEL_NAMES,
        },
    )


@login_required
def definition_download(request: HttpRequest, pk: int) -> HttpResponse:
    _province(request)
    version = selectors.version_get(pk)
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
    dataset = selectors.dataset_by_code(code)
    if dataset is None:
        raise Http404(gettext("找不到该报表"))
    form = DatasetSettingsForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("indicators:definitions")
    try:
        services.dataset_update(acting_user=request.user, dataset=dataset, **form.values())
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, gettext("已保存“{name}”的设置。").format(name=dataset.name))
    return redirect("indicators:definitions")
