from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.files import private_file_response
from baiqianwan.core.forms import add_service_errors, attempt_step
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.core.pdf import pdf_response
from baiqianwan.core.selectors import found_or_404

from . import rules, selectors, services
from .exports import CARRIER_SCHEMA, carrier_rows
from .forms import (
    ApplicationFilterForm,
    ApplicationForm,
    AttachmentForm,
    CallFilterForm,
    CallForm,
    CallTypeUploadForm,
    CarrierFilterForm,
    DecisionForm,
    ObjectionAnswerForm,
    ObjectionForm,
    StepForm,
)
from .models import Application, Call, CallStatus
from .services import PartnerEntry


def _call(request: HttpRequest, call_id: int) -> Call:
    return found_or_404(selectors.call_get(user=request.user, call_id=call_id))


def _application(request: HttpRequest, application_id: int) -> Application:
    return found_or_404(selectors.application_get(user=request.user, application_id=application_id))


@login_required
def call_list(request: HttpRequest) -> HttpResponse:
    filters = CallFilterForm(request.GET or None)
    values = filters.values()
    calls = selectors.call_list(
        user=request.user, q=values.get("q", ""), status=values.get("status", ""), year=values.get("year")
    )
    page = BoundedPaginator(calls, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "calls/call_list.html",
        {"page": page, "filters": filters, "can_manage": rules.can_manage_calls(request.user)},
    )


def _call_form(request: HttpRequest, call: Call | None) -> HttpResponse:
    if not rules.can_manage_calls(request.user):
        raise PermissionDenied(gettext("只有省科技厅可以编写申报指南"))
    types = [(t.code, f"{t.name}（{t.version}）") for t in selectors.call_types_current()]
    initial = {}
    if call is not None:
        initial = {name: getattr(call, name) for name in services.CALL_FIELDS}
        initial["opens_at"] = timezone.localtime(call.opens_at)
        initial["closes_at"] = timezone.localtime(call.closes_at)
    form = CallForm(request.POST or None, initial=initial, call_types=types, editing=call is not None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "call_type"}
        try:
            if call is None:
                saved = services.call_create(
                    acting_user=request.user, call_type_code=form.cleaned_data["call_type"], **values
                )
            else:
                if call.status != CallStatus.DRAFT:
                    values = {k: values[k] for k in services.EDITABLE_AFTER_PUBLISH}
                saved = services.call_update(acting_user=request.user, call_id=call.pk, **values)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已保存"))
            return redirect("calls:call", saved.pk)
    return render(request, "calls/call_form.html", {"form": form, "call": call})


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    return _call_form(request, None)


@login_required
def call_edit(request: HttpRequest, call_id: int) -> HttpResponse:
    return _call_form(request, _call(request, call_id))


@login_required
def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    filters = ApplicationFilterForm(request.GET or None)
    values = filters.values()
    applications = selectors.application_list(
        user=request.user, call_id=call.pk, q=values.get("q", ""), status=values.get("status", "")
    )
    page = BoundedPaginator(applications, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "call_type": selectors.call_type_of(call),
            "page": page,
            "filters": filters,
            "can_manage": rules.can_manage_calls(request.user),
            "can_apply": rules.can_apply(request.user, call),
            "can_nominate": rules.can_nominate(request.user, call),
            "places": selectors.nomination_places(user=request.user, call=call)
            if rules.can_nominate(request.user, call)
            else None,
            # In an enrolment batch nobody fills anything in: the province enrolled them all.
            "mine": []
            if rules.is_enrolment(call)
            else selectors.application_list(user=request.user, call_id=call.pk).filter(
                submitted_by_id=request.user.pk
            )[:5],
            "counts": selectors.call_counts(call=call) if rules.can_manage_calls(request.user) else {},
        },
    )


@login_required
@require_POST
def call_action(request: HttpRequest, call_id: int, action: str) -> HttpResponse:
    call = _call(request, call_id)
    if action not in services.CALL_STEPS:
        raise Http404
    attempt_step(
        request,
        lambda: services.call_step(acting_user=request.user, call_id=call.pk, action=action),
        gettext("已完成"),
    )
    return redirect("calls:call", call.pk)


def _answers_initial(application: Application) -> dict[str, Any]:
    initial: dict[str, Any] = {"title": application.title}
    initial.update({f"v_{k}": v for k, v in application.values.items()})
    for row, partner in enumerate(application.partners.all(), start=1):
        initial[f"p{row}_organisation"] = partner.organisation_id
        initial.update({f"p{row}_{k}": v for k, v in partner.values.items()})
    for key, value in list(initial.items()):
        if value is True or value is False:
            initial[key] = "是" if value else "否"
    return initial


def _application_form(request: HttpRequest, call: Call, application: Application | None) -> HttpResponse:
    call_type = selectors.call_type_of(call)
    nominating = (
        rules.can_nominate(request.user, call)
        if application is None
        else bool(application.nominator_division_id or application.nominator_organisation_id)
    )
    # What the place already reported fills the answers still empty (a new form, or a draft).
    prefilled, period = selectors.prefill_values(
        call_type=call_type,
        division_id=application.division_id if application else getattr(request.user, "division_id", None),
    )
    if application is not None:
        prefilled = {k: v for k, v in prefilled.items() if application.values.get(k) in (None, "")}
    initial = {f"v_{k}": v for k, v in prefilled.items()}
    if application is not None:
        initial.update(_answers_initial(application))
    form = ApplicationForm(
        request.POST or None,
        initial=initial,
        call_type=call_type,
        partners=selectors.partner_choices(call_type),
        nominees=selectors.nominee_choices(user=request.user) if nominating and application is None else None,
    )
    if request.method == "POST" and form.is_valid():
        partners = [PartnerEntry(pk, values) for pk, values in form.partners()]
        try:
            if application is None:
                applicant = form.cleaned_data.get("applicant")
                saved = services.application_create(
                    acting_user=request.user,
                    call_id=call.pk,
                    title=form.cleaned_data["title"],
                    values=form.answers(),
                    partners=partners,
                    applicant_id=applicant.pk if applicant else None,
                )
            else:
                saved = services.application_update(
                    acting_user=request.user,
                    application_id=application.pk,
                    title=form.cleaned_data["title"],
                    values=form.answers(),
                    partners=partners,
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for code, problems in exc.message_dict.items():
                    for message in problems:
                        form.add_error(form.field_for_error(code), message)
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已保存草稿；上传材料后即可提交"))
            return redirect("calls:application", saved.pk)
    return render(
        request,
        "calls/application_form.html",
        {
            "form": form,
            "call": call,
            "call_type": call_type,
            "application": application,
            "prefilled_from": period if prefilled else "",
        },
    )


@login_required
def application_create(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    if not (rules.can_apply(request.user, call) or rules.can_nominate(request.user, call)):
        raise PermissionDenied(gettext("您不能向该指南申报或提名（指南未在申报期，或您的账号类型不符）"))
    return _application_form(request, call, None)


@login_required
def application_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    if not rules.can_edit(request.user, application):
        raise PermissionDenied(gettext("只有草稿或退回修改的申报可以修改"))
    return _application_form(request, application.call, application)


@login_required
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    call_type = selectors.call_type_of(application.call)
    can_edit = rules.can_edit(request.user, application)
    preview = selectors.eligibility_of(application) if can_edit else None
    return render(
        request,
        "calls/application_detail.html",
        {
            "application": application,
            "call": application.call,
            "call_type": call_type,
            "answers": selectors.answers_shown(application=application, call_type=call_type),
            "partners": selectors.partners_shown(application=application, call_type=call_type),
            "attachments": selectors.attachments_shown(application=application, call_type=call_type),
            "events": application.events.select_related("actor"),
            "actions": [
                (name, services.STEPS[name].label)
                for name in services.application_actions(user=request.user, application=application)
            ],
            "can_edit": can_edit,
            "preview": preview,
            "attach_form": AttachmentForm(call_type=call_type) if can_edit else None,
            "duplicates": selectors.application_duplicates(application=application)
            if rules.can_check(request.user, application)
            else [],
        },
    )


@login_required
@require_POST
def application_submit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    attempt_step(
        request,
        lambda: services.application_submit(acting_user=request.user, application_id=application.pk),
        # A nomination is the nominator's recommendation: it goes to the province, not to a bureau.
        gettext("已提交提名，等待省科技厅形式审查")
        if rules.is_nomination(application.call)
        else gettext("已提交，等待所在地科技部门推荐"),
    )
    return redirect("calls:application", application.pk)


@login_required
@require_POST
def application_step(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("操作不完整，请重试"))
        return redirect("calls:application", application.pk)
    attempt_step(
        request,
        lambda: services.application_step(
            acting_user=request.user,
            application_id=application.pk,
            action=form.cleaned_data["action"],
            note=form.cleaned_data["note"],
            version=form.cleaned_data["version"],
        ),
        gettext("已完成"),
    )
    return redirect("calls:application", application.pk)


@login_required
@require_POST
def application_attach(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    form = AttachmentForm(request.POST, request.FILES, call_type=selectors.call_type_of(application.call))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        attempt_step(
            request,
            lambda: services.application_attach(
                acting_user=request.user,
                application_id=application.pk,
                spec=form.cleaned_data["spec"],
                name=upload.name or "",
                data=upload.read(),
            ),
            gettext("材料已上传"),
        )
    else:
        for field_problems in form.errors.values():
            for problem in field_problems:
                messages.error(request, str(problem))
    return redirect("calls:application", application.pk)


@login_required
def attachment_download(request: HttpRequest, application_id: int, attachment_id: int) -> HttpResponse:
    application = _application(request, application_id)
    attachment = found_or_404(selectors.attachment_get(application=application, attachment_id=attachment_id))
    return private_file_response(
        attachment.file, name=attachment.name, allowed=tuple(services.ATTACHMENT_KINDS.values())
    )


@login_required
def call_types(request: HttpRequest) -> HttpResponse:
    if not rules.can_manage_calls(request.user):
        raise PermissionDenied(gettext("只有省科技厅可以维护申报类型"))
    form = CallTypeUploadForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            data = json.loads(form.cleaned_data["file"].read().decode("utf-8-sig"))
            version = services.call_type_load(
                acting_user=request.user, data=data, note=form.cleaned_data["note"]
            )
        except (UnicodeDecodeError, json.JSONDecodeError):
            problems = [gettext("文件不是 UTF-8 编码的 JSON")]
        except ValidationError as exc:
            problems = (
                exc.message_dict.get("definition", exc.messages)
                if hasattr(exc, "error_dict")
                else exc.messages
            )
        else:
            messages.success(
                request, gettext("已导入 {name} {version}").format(name=version.name, version=version.version)
            )
            return redirect("calls:types")
    return render(
        request,
        "calls/call_types.html",
        {"form": form, "problems": problems, "versions": selectors.call_type_versions()},
    )


@login_required
def call_type_download(request: HttpRequest, version_id: int) -> HttpResponse:
    if not rules.can_manage_calls(request.user):
        raise PermissionDenied
    version = found_or_404(selectors.call_type_version_get(version_id=version_id))
    response = HttpResponse(
        json.dumps(version.definition, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{version.code}-{version.version}.json"
    )
    return response


@login_required
def publicity(request: HttpRequest, call_id: int) -> HttpResponse:
    """The 公示 list and the objection form; the province also sees and answers objections."""
    call = _call(request, call_id)
    listed = selectors.publicity_list(call=call)
    form = ObjectionForm(request.POST or None, listed=[(a.pk, f"{a.reference} {a.title}") for a in listed])
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.objection_file(
                call_id=call.pk,
                application_id=int(form.cleaned_data["application"])
                if form.cleaned_data["application"]
                else None,
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("异议已受理，受理编号 {ref}，将于 {due} 前答复").format(
                    ref=objection.reference, due=objection.due
                ),
            )
            return redirect("calls:publicity", call.pk)
    manage = rules.can_manage_calls(request.user)
    return render(
        request,
        "calls/publicity.html",
        {
            "call": call,
            "listed": listed,
            "form": form,
            "open": call.status == CallStatus.PUBLICITY,
            "objections": call.objections.select_related("application") if manage else [],
            "answer_form": ObjectionAnswerForm(),
            "decision_form": DecisionForm(),
            "can_manage": manage,
        },
    )


@login_required
def objection_evidence(request: HttpRequest, call_id: int, objection_id: int) -> Any:
    """The picture an objector sent, for the province that answers the objection."""
    call = _call(request, call_id)
    if not rules.can_manage_calls(request.user):
        raise PermissionDenied(gettext("只有省科技厅可以查看异议的证据"))
    objection = call.objections.filter(pk=objection_id).exclude(evidence="").first()
    if objection is None:
        raise Http404
    return private_file_response(
        objection.evidence, name=f"{objection.reference}-evidence", allowed=("jpeg", "png")
    )


@login_required
@require_POST
def objection_answer(request: HttpRequest, call_id: int, objection_id: int) -> HttpResponse:
    call = _call(request, call_id)
    form = ObjectionAnswerForm(request.POST)
    if form.is_valid():
        attempt_step(
            request,
            lambda: services.objection_answer(
                acting_user=request.user,
                objection_id=objection_id,
                answer=form.cleaned_data["answer"],
                upheld=form.cleaned_data["upheld"],
            ),
            gettext("已答复"),
        )
    else:
        messages.error(request, gettext("请写明核查情况和处理意见"))
    return redirect("calls:publicity", call.pk)


@login_required
@require_POST
def call_decide(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        attempt_step(
            request,
            lambda: services.call_decide(
                acting_user=request.user,
                call_id=call.pk,
                decision_number=form.cleaned_data["decision_number"],
            ),
            gettext("已作出决定，认定的载体已进入名录")
            if selectors.call_type_of(call).result == "carrier"
            else gettext("已作出决定，入选名单已确定"),
        )
    else:
        messages.error(request, gettext("请填写决定文号"))
    return redirect("calls:publicity", call.pk)


@login_required
def decision_pdf(request: HttpRequest, call_id: int) -> HttpResponse:
    data, name, fallback = found_or_404(services.decision_file(_call(request, call_id)))
    return pdf_response(data, name, fallback=fallback, inline=True)


@login_required
def application_letter(request: HttpRequest, application_id: int) -> HttpResponse:
    data, name, fallback = found_or_404(services.letter_file(_application(request, application_id)))
    return pdf_response(data, name, fallback=fallback, inline=True)


@login_required
def carrier_list(request: HttpRequest) -> HttpResponse:
    filters = CarrierFilterForm(request.GET or None)
    values = filters.values()
    carriers = selectors.carrier_list(
        user=request.user,
        q=values.get("q", ""),
        kind=values.get("kind", ""),
        east_west_north=bool(values.get("east_west_north")),
    )
    if request.GET.get("export") == "xlsx":
        return spreadsheet_export(
            request,
            schema=CARRIER_SCHEMA,
            rows=carrier_rows(carriers[:EXPORT_LIMIT]),
            name=gettext("科创载体名录"),
            count=carriers.count(),
        )
    page = BoundedPaginator(carriers, 20).get_page(request.GET.get("page"))
    return render(request, "calls/carrier_list.html", {"page": page, "filters": filters})
