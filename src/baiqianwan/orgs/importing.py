"""Excel import and export of organisations and people: schemas, checks, one transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from baiqianwan.core.audit import audit_records_created
from baiqianwan.core.changes import records_changed
from baiqianwan.core.jobs import Progress
from baiqianwan.core.spreadsheets import (
    CellError,
    Column,
    ParsedSheet,
    SheetSchema,
    text_cell,
)
from baiqianwan.core.text import normalise_query
from baiqianwan.core.validators import (
    mask_id_number,
    mask_mobile,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)
from baiqianwan.regions.models import Division

from .models import Organisation, OrganisationKind, Person

# Spreadsheets always use the Chinese labels: these are read once at start-up, in the default language.
KIND_BY_LABEL = {str(label): value for value, label in OrganisationKind.choices}
GENDER_BY_LABEL = {str(label): value for value, label in Person.Gender.choices}


def _uscc(value: Any) -> str:
    return validate_uscc(text_cell(value))


def _id_number(value: Any) -> str:
    return validate_id_number(text_cell(value))


def _mobile(value: Any) -> str:
    return validate_mobile(text_cell(value))


def _name(limit: int):
    def parse(value: Any) -> str:
        text = normalise_query(text_cell(value))
        if len(text) > limit:
            raise ValidationError(
                gettext("不能超过 {limit} 个字，实际 {len} 个字").format(limit=limit, len=len(text))
            )
        return text

    return parse


ORGANISATION_SCHEMA = SheetSchema(
    title="单位",
    columns=[
        Column("name", "单位名称", _name(120), required=True, help="单位全称。", width=32),
        Column("kind", "单位类型", required=True, choices=tuple(KIND_BY_LABEL), width=16),
        Column("uscc", "统一社会信用代码", _uscc, required=True, help="18 位，按 GB 32100 校验。", width=24),
        Column(
            "division",
            "所在地",
            _name(160),
            required=True,
            help="12 位统计用区划代码，或区划全称（如“梅州市大埔县湖寮镇”）。须在您的管辖范围内。",
            width=28,
        ),
        Column("address", "地址", _name(200), width=32),
        Column("contact_name", "联系人", _name(40)),
        Column("contact_phone", "联系电话", lambda v: text_cell(v)[:20]),
    ],
    notes=("带 * 的列必填。一个文件中任何一格有错，整个文件都不会导入，请按提示修改后重新上传。",),
)

PERSON_SCHEMA = SheetSchema(
    title="人员",
    columns=[
        Column("name", "姓名", _name(40), required=True),
        Column("gender", "性别", choices=tuple(GENDER_BY_LABEL), width=8),
        Column(
            "id_number", "身份证号", _id_number, required=True, help="18 位，按 GB 11643 校验。", width=22
        ),
        Column("mobile", "手机号码", _mobile, required=True, width=14),
        Column("email", "电子邮箱", lambda v: text_cell(v)[:254], width=22),
        Column(
            "organisation",
            "所在单位统一社会信用代码",
            _uscc,
            required=True,
            help="单位须已在平台登记，且在您的管辖范围内。",
            width=26,
        ),
        Column("title", "职称", _name(40)),
        Column("position", "职务", _name(40)),
        Column("fields", "专业领域", _name(200), width=30),
    ],
    notes=("带 * 的列必填。身份证号、手机号码属于个人信息，仅有权限的角色可见完整号码。",),
)


def _duplicates(
    sheet: ParsedSheet, key: str, schema: SheetSchema, shown: Callable[[str], str]
) -> list[CellError]:
    counts = Counter(r[key] for r in sheet.rows if r.get(key))
    return [
        sheet.cell_error(r, key, gettext("“{shown}”在文件中重复出现").format(shown=shown(r[key])), schema)
        for r in sheet.rows
        if r.get(key) and counts[r[key]] > 1
    ]


def organisations_import(
    *, acting_user: Any, sheet: ParsedSheet, progress: Progress | None = None
) -> dict[str, Any]:
    """Check every row against the database and the user's scope, then store all or nothing."""
    schema, rows = ORGANISATION_SCHEMA, sheet.rows
    errors = _duplicates(sheet, "uscc", schema, str)
    scope = acting_user.scope
    wanted = {r["division"] for r in rows if r.get("division")}
    divisions = {d.code: d for d in Division.objects.filter(code__in=wanted)}
    divisions.update({d.full_name: d for d in Division.objects.filter(full_name__in=wanted)})
    codes = [r["uscc"] for r in rows if r.get("uscc")]
    existing = set(Organisation.all_objects.filter(uscc__in=codes).values_list("uscc", flat=True))
    organisations: list[Organisation] = []
    for row in rows:
        division = divisions.get(row["division"]) if row.get("division") else None
        if row.get("division") and division is None:
            errors.append(
                sheet.cell_error(
                    row,
                    "division",
                    gettext("找不到区划“{division}”").format(division=row["division"]),
                    schema,
                )
            )
        elif division is not None and not scope.covers(division.code):
            errors.append(
                sheet.cell_error(
                    row,
                    "division",
                    gettext("“{full_name}”不在您的管辖范围内").format(full_name=division.full_name),
                    schema,
                )
            )
        if row.get("uscc") in existing:
            errors.append(
                sheet.cell_error(
                    row, "uscc", gettext("单位 {uscc} 已在平台登记").format(uscc=row["uscc"]), schema
                )
            )
        if row["_bad"] or errors:
            continue
        organisations.append(
            Organisation(
                name=row["name"],
                kind=KIND_BY_LABEL[row["kind"]],
                uscc=row["uscc"],
                division=division,
                address=row["address"] or "",
                contact_name=row["contact_name"] or "",
                contact_phone=row["contact_phone"] or "",
            )
        )
    sheet.reject_if_any(errors)
    _store(organisations, Organisation, progress, acting_user=acting_user)
    return {"created": len(organisations), "message": f"已导入 {len(organisations)} 个单位"}


def people_import(
    *, acting_user: Any, sheet: ParsedSheet, progress: Progress | None = None
) -> dict[str, Any]:
    """Check every row against the registered organisations in scope, then store all or nothing."""
    schema, rows = PERSON_SCHEMA, sheet.rows
    errors = _duplicates(sheet, "id_number", schema, mask_id_number)
    wanted = {r["organisation"] for r in rows if r.get("organisation")}
    reachable = {
        o.uscc: o for o in Organisation.objects.for_user(acting_user, "change").filter(uscc__in=wanted)
    }
    numbers = [r["id_number"] for r in rows if r.get("id_number")]
    existing = set(Person.all_objects.filter(id_number__in=numbers).values_list("id_number", flat=True))
    people: list[Person] = []
    for row in rows:
        organisation = reachable.get(row["organisation"]) if row.get("organisation") else None
        if row.get("organisation") and organisation is None:
            message = gettext("单位 {organisation} 未登记或不在您的管辖范围内").format(
                organisation=row["organisation"]
            )
            errors.append(sheet.cell_error(row, "organisation", message, schema))
        if row.get("id_number") in existing:
            message = gettext("身份证号 {mask_id_number} 的人员已登记").format(
                mask_id_number=mask_id_number(row["id_number"])
            )
            errors.append(sheet.cell_error(row, "id_number", message, schema))
        if row["_bad"] or errors:
            continue
        people.append(
            Person(
                name=row["name"],
                gender=GENDER_BY_LABEL.get(row["gender"] or "", ""),
                id_number=row["id_number"],
                mobile=row["mobile"],
                email=row["email"] or "",
                organisation=organisation,
                title=row["title"] or "",
                position=row["position"] or "",
                fields=row["fields"] or "",
            )
        )
    sheet.reject_if_any(errors)
    _store(people, Person, progress, acting_user=acting_user)
    return {"created": len(people), "message": f"已导入 {len(people)} 名人员"}


def _store(
    objects: list[Any], model: Any, progress: Progress | None, *, acting_user: Any, batch: int = 1000
) -> None:
    """Store all or nothing; each batch is audited and announced (``bulk_create`` sends no signals)."""
    with transaction.atomic():
        for start in range(0, len(objects), batch):
            created = model.all_objects.bulk_create(objects[start : start + batch])
            audit_records_created(created, actor=acting_user)
            records_changed(model, [record.pk for record in created])
            if progress:
                progress(min(start + batch, len(objects)), len(objects), "写入中")


def organisation_rows(organisations: Iterable[Organisation]) -> Iterable[list[Any]]:
    for o in organisations:
        yield [
            o.name,
            o.get_kind_display(),
            o.uscc,
            o.division.full_name,
            o.address,
            o.contact_name,
            o.contact_phone,
        ]


def person_rows(people: Iterable[Person], *, full: bool) -> Iterable[list[Any]]:
    for p in people:
        yield [
            p.name,
            p.get_gender_display() if p.gender else "",
            p.id_number if full else mask_id_number(p.id_number),
            p.mobile if full else mask_mobile(p.mobile),
            p.email,
            p.organisation.uscc,
            p.title,
            p.position,
            p.fields,
        ]
