"""The platform's matching index: built from the database, kept on disk, shared by processes.

Every web process holds one loaded index and calls ``refresh`` before a search, which picks up
what other processes journaled; saving a record adds it to the journal after commit, so it is
searchable everywhere within the next query. A rebuild runs as a job with progress.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from django.conf import settings

from baiqianwan.core.jobs import Progress, job_create, job_run, job_start
from baiqianwan.core.models import Job
from baiqianwan.demands.selectors import success_counts
from baiqianwan.matching.engine import Document, IndexStoreError, MatchIndex

from . import documents

_lock = threading.Lock()
_loaded: dict[str, MatchIndex] = {}


def index_dir() -> Path:
    return Path(settings.MATCHING_INDEX_DIR)


def index_build(*, progress: Progress | None = None) -> MatchIndex:
    """Build from every indexed record, save as the new generation, and use it in this process."""
    total = documents.document_count()

    def report(done: int, _total: int) -> None:
        if progress is not None:
            progress(done, total, "分词与建立索引")

    index = MatchIndex.build(documents.all_documents(), report, labels=documents.labels())
    index.set_success_counts(success_counts(), replace_all=True)
    index.save(index_dir())
    with _lock:
        _loaded[str(index_dir())] = index
    return index


def index_get() -> MatchIndex:
    """This process's index, loaded (or built, the first time) and brought up to date."""
    key = str(index_dir())
    with _lock:
        index = _loaded.get(key)
    if index is None:
        try:
            index = MatchIndex.load(index_dir())
        except (IndexStoreError, FileNotFoundError):
            return index_build()
        if index.dictionary_changed:
            return index_build()
        with _lock:
            _loaded[key] = index
    index.refresh()
    return index


def index_put(docs: list[Document]) -> None:
    if docs:
        index_get().add(docs)


def index_drop(ids: list[str]) -> None:
    if ids:
        index_get().remove(ids)


def index_rebuild_job(*, acting_user: Any) -> Job:
    job = job_create(kind="matching:rebuild", title="重建匹配索引", created_by=acting_user)
    job_start(job)
    return job


def index_rebuild_execute(job: Job) -> Job:
    def work(job: Job, progress: Progress) -> dict[str, Any]:
        index = index_build(progress=progress)
        return {"documents": len(index), "message": f"索引已重建，共 {len(index)} 条记录"}

    return job_run(job, work)


def forget_loaded() -> None:
    """Drop this process's cached index (tests point MATCHING_INDEX_DIR elsewhere)."""
    with _lock:
        _loaded.clear()
