"""Seniority read from a professional title (职称) as people write it: 正高级 (教授, 研究员,
推广研究员, 教授级高级工程师, 正高级农艺师), 副高级 (副教授, 副研究员, 高级农艺师, 高级工程师) and
中级 (讲师, 助理研究员, 农艺师, 工程师). A review pool is chosen by field and seniority; the same
rule is a Python function for display and a query for filtering, and tests hold them equal."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SENIOR, ASSOCIATE, INTERMEDIATE = "senior", "associate", "intermediate"
SENIORITY_LABELS = {SENIOR: _("正高级"), ASSOCIATE: _("副高级"), INTERMEDIATE: _("中级")}
# What a pool search may ask for: at least this level.
SENIORITY_AT_LEAST = [("", _("不限职称")), (SENIOR, _("正高级")), (ASSOCIATE, _("副高级及以上"))]

_SENIOR_WORDS = ("正高", "教授级", "推广研究员")
_ASSOCIATE_WORDS = ("副教授", "副研究员", "副高", "高级")
_INTERMEDIATE_WORDS = (
    "讲师",
    "助理研究员",
    "中级",
    "农艺师",
    "工程师",
    "畜牧师",
    "兽医师",
    "经济师",
    "实验师",
)


def seniority_of(title: str) -> str:
    """The level of a title, or "" when it names none."""
    title = title or ""
    if (
        any(word in title for word in _SENIOR_WORDS)
        or ("教授" in title and "副教授" not in title)
        or ("研究员" in title and "副研究员" not in title and "助理研究员" not in title)
    ):
        return SENIOR
    if any(word in title for word in _ASSOCIATE_WORDS):
        return ASSOCIATE
    if any(word in title for word in _INTERMEDIATE_WORDS):
        return INTERMEDIATE
    return ""


def _contains(field: str, word: str) -> Q:
    return Q(**{f"{field}__contains": word})


def _any(field: str, words: tuple[str, ...]) -> Q:
    q = Q(pk__in=[])
    for word in words:
        q |= _contains(field, word)
    return q


def senior_q(field: str) -> Q:
    return (
        _any(field, _SENIOR_WORDS)
        | (_contains(field, "教授") & ~_contains(field, "副教授"))
        | (_contains(field, "研究员") & ~_contains(field, "副研究员") & ~_contains(field, "助理研究员"))
    )


def at_least_q(level: str, field: str = "person__title") -> Q:
    """Titles of `level` or above, as a filter on `field`."""
    if level == SENIOR:
        return senior_q(field)
    if level == ASSOCIATE:
        return senior_q(field) | _any(field, _ASSOCIATE_WORDS)
    return Q()
