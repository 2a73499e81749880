"""Demo achievements and expert profiles drawn from Guangdong's agricultural science."""

from __future__ import annotations

import random

from baiqianwan.accounts.models import User
from baiqianwan.industries.models import Industry
from baiqianwan.orgs.models import Organisation, Person

from .models import Achievement, ExpertProfile

# (title, abstract, keywords, industry, organisation, maturity, ip type, transfer modes)
ACHIEVEMENTS = [
    (
        "柑橘黄龙病综合防控技术",
        "以无病苗木、木虱统防统治和病树清除为核心的柑橘黄龙病综合防控技术，在梅州、清远柚园应用后病株率下降 60% 以上。",
        "黄龙病 木虱 柚类 无病苗木",
        "FRUIT-POMELO",
        "华南农业大学",
        "industrial",
        "know_how",
        ["service", "licence"],
    ),
    (
        "蜜柚脱毒无病苗木繁育技术",
        "采用茎尖微芽嫁接脱毒与网室三级繁育体系，生产不带黄龙病、衰退病的梅州金柚、蜜柚苗木。",
        "蜜柚 脱毒苗 嫁接 网室 黄龙病",
        "FRUIT-POMELO",
        "梅州市农林科学院",
        "industrial",
        "know_how",
        ["service", "assignment"],
    ),
    (
        "荔枝保花保果与控梢促花技术",
        "针对妃子笑、桂味等品种冬梢旺长、成花难的问题，集成环割、化学控梢和水肥调控技术，稳产增产 20%。",
        "荔枝 控梢 促花 保果 妃子笑",
        "FRUIT-LYCHEE",
        "华南农业大学",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "荔枝霜疫霉病绿色防控技术",
        "基于发病预测的精准施药与果园清园技术，减少化学农药使用 30%。",
        "荔枝 霜疫霉病 绿色防控 预测",
        "FRUIT-LYCHEE",
        "广东省农业科学院",
        "small_batch",
        "know_how",
        ["service"],
    ),
    (
        "香蕉枯萎病抗病品种“中蕉9号”",
        "抗香蕉枯萎病 4 号小种的新品种，产量与巴西蕉相当，适合珠三角和粤西蕉区。",
        "香蕉 枯萎病 抗病品种 新品种",
        "FRUIT-BANANA",
        "广东省农业科学院",
        "industrial",
        "variety",
        ["licence", "assignment"],
    ),
    (
        "菠萝机械化种植与催花技术",
        "徐闻菠萝种植、覆膜、催花的机械化配套技术，降低人工成本 40%。",
        "菠萝 机械化 催花 徐闻",
        "FRUIT-PINEAPPLE",
        "广东海洋大学",
        "small_batch",
        "patent",
        ["licence", "joint"],
    ),
    (
        "火龙果补光催花技术",
        "利用 LED 补光延长光照诱导火龙果反季节开花，冬季增收。",
        "火龙果 补光 催花 反季节",
        "FRUIT-PITAYA",
        "仲恺农业工程学院",
        "small_batch",
        "patent",
        ["licence"],
    ),
    (
        "英红九号红茶标准化加工技术",
        "英红九号鲜叶萎凋、揉捻、发酵工艺参数标准化，提高红茶品质稳定性。",
        "英红九号 红茶 加工 萎凋 发酵",
        "TEA-BLACK",
        "广东省农业科学院",
        "industrial",
        "standard",
        ["service"],
    ),
    (
        "单丛茶低氟加工与品质提升",
        "凤凰单丛茶加工中降低氟含量的工艺改进。",
        "单丛茶 乌龙茶 加工 潮州",
        "TEA-DANCONG",
        "华南农业大学",
        "pilot",
        "patent",
        ["licence", "joint"],
    ),
    (
        "茶园病虫害绿色防控技术",
        "以色板诱杀、生物农药和茶园生态调控为核心的茶小绿叶蝉防控方案。",
        "茶园 小绿叶蝉 绿色防控 生物农药",
        "TEA-GARDEN",
        "广东省农业科学院",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "新会陈皮仓储转化品质控制技术",
        "陈皮陈化过程温湿度控制与霉变预防，建立品质分级标准。",
        "陈皮 陈化 仓储 新会",
        "HERB-CHENPI",
        "仲恺农业工程学院",
        "industrial",
        "standard",
        ["service"],
    ),
    (
        "化橘红规范化种植技术",
        "化州化橘红种苗繁育、规范化种植与采收加工技术规程。",
        "化橘红 南药 种植 化州",
        "HERB-HUAJUHONG",
        "广东海洋大学",
        "industrial",
        "standard",
        ["service"],
    ),
    (
        "沉香人工结香技术",
        "白木香树人工诱导结香技术，结香率与品质显著提高。",
        "沉香 结香 白木香",
        "HERB-AGARWOOD",
        "广东省科学院",
        "pilot",
        "patent",
        ["licence", "equity"],
    ),
    (
        "狮头鹅高效养殖与疫病防控",
        "狮头鹅种鹅繁殖、雏鹅饲养和小鹅瘟防控集成技术。",
        "狮头鹅 养殖 小鹅瘟 疫病",
        "LIVESTOCK-WATERFOWL",
        "华南农业大学",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "清远鸡林下生态养殖模式",
        "清远麻鸡林下放养与饲料配方，提升肉质与经济效益。",
        "清远鸡 林下养殖 生态",
        "LIVESTOCK-CHICKEN",
        "广东省农业科学院",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "非洲猪瘟防控生物安全体系",
        "中小规模猪场非洲猪瘟防控的生物安全分区与消毒规程。",
        "非洲猪瘟 生物安全 猪场 消毒",
        "LIVESTOCK-PIG",
        "华南农业大学",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "南美白对虾高位池健康养殖",
        "湛江对虾高位池养殖水质调控与病害预防技术。",
        "对虾 南美白对虾 高位池 水质",
        "AQUA-SHRIMP",
        "广东海洋大学",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "罗非鱼链球菌病疫苗",
        "罗非鱼无乳链球菌灭活疫苗，免疫保护率 80% 以上。",
        "罗非鱼 链球菌 疫苗",
        "AQUA-TILAPIA",
        "广东海洋大学",
        "pilot",
        "patent",
        ["licence", "joint"],
    ),
    (
        "生蚝筏式养殖与净化技术",
        "湛江、阳江近海生蚝筏式养殖与采后净化工艺。",
        "生蚝 牡蛎 养殖 净化",
        "AQUA-SHELLFISH",
        "广东海洋大学",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "丝苗米优质稻品种“美香占2号”",
        "优质香型丝苗米品种，适合广东双季种植。",
        "丝苗米 水稻 优质稻 品种",
        "GRAIN-RICE",
        "广东省农业科学院",
        "industrial",
        "variety",
        ["licence"],
    ),
    (
        "水稻机插秧与无人机直播技术",
        "丘陵地区水稻机插秧、无人机直播配套农艺。",
        "水稻 机插秧 无人机 直播",
        "MACHINE-DRONE",
        "广东省现代农业装备研究所",
        "industrial",
        "patent",
        ["licence", "service"],
    ),
    (
        "草地贪夜蛾监测与防控技术",
        "性诱监测、生物防治与应急化学防治相结合的防控方案。",
        "草地贪夜蛾 玉米 监测 防控",
        "GRAIN-MAIZE",
        "华南农业大学",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "丘陵山地果园轨道运输机",
        "适用于坡地果园的单轨运输机，载重 200 公斤，降低采收搬运强度。",
        "果园 运输机 丘陵山地 采收",
        "MACHINE-HILLY",
        "广东省现代农业装备研究所",
        "small_batch",
        "patent",
        ["assignment", "licence"],
    ),
    (
        "荔枝龙眼烘干设备",
        "热泵荔枝、龙眼干燥设备，节能 35%，产品色泽好。",
        "荔枝干 龙眼干 烘干 热泵",
        "MACHINE-DRYING",
        "广东省现代农业装备研究所",
        "industrial",
        "patent",
        ["assignment", "licence"],
    ),
    (
        "水肥一体化智能灌溉系统",
        "基于土壤墒情传感器的果园水肥一体化控制系统。",
        "水肥一体化 灌溉 物联网 墒情",
        "MACHINE-IRRIGATION",
        "仲恺农业工程学院",
        "industrial",
        "software",
        ["licence", "service"],
    ),
    (
        "荔枝冷链保鲜与物流技术",
        "荔枝采后预冷、保鲜剂处理和冷链运输技术，货架期延长至 20 天。",
        "荔枝 冷链 保鲜 预冷",
        "PROCESS-COLDCHAIN",
        "华南农业大学",
        "industrial",
        "patent",
        ["licence", "service"],
    ),
    (
        "预制菜工艺与品质控制",
        "粤式预制菜标准化加工、杀菌与冷链品质控制。",
        "预制菜 加工 杀菌",
        "PROCESS-PREMADE",
        "仲恺农业工程学院",
        "small_batch",
        "patent",
        ["licence", "joint"],
    ),
    (
        "农产品质量安全追溯平台",
        "基于二维码的农产品生产、检测、流通全程追溯系统。",
        "追溯 质量安全 二维码 品牌",
        "DIGITAL-TRACE",
        "广东省科学院",
        "industrial",
        "software",
        ["licence", "service"],
    ),
    (
        "农村电商直播运营培训体系",
        "面向合作社的农产品直播带货与网店运营培训课程和服务。",
        "电商 直播 网店 培训",
        "DIGITAL-ECOMMERCE",
        "仲恺农业工程学院",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "酸化耕地土壤改良技术",
        "石灰质改良剂与有机肥配施改良南方酸化耕地。",
        "酸化 土壤改良 有机肥 耕地",
        "ECO-SOIL",
        "广东省农业科学院",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "畜禽粪污资源化利用技术",
        "养殖场粪污厌氧发酵与有机肥生产技术。",
        "粪污 资源化 有机肥 沼气",
        "ECO-WASTE",
        "华南农业大学",
        "industrial",
        "patent",
        ["licence", "service"],
    ),
    (
        "农村生活污水一体化处理设备",
        "适合自然村的小型一体化污水处理设备，出水达标。",
        "生活污水 处理 自然村 设备",
        "VILLAGE-SANITATION",
        "广东省科学院",
        "industrial",
        "patent",
        ["assignment", "licence"],
    ),
    (
        "油茶高产品种与低产林改造",
        "油茶良种嫁接换冠与低产林改造技术。",
        "油茶 良种 低产林 改造",
        "FOREST-CAMELLIA",
        "韶关学院",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "林下种植五指毛桃技术",
        "五指毛桃林下仿野生种植与采收技术。",
        "五指毛桃 林下经济 南药",
        "HERB-WUZHIMAOTAO",
        "韶关学院",
        "small_batch",
        "know_how",
        ["service"],
    ),
    (
        "食用菌工厂化栽培技术",
        "秀珍菇、金针菇工厂化栽培与菌渣利用。",
        "食用菌 工厂化 栽培 菌渣",
        "VEG-FUNGI",
        "广东省农业科学院",
        "industrial",
        "know_how",
        ["service", "joint"],
    ),
    (
        "设施蔬菜集约化育苗技术",
        "穴盘育苗基质配方与环境控制，壮苗率 95%。",
        "蔬菜 育苗 穴盘 设施",
        "VEG-FACILITY",
        "广东省农业科学院",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "沙田柚保果与裂果防控",
        "沙田柚花期管理与裂果预防技术。",
        "沙田柚 保果 裂果 柚类",
        "FRUIT-POMELO",
        "嘉应学院",
        "industrial",
        "know_how",
        ["service"],
    ),
    (
        "梅州客家娘酒发酵工艺",
        "客家黄酒传统工艺的标准化与发酵控制。",
        "客家娘酒 发酵 黄酒 梅州",
        "PROCESS-FERMENT",
        "嘉应学院",
        "small_batch",
        "know_how",
        ["service", "joint"],
    ),
]

# (person index in the organisation, organisation, keywords, industries, home city, dialects)
EXPERTS = [
    (
        "华南农业大学",
        "柑橘黄龙病 木虱防控 柚类栽培",
        ["FRUIT-POMELO", "FRUIT-CITRUS"],
        "440100000000",
        ["cantonese", "hakka"],
    ),
    (
        "华南农业大学",
        "荔枝栽培 控梢促花 果园管理",
        ["FRUIT-LYCHEE", "FRUIT-LONGAN"],
        "440100000000",
        ["cantonese"],
    ),
    (
        "华南农业大学",
        "狮头鹅 家禽养殖 疫病防控",
        ["LIVESTOCK-WATERFOWL", "LIVESTOCK-HEALTH"],
        "440100000000",
        ["teochew"],
    ),
    (
        "广东省农业科学院",
        "茶叶加工 英红九号 红茶",
        ["TEA-BLACK", "TEA-GARDEN"],
        "440100000000",
        ["cantonese"],
    ),
    ("广东省农业科学院", "香蕉育种 枯萎病", ["FRUIT-BANANA"], "440100000000", ["cantonese"]),
    ("广东省农业科学院", "土壤改良 酸化耕地 施肥", ["ECO-SOIL", "GRAIN-RICE"], "440100000000", []),
    ("梅州市农林科学院", "蜜柚 脱毒苗木 嫁接 黄龙病", ["FRUIT-POMELO"], "441400000000", ["hakka"]),
    (
        "梅州市农林科学院",
        "植物保护 病虫害 柚类",
        ["FRUIT-POMELO", "ECO-GREENCONTROL"],
        "441400000000",
        ["hakka"],
    ),
    ("嘉应学院", "南药种植 客家特色农业", ["HERB-OTHER", "HERB-WUZHIMAOTAO"], "441400000000", ["hakka"]),
    (
        "广东海洋大学",
        "对虾养殖 水产病害",
        ["AQUA-SHRIMP", "AQUA-SEEDHEALTH"],
        "440800000000",
        ["leizhou", "cantonese"],
    ),
    (
        "广东海洋大学",
        "菠萝 热带水果 机械化",
        ["FRUIT-PINEAPPLE", "MACHINE-HILLY"],
        "440800000000",
        ["leizhou"],
    ),
    (
        "仲恺农业工程学院",
        "陈皮 农产品加工 预制菜",
        ["HERB-CHENPI", "PROCESS-PREMADE"],
        "440100000000",
        ["cantonese"],
    ),
    (
        "仲恺农业工程学院",
        "农村电商 直播 品牌营销",
        ["DIGITAL-ECOMMERCE", "DIGITAL-MARKETING"],
        "440100000000",
        ["cantonese"],
    ),
    (
        "广东省现代农业装备研究所",
        "植保无人机 水稻机械化",
        ["MACHINE-DRONE", "MACHINE-FIELD"],
        "440100000000",
        [],
    ),
    (
        "广东省现代农业装备研究所",
        "烘干设备 采后处理",
        ["MACHINE-DRYING", "PROCESS-COLDCHAIN"],
        "440100000000",
        [],
    ),
    (
        "韶关学院",
        "油茶 林下经济 生态修复",
        ["FOREST-CAMELLIA", "FOREST-UNDERSTORY"],
        "440200000000",
        ["hakka"],
    ),
    (
        "大埔县农业技术推广中心",
        "柚类 茶叶 技术推广",
        ["FRUIT-POMELO", "TEA-GREEN"],
        "441400000000",
        ["hakka"],
    ),
    (
        "英德市农业技术推广中心",
        "茶叶 水稻 技术推广",
        ["TEA-BLACK", "GRAIN-RICE"],
        "441800000000",
        ["cantonese", "hakka"],
    ),
    ("广东省科学院", "农村污水处理 环境工程", ["VILLAGE-SANITATION", "ECO-WASTE"], "440100000000", []),
]


def demo_achievements() -> int:
    organisations = {o.name: o for o in Organisation.all_objects.all()}
    created = 0
    for title, abstract, keywords, industry, org, maturity, ip_type, modes in ACHIEVEMENTS:
        _, new = Achievement.all_objects.get_or_create(
            title=title,
            defaults={
                "abstract": abstract,
                "keywords": keywords,
                "industry_id": industry,
                "organisation": organisations[org],
                "maturity": maturity,
                "ip_type": ip_type,
                "transfer_modes": modes,
                "contact_name": organisations[org].contact_name,
                "contact_phone": organisations[org].contact_phone,
            },
        )
        created += new
    return created


def demo_experts(rng: random.Random) -> int:
    used: dict[str, int] = {}
    created = 0
    for org_name, keywords, industries, city, dialects in EXPERTS:
        people = list(Person.all_objects.filter(organisation__name=org_name).order_by("pk"))
        index = used.get(org_name, 0)
        used[org_name] = index + 1
        if index >= len(people):
            continue
        person = people[index]
        person.fields = keywords.replace(" ", "、")
        person.save(update_fields=["fields"])
        profile, new = ExpertProfile.all_objects.get_or_create(
            person=person,
            defaults={
                "keywords": keywords,
                "bio": f"{person.organisation.name}{person.title}，长期从事{keywords.replace(' ', '、')}研究与推广。",
                "home_city_id": city,
                "dialects": dialects,
                "availability": rng.choice(["available", "available", "available", "busy"]),
            },
        )
        if new:
            profile.industries.set(Industry.objects.filter(code__in=industries))
        created += new
    return created


def demo_link_experts() -> None:
    """The demo expert and commissioner accounts own expert profiles, so they see their 对接."""
    for username, organisation in (
        ("expert_chen", "华南农业大学"),
        ("commissioner_li", "大埔县农业技术推广中心"),
    ):
        user = User.objects.filter(username=username).first()
        profile = (
            ExpertProfile.all_objects.filter(person__organisation__name=organisation, user__isnull=True)
            .order_by("pk")
            .first()
        )
        if user is not None and profile is not None and not hasattr(user, "expert_profile"):
            profile.user = user
            profile.save(update_fields=["user"])
            # The account and the person it speaks for carry the same name ("李建华（科技特派员）").
            profile.person.name = user.display_name.split("（")[0]
            profile.person.save(update_fields=["name"])
