"""An index on disk, shared by several processes.

Layout of a store directory (e.g. ``var/matching/``)::

    CURRENT              name of the live generation, replaced atomically
    LOCK                 flock taken by every writer
    g<ns>/arrays.npz     BM25 scores and per-document arrays (numpy, no pickle)
    g<ns>/meta.json      vocabulary, ids, titles, code tables, labels, configuration
    g<ns>/journal.jsonl  changes since the build: add, remove, successes (one JSON object a line)

``save`` writes a new generation and keeps the previous one for readers still opening it. Each
process appends its changes to the journal and replays the others' on ``refresh``, so a record
saved in one web process is searchable in all of them at their next query. Changes journaled to
the old generation after a rebuild started are carried into the new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .segments import Delta, Document, IndexConfig, Labels, Segment, State
from .tokenise import Analyzer, default_analyzer

FORMAT = 1
CURRENT = "CURRENT"
LOCK = "LOCK"
ARRAYS = "arrays.npz"
META = "meta.json"
JOURNAL = "journal.jsonl"
_ARRAY_NAMES = ("data", "indices", "indptr", "kinds", "regions", "industries", "available")


class IndexStoreError(Exception):
    """The directory holds no readable index."""


@dataclass(slots=True)
class Attachment:
    path: Path
    generation: str
    offset: int


class StoredIndex(Protocol):
    """What the store needs of an index: its parts to write, and hooks to replay changes into.
    (The index calls the store; the store never imports the index.)"""

    _attachment: Attachment | None
    _state: State
    _write_lock: threading.RLock
    config: IndexConfig
    analyzer: Analyzer
    labels: Labels
    built_at: float
    dictionary_changed: bool

    def _apply_add(self, docs: list[Document]) -> None: ...
    def _apply_remove(self, ids: list[str]) -> None: ...
    def _apply_successes(self, counts: Mapping[str, int], replace_all: bool) -> None: ...
    def _take(self, other: Any) -> None: ...


Build = Callable[[State, IndexConfig, Analyzer, Labels], Any]


def fingerprint(analyzer: Analyzer) -> str:
    """Changes when the dictionary or stopwords change, so a stale index can be noticed."""
    digest = hashlib.sha256()
    digest.update(repr(sorted(analyzer.terms)).encode())
    digest.update(repr(sorted(analyzer.stopwords)).encode())
    digest.update(repr(sorted(analyzer.places)).encode())
    digest.update(repr(analyzer.config).encode())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.mkdir(parents=True, exist_ok=True)
    with open(path / LOCK, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _current(path: Path) -> str:
    try:
        return (path / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def _read_journal(file: Path, offset: int) -> tuple[list[dict[str, Any]], int]:
    """Complete lines from ``offset``; a line still being written is left for next time."""
    try:
        with open(file, "rb") as handle:
            handle.seek(offset)
            chunk = handle.read()
    except FileNotFoundError:
        return [], offset
    end = chunk.rfind(b"\n") + 1
    entries = [json.loads(line) for line in chunk[:end].splitlines() if line.strip()]
    return entries, offset + end


def _apply(index: StoredIndex, entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        op = entry.get("op")
        if op == "add":
            index._apply_add([Document.from_dict(d) for d in entry["docs"]])
        elif op == "remove":
            index._apply_remove([str(i) for i in entry["ids"]])
        elif op == "successes":
            index._apply_successes(
                {str(k): int(v) for k, v in entry["counts"].items()}, bool(entry["replace"])
            )


def _line(entry: dict[str, Any]) -> bytes:
    return (json.dumps({"ts": time.time(), **entry}, ensure_ascii=False, default=str) + "\n").encode()


def append(index: StoredIndex, entry: dict[str, Any]) -> None:
    """Journal one change (called by the index under its write lock, before applying it)."""
    attachment = index._attachment
    assert attachment is not None
    with _locked(attachment.path):
        _catch_up(index, attachment)
        attachment = index._attachment
        assert attachment is not None
        file = attachment.path / attachment.generation / JOURNAL
        with open(file, "ab") as handle:
            handle.write(_line(entry))
            attachment.offset = handle.tell()


def _catch_up(index: StoredIndex, attachment: Attachment) -> None:
    """Switch to a newer generation if one was saved, then replay journal lines not yet seen."""
    generation = _current(attachment.path)
    if generation and generation != attachment.generation:
        index._take(load(attachment.path, analyzer=index.analyzer, build=type(index)))
        return
    entries, attachment.offset = _read_journal(
        attachment.path / attachment.generation / JOURNAL, attachment.offset
    )
    _apply(index, entries)


def refresh(index: StoredIndex) -> bool:
    """Pick up what other processes saved; cheap when nothing changed (two stat calls)."""
    attachment = index._attachment
    if attachment is None:
        return False
    if _current(attachment.path) != attachment.generation:
        with index._write_lock:
            index._take(load(attachment.path, analyzer=index.analyzer, build=type(index)))
        return True
    try:
        size = (attachment.path / attachment.generation / JOURNAL).stat().st_size
    except FileNotFoundError:
        return False
    if size <= attachment.offset:
        return False
    with index._write_lock:
        entries, attachment.offset = _read_journal(
            attachment.path / attachment.generation / JOURNAL, attachment.offset
        )
        _apply(index, entries)
    return bool(entries)


def save(index: StoredIndex, path: Path) -> None:
    path = Path(path)
    with index._write_lock, _locked(path):
        previous = _current(path)
        attachment = index._attachment
        if (
            previous
            and attachment is not None
            and attachment.path == path
            and attachment.generation == previous
        ):
            _catch_up(index, attachment)
        elif previous:
            # Changes other processes journaled while this index was being built.
            entries, _ = _read_journal(path / previous / JOURNAL, 0)
            _apply(index, [e for e in entries if float(e.get("ts", 0)) >= index.built_at])
        generation = f"g{time.time_ns()}"
        target = path / generation
        target.mkdir(parents=True)
        _write_generation(index, target)
        temporary = path / f"{CURRENT}.tmp"
        temporary.write_text(generation, encoding="utf-8")
        os.replace(temporary, path / CURRENT)
        for old in path.glob("g*"):
            if old.is_dir() and old.name not in (generation, previous):
                shutil.rmtree(old, ignore_errors=True)
        index._attachment = Attachment(path, generation, (target / JOURNAL).stat().st_size)


def _write_generation(index: StoredIndex, target: Path) -> None:
    state = index._state
    main = state.main
    arrays = {name: getattr(main, name) for name in _ARRAY_NAMES}
    with open(target / ARRAYS, "wb") as handle:
        np.savez(handle, **arrays)
    meta = {
        "format": FORMAT,
        "config": index.config.as_dict(),
        "fingerprint": fingerprint(index.analyzer),
        "built_at": index.built_at,
        "avgdl": main.avgdl,
        "vocab": list(main.vocab),
        "ids": main.ids,
        "titles": main.titles,
        "kind_names": main.kind_names,
        "industry_names": main.industry_names,
        "extras": {str(k): v for k, v in main.extras.items()},
        "labels": {
            "industries": dict(index.labels.industries),
            "industry_parents": dict(index.labels.industry_parents),
            "regions": dict(index.labels.regions),
        },
    }
    (target / META).write_text(json.dumps(meta, ensure_ascii=False, default=str), encoding="utf-8")
    lines: list[bytes] = []
    removed = [main.ids[int(i)] for i in np.flatnonzero(~state.alive)]
    if removed:
        lines.append(_line({"op": "remove", "ids": removed}))
    docs = [doc.as_dict() for doc in state.delta.live()]
    for start in range(0, len(docs), 500):
        lines.append(_line({"op": "add", "docs": docs[start : start + 500]}))
    if state.successes:
        lines.append(_line({"op": "successes", "counts": state.successes, "replace": True}))
    (target / JOURNAL).write_bytes(b"".join(lines))


def load(path: Path, *, build: Build, analyzer: Analyzer | None = None) -> Any:
    path = Path(path)
    for attempt in range(3):
        generation = _current(path)
        if not generation:
            raise IndexStoreError(f"目录 {path} 中没有匹配索引，请先重建索引")
        try:
            return _load_generation(path, generation, analyzer, build)
        except FileNotFoundError:
            # A concurrent save removed it between reading CURRENT and opening the files.
            if attempt == 2:
                raise
            time.sleep(0.05)
    raise IndexStoreError(f"无法读取匹配索引：{path}")


def _load_generation(path: Path, generation: str, analyzer: Analyzer | None, build: Build) -> Any:
    target = path / generation
    meta = json.loads((target / META).read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise IndexStoreError(f"索引格式版本 {meta.get('format')} 不受支持，请重建索引")
    with np.load(target / ARRAYS, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in _ARRAY_NAMES}
    config = IndexConfig.from_dict(meta["config"])
    if analyzer is None or analyzer.config != config.analyzer:
        analyzer = default_analyzer(config.analyzer)
    ids: list[str] = meta["ids"]
    segment = Segment(
        vocab={term: i for i, term in enumerate(meta["vocab"])},
        avgdl=float(meta["avgdl"]),
        ids=ids,
        titles=meta["titles"],
        kind_names=meta["kind_names"],
        industry_names=meta["industry_names"],
        extras={int(k): v for k, v in meta["extras"].items()},
        positions={doc_id: i for i, doc_id in enumerate(ids)},
        **arrays,
    )
    state = State(main=segment, alive=np.ones(len(ids), np.bool_), delta=Delta(), successes={})
    labels = Labels(**meta["labels"])
    index = build(state, config, analyzer, labels)
    index.built_at = float(meta["built_at"])
    index.dictionary_changed = meta.get("fingerprint") != fingerprint(analyzer)
    entries, offset = _read_journal(target / JOURNAL, 0)
    _apply(index, entries)
    index._attachment = Attachment(path, generation, offset)
    return index
