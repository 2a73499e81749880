"""A demand's text as weighted terms: what two demands must share to be about the same problem.

The matching engine's analyser does the Chinese (繁→简, stopwords and question phrases, place names
dropped, domain dictionary); its ``query`` form also leaves out generic words (技术、需求、防控),
bare numbers and lone characters, which say nothing about which problem a demand is about. Here:

- the title and the description are weighed apart (see vectors.py: the title keeps
  ``TITLE_SHARE`` of a demand's vector however long the description is), each word once per field
  however often it is repeated;
- a word from everyday language, not in the domain dictionary (产业、危害、引进), weighs
  ``GENERAL_SHARE`` of a domain term (a crop, pest, disease or technique): it describes a problem
  more than it names one, and in a small input IDF alone cannot tell it is common;
- a word inside a longer word of the same field (黄龙 in 黄龙病, 荔枝 in 荔枝霜疫霉病) weighs
  ``PART_SHARE`` of it: it adds recall for a text that writes the short form without counting the
  same thing twice;
- a variety or local name yields, at full weight, the name every demand about that crop or disease
  can share (蜜柚、沙田柚 → 柚子; 鸡瘟 → 新城疫), and itself weighs ``VARIETY_SHARE``: the problem
  is the crop's, and a rarer variety name must not outweigh the disease it shares.

Weights alone cannot say "same crop and same problem": when 疏花疏果 is rarer than 木瓜, 木瓜疏花疏果
and 豇豆疏花疏果 are close in any weighting. So each demand also names its subjects (the crops and
animals of the dictionary's sections in ``SUBJECT_SECTIONS``, sector names aside) and its issues
(the terms of every other section: diseases, pests, techniques), from its title, or from its
description when the title names none; cluster.py merges only what names the same ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from baiqianwan.matching.engine import Analyzer
from baiqianwan.matching.engine.normalise import dictionary_dir

from .model import DemandText

PART_SHARE = 0.5
GENERAL_SHARE = 0.5
VARIETY_SHARE = 0.5

# Same crop, animal or disease under another name, or a variety of it, whose text does not already
# contain the shared name (冬种马铃薯 yields 马铃薯 through the analyser).
FAMILY_MEMBERS: dict[str, tuple[str, ...]] = {
    "柚子": ("蜜柚", "沙田柚", "金柚", "三红蜜柚", "红肉蜜柚"),
    "砂糖橘": ("沙糖橘",),
    "菠萝": ("凤梨",),
    "番薯": ("甘薯", "紫薯"),
    "百香果": ("西番莲",),
    "荔枝": ("妃子笑", "桂味", "糯米糍", "白糖罂", "仙进奉", "井岗红糯", "岭丰糯"),
    "芒果": ("台农芒",),
    "单丛茶": ("凤凰单丛", "岭头单丛", "鸭屎香"),
    "马蹄": ("荸荠",),
    "山药": ("淮山",),
    "水稻": ("稻谷", "丝苗米", "杂交稻", "优质稻", "再生稻", "早稻", "晚稻", "双季稻", "黄华占", "美香占"),
    "生猪": ("母猪", "仔猪", "育肥猪", "蓝塘猪", "梅花猪", "大花白猪"),
    "牡蛎": ("生蚝",),
    "加州鲈": ("大口黑鲈",),
    "金鲳鱼": ("卵形鲳鲹",),
    "中蜂": ("中华蜜蜂",),
    "草鱼": ("脆肉鲩",),
    "橘小实蝇": ("桔小实蝇",),
    "香蕉枯萎病": ("巴拿马病",),
    "新城疫": ("鸡瘟",),
}
FAMILY_OF: dict[str, str] = {member: name for name, members in FAMILY_MEMBERS.items() for member in members}

# Sections of data/dictionaries/agri_terms.txt (its "# name" lines) whose terms are grown or raised.
SUBJECT_SECTIONS = frozenset(
    {"岭南水果", "茶叶", "南药", "花卉苗木", "粮油与薯类", "蔬菜与食用菌", "林业", "畜禽", "水产"}
)

# Names of a whole sector or way of production in those sections, not of one crop or animal: a
# demand naming one (无病毒苗木, 畜禽粪污) has not yet said which crop or animal it is about.
SECTORS = frozenset(
    {
        "岭南水果",
        "南药",
        "中药材",
        "花卉苗木",
        "花卉",
        "苗木",
        "蔬菜",
        "林业",
        "林下经济",
        "林下种植",
        "森林康养",
        "畜禽",
        "水产",
    }
)

# Words the shipped generic list lacks but which, like 防控 there, name no particular problem.
EXTRA_GENERIC = frozenset({"防治", "治疗", "治理", "想学", "学习", "新技术", "科技", "不好"})


@dataclass(frozen=True, slots=True)
class Terms:
    """One demand's terms: per field, term → weight before IDF, in reading order; ``weights``:
    every term once, title terms first, with its larger field weight; ``written``: the terms its
    text contains (a family name it only implies is not written); ``subjects`` and ``issues``: the
    crops or animals and the diseases, pests or techniques it names (see the module's docstring)."""

    title: dict[str, float]
    description: dict[str, float]
    weights: dict[str, float]
    written: frozenset[str]
    subjects: frozenset[str]
    issues: frozenset[str]

    def position(self, term: str) -> int:
        """Where the term is first read (a family name: where its variety is); unread terms last."""
        for index, have in enumerate(self.weights):
            if have == term or FAMILY_OF.get(have) == term:
                return index
        return len(self.weights)

    def form_of(self, term: str) -> str:
        """How this demand writes ``term``: itself, or for a family name the variety it wrote (the
        longest, 红肉蜜柚 rather than the 蜜柚 inside it)."""
        if term in self.written:
            return term
        varieties = [m for m in FAMILY_MEMBERS.get(term, ()) if m in self.written]
        return max(varieties, key=len, default=term)


@lru_cache(maxsize=1)
def subject_terms() -> frozenset[str]:
    """Dictionary terms in a subject section but for sector names; every other dictionary term
    outside ``SECTORS`` is an issue."""
    found: set[str] = set()
    section = ""
    for line in (dictionary_dir() / "agri_terms.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            section = line[2:].strip()
        elif line.strip() and not line.startswith("#") and section in SUBJECT_SECTIONS:
            found.add(line.split()[0])
    return frozenset(found - SECTORS)


def parts_of(words: list[str]) -> set[str]:
    """Those of ``words`` found inside a longer one of them."""
    unique = set(words)
    inside: set[str] = set()
    for word in unique:
        for length in range(2, len(word)):
            inside.update(word[start : start + length] for start in range(len(word) - length + 1))
    return unique & inside


def _field(analyzer: Analyzer, text: str) -> tuple[dict[str, float], list[str]]:
    """(term → weight, the words written) of one field."""
    if not text:
        return {}, []
    words = [w for w in analyzer.query(text)[0] if w not in EXTRA_GENERIC]
    parts = parts_of(words)
    domain = analyzer.terms
    weights = {
        word: (PART_SHARE if word in parts else 1.0) * (1.0 if word in domain else GENERAL_SHARE)
        for word in words
    }
    for word in words:
        family = FAMILY_OF.get(word)
        if family is not None:
            weights[family] = 1.0
            weights[word] = min(weights[word], VARIETY_SHARE)
    return weights, words


def analyse(demand: DemandText, analyzer: Analyzer) -> Terms:
    title, title_words = _field(analyzer, demand.title)
    description, description_words = _field(analyzer, demand.description)
    subjects = subject_terms()
    domain = analyzer.terms

    def named(keep: Callable[[str], bool]) -> frozenset[str]:
        return frozenset(filter(keep, title)) or frozenset(filter(keep, description))

    weights = dict(title)
    for term, weight in description.items():
        weights[term] = max(weights.get(term, 0.0), weight)
    return Terms(
        title=title,
        description=description,
        weights=weights,
        written=frozenset(title_words + description_words),
        subjects=named(lambda t: t in subjects),
        issues=named(lambda t: t in domain and t not in subjects and t not in SECTORS),
    )
