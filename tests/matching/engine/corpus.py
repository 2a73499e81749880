"""A small judged corpus shared by the engine tests."""

from __future__ import annotations

from baiqianwan.matching.engine import Document, Labels

LABELS = Labels(
    industries={
        "fruit": "岭南水果",
        "fruit.citrus": "柑橘",
        "fruit.lychee": "荔枝",
        "tea": "茶叶",
        "aqua": "水产",
    },
    industry_parents={"fruit.citrus": "fruit", "fruit.lychee": "fruit"},
    regions={"441422000000": "大埔县"},
)

DOCS = [
    Document(
        "hlb",
        "achievement",
        "柑橘黄龙病综合防控技术",
        "以种植无病苗木、统防统治柑橘木虱、及时挖除病树为核心，控制黄龙病蔓延。",
        keywords="黄龙病 柑橘木虱 无病苗木",
        industry="fruit.citrus",
        region="440106000000",
    ),
    Document(
        "pomelo-expert",
        "expert",
        "张研究员",
        "扎根梅州蜜柚产区二十年，熟悉蜜柚栽培和黄龙病防控。",
        keywords="蜜柚栽培 黄龙病防控",
        industry="fruit.citrus",
        region="441422100000",
    ),
    Document(
        "nursery",
        "achievement",
        "柑橘无病毒容器苗繁育技术",
        "茎尖微芽嫁接脱毒、网室保存母本、容器基质育苗。",
        keywords="无病毒苗木 容器苗",
        industry="fruit.citrus",
        region="441402000000",
    ),
    Document(
        "downy",
        "achievement",
        "荔枝霜疫霉病预测预报与精准防控技术",
        "根据花期、幼果期降雨建立霜疫霉病预测模型，精准施药。",
        keywords="荔枝 霜疫霉病",
        industry="fruit.lychee",
        region="440902000000",
    ),
    Document(
        "coldchain",
        "achievement",
        "荔枝采后保鲜与冷链物流技术",
        "采后预冷、保鲜剂处理和全程冷链运输，延长荔枝货架期。",
        keywords="荔枝 保鲜 冷链物流",
        industry="fruit.lychee",
        region="440106000000",
    ),
    Document(
        "tea",
        "achievement",
        "英红九号红茶标准化加工技术",
        "规范萎凋、揉捻、发酵和干燥工艺参数，提升红茶香气。",
        keywords="英红九号 红茶",
        industry="tea",
        region="441881000000",
    ),
    Document(
        "shrimp",
        "institution",
        "湛江对虾产业技术研究院",
        "开展对虾种苗、病害检测和健康养殖技术研发，提供塘头检测服务。",
        industry="aqua",
        region="440811000000",
    ),
    Document(
        "leather",
        "achievement",
        "荔枝纹超纤皮革表面处理技术",
        "在合成革表面压制荔枝纹，用于汽车座椅和箱包。",
        keywords="荔枝纹 合成革",
        region="440606000000",
    ),
    Document(
        "busy-expert",
        "expert",
        "李教授",
        "研究荔枝霜疫霉病菌致病机理和预测预报模型。",
        keywords="荔枝霜疫霉病 果树病害",
        industry="fruit.lychee",
        region="440106000000",
        available=False,
    ),
]
