"""Segmentation with the Guangdong agri-tech dictionary.

rjieba (jieba's algorithm in Rust) with the domain terms added through ``add_word``: the same
tokens as jieba, about twenty times faster (measurements in docs/matching.md). After segmentation:
stopwords and lone symbols go, Latin and number tokens stay, each compound term also yields the
shorter dictionary terms inside it (荔枝霜疫霉病 → 荔枝, 霜疫霉病) and its split by the general
dictionary (黄龙病 → 黄龙, 病; 茶小绿叶蝉 → 茶小, 绿叶, 蝉), so a text that uses a shorter or
unlisted form still matches, and,
optionally, character bigrams of every Chinese run (marked with a leading ``#``) give some recall
when the segmenter splits a word differently in a query and a document.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rjieba

from .normalise import Normaliser, dictionary_dir, read_word_list

BIGRAM_MARK = "#"
MAX_TOKEN_CHARS = 32
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class AnalyzerConfig:
    """What the analyser does; kept with a saved index so queries are analysed the same way."""

    dictionary: bool = True
    subwords: bool = True
    bigrams: bool = True
    hmm: bool = True


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
    ) -> None:
        self.config = config or AnalyzerConfig()
        domain = terms if self.config.dictionary else {}
        self.normaliser = Normaliser(stopwords, domain)
        self.stopwords = frozenset(stopwords)
        self.terms = frozenset(domain)
        self._segmenter = rjieba.Jieba()
        for term, frequency in domain.items():
            self._segmenter.add_word(term, frequency, None)
        # The general dictionary alone, to split a domain term into everyday words as a fallback.
        self._general = rjieba.Jieba() if domain else None
        self._term_lengths = sorted({len(t) for t in self.terms if len(t) >= 2})
        self._subword_cache: dict[str, tuple[str, ...]] = {}
        self._cache_lock = threading.Lock()

    @classmethod
    def from_directory(cls, directory: Path | None = None, config: AnalyzerConfig | None = None) -> Analyzer:
        directory = directory or dictionary_dir()
        return cls(
            terms=read_terms(directory / "agri_terms.txt"),
            stopwords=read_word_list(directory / "stopwords.txt"),
            config=config,
        )

    def normalise(self, text: str) -> str:
        return self.normaliser(text)

    def words(self, text: str) -> list[str]:
        """Segmented words of the normalised text, stopwords removed, subwords appended."""
        return self._words(self.normaliser(text))

    def bigrams(self, text: str) -> list[str]:
        return self._bigrams(self.normaliser(text))

    def analyse(self, text: str) -> tuple[list[str], list[str]]:
        """(words, bigrams) from one normalisation; bigrams empty unless configured."""
        normalised = self.normaliser(text)
        return self._words(normalised), self._bigrams(normalised) if self.config.bigrams else []

    def tokens(self, text: str) -> list[str]:
        """Index terms: ``words`` plus, when configured, ``#``-marked character bigrams."""
        words, bigrams = self.analyse(text)
        words.extend(bigrams)
        return words

    def _words(self, normalised: str) -> list[str]:
        if not normalised:
            return []
        out: list[str] = []
        stopwords = self.stopwords
        subwords = self.config.subwords
        for word in self._segmenter.cut(normalised, self.config.hmm):
            word = word.strip()
            if not word or word in stopwords:
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
        result = tuple(found)
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
