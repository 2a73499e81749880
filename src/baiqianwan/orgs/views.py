from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.forms import add_service_errors
from baiqianwan.core.pagination import BoundedPaginator

from . import selectors, services
from .forms import OrganisationFilterForm, OrganisationForm, PersonFilterForm, PersonForm
from .importing import ORGANISATION_SCHEMA, PERSON_SCHEMA, organisation_rows, person_rows


def _require_directory_access(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_manager or user.organisation_id):  # type: ignore[union-attr]
        raise PermissionDenied(_("您没有查看单位名录的权限"))


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    _require_directory_access(request)
    filters = OrganisationFilterForm(request.GET or None)
    values = filters.values()
    organisations = selectors.organisation_list(
        user=request.user, q=values.get("q", ""), kind=values.get("kind", ""), within=values.get("within", "")
    )
    if request.GET.get("export") == "xlsx":
        return spreadsheet_export(
            request,
            schema=ORGANISATION_SCHEMA,
            rows=organisation_rows(organisations[:EXPORT_LIMIT]),
            name=gettext("单位名录"),
            count=organisations.count(),
        )
    page = BoundedPaginator(organisations, 20).get_page(request.GET.get("page"))
    return render(
        request, "orgs/organisation_list.html", {"page": page, "filters": filters, "q": values.get("q", "")}
    )


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    _require_directory_access(request)
    organisation = selectors.organisation_get(user=request.user, pk=organisation_id)
    if organisation is None:
        raise Http404(_("找不到该单位，或它不在您的管辖范围内"))
    people = selectors.person_list(user=request.user, organisation_id=organisation.pk)
    return render(request, "orgs/organisation_detail.html", {"organisation": organisation, "people": people})


@login_required
def organisation_edit(request: HttpRequest, organisation_id: int | None = None) -> HttpResponse:
    instance = None
    if organisation_id is not None:
        instance = selectors.organisation_get(user=request.user, pk=organisation_id, action="change")
        if instance is None:
            raise Http404(_("找不到该单位，或它不在您的管辖范围内"))
    elif not request.user.is_manager:  # type: ignore[union-attr]
        raise PermissionDenied(_("您没有登记单位的权限"))
    form = OrganisationForm(request.POST or None, instance=instance, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            if instance is None:
                organisation = services.organisation_create(acting_user=request.user, **values)
            else:
                organisation = services.organisation_update(
                    acting_user=request.user,
                    organisation_id=instance.pk,
                    version=form.cleaned_data["version"],
                    **values,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存单位“%(name)s”。") % {"name": organisation.name})
            return redirect("orgs:organisation_detail", organisation.pk)
    return render(request, "orgs/organisation_form.html", {"form": form, "instance": instance})


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    _require_directory_access(request)
    filters = PersonFilterForm(request.GET or None)
    values = filters.values()
    people = selectors.person_list(user=request.user, **values)
    if request.GET.get("export") == "xlsx":
        full = request.user.sees_personal_data  # type: ignore[union-attr]
        return spreadsheet_export(
            request,
            schema=PERSON_SCHEMA,
            rows=person_rows(people[:EXPORT_LIMIT], full=full),
            name=gettext("人员名录"),
            count=people.count(),
            note=gettext("含完整个人信息") if full else gettext("个人信息已脱敏"),
        )
    page = BoundedPaginator(people, 20).get_page(request.GET.get("page"))
    return render(
        request, "orgs/person_list.html", {"page": page, "filters": filters, "q": values.get("q", "")}
    )


@login_required
def person_edit(request: HttpRequest, person_id: int | None = None) -> HttpResponse:
    instance = None
    if person_id is not None:
        instance = selectors.person_get(user=request.user, pk=person_id, action="change")
        if instance is None:
            raise Http404(_("找不到该人员，或其不在您的管辖范围内"))
    initial = {"organisation": request.GET.get("organisation")} if instance is None else None
    form = PersonForm(request.POST or None, instance=instance, initial=initial, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            if instance is None:
                person = services.person_create(acting_user=request.user, **values)
            else:
                person = services.person_update(acting_user=request.user, person_id=instance.pk, **values)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存人员“%(name)s”。") % {"name": person.name})
            return redirect("orgs:organisation_detail", person.organisation_id)
    return render(request, "orgs/person_form.html", {"form": form, "instance": instance})
