"""Demo organisations and people: real places, realistic names, valid check digits."""

from __future__ import annotations

import datetime as dt
import random

from baiqianwan.core.fakes import make_id_number, make_mobile, make_uscc
from baiqianwan.regions.models import Division

from .models import Organisation, Person

# (name, kind, division code, address, fields of its people)
ORGANISATIONS = [
    ("华南农业大学", "university", "440106000000", "广州市天河区五山路483号", "果树学、植物保护、作物育种"),
    (
        "广东省农业科学院",
        "institute",
        "440106000000",
        "广州市天河区金颖路20号",
        "果树栽培、茶叶加工、蔬菜育种",
    ),
    ("仲恺农业工程学院", "university", "440105000000", "广州市海珠区纺织路东沙街24号", "园艺、农产品加工"),
    ("广东省科学院", "institute", "440106000000", "广州市天河区先烈中路100号", "智能制造、生物工程"),
    ("广东海洋大学", "university", "440811000000", "湛江市麻章区海大路1号", "水产养殖、海洋生物"),
    ("嘉应学院", "university", "441402000000", "梅州市梅江区梅松路100号", "客家地区农业、南药种植"),
    ("韶关学院", "university", "440203000000", "韶关市浈江区大学路288号", "林业、生态修复"),
    ("广东省现代农业装备研究所", "new_rd", "440106000000", "广州市天河区", "农机装备、智慧农业"),
    ("梅州市农林科学院", "institute", "441402000000", "梅州市梅江区", "柚类栽培、病虫害防控"),
    ("大埔县农业技术推广中心", "extension", "441422000000", "梅州市大埔县湖寮镇", "柚类、茶叶推广"),
    ("英德市农业技术推广中心", "extension", "441881000000", "清远市英德市英城街道", "茶叶、水稻推广"),
    ("大埔县湖寮镇蜜柚专业合作社", "cooperative", "441422100000", "梅州市大埔县湖寮镇长教村", "蜜柚种植"),
    ("大埔县西河镇金柚家庭农场", "family_farm", "441422118000", "梅州市大埔县西河镇", "金柚种植"),
    (
        "英德市连江口镇连樟村茶叶专业合作社",
        "cooperative",
        "441881129000",
        "清远市英德市连江口镇连樟村",
        "英红九号",
    ),
    ("英德市英红茶业有限公司", "enterprise", "441881129000", "清远市英德市连江口镇", "茶叶加工、电商"),
    ("徐闻县菠萝产销有限公司", "enterprise", "440825000000", "湛江市徐闻县", "菠萝种植与加工"),
    ("汕头市澄海区狮头鹅养殖专业合作社", "cooperative", "440515000000", "汕头市澄海区", "狮头鹅养殖"),
    ("梅州客商银行", "bank", "441402000000", "梅州市梅江区", "农村科技信贷"),
    ("广东英德农村商业银行", "bank", "441881000000", "清远市英德市", "涉农贷款"),
    ("广东省粤科金融集团有限公司", "fund", "440106000000", "广州市天河区", "科技创业投资"),
    ("东莞市松山湖新型研发机构联合会", "society", "441900000000", "东莞市", "产业技术服务"),
    ("中山市小榄镇智能装备企业", "enterprise", "442000000000", "中山市", "智能装备"),
]

SURNAMES = "陈李张黄林刘吴何郑杨梁罗钟曾谢邓叶冯赖温丘"
GIVEN = [
    "志强",
    "建华",
    "晓燕",
    "国栋",
    "丽萍",
    "海涛",
    "秀英",
    "文彬",
    "嘉怡",
    "伟明",
    "雪梅",
    "振宇",
    "少芬",
    "锦荣",
]
TITLES = ["研究员", "副研究员", "教授", "副教授", "高级农艺师", "农艺师", "助理研究员", "高级工程师"]


def demo_organisations(rng: random.Random) -> list[Organisation]:
    created = []
    for name, kind, code, address, _fields in ORGANISATIONS:
        division = Division.objects.get(code=code)
        organisation, _ = Organisation.all_objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "uscc": make_uscc(rng, kind=kind, division_code=code),
                "division": division,
                "address": address,
                "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "contact_phone": make_mobile(rng),
            },
        )
        created.append(organisation)
    return created


def demo_people(rng: random.Random, organisations: list[Organisation], per_organisation: int = 3) -> int:
    fields_of = {name: fields for name, _k, _c, _a, fields in ORGANISATIONS}
    count = 0
    for organisation in organisations:
        for _ in range(per_organisation):
            female = rng.random() < 0.4
            born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
            Person.all_objects.create(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                gender=Person.Gender.FEMALE if female else Person.Gender.MALE,
                id_number=make_id_number(
                    rng, division_code=organisation.division_id, born=born, female=female
                ),
                mobile=make_mobile(rng),
                organisation=organisation,
                title=rng.choice(TITLES),
                fields=fields_of.get(organisation.name, ""),
            )
            count += 1
    return count
