"""One canonical form of Chinese text for both the index and the query.

Steps: strip HTML, NFKC (full width → half width), 繁 → 简 (OpenCC t2s), lower-case, punctuation,
symbols and emoji → one space, quantities written one way (三亩 → 3 亩, 两千斤 → 2000 斤, 30千克 →
30 公斤), and removal of question and filler phrases (请问、怎么办 …); neither a quantity nor a
phrase is touched where that would cut a domain term (千斤拔 stays, 如何首乌 keeps 何首乌).
"""

from __future__ import annotations

import html
import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import opencc

# Longer inputs are cut: a demand or profile is never this long, and the cap bounds the work.
MAX_CHARS = 200_000

_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z!][^<>]*>")
_NON_WORD = re.compile(r"[^\w.]+|_+")
_LONE_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_SPACES = re.compile(r"\s+")

# Units of quantity and their one spelling. A quantity is no evidence of what a text is about, so
# the analyser drops these words from queries (tokenise.py), with the numbers.
UNITS: dict[str, str] = {
    "公斤": "公斤",
    "千克": "公斤",
    "kg": "公斤",
    "市斤": "斤",
    "斤": "斤",
    "两": "两",
    "克": "克",
    "吨": "吨",
    "市亩": "亩",
    "亩": "亩",
    "公顷": "公顷",
    "平方米": "平方米",
    "m2": "平方米",
    "立方米": "立方米",
    "m3": "立方米",
    "米": "米",
    "厘米": "厘米",
    "公分": "厘米",
    "毫升": "毫升",
    "升": "升",
    "万元": "万元",
    "元": "元",
    "头": "头",
    "只": "只",
    "羽": "羽",
    "尾": "尾",
    "株": "株",
    "棵": "棵",
    "箱": "箱",
}
# After a Chinese numeral only these: 三元(杂交猪)、一两(天) or 两米 are words, not quantities.
_AFTER_CHINESE = ("公斤", "千克", "市斤", "斤", "吨", "市亩", "亩", "公顷", "万元", "头", "只", "株", "棵")
_CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CHINESE_POWERS = {"十": 10, "百": 100, "千": 1000}
_BY_LENGTH = sorted(UNITS, key=len, reverse=True)
_QUANTITY = re.compile(
    r"(?P<digits>\d+(?:\.\d+)?)\s*(?P<unit>" + "|".join(map(re.escape, _BY_LENGTH)) + r")"
    r"|(?P<chinese>[零〇一二两三四五六七八九十百千万]+)(?P<cunit>"
    + "|".join(map(re.escape, sorted(_AFTER_CHINESE, key=len, reverse=True)))
    + r")"
)

# What every quantity holds: a digit, or a unit that may follow a Chinese numeral.
_QUANTITY_HINT = re.compile(r"\d|" + "|".join(map(re.escape, _AFTER_CHINESE)))


def chinese_number(text: str) -> int | None:
    """三 → 3, 十五 → 15, 两千 → 2000, 一万二千 → 12000; None for what is not one number (三四)."""
    if not text:
        return None
    total, section, digit = 0, 0, None
    for char in text:
        if char in "零〇" and digit is None:
            continue  # 一百零五: a place holder
        if char in _CHINESE_DIGITS:
            if digit is not None:
                return None
            digit = _CHINESE_DIGITS[char]
        elif char in _CHINESE_POWERS:
            section += (1 if digit is None else digit) * _CHINESE_POWERS[char]
            digit = None
        elif char == "万":
            total = ((total + section + (digit or 0)) or 1) * 10_000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def data_dir() -> Path:
    """data/ of the project (``BQW_DATA_DIR`` overrides, as for the Django settings)."""
    configured = os.environ.get("BQW_DATA_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[4] / "data"


def dictionary_dir() -> Path:
    return data_dir() / "dictionaries"


def read_word_list(path: Path) -> list[str]:
    """First column of each non-empty, non-comment line."""
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line.split()[0])
    return words


class _Converter:
    """OpenCC t2s behind a lock: the binding gives no thread-safety promise."""

    def __init__(self) -> None:
        self._converter = opencc.OpenCC("t2s")
        self._lock = threading.Lock()

    def convert(self, text: str) -> str:
        with self._lock:
            return str(self._converter.convert(text))


@lru_cache(maxsize=1)
def _t2s() -> _Converter:
    return _Converter()


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def clean(text: str) -> str:
    """Everything but filler removal: HTML, width, script, case, punctuation and whitespace."""
    if not text:
        return ""
    text = text[:MAX_CHARS]
    if "<" in text or "&" in text:
        text = _SCRIPT_STYLE.sub(" ", text)
        text = _TAG.sub(" ", text)
        text = html.unescape(text)
        text = _TAG.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text).lower()
    text = _NON_WORD.sub(" ", text)
    if "." in text:
        text = _LONE_DOT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


class Normaliser:
    """``clean`` plus removal of multi-character filler phrases that do not cut a protected term."""

    def __init__(
        self, fillers: Iterable[str] = (), protected: Iterable[str] = (), *, quantities: bool = True
    ) -> None:
        self.quantities = quantities
        phrases = sorted({clean(f) for f in fillers if len(clean(f)) >= 2}, key=len, reverse=True)
        self.fillers = frozenset(phrases)
        self._pattern = re.compile("|".join(map(re.escape, phrases))) if phrases else None
        self._protected = frozenset(clean(term) for term in protected if len(term) >= 2)
        self._lengths = sorted({len(term) for term in self._protected})
        # Every character pair inside a protected term: a term reaching across an edge of a match
        # holds the pair astride that edge, so most matches are cleared by two look-ups.
        self._pairs = frozenset(term[i : i + 2] for term in self._protected for i in range(len(term) - 1))

    def __call__(self, text: str) -> str:
        text = clean(text)
        if self.quantities and text and _QUANTITY_HINT.search(text):
            text = self._quantities(text)
        if self._pattern is None or not text:
            return text
        pattern_text = text

        def replace(match: re.Match[str]) -> str:
            if self._cuts_term(pattern_text, match.start(), match.end()):
                return match.group()
            return " "

        return _SPACES.sub(" ", self._pattern.sub(replace, text)).strip()

    def _quantities(self, text: str) -> str:
        """Each quantity as ``number unit`` between spaces, the number in digits and the unit in one
        spelling; a Chinese numeral that is not one number (三四亩) or that would cut a domain term
        (千斤拔) is left as it is."""
        source = text

        def replace(match: re.Match[str]) -> str:
            if match.group("digits") is not None:
                number, unit = match.group("digits"), match.group("unit")
            else:
                value = chinese_number(match.group("chinese"))
                if value is None:
                    return match.group()
                number, unit = str(value), match.group("cunit")
            if self._cuts_term(source, match.start(), match.end()):
                return match.group()
            return f" {number} {UNITS[unit]} "

        return _SPACES.sub(" ", _QUANTITY.sub(replace, text)).strip()

    def _cuts_term(self, text: str, start: int, end: int) -> bool:
        """A protected term overlaps [start, end) and reaches outside it."""
        if not self._lengths:
            return False
        if not (start > 0 and text[start - 1 : start + 1] in self._pairs) and not (
            end < len(text) and text[end - 1 : end + 1] in self._pairs
        ):
            return False
        longest = self._lengths[-1]
        for begin in range(max(0, start - longest + 1), end):
            for length in self._lengths:
                stop = begin + length
                if stop <= start or stop > len(text):
                    continue
                if (begin < start or stop > end) and text[begin:stop] in self._protected:
                    return True
        return False


@lru_cache(maxsize=1)
def default_normaliser() -> Normaliser:
    directory = dictionary_dir()
    protected = [
        *read_word_list(directory / "agri_terms.txt"),
        *(
            read_word_list(directory / "agri_terms_more.txt")
            if (directory / "agri_terms_more.txt").exists()
            else ()
        ),
    ]
    return Normaliser(read_word_list(directory / "stopwords.txt"), protected)


def normalise(text: str) -> str:
    """Canonical text with the shipped filler list and domain dictionary."""
    return default_normaliser()(text)


def _char_aligned(text: str) -> str:
    """A simplified, lower-cased copy with exactly one character per input character."""
    chars = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        chars.append(folded[0] if len(folded) == 1 else char)
    aligned = "".join(chars)
    converted = to_simplified(aligned)
    if len(converted) != len(aligned):
        converted = "".join(to_simplified(c) if len(to_simplified(c)) == 1 else c for c in aligned)
    return converted.lower()


def highlight_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of ``terms`` in the original ``text``, longest term first.

    Matching runs on a 繁 → 简, width- and case-folded copy, so a traditional or full-width text
    still highlights; callers escape the text and wrap the spans themselves.
    """
    wanted = sorted({t for t in terms if t and not t.startswith("#")}, key=len, reverse=True)
    if not text or not wanted:
        return []
    folded = _char_aligned(text[:MAX_CHARS])
    taken = [False] * len(folded)
    spans: list[tuple[int, int]] = []
    for term in wanted:
        start = folded.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(taken[start:end]):
                spans.append((start, end))
                taken[start:end] = [True] * len(term)
            start = folded.find(term, end)
    return sorted(spans)
