"""One canonical form of Chinese text for both the index and the query.

Steps: strip HTML, NFKC (full width → half width), 繁 → 简 (OpenCC t2s), lower-case, punctuation,
symbols and emoji → one space, and removal of question and filler phrases (请问、怎么办 …) unless
removing one would cut a domain term (如何首乌 keeps 何首乌).
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

    def __init__(self, fillers: Iterable[str] = (), protected: Iterable[str] = ()) -> None:
        phrases = sorted({clean(f) for f in fillers if len(clean(f)) >= 2}, key=len, reverse=True)
        self.fillers = frozenset(phrases)
        self._pattern = re.compile("|".join(map(re.escape, phrases))) if phrases else None
        self._protected = frozenset(clean(term) for term in protected if len(term) >= 2)
        self._lengths = sorted({len(term) for term in self._protected})

    def __call__(self, text: str) -> str:
        text = clean(text)
        if self._pattern is None or not text:
            return text
        pattern_text = text

        def replace(match: re.Match[str]) -> str:
            if self._cuts_term(pattern_text, match.start(), match.end()):
                return match.group()
            return " "

        return _SPACES.sub(" ", self._pattern.sub(replace, text)).strip()

    def _cuts_term(self, text: str, start: int, end: int) -> bool:
        """A protected term overlaps [start, end) and reaches outside it."""
        if not self._lengths:
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
