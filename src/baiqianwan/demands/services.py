"""Writes on demands: create, edit, the triage workflow, attachments and 对接.

The workflow is one table of transitions and one function that applies them: it checks the
state and the actor's right, locks the row (no lost update), records an event and the audit.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.concurrency import STALE_MESSAGE, ConflictError, version_check
from baiqianwan.core.files import check_upload
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.scope import ScopedModel
from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import to_simplified
from baiqianwan.core.validators import reject_markup, validate_mobile
from baiqianwan.industries.models import Industry
from baiqianwan.regions.classification import Level
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import Achievement, ExpertProfile

from . import notices, rules
from .models import (
    Connection,
    ConnectionStatus,
    Demand,
    DemandAttachment,
    DemandEvent,
    DemandStatus,
    SubmitterKind,
    TargetKind,
)

EDITABLE_FIELDS = (
    "title",
    "description",
    "industry",
    "division",
    "submitter_kind",
    "contact_name",
    "contact_phone",
    "urgency",
    "budget",
)
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_KINDS = ("jpeg", "png", "pdf")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]|^.*[/\\]")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain(value: Any) -> str:
    """Text as typed, less control characters (which PostgreSQL refuses and nobody means to type)."""
    return _CONTROL.sub("", str(value or ""))


def _clean_values(values: dict[str, Any], *, acting_user: Any, anywhere: bool = False) -> dict[str, Any]:
    cleaned = {k: v for k, v in values.items() if k in EDITABLE_FIELDS}
    for key in ("title", "description", "contact_name", "contact_phone"):
        if key in cleaned:
            cleaned[key] = _plain(cleaned[key])
    errors: dict[str, str] = {}
    # The platform speaks simplified Chinese; text typed in traditional script is stored simplified.
    if "title" in cleaned:
        cleaned["title"] = " ".join(to_simplified(str(cleaned["title"] or "")).split())
    if "description" in cleaned:
        cleaned["description"] = to_simplified(str(cleaned["description"] or "")).strip()
    for key, low, high in (("title", 4, 80), ("description", 10, 5000)):
        if key in cleaned and not low <= len(cleaned[key]) <= high:
            errors[key] = gettext("应为 {low}–{high} 个字，当前 {len} 个字").format(
                low=low, high=high, len=len(cleaned[key])
            )
    if "contact_phone" in cleaned:
        try:
            cleaned["contact_phone"] = validate_mobile(str(cleaned["contact_phone"] or ""))
        except ValidationError as exc:
            errors["contact_phone"] = exc.messages[0]
    if "division" in cleaned:
        division: Division | None = cleaned["division"]
        if division is None:
            errors["division"] = gettext("请选择所在地（至少到县）")
        elif division.level in (Level.PROVINCE, Level.CITY) and division.code not in (
            "441900000000",
            "442000000000",
        ):
            errors["division"] = gettext("所在地请至少选到县（市、区）")
        elif not anywhere and not division.code.startswith(_posting_prefix(acting_user)):
            errors["division"] = gettext("“{full_name}”不在您的管辖范围内").format(
                full_name=division.full_name
            )
    if (
        "industry" in cleaned
        and cleaned["industry"] is not None
        and not isinstance(cleaned["industry"], Industry)
    ):
        errors["industry"] = gettext("产业分类无效")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _posting_prefix(user: Any) -> str:
    """Where a user may locate a demand: their area, or the county of their organisation."""
    scope = user.scope
    if scope.everything:
        return ""
    if scope.division_prefix:
        return str(scope.division_prefix)
    organisation = getattr(user, "organisation", None)
    return organisation.division_id[:6] if organisation is not None else "\0"


def _event(demand: Demand, actor: Any, action: str, before: str, note: str = "") -> None:
    DemandEvent.objects.create(
        demand=demand,
        actor=actor,
        action=action,
        from_status=before,
        to_status=demand.status,
        note=note[:500],
    )


@transaction.atomic
def demand_create(*, acting_user: Any, submit: bool = False, **values: Any) -> Demand:
    if not rules.can_post(acting_user):
        raise PermissionDenied(gettext("您的角色不能填报科技需求"))
    cleaned = _clean_values(values, acting_user=acting_user)
    cleaned.setdefault("submitter_kind", _default_kind(acting_user))
    missing = [
        f for f in ("title", "description", "division", "contact_name", "contact_phone") if not cleaned.get(f)
    ]
    if missing:
        raise ValidationError(dict.fromkeys(missing, gettext("必填")))
    demand = Demand(submitted_by=acting_user, organisation=acting_user.organisation, **cleaned)
    demand.full_clean()
    demand.save()
    _event(demand, acting_user, "create", "")
    if submit:
        demand_transition(demand_id=demand.pk, action="submit", acting_user=acting_user)
        demand.refresh_from_db()
    return demand


def _default_kind(user: Any) -> str:
    return {
        "village": SubmitterKind.VILLAGE,
        "town": SubmitterKind.TOWN,
        "county": SubmitterKind.COUNTY,
        "org": SubmitterKind.ENTERPRISE,
    }.get(user.role, SubmitterKind.COUNTY)


@transaction.atomic
def demand_update(*, acting_user: Any, demand_id: int, version: int, **values: Any) -> Demand:
    demand = _locked(acting_user, demand_id, version)
    if not rules.can_edit(acting_user, demand):
        raise PermissionDenied(gettext("只有草稿或已退回的需求可以修改"))
    for key, value in _clean_values(values, acting_user=acting_user).items():
        setattr(demand, key, value)
    demand.version += 1
    demand.full_clean()
    demand.save()
    _event(demand, acting_user, "edit", demand.status)
    return demand


T = TypeVar("T", bound=ScopedModel)


def _locked_for_change(model: type[T], acting_user: Any, pk: int) -> T | None:
    """The row the user may change, locked until the transaction ends; None when out of reach."""
    if not valid_id(pk):
        return None
    return model.objects.for_user(acting_user, "change").select_for_update(of=("self",)).filter(pk=pk).first()


def _locked(acting_user: Any, demand_id: int, version: int | None) -> Demand:
    demand = _locked_for_change(Demand, acting_user, demand_id)
    if demand is None:
        raise PermissionDenied(gettext("找不到该需求，或它不在您的管辖范围内"))
    version_check(current=demand.version, expected=version)
    return demand


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    allowed: Callable[[Any, Demand], bool]
    label: str | Promise


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        frozenset({DemandStatus.DRAFT, DemandStatus.RETURNED}),
        DemandStatus.SUBMITTED,
        rules.can_edit,
        _("提交"),
    ),
    "accept": Transition(
        frozenset({DemandStatus.SUBMITTED}), DemandStatus.ACCEPTED, rules.can_triage, _("受理")
    ),
    "return": Transition(
        frozenset({DemandStatus.SUBMITTED}), DemandStatus.RETURNED, rules.can_triage, _("退回")
    ),
    "merge": Transition(
        frozenset({DemandStatus.SUBMITTED}), DemandStatus.MERGED, rules.can_triage, _("合并")
    ),
    "start": Transition(
        frozenset({DemandStatus.ACCEPTED}), DemandStatus.MATCHING, rules.can_triage, _("开始对接")
    ),
    # The bureau reports a solution; the submitter confirms it (or says it is not solved yet).
    "solve": Transition(
        frozenset({DemandStatus.ACCEPTED, DemandStatus.MATCHING}),
        DemandStatus.CONFIRMING,
        rules.can_triage,
        _("标记已解决"),
    ),
    "confirm": Transition(
        frozenset({DemandStatus.ACCEPTED, DemandStatus.MATCHING, DemandStatus.CONFIRMING}),
        DemandStatus.SOLVED,
        rules.speaks_for_submitter,
        _("确认已解决"),
    ),
    "dispute": Transition(
        frozenset({DemandStatus.CONFIRMING}), DemandStatus.MATCHING, rules.speaks_for_submitter, _("提出异议")
    ),
    "close": Transition(
        frozenset(
            {
                DemandStatus.SUBMITTED,
                DemandStatus.ACCEPTED,
                DemandStatus.MATCHING,
                DemandStatus.CONFIRMING,
                DemandStatus.SOLVED,
            }
        ),
        DemandStatus.CLOSED,
        rules.can_triage,
        _("关闭"),
    ),
}


def demand_actions(*, user: Any, demand: Demand) -> frozenset[str]:
    """The transitions this user may apply to the demand as it is now (the page's buttons)."""
    return frozenset(
        name
        for name, transition in TRANSITIONS.items()
        if demand.status in transition.sources and transition.allowed(user, demand)
    )


@transaction.atomic
def demand_transition(
    *,
    demand_id: int,
    action: str,
    acting_user: Any,
    version: int | None = None,
    note: str = "",
    industry: Industry | None = None,
    merge_into: Demand | None = None,
    make_public: bool | None = None,
) -> Demand:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError(gettext("未知操作：{value}").format(value=_plain(action)[:20]))
    note = _plain(note)
    demand = _locked(acting_user, demand_id, None)
    if version is not None and demand.version != version:
        # Two officials at once: the first one's action stands; the other is told what it is now.
        moved_on = demand.status not in transition.sources
        raise ConflictError(
            gettext("该需求已被他人处理，现为“{status}”，请刷新后查看").format(
                status=demand.get_status_display()
            )
            if moved_on
            else str(STALE_MESSAGE)
        )
    if demand.status not in transition.sources:
        raise ValidationError(
            gettext("需求当前为“{status}”，不能{label}").format(
                status=demand.get_status_display(), label=transition.label
            )
        )
    if not transition.allowed(acting_user, demand):
        raise PermissionDenied(gettext("您没有{label}该需求的权限").format(label=transition.label))
    before = demand.status
    now = timezone.now()
    if action == "submit":
        demand.submitted_at = now
        demand.return_reason = ""
    elif action == "accept":
        if industry is None and demand.industry_id is None:
            raise ValidationError({"industry": gettext("受理时请先为需求选择产业分类")})
        demand.industry = industry or demand.industry
        demand.accepted_at, demand.handled_by = now, acting_user
        demand.is_public = True if make_public is None else make_public
    elif action in ("return", "close", "dispute"):
        # Closing a solved demand is the normal end (办结); any other close needs its reason.
        if len(note.strip()) < 2 and not (action == "close" and before == DemandStatus.SOLVED):
            raise ValidationError({"note": gettext("{label}时请说明原因").format(label=transition.label)})
        if action == "return":
            demand.return_reason = note.strip()
        elif action == "close":
            demand.close_reason = note.strip() or gettext("已解决，办结")
        if action != "dispute":
            demand.handled_by = acting_user
    elif action == "merge":
        _check_merge_target(acting_user, demand, merge_into)
        demand.merged_into, demand.handled_by = merge_into, acting_user
        note = note or gettext("合并到需求 #{value}").format(value=merge_into.pk if merge_into else "")
    elif action == "confirm":
        demand.solved_at = now
    demand.status = transition.target
    demand.version += 1
    demand.save()
    _event(demand, acting_user, action, before, note)
    notices.demand_changed(demand=demand, action=action, actor=acting_user, note=note.strip())
    return demand


@transaction.atomic
def demands_solved_elsewhere(*, demand_ids: list[int], acting_user: Any, note: str) -> list[Demand]:
    """Demands solved by an instrument outside their own connections (a 攻关 project that passed
    acceptance): each still open is marked solved with the reason, and its submitter and bureau
    are told. Demands already solved, closed or merged are left as they are."""
    open_statuses = (DemandStatus.ACCEPTED, DemandStatus.MATCHING, DemandStatus.CONFIRMING)
    demands = list(
        Demand.all_objects.select_for_update(of=("self",))
        .filter(pk__in=demand_ids, status__in=open_statuses)
        .select_related("division", "submitted_by")
        .order_by("pk")
    )
    now = timezone.now()
    for demand in demands:
        before = demand.status
        demand.status, demand.solved_at = DemandStatus.SOLVED, now
        demand.version += 1
        demand.save(update_fields=["status", "solved_at", "version", "updated_at"])
        _event(demand, acting_user, "solved_elsewhere", before, note)
    notices.demands_solved_elsewhere(demands, actor=acting_user, note=note)
    return demands


def _check_merge_target(acting_user: Any, demand: Demand, target: Demand | None) -> None:
    if target is None or target.pk == demand.pk:
        raise ValidationError({"merge_into": gettext("请选择要合并到的另一条需求")})
    if not rules.can_triage(acting_user, target):
        raise ValidationError({"merge_into": gettext("只能合并到您管辖范围内的需求")})
    if target.status in rules.FINAL:
        raise ValidationError(
            {
                "merge_into": gettext("目标需求已“{status}”，不能再合并").format(
                    status=target.get_status_display()
                )
            }
        )


@transaction.atomic
def demand_rate(*, acting_user: Any, demand_id: int, rating: int, feedback: str = "") -> Demand:
    demand = _locked(acting_user, demand_id, None)
    if not rules.can_rate(acting_user, demand):
        raise PermissionDenied(gettext("只有已解决的需求可以由提出方评价"))
    if demand.rating is not None:
        raise ValidationError({"rating": gettext("该需求已经评价过了")})
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": gettext("评分应为 1 到 5 星")})
    feedback = _plain(feedback)
    demand.rating, demand.feedback = int(rating), feedback.strip()[:500]
    demand.save(update_fields=["rating", "feedback", "updated_at"])
    _event(demand, acting_user, "rate", demand.status, f"{rating} 星 {feedback[:100]}")
    notices.demand_rated(demand=demand, actor=acting_user)
    return demand


@transaction.atomic
def demand_attach(*, acting_user: Any, demand_id: int, name: str, data: bytes) -> DemandAttachment:
    demand = _locked(acting_user, demand_id, None)
    if not (rules.can_edit(acting_user, demand) or rules.is_owner(acting_user, demand)):
        raise PermissionDenied(gettext("您不能为该需求上传附件"))
    if demand.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            {"file": gettext("每条需求最多 {MAX_ATTACHMENTS} 个附件").format(MAX_ATTACHMENTS=MAX_ATTACHMENTS)}
        )
    # A name is shown and sent back in a header: no control characters, no path.
    name = _UNSAFE_NAME.sub("", name).strip().lstrip(".") or gettext("附件")
    content_type = check_upload(
        name=name, data=data, allowed=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES
    )
    attachment = DemandAttachment(demand=demand, name=name[-120:], content_type=content_type, size=len(data))
    attachment.file.save(name[-100:], ContentFile(data), save=False)
    attachment.save()
    return attachment


# ---- 对接 -------------------------------------------------------------------------------------


@transaction.atomic
def connection_propose(
    *,
    acting_user: Any,
    demand_id: int,
    target_kind: str,
    target_id: int,
    reasons: list[str] | None = None,
    note: str = "",
) -> Connection:
    demand = _locked(acting_user, demand_id, None)
    if not rules.can_triage(acting_user, demand):
        raise PermissionDenied(gettext("只有需求所在地的科技管理部门可以发起对接"))
    if demand.status not in (DemandStatus.ACCEPTED, DemandStatus.MATCHING):
        raise ValidationError(
            gettext("需求当前为“{status}”，受理后才能发起对接").format(status=demand.get_status_display())
        )
    target: dict[str, Any] = {}
    if target_kind == TargetKind.ACHIEVEMENT:
        target["achievement"] = _visible(Achievement, acting_user, target_id, gettext("科技成果"))
    elif target_kind == TargetKind.EXPERT:
        target["expert"] = _visible(ExpertProfile, acting_user, target_id, gettext("专家"))
    elif target_kind == TargetKind.INSTITUTION:
        from baiqianwan.orgs.models import Organisation

        target["organisation"] = (
            Organisation.all_objects.filter(pk=target_id).first() if valid_id(target_id) else None
        )
        if target["organisation"] is None:
            raise ValidationError({"target_id": gettext("找不到该机构")})
    else:
        raise ValidationError({"target_kind": gettext("对接对象类型无效")})
    duplicate = Connection.all_objects.filter(demand=demand, **target).exclude(
        status__in=[ConnectionStatus.DECLINED, ConnectionStatus.FAILED]
    )
    if duplicate.exists():
        raise ValidationError(gettext("已向该对象发起过对接"))
    connection = Connection.all_objects.create(
        demand=demand,
        target_kind=target_kind,
        proposed_by=acting_user,
        reasons=list(reasons or [])[:10],
        note=note[:500],
        **target,
    )
    if demand.status == DemandStatus.ACCEPTED:
        before = demand.status
        demand.status = DemandStatus.MATCHING
        demand.version += 1
        demand.save()
        _event(demand, acting_user, "start", before, f"向“{connection.target_label}”发起对接")
    else:
        _event(demand, acting_user, "propose", demand.status, f"向“{connection.target_label}”发起对接")
    notices.connection_proposed(connection=connection, actor=acting_user)
    return connection


def _visible(model: Any, acting_user: Any, pk: int, label: str) -> Any:
    record = model.objects.for_user(acting_user).filter(pk=pk).first() if valid_id(pk) else None
    if record is None:
        raise ValidationError({"target_id": gettext("找不到该{label}，或它未公开").format(label=label)})
    return record


_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def _contact_phone(value: str) -> str:
    """A mobile number, or a landline with its area code (an office's 科技处 often has only that)."""
    phone = value.strip().replace(" ", "").replace("－", "-")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE.match(phone):
        raise ValidationError(
            {"contact_phone": gettext("联系电话应为 11 位手机号码，或带区号的固定电话，如 020-85280000")}
        )
    return phone


@transaction.atomic
def connection_respond(
    *,
    acting_user: Any,
    connection_id: int,
    accept: bool,
    note: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Connection:
    """The expert or the owning organisation accepts or declines. Accepting leaves a contact, and from
    then on the submitter and this side see each other's (recorded in the audit trail)."""
    connection = _locked_for_change(Connection, acting_user, connection_id)
    if connection is None or not rules.answers_for(acting_user, connection):
        raise PermissionDenied(gettext("只有被推荐的专家或成果所属单位可以回应"))
    if connection.status != ConnectionStatus.PROPOSED:
        raise ValidationError(gettext("该对接已“{status}”").format(status=connection.get_status_display()))
    note = _plain(note)
    if accept:
        name = " ".join(_plain(contact_name).split())[:40] or acting_user.display_name or acting_user.username
        connection.contact_name = name[:40]
        connection.contact_phone = _contact_phone(str(contact_phone or "") or acting_user.phone or "")
    connection.status = ConnectionStatus.ACCEPTED if accept else ConnectionStatus.DECLINED
    connection.responded_by = acting_user
    connection.note = note.strip()[:500] or connection.note
    connection.save()
    demand = connection.demand
    _event(
        demand,
        acting_user,
        "respond",
        demand.status,
        f"{connection.target_label}{'接受' if accept else '婉拒'}了对接",
    )
    if accept:
        audit_event_record(
            kind=AuditEvent.Kind.CONTACT,
            user=acting_user,
            detail=f"对接 #{connection.pk} 成立：需求 #{demand.pk} 的提出方与“{connection.target_label}”"
            "的联系方式自此互相可见",
            demand=demand.pk,
            connection=connection.pk,
        )
    notices.connection_answered(connection=connection, actor=acting_user)
    return connection


def contact_view_record(*, user: Any, demand: Demand, whose: str, request: Any = None) -> None:
    """Audit that a party of a connection was shown the other side's contact: once a day per demand,
    so a page reload does not flood the trail."""
    today = timezone.localdate()
    seen = AuditEvent.objects.filter(
        kind=AuditEvent.Kind.CONTACT, user=user, at__date=today, extra__demand=demand.pk, extra__whose=whose
    )
    if not seen.exists():
        audit_event_record(
            kind=AuditEvent.Kind.CONTACT,
            request=request,
            user=user,
            detail=f"查看需求 #{demand.pk} {whose}的联系方式",
            demand=demand.pk,
            whose=whose,
        )


@transaction.atomic
def connection_record_outcome(
    *, acting_user: Any, connection_id: int, succeeded: bool, outcome: str = "", solve_demand: bool = False
) -> Connection:
    connection = _locked_for_change(Connection, acting_user, connection_id)
    if connection is None or not rules.can_triage(acting_user, connection.demand):
        raise PermissionDenied(gettext("只有需求所在地的科技管理部门可以记录对接结果"))
    if connection.status not in (ConnectionStatus.PROPOSED, ConnectionStatus.ACCEPTED):
        raise ValidationError(gettext("该对接已“{status}”").format(status=connection.get_status_display()))
    connection.status = ConnectionStatus.SUCCEEDED if succeeded else ConnectionStatus.FAILED
    connection.outcome = _plain(outcome).strip()[:500]
    connection.save()
    _event(
        connection.demand,
        acting_user,
        "outcome",
        connection.demand.status,
        f"与“{connection.target_label}”{'对接成功' if succeeded else '未能解决'}：{connection.outcome}",
    )
    notices.connection_concluded(connection=connection, actor=acting_user)
    if succeeded and solve_demand:
        demand_transition(demand_id=connection.demand_id, action="solve", acting_user=acting_user)
    return connection


# ---- the public portal: demands from people without an account --------------------------------

PORTAL_USERNAME = "public_portal"
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


def portal_account() -> User:
    """The account a public demand is recorded under: it cannot sign in and reaches nothing (an
    inactive account's scope is empty); the county's triage desk sees the demand by its place."""
    user, created = User.objects.get_or_create(
        username=PORTAL_USERNAME,
        defaults={"display_name": gettext("公众（门户网站）"), "role": Role.VILLAGE, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _public_reference() -> str:
    day = timezone.localdate().strftime("%y%m%d")
    for _attempt in range(20):
        code = "GK" + day + "".join(secrets.choice(_REFERENCE_ALPHABET) for _letter in range(6))
        if not Demand.all_objects.filter(public_reference=code).exists():
            return code
    raise RuntimeError("no free public reference")  # pragma: no cover - 32^6 codes a day


@transaction.atomic
def public_demand_submit(
    *, title: Any, description: Any, division: Division | None, contact_name: Any, contact_phone: Any
) -> Demand:
    """A farmer's demand from the public portal: checked like any other (and refused if it holds
    markup), placed anywhere in Guangdong at county level or below, and sent straight to the
    county's triage desk marked as public, with a reference the farmer follows it by."""
    values = {
        "title": str(title or ""),
        "description": str(description or ""),
        "division": division,
        "contact_name": str(contact_name or ""),
        "contact_phone": str(contact_phone or ""),
    }
    for field, label in (
        ("title", gettext("需求标题")),
        ("description", gettext("需求描述")),
        ("contact_name", gettext("联系人")),
    ):
        reject_markup(str(values[field]), field, label)
    portal = portal_account()
    cleaned = _clean_values(values, acting_user=portal, anywhere=True)
    if len(cleaned["contact_name"].strip()) < 2:
        raise ValidationError({"contact_name": gettext("请填写联系人姓名")})
    demand = Demand(
        submitted_by=portal,
        submitter_kind=SubmitterKind.FARMER,
        public_reference=_public_reference(),
        **cleaned,
    )
    demand.full_clean()
    demand.status, demand.submitted_at = DemandStatus.SUBMITTED, timezone.now()
    demand.save()
    _event(demand, portal, "create", "", gettext("经门户网站提交"))
    _event(demand, portal, "submit", DemandStatus.DRAFT)
    notices.demand_changed(demand=demand, action="submit", actor=None)
    return demand


def public_demand_lookup(*, reference: Any, mobile: Any) -> Demand | None:
    """The demand of this reference, only if the mobile number is the one it was sent with."""
    code = str(reference or "").strip().upper()[:20]
    number = "".join(ch for ch in str(mobile or "") if ch.isdigit())[-11:]
    if not code or len(number) != 11:
        return None
    demand = Demand.all_objects.select_related("division").filter(public_reference=code).first()
    if demand is None or not secrets.compare_digest(demand.contact_phone, number):
        return None
    return demand
