"""This app's part of `bqw demo`, written through the services so it obeys the rules it shows off:
the five call types; a 2025 工程技术研究中心 call with ~120 applications from every city (a third
joint with a university, some rescued by their co-builders' researchers and equipment, some not),
recommended by the bureaus and checked by the province; a 推广奖 round of nominations within the
cities' quotas; a 人才项目 round. The reviews and the decision follow in ``reviews/demo.py``."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.fakes import make_uscc
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.regions.models import Division

from . import services
from .models import Application, ApplicationStatus, Call
from .services import PartnerEntry

DATA = Path(settings.DATA_DIR) / "calls"
# The smallest file a PDF reader opens: what the demo uploads as each required document.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
CENTRE_TITLE = "2025年度广东省工程技术研究中心认定"
AWARD_TITLE = "2025年度广东省科技成果推广奖（粤东粤西粤北）"
TALENT_TITLE = "2025年度乡村振兴科技创新团队"
JOURNEY_COMPANY = "梅州柚香食品有限公司"
JOURNEY_USERNAME = "myx_org"

# What the companies work on, by the call type's 技术领域, and the words that describe it.
FIELDS = {
    "农产品加工": ("果蔬精深加工", "柚类 荔枝 果汁 副产物 综合利用 农产品加工"),
    "现代种业": ("良种繁育", "水稻 育种 种苗 组培 现代种业"),
    "智能农机装备": ("丘陵山区农机", "农机 智能装备 采收 机械 丘陵山区"),
    "生物医药": ("南药提取", "南药 中药材 提取 生物医药"),
    "新材料": ("功能材料", "陶瓷 稀土 新材料 复合材料"),
    "电子信息": ("农业物联网", "物联网 传感器 电子信息 数字农业"),
    "先进制造": ("智能制造", "数控 智能制造 自动化 生产线"),
    "资源环境": ("农村污水处理", "污水 生态修复 资源环境 固废"),
    "海洋渔业": ("水产养殖装备", "水产 养殖 海洋渔业 深远海"),
    "现代轻工": ("客家食品", "食品 发酵 客家 现代轻工"),
}
COMPANY_WORDS = [
    "丰源",
    "绿康",
    "华兴",
    "客都",
    "岭南",
    "南粤",
    "金穗",
    "宏达",
    "瑞丰",
    "嘉禾",
    "新农",
    "鼎盛",
]
CO_BUILDERS = [
    "华南农业大学",
    "广东省农业科学院",
    "仲恺农业工程学院",
    "广东省科学院",
    "嘉应学院",
    "广东海洋大学",
    "韶关学院",
]


def definition(code: str) -> dict[str, Any]:
    return json.loads((DATA / f"{code}.json").read_text(encoding="utf-8"))


def demo_call_types(province: User) -> int:
    for path in sorted(DATA.glob("*.json")):
        services.call_type_load(acting_user=province, data=definition(path.stem), note="初始版本")
    return len(list(DATA.glob("*.json")))


def _open_call(province: User, code: str, title: str, year: int = 2025, **values: Any) -> Call:
    now = timezone.now()
    call = services.call_create(
        acting_user=province,
        call_type_code=code,
        title=title,
        year=year,
        guide=values.pop("guide"),
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        **values,
    )
    return services.call_publish(acting_user=province, call_id=call.pk)


def _counties() -> list[Division]:
    """One place per county of the province (东莞、中山: a town), in code order."""
    places = list(Division.objects.filter(level="county").exclude(name__endswith="区").order_by("code"))
    places += list(Division.objects.filter(level="town", code__regex=r"^44(19|20)").order_by("code")[:4])
    return places


def _applicant(rng: random.Random, place: Division, field: str, index: int) -> tuple[Organisation, User]:
    topic = FIELDS[field][0]
    city = place.full_name[:3] if place.full_name.startswith("广东省") is False else place.full_name[3:6]
    name = f"{place.name[:2]}{COMPANY_WORDS[index % len(COMPANY_WORDS)]}{topic}有限公司"
    if index == 0:
        name = JOURNEY_COMPANY
    organisation, _ = Organisation.all_objects.get_or_create(
        name=name,
        defaults={
            "kind": "enterprise",
            "uscc": make_uscc(rng, kind="enterprise", division_code=place.code),
            "division": place,
            "address": f"{place.full_name}工业园",
            "contact_name": "办公室",
            "contact_phone": f"0{rng.randint(750, 768)}-{rng.randint(2000000, 8999999)}",
        },
    )
    username = JOURNEY_USERNAME if index == 0 else f"applicant_{index:03d}"
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": f"{name}（{city}）", "role": Role.ORG, "organisation": organisation},
    )
    if created:
        if index == 0:
            from baiqianwan.accounts.demo import DEMO_PASSWORD

            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()  # the other applicants never sign in to the demo
        user.save()
    return organisation, user


def _centre_values(rng: random.Random, field: str, ewn: bool) -> dict[str, Any]:
    researchers = rng.randint(7, 22) if ewn else rng.randint(14, 40)
    equipment = rng.randint(90, 360) if ewn else rng.randint(200, 900)
    return {
        "field": field,
        "direction": f"{FIELDS[field][0]}关键技术研究与工程化",
        "revenue": str(rng.randint(3000, 30000)),
        "rd_spend": str(rng.randint(120, 1500)),
        "equipment_value": str(equipment),
        "researchers": str(researchers),
        "qualified_researchers": str(max(1, round(researchers * rng.uniform(0.45, 0.85)))),
        "summary": f"公司围绕{FIELDS[field][1].split()[0]}等方向开展研发，建有中试线，研究方向：{FIELDS[field][1]}。",
    }


def _recommender(application: Application, offices: dict[str, User], province: User) -> User:
    """The bureau of the applicant's city or county when the demo has one, else the province."""
    code = application.division_id
    return offices.get(code[:6]) or offices.get(code[:4]) or province


def _offices() -> dict[str, User]:
    offices = {}
    for user in User.objects.filter(role__in=(Role.CITY, Role.COUNTY)).exclude(division=None):
        offices[user.division_id[:4] if user.role == Role.CITY else user.division_id[:6]] = user
    return offices


def demo_centre_call(rng: random.Random, province: User) -> Call:
    call = _open_call(
        province,
        "engineering_centre",
        CENTRE_TITLE,
        places=40,
        guide=(
            "一、支持方向：围绕县域特色产业和“百千万工程”，支持企业、高校和科研院所建设工程技术研究中心，"
            "鼓励企业联合高校、科研院所共建。\n二、倾斜政策：粤东粤西粤北地区申报单位专职科研人员不少于 10 人、"
            "研发设备原值不低于 150 万元；联合申报的，共建单位在相关领域的研发设备和科研人员可纳入计算。\n"
            "三、申报方式：申报单位在线填报，经所在地级以上市科技局推荐后报送省科技厅。\n四、联系方式：省科技厅农村科技处。"
        ),
    )
    universities = {o.name: o for o in Organisation.all_objects.filter(name__in=CO_BUILDERS)}
    offices = _offices()
    places = _counties()
    fields = list(FIELDS)
    for index in range(120):
        place = Division.objects.get(code="441422000000") if index == 0 else places[(index * 7) % len(places)]
        field = "农产品加工" if index == 0 else fields[index % len(fields)]
        ewn = is_east_west_north(place.code)
        organisation, user = _applicant(rng, place, field, index)
        values = _centre_values(rng, field, ewn)
        partners = []
        if index == 0 or rng.random() < 0.35:
            values.update(
                {
                    "revenue": "8000",
                    "equipment_value": "120",
                    "researchers": "12",
                    "qualified_researchers": "7",
                }
                if index == 0
                else {}
            )
            partner = universities[rng.choice(list(universities))] if index else universities["嘉应学院"]
            partners = [
                PartnerEntry(
                    partner.pk,
                    {
                        "equipment_value": str(rng.randint(40, 160)),
                        "researchers": str(rng.randint(3, 9)),
                        "qualified_researchers": str(rng.randint(3, 6)),
                    }
                    if index
                    else {"equipment_value": "90", "researchers": "6", "qualified_researchers": "5"},
                )
            ]
        title = f"广东省{FIELDS[field][0]}工程技术研究中心（{organisation.name[:4]}）"
        application = services.application_create(
            acting_user=user, call_id=call.pk, title=title, values=values, partners=partners
        )
        for spec in ("licence", "equipment_list"):
            services.application_attach(
                acting_user=user, application_id=application.pk, spec=spec, name=f"{spec}.pdf", data=DEMO_PDF
            )
        if index % 40 == 39:
            continue  # a few drafts never submitted
        application = services.application_submit(acting_user=user, application_id=application.pk)
        office = _recommender(application, offices, province)
        if index % 23 == 22:
            services.application_step(
                acting_user=office,
                application_id=application.pk,
                action="return",
                note="请补充研发设备清单中设备的购置发票",
            )
            continue
        services.application_step(acting_user=office, application_id=application.pk, action="recommend")
        if not application.eligible:
            failures = "；".join(c["text"] for c in application.eligibility if not c["passed"])
            services.application_step(
                acting_user=province, application_id=application.pk, action="reject", note=failures[:480]
            )
        else:
            services.application_step(acting_user=province, application_id=application.pk, action="accept")
    return services.call_close(acting_user=province, call_id=call.pk)


AWARD_NOMINATIONS = [
    # (nominating city user, nominee, achievement, lead person, region of application, benefit 万元)
    ("mz_city", "梅州市农林科学院", "金柚标准化生产与采后保鲜技术", "李德明", "441422000000", "2600"),
    ("mz_city", "大埔县农业技术推广中心", "蜜柚黄龙病综合防控技术集成推广", "张惠芳", "441422100000", "1800"),
    ("mz_city", "嘉应学院", "客家药膳原料南药规范化种植", "黄志强", "441481000000", "950"),
    ("qy_city", "英德市英红茶业有限公司", "英德红茶新品种选育与加工技术", "何伟", "441881129000", "3100"),
    ("qy_city", "英德市农业技术推广中心", "英德红茶标准化加工技术推广", "罗晓云", "441881000000", "2200"),
    ("gz_city", "华南农业大学", "荔枝控梢促花保果技术在粤西推广", "陈晓燕", "440981000000", "4200"),
    ("gz_city", "广东省农业科学院", "丝苗米优质高产栽培技术在粤北推广", "周建", "440281000000", "5100"),
    ("dg_city", "广东省科学院", "岭南水果冷链物流技术在珠三角应用", "吴敏", "441900003000", "800"),
]


def demo_award_call(rng: random.Random, province: User) -> Call:
    call = _open_call(
        province,
        "promotion_award",
        AWARD_TITLE,
        guide=(
            "推广奖只接受提名。地级以上市科技局每局可提名 3 项。由粤东粤西粤北的个人或单位牵头完成，"
            "或在粤东粤西粤北推广应用的成果可获提名，须附应用地区证明。"
        ),
    )
    for username, nominee_name, achievement, lead, region, benefit in AWARD_NOMINATIONS:
        nominator = User.objects.filter(username=username).first()
        nominee = Organisation.all_objects.filter(name=nominee_name).first()
        if nominator is None or nominee is None:
            continue
        nomination = services.application_create(
            acting_user=nominator,
            call_id=call.pk,
            title=achievement,
            applicant_id=nominee.pk,
            values={
                "achievement": achievement,
                "lead_person": lead,
                "application_region": region,
                "area": str(round(rng.uniform(1, 30), 1)),
                "benefit": benefit,
                "farmers": str(rng.randint(800, 20000)),
                "summary": f"{achievement}，在{Division.objects.get(code=region).full_name}等地推广应用。",
            },
        )
        for spec in ("application_evidence", "benefit_evidence"):
            services.application_attach(
                acting_user=nominator,
                application_id=nomination.pk,
                spec=spec,
                name=f"{spec}.pdf",
                data=DEMO_PDF,
            )
        nomination = services.application_submit(acting_user=nominator, application_id=nomination.pk)
        if nomination.eligible:
            services.application_step(acting_user=province, application_id=nomination.pk, action="accept")
        else:
            services.application_step(
                acting_user=province,
                application_id=nomination.pk,
                action="reject",
                note="牵头单位和推广应用地区均不在粤东粤西粤北，不符合提名条件",
            )
    return services.call_close(acting_user=province, call_id=call.pk)


TEAMS = [
    # (applicant, team, leader, field, grassroots, service days)
    ("梅州市农林科学院", "金柚提质增效科技创新团队", "李德明", "岭南水果", True, 120),
    ("嘉应学院", "客家南药科技创新团队", "黄志强", "南药", True, 95),
    ("广东海洋大学", "湛江对虾健康养殖团队", "林海", "水产", True, 150),
    ("韶关学院", "粤北林下经济团队", "钟山", "南药", True, 80),
    ("华南农业大学", "荔枝龙眼产业技术团队", "陈晓燕", "岭南水果", False, 70),
    ("广东省农业科学院", "丝苗米产业科技团队", "周建", "粮食", False, 65),
    ("仲恺农业工程学院", "农产品加工与电商团队", "何敏", "农产品加工", False, 62),
    ("广东省科学院", "智慧农业装备团队", "吴敏", "农产品加工", False, 61),
    ("英德市农业技术推广中心", "英德红茶产业科技团队", "何伟", "茶叶", True, 130),
    ("梅州市农林科学院", "梅州茶叶提质团队", "罗晓云", "茶叶", True, 58),
]


def demo_talent_call(rng: random.Random, province: User) -> Call:
    call = _open_call(
        province,
        "talent_team",
        TALENT_TITLE,
        places=6,
        guide=(
            "支持服务县镇村的科技创新团队。名额向艰苦边远地区和基层一线倾斜（不少于 30%），"
            "同分时粤东粤西粤北的创新团队优先。"
        ),
    )
    offices = _offices()
    for index, (unit, team, leader, field, grassroots, days) in enumerate(TEAMS):
        organisation = Organisation.all_objects.filter(name=unit).first()
        if organisation is None:
            continue
        user, created = User.objects.get_or_create(
            username=f"team_{index:02d}",
            defaults={"display_name": f"{unit}科技处", "role": Role.ORG, "organisation": organisation},
        )
        if created:
            user.set_unusable_password()
            user.save()
        application = services.application_create(
            acting_user=user,
            call_id=call.pk,
            title=team,
            values={
                "team_name": team,
                "leader": leader,
                "members": str(rng.randint(5, 12)),
                "field": field,
                "grassroots": grassroots,
                "service_days": str(days),
                "summary": f"{team}长期在基层开展{field}技术服务。",
            },
        )
        services.application_attach(
            acting_user=user,
            application_id=application.pk,
            spec="members_list",
            name="团队成员名单.pdf",
            data=DEMO_PDF,
        )
        application = services.application_submit(acting_user=user, application_id=application.pk)
        services.application_step(
            acting_user=_recommender(application, offices, province),
            application_id=application.pk,
            action="recommend",
        )
        if application.eligible:
            services.application_step(acting_user=province, application_id=application.pk, action="accept")
        else:
            services.application_step(
                acting_user=province,
                application_id=application.pk,
                action="reject",
                note="上一年度基层服务天数不足",
            )
    return services.call_close(acting_user=province, call_id=call.pk)


def demo_calls(rng: random.Random) -> dict[str, Call]:
    province = User.objects.get(username="gd_admin")
    demo_call_types(province)
    calls = {
        "centre": demo_centre_call(rng, province),
        "award": demo_award_call(rng, province),
        "talent": demo_talent_call(rng, province),
    }
    # This year's call is open: a unit can apply in the demo, and the applicant's form is there to see.
    calls["open"] = _open_call(
        province,
        "new_rd_institution",
        "2026年度广东省新型研发机构认定",
        year=2026,
        places=30,
        guide=(
            "面向县域特色产业和中小企业技术需求，认定一批体制机制灵活、研发与服务能力突出的新型研发机构。"
            "申报单位须在粤注册、具有独立法人资格，研发人员占在职员工比例和研发经费占收入比例达到申报条件，"
            "并面向中小企业提供技术服务。申报材料按表单上传，所在地级以上市科技局推荐后报送省科技厅。"
        ),
    )
    # The calls ran in spring: show the dates they ran on (the steps above checked them as they went).
    spring = timezone.make_aware(dt.datetime(2025, 3, 1, 9, 0))
    for name, call in calls.items():
        if name == "open":
            continue
        Call.objects.filter(pk=call.pk).update(
            opens_at=spring, closes_at=spring + dt.timedelta(days=75, hours=8)
        )
        Application.all_objects.filter(call=call, status__in=(ApplicationStatus.ACCEPTED,)).update(
            submitted_at=spring + dt.timedelta(days=rng.randint(20, 70))
        )
    return calls
