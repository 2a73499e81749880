"""Segmentation with the Guangdong agri-tech dictionary.

rjieba (jieba's algorithm in Rust) with the domain terms added through ``add_word``: the same
tokens as jieba, about twenty times faster (measurements in docs/matching.md). After segmentation:
stopwords and lone symbols go, Latin and number tokens stay, each compound term also yields the
shorter dictionary terms inside it (荔枝霜疫霉病 → 荔枝, 霜疫霉病) and its split by the general
dictionary (黄龙病 → 黄龙, 病; 茶小绿叶蝉 → 茶小, 绿叶, 蝉), so a text that uses a shorter or
unlisted form still matches, and,
optionally, character bigrams of every Chinese run (marked with a leading ``#``) give some recall
when the segmenter splits a word differently in a query and a document.

Synonym groups (``synonyms.txt``: 红蜘蛛 叶螨 全爪螨 …, local names such as 狗虱 for 黄曲条跳甲)
are part of the vocabulary, so each of their words is cut whole, and ``expand`` gives a query's
words the other members of their groups, which the index weighs less than the words typed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rjieba

from .normalise import UNITS, Normaliser, clean, dictionary_dir, read_word_list
from .places import default_place_names

BIGRAM_MARK = "#"
MORE_TERMS = "agri_terms_more.txt"
MAX_TOKEN_CHARS = 32
# Above any general word that could pull a place name apart (湖寮镇长教村 is 湖寮镇 + 长教村, not 镇长).
PLACE_FREQUENCY = 100_000
_NUMBER = re.compile(r"[\d.]+")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Units of quantity (公斤、万元、平方米 …), with or without their number: no evidence of a topic.
_UNIT_WORDS = frozenset(UNITS) | frozenset(UNITS.values())


@dataclass(frozen=True, slots=True)
class AnalyzerConfig:
    """What the analyser does; kept with a saved index so queries are analysed the same way."""

    dictionary: bool = True
    subwords: bool = True
    bigrams: bool = True
    hmm: bool = True
    synonyms: bool = True
    # Quantities written one way (三亩 → 3 亩, 千克 → 公斤) and units left out of queries.
    quantities: bool = True


def read_synonyms(path: Path) -> list[list[str]]:
    """Groups of ``synonyms.txt``: one per line, the standard name first."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def dictionary_terms(directory: Path) -> dict[str, int | None]:
    """agri_terms.txt and, where present, agri_terms_more.txt (kept apart so the two can be compared)."""
    terms = read_terms(directory / "agri_terms.txt")
    more = directory / MORE_TERMS
    if more.exists():
        for term, frequency in read_terms(more).items():
            terms.setdefault(term, frequency)
    return terms


def read_terms(path: Path) -> dict[str, int | None]:
    """Dictionary lines ``term [frequency]``."""
    terms: dict[str, int | None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        frequency = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        terms[parts[0]] = frequency
    return terms


class Analyzer:
    """Text → index terms. Thread-safe after construction (the segmenter is only read)."""

    def __init__(
        self,
        *,
        terms: dict[str, int | None],
        stopwords: Iterable[str],
        config: AnalyzerConfig | None = None,
        places: Iterable[str] = (),
        generic: Iterable[str] = (),
        synonyms: Iterable[Sequence[str]] = (),
    ) -> None:
        self.config = config or AnalyzerConfig()
        domain = dict(terms) if self.config.dictionary else {}
        groups = [[clean(t) for t in group] for group in synonyms] if self.config.synonyms else []
        # Each word of a group to the others in it; a word in two groups gets both.
        self.synonyms: dict[str, tuple[str, ...]] = {}
        for group in groups:
            for term in group:
                others = [t for t in group if t != term and t not in self.synonyms.get(term, ())]
                self.synonyms[term] = (*self.synonyms.get(term, ()), *others)
        if self.config.dictionary:
            for group in groups:
                for term in group:
                    domain.setdefault(term, None)
        self.normaliser = Normaliser(stopwords, domain, quantities=self.config.quantities)
        self.units = _UNIT_WORDS if self.config.quantities else frozenset()
        self.stopwords = frozenset(stopwords)
        self.terms = frozenset(domain)
        # Place names are cut whole and then dropped (see places.py); a domain term stays a term.
        self.places = frozenset(p for p in (clean(p) for p in places) if len(p) >= 2 and p not in self.terms)
        # Words too general to say two texts are about the same thing; dropped from queries only.
        self.generic = frozenset(clean(word) for word in generic)
        self._segmenter = rjieba.Jieba()
        for term, frequency in domain.items():
            self._segmenter.add_word(term, frequency, None)
        for place in self.places:
            self._segmenter.add_word(place, PLACE_FREQUENCY, None)
        # The general dictionary alone, to split a domain term into everyday words as a fallback.
        self._general = rjieba.Jieba() if domain else None
        self._term_lengths = sorted({len(t) for t in self.terms if len(t) >= 2})
        self._subword_cache: dict[str, tuple[str, ...]] = {}
        self._cache_lock = threading.Lock()

    @classmethod
    def from_directory(cls, directory: Path | None = None, config: AnalyzerConfig | None = None) -> Analyzer:
        directory = directory or dictionary_dir()
        generic = directory / "generic_terms.txt"
        return cls(
            terms=dictionary_terms(directory),
            stopwords=read_word_list(directory / "stopwords.txt"),
            config=config,
            places=default_place_names(),
            generic=read_word_list(generic) if generic.exists() else (),
            synonyms=read_synonyms(directory / "synonyms.txt"),
        )

    def normalise(self, text: str) -> str:
        return self.normaliser(text)

    def words(self, text: str) -> list[str]:
        """Segmented words of the normalised text, stopwords removed, subwords appended."""
        return self._words(self._cut(self.normaliser(text)))

    def bigrams(self, text: str) -> list[str]:
        normalised = self.normaliser(text)
        return self._bigrams(self._without_places(normalised, self._cut(normalised)))

    def analyse(self, text: str) -> tuple[list[str], list[str]]:
        """(words, bigrams) from one normalisation; bigrams empty unless configured."""
        normalised = self.normaliser(text)
        segments = self._cut(normalised)
        words = self._words(segments)
        if not self.config.bigrams:
            return words, []
        return words, self._bigrams(self._without_places(normalised, segments))

    def query(self, text: str) -> tuple[list[str], list[str], list[str]]:
        """(words, bigrams, lone characters) of a search. Unlike ``analyse`` it leaves out what is no
        evidence that two texts are about the same thing: generic words (技术、种植), bare numbers,
        units of quantity (公斤、万元) and the character pairs inside them. Lone characters (园、木、柚)
        come apart, to be weighed lightly and never shown as a matched keyword."""
        segments = self._cut(self.normaliser(text))
        kept: list[str] = []
        lone: list[str] = []
        for word in self._words(segments):
            if len(word) < 2:
                if not _NUMBER.fullmatch(word):
                    lone.append(word)
            elif word not in self.generic and word not in self.units and not _NUMBER.fullmatch(word):
                kept.append(word)
        if not self.config.bigrams:
            return kept, [], lone
        # Character pairs only from what is left: none across 防控|技术 or 村|的.
        quiet = self.places | self.generic | self.stopwords | self.units
        text = "".join(" " if s in quiet or _NUMBER.fullmatch(s) else s for s in segments)
        generic_pairs = {BIGRAM_MARK + word for word in self.generic if len(word) == 2}
        return kept, [b for b in self._bigrams(text) if b not in generic_pairs], lone

    def expand(self, words: Sequence[str]) -> list[tuple[str, str]]:
        """(synonym, the query word it stands for) for each group member the query lacks, in the
        order of the words; a synonym reached from two words is listed once, for the first."""
        present = set(words)
        out: dict[str, str] = {}
        for word in words:
            for other in self.synonyms.get(word, ()):
                if other in present or other in out or other in self.generic:
                    continue
                # A longer form holding a word the query has (柑橘黄龙病 for 黄龙病) adds nothing: a
                # record with it also yields the shorter word, so it would only be counted twice.
                if any(w in other for w in present):
                    continue
                out[other] = word
        return list(out.items())

    def tokens(self, text: str) -> list[str]:
        """Index terms: ``words`` plus, when configured, ``#``-marked character bigrams."""
        words, bigrams = self.analyse(text)
        words.extend(bigrams)
        return words

    def _cut(self, normalised: str) -> list[str]:
        return list(self._segmenter.cut(normalised, self.config.hmm)) if normalised else []

    def _without_places(self, normalised: str, segments: list[str]) -> str:
        """The text with each place name blanked, so no character pair is taken from one."""
        if not self.places:
            return normalised
        places = self.places
        return "".join(" " if segment in places else segment for segment in segments)

    def _words(self, segments: list[str]) -> list[str]:
        out: list[str] = []
        stopwords = self.stopwords
        places = self.places
        subwords = self.config.subwords
        for word in segments:
            word = word.strip()
            if not word or word in stopwords or word in places:
                continue
            if len(word) > MAX_TOKEN_CHARS:
                word = word[:MAX_TOKEN_CHARS]
            out.append(word)
            if subwords and len(word) >= 3:
                out.extend(self._subwords(word))
        return out

    @staticmethod
    def _bigrams(normalised: str) -> list[str]:
        return [
            BIGRAM_MARK + run[i : i + 2] for run in _HAN_RUN.findall(normalised) for i in range(len(run) - 1)
        ]

    def _subwords(self, token: str) -> Sequence[str]:
        cached = self._subword_cache.get(token)
        if cached is not None:
            return cached
        found: list[str] = []
        if _HAN.match(token):
            for length in self._term_lengths:
                if length >= len(token):
                    break
                for start in range(len(token) - length + 1):
                    piece = token[start : start + length]
                    if piece in self.terms and piece not in self.stopwords:
                        found.append(piece)
            if self._general is not None and token in self.terms:
                pieces = self._general.cut(token, False)
                if len(pieces) > 1:
                    found.extend(p for p in pieces if p not in self.stopwords and p not in found)
        result = tuple(p for p in found if p not in self.places)
        with self._cache_lock:
            if len(self._subword_cache) > 200_000:
                self._subword_cache.clear()
            self._subword_cache[token] = result
        return result


@lru_cache(maxsize=8)
def default_analyzer(config: AnalyzerConfig | None = None) -> Analyzer:
    """The shipped dictionaries; one instance per configuration per process."""
    return Analyzer.from_directory(config=config or AnalyzerConfig())


def tokenise(text: str) -> list[str]:
    """Words of ``text`` with the default analyser (without the bigram terms)."""
    return default_analyzer().words(text)
