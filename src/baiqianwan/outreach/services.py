"""Writes of the outreach ledgers: 科普 events reported by the region where they were held; teacher
training courses with their trainees (one by one, or a whole sheet at once — all rows or none); the
智库联盟's members, 深调研 reports with their PDF and seminars, kept by the province; and a member
invited into the expert pool. Each write is one transaction, version-checked where it edits, kept in
the audit log; bad input is named by field (and row and cell for a sheet), in Chinese, nothing stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.concurrency import locked_for_user
from baiqianwan.core.files import check_upload
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.selectors import valid_id
from baiqianwan.core.spreadsheets import (
    CellError,
    Column,
    SheetSchema,
    SpreadsheetError,
    number_cell,
    parse_sheet,
    text_cell,
)
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.classification import PROVINCE_CODE, is_east_west_north, prefix_of_code
from baiqianwan.regions.models import Division
from baiqianwan.supply import services as supply_services
from baiqianwan.supply.models import ExpertProfile

from . import inputs, rules
from .models import (
    AudienceKind,
    EventKind,
    MemberCategory,
    OutreachEvent,
    ResearchReport,
    SchoolStage,
    Seminar,
    SeminarKind,
    Subject,
    TeacherCourse,
    ThinkTankMember,
    Trainee,
    TrainingMode,
)

MAX_AUDIENCE = 1_000_000
MAX_PARTICIPANTS = 100_000
MAX_SPEAKERS = 20
MAX_REPORT_BYTES = 30 * 1024 * 1024
# 东莞 and 中山 have towns directly under the city: there a town is the finest place below the city.
PLACE_LEVELS = ("county", "town", "village")


def _organisation(value: Any, field: str, label: str) -> Organisation:
    found = Organisation.all_objects.filter(pk=value, is_active=True).first() if valid_id(value) else None
    if found is None:
        raise ValidationError({field: gettext("请选择{label}（平台已登记的单位）").format(label=label)})
    return found


def _place(value: Any, field: str, label: str) -> Division:
    """A county, town or village of Guangdong: where something was held."""
    place = inputs.division(value, field, label)
    if place.level not in PLACE_LEVELS:
        raise ValidationError(
            {
                field: gettext("{label}须选到县（市、区）、乡镇（街道）或村（居），“{name}”是{level}").format(
                    label=label,
                    name=place.full_name,
                    level=gettext("全省") if place.level == "province" else gettext("地级市"),
                )
            }
        )
    return place


# ---- 科普 events -------------------------------------------------------------------------------


def _speaker_people(value: Any) -> list[Person]:
    ids = list(value or [])
    if len(ids) > MAX_SPEAKERS:
        raise ValidationError({"speaker_ids": gettext("最多关联 {n} 名主讲人").format(n=MAX_SPEAKERS)})
    wanted = {int(i) for i in ids if valid_id(i)}
    if len(wanted) != len(ids):
        raise ValidationError({"speaker_ids": gettext("主讲人编号无效")})
    people = list(Person.all_objects.filter(pk__in=wanted))
    if len(people) != len(wanted):
        raise ValidationError({"speaker_ids": gettext("找不到所选的主讲人")})
    return people


def _speakers(value: Any) -> str:
    text = inputs.text(value, "speakers", gettext("主讲人"), 300)
    names = [n.strip() for n in text.replace("，", ",").replace("、", ",").split(",") if n.strip()]
    if len(names) > MAX_SPEAKERS:
        raise ValidationError({"speakers": gettext("主讲人最多 {n} 名").format(n=MAX_SPEAKERS)})
    return "、".join(names)


def _event_values(event: OutreachEvent, values: dict[str, Any]) -> None:
    if "kind" in values:
        event.kind = inputs.choice(values["kind"], "kind", gettext("活动类型"), EventKind.choices)
    if "title" in values:
        event.title = inputs.text(
            values["title"], "title", gettext("活动名称"), 120, required=True, min_length=4
        )
    if "organiser_id" in values:
        event.organiser = _organisation(values["organiser_id"], "organiser", gettext("主办单位"))
    if "held_on" in values:
        event.held_on = inputs.past_date(values["held_on"], "held_on", gettext("举办日期"))
    if "audience_kind" in values:
        event.audience_kind = inputs.choice(
            values["audience_kind"], "audience_kind", gettext("受众类型"), AudienceKind.choices
        )
    if "audience_size" in values:
        event.audience_size = inputs.count(
            values["audience_size"], "audience_size", gettext("受众人数"), MAX_AUDIENCE
        )
        if event.audience_size < 1:
            raise ValidationError({"audience_size": gettext("受众人数至少为 1")})
    if "speakers" in values:
        event.speakers = _speakers(values["speakers"])
    if "summary" in values:
        event.summary = inputs.text(values["summary"], "summary", gettext("活动简介"), 2000)
    if "is_public" in values and values["is_public"] is not None:
        event.is_public = bool(values["is_public"])


@transaction.atomic
def event_report(
    *, acting_user: Any, place_code: Any, speaker_ids: Any = None, **values: Any
) -> OutreachEvent:
    """A town, county or city office, or the province, reports a 科普 event held in its region.
    ``values``: kind, title, organiser_id, held_on, audience_kind, audience_size, speakers, summary,
    is_public."""
    if not rules.can_report_event(acting_user):
        raise PermissionDenied(gettext("只有省科技厅和地市、县（市、区）、乡镇（街道）可以登记科普活动"))
    place = _place(place_code, "place", gettext("举办地"))
    if not rules.covers(acting_user, place.code):
        raise ValidationError(
            {
                "place": gettext("{where}不在您的管辖范围内，只能登记本地区举办的活动").format(
                    where=place.full_name
                )
            }
        )
    event = OutreachEvent(
        place=place, created_by=acting_user, in_east_west_north=is_east_west_north(place.code)
    )
    required = {"kind": "", "title": "", "organiser_id": None, "held_on": None, "audience_kind": ""}
    _event_values(event, {**required, "audience_size": 0, **values})
    people = _speaker_people(speaker_ids)
    event.full_clean(exclude=["organiser", "place", "created_by"])
    event.save()
    event.speaker_people.set(people)
    return event


@transaction.atomic
def event_update(
    *, acting_user: Any, event_id: Any, version: int | None = None, speaker_ids: Any = None, **values: Any
) -> OutreachEvent:
    """The office whose region holds the event corrects it; its place stays (report it again)."""
    event = locked_for_user(
        OutreachEvent, acting_user, event_id, version, gettext("找不到该科普活动，或您无权修改")
    )
    if not rules.can_change_event(acting_user, event):
        raise PermissionDenied(gettext("只有举办地的科技部门可以修改科普活动"))
    _event_values(event, values)
    event.full_clean(exclude=["organiser", "place", "created_by"])
    event.version += 1
    event.save()
    if speaker_ids is not None:
        event.speaker_people.set(_speaker_people(speaker_ids))
    return event


# ---- teacher training ----------------------------------------------------------------------------


def provider_choices() -> QuerySet[Organisation]:
    """Who runs teacher training: universities, institutes, societies, bureaus and other bodies."""
    return Organisation.all_objects.filter(
        is_active=True, kind__in=("university", "institute", "society", "government", "new_rd", "other")
    )


def _course_values(course: TeacherCourse, values: dict[str, Any]) -> None:
    if "title" in values:
        course.title = inputs.text(
            values["title"], "title", gettext("课程名称"), 120, required=True, min_length=4
        )
    if "provider_id" in values:
        provider = _organisation(values["provider_id"], "provider", gettext("承办单位"))
        if not provider_choices().filter(pk=provider.pk).exists():
            raise ValidationError(
                {
                    "provider": gettext(
                        "承办单位须是高校、科研院所、学会协会或政府部门等，“{name}”是{kind}"
                    ).format(name=provider.name, kind=provider.get_kind_display())
                }
            )
        course.provider = provider
    if "mode" in values:
        course.mode = inputs.choice(values["mode"], "mode", gettext("培训方式"), TrainingMode.choices)
    if "hours" in values:
        course.hours = inputs.hours(values["hours"], "hours", gettext("学时"))
        if course.hours <= 0:
            raise ValidationError({"hours": gettext("学时须大于 0")})
    if "starts_on" in values:
        course.starts_on = _date(values["starts_on"], "starts_on", gettext("开始日期"))
    if "ends_on" in values:
        course.ends_on = _date(values["ends_on"], "ends_on", gettext("结束日期"))
    if "is_public" in values and values["is_public"] is not None:
        course.is_public = bool(values["is_public"])
    if course.ends_on < course.starts_on:
        raise ValidationError({"ends_on": gettext("结束日期不能早于开始日期")})
    if (course.ends_on - course.starts_on).days > 366:
        raise ValidationError({"ends_on": gettext("一期培训不超过一年，请分期登记")})


def _date(value: Any, field: str, label: str) -> dt.date:
    """A course's day: may be planned up to two years ahead."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(
                {field: gettext("{label}应为日期，如 2025-06-01").format(label=label)}
            ) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({field: gettext("请填写{label}").format(label=label)})
    today = timezone.localdate()
    if not inputs.EARLIEST <= value <= today + dt.timedelta(days=730):
        raise ValidationError({field: gettext("{label}须在 2000 年至两年后之间").format(label=label)})
    return value


def _course_division(acting_user: Any, value: Any) -> Division:
    """A course belongs to the region whose bureau organises it — the user's own region or a city or
    county in it; a city's or a county's must be in 粤东西北, whose teachers the training is for."""
    code = value or (PROVINCE_CODE if acting_user.is_province else acting_user.division_id)
    division = inputs.division(code, "division", gettext("组织地区"))
    if division.level not in ("province", "city", "county"):
        raise ValidationError({"division": gettext("组织地区须是全省、地市或县（市、区）")})
    if not rules.covers(acting_user, division.code):
        raise ValidationError(
            {"division": gettext("{where}不在您的管辖范围内").format(where=division.full_name)}
        )
    if division.code != PROVINCE_CODE and not is_east_west_north(division.code):
        raise ValidationError(
            {
                "division": gettext("科学教师培训面向粤东西北，{where}不在其中").format(
                    where=division.full_name
                )
            }
        )
    return division


def organiser_choices(acting_user: Any) -> QuerySet[Organisation]:
    """Who may be named as an event's organiser in a form: the units of the user's region, and the
    science bodies of the whole province (universities, institutes, societies, bureaus)."""
    visible = Organisation.objects.for_user(acting_user).values("pk")
    return Organisation.all_objects.filter(
        Q(pk__in=visible)
        | Q(kind__in=("university", "institute", "society", "government", "new_rd", "extension")),
        is_active=True,
    )


@transaction.atomic
def course_register(*, acting_user: Any, division_code: Any = None, **values: Any) -> TeacherCourse:
    """The province, or a city or county bureau of 粤东西北, registers a course it organises for its
    region (``division_code``, default the bureau's own). ``values``: title, provider_id, mode, hours,
    starts_on, ends_on, is_public."""
    if not rules.can_register_course(acting_user):
        raise PermissionDenied(gettext("只有省科技厅和粤东西北地市、县（市、区）科技部门可以登记培训课程"))
    course = TeacherCourse(division=_course_division(acting_user, division_code), created_by=acting_user)
    required = {
        "title": "",
        "provider_id": None,
        "mode": "",
        "hours": None,
        "starts_on": None,
        "ends_on": None,
    }
    _course_values(course, {**required, **values})
    course.full_clean(exclude=["provider", "division", "created_by"])
    course.save()
    return course


@transaction.atomic
def course_update(
    *, acting_user: Any, course_id: Any, version: int | None = None, **values: Any
) -> TeacherCourse:
    course = locked_for_user(
        TeacherCourse, acting_user, course_id, version, gettext("找不到该课程，或您无权修改")
    )
    if not rules.can_change_course(acting_user, course):
        raise PermissionDenied(gettext("只有组织培训的科技部门可以修改课程"))
    _course_values(course, values)
    most = course.trainees.order_by("-hours_completed").values_list("hours_completed", flat=True).first()
    if most is not None and most > course.hours:
        raise ValidationError(
            {"hours": gettext("已有学员完成 {h} 学时，课程学时不能少于此数").format(h=most)}
        )
    course.full_clean(exclude=["provider", "division", "created_by"])
    course.version += 1
    course.save()
    return course


def _course_for_trainees(acting_user: Any, course_id: Any) -> TeacherCourse:
    course = (
        TeacherCourse.objects.for_user(acting_user).select_related("division").filter(pk=course_id).first()
        if valid_id(course_id)
        else None
    )
    if course is None:
        raise PermissionDenied(gettext("找不到该课程，或您无权查看"))
    if not rules.can_keep_trainees(acting_user, course):
        raise PermissionDenied(gettext("只有组织培训的科技部门或承办单位可以登记学员"))
    return course


def trainee_county(course: TeacherCourse, value: Any, field: str = "county") -> Division:
    """The county (市、区) of 粤东西北 where the teacher teaches, inside the course's region."""
    label = gettext("所在县（市、区）")
    county = inputs.division(value, field, label)
    if county.level != "county":
        raise ValidationError(
            {
                field: gettext("{label}须选到县（市、区），“{name}”不是").format(
                    label=label, name=county.full_name
                )
            }
        )
    if not is_east_west_north(county.code):
        raise ValidationError(
            {field: gettext("培训面向粤东西北的科学教师，{name}在珠三角").format(name=county.full_name)}
        )
    if course.division_id != PROVINCE_CODE and not county.code.startswith(prefix_of_code(course.division_id)):
        raise ValidationError(
            {
                field: gettext("{name}不在本课程的组织地区（{where}）内").format(
                    name=county.full_name, where=course.division.full_name
                )
            }
        )
    return county


def _trainee_values(trainee: Trainee, course: TeacherCourse, values: dict[str, Any]) -> None:
    if "name" in values:
        trainee.name = inputs.text(values["name"], "name", gettext("姓名"), 40, required=True, min_length=2)
    if "school" in values:
        trainee.school = inputs.text(
            values["school"], "school", gettext("学校"), 120, required=True, min_length=4
        )
    if "county_code" in values:
        trainee.county = trainee_county(course, values["county_code"])
    if "stage" in values:
        trainee.stage = inputs.choice(values["stage"], "stage", gettext("学段"), SchoolStage.choices)
    if "subject" in values:
        trainee.subject = inputs.choice(values["subject"], "subject", gettext("任教学科"), Subject.choices)
    if "hours_completed" in values:
        trainee.hours_completed = inputs.hours(
            values["hours_completed"], "hours_completed", gettext("完成学时")
        )
        if trainee.hours_completed > course.hours:
            raise ValidationError(
                {"hours_completed": gettext("完成学时不能超过课程学时 {h}").format(h=course.hours)}
            )
    if "passed" in values and values["passed"] is not None:
        trainee.passed = bool(values["passed"])


def _unique_trainee(trainee: Trainee) -> None:
    taken = (
        Trainee.all_objects.filter(course_id=trainee.course_id, name=trainee.name, school=trainee.school)
        .exclude(pk=trainee.pk)
        .exists()
    )
    if taken:
        raise ValidationError(
            {"name": gettext("本课程已有{school}的“{name}”").format(school=trainee.school, name=trainee.name)}
        )


@transaction.atomic
def trainee_add(*, acting_user: Any, course_id: Any, **values: Any) -> Trainee:
    """``values``: name, school, county_code, stage, subject, hours_completed, passed."""
    course = _course_for_trainees(acting_user, course_id)
    trainee = Trainee(course=course, created_by=acting_user)
    required = {"name": "", "school": "", "county_code": "", "stage": "", "subject": ""}
    _trainee_values(trainee, course, {**required, "hours_completed": 0, **values})
    _unique_trainee(trainee)
    trainee.full_clean(exclude=["course", "county", "created_by"])
    trainee.save()
    return trainee


@transaction.atomic
def trainee_update(*, acting_user: Any, trainee_id: Any, **values: Any) -> Trainee:
    trainee = (
        Trainee.objects.for_user(acting_user).select_for_update(of=("self",)).filter(pk=trainee_id).first()
        if valid_id(trainee_id)
        else None
    )
    if trainee is None:
        raise PermissionDenied(gettext("找不到该学员，或您无权修改"))
    course = _course_for_trainees(acting_user, trainee.course_id)
    _trainee_values(trainee, course, values)
    _unique_trainee(trainee)
    trainee.full_clean(exclude=["course", "county", "created_by"])
    trainee.save()
    return trainee


YES_NO = {"是": True, "否": False}
TRAINEE_SHEET = SheetSchema(
    title="参训教师名单",
    columns=[
        Column("name", "姓名", text_cell, required=True, width=12),
        Column("school", "学校", text_cell, required=True, width=30),
        Column(
            "county",
            "所在县（市、区）代码",
            text_cell,
            required=True,
            width=16,
            text=True,
            help="12 位统计用区划代码，如 441422000000（大埔县）",
        ),
        Column(
            "stage",
            "学段",
            text_cell,
            required=True,
            choices=tuple(str(c.label) for c in SchoolStage),
            width=8,
        ),
        Column(
            "subject",
            "任教学科",
            text_cell,
            required=True,
            choices=tuple(str(c.label) for c in Subject),
            width=10,
        ),
        Column("hours", "完成学时", number_cell, required=True, width=10),
        Column("passed", "考核合格", text_cell, required=True, choices=("是", "否"), width=10),
    ],
    max_rows=5_000,
    notes=(
        "每行一名教师；所在县（市、区）须在粤东西北。",
        "整个文件只要有一格错误，就不会保存任何学员；请按提示改正后重新上传。",
    ),
)
_FIELD_COLUMN = {
    "name": "name",
    "school": "school",
    "county": "county",
    "stage": "stage",
    "subject": "subject",
    "hours_completed": "hours",
    "passed": "passed",
}


@transaction.atomic
def trainees_import(*, acting_user: Any, course_id: Any, data: bytes) -> int:
    """Every row of the sheet becomes a trainee of the course, or none does: any bad cell — a county
    outside 粤东西北, more hours than the course has, a name given twice — rejects the file, naming
    the row and the cell."""
    course = _course_for_trainees(acting_user, course_id)
    course = TeacherCourse.all_objects.select_for_update().select_related("division").get(pk=course.pk)
    parsed = parse_sheet(data, TRAINEE_SHEET, max_bytes=settings.UPLOAD_MAX_BYTES)
    stages = {str(c.label): c.value for c in SchoolStage}
    subjects = {str(c.label): c.value for c in Subject}
    existing = set(course.trainees.values_list("name", "school"))
    seen: dict[tuple[str, str], int] = {}
    errors: list[CellError] = []
    made: list[Trainee] = []
    for row in parsed.rows:
        if row["_bad"]:
            continue
        trainee = Trainee(course=course, created_by=acting_user)
        try:
            _trainee_values(
                trainee,
                course,
                {
                    "name": row["name"],
                    "school": row["school"],
                    "county_code": row["county"],
                    "stage": stages[row["stage"]],
                    "subject": subjects[row["subject"]],
                    "hours_completed": row["hours"],
                    "passed": YES_NO[row["passed"]],
                },
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                column = _FIELD_COLUMN.get(field, "name")
                errors.append(parsed.cell_error(row, column, "；".join(messages), TRAINEE_SHEET))
            continue
        key = (trainee.name, trainee.school)
        if key in existing:
            errors.append(parsed.cell_error(row, "name", gettext("本课程已有该校的这名教师"), TRAINEE_SHEET))
            continue
        if key in seen:
            errors.append(
                parsed.cell_error(row, "name", gettext("与第 {n} 行重复").format(n=seen[key]), TRAINEE_SHEET)
            )
            continue
        seen[key] = row["_row"]
        made.append(trainee)
    parsed.reject_if_any(errors)
    if not made:
        raise SpreadsheetError(gettext("表中没有学员"))
    Trainee.all_objects.bulk_create(made)
    audit_event_record(
        kind=AuditEvent.Kind.IMPORT,
        user=acting_user,
        detail=f"导入培训课程“{course.title}”学员 {len(made)} 名",
    )
    return len(made)


# ---- 智库联盟 -------------------------------------------------------------------------------------


def _require_province(acting_user: Any) -> None:
    if not rules.can_keep_think_tank(acting_user):
        raise PermissionDenied(gettext("智库联盟由省科技厅管理"))


def _member_values(member: ThinkTankMember, values: dict[str, Any]) -> None:
    if "name" in values:
        member.name = inputs.text(values["name"], "name", gettext("姓名"), 40, required=True, min_length=2)
    if "category" in values:
        member.category = inputs.choice(
            values["category"], "category", gettext("类别"), MemberCategory.choices
        )
    if "organisation_id" in values:
        member.organisation = _organisation(values["organisation_id"], "organisation", gettext("所在单位"))
    if "fields" in values:
        member.fields = inputs.text(values["fields"], "fields", gettext("专业领域"), 200, required=True)
    if "person_id" in values:
        person_id = values["person_id"]
        person = Person.all_objects.filter(pk=person_id).first() if valid_id(person_id) else None
        if person_id not in (None, "") and person is None:
            raise ValidationError({"person": gettext("找不到该人员")})
        member.person = person
    if "joined_year" in values:
        member.joined_year = inputs.year(values["joined_year"], "joined_year", gettext("加入年份"))
    if "left_year" in values:
        left = values["left_year"]
        member.left_year = None if left in (None, "") else inputs.year(left, "left_year", gettext("退出年份"))
    if "is_public" in values and values["is_public"] is not None:
        member.is_public = bool(values["is_public"])
    if member.left_year is not None and member.left_year < member.joined_year:
        raise ValidationError({"left_year": gettext("退出年份不能早于加入年份")})


@transaction.atomic
def member_register(*, acting_user: Any, **values: Any) -> ThinkTankMember:
    """``values``: name, category, organisation_id, fields, person_id, joined_year, left_year, is_public."""
    _require_province(acting_user)
    member = ThinkTankMember(created_by=acting_user)
    required = {"name": "", "category": "", "organisation_id": None, "fields": "", "joined_year": None}
    _member_values(member, {**required, **values})
    member.full_clean(exclude=["organisation", "person", "expert", "created_by"])
    member.save()
    return member


@transaction.atomic
def member_update(
    *, acting_user: Any, member_id: Any, version: int | None = None, **values: Any
) -> ThinkTankMember:
    _require_province(acting_user)
    member = locked_for_user(ThinkTankMember, acting_user, member_id, version, gettext("找不到该智库成员"))
    _member_values(member, values)
    member.full_clean(exclude=["organisation", "person", "expert", "created_by"])
    member.version += 1
    member.save()
    return member


@transaction.atomic
def member_invite_as_expert(*, acting_user: Any, member_id: Any) -> ExpertProfile:
    """The province invites a member into the review experts: the member's person gets an expert
    profile (or keeps the one it has), linked to the membership, so reviews can assign them."""
    _require_province(acting_user)
    member = locked_for_user(ThinkTankMember, acting_user, member_id, None, gettext("找不到该智库成员"))
    if member.person_id is None:
        raise ValidationError(
            {
                "person": gettext("“{name}”没有关联平台登记的人员，请先在人员库登记并关联").format(
                    name=member.name
                )
            }
        )
    profile = ExpertProfile.all_objects.filter(person_id=member.person_id).first()
    if profile is None:
        person = Person.all_objects.select_related("organisation__division").get(pk=member.person_id)
        home = person.organisation.division
        city = Division.objects.get(pk=home.code[:4] + "00000000") if home.level != "province" else home
        profile = supply_services.expert_create(
            acting_user=acting_user,
            person=person,
            keywords=member.fields[:300],
            bio=gettext("乡村振兴智库联盟成员（{category}）").format(category=member.get_category_display()),
            home_city=city,
        )
    if member.expert_id != profile.pk:
        member.expert = profile
        member.version += 1
        member.save(update_fields=["expert", "version", "updated_at"])
    return profile


def _members(value: Any, field: str, *, required: bool) -> list[ThinkTankMember]:
    ids = list(value or [])
    wanted = {int(i) for i in ids if valid_id(i)}
    if len(wanted) != len(ids) or len(ids) > 200:
        raise ValidationError({field: gettext("参加成员编号无效")})
    found = list(ThinkTankMember.all_objects.filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({field: gettext("找不到所选的智库成员")})
    if required and not found:
        raise ValidationError({field: gettext("请至少选择一名参加成员")})
    return found


def _counties(value: Any) -> list[Division]:
    codes = [str(c).strip() for c in (value or []) if str(c).strip()]
    if not codes:
        raise ValidationError({"counties": gettext("请至少选择一个调研县（市、区）")})
    if len(codes) > 122:
        raise ValidationError({"counties": gettext("调研县（市、区）过多")})
    found = {d.code: d for d in Division.objects.filter(pk__in=codes)}
    for code in codes:
        division = found.get(code)
        if division is None or not code.startswith("44"):
            raise ValidationError(
                {"counties": gettext("找不到广东省的区划代码 {code}").format(code=code[:20])}
            )
        if division.level != "county" and not (
            division.level == "town" and division.parent is not None and division.parent.level == "city"
        ):
            raise ValidationError(
                {
                    "counties": gettext("调研地须选到县（市、区），“{name}”不是").format(
                        name=division.full_name
                    )
                }
            )
    return list(found.values())


def _report_values(report: ResearchReport, values: dict[str, Any]) -> None:
    if "title" in values:
        report.title = inputs.text(
            values["title"], "title", gettext("调研题目"), 120, required=True, min_length=4
        )
    if "year" in values:
        report.year = inputs.year(values["year"], "year", gettext("年度"))
    if "summary" in values:
        report.summary = inputs.text(values["summary"], "summary", gettext("报告摘要"), 3000)
    if "is_public" in values and values["is_public"] is not None:
        report.is_public = bool(values["is_public"])


@transaction.atomic
def report_register(*, acting_user: Any, member_ids: Any, county_codes: Any, **values: Any) -> ResearchReport:
    """``values``: title, year, summary, is_public. The PDF comes with ``report_attach``."""
    _require_province(acting_user)
    report = ResearchReport(created_by=acting_user)
    _report_values(report, {"title": "", "year": None, **values})
    members = _members(member_ids, "members", required=True)
    counties = _counties(county_codes)
    report.full_clean(exclude=["created_by", "file"])
    report.save()
    report.members.set(members)
    report.counties.set(counties)
    return report


@transaction.atomic
def report_update(
    *,
    acting_user: Any,
    report_id: Any,
    version: int | None = None,
    member_ids: Any = None,
    county_codes: Any = None,
    **values: Any,
) -> ResearchReport:
    _require_province(acting_user)
    report = locked_for_user(ResearchReport, acting_user, report_id, version, gettext("找不到该调研报告"))
    _report_values(report, values)
    members = _members(member_ids, "members", required=True) if member_ids is not None else None
    counties = _counties(county_codes) if county_codes is not None else None
    report.full_clean(exclude=["created_by", "file"])
    report.version += 1
    report.save()
    if members is not None:
        report.members.set(members)
    if counties is not None:
        report.counties.set(counties)
    return report


@transaction.atomic
def report_attach(*, acting_user: Any, report_id: Any, name: str, data: bytes) -> ResearchReport:
    """The report's PDF, judged by its content (a file renamed .pdf is refused); replaces the last."""
    _require_province(acting_user)
    report = locked_for_user(ResearchReport, acting_user, report_id, None, gettext("找不到该调研报告"))
    name = inputs.text(name or "report.pdf", "file", gettext("文件名"), 120) or "report.pdf"
    check_upload(name=name, data=data, allowed=("pdf",), max_bytes=MAX_REPORT_BYTES)
    report.file.save(f"report-{report.pk}.pdf", ContentFile(data), save=False)
    report.file_name = name
    report.version += 1
    report.save()
    return report


def _seminar_values(seminar: Seminar, values: dict[str, Any]) -> None:
    if "kind" in values:
        seminar.kind = inputs.choice(values["kind"], "kind", gettext("类型"), SeminarKind.choices)
    if "title" in values:
        seminar.title = inputs.text(
            values["title"], "title", gettext("名称"), 120, required=True, min_length=4
        )
    if "held_on" in values:
        seminar.held_on = inputs.past_date(values["held_on"], "held_on", gettext("举办日期"))
    if "place_code" in values:
        seminar.place = inputs.division(values["place_code"], "place", gettext("举办地"))
    if "other_participants" in values:
        seminar.other_participants = inputs.text(
            values["other_participants"], "other_participants", gettext("其他参加人员"), 300
        )
    if "participant_count" in values:
        seminar.participant_count = inputs.count(
            values["participant_count"], "participant_count", gettext("参加人数"), MAX_PARTICIPANTS
        )
    if "summary" in values:
        seminar.summary = inputs.text(values["summary"], "summary", gettext("会议纪要"), 3000)
    if "is_public" in values and values["is_public"] is not None:
        seminar.is_public = bool(values["is_public"])


@transaction.atomic
def seminar_register(*, acting_user: Any, member_ids: Any = None, **values: Any) -> Seminar:
    """``values``: kind, title, held_on, place_code, other_participants, participant_count, summary,
    is_public."""
    _require_province(acting_user)
    seminar = Seminar(created_by=acting_user)
    required = {"kind": "", "title": "", "held_on": None, "place_code": "", "participant_count": 0}
    _seminar_values(seminar, {**required, **values})
    members = _members(member_ids, "members", required=False)
    if seminar.participant_count < len(members):
        raise ValidationError({"participant_count": gettext("参加人数少于所选的参加成员数")})
    seminar.full_clean(exclude=["place", "created_by"])
    seminar.save()
    seminar.members.set(members)
    return seminar


@transaction.atomic
def seminar_update(
    *, acting_user: Any, seminar_id: Any, version: int | None = None, member_ids: Any = None, **values: Any
) -> Seminar:
    _require_province(acting_user)
    seminar = locked_for_user(Seminar, acting_user, seminar_id, version, gettext("找不到该研讨会或论坛"))
    _seminar_values(seminar, values)
    members = _members(member_ids, "members", required=False) if member_ids is not None else None
    count = len(members) if members is not None else seminar.members.count()
    if seminar.participant_count < count:
        raise ValidationError({"participant_count": gettext("参加人数少于所选的参加成员数")})
    seminar.full_clean(exclude=["place", "created_by"])
    seminar.version += 1
    seminar.save()
    if members is not None:
        seminar.members.set(members)
    return seminar


def active_in(year: int) -> Q:
    return Q(joined_year__lte=year) & (Q(left_year__isnull=True) | Q(left_year__gte=year))
