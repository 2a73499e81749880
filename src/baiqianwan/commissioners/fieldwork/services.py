"""Writes of 服务日志: a log with its photos, its correction, and the host town's confirmation or return."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.notifications import notify
from baiqianwan.regions.models import Division

from ..rounds.models import Assignment, AssignmentStatus, Team
from .models import Activity, LogStatus, ServiceLog, ServiceLogPhoto
from .rules import can_log_for, can_review_log, is_author
from .selectors import ZERO, log_get

MAX_PHOTOS = 6


MAX_PHOTO_BYTES = 5 * 1024 * 1024


PHOTO_SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}


# Guangdong, roughly: a point outside this box is a typo or a phone reporting the wrong place.
LATITUDE_RANGE = (Decimal(20), Decimal(26))


LONGITUDE_RANGE = (Decimal(109), Decimal(118))


DAY_CHOICES = (Decimal("0.5"), Decimal(1))


MIN_DESCRIPTION = 10


MAX_COUNT = 100_000  # people trained / problems solved on one day; anything above is a typo


def coordinates_clean(latitude: Any, longitude: Any, errors: dict[str, list[str]]) -> tuple[Any, Any]:
    """Both or neither, each a number inside Guangdong's box; errors are collected, not raised."""
    values: dict[str, Decimal | None] = {}
    for key, raw, label, (low, high) in (
        ("latitude", latitude, gettext("纬度"), LATITUDE_RANGE),
        ("longitude", longitude, gettext("经度"), LONGITUDE_RANGE),
    ):
        if raw in (None, ""):
            values[key] = None
            continue
        try:
            number = Decimal(str(raw)).quantize(Decimal("0.00001"))
        except (InvalidOperation, ValueError):
            errors.setdefault(key, []).append(gettext("{label}应为数字").format(label=label))
            values[key] = None
            continue
        if not low <= number <= high:
            errors.setdefault(key, []).append(
                gettext("{label}应在 {low}° 到 {high}° 之间（广东省范围内）").format(
                    label=label, low=low, high=high
                )
            )
        values[key] = number
    if (values["latitude"] is None) != (values["longitude"] is None) and not errors.get(
        "latitude" if values["latitude"] is None else "longitude"
    ):
        missing = "latitude" if values["latitude"] is None else "longitude"
        errors.setdefault(missing, []).append(gettext("经纬度应同时填写，或都不填"))
    return values["latitude"], values["longitude"]


def _photo_checks(photos: Sequence[Any], kept: int) -> tuple[list[tuple[str, bytes, str, str]], list[str]]:
    """Each upload's (name, data, content type, extension), or the problems naming each file.

    ``photos`` are uploaded files (anything with ``name``, ``size`` and ``read()``); an
    oversized file is refused by its size before it is read.
    """
    if kept + len(photos) > MAX_PHOTOS:
        return [], [
            gettext("每条服务日志最多 {MAX_PHOTOS} 张照片（现有 {kept} 张，本次选择 {len} 张）").format(
                MAX_PHOTOS=MAX_PHOTOS, kept=kept, len=len(photos)
            )
        ]
    problems: list[str] = []
    checked = []
    for upload in photos:
        name = str(upload.name or "照片").replace("\\", "/").rsplit("/", 1)[-1][-120:]
        data = b"" if (upload.size or 0) > MAX_PHOTO_BYTES else upload.read(MAX_PHOTO_BYTES + 1)
        if (upload.size or 0) > MAX_PHOTO_BYTES or len(data) > MAX_PHOTO_BYTES:
            problems.append(gettext("“{name}”超过 5 MB，请压缩后再上传").format(name=name))
            continue
        kind = next((v for sig, v in PHOTO_SIGNATURES.items() if data.startswith(sig)), None)
        if kind is None:
            problems.append(gettext("“{name}”不是 JPG 或 PNG 图片").format(name=name))
            continue
        checked.append((name, data, kind[0], kind[1]))
    return checked, problems


def _log_values(
    *,
    assignment: Assignment,
    team: Team,
    values: dict[str, Any],
    today: dt.date,
    current: ServiceLog | None,
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}

    def problem(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    served_on = values.get("served_on")
    if not isinstance(served_on, dt.date):
        problem("served_on", gettext("请填写服务日期"))
    else:
        start = assignment.started_on or team.started_on
        if served_on > today:
            problem("served_on", gettext("服务日期不能晚于今天"))
        elif served_on < start:
            problem(
                "served_on",
                gettext("服务日期不能早于派驻开始日期（{start:%Y年%m月%d日}）").format(start=start),
            )
        elif served_on > team.ends_on:
            problem(
                "served_on",
                gettext("服务日期不能晚于团队服务期满日期（{ends_on:%Y年%m月%d日}）").format(
                    ends_on=team.ends_on
                ),
            )
    cleaned["served_on"] = served_on

    village = Division.objects.filter(code=str(values.get("village_code") or "").strip()).first()
    if village is None or village.level != "village" or not village.code.startswith(team.town.prefix):
        problem("village", gettext("请选择{name}下辖的村（社区）").format(name=team.town.name))
    cleaned["village"] = village

    activity = str(values.get("activity") or "")
    if activity not in Activity.values:
        problem("activity", gettext("请从列表中选择服务内容"))
    cleaned["activity"] = activity

    try:
        days = Decimal(str(values.get("days", 1)))
    except (InvalidOperation, ValueError):
        days = Decimal(-1)
    if not days.is_finite() or days not in DAY_CHOICES:
        problem("days", gettext("在岗天数只能填 1 天或 0.5 天（半天）"))
    cleaned["days"] = days

    for key, label in (("people_trained", gettext("培训人数")), ("problems_solved", gettext("解决问题数"))):
        raw = values.get(key)
        try:
            number = int(raw) if raw not in (None, "") else 0
        except (TypeError, ValueError):
            problem(key, gettext("{label}应为整数").format(label=label))
            number = 0
        if number < 0:
            problem(key, gettext("{label}不能为负数").format(label=label))
        elif number > MAX_COUNT:
            problem(key, gettext("{label}过大，请核对").format(label=label))
        cleaned[key] = max(0, number)

    description = str(values.get("description") or "").strip()
    if len(description) < MIN_DESCRIPTION:
        problem(
            "description",
            gettext("请写明服务情况（至少 {MIN_DESCRIPTION} 个字）：做了什么、为谁、解决了什么").format(
                MIN_DESCRIPTION=MIN_DESCRIPTION
            ),
        )
    elif len(description) > 2000:
        problem("description", gettext("服务情况不能超过 2000 字"))
    cleaned["description"] = description

    cleaned["latitude"], cleaned["longitude"] = coordinates_clean(
        values.get("latitude"), values.get("longitude"), errors
    )

    if isinstance(served_on, dt.date) and "days" not in errors:
        # One commissioner, one date: at most a whole day, across all their assignments.
        same_day = ServiceLog.all_objects.filter(
            assignment__nomination__expert_id=assignment.nomination.expert_id, served_on=served_on
        ).exclude(status=LogStatus.RETURNED)
        if current is not None:
            same_day = same_day.exclude(pk=current.pk)
        logged = same_day.aggregate(total=Coalesce(Sum("days"), ZERO))["total"]
        if logged + days > 1:
            problem(
                "days",
                gettext("{served_on:%Y年%m月%d日}已填报 {normalize} 天，同一天合计不能超过 1 天").format(
                    served_on=served_on, normalize=logged.normalize()
                ),
            )
    if isinstance(served_on, dt.date) and village is not None and activity in Activity.values:
        duplicate = ServiceLog.all_objects.filter(
            assignment=assignment, served_on=served_on, village=village, activity=activity
        )
        if current is not None:
            duplicate = duplicate.exclude(pk=current.pk)
        if duplicate.exists():
            problem("activity", gettext("同一天在同一村已填报过这项服务，请修改原日志"))
    return cleaned


def _serving_assignment(acting_user: Any, assignment_id: int) -> tuple[Assignment, Team]:
    assignment = (
        Assignment.objects.for_user(acting_user)
        .select_related("need__town", "nomination__expert__person")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise ValidationError({"assignment": gettext("找不到该派驻安排，或它不在您的范围内")})
    if not can_log_for(acting_user, assignment):
        raise PermissionDenied(gettext("只能为本人的派驻安排填写服务日志"))
    team = Team.all_objects.filter(need_id=assignment.need_id).select_related("town").first()
    if team is None or not assignment.published:
        raise ValidationError({"assignment": gettext("该派驻安排尚未组建团队，不能填写服务日志")})
    if assignment.status != AssignmentStatus.ACCEPTED:
        raise ValidationError(
            {
                "assignment": gettext("该派驻安排为“{status}”，不能填写服务日志").format(
                    status=assignment.get_status_display()
                )
            }
        )
    return assignment, team


def _store_photos(log: ServiceLog, photos: Sequence[tuple[str, bytes, str, str]]) -> None:
    start = log.photos.count()
    for index, (name, data, content_type, extension) in enumerate(photos, start=start + 1):
        photo = ServiceLogPhoto(log=log, name=name, content_type=content_type, size=len(data))
        photo.file.save(f"log-{log.pk}-{index}.{extension}", ContentFile(data), save=False)
        photo.save()


def _tell_town(log: ServiceLog, *, again: bool) -> None:
    from baiqianwan.accounts.models import User

    town_id = log.assignment.need.town_id
    reviewers = list(User.objects.filter(is_active=True, role="town", division_id=town_id))
    if not reviewers:  # no town account yet: the county confirms
        reviewers = [
            u
            for u in User.objects.filter(is_active=True, role="county").select_related("division")
            if u.division is not None and town_id.startswith(u.division.prefix)
        ]
    name = log.assignment.nomination.expert.person.name
    notify(
        users=reviewers,
        title=f"{name}{'重新提交' if again else '提交'}了服务日志，请确认",
        body=f"{log.served_on:%Y年%m月%d日}在{log.village.name}{log.get_activity_display()}"
        f"（{log.days.normalize()} 天）。确认后计入在岗天数。",
        url=f"/commissioners/logs/{log.pk}/",
    )


@transaction.atomic
def log_create(
    *,
    acting_user: Any,
    assignment_id: int,
    photos: Sequence[Any] = (),
    today: dt.date | None = None,
    **values: Any,
) -> ServiceLog:
    """A commissioner's log for one day in one village; with any part invalid, nothing is stored."""
    today = today or timezone.localdate()
    assignment, team = _serving_assignment(acting_user, assignment_id)
    errors: dict[str, list[str]] = {}
    cleaned = _log_values(
        assignment=assignment, team=team, values=values, today=today, current=None, errors=errors
    )
    checked, problems = _photo_checks(photos, 0)
    if problems:
        errors["photos"] = problems
    if errors:
        raise ValidationError(errors)
    log = ServiceLog(assignment=assignment, status=LogStatus.SUBMITTED, **cleaned)
    log.full_clean()
    log.save()
    _store_photos(log, checked)
    _tell_town(log, again=False)
    return log


def _locked_log(log_id: int) -> ServiceLog:
    return (
        ServiceLog.all_objects.select_for_update(of=("self",))
        .select_related("assignment__need__town", "assignment__nomination__expert__person", "village")
        .get(pk=log_id)
    )


@transaction.atomic
def log_update(
    *,
    acting_user: Any,
    log_id: int,
    photos: Sequence[Any] = (),
    remove_photo_ids: Sequence[int] = (),
    today: dt.date | None = None,
    **values: Any,
) -> ServiceLog:
    """The author corrects a log that waits or was returned; it goes (back) to the town."""
    if log_get(user=acting_user, pk=log_id) is None:
        raise PermissionDenied(gettext("找不到该服务日志，或它不在您的范围内"))
    log = _locked_log(log_id)
    if not is_author(acting_user, log):
        raise PermissionDenied(gettext("只有填写人本人可以修改服务日志"))
    if log.status == LogStatus.CONFIRMED:
        raise ValidationError(gettext("已确认的服务日志不能修改"))
    today = today or timezone.localdate()
    assignment, team = _serving_assignment(acting_user, log.assignment_id)
    merged = {
        "served_on": log.served_on,
        "village_code": log.village_id,
        "activity": log.activity,
        "days": log.days,
        "people_trained": log.people_trained,
        "problems_solved": log.problems_solved,
        "description": log.description,
        "latitude": log.latitude,
        "longitude": log.longitude,
        **values,
    }
    errors: dict[str, list[str]] = {}
    cleaned = _log_values(
        assignment=assignment, team=team, values=merged, today=today, current=log, errors=errors
    )
    removing = log.photos.filter(pk__in=list(remove_photo_ids))
    kept = log.photos.count() - removing.count()
    checked, problems = _photo_checks(photos, kept)
    if problems:
        errors["photos"] = problems
    if errors:
        raise ValidationError(errors)
    again = log.status == LogStatus.RETURNED
    for key, value in cleaned.items():
        setattr(log, key, value)
    log.status = LogStatus.SUBMITTED
    log.reviewed_by, log.reviewed_at = None, None
    log.full_clean()
    log.save()
    for photo in removing:
        photo.file.delete(save=False)
        photo.delete()
    _store_photos(log, checked)
    if again:
        _tell_town(log, again=True)
    return log


def _reviewable(acting_user: Any, log_id: int) -> ServiceLog:
    if not ServiceLog.objects.for_user(acting_user, "change").filter(pk=log_id).exists():
        raise PermissionDenied(gettext("找不到该服务日志，或它不在您的管辖范围内"))
    log = _locked_log(log_id)
    if not can_review_log(acting_user, log):
        raise PermissionDenied(gettext("服务日志由服务乡镇（或所在县）确认"))
    if log.status != LogStatus.SUBMITTED:
        raise ValidationError(
            gettext("该服务日志已是“{status}”状态，不能再操作").format(status=log.get_status_display())
        )
    return log


@transaction.atomic
def log_confirm(*, acting_user: Any, log_id: int) -> ServiceLog:
    """The host town confirms: the log is locked and its days count as on-site days."""
    log = _reviewable(acting_user, log_id)
    log.status = LogStatus.CONFIRMED
    log.reviewed_by, log.reviewed_at = acting_user, timezone.now()
    log.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    return log


@transaction.atomic
def log_return(*, acting_user: Any, log_id: int, reason: str) -> ServiceLog:
    """The host town sends a log back with a reason; the author may correct and resubmit it."""
    log = _reviewable(acting_user, log_id)
    if not reason.strip():
        raise ValidationError({"reason": gettext("请填写退回原因，便于科技特派员修改")})
    log.status = LogStatus.RETURNED
    log.return_reason = reason.strip()[:200]
    log.reviewed_by, log.reviewed_at = acting_user, timezone.now()
    log.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at", "updated_at"])
    author = log.assignment.nomination.expert.user
    if author is not None:
        notify(
            users=[author],
            title=f"{log.served_on:%m月%d日}的服务日志被退回",
            body=f"{log.assignment.need.town.name}退回原因：{log.return_reason}。请修改后重新提交。",
            url=f"/commissioners/logs/{log.pk}/",
        )
    return log
