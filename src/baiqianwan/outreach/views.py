"""Pages of 人才与科普. Thin: forms in, services do, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.concurrency import posted_version
from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export, xlsx_response
from baiqianwan.core.files import private_file_response
from baiqianwan.core.forms import add_service_errors
from baiqianwan.core.pagination import BoundedPaginator
from baiqianwan.core.selectors import found_or_404
from baiqianwan.core.spreadsheets import ImportRejectedError, SpreadsheetError, write_workbook
from baiqianwan.regions.classification import PROVINCE_CODE

from . import rules, selectors, services
from .exports import EVENT_SCHEMA, TRAINEE_EXPORT, event_rows, trainee_rows
from .forms import (
    BalanceFilterForm,
    CourseFilterForm,
    CourseForm,
    EventFilterForm,
    EventForm,
    MemberFilterForm,
    MemberForm,
    ReportFilterForm,
    ReportForm,
    SeminarForm,
    TraineeForm,
    UploadForm,
)
from .models import OutreachEvent, ResearchReport, Seminar, TeacherCourse, ThinkTankMember


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for messages_ in exc.message_dict.values() for m in messages_)
    return "；".join(exc.messages)


# ---- 科普 events -------------------------------------------------------------------------------


def _event(request: HttpRequest, event_id: int) -> OutreachEvent:
    return found_or_404(selectors.event_get(user=request.user, event_id=event_id))


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    filters = EventFilterForm(request.GET or None)
    values = filters.values()
    events = selectors.event_list(
        user=request.user,
        q=values.get("q", ""),
        region=values.get("region", ""),
        kind=values.get("kind", ""),
        year=values.get("year"),
        audience=values.get("audience", ""),
        east_west_north=values.get("east_west_north"),
    )
    if request.GET.get("export") == "xlsx":
        rows = events[:EXPORT_LIMIT]
        return spreadsheet_export(
            request, schema=EVENT_SCHEMA, rows=event_rows(rows), name=gettext("科普活动"), count=len(rows)
        )
    reach = selectors.event_reach(user=request.user, events=events)
    return render(
        request,
        "outreach/event_list.html",
        {
            "page": BoundedPaginator(events, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "reach": reach,
            "map_max": max((c["value"] for c in reach["cities"]), default=1),
            "can_report": rules.can_report_event(request.user),
        },
    )


@login_required
def balance(request: HttpRequest) -> HttpResponse:
    filters = BalanceFilterForm(request.GET or None)
    year = filters.values().get("year")
    return render(
        request,
        "outreach/balance.html",
        {"filters": filters, "balance": selectors.event_balance(user=request.user, year=year)},
    )


def _event_data(form: Any) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    organiser, people = data.pop("organiser"), data.pop("speaker_people")
    data["organiser_id"] = organiser.pk
    data["speaker_ids"] = [p.pk for p in people]
    return data


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_report_event(request.user):
        raise PermissionDenied(gettext("只有省科技厅和地市、县（市、区）、乡镇（街道）可以登记科普活动"))
    form = EventForm(request.POST or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        data = _event_data(form)
        place = data.pop("place")
        try:
            event = services.event_report(acting_user=request.user, place_code=place.code, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已登记“{name}”").format(name=event.title))
            return redirect("outreach:event", event.pk)
    return render(
        request,
        "outreach/form.html",
        {"form": form, "title": gettext("登记科普活动"), "back": "outreach:events"},
    )


@login_required
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    return render(
        request,
        "outreach/event_detail.html",
        {"event": event, "can_change": rules.can_change_event(request.user, event)},
    )


@login_required
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    if not rules.can_change_event(request.user, event):
        raise PermissionDenied(gettext("只有举办地的科技部门可以修改科普活动"))
    names = ("kind", "title", "held_on", "audience_kind", "audience_size", "speakers", "summary", "is_public")
    initial: dict[str, Any] = {name: getattr(event, name) for name in names}
    initial["organiser"] = event.organiser_id
    initial["speaker_people"] = [p.pk for p in event.speaker_people.all()]
    form = EventForm(request.POST or None, acting_user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                acting_user=request.user,
                event_id=event.pk,
                version=posted_version(request, event.version),
                **_event_data(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("科普活动已修改"))
            return redirect("outreach:event", event.pk)
    return render(
        request,
        "outreach/form.html",
        {
            "form": form,
            "title": gettext("修改科普活动"),
            "record": event,
            "back_record": ("outreach:event", event.pk),
        },
    )


# ---- teacher training ----------------------------------------------------------------------------


def _course(request: HttpRequest, course_id: int) -> TeacherCourse:
    return found_or_404(selectors.course_get(user=request.user, course_id=course_id))


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    filters = CourseFilterForm(request.GET or None)
    values = filters.values()
    courses = selectors.course_list(
        user=request.user, q=values.get("q", ""), mode=values.get("mode", ""), year=values.get("year")
    )
    if request.GET.get("export") == "xlsx":
        rows = selectors.trainee_list(user=request.user)[:EXPORT_LIMIT]
        return spreadsheet_export(
            request, schema=TRAINEE_EXPORT, rows=trainee_rows(rows), name=gettext("参训教师"), count=len(rows)
        )
    totals = selectors.training_totals(user=request.user)
    return render(
        request,
        "outreach/course_list.html",
        {
            "page": BoundedPaginator(courses, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "totals": totals,
            "map_max": max((c["value"] for c in totals["cities"]), default=1),
            "can_register": rules.can_register_course(request.user),
        },
    )


def _course_data(form: Any) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["provider_id"] = data.pop("provider").pk
    return data


@login_required
def course_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_register_course(request.user):
        raise PermissionDenied(gettext("只有省科技厅和粤东西北地市、县（市、区）科技部门可以登记培训课程"))
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_register(acting_user=request.user, **_course_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已登记“{name}”").format(name=course.title))
            return redirect("outreach:course", course.pk)
    return render(
        request,
        "outreach/form.html",
        {"form": form, "title": gettext("登记培训课程"), "back": "outreach:courses"},
    )


@login_required
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id)
    user = request.user
    can_keep = rules.can_keep_trainees(user, course)
    root = PROVINCE_CODE if course.division_id == PROVINCE_CODE else course.division_id
    form = TraineeForm(request.POST or None, root=root)
    if request.method == "POST":
        if not can_keep:
            raise PermissionDenied(gettext("只有组织培训的科技部门或承办单位可以登记学员"))
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["county_code"] = data.pop("county").code
            try:
                services.trainee_add(acting_user=user, course_id=course.pk, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("学员已登记"))
                return redirect("outreach:course", course.pk)
    trainees = selectors.trainee_list(user=user, course=course)
    return render(
        request,
        "outreach/course_detail.html",
        {
            "course": course,
            "page": BoundedPaginator(trainees, 50).get_page(request.GET.get("page")),
            "totals": selectors.course_totals(user=user, course=course),
            "form": form,
            "upload": UploadForm(),
            "can_keep": can_keep,
            "can_change": rules.can_change_course(user, course),
        },
    )


@login_required
def course_edit(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id)
    if not rules.can_change_course(request.user, course):
        raise PermissionDenied(gettext("只有组织培训的科技部门可以修改课程"))
    initial: dict[str, Any] = {
        n: getattr(course, n) for n in ("title", "mode", "hours", "starts_on", "ends_on", "is_public")
    }
    initial["provider"] = course.provider_id
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(
                acting_user=request.user,
                course_id=course.pk,
                version=posted_version(request, course.version),
                **_course_data(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("课程已修改"))
            return redirect("outreach:course", course.pk)
    return render(
        request,
        "outreach/form.html",
        {
            "form": form,
            "title": gettext("修改培训课程"),
            "record": course,
            "back_record": ("outreach:course", course.pk),
        },
    )


@login_required
def course_template(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id)
    return xlsx_response(
        write_workbook(services.TRAINEE_SHEET, [], template=True),
        gettext("参训教师名单模板（{title}）").format(title=course.title)[:80],
    )


@login_required
@require_POST
def course_import(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError(gettext("请选择填好的参训教师名单（.xlsx）"))
        count = services.trainees_import(acting_user=request.user, course_id=course.pk, data=upload.read())
    except ImportRejectedError as exc:
        shown = [str(e) for e in exc.errors[:20]]
        more = gettext("（另有 {n} 处）").format(n=len(exc.errors) - 20) if len(exc.errors) > 20 else ""
        messages.error(request, f"{exc}：" + "；".join(shown) + more)
    except SpreadsheetError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, gettext("已导入 {n} 名学员").format(n=count))
    return redirect("outreach:course", course.pk)


# ---- 智库联盟 -------------------------------------------------------------------------------------


def _member(request: HttpRequest, member_id: int) -> ThinkTankMember:
    return found_or_404(selectors.member_get(user=request.user, member_id=member_id))


def _province_only(request: HttpRequest) -> None:
    if not rules.can_keep_think_tank(request.user):
        raise PermissionDenied(gettext("智库联盟由省科技厅管理"))


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    filters = MemberFilterForm(request.GET or None)
    values = filters.values()
    members = selectors.member_list(
        user=request.user,
        q=values.get("q", ""),
        category=values.get("category", ""),
        active=values.get("active"),
    )
    return render(
        request,
        "outreach/member_list.html",
        {
            "page": BoundedPaginator(members, 30).get_page(request.GET.get("page")),
            "filters": filters,
            "active_now": selectors.active_think_tank_members(),
            "can_keep": rules.can_keep_think_tank(request.user),
        },
    )


def _member_data(form: Any) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["organisation_id"] = data.pop("organisation").pk
    person = data.pop("person")
    data["person_id"] = person.pk if person else None
    data["fields"] = data.pop("specialty")
    return data


@login_required
def member_new(request: HttpRequest) -> HttpResponse:
    _province_only(request)
    form = MemberForm(request.POST or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_register(acting_user=request.user, **_member_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已登记智库成员“{name}”").format(name=member.name))
            return redirect("outreach:member", member.pk)
    return render(
        request,
        "outreach/form.html",
        {"form": form, "title": gettext("登记智库成员"), "back": "outreach:members"},
    )


@login_required
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(request, member_id)
    return render(
        request,
        "outreach/member_detail.html",
        {
            "member": member,
            "reports": selectors.member_reports(user=request.user, member=member)[:50],
            "seminars": selectors.member_seminars(user=request.user, member=member)[:50],
            "can_keep": rules.can_keep_think_tank(request.user),
        },
    )


@login_required
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(request, member_id)
    _province_only(request)
    names = ("name", "category", "joined_year", "left_year", "is_public")
    initial: dict[str, Any] = {n: getattr(member, n) for n in names}
    initial.update(organisation=member.organisation_id, person=member.person_id, specialty=member.fields)
    form = MemberForm(request.POST or None, acting_user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                acting_user=request.user,
                member_id=member.pk,
                version=posted_version(request, member.version),
                **_member_data(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("智库成员已修改"))
            return redirect("outreach:member", member.pk)
    return render(
        request,
        "outreach/form.html",
        {
            "form": form,
            "title": gettext("修改智库成员"),
            "record": member,
            "back_record": ("outreach:member", member.pk),
        },
    )


@login_required
@require_POST
def member_invite(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(request, member_id)
    try:
        profile = services.member_invite_as_expert(acting_user=request.user, member_id=member.pk)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, gettext("“{name}”已进入评审专家库").format(name=profile.person.name))
    return redirect("outreach:member", member.pk)


def _report(request: HttpRequest, report_id: int) -> ResearchReport:
    return found_or_404(selectors.report_get(user=request.user, report_id=report_id))


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    filters = ReportFilterForm(request.GET or None)
    values = filters.values()
    reports = selectors.report_list(user=request.user, q=values.get("q", ""), year=values.get("year"))
    return render(
        request,
        "outreach/report_list.html",
        {
            "page": BoundedPaginator(reports, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "can_keep": rules.can_keep_think_tank(request.user),
        },
    )


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace("，", ",").replace("、", ",").split(",") if c.strip()]


def _save_report(
    request: HttpRequest, form: ReportForm, report: ResearchReport | None
) -> ResearchReport | None:
    data = dict(form.cleaned_data)
    upload = data.pop("file")
    data["member_ids"] = [m.pk for m in data.pop("members")]
    data["county_codes"] = _codes(data.pop("counties"))
    try:
        if report is None:
            report = services.report_register(acting_user=request.user, **data)
        else:
            report = services.report_update(
                acting_user=request.user,
                report_id=report.pk,
                version=posted_version(request, report.version),
                **data,
            )
        if upload is not None:
            report = services.report_attach(
                acting_user=request.user, report_id=report.pk, name=upload.name or "", data=upload.read()
            )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    return report


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    _province_only(request)
    form = ReportForm(request.POST or None, request.FILES or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        with_file = _transactional(lambda: _save_report(request, form, None))
        if with_file is not None:
            messages.success(request, gettext("已登记调研报告"))
            return redirect("outreach:report", with_file.pk)
    return render(
        request,
        "outreach/form.html",
        {"form": form, "title": gettext("登记深调研报告"), "back": "outreach:reports", "multipart": True},
    )


def _transactional(work: Any) -> Any:
    """The report and its file are stored together or not at all: a refused file leaves no report."""
    from django.db import transaction

    with transaction.atomic():
        result = work()
        if result is None:
            transaction.set_rollback(True)
        return result


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    return render(
        request,
        "outreach/report_detail.html",
        {"report": report, "can_keep": rules.can_keep_think_tank(request.user)},
    )


@login_required
def report_edit(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    _province_only(request)
    initial = {
        "title": report.title,
        "year": report.year,
        "summary": report.summary,
        "is_public": report.is_public,
        "members": [m.pk for m in report.members.all()],
        "counties": ",".join(d.code for d in report.counties.all()),
    }
    form = ReportForm(request.POST or None, request.FILES or None, acting_user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _transactional(lambda: _save_report(request, form, report))
        if saved is not None:
            messages.success(request, gettext("调研报告已修改"))
            return redirect("outreach:report", report.pk)
    return render(
        request,
        "outreach/form.html",
        {
            "form": form,
            "title": gettext("修改深调研报告"),
            "record": report,
            "back_record": ("outreach:report", report.pk),
            "multipart": True,
        },
    )


@login_required
def report_file(request: HttpRequest, report_id: int) -> Any:
    report = _report(request, report_id)
    if not report.file:
        raise Http404(gettext("该报告尚未上传文件"))
    return private_file_response(report.file, name=report.file_name or "report.pdf", allowed=("pdf",))


def _seminar(request: HttpRequest, seminar_id: int) -> Seminar:
    return found_or_404(selectors.seminar_get(user=request.user, seminar_id=seminar_id))


@login_required
def seminar_list(request: HttpRequest) -> HttpResponse:
    filters = ReportFilterForm(request.GET or None)
    values = filters.values()
    seminars = selectors.seminar_list(user=request.user, q=values.get("q", ""), year=values.get("year"))
    return render(
        request,
        "outreach/seminar_list.html",
        {
            "page": BoundedPaginator(seminars, 20).get_page(request.GET.get("page")),
            "filters": filters,
            "can_keep": rules.can_keep_think_tank(request.user),
        },
    )


def _seminar_data(form: Any) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["member_ids"] = [m.pk for m in data.pop("members")]
    data["place_code"] = data.pop("place").code
    return data


@login_required
def seminar_new(request: HttpRequest) -> HttpResponse:
    _province_only(request)
    form = SeminarForm(request.POST or None, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            seminar = services.seminar_register(acting_user=request.user, **_seminar_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已登记“{name}”").format(name=seminar.title))
            return redirect("outreach:seminar", seminar.pk)
    return render(
        request,
        "outreach/form.html",
        {"form": form, "title": gettext("登记研讨会或论坛"), "back": "outreach:seminars"},
    )


@login_required
def seminar_detail(request: HttpRequest, seminar_id: int) -> HttpResponse:
    seminar = _seminar(request, seminar_id)
    return render(
        request,
        "outreach/seminar_detail.html",
        {"seminar": seminar, "can_keep": rules.can_keep_think_tank(request.user)},
    )


@login_required
def seminar_edit(request: HttpRequest, seminar_id: int) -> HttpResponse:
    seminar = _seminar(request, seminar_id)
    _province_only(request)
    names = ("kind", "title", "held_on", "other_participants", "participant_count", "summary", "is_public")
    initial: dict[str, Any] = {n: getattr(seminar, n) for n in names}
    initial.update(place=seminar.place_id, members=[m.pk for m in seminar.members.all()])
    form = SeminarForm(request.POST or None, acting_user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.seminar_update(
                acting_user=request.user,
                seminar_id=seminar.pk,
                version=posted_version(request, seminar.version),
                **_seminar_data(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("研讨会或论坛已修改"))
            return redirect("outreach:seminar", seminar.pk)
    return render(
        request,
        "outreach/form.html",
        {
            "form": form,
            "title": gettext("修改研讨会或论坛"),
            "record": seminar,
            "back_record": ("outreach:seminar", seminar.pk),
        },
    )
