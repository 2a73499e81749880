"""The tamper-evident audit trail: every audit entry chained by hash to the one before.

Each security event (``AuditEvent``) and each record change (django-auditlog's ``LogEntry``) gets a
link (``AuditSeal``) once the transaction that wrote it commits:
``digest = sha256(previous digest + the entry as stored)``. Links are added in a short transaction of
their own that locks the chain's head (one row), so the chain never forks, and the lock is never
held while a writer waits for other rows (no deadlock with the writers' own row locks).
Anyone who edits or deletes an entry, or a link, directly in the database breaks the chain from that
point; ``chain_verify`` walks it and names the first broken link. Pruning old entries (never under
180 days) drops their links too: the oldest remaining link's ``previous`` is the anchor. Entries
older than the first link (written before the chain existed) are outside it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent, AuditSeal, AuditVerification

GENESIS = "0" * 64
BATCH = 2000
EVENT_FIELDS = ("id", "kind", "at", "user_id", "username", "ip", "detail", "extra")
CHANGE_FIELDS = (
    "id", "content_type_id", "object_pk", "object_repr", "action", "changes", "actor_id", "timestamp",
)  # fmt: skip
SOURCES: dict[str, tuple[Any, tuple[str, ...], str]] = {
    AuditSeal.Kind.EVENT: (AuditEvent, EVENT_FIELDS, "at"),
    AuditSeal.Kind.CHANGE: (LogEntry, CHANGE_FIELDS, "timestamp"),
}


def _canonical(values: dict[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def _digest(previous: str, kind: str, values: dict[str, Any]) -> str:
    return hashlib.sha256(f"{previous}|{kind}|{_canonical(values)}".encode()).hexdigest()


def _stored(kind: str, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The entries as the database holds them (what verification will read back)."""
    model, fields, _ = SOURCES[kind]
    return {row["id"]: row for row in model.objects.filter(pk__in=list(ids)).values(*fields)}


def chain_append_on_commit(kind: str, ids: Sequence[int]) -> None:
    """Link entries the current transaction writes, once it commits (nothing if it rolls back)."""
    keys = list(ids)
    if keys:
        transaction.on_commit(lambda: chain_append(kind, keys))


def chain_append(kind: str, ids: Sequence[int]) -> None:
    """Add links for committed entries, in the order given."""
    if not ids:
        return
    rows = _stored(kind, ids)
    _, _, time_field = SOURCES[kind]
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"digest": GENESIS})
        previous = head.digest
        seals = []
        for entry_id in ids:
            values = rows[entry_id]
            digest = _digest(previous, kind, values)
            seals.append(
                AuditSeal(
                    kind=kind, entry_id=entry_id, at=values[time_field], previous=previous, digest=digest
                )
            )
            previous = digest
        AuditSeal.objects.bulk_create(seals, batch_size=BATCH)
        AuditChainHead.objects.filter(pk=1).update(digest=previous, length=head.length + len(seals))


@dataclass(frozen=True)
class ChainState:
    checked: int
    intact: bool
    problem: str = ""


def chain_verify(*, settle_seconds: int = 60) -> ChainState:
    """Walk the chain in order; stop at the first link that does not hold."""
    expected: str | None = None  # the oldest remaining link anchors the walk
    checked = 0
    last_id = 0
    while True:
        seals = list(AuditSeal.objects.filter(pk__gt=last_id).order_by("pk")[:BATCH])
        if not seals:
            break
        stored = {kind: _stored(kind, [s.entry_id for s in seals if s.kind == kind]) for kind in SOURCES}
        for seal in seals:
            when = f"{timezone.localtime(seal.at):%Y-%m-%d %H:%M:%S}"
            label = f"第 {checked + 1} 环（{seal.get_kind_display()} #{seal.entry_id}，{when}）"
            if expected is not None and seal.previous != expected:
                return ChainState(checked, False, f"{label}：与前一环不相接，前面的环被删除、插入或改动")
            values = stored[seal.kind].get(seal.entry_id)
            if values is None:
                return ChainState(checked, False, f"{label}：记录已被删除")
            if _digest(seal.previous, seal.kind, values) != seal.digest:
                return ChainState(checked, False, f"{label}：记录内容已被改动")
            expected = seal.digest
            checked += 1
        last_id = seals[-1].pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and expected is not None and head.digest != expected:
        return ChainState(checked, False, "链尾与链头记录不一致：最新的环被删除")
    unsealed = _unsealed_count(settle_seconds)
    if unsealed:
        return ChainState(
            checked, False, f"有 {unsealed} 条审计记录未入链（写入后未封存，或被直接插入数据库）"
        )
    return ChainState(checked, True)


def _unsealed_count(settle_seconds: int) -> int:
    """Entries newer than the chain's anchor without a link, leaving time for links in flight."""
    first = AuditSeal.objects.order_by("pk").first()
    if first is None:
        return 0
    settle = timezone.now() - dt.timedelta(seconds=settle_seconds)
    count = 0
    for kind, (model, _, time_field) in SOURCES.items():
        sealed = AuditSeal.objects.filter(kind=kind).values("entry_id")
        window = {f"{time_field}__gt": first.at, f"{time_field}__lte": settle}
        count += model.objects.filter(**window).exclude(pk__in=sealed).count()
    return count


def chain_verify_record(*, by: str = "") -> AuditVerification:
    state = chain_verify()
    return AuditVerification.objects.create(
        by=by[:150], checked=state.checked, intact=state.intact, problem=state.problem[:500]
    )
