"""Words for generated data sets (`bqw demo --scale`): what each rural industry grows or makes, the
methods of its trade, what goes wrong with it, and how often each region has it.

Subjects are the industry's own name and keywords (data/industries), methods are the domain
dictionary's sections (data/dictionaries/agri_terms.txt); the pests and diseases are those of the
dictionary that belong to the crop or animal, so a lychee orchard is never short of rice blast.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from baiqianwan.core.fakes import agri_terms

from .models import Industry

# What kind of work an industry category is: decides the methods, troubles and sentence shapes.
KIND_OF = {
    "GRAIN": "plant",
    "CASH": "plant",
    "FRUIT": "plant",
    "VEG": "plant",
    "TEA": "plant",
    "HERB": "plant",
    "FLOWER": "plant",
    "FOREST": "plant",
    "LIVESTOCK": "animal",
    "AQUA": "aqua",
    "PROCESS": "process",
    "MACHINE": "machine",
    "DIGITAL": "digital",
    "ECO": "eco",
    "VILLAGE": "village",
    "TOURISM": "tourism",
    "OTHER": "service",
}
METHOD_SECTIONS = {
    "plant": ("种植与栽培技术",),
    "animal": ("养殖技术",),
    "aqua": ("养殖技术",),
    "process": ("采后、加工与流通",),
    "machine": ("农机装备",),
    "digital": ("数字农业与电商",),
    "eco": ("生态环保与乡村建设", "种植与栽培技术"),
    "village": ("生态环保与乡村建设",),
    "tourism": ("数字农业与电商",),
    "service": ("农机装备", "数字农业与电商"),
}
# Pests and diseases of particular crops and animals (all words of the dictionary's sections).
TROUBLES = {
    "FRUIT-LYCHEE": ("霜疫霉病", "荔枝蒂蛀虫", "荔枝蝽", "鬼帚病", "炭疽病"),
    "FRUIT-LONGAN": ("鬼帚病", "荔枝蝽", "炭疽病"),
    "FRUIT-BANANA": ("香蕉枯萎病", "束顶病", "叶斑病"),
    "FRUIT-CITRUS": ("黄龙病", "溃疡病", "柑橘木虱", "潜叶蛾", "锈壁虱", "红蜘蛛"),
    "FRUIT-POMELO": ("黄龙病", "溃疡病", "木虱", "炭疽病"),
    "FRUIT-MANGO": ("炭疽病", "橘小实蝇", "蓟马"),
    "FRUIT-GUAVA": ("橘小实蝇", "炭疽病"),
    "FRUIT-PITAYA": ("溃疡病", "蓟马"),
    "GRAIN-RICE": ("稻瘟病", "纹枯病", "白叶枯病", "稻飞虱", "稻纵卷叶螟", "二化螟", "福寿螺"),
    "GRAIN-MAIZE": ("草地贪夜蛾", "玉米螟", "茎腐病"),
    "GRAIN-TUBER": ("青枯病", "晚疫病", "根结线虫"),
    "TEA-DANCONG": ("小绿叶蝉", "炭疽病", "红蜘蛛"),
    "TEA-BLACK": ("茶小绿叶蝉", "炭疽病"),
    "TEA-GREEN": ("茶小绿叶蝉", "炭疽病"),
    "TEA-GARDEN": ("茶小绿叶蝉", "红蜘蛛"),
    "VEG-LEAFY": ("小菜蛾", "黄曲条跳甲", "软腐病", "霜霉病"),
    "VEG-MELON": ("瓜实蝇", "白粉病", "霜霉病", "枯萎病"),
    "VEG-SOLANACEOUS": ("青枯病", "晚疫病", "烟粉虱", "蓟马"),
    "FOREST-TIMBER": ("松材线虫病", "松褐天牛", "薇甘菊"),
    "FOREST-PROTECTION": ("松材线虫病", "薇甘菊", "红火蚁"),
    "LIVESTOCK-PIG": ("非洲猪瘟", "猪瘟", "蓝耳病", "猪流行性腹泻"),
    "LIVESTOCK-CHICKEN": ("禽流感", "新城疫", "球虫病"),
    "LIVESTOCK-WATERFOWL": ("小鹅瘟", "鸭瘟", "禽流感"),
    "LIVESTOCK-PIGEON": ("新城疫", "球虫病"),
    "LIVESTOCK-CATTLE": ("口蹄疫", "寄生虫"),
    "LIVESTOCK-GOAT": ("口蹄疫", "寄生虫"),
    "AQUA-SHRIMP": ("白斑综合征", "虾肝肠胞虫", "急性肝胰腺坏死病", "弧菌"),
    "AQUA-TILAPIA": ("链球菌病", "寄生虫"),
}
PLANT_TROUBLES = (
    "炭疽病",
    "根腐病",
    "叶斑病",
    "疫病",
    "灰霉病",
    "蚜虫",
    "红蜘蛛",
    "蓟马",
    "斜纹夜蛾",
    "根结线虫",
)
ANIMAL_TROUBLES = ("寄生虫", "疫病")
AQUA_TROUBLES = ("弧菌", "寄生虫", "病害")
# Problems that are not a pest: what the demand is really about, by kind of work.
PROBLEMS = {
    "plant": ("产量低", "品质不稳定", "用工成本高", "农药残留超标", "价格低、卖难", "土壤酸化", "品种老化"),
    "animal": ("死亡率高", "饲料成本高", "粪污处理难", "生长慢、出栏周期长", "疫病防控压力大"),
    "aqua": ("水质不稳定", "偷死多", "苗种质量差", "尾水处理不达标", "饲料成本高"),
    "process": ("损耗大", "保鲜期短", "加工工艺落后", "产品附加值低", "包装和品牌弱"),
    "machine": ("用工成本高", "机械化程度低", "设备不适合山地", "作业效率低"),
    "digital": ("销路窄", "不会做直播", "缺少品牌", "产品无法追溯"),
    "eco": ("土壤酸化板结", "化肥农药用量大", "秸秆和尾菜没处理", "水土流失"),
    "village": ("生活污水直排", "垃圾收运难", "饮水不安全", "台风内涝"),
    "tourism": ("游客少", "缺少特色项目", "民宿经营不规范"),
    "service": ("缺少社会化服务", "农资采购成本高"),
}
# How much of each category a region's villages work in (粤西 fruit and fish, 粤北 tea and herbs…).
REGION_WEIGHTS = {
    "prd": {"FRUIT": 10, "VEG": 14, "FLOWER": 8, "AQUA": 10, "PROCESS": 10, "DIGITAL": 10, "LIVESTOCK": 5},
    "east": {"FRUIT": 10, "TEA": 12, "AQUA": 10, "PROCESS": 8, "GRAIN": 8, "VEG": 8, "LIVESTOCK": 8},
    "west": {"FRUIT": 16, "AQUA": 14, "CASH": 10, "GRAIN": 8, "LIVESTOCK": 8, "HERB": 6, "VEG": 6},
    "north": {"FRUIT": 12, "TEA": 10, "GRAIN": 10, "LIVESTOCK": 10, "HERB": 8, "FOREST": 8, "VEG": 6},
}
OTHER_WEIGHT = {"OTHER": 1, "FLOWER": 2, "TEA": 2, "HERB": 3, "FOREST": 3, "CASH": 3, "AQUA": 3}
DEFAULT_WEIGHT = 5
PRODUCING = ("plant", "animal", "aqua")
# Words of the method sections that name a problem, not a method ("想发展荔枝台风" reads badly).
NOT_METHODS = (
    "病",
    "害",
    "虫",
    "污染",
    "酸化",
    "酸性",
    "台风",
    "山洪",
    "重金属",
    "薇甘菊",
    "福寿螺",
    "红火蚁",
)
# What processing, machinery and selling work on: the crops and animals of the dictionary.
PRODUCT_SECTIONS = ("岭南水果", "茶叶", "南药", "蔬菜与食用菌", "粮油与薯类", "畜禽", "水产")


@dataclass(frozen=True)
class Topic:
    industry: str  # the child industry's code
    category: str
    name: str
    kind: str
    subjects: tuple[str, ...]
    methods: tuple[str, ...]
    troubles: tuple[str, ...]

    def subject(self, rng: random.Random) -> str:
        return rng.choice(self.subjects)

    def trouble(self, rng: random.Random) -> str:
        return rng.choice(self.troubles) if self.troubles else rng.choice(PROBLEMS[self.kind])

    def problem(self, rng: random.Random) -> str:
        return rng.choice(PROBLEMS[self.kind])

    def method(self, rng: random.Random) -> str:
        return rng.choice(self.methods)


@dataclass(frozen=True)
class Vocabulary:
    topics: tuple[Topic, ...]
    by_region: dict[str, tuple[list[Topic], list[float]]]

    def topic(self, rng: random.Random, region: str, kinds: tuple[str, ...] = ()) -> Topic:
        """An industry of the region, as often as the region has it (of ``kinds`` only, if given)."""
        topics, weights = self.by_region.get(region) or self.by_region["prd"]
        while True:
            topic = rng.choices(topics, weights)[0]
            if not kinds or topic.kind in kinds:
                return topic


def vocabulary() -> Vocabulary:
    terms = agri_terms()
    pests = set(terms.get("病害", [])) | set(terms.get("虫害与有害生物", [])) | set(terms.get("动物疫病", []))
    methodish = {w for section in METHOD_SECTIONS.values() for s in section for w in terms.get(s, [])}
    topics = []
    children = (
        Industry.objects.filter(parent__isnull=False).select_related("parent").order_by("position", "code")
    )
    products = tuple(w for section in PRODUCT_SECTIONS for w in terms.get(section, []))
    for child in children:
        category = child.parent_id or ""
        kind = KIND_OF.get(category, "service")
        own = tuple(w for w in child.keywords if w not in pests)
        methods = tuple(
            w for s in METHOD_SECTIONS[kind] for w in terms.get(s, []) if not any(n in w for n in NOT_METHODS)
        ) or ("技术服务",)
        if kind in PRODUCING:
            # A plain name (荔枝) is a subject too; "豆类与杂粮" or "其他南药" is not.
            plain = "与" not in child.name and not child.name.startswith("其他")
            subjects = tuple(w for w in own if w not in methodish) + ((child.name,) if plain else ())
        elif kind in ("eco", "village", "tourism"):
            subjects = own or (child.name,)
        else:  # processing, machinery, selling, services: of the crops and animals
            subjects, methods = products, own * 3 + methods
        fallback = {"plant": PLANT_TROUBLES, "animal": ANIMAL_TROUBLES, "aqua": AQUA_TROUBLES}.get(kind, ())
        troubles = TROUBLES.get(child.code, fallback)
        topics.append(
            Topic(child.code, category, child.name, kind, subjects or (child.name,), methods, troubles)
        )
    by_region = {}
    for region, weights in REGION_WEIGHTS.items():
        per_category: dict[str, int] = {}
        for topic in topics:
            per_category[topic.category] = per_category.get(topic.category, 0) + 1
        chosen = [t for t in topics if t.industry != "OTHER-MISC"]
        shares = [
            weights.get(t.category, OTHER_WEIGHT.get(t.category, DEFAULT_WEIGHT)) / per_category[t.category]
            for t in chosen
        ]
        by_region[region] = (chosen, shares)
    return Vocabulary(tuple(topics), by_region)
