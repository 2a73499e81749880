"""Writes of the call lifecycle, each step one transaction with the application's history (the
audit log records every change of the registered models): 草稿 → 发布 → 申报/提名 → 推荐/初审 →
形式审查 here; review, 公示 and the decision follow."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.concurrency import version_check
from baiqianwan.core.files import FILE_KINDS, check_upload
from baiqianwan.core.images import clean_image
from baiqianwan.core.pdf import render_pdf
from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import strip_control_characters, to_simplified
from baiqianwan.orgs.models import Organisation, OrganisationKind, Person
from baiqianwan.regions.classification import is_east_west_north

from . import notices, rules, selectors
from .engine.definition import CallType, DefinitionError, content_hash, definition_from_dict
from .engine.eligibility import clean_values
from .models import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    ApplicationMember,
    ApplicationPartner,
    ApplicationStatus,
    Call,
    CallStatus,
    CallTypeVersion,
    Carrier,
    CarrierStatus,
    Objection,
    ObjectionStatus,
)
from .selectors import call_type_of, eligibility_of

# What an app above this one does with a decision's approved applications, by the call type's
# `result` (projects turns each approved 攻关 application into a project); run in the decision's
# transaction, so a refusal there leaves the call undecided.
DecisionHandler = Callable[[Call, list[Application], Any], None]
DECISION_HANDLERS: dict[str, list[DecisionHandler]] = {}


def decision_handler_register(result: str, handler: DecisionHandler) -> None:
    DECISION_HANDLERS.setdefault(result, []).append(handler)


MAX_PARTNERS = 10
MAX_MEMBERS = 30
MAX_ATTACHMENTS_PER_SPEC = 3
# What the call type calls a file kind, and what core.files can recognise by content.
ATTACHMENT_KINDS = {"pdf": "pdf", "jpg": "jpeg", "png": "png", "xlsx": "xlsx"}
_UNSAFE_NAME = re.compile(r"^.*[/\\]")


def _text(value: Any, limit: int) -> str:
    return to_simplified(strip_control_characters(str(value or ""))).strip()[:limit]


# ---- call types ------------------------------------------------------------------------------


@transaction.atomic
def call_type_load(*, acting_user: Any, data: Any, note: str = "") -> CallTypeVersion:
    """Store a definition as the current version of its type (the same content is stored once)."""
    if not rules.can_manage_calls(acting_user):
        raise PermissionDenied(gettext("只有省科技厅可以维护申报类型"))
    try:
        call_type = definition_from_dict(data)
    except DefinitionError as exc:
        raise ValidationError({"definition": exc.errors}) from None
    digest = content_hash(data)
    existing = CallTypeVersion.objects.filter(content_hash=digest).first()
    CallTypeVersion.objects.filter(code=call_type.code, is_current=True).exclude(content_hash=digest).update(
        is_current=False
    )
    if existing is not None:
        if not existing.is_current:
            existing.is_current = True
            existing.save(update_fields=["is_current", "updated_at"])
        return existing
    return CallTypeVersion.objects.create(
        code=call_type.code,
        name=call_type.name,
        version=call_type.version,
        content_hash=digest,
        definition=data,
        is_current=True,
        note=_text(note, 200),
        loaded_by=acting_user if acting_user.is_authenticated else None,
    )


# ---- calls -----------------------------------------------------------------------------------

CALL_FIELDS = (
    "title",
    "year",
    "guide",
    "opens_at",
    "closes_at",
    "places",
    "reviewers_per_application",
    "blind",
    "publicity_days",
    "auto_provisional",
)


# Once units may apply, dates and rules are what they applied under; the guide text, an extension
# of the deadline and how the province runs its own steps may still change.
EDITABLE_AFTER_PUBLISH = frozenset({"guide", "closes_at", "auto_provisional"})


def _call_values(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: v for k, v in values.items() if k in CALL_FIELDS}
    if "title" in cleaned:
        cleaned["title"] = _text(cleaned["title"], 120)
    if "guide" in cleaned:
        cleaned["guide"] = _text(cleaned["guide"], 20000)
    return cleaned


def _check_call(call: Call) -> None:
    errors: dict[str, str] = {}
    if len(call.title) < 4:
        errors["title"] = gettext("名称至少 4 个字")
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        errors["closes_at"] = gettext("申报截止须晚于开始申报")
    if not 2020 <= call.year <= 2040:
        errors["year"] = gettext("年度须在 2020 至 2040 之间")
    if not 1 <= call.reviewers_per_application <= 15:
        errors["reviewers_per_application"] = gettext("每项评审专家数须在 1 至 15 之间")
    if not 1 <= call.publicity_days <= 30:
        errors["publicity_days"] = gettext("公示天数须在 1 至 30 之间")
    if errors:
        raise ValidationError(errors)
    call.full_clean()


@transaction.atomic
def call_create(*, acting_user: Any, call_type_code: str, **values: Any) -> Call:
    if not rules.can_manage_calls(acting_user):
        raise PermissionDenied(gettext("只有省科技厅可以发布申报指南"))
    version = selectors.call_type_current(code=str(call_type_code))
    if version is None:
        raise ValidationError(
            {"call_type": gettext("没有这个申报类型：{code}").format(code=_text(call_type_code, 40))}
        )
    review = version.definition.get("review", {})
    defaults = {
        "reviewers_per_application": review.get("reviewers_per_application", 5),
        "blind": review.get("blind", False),
    }
    call = Call(call_type=version, created_by=acting_user, **{**defaults, **_call_values(values)})
    _check_call(call)
    call.save()
    return call


def _call_locked(acting_user: Any, call_id: int, version: int | None) -> Call:
    call = (
        Call.objects.select_for_update().filter(pk=call_id).first()
        if rules.can_manage_calls(acting_user)
        else None
    )
    if call is None:
        raise PermissionDenied(gettext("找不到该申报指南，或您没有管理权限"))
    version_check(current=call.version, expected=version)
    return call


@transaction.atomic
def call_update(*, acting_user: Any, call_id: int, version: int | None = None, **values: Any) -> Call:
    call = _call_locked(acting_user, call_id, version)
    if call.status != CallStatus.DRAFT:
        if set(_call_values(values)) - EDITABLE_AFTER_PUBLISH:
            raise ValidationError(gettext("指南发布后只能修改指南正文、延长截止时间和是否自动拟定"))
        if "closes_at" in values and values["closes_at"] < call.closes_at:
            raise ValidationError({"closes_at": gettext("发布后截止时间只能延后，不能提前")})
    for key, value in _call_values(values).items():
        setattr(call, key, value)
    _check_call(call)
    call.version += 1
    call.save()
    return call


@transaction.atomic
def call_publish(*, acting_user: Any, call_id: int, version: int | None = None) -> Call:
    call = _call_locked(acting_user, call_id, version)
    if call.status != CallStatus.DRAFT:
        raise ValidationError(gettext("只有草稿可以发布"))
    if call.closes_at <= timezone.now():
        raise ValidationError({"closes_at": gettext("申报截止时间已过，请先修改")})
    if len(call.guide) < 20:
        raise ValidationError({"guide": gettext("发布前请写好申报指南正文（至少 20 字）")})
    definition = call.call_type.definition
    for spec in definition.get("fields", []):
        if spec.get("choices_from_call") and not call.choices.get(spec["code"]):
            raise ValidationError(
                {"choices": gettext("“{label}”的选项由指南给出，发布前请先列出").format(label=spec["label"])}
            )
    call.status = CallStatus.OPEN
    call.version += 1
    call.save()
    return call


@transaction.atomic
def call_close(*, acting_user: Any, call_id: int, version: int | None = None) -> Call:
    """End the application period (also done automatically once the closing time has passed)."""
    call = _call_locked(acting_user, call_id, version)
    if call.status != CallStatus.OPEN:
        raise ValidationError(gettext("只有申报中的指南可以截止"))
    call.status = CallStatus.CLOSED
    call.version += 1
    call.save()
    return call


CALL_STEPS: dict[str, Callable[..., Call]] = {}


def call_step(*, acting_user: Any, call_id: int, action: str, version: int | None = None) -> Call:
    """One of the call's own steps by name: publish, close, publicity."""
    step = CALL_STEPS.get(str(action))
    if step is None:
        raise ValidationError({"action": gettext("未知操作：{value}").format(value=_text(action, 20))})
    return step(acting_user=acting_user, call_id=call_id, version=version)


# ---- applications ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerEntry:
    organisation_id: int
    values: dict[str, Any]


def _clean_answers(
    call_type: CallType, values: dict[str, Any], partners: Sequence[PartnerEntry]
) -> tuple[dict[str, Any], list[tuple[Organisation, dict[str, Any]]]]:
    """The form's answers typed, and the co-builders found; every bad answer named."""
    raw = {k: (_text(v, 20000) if isinstance(v, str) else v) for k, v in values.items()}
    answers, errors = clean_values(call_type, raw, complete=False)
    partner_rows: list[tuple[Organisation, dict[str, Any]]] = []
    if len(partners) > MAX_PARTNERS:
        errors["partners"] = gettext("共建单位最多 {n} 家").format(n=MAX_PARTNERS)
    seen: set[int] = set()
    for index, partner in enumerate(partners[:MAX_PARTNERS], start=1):
        organisation = selectors.partner_choices(call_type).filter(pk=partner.organisation_id).first()
        if organisation is None:
            kinds = "、".join(str(OrganisationKind(kind).label) for kind in call_type.partner_kinds)
            errors[f"partners.{index}"] = gettext("第 {n} 家{label}不存在，或不是{kinds}").format(
                n=index, label=call_type.partner_label, kinds=kinds
            )
            continue
        if organisation.pk in seen:
            errors[f"partners.{index}"] = gettext("共建单位“{name}”重复").format(name=organisation.name)
            continue
        seen.add(organisation.pk)
        partner_values, partner_errors = clean_values(call_type, partner.values, partner=True)
        for code, message in partner_errors.items():
            errors[f"partners.{index}.{code}"] = gettext("共建单位“{name}”：{message}").format(
                name=organisation.name, message=message
            )
        partner_rows.append((organisation, partner_values))
    if errors:
        raise ValidationError(errors)
    return answers, partner_rows


def _json_ready(values: dict[str, Any]) -> dict[str, Any]:
    # Decimals are stored as text so that 12.50 万元 comes back exactly as typed.
    return {k: (str(v) if not isinstance(v, bool | int | str) else v) for k, v in values.items()}


def _next_reference(call: Call) -> str:
    Call.objects.select_for_update().filter(pk=call.pk).first()
    count = Application.all_objects.filter(call=call).count()
    return f"{call.year}-{call.pk:03d}-{count + 1:04d}"


@transaction.atomic
def application_create(
    *,
    acting_user: Any,
    call_id: int,
    title: str,
    values: dict[str, Any],
    applicant_id: int | None = None,
    partners: Sequence[PartnerEntry] = (),
    lead_id: int | None = None,
) -> Application:
    """A draft application of the user's unit, or a nomination by a bureau or eligible unit."""
    call = selectors.call_get(user=acting_user, call_id=call_id)
    if call is None:
        raise PermissionDenied(gettext("找不到该申报指南"))
    nominating = rules.can_nominate(acting_user, call)
    if not (nominating or rules.can_apply(acting_user, call)):
        if call.status != CallStatus.OPEN:
            raise ValidationError(
                gettext("该指南现在不接受申报（{status}）").format(status=call.get_status_display())
            )
        raise PermissionDenied(
            gettext("该批次由业务模块纳入，不接受申报")
            if rules.is_enrolment(call)
            else gettext("该指南只接受提名")
            if rules.is_nomination(call)
            else gettext("该指南由镇（街道）账号申报")
            if rules.applies_as_town(call)
            else gettext("只有单位账号可以申报")
        )
    if nominating:
        applicant = (
            Organisation.all_objects.filter(pk=applicant_id, is_active=True).first() if applicant_id else None
        )
        if applicant is None:
            raise ValidationError({"applicant": gettext("请选择被提名的单位")})
    elif rules.applies_as_town(call):
        applicant = selectors.town_government(division_id=acting_user.division_id)
        if applicant is None:
            raise ValidationError(
                {
                    "applicant": gettext(
                        "本镇人民政府尚未登记：请县科技部门先在“单位”中登记（单位类型“政府部门”，所在地选本镇），再申报"
                    )
                }
            )
    else:
        applicant = acting_user.organisation
        if applicant_id is not None and applicant_id != applicant.pk:
            raise ValidationError({"applicant": gettext("单位账号只能为本单位申报")})
    application = Application(
        call=call,
        title=_text(title, 120),
        applicant=applicant,
        division=applicant.division,
        in_east_west_north=is_east_west_north(applicant.division_id),
        submitted_by=acting_user,
    )
    if nominating:
        _take_nomination_place(acting_user, call, application)
    if len(application.title) < 4:
        raise ValidationError({"title": gettext("申报名称至少 4 个字")})
    answers, partner_rows = _clean_answers(call_type_of(call), values, partners)
    application.values = _json_ready(answers)
    application.lead = _lead(applicant, lead_id)
    application.reference = _next_reference(call)
    application.save()
    _save_partners(application, partner_rows)
    _event(application, acting_user, "create", "")
    return application


def application_enrol(
    *,
    acting_user: Any,
    call: Call,
    applicant: Organisation,
    title: str,
    values: dict[str, Any],
    division_id: str | None = None,
    note: str = "",
) -> Application:
    """A record the app above enrols in an enrolment call (a project's acceptance): checked already,
    so it enters as 形式审查通过 and goes on to the expert review and the 公示 like any application.
    The caller holds the transaction and has checked its own rules."""
    if not rules.can_manage_calls(acting_user):
        raise PermissionDenied(gettext("只有省科技厅可以纳入评审"))
    if not rules.is_enrolment(call):
        raise ValidationError({"call": gettext("“{call}”不是纳入制的评审批次").format(call=call.title)})
    if call.status not in (CallStatus.OPEN, CallStatus.CLOSED):
        raise ValidationError(
            {
                "call": gettext("评审批次“{call}”已开始评审（{status}），不能再纳入").format(
                    call=call.title, status=call.get_status_display()
                )
            }
        )
    raw = {k: (_text(v, 20000) if isinstance(v, str) else v) for k, v in values.items()}
    answers, errors = clean_values(call_type_of(call), raw)
    if errors:
        raise ValidationError(errors)
    division_id = division_id or applicant.division_id
    application = Application(
        call=call,
        title=_text(title, 120),
        applicant=applicant,
        division_id=division_id,
        in_east_west_north=is_east_west_north(division_id),
        submitted_by=acting_user,
        submitted_at=timezone.now(),
        status=ApplicationStatus.ACCEPTED,
        eligible=True,
        values=_json_ready(answers),
        reference=_next_reference(call),
    )
    application.save()
    _event(application, acting_user, "enrol", "", note)
    return application


def _take_nomination_place(acting_user: Any, call: Call, application: Application) -> None:
    if acting_user.role == "city":
        application.nominator_division_id = acting_user.division_id
    else:
        application.nominator_organisation_id = acting_user.organisation_id
    used, quota = selectors.nomination_places(user=acting_user, call=call)
    if used >= quota:
        raise ValidationError(gettext("提名名额已用完：每个提名单位最多提名 {quota} 项").format(quota=quota))


def _lead(applicant: Organisation, lead_id: int | None) -> Person | None:
    if lead_id is None:
        return None
    lead = Person.all_objects.filter(pk=lead_id, organisation=applicant).first()
    if lead is None:
        raise ValidationError({"lead": gettext("负责人须是申报单位的人员")})
    return lead


def _save_partners(application: Application, rows: list[tuple[Organisation, dict[str, Any]]]) -> None:
    application.partners.all().delete()
    ApplicationPartner.objects.bulk_create(
        ApplicationPartner(application=application, organisation=organisation, values=_json_ready(values))
        for organisation, values in rows
        if organisation.pk != application.applicant_id
    )


def _editable(acting_user: Any, application: Application, message: str) -> None:
    """Someone else's application is a permission matter (403); one past its draft, a state (422)."""
    if not rules.speaks_for_applicant(acting_user, application):
        raise PermissionDenied(gettext("您不能修改该申报"))
    if not rules.can_edit(acting_user, application):
        raise ValidationError(message)


def _locked(
    acting_user: Any, application_id: int, version: int | None, action: Literal["view", "change"] = "change"
) -> Application:
    application = selectors.application_get(user=acting_user, application_id=application_id, action=action)
    if application is None:
        raise PermissionDenied(gettext("找不到该申报，或它不在您的管辖范围内"))
    application = (
        Application.all_objects.select_for_update().select_related("call__call_type").get(pk=application.pk)
    )
    version_check(current=application.version, expected=version)
    return application


@transaction.atomic
def application_update(
    *,
    acting_user: Any,
    application_id: int,
    version: int | None = None,
    title: str | None = None,
    values: dict[str, Any] | None = None,
    partners: Sequence[PartnerEntry] | None = None,
    lead_id: int | None = None,
) -> Application:
    application = _locked(acting_user, application_id, version, action="view")
    _editable(acting_user, application, gettext("只有草稿或退回修改的申报可以修改"))
    if title is not None:
        application.title = _text(title, 120)
        if len(application.title) < 4:
            raise ValidationError({"title": gettext("申报名称至少 4 个字")})
    if values is not None or partners is not None:
        current_partners = [PartnerEntry(p.organisation_id, p.values) for p in application.partners.all()]
        answers, partner_rows = _clean_answers(
            call_type_of(application.call),
            values if values is not None else application.values,
            partners if partners is not None else current_partners,
        )
        application.values = _json_ready(answers)
        _save_partners(application, partner_rows)
    if lead_id is not None:
        application.lead = _lead(application.applicant, lead_id)
    application.version += 1
    application.save()
    return application


@transaction.atomic
def application_member_set(
    *, acting_user: Any, application_id: int, person_ids: Sequence[int], role: str = ""
) -> list[ApplicationMember]:
    """Name the team: people of the applicant or a co-builder (their 身份证号 stay masked)."""
    application = _locked(acting_user, application_id, None, action="view")
    _editable(acting_user, application, gettext("只有草稿或退回修改的申报可以修改"))
    if len(person_ids) > MAX_MEMBERS:
        raise ValidationError({"members": gettext("团队成员最多 {n} 人").format(n=MAX_MEMBERS)})
    units = {application.applicant_id, *application.partners.values_list("organisation_id", flat=True)}
    people = {p.pk: p for p in Person.all_objects.filter(pk__in=list(person_ids), organisation_id__in=units)}
    missing = [pk for pk in person_ids if pk not in people]
    if missing:
        raise ValidationError({"members": gettext("团队成员须是申报单位或共建单位的人员")})
    application.members.all().delete()
    return ApplicationMember.objects.bulk_create(
        ApplicationMember(application=application, person=people[pk], role=_text(role, 40))
        for pk in dict.fromkeys(person_ids)
    )


@transaction.atomic
def application_attach(
    *, acting_user: Any, application_id: int, spec: str, name: str, data: bytes
) -> ApplicationAttachment:
    application = _locked(acting_user, application_id, None, action="view")
    _editable(acting_user, application, gettext("只有草稿或退回修改的申报可以上传材料"))
    specs = {a.code: a for a in call_type_of(application.call).attachments}
    attachment = specs.get(str(spec))
    if attachment is None:
        raise ValidationError({"spec": gettext("本申报不需要这项材料：{spec}").format(spec=_text(spec, 40))})
    allowed = [ATTACHMENT_KINDS[k] for k in attachment.kinds if k in ATTACHMENT_KINDS]
    clean_name = _text(_UNSAFE_NAME.sub("", name), 120) or attachment.label
    content_type = check_upload(
        name=clean_name, data=data, allowed=allowed, max_bytes=attachment.max_mb * 1024 * 1024
    )
    kind = next(k for k in allowed if FILE_KINDS[k][1] == content_type)
    if application.attachments.filter(spec=attachment.code).count() >= MAX_ATTACHMENTS_PER_SPEC:
        raise ValidationError(
            {
                "file": gettext("“{label}”最多上传 {n} 个文件").format(
                    label=attachment.label, n=MAX_ATTACHMENTS_PER_SPEC
                )
            }
        )
    stored = ApplicationAttachment(
        application=application,
        spec=attachment.code,
        name=clean_name,
        content_type=content_type,
        size=len(data),
    )
    stored.file.save(f"{application.reference}-{attachment.code}.{kind}", ContentFile(data), save=False)
    stored.save()
    return stored


def _completeness(application: Application, call_type: CallType) -> dict[str, str]:
    _answers, errors = clean_values(call_type, application.values)
    have = set(application.attachments.values_list("spec", flat=True))
    for spec in call_type.attachments:
        if spec.required and spec.code not in have:
            errors[f"attachment.{spec.code}"] = gettext("缺少材料：{label}").format(label=spec.label)
    return errors


@transaction.atomic
def application_submit(*, acting_user: Any, application_id: int, version: int | None = None) -> Application:
    application = _locked(acting_user, application_id, version, action="view")
    _editable(acting_user, application, gettext("只有草稿或退回修改的申报可以提交"))
    call = application.call
    now = timezone.now()
    if call.status != CallStatus.OPEN or now > call.closes_at:
        raise ValidationError(
            gettext("申报已于 {when} 截止，不能再提交").format(
                when=timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")
            )
        )
    errors = _completeness(application, call_type_of(call))
    if errors:
        raise ValidationError(errors)
    limit = call_type_of(call).per_applicant
    same_call = (
        Application.all_objects.filter(call=call, applicant=application.applicant)
        .exclude(pk=application.pk)
        .exclude(status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN))
        .order_by("pk")
    )
    earlier = list(same_call.values_list("reference", flat=True)[:limit])
    if len(earlier) >= limit and not rules.is_nomination(call):
        raise ValidationError(
            (
                gettext("本镇已向该指南提交 {n} 项申报（{refs}），同一指南每镇限报 {limit} 项")
                if rules.applies_as_town(call)
                else gettext("本单位已向该指南提交 {n} 项申报（{refs}），同一指南每单位限报 {limit} 项")
            ).format(n=len(earlier), refs="、".join(earlier), limit=limit)
        )
    verdict = eligibility_of(application)
    application.eligible = verdict.eligible
    application.eligibility = [{"label": c.label, "passed": c.passed, "text": c.text} for c in verdict.checks]
    before = application.status
    # A nomination is the nominator's recommendation already; it goes straight to the province.
    application.status = (
        ApplicationStatus.RECOMMENDED if rules.is_nomination(call) else ApplicationStatus.SUBMITTED
    )
    application.submitted_at = now
    application.return_reason = ""
    application.version += 1
    application.save()
    _event(application, acting_user, "submit", before)
    if application.status == ApplicationStatus.SUBMITTED:
        notices.submitted(application, actor=acting_user)
    return application


@dataclass(frozen=True)
class Step:
    sources: frozenset[str]
    target: str
    allowed: Callable[[Any, Application], bool]
    label: str | Promise
    needs_reason: bool = False


STEPS: dict[str, Step] = {
    "recommend": Step(
        frozenset({ApplicationStatus.SUBMITTED}),
        ApplicationStatus.RECOMMENDED,
        rules.can_recommend,
        pgettext_lazy("application", "推荐"),
    ),
    "return": Step(
        frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.RECOMMENDED}),
        ApplicationStatus.RETURNED,
        rules.can_recommend,
        _("退回修改"),
        needs_reason=True,
    ),
    "decline": Step(
        frozenset({ApplicationStatus.SUBMITTED}),
        ApplicationStatus.NOT_RECOMMENDED,
        rules.can_recommend,
        _("不予推荐"),
        needs_reason=True,
    ),
    "accept": Step(
        frozenset({ApplicationStatus.RECOMMENDED}),
        ApplicationStatus.ACCEPTED,
        rules.can_check,
        _("形式审查通过"),
    ),
    "reject": Step(
        frozenset({ApplicationStatus.RECOMMENDED}),
        ApplicationStatus.REJECTED,
        rules.can_check,
        _("形式审查不通过"),
        needs_reason=True,
    ),
    "withdraw": Step(
        frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED}),
        ApplicationStatus.WITHDRAWN,
        rules.speaks_for_applicant,
        _("撤回"),
    ),
}


def application_actions(*, user: Any, application: Application) -> list[str]:
    """The steps this user may take on the application as it is now (the page's buttons)."""
    return [
        name
        for name, step in STEPS.items()
        if application.status in step.sources and step.allowed(user, application)
    ]


@transaction.atomic
def application_step(
    *, acting_user: Any, application_id: int, action: str, note: str = "", version: int | None = None
) -> Application:
    step = STEPS.get(str(action))
    if step is None:
        raise ValidationError(gettext("未知操作：{value}").format(value=_text(action, 20)))
    application = _locked(acting_user, application_id, version, action="view")
    if not step.allowed(acting_user, application):
        raise PermissionDenied(gettext("您没有{label}该申报的权限").format(label=step.label))
    if application.status not in step.sources:
        raise ValidationError(
            gettext("申报当前为“{status}”，不能{label}").format(
                status=application.get_status_display(), label=step.label
            )
        )
    note = _text(note, 500)
    if step.needs_reason and len(note) < 2:
        raise ValidationError({"note": gettext("{label}时请说明原因").format(label=step.label)})
    if action == "accept" and application.eligible is False:
        raise ValidationError(
            gettext("该申报不符合申报条件，不能通过形式审查：")
            + "；".join(c["text"] for c in application.eligibility if not c["passed"])
        )
    before = application.status
    application.status = step.target
    if step.needs_reason:
        application.return_reason = note
    application.version += 1
    application.save()
    _event(application, acting_user, action, before, note)
    notices.stepped(application, action=action, actor=acting_user, note=note)
    return application


def _event(application: Application, actor: Any, action: str, before: str, note: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        action=action,
        from_status=before,
        to_status=application.status,
        note=note[:500],
    )


@transaction.atomic
def calls_close_due(*, now: dt.datetime | None = None) -> list[Call]:
    """Close every open call whose closing time has passed (the automatic transition, run by
    `bqw calls_tick`); each call is saved on its own so the audit log records the change, and
    whoever created it is told."""
    now = now or timezone.now()
    closed = list(
        Call.objects.select_for_update().filter(status=CallStatus.OPEN, closes_at__lt=now).order_by("pk")
    )
    for call in closed:
        call.status = CallStatus.CLOSED
        call.version += 1
        call.save(update_fields=["status", "version", "updated_at"])
        submitted = call.applications.exclude(
            status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
        ).count()
        notices.call_closed(call, submitted)
    return closed


# ---- provisional list, 公示, objections, decision --------------------------------------------

OBJECTION_DAYS = 10


@transaction.atomic
def provisional_set(*, acting_user: Any, application_id: int, selected: bool, note: str) -> Application:
    """Change one provisional result by hand (before the 公示, or after an upheld objection)."""
    if not rules.can_manage_calls(acting_user):
        raise PermissionDenied(gettext("只有省科技厅可以调整拟定结果"))
    application = _locked(acting_user, application_id, None, action="view")
    if application.call.status not in (CallStatus.PROVISIONAL, CallStatus.PUBLICITY):
        raise ValidationError(gettext("只有拟定结果阶段或公示期间可以调整"))
    if application.status not in (ApplicationStatus.PROVISIONAL, ApplicationStatus.NOT_SELECTED):
        raise ValidationError(gettext("该申报不在评审结果中"))
    note = _text(note, 500)
    if len(note) < 2:
        raise ValidationError({"note": gettext("调整拟定结果时请说明原因")})
    before = application.status
    application.status = ApplicationStatus.PROVISIONAL if selected else ApplicationStatus.NOT_SELECTED
    if not selected:
        application.grade = ""
    application.version += 1
    application.save()
    _event(application, acting_user, "adjust", before, note)
    return application


@transaction.atomic
def publicity_start(*, acting_user: Any, call_id: int, version: int | None = None) -> Call:
    """Publish the provisional list for the call's 公示 period, starting today."""
    call = _call_locked(acting_user, call_id, version)
    if call.status != CallStatus.PROVISIONAL:
        raise ValidationError(gettext("拟定结果后才能公示"))
    # A batch of acceptances may fail every project; its 公示 says so.
    if not (
        rules.is_enrolment(call) or call.applications.filter(status=ApplicationStatus.PROVISIONAL).exists()
    ):
        raise ValidationError(gettext("拟定名单是空的"))
    today = timezone.localdate()
    call.publicity_starts = today
    call.publicity_ends = today + dt.timedelta(days=call.publicity_days)
    call.status = CallStatus.PUBLICITY
    call.version += 1
    call.save()
    notices.publicity_started(
        call,
        call.applications.filter(
            status__in=(ApplicationStatus.PROVISIONAL, ApplicationStatus.NOT_SELECTED)
        ).select_related("submitted_by"),
        actor=acting_user,
    )
    return call


def _objection_reference(call: Call) -> str:
    Call.objects.select_for_update().filter(pk=call.pk).first()
    return f"YY{call.year}-{call.pk:03d}-{Objection.objects.filter(call=call).count() + 1:03d}"


@transaction.atomic
def objection_file(
    *,
    call_id: int,
    name: str,
    contact: str,
    reason: str,
    application_id: int | None = None,
    acting_user: Any = None,
    evidence_name: str = "",
    evidence_data: bytes | None = None,
) -> Objection:
    """Anyone may object during the 公示 period, with a picture as evidence if they have one; the
    answer is due within OBJECTION_DAYS days."""
    call = Call.objects.filter(pk=call_id, status=CallStatus.PUBLICITY).first() if valid_id(call_id) else None
    if call is None:
        raise ValidationError(gettext("该名单不在公示期内，不能提出异议"))
    today = timezone.localdate()
    if call.publicity_ends and today > call.publicity_ends:
        raise ValidationError(gettext("公示已于 {day} 结束").format(day=call.publicity_ends))
    errors: dict[str, str] = {}
    name, contact, reason = _text(name, 40), _text(contact, 40), _text(reason, 3000)
    if len(name) < 2:
        errors["name"] = gettext("请填写异议人姓名或单位名称（实名提出）")
    if len(contact) < 5:
        errors["contact"] = gettext("请留下联系电话或邮箱，以便答复")
    if len(reason) < 10:
        errors["reason"] = gettext("请写明异议的事实和理由（至少 10 个字）")
    application = None
    if application_id is not None:
        application = (
            call.applications.filter(pk=application_id, status=ApplicationStatus.PROVISIONAL).first()
            if valid_id(application_id)
            else None
        )
        if application is None:
            errors["application"] = gettext("所选项目不在公示名单中")
    picture = None
    if evidence_data is not None:
        try:
            picture = clean_image(
                name=str(evidence_name or "evidence")[:100], data=evidence_data, field="evidence"
            )
        except ValidationError as exc:
            errors.update({field: messages[0] for field, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    user = acting_user if acting_user is not None and acting_user.is_authenticated else None
    notices.objection_filed(call, actor=user)
    objection = Objection(
        call=call,
        application=application,
        reference=_objection_reference(call),
        name=name,
        contact=contact,
        reason=reason,
        filed_by=user,
        due=today + dt.timedelta(days=OBJECTION_DAYS),
    )
    if picture is not None:
        stored, kind, _width, _height = picture
        suffix = "png" if kind == "png" else "jpg"
        objection.evidence.save(f"{objection.reference}.{suffix}", ContentFile(stored), save=False)
    objection.save()
    return objection


@transaction.atomic
def objection_answer(*, acting_user: Any, objection_id: int, answer: str, upheld: bool) -> Objection:
    if not rules.can_manage_calls(acting_user):
        raise PermissionDenied(gettext("只有省科技厅可以答复异议"))
    objection = (
        Objection.objects.select_for_update().filter(pk=objection_id).first()
        if valid_id(objection_id)
        else None
    )
    if objection is None:
        raise PermissionDenied(gettext("找不到该异议"))
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(gettext("该异议已答复"))
    answer = _text(answer, 3000)
    if len(answer) < 10:
        raise ValidationError({"answer": gettext("请写明核查情况和处理意见（至少 10 个字）")})
    objection.answer = answer
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.answered_by = acting_user
    objection.answered_at = timezone.now()
    objection.save()
    if objection.filed_by_id:
        notices.objection_answered(objection.call, objection.filed_by, actor=acting_user, upheld=upheld)
    return objection


@transaction.atomic
def call_decide(
    *,
    acting_user: Any,
    call_id: int,
    decision_number: str,
    version: int | None = None,
    today: dt.date | None = None,
) -> Call:
    """After the 公示 and with every objection answered: the provisional list becomes the decision;
    carriers enter the register."""
    call = _call_locked(acting_user, call_id, version)
    today = today or timezone.localdate()
    if call.status != CallStatus.PUBLICITY:
        raise ValidationError(gettext("公示结束后才能作出决定"))
    if call.publicity_ends and today < call.publicity_ends:
        raise ValidationError(gettext("公示期到 {day} 才结束").format(day=call.publicity_ends))
    open_objections = call.objections.filter(status=ObjectionStatus.OPEN).count()
    if open_objections:
        raise ValidationError(gettext("还有 {n} 件异议未答复").format(n=open_objections))
    number = _text(decision_number, 60)
    if len(number) < 4:
        raise ValidationError({"decision_number": gettext("请填写决定文号，如 粤科函农字〔2025〕123号")})
    call_type = call_type_of(call)
    approved = list(
        call.applications.filter(status=ApplicationStatus.PROVISIONAL).select_related("applicant")
    )
    for application in approved:
        before = application.status
        application.status = ApplicationStatus.APPROVED
        application.version += 1
        application.save(update_fields=["status", "version", "updated_at"])
        _event(application, acting_user, "approve", before, number)
    if call_type.result == "carrier":
        valid_until = years_later(today, call_type.validity_years) if call_type.validity_years else None
        Carrier.objects.bulk_create(
            Carrier(
                kind=call_type.carrier_kind,
                name=application.title,
                organisation=application.applicant,
                division_id=application.division_id,
                in_east_west_north=application.in_east_west_north,
                field=str(application.values.get("field", ""))[:60],
                certified_on=today,
                valid_until=valid_until,
                application=application,
            )
            for application in approved
        )
    for handler in DECISION_HANDLERS.get(call_type.result, []):
        handler(call, approved, acting_user)
    call.status = CallStatus.DECIDED
    call.decision_number = number
    call.decided_at = timezone.now()
    call.version += 1
    call.save()
    notices.decided(call, approved, actor=acting_user)
    return call


def years_later(day: dt.date, years: int) -> dt.date:
    """The same date `years` later; a 29 February certification runs to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def carriers_in_east_west_north(today: dt.date | None = None) -> float:
    """KPI-EWN-CARRIERS: certified carriers in 粤东西北 within their validity."""
    today = today or timezone.localdate()
    return float(
        Carrier.all_objects.filter(in_east_west_north=True, status=CarrierStatus.ACTIVE)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .count()
    )


CALL_STEPS.update({"publish": call_publish, "close": call_close, "publicity": publicity_start})


# ---- documents -------------------------------------------------------------------------------


def decision_pdf(call: Call) -> bytes:
    """The province's notice of the results: every approved application, in one PDF."""
    if call.status != CallStatus.DECIDED:
        raise ValidationError(gettext("作出决定后才有决定通知"))
    return render_pdf(
        "calls/decision_pdf.html",
        {"call": call, "approved": selectors.approved_list(call=call), "call_type": call_type_of(call)},
    )


def letter_pdf(application: Application) -> bytes:
    """The letter to one approved unit (认定通知书 / 立项通知书), for its own files."""
    if application.status != ApplicationStatus.APPROVED:
        raise ValidationError(gettext("只有已立项/已认定的申报有通知书"))
    call = application.call
    call_type = call_type_of(call)
    carrier = Carrier.all_objects.filter(application=application).first()
    # An official document is issued in Chinese whatever the reader's interface language.
    heading = f"关于认定{application.title}的通知" if carrier else f"关于{application.title}入选的通知"
    return render_pdf(
        "calls/letter_pdf.html",
        {
            "heading": heading,
            "call": call,
            "call_type": call_type,
            "application": application,
            "carrier": carrier,
            "partners": [p.organisation.name for p in application.partners.select_related("organisation")],
            "nominator": application.nominator_division.full_name if application.nominator_division else "",
        },
    )


def decision_file(call: Call) -> tuple[bytes, str, str] | None:
    """The decision notice as (PDF, file name, ASCII file name), or None before the decision."""
    if call.status != CallStatus.DECIDED:
        return None
    return decision_pdf(call), f"{call.title}-决定.pdf", f"decision-{call.pk}.pdf"


def letter_file(application: Application) -> tuple[bytes, str, str] | None:
    """The unit's letter as (PDF, file name, ASCII file name), or None unless it was approved."""
    if application.status != ApplicationStatus.APPROVED:
        return None
    return letter_pdf(application), f"{application.title}-通知书.pdf", f"letter-{application.reference}.pdf"
