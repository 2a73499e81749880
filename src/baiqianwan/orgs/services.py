"""Writes on organisations and people, each checked against the acting user's scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from baiqianwan.core.concurrency import version_check
from baiqianwan.core.validators import validate_id_number, validate_mobile, validate_uscc
from baiqianwan.regions.models import Division

from .models import Organisation, Person

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "uscc",
    "division",
    "address",
    "contact_name",
    "contact_phone",
    "website",
)
PERSON_FIELDS = (
    "name",
    "gender",
    "id_number",
    "mobile",
    "email",
    "organisation",
    "title",
    "position",
    "fields",
)


def _require_manager(acting_user: Any) -> None:
    if not getattr(acting_user, "is_manager", False):
        raise PermissionDenied(gettext("您没有维护单位和人员信息的权限"))


def _check_division(acting_user: Any, division: Division | None) -> None:
    scope = acting_user.scope
    if division is None:
        raise ValidationError({"division": gettext("请选择所在地")})
    if not scope.covers(division.code):
        raise ValidationError(
            {"division": gettext("“{full_name}”不在您的管辖范围内").format(full_name=division.full_name)}
        )


def _clean_organisation(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    if "uscc" in values:
        try:
            values["uscc"] = validate_uscc(values["uscc"])
        except ValidationError as exc:
            raise ValidationError({"uscc": exc.messages}) from None
    return values


@transaction.atomic
def organisation_create(*, acting_user: Any, **values: Any) -> Organisation:
    _require_manager(acting_user)
    values = _clean_organisation(values)
    _check_division(acting_user, values.get("division"))
    organisation = Organisation(**{k: v for k, v in values.items() if k in ORGANISATION_FIELDS})
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(
    *, acting_user: Any, organisation_id: int, version: int | None = None, **values: Any
) -> Organisation:
    """Change an organisation; ``version`` is the one the editor read, refused when stale."""
    organisation = (
        Organisation.objects.for_user(acting_user, "change")
        .select_for_update(of=("self",))
        .filter(pk=organisation_id)
        .first()
    )
    if organisation is None:
        raise PermissionDenied(gettext("该单位不在您的管辖范围内"))
    if not acting_user.is_manager and acting_user.organisation_id != organisation.pk:
        raise PermissionDenied(gettext("您没有修改该单位的权限"))
    version_check(current=organisation.version, expected=version)
    values = _clean_organisation(values)
    if "division" in values and values["division"] != organisation.division:
        if not acting_user.is_manager:
            raise ValidationError({"division": gettext("单位所在地只能由科技管理部门修改")})
        _check_division(acting_user, values["division"])
    for key, value in values.items():
        if key in ORGANISATION_FIELDS:
            setattr(organisation, key, value)
    organisation.version += 1
    organisation.full_clean()
    organisation.save()
    return organisation


def _clean_person(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    for key, check in (("id_number", validate_id_number), ("mobile", validate_mobile)):
        if key in values:
            try:
                values[key] = check(values[key])
            except ValidationError as exc:
                raise ValidationError({key: exc.messages}) from None
    return values


@transaction.atomic
def person_create(*, acting_user: Any, **values: Any) -> Person:
    values = _clean_person(values)
    organisation = values.get("organisation")
    if (
        organisation is None
        or not Organisation.objects.for_user(acting_user, "change").filter(pk=organisation.pk).exists()
    ):
        raise ValidationError({"organisation": gettext("所在单位不存在或不在您的管辖范围内")})
    if not (acting_user.is_manager or acting_user.organisation_id == organisation.pk):
        raise PermissionDenied(gettext("您没有登记人员的权限"))
    person = Person(**{k: v for k, v in values.items() if k in PERSON_FIELDS})
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, acting_user: Any, person_id: int, **values: Any) -> Person:
    person = (
        Person.objects.for_user(acting_user, "change")
        .select_for_update(of=("self",))
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise PermissionDenied(gettext("该人员不在您的管辖范围内"))
    if not (acting_user.is_manager or acting_user.organisation_id == person.organisation_id):
        raise PermissionDenied(gettext("您没有修改该人员信息的权限"))
    values = _clean_person(values)
    if (
        "organisation" in values
        and not Organisation.objects.for_user(acting_user, "change")
        .filter(pk=values["organisation"].pk)
        .exists()
    ):
        raise ValidationError({"organisation": gettext("所在单位不在您的管辖范围内")})
    for key, value in values.items():
        if key in PERSON_FIELDS:
            setattr(person, key, value)
    person.full_clean()
    person.save()
    return person
