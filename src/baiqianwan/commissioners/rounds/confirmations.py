"""Appointees confirm their posting (确认派驻): an account each, their unit confirming for them, reminders.

Publishing a round invites every appointee. Someone without a platform account could never answer,
so publishing creates one (or links the account that already carries their name and mobile), and
tells the unit that nominated them: the unit passes the invitation on and, when the person answers
in writing or by phone, records that answer for them, saying how. Appointees who have not answered
are listed, and reminded at most once a day (a button, and ``bqw dispatch_remind`` run daily).

It sits below ``services`` (``round_publish`` calls ``appointees_tell``) and above ``selectors``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.notifications import notify
from baiqianwan.supply.models import ExpertProfile

from .models import Assignment, AssignmentStatus, ConfirmedVia, DispatchRound
from .rules import can_confirm_for, can_remind, can_send_reminders
from .selectors import unconfirmed_list

UNIT_WAYS = (ConfirmedVia.WRITTEN, ConfirmedVia.PHONE)


CONFIRMATIONS_URL = "/commissioners/confirmations/"


_LEADER = "，团队负责人"


REMIND_AFTER_DAYS = 3  # the daily reminder waits this long after the invitation


def plain_text(value: str, limit: int) -> str:
    """One line of text as typed, without control characters, trimmed to ``limit``."""
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value)
    return " ".join(kept.split())[:limit]


def _username(expert: ExpertProfile) -> str:
    base = f"tpy{expert.person_id:06d}"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def commissioner_account_ensure(*, acting_user: Any, expert: ExpertProfile) -> tuple[User, bool]:
    """The appointee's account: their own, or an unlinked one with their name and mobile, or a new
    one (without a password until an administrator sets one). Returns (account, created)."""
    if expert.user_id is not None:
        return expert.user, False  # type: ignore[return-value]
    person = expert.person
    same = list(
        User.objects.filter(
            role__in=(Role.COMMISSIONER, Role.EXPERT),
            is_active=True,
            display_name=person.name,
            phone=person.mobile,
            expert_profile__isnull=True,
        )[:2]
    )
    created = len(same) != 1
    if created:
        user = User(
            username=_username(expert),
            display_name=person.name,
            role=Role.COMMISSIONER,
            phone=person.mobile,
            # Bound to the unit's place, so the unit's county bureau manages the account.
            division=person.organisation.division,
            created_by=acting_user,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
    else:
        user = same[0]
    expert.user = user
    expert.save(update_fields=["user", "updated_at"])
    audit_event_record(
        kind=AuditEvent.Kind.PERMISSION,
        user=acting_user,
        detail=f"{'开通' if created else '关联'}科技特派员{person.name}的平台账号 {user.username}",
    )
    return user, created


def _unit_users(organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.ORG, organisation_id=organisation_id)


def appointees_tell(
    *, acting_user: Any, dispatch_round: DispatchRound, assignments: list[Assignment]
) -> None:
    """After publishing: each appointee gets an account and the invitation; each unit learns who of
    its people were chosen, which accounts were opened, and that it may confirm for them."""
    by_unit: dict[int, list[tuple[Assignment, User, bool]]] = defaultdict(list)
    for assignment in assignments:
        expert = assignment.nomination.expert
        user, created = commissioner_account_ensure(acting_user=acting_user, expert=expert)
        by_unit[assignment.nomination.organisation_id].append((assignment, user, created))
        notify(
            users=[user],
            title=f"您已入选{dispatch_round.name}科技特派员",
            body=f"派驻{assignment.need.town.full_name}"
            + ("，任团队负责人" if assignment.leader else "")
            + "。请在平台上确认接受。",
            url=f"/commissioners/rounds/{dispatch_round.pk}/",
            key=f"dispatch:{dispatch_round.pk}:{assignment.pk}",
        )
    for unit_id, rows in by_unit.items():
        lines = [
            f"{a.nomination.expert.person.name}（{a.need.town.full_name}{_LEADER if a.leader else ''}）"
            for a, _, _ in rows
        ]
        opened = [
            f"{a.nomination.expert.person.name}：{user.username}" for a, user, created in rows if created
        ]
        body = (
            "入选："
            + "；".join(lines)
            + "。请转告本人登录平台确认；本人答复后，也可由本单位在“待确认的派驻”中代为确认"
            "（书面确认或电话确认，须说明情况）。"
        )
        if opened:
            body += "已开通平台账号（首次登录前请所在地科技部门设置密码）：" + "；".join(opened) + "。"
        notify(
            users=_unit_users(unit_id),
            title=f"本单位 {len(rows)} 名专家入选{dispatch_round.name}科技特派员",
            body=body,
            url=CONFIRMATIONS_URL,
            key=f"dispatch-unit:{dispatch_round.pk}:{unit_id}:{min(a.pk for a, _, _ in rows)}",
        )


@transaction.atomic
def assignment_confirm_for(*, acting_user: Any, assignment: Assignment, via: str, note: str) -> Assignment:
    """The unit records the appointee's acceptance, given in writing or by phone, and how."""
    assignment = (
        Assignment.all_objects.select_for_update(of=("self",))
        .select_related("round", "need__town", "nomination__expert__person", "nomination__expert__user")
        .get(pk=assignment.pk)
    )
    if not can_confirm_for(acting_user, assignment):
        raise PermissionDenied(gettext("只有推荐该专家的派出单位可以代为确认"))
    if assignment.status != AssignmentStatus.INVITED:
        raise ValidationError(
            gettext("该派驻安排已是“{status}”状态，无需确认").format(status=assignment.get_status_display())
        )
    if via not in UNIT_WAYS:
        raise ValidationError({"via": gettext("确认方式只能是“书面确认”或“电话确认”")})
    note = plain_text(note, 200)
    if not note:
        raise ValidationError({"note": gettext("请说明确认情况，如：6月3日电话联系本人，同意派驻")})
    assignment.status = AssignmentStatus.ACCEPTED
    assignment.confirmed_via = via
    assignment.confirmation_note = note
    assignment.confirmed_by = acting_user
    assignment.confirmed_at = timezone.now()
    assignment.save(
        update_fields=[
            "status",
            "confirmed_via",
            "confirmation_note",
            "confirmed_by",
            "confirmed_at",
            "updated_at",
        ]
    )
    name = assignment.nomination.expert.person.name
    way = ConfirmedVia(via).label
    town_users = User.objects.filter(is_active=True, role=Role.TOWN, division_id=assignment.need.town_id)
    person = assignment.nomination.expert.user
    notify(
        users=[*town_users, *([person] if person is not None else [])],
        title=f"{name}已确认派驻{assignment.need.town.name}",
        body=f"由派出单位代为确认（{way}）：{note}",
        url=f"/commissioners/rounds/{assignment.round_id}/",
        key=f"dispatch-confirmed:{assignment.pk}",
    )
    return assignment


@transaction.atomic
def confirmation_remind(
    *,
    acting_user: Any | None = None,
    assignments: Iterable[Assignment] | None = None,
    today: dt.date | None = None,
    after_days: int = 0,
) -> int:
    """Remind appointees who have not answered, and their units; at most once a day each.

    By a user (the province, or the unit for its own people): the given appointments, or all they
    may see. Without one (the daily command): every appointment invited ``after_days`` ago or more.
    Returns how many appointments were reminded.
    """
    today = today or timezone.localdate()
    if acting_user is not None:
        if not can_send_reminders(acting_user):
            raise PermissionDenied(gettext("只有省科技厅或派出单位可以发送提醒"))
        chosen = list(assignments) if assignments is not None else list(unconfirmed_list(user=acting_user))
        if any(not can_remind(acting_user, a) for a in chosen):
            raise PermissionDenied(gettext("只能提醒本单位推荐的科技特派员"))
        ids = [a.pk for a in chosen]
    else:
        ids = list(
            Assignment.all_objects.filter(
                published=True,
                status=AssignmentStatus.INVITED,
                started_on__lte=today - dt.timedelta(days=after_days),
            ).values_list("pk", flat=True)
        )
    due = list(
        Assignment.all_objects.select_for_update(of=("self",))
        .filter(pk__in=ids, published=True, status=AssignmentStatus.INVITED)
        .select_related("round", "need__town", "nomination__expert__person", "nomination__expert__user")
        .order_by("pk")
    )
    due = [a for a in due if a.reminded_on is None or a.reminded_on < today]
    by_unit: dict[int, list[Assignment]] = defaultdict(list)
    for a in due:
        waited = (today - a.started_on).days if a.started_on else 0
        person = a.nomination.expert.user
        if person is not None:
            notify(
                users=[person],
                title=f"请确认{a.round.name}科技特派员派驻",
                body=f"派驻{a.need.town.full_name}的邀请已发出 {waited} 天。请在平台上接受或谢绝；"
                "也可告知派出单位，由单位代为确认。",
                url=f"/commissioners/rounds/{a.round_id}/",
                key=f"dispatch-remind:{a.pk}:{today}",
            )
        by_unit[a.nomination.organisation_id].append(a)
        a.reminders += 1
        a.reminded_on = today
        a.save(update_fields=["reminders", "reminded_on"])
    for unit_id, rows in by_unit.items():
        names = "、".join(f"{a.nomination.expert.person.name}（{a.need.town.name}）" for a in rows)
        notify(
            users=_unit_users(unit_id),
            title=f"本单位 {len(rows)} 名科技特派员尚未确认派驻",
            body=f"{names}。请联系本人确认；本人已书面或电话答复的，可由本单位代为确认。",
            url=CONFIRMATIONS_URL,
            key=f"dispatch-remind-unit:{unit_id}:{today}:{rows[0].pk}-{len(rows)}",
        )
    return len(due)
