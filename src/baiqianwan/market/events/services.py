"""Writes of the transfer events: recorded (as a draft or published at once), corrected, published —
each one transaction with the achievements shown and the deals that followed, version-checked; bad
input named by field, nothing stored."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.concurrency import version_check
from baiqianwan.core.selectors import valid_id
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.supply.models import Achievement

from .. import checks
from ..models import Deal, DealStatus, EventKind, LabLevel, TransferEvent, TransferEventStatus
from . import rules

MAX_ATTENDANCE = 100_000
MAX_LINKS = 50


def _ids(value: Any, field: str, label: str) -> list[int]:
    """Record numbers: a list, or text separated by commas, spaces or 、."""
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,，、;；]+", str(value or ""))
    found: list[int] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if not text.isdigit() or not valid_id(int(text)):
            raise ValidationError(
                {field: gettext("{label}“{value}”不是编号").format(label=label, value=text[:20])}
            )
        if int(text) not in found:
            found.append(int(text))
    if len(found) > MAX_LINKS:
        raise ValidationError({field: gettext("{label}最多 {n} 项").format(label=label, n=MAX_LINKS)})
    return found


def _links(event: TransferEvent, acting_user: Any, values: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    achievement_ids = _ids(values.get("achievement_ids"), "achievement_ids", gettext("展示成果"))
    achievements = list(Achievement.objects.for_user(acting_user).filter(pk__in=achievement_ids))
    missing = sorted(set(achievement_ids) - {a.pk for a in achievements})
    if missing:
        raise ValidationError(
            {
                "achievement_ids": gettext("找不到编号为 {ids} 的科技成果，或您无权查看").format(
                    ids="、".join(map(str, missing))
                )
            }
        )
    deal_ids = _ids(values.get("deal_ids"), "deal_ids", gettext("后续交易"))
    deals = list(Deal.objects.for_user(acting_user).filter(pk__in=deal_ids))
    missing = sorted(set(deal_ids) - {d.pk for d in deals})
    if missing:
        raise ValidationError(
            {
                "deal_ids": gettext("找不到编号为 {ids} 的技术交易，或您无权查看").format(
                    ids="、".join(map(str, missing))
                )
            }
        )
    for deal in deals:
        if deal.status != DealStatus.REGISTERED:
            raise ValidationError(
                {
                    "deal_ids": gettext("技术交易“{title}”尚未登记（{status}），登记后再关联").format(
                        title=deal.title, status=deal.get_status_display()
                    )
                }
            )
        if deal.registered_on < event.held_on:
            raise ValidationError(
                {
                    "deal_ids": gettext(
                        "技术交易“{title}”登记于 {day}，早于活动日期，不是活动后的交易"
                    ).format(title=deal.title, day=deal.registered_on.isoformat())
                }
            )
    return achievements, deals


def _values(event: TransferEvent, acting_user: Any, values: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    event.title = checks.text(values.get("title"), "title", gettext("活动名称"), limit=120, minimum=4)
    if values.get("host_level") not in LabLevel.values:
        raise ValidationError({"host_level": gettext("实验室类别须是省实验室或省重点实验室")})
    event.host_level = values["host_level"]
    if values.get("kind") not in EventKind.values:
        raise ValidationError({"kind": gettext("活动类型须是成果发布、路演或培训")})
    event.kind = values["kind"]
    event.place = checks.place(values.get("place_code"), "place", gettext("活动地点"))
    event.in_east_west_north = is_east_west_north(event.place.code)
    event.held_on = checks.past_date(values.get("held_on"), "held_on", gettext("活动日期"))
    industry = Industry.objects.filter(pk=str(values.get("industry") or "")[:40]).first()
    if industry is None:
        raise ValidationError({"industry": gettext("请选择活动的领域（产业）")})
    event.industry = industry
    attendance = values.get("attendance")
    if (
        isinstance(attendance, bool)
        or not isinstance(attendance, int)
        or not 1 <= attendance <= MAX_ATTENDANCE
    ):
        raise ValidationError(
            {"attendance": gettext("参加人数须是 1 到 {max} 之间的整数").format(max=f"{MAX_ATTENDANCE:,}")}
        )
    event.attendance = attendance
    event.summary = checks.text(values.get("summary"), "summary", gettext("活动内容"), limit=2000)
    return _links(event, acting_user, values)


def _host(acting_user: Any, host_id: Any) -> Organisation:
    if rules.unit_account(acting_user):
        if host_id not in (None, "", acting_user.organisation_id):
            raise PermissionDenied(gettext("单位账号只能登记本单位主办的活动"))
        return acting_user.organisation
    host = Organisation.all_objects.filter(pk=host_id).first() if valid_id(host_id) else None
    if host is None:
        raise ValidationError({"host": gettext("请选择主办单位（省实验室、省重点实验室或其分中心）")})
    return host


def _store(event: TransferEvent, achievements: list[Any], deals: list[Any]) -> None:
    event.achievements.set(achievements)
    event.deals.set(deals)


EXCLUDED = ("host", "place", "industry", "created_by")


@transaction.atomic
def transfer_event_create(
    *, acting_user: Any, host_id: Any = None, publish: bool = False, **values: Any
) -> TransferEvent:
    """The host's account, or the bureau of the place, records an event.

    ``values``: title, host_level, kind, place_code, held_on, industry, attendance, summary,
    achievement_ids, deal_ids."""
    if not rules.can_record(acting_user):
        raise PermissionDenied(gettext("转化活动由主办单位或活动所在地的科技部门登记"))
    host = _host(acting_user, host_id)
    event = TransferEvent(host=host, created_by=acting_user)
    achievements, deals = _values(event, acting_user, values)
    if not rules.records_for(acting_user, host.pk, event.place.code):
        raise PermissionDenied(
            gettext("活动地点“{place}”不在本部门管辖范围内").format(place=event.place.full_name)
        )
    event.full_clean(exclude=EXCLUDED)
    event.save()
    _store(event, achievements, deals)
    if publish:
        _publish(event)
    return event


def _locked(acting_user: Any, event_id: Any, version: int | None) -> TransferEvent:
    event = (
        TransferEvent.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .filter(pk=event_id)
        .first()
        if valid_id(event_id)
        else None
    )
    if event is None:
        raise PermissionDenied(gettext("找不到该活动，或您无权办理"))
    if not rules.can_edit(acting_user, event):
        raise PermissionDenied(gettext("只有主办单位或活动所在地的科技部门可以修改活动"))
    version_check(current=event.version, expected=version)
    return event


@transaction.atomic
def transfer_event_update(
    *, acting_user: Any, event_id: Any, version: int | None = None, **values: Any
) -> TransferEvent:
    """Corrected by whoever may record it; a bureau cannot move it out of its region."""
    event = _locked(acting_user, event_id, version)
    achievements, deals = _values(event, acting_user, values)
    if not rules.records_for(acting_user, event.host_id, event.place.code):
        raise PermissionDenied(
            gettext("活动地点“{place}”不在本部门管辖范围内").format(place=event.place.full_name)
        )
    event.full_clean(exclude=EXCLUDED)
    event.version += 1
    event.save()
    _store(event, achievements, deals)
    return event


def _publish(event: TransferEvent) -> None:
    event.status, event.is_public, event.published_at = TransferEventStatus.PUBLISHED, True, timezone.now()
    event.version += 1
    event.save(update_fields=["status", "is_public", "published_at", "version", "updated_at"])


@transaction.atomic
def transfer_event_publish(*, acting_user: Any, event_id: Any, version: int | None = None) -> TransferEvent:
    """A draft is published: every signed-in user reads it and it counts in the totals."""
    event = _locked(acting_user, event_id, version)
    if event.status != TransferEventStatus.DRAFT:
        raise ValidationError(gettext("活动已发布"))
    _publish(event)
    return event
