"""Bulk inserts for generated data sets (`bqw demo --scale`): many rows, few statements.

``bulk_insert`` writes rows in batches through the model's unscoped manager. ``bulk_create``
sends no model signals, so the change log and the matching index learn nothing from it: a
generator rebuilds what it needs afterwards (the matching index), and generated rows are not
audited. ``stamps_as_given`` lets rows keep the creation and update times a generator gives them,
which ``auto_now``/``auto_now_add`` would otherwise replace with the wall clock.

``insert_rows`` is for the largest tables, whose rows nothing refers to (events, 对接): plain
tuples, no model instances and no returned keys, streamed with COPY on PostgreSQL. Every column
without a database default must be given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any, TypeVar

from django.db import connections, models

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")

BATCH = 2000


@contextmanager
def stamps_as_given(*model_classes: type[models.Model]) -> Iterator[None]:
    """While inside, ``auto_now`` and ``auto_now_add`` fields of these models store what is set."""
    saved: list[tuple[Any, bool, bool]] = []
    for model in model_classes:
        field: Any
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def chunks(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def bulk_insert(model: type[M], rows: Sequence[M], *, batch_size: int = BATCH) -> list[M]:
    """Insert ``rows`` (primary keys are set on them) with their timestamps as given."""
    if not rows:
        return []
    manager = model._default_manager  # ScopedModel declares the unscoped manager first
    with stamps_as_given(model):
        return manager.bulk_create(rows, batch_size=batch_size)


_PREPARED = (models.DateTimeField, models.DateField, models.JSONField, models.DecimalField)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples of the values of ``fields``, by attribute name); returns how many."""
    connection = connections[model._default_manager.db]
    meta: list[Any] = [model._meta.get_field(name) for name in fields]
    prepare = [
        (lambda value, f=f: f.get_db_prep_save(value, connection)) if isinstance(f, _PREPARED) else None
        for f in meta
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in meta)

    def values(row: Sequence[Any]) -> list[Any]:
        return [p(v) if p is not None else v for p, v in zip(prepare, row, strict=True)]

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Names from the model's own metadata, quoted: no input reaches the statement.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # nosec
                for row in rows:
                    copy.write_row(values(row))
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(meta))
            statement = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608  # nosec
            for batch in chunks(rows, 5000):
                cursor.executemany(statement, [values(row) for row in batch])
                count += len(batch)
    return count
