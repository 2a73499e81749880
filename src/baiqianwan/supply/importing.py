"""Excel import and export of achievements and expert profiles (same rules as organisations)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from baiqianwan.core.jobs import Progress
from baiqianwan.core.spreadsheets import (
    CellError,
    Column,
    ParsedSheet,
    SheetSchema,
    text_cell,
)
from baiqianwan.core.text import normalise_query
from baiqianwan.core.validators import mask_id_number, validate_id_number, validate_uscc
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.models import Division

from .models import (
    Achievement,
    Availability,
    Dialect,
    ExpertProfile,
    IpType,
    Maturity,
    PriceRange,
    TransferMode,
)

# Spreadsheets always use the Chinese labels: these are read once at start-up, in the default language.
MATURITY = {str(label): value for value, label in Maturity.choices}
IP_TYPES = {str(label): value for value, label in IpType.choices}
PRICES = {str(label): value for value, label in PriceRange.choices}
MODES = {str(label): value for value, label in TransferMode.choices}
DIALECTS = {str(label): value for value, label in Dialect.choices}
AVAILABILITY = {str(label): value for value, label in Availability.choices}
SEPARATORS = "、，,;；"  # not "/": names such as 沙田柚/蜜柚 contain it


def _text(limit: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        return normalise_query(text_cell(value))[:limit]

    return parse


def _split(value: str | None) -> list[str]:
    text = value or ""
    for separator in SEPARATORS[1:]:
        text = text.replace(separator, SEPARATORS[0])
    return [part for part in text.split(SEPARATORS[0]) if part]


ACHIEVEMENT_SCHEMA = SheetSchema(
    title="科技成果",
    columns=[
        Column("title", "成果名称", _text(120), required=True, width=30),
        Column("abstract", "成果简介", _text(5000), required=True, width=50),
        Column("keywords", "关键词", _text(200), help="多个关键词用顿号或空格分隔。", width=24),
        Column("industry", "应用产业", _text(40), help="产业分类中的名称，如“沙田柚/蜜柚”“红茶”。", width=16),
        Column("maturity", "成熟度", required=True, choices=tuple(MATURITY), width=14),
        Column("ip_type", "知识产权类型", required=True, choices=tuple(IP_TYPES), width=14),
        Column(
            "modes",
            "转化方式",
            _text(60),
            required=True,
            help="可多选，用顿号分隔：" + "、".join(MODES),
            width=20,
        ),
        Column("price", "价格区间", choices=tuple(PRICES), width=14),
        Column(
            "organisation",
            "所有单位统一社会信用代码",
            lambda v: validate_uscc(text_cell(v)),
            required=True,
            width=24,
        ),
        Column("contact_name", "联系人", _text(40)),
        Column("contact_phone", "联系电话", _text(20)),
    ],
    notes=("成果所有单位须已在平台登记，且为您所在单位或在您的管辖范围内。",),
)

EXPERT_SCHEMA = SheetSchema(
    title="专家",
    columns=[
        Column(
            "id_number",
            "身份证号",
            lambda v: validate_id_number(text_cell(v)),
            required=True,
            width=22,
            help="专家须已作为人员登记（先导入人员）。",
        ),
        Column("keywords", "研究方向关键词", _text(300), required=True, width=30),
        Column("industries", "服务产业", _text(200), help="产业分类中的名称，多个用顿号分隔。", width=24),
        Column("home_city", "常驻城市", _text(10), required=True, help="地级市名称，如“梅州市”。"),
        Column("dialects", "方言", _text(40), help="可多选：" + "、".join(DIALECTS)),
        Column("availability", "可对接状态", choices=tuple(AVAILABILITY), width=14),
        Column("bio", "个人简介", _text(3000), width=40),
    ],
)


def _industries_by_name() -> dict[str, Industry]:
    return {i.name: i for i in Industry.objects.filter(parent__isnull=False)}


def achievements_import(
    *, acting_user: Any, sheet: ParsedSheet, progress: Progress | None = None
) -> dict[str, Any]:
    schema, rows = ACHIEVEMENT_SCHEMA, sheet.rows
    errors: list[CellError] = []
    reachable = {o.uscc: o for o in Organisation.objects.for_user(acting_user, "change")}
    if getattr(acting_user, "organisation", None) is not None:
        reachable[acting_user.organisation.uscc] = acting_user.organisation
    industries = _industries_by_name()
    records: list[Achievement] = []
    for row in rows:
        organisation = reachable.get(row["organisation"]) if row.get("organisation") else None
        if row.get("organisation") and organisation is None:
            errors.append(
                sheet.cell_error(
                    row,
                    "organisation",
                    gettext("单位 {organisation} 未登记或您无权为其登记成果").format(
                        organisation=row["organisation"]
                    ),
                    schema,
                )
            )
        industry = industries.get(row["industry"]) if row.get("industry") else None
        if row.get("industry") and industry is None:
            errors.append(
                sheet.cell_error(
                    row,
                    "industry",
                    gettext("产业分类中没有“{industry}”").format(industry=row["industry"]),
                    schema,
                )
            )
        modes = _split(row.get("modes"))
        unknown = [m for m in modes if m not in MODES]
        if row.get("modes") and (unknown or not modes):
            errors.append(
                sheet.cell_error(
                    row, "modes", gettext("不认识的转化方式：{join}").format(join="、".join(unknown)), schema
                )
            )
        if row["_bad"] or errors:
            continue
        records.append(
            Achievement(
                title=row["title"],
                abstract=row["abstract"],
                keywords=row["keywords"] or "",
                industry=industry,
                maturity=MATURITY[row["maturity"]],
                ip_type=IP_TYPES[row["ip_type"]],
                transfer_modes=[MODES[m] for m in modes],
                price=PRICES.get(row["price"] or "", PriceRange.NEGOTIABLE),
                organisation=organisation,
                contact_name=row["contact_name"] or "",
                contact_phone=row["contact_phone"] or "",
            )
        )
    sheet.reject_if_any(errors)
    with transaction.atomic():
        for start in range(0, len(records), 500):
            # One by one so that each new achievement is indexed for matching (post_save).
            for record in records[start : start + 500]:
                record.save()
            if progress:
                progress(min(start + 500, len(records)), len(records), "写入中")
    return {"created": len(records), "message": f"已导入 {len(records)} 项科技成果"}


def experts_import(
    *, acting_user: Any, sheet: ParsedSheet, progress: Progress | None = None
) -> dict[str, Any]:
    schema, rows = EXPERT_SCHEMA, sheet.rows
    errors: list[CellError] = []
    numbers = [r["id_number"] for r in rows if r.get("id_number")]
    people = {
        p.id_number: p for p in Person.objects.for_user(acting_user, "change").filter(id_number__in=numbers)
    }
    existing = set(
        ExpertProfile.all_objects.filter(person__id_number__in=numbers).values_list(
            "person__id_number", flat=True
        )
    )
    cities = {d.name: d for d in Division.objects.filter(level="city")}
    industries = _industries_by_name()
    prepared: list[tuple[ExpertProfile, list[Industry]]] = []
    for row in rows:
        person = people.get(row["id_number"]) if row.get("id_number") else None
        masked = mask_id_number(row["id_number"]) if row.get("id_number") else ""
        if row.get("id_number") and person is None:
            errors.append(
                sheet.cell_error(
                    row,
                    "id_number",
                    gettext("身份证号 {masked} 的人员未登记或不在您的管辖范围内").format(masked=masked),
                    schema,
                )
            )
        if row.get("id_number") in existing:
            errors.append(
                sheet.cell_error(
                    row,
                    "id_number",
                    gettext("身份证号 {masked} 的专家档案已存在").format(masked=masked),
                    schema,
                )
            )
        city = cities.get(row["home_city"]) if row.get("home_city") else None
        if row.get("home_city") and city is None:
            errors.append(
                sheet.cell_error(
                    row,
                    "home_city",
                    gettext("“{home_city}”不是广东省的地级市").format(home_city=row["home_city"]),
                    schema,
                )
            )
        chosen = _split(row.get("industries"))
        missing = [name for name in chosen if name not in industries]
        if missing:
            errors.append(
                sheet.cell_error(
                    row,
                    "industries",
                    gettext("产业分类中没有：{join}").format(join="、".join(missing)),
                    schema,
                )
            )
        dialects = _split(row.get("dialects"))
        if [d for d in dialects if d not in DIALECTS]:
            errors.append(
                sheet.cell_error(row, "dialects", gettext("方言只能填：") + "、".join(DIALECTS), schema)
            )
        if row["_bad"] or errors:
            continue
        profile = ExpertProfile(
            person=person,
            keywords=row["keywords"],
            home_city=city,
            bio=row["bio"] or "",
            dialects=[DIALECTS[d] for d in dialects],
            availability=AVAILABILITY.get(row["availability"] or "", Availability.AVAILABLE),
        )
        prepared.append((profile, [industries[name] for name in chosen]))
    sheet.reject_if_any(errors)
    with transaction.atomic():
        for done, (profile, chosen_industries) in enumerate(prepared, start=1):
            profile.save()
            profile.industries.set(chosen_industries)
            if progress and done % 200 == 0:
                progress(done, len(prepared), "写入中")
    return {"created": len(prepared), "message": f"已导入 {len(prepared)} 名专家"}


def achievement_rows(achievements: Iterable[Achievement]) -> Iterable[list[Any]]:
    for a in achievements:
        yield [
            a.title,
            a.abstract,
            a.keywords,
            a.industry.name if a.industry else "",
            a.get_maturity_display(),
            a.get_ip_type_display(),
            "、".join(a.transfer_mode_labels),
            a.get_price_display(),
            a.organisation.uscc,
            a.contact_name,
            a.contact_phone,
        ]


def expert_rows(experts: Iterable[ExpertProfile], *, full: bool) -> Iterable[list[Any]]:
    for e in experts:
        yield [
            e.person.id_number if full else mask_id_number(e.person.id_number),
            e.keywords,
            "、".join(i.name for i in e.industries.all()),
            e.home_city.name,
            "、".join(e.dialect_labels),
            e.get_availability_display(),
            e.bio,
        ]
