"""Topic engine: plain Python (no Django) — accepted demands from many counties grouped into 攻关
topics, near-duplicates together, each topic labelled and explained.

    topics = group(
        [
            DemandText("D1", "我村蜜柚得了黄龙病怎么办", "叶片黄化，果小", county="441422"),
            DemandText("D2", "沙田柚黄龙病防控技术需求", "", county="445122"),
            ...
        ]
    )
    for topic in topics:  # most counties first
        topic.id, topic.label, topic.sources, topic.counties, topic.industry, topic.terms
        # "T-D1", "柚子 黄龙病", ("D1", "D2", ...), ("441422", "445122", ...), ...
        topic.explanation  # "12 项需求（来自 12 个县）均提到：黄龙病、柚子（含沙田柚、蜜柚）"
        for source in topic.members:
            topic.explain(source.id)  # "需求 D2 与本题共有：黄龙病、沙田柚（与本题中心的相似度 0.78）"

Every demand is in exactly one topic (one like no other is a topic of one), and the same demands
give the same topics in any order. What makes two demands alike: terms.py; the vectors and the
candidate pairs: vectors.py; how clusters grow without chaining: cluster.py; topics: topics.py.
Grouping 100,000 demands takes about 15 s on one core (benchmarks/bench_topics.py): run it as a
background job, not in a request.
"""

from .model import DemandText, Source, Topic
from .terms import FAMILY_MEMBERS
from .topics import DEFAULT_THRESHOLD, group

__all__ = ["DEFAULT_THRESHOLD", "FAMILY_MEMBERS", "DemandText", "Source", "Topic", "group"]
