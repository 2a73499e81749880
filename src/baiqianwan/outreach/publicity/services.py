"""Writes of 典型案例, 通报表扬 and policy pages. A county or city bureau writes a case about its
region, with photos, the demand it solved and the people who served, and sends it to the province;
the province publishes it or returns it with a note, and may take a published case down. The
province keeps the commendation lists (filled by hand or from the platform's records: commissioners
rated 优秀 in a year, projects that passed acceptance) and the policy pages, and publishes them.
Each write is one transaction, version-checked where it edits; bad input is named by field, in
Chinese, with nothing stored."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.commissioners.assessment.models import AssessmentRecord, Grade
from baiqianwan.commissioners.rounds.models import Assignment
from baiqianwan.core.concurrency import locked_for_user
from baiqianwan.core.selectors import valid_id
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Person
from baiqianwan.projects.models import Project, ProjectStatus
from baiqianwan.regions import inputs
from baiqianwan.regions.models import Division

from ..models import (
    CasePhoto,
    CaseStatus,
    Commendation,
    CommendationEntry,
    HonourKind,
    PolicyDocument,
    PolicyKind,
    ShowcaseCase,
)
from . import photos, rules

CASE_LEVELS = ("city", "county", "town", "village")
MAX_PEOPLE = 20
MAX_PHOTOS = 6
MAX_ENTRIES = 500
FILL_SOURCES = ("commissioners", "projects")


# ---- 典型案例 -------------------------------------------------------------------------------------


def _place(acting_user: Any, code: Any) -> Division:
    place = inputs.division(code, "place", gettext("发生地"))
    if place.level not in CASE_LEVELS:
        raise ValidationError({"place": gettext("发生地请选到地市、县（市、区）、镇或村")})
    if not rules.covers(acting_user, place.code):
        raise ValidationError(
            {
                "place": gettext("{where}不在您的管辖范围内，只能撰写本地区的案例").format(
                    where=place.full_name
                )
            }
        )
    return place


def _industry(code: Any) -> Industry | None:
    if code in (None, ""):
        return None
    found = Industry.objects.filter(code=str(code)[:30]).first()
    if found is None:
        raise ValidationError({"industry": gettext("找不到产业代码 {code}").format(code=str(code)[:30])})
    return found


def _demand(acting_user: Any, demand_id: Any) -> Demand | None:
    if demand_id in (None, ""):
        return None
    solved = Q(status=DemandStatus.SOLVED) | Q(status=DemandStatus.CLOSED, solved_at__isnull=False)
    found = Demand.objects.for_user(acting_user).filter(pk=demand_id).first() if valid_id(demand_id) else None
    if found is None:
        raise ValidationError({"demand": gettext("找不到该需求，或它不在您的管辖范围内")})
    if not Demand.all_objects.filter(solved, pk=found.pk).exists():
        raise ValidationError(
            {
                "demand": gettext("需求“{title}”尚未解决，典型案例只能关联已解决的需求").format(
                    title=found.title
                )
            }
        )
    return found


def people_choices(acting_user: Any) -> Any:
    """Whom a case may name: people the bureau can see, and the commissioners serving in its region."""
    serving = Assignment.objects.for_user(acting_user).values("nomination__expert__person")
    visible = Person.objects.for_user(acting_user).values("pk")
    return Person.all_objects.filter(Q(pk__in=visible) | Q(pk__in=serving))


def _people(acting_user: Any, ids: Any) -> list[Person]:
    given = list(ids or []) if isinstance(ids, list | tuple | set) else [ids] if ids else []
    if len(given) > MAX_PEOPLE:
        raise ValidationError({"people": gettext("参与人员最多 {n} 人").format(n=MAX_PEOPLE)})
    if not all(valid_id(i) for i in given):
        raise ValidationError({"people": gettext("参与人员的编号不正确")})
    wanted = {int(i) for i in given}
    found = list(people_choices(acting_user).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"people": gettext("有参与人员找不到，或不在您的管辖范围内")})
    return found


def _case_values(case: ShowcaseCase, acting_user: Any, values: dict[str, Any]) -> list[Person] | None:
    if "title" in values:
        case.title = inputs.text(
            values["title"], "title", gettext("案例标题"), 80, required=True, min_length=6
        )
    if "summary" in values:
        case.summary = inputs.text(
            values["summary"], "summary", gettext("摘要"), 300, required=True, min_length=20
        )
    if "body" in values:
        case.body = inputs.text(
            values["body"], "body", gettext("案例正文"), 8000, required=True, min_length=100
        )
    if "results" in values:
        case.results = inputs.text(values["results"], "results", gettext("取得成效"), 2000)
    if "industry_code" in values:
        case.industry = _industry(values["industry_code"])
    if "demand_id" in values:
        case.demand = _demand(acting_user, values["demand_id"])
    return _people(acting_user, values["person_ids"]) if "person_ids" in values else None


@transaction.atomic
def case_create(*, acting_user: Any, place_code: Any, **values: Any) -> ShowcaseCase:
    """A bureau starts a case about a place of its region. ``values``: title, summary, body,
    results, industry_code, demand_id, person_ids."""
    if not rules.is_bureau(acting_user):
        raise PermissionDenied(gettext("只有省科技厅和地市、县（市、区）科技部门可以撰写典型案例"))
    case = ShowcaseCase(place=_place(acting_user, place_code), created_by=acting_user)
    for required in ("title", "summary", "body"):
        values.setdefault(required, "")
    people = _case_values(case, acting_user, values)
    case.save()
    if people:
        case.people.set(people)
    return case


@transaction.atomic
def case_update(*, acting_user: Any, case_id: Any, version: Any = None, **values: Any) -> ShowcaseCase:
    case = locked_for_user(ShowcaseCase, acting_user, case_id, version, gettext("找不到该案例，或您无权修改"))
    if not rules.can_edit_case(acting_user, case):
        raise PermissionDenied(
            gettext("案例“{title}”{status}，不能修改").format(
                title=case.title, status=case.get_status_display()
            )
        )
    if "place_code" in values:
        case.place = _place(acting_user, values.pop("place_code"))
    people = _case_values(case, acting_user, values)
    case.version += 1
    case.save()
    if people is not None:
        case.people.set(people)
    return case


@transaction.atomic
def case_submit(*, acting_user: Any, case_id: Any, version: Any = None) -> ShowcaseCase:
    """The bureau sends the case to the province for review."""
    case = locked_for_user(ShowcaseCase, acting_user, case_id, version, gettext("找不到该案例，或您无权修改"))
    if not rules.can_edit_case(acting_user, case):
        raise PermissionDenied(
            gettext("案例“{title}”{status}，不能报送").format(
                title=case.title, status=case.get_status_display()
            )
        )
    if not case.photos.exists():
        raise ValidationError({"photos": gettext("请至少上传一张现场照片再报送")})
    case.status = CaseStatus.SUBMITTED
    case.submitted_at = timezone.now()
    case.version += 1
    case.save()
    return case


@transaction.atomic
def case_review(
    *, acting_user: Any, case_id: Any, publish: bool, note: Any = "", version: Any = None
) -> ShowcaseCase:
    """The province publishes a submitted case on the portal, or returns it with what to change."""
    case = locked_for_user(ShowcaseCase, acting_user, case_id, version, gettext("找不到该案例，或您无权审核"))
    if not rules.can_review_case(acting_user, case):
        raise PermissionDenied(gettext("只有省科技厅可以审核待审核的案例"))
    note = inputs.text(note, "note", gettext("审核意见"), 500, required=not publish)
    case.review_note = note
    case.reviewed_by = acting_user
    if publish:
        case.status, case.is_published, case.published_at = CaseStatus.PUBLISHED, True, timezone.now()
    else:
        case.status = CaseStatus.RETURNED
    case.version += 1
    case.save()
    return case


@transaction.atomic
def case_withdraw(*, acting_user: Any, case_id: Any, note: Any, version: Any = None) -> ShowcaseCase:
    """The province takes a published case down from the portal (the bureau may then correct it)."""
    case = locked_for_user(ShowcaseCase, acting_user, case_id, version, gettext("找不到该案例，或您无权操作"))
    if not rules.can_withdraw_case(acting_user, case):
        raise PermissionDenied(gettext("只有省科技厅可以撤下已发布的案例"))
    case.review_note = inputs.text(note, "note", gettext("撤下原因"), 500, required=True)
    case.status, case.is_published, case.reviewed_by = CaseStatus.WITHDRAWN, False, acting_user
    case.version += 1
    case.save()
    return case


@transaction.atomic
def photo_add(*, acting_user: Any, case_id: Any, name: str, data: bytes, caption: Any = "") -> CasePhoto:
    case = locked_for_user(ShowcaseCase, acting_user, case_id, None, gettext("找不到该案例，或您无权修改"))
    if not rules.can_edit_case(acting_user, case):
        raise PermissionDenied(
            gettext("案例“{title}”{status}，不能修改").format(
                title=case.title, status=case.get_status_display()
            )
        )
    if case.photos.count() >= MAX_PHOTOS:
        raise ValidationError({"image": gettext("每个案例最多 {n} 张照片").format(n=MAX_PHOTOS)})
    caption = inputs.text(caption, "caption", gettext("图片说明"), 60)
    stored, kind, width, height = photos.clean_photo(name=str(name)[:100], data=data)
    position = (case.photos.aggregate(last=Max("position"))["last"] or 0) + 1
    photo = CasePhoto(case=case, kind=kind, width=width, height=height, caption=caption, position=position)
    photo.image.save(
        f"case-{case.pk}-{position}.{'png' if kind == 'png' else 'jpg'}", ContentFile(stored), save=False
    )
    photo.save()
    case.version += 1
    case.save(update_fields=["version", "updated_at"])
    return photo


@transaction.atomic
def photo_remove(*, acting_user: Any, photo_id: Any) -> None:
    photo = (
        CasePhoto.objects.select_related("case").filter(pk=photo_id).first() if valid_id(photo_id) else None
    )
    case = (
        ShowcaseCase.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .filter(pk=photo.case_id)
        .first()
        if photo
        else None
    )
    if photo is None or case is None:
        raise PermissionDenied(gettext("找不到该照片，或您无权修改"))
    if not rules.can_edit_case(acting_user, case):
        raise PermissionDenied(
            gettext("案例“{title}”{status}，不能修改").format(
                title=case.title, status=case.get_status_display()
            )
        )
    photo.image.delete(save=False)
    photo.delete()
    case.version += 1
    case.save(update_fields=["version", "updated_at"])


# ---- 通报表扬 -------------------------------------------------------------------------------------


def _year(value: Any) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({"year": gettext("年度须是四位数字，如 2025")}) from None
    if not 2023 <= year <= timezone.localdate().year:
        raise ValidationError(
            {"year": gettext("年度须在 2023 至 {last} 之间").format(last=timezone.localdate().year)}
        )
    return year


def _commendation_values(item: Commendation, values: dict[str, Any]) -> None:
    if "title" in values:
        item.title = inputs.text(
            values["title"], "title", gettext("通报名称"), 120, required=True, min_length=6
        )
    if "document_number" in values:
        item.document_number = inputs.text(values["document_number"], "document_number", gettext("文号"), 40)
    if "year" in values:
        item.year = _year(values["year"])
    if "intro" in values:
        item.intro = inputs.text(values["intro"], "intro", gettext("通报正文"), 3000)


def _province_only(acting_user: Any) -> None:
    if not rules.can_publish(acting_user):
        raise PermissionDenied(gettext("通报表扬和政策文件由省科技厅发布"))


@transaction.atomic
def commendation_create(*, acting_user: Any, **values: Any) -> Commendation:
    """``values``: title, document_number, year, intro."""
    _province_only(acting_user)
    item = Commendation(created_by=acting_user)
    values.setdefault("title", "")
    values.setdefault("year", "")
    _commendation_values(item, values)
    item.save()
    return item


@transaction.atomic
def commendation_update(
    *, acting_user: Any, commendation_id: Any, version: Any = None, **values: Any
) -> Commendation:
    _province_only(acting_user)
    item = locked_for_user(Commendation, acting_user, commendation_id, version, gettext("找不到该通报"))
    if item.is_published:
        raise PermissionDenied(gettext("通报已发布，不能修改；如需更正请先撤回"))
    _commendation_values(item, values)
    item.version += 1
    item.save()
    return item


def _editable_commendation(acting_user: Any, commendation_id: Any) -> Commendation:
    _province_only(acting_user)
    item = locked_for_user(Commendation, acting_user, commendation_id, None, gettext("找不到该通报"))
    if item.is_published:
        raise PermissionDenied(gettext("通报已发布，不能修改名单；如需更正请先撤回"))
    return item


def _next_position(item: Commendation) -> int:
    return (item.entries.aggregate(last=Max("position"))["last"] or 0) + 1


def _check_room(item: Commendation, adding: int) -> None:
    if item.entries.count() + adding > MAX_ENTRIES:
        raise ValidationError({"entries": gettext("一份通报最多 {n} 条表扬名单").format(n=MAX_ENTRIES)})


@transaction.atomic
def entry_add(
    *,
    acting_user: Any,
    commendation_id: Any,
    kind: Any,
    name: Any,
    reason: Any,
    organisation: Any = "",
    place_code: Any = None,
) -> CommendationEntry:
    item = _editable_commendation(acting_user, commendation_id)
    entry = CommendationEntry(
        commendation=item,
        kind=inputs.choice(kind, "kind", gettext("类别"), HonourKind.choices),
        name=inputs.text(name, "name", gettext("名称或姓名"), 80, required=True, min_length=2),
        organisation=inputs.text(organisation, "organisation", gettext("所在单位"), 120),
        reason=inputs.text(reason, "reason", gettext("表扬事由"), 300, required=True, min_length=4),
        place=inputs.division(place_code, "place", gettext("服务地")) if place_code else None,
    )
    if item.entries.filter(kind=entry.kind, name=entry.name, organisation=entry.organisation).exists():
        raise ValidationError({"name": gettext("“{name}”已在名单中").format(name=entry.name)})
    _check_room(item, 1)
    entry.position = _next_position(item)
    entry.save()
    item.version += 1
    item.save(update_fields=["version", "updated_at"])
    return entry


@transaction.atomic
def entry_remove(*, acting_user: Any, entry_id: Any) -> None:
    entry = CommendationEntry.objects.filter(pk=entry_id).first() if valid_id(entry_id) else None
    if entry is None:
        raise PermissionDenied(gettext("找不到该条名单"))
    item = _editable_commendation(acting_user, entry.commendation_id)
    entry.delete()
    item.version += 1
    item.save(update_fields=["version", "updated_at"])


def _from_commissioners(year: int) -> list[CommendationEntry]:
    records = (
        AssessmentRecord.all_objects.filter(scheme__year=year, scheme__finalised=True, grade=Grade.EXCELLENT)
        .select_related("assignment__nomination__expert__person__organisation", "assignment__need__town")
        .order_by("-total", "pk")
    )
    return [
        CommendationEntry(
            kind=HonourKind.PERSON,
            name=record.assignment.nomination.expert.person.name,
            organisation=record.assignment.nomination.expert.person.organisation.name,
            place=record.assignment.need.town,
            reason=gettext("{year} 年度科技特派员考核优秀（综合得分 {total}），服务{town}").format(
                year=year, total=record.total, town=record.assignment.need.town.name
            ),
            source=gettext("{year} 年度考核").format(year=year),
        )
        for record in records
    ]


def _from_projects(year: int) -> list[CommendationEntry]:
    projects = (
        Project.all_objects.filter(status=ProjectStatus.PASSED, finished_at__year=year)
        .select_related("organisation", "place", "division")
        .order_by("reference")
    )
    return [
        CommendationEntry(
            kind=HonourKind.UNIT,
            name=project.organisation.name,
            organisation="",
            place=project.place or project.division,
            reason=gettext("承担的“{title}”（{reference}）通过验收").format(
                title=project.title, reference=project.reference
            ),
            source=project.reference,
        )
        for project in projects
    ]


@transaction.atomic
def commendation_fill(*, acting_user: Any, commendation_id: Any, source: Any) -> int:
    """Add to the list from the platform's records of the commendation's year: commissioners rated
    优秀 in a finalised assessment, or units whose projects passed acceptance. Those already listed
    are skipped; returns how many were added."""
    item = _editable_commendation(acting_user, commendation_id)
    source = inputs.choice(
        source,
        "source",
        gettext("名单来源"),
        [
            ("commissioners", gettext("年度考核优秀的科技特派员")),
            ("projects", gettext("通过验收项目的承担单位")),
        ],
    )
    found = _from_commissioners(item.year) if source == "commissioners" else _from_projects(item.year)
    listed = set(item.entries.values_list("kind", "name", "organisation"))
    fresh: list[CommendationEntry] = []
    for entry in found:
        key = (entry.kind, entry.name, entry.organisation)
        if key in listed:
            continue
        listed.add(key)
        fresh.append(entry)
    if not found:
        raise ValidationError(
            {
                "source": gettext("{year} 年度没有可用的记录（考核须已定档，项目须已通过验收）").format(
                    year=item.year
                )
            }
        )
    _check_room(item, len(fresh))
    position = _next_position(item)
    for offset, entry in enumerate(fresh):
        entry.commendation, entry.position = item, position + offset
    CommendationEntry.objects.bulk_create(fresh)
    item.version += 1
    item.save(update_fields=["version", "updated_at"])
    return len(fresh)


@transaction.atomic
def commendation_publish(
    *, acting_user: Any, commendation_id: Any, publish: bool, version: Any = None
) -> Commendation:
    _province_only(acting_user)
    item = locked_for_user(Commendation, acting_user, commendation_id, version, gettext("找不到该通报"))
    if publish and not item.entries.exists():
        raise ValidationError({"entries": gettext("名单为空，不能发布")})
    item.is_published = bool(publish)
    item.published_on = timezone.localdate() if publish else None
    item.version += 1
    item.save()
    return item


# ---- 政策与解读 -----------------------------------------------------------------------------------


def _policy_values(item: PolicyDocument, acting_user: Any, values: dict[str, Any]) -> None:
    if "kind" in values:
        item.kind = inputs.choice(values["kind"], "kind", gettext("类型"), PolicyKind.choices)
    if "title" in values:
        item.title = inputs.text(values["title"], "title", gettext("标题"), 120, required=True, min_length=6)
    if "issuer" in values:
        item.issuer = inputs.text(
            values["issuer"], "issuer", gettext("发布机关"), 60, required=True, min_length=2
        )
    if "document_number" in values:
        item.document_number = inputs.text(values["document_number"], "document_number", gettext("文号"), 40)
    if "issued_on" in values:
        item.issued_on = inputs.past_date(values["issued_on"], "issued_on", gettext("发布日期"))
    if "body" in values:
        item.body = inputs.text(values["body"], "body", gettext("正文"), 60000, required=True, min_length=50)
    if "interprets_id" in values:
        target = values["interprets_id"]
        item.interprets = None
        if target not in (None, ""):
            found = (
                PolicyDocument.objects.for_user(acting_user).filter(pk=target, kind=PolicyKind.POLICY).first()
                if valid_id(target)
                else None
            )
            if found is None or found.pk == item.pk:
                raise ValidationError({"interprets": gettext("请选择平台已登记的政策文件")})
            item.interprets = found
    if item.kind == PolicyKind.POLICY:
        item.interprets = None
    elif item.interprets is None:
        raise ValidationError({"interprets": gettext("政策解读须选择它所解读的政策文件")})
    elif item.pk and item.interpretations.exists():
        raise ValidationError({"kind": gettext("该文件已有政策解读，不能改为政策解读")})


@transaction.atomic
def policy_create(*, acting_user: Any, **values: Any) -> PolicyDocument:
    """``values``: kind, title, issuer, document_number, issued_on, body, interprets_id."""
    _province_only(acting_user)
    item = PolicyDocument(created_by=acting_user)
    for required in ("kind", "title", "issuer", "issued_on", "body"):
        values.setdefault(required, "")
    _policy_values(item, acting_user, values)
    item.save()
    return item


@transaction.atomic
def policy_update(*, acting_user: Any, policy_id: Any, version: Any = None, **values: Any) -> PolicyDocument:
    _province_only(acting_user)
    item = locked_for_user(PolicyDocument, acting_user, policy_id, version, gettext("找不到该文件"))
    _policy_values(item, acting_user, values)
    item.version += 1
    item.save()
    return item


@transaction.atomic
def policy_publish(*, acting_user: Any, policy_id: Any, publish: bool, version: Any = None) -> PolicyDocument:
    _province_only(acting_user)
    item = locked_for_user(PolicyDocument, acting_user, policy_id, version, gettext("找不到该文件"))
    item.is_published = bool(publish)
    item.version += 1
    item.save()
    return item
