"""What the results keep in this process's memory (threads share it).

Computations are also kept in Django's cache (shared between processes); this memory only spares
unpickling them on every page. Everything here is keyed so that a stale entry is never read:
a computation by its definition hash, periods and approval stamp, a frame by its computation or
publication, the units by the division registry's signature.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """The last ``size`` values by key, least recently stored dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def remember(self, key: K, build: Callable[[], V]) -> V:
        """The value kept under ``key``, built (outside the lock) and kept when there is none."""
        found = self.get(key)
        if found is None:
            found = build()
        self.put(key, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


computations: Memo[str, object] = Memo(4)
frames: Memo[tuple[str, str], object] = Memo(24)
units: Memo[str, object] = Memo(1)


def forget() -> None:
    """Drop what this process keeps in memory (tests, and after loading divisions anew)."""
    computations.clear()
    frames.clear()
    units.clear()
