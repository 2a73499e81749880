"""Writes on achievements and expert profiles, checked against the acting user's organisation or area."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from baiqianwan.core.text import to_simplified
from baiqianwan.orgs.models import Organisation

from .models import Achievement, ExpertProfile, TransferMode

ACHIEVEMENT_FIELDS = (
    "title",
    "abstract",
    "keywords",
    "industry",
    "maturity",
    "ip_type",
    "transfer_modes",
    "price",
    "organisation",
    "contact_name",
    "contact_phone",
    "is_public",
)
EXPERT_FIELDS = ("person", "user", "keywords", "bio", "home_city", "dialects", "availability", "is_public")


def _may_act_for(acting_user: Any, organisation: Organisation | None) -> None:
    if organisation is None:
        raise ValidationError({"organisation": gettext("请选择所属单位")})
    if acting_user.organisation_id == organisation.pk:
        return
    if (
        acting_user.is_manager
        and Organisation.objects.for_user(acting_user, "change").filter(pk=organisation.pk).exists()
    ):
        return
    raise PermissionDenied(gettext("只能为本单位或您管辖范围内的单位登记"))


def _clean_achievement(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: v for k, v in values.items() if k in ACHIEVEMENT_FIELDS}
    for key in ("title", "abstract", "keywords"):
        if key in cleaned:
            cleaned[key] = to_simplified(str(cleaned[key] or "")).strip()
    if "transfer_modes" in cleaned:
        modes = list(dict.fromkeys(cleaned["transfer_modes"] or []))
        unknown = [m for m in modes if m not in TransferMode.values]
        if unknown or not modes:
            raise ValidationError({"transfer_modes": gettext("请至少选择一种有效的转化方式")})
        cleaned["transfer_modes"] = modes
    return cleaned


@transaction.atomic
def achievement_create(*, acting_user: Any, **values: Any) -> Achievement:
    cleaned = _clean_achievement(values)
    _may_act_for(acting_user, cleaned.get("organisation"))
    achievement = Achievement(**cleaned)
    achievement.full_clean()
    achievement.save()
    return achievement


@transaction.atomic
def achievement_update(*, acting_user: Any, achievement_id: int, **values: Any) -> Achievement:
    achievement = (
        Achievement.objects.for_user(acting_user, "change")
        .select_for_update(of=("self",))
        .filter(pk=achievement_id)
        .first()
    )
    if achievement is None:
        raise PermissionDenied(gettext("找不到该成果，或您无权修改"))
    cleaned = _clean_achievement(values)
    _may_act_for(acting_user, cleaned.get("organisation", achievement.organisation))
    for key, value in cleaned.items():
        setattr(achievement, key, value)
    achievement.full_clean()
    achievement.save()
    return achievement


@transaction.atomic
def expert_create(*, acting_user: Any, industries: list[Any] | None = None, **values: Any) -> ExpertProfile:
    cleaned = {k: v for k, v in values.items() if k in EXPERT_FIELDS}
    person = cleaned.get("person")
    if person is None:
        raise ValidationError({"person": gettext("请选择人员")})
    _may_act_for(acting_user, person.organisation)
    if ExpertProfile.all_objects.filter(person=person).exists():
        raise ValidationError({"person": gettext("{name} 已有专家档案").format(name=person.name)})
    cleaned["keywords"] = to_simplified(str(cleaned.get("keywords", ""))).strip()
    profile = ExpertProfile(**cleaned)
    profile.full_clean()
    profile.save()
    if industries:
        profile.industries.set(industries)
    return profile


@transaction.atomic
def expert_update(
    *, acting_user: Any, expert_id: int, industries: list[Any] | None = None, **values: Any
) -> ExpertProfile:
    profile = (
        ExpertProfile.objects.for_user(acting_user, "change")
        .select_for_update(of=("self",))
        .filter(pk=expert_id)
        .first()
    )
    if profile is None:
        raise PermissionDenied(gettext("找不到该专家档案，或您无权修改"))
    if profile.user_id != acting_user.pk:
        _may_act_for(acting_user, profile.person.organisation)
    for key, value in values.items():
        if key in EXPERT_FIELDS and key != "person":
            setattr(profile, key, to_simplified(value) if key == "keywords" else value)
    profile.full_clean()
    profile.save()
    if industries is not None:
        profile.industries.set(industries)
    return profile
