"""Telling the rest of the platform that records changed, once per batch.

A service that stores many records at once (an import's ``bulk_create``) sends no model signals,
so it says explicitly what it stored: ``records_changed(model, pks)``. Apps that keep something in
step with the records — the matching index — connect a receiver in their ``ready()``. The call
reaches them after the transaction commits, so a rolled-back import tells nobody anything."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.dispatch import Signal

records_stored = Signal()  # sender: the model class; pks: list of primary keys


def records_changed(model: type[Any], pks: Iterable[Any]) -> None:
    keys = list(pks)
    if keys:
        transaction.on_commit(lambda: records_stored.send(sender=model, pks=keys))
