"""Least-recently-used activation arrays under a byte budget (the explorer's cache)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Hashable

import numpy as np


class ActivationCache:
    """Least-recently-used arrays, kept under a byte budget; safe to share between threads."""

    def __init__(self, budget_bytes: int):
        self.budget_bytes = budget_bytes
        self._lock = threading.Lock()
        self._arrays: OrderedDict[Hashable, np.ndarray] = OrderedDict()
        self.used_bytes = 0

    def get(self, key: Hashable) -> np.ndarray | None:
        """The array, or None."""
        with self._lock:
            if key not in self._arrays:
                return None
            self._arrays.move_to_end(key)
            return self._arrays[key]

    def put(self, key: Hashable, array: np.ndarray) -> None:
        with self._lock:
            if array.nbytes > self.budget_bytes or key in self._arrays:
                return
            self._arrays[key] = array
            self.used_bytes += array.nbytes
            while self.used_bytes > self.budget_bytes:
                _, evicted = self._arrays.popitem(last=False)
                self.used_bytes -= evicted.nbytes

    def clear(self) -> None:
        with self._lock:
            self._arrays.clear()
            self.used_bytes = 0

    def drop(self, belongs) -> None:
        """Forget the arrays whose key ``belongs(key)`` says so."""
        with self._lock:
            for key in [key for key in self._arrays if belongs(key)]:
                self.used_bytes -= self._arrays.pop(key).nbytes

    def __contains__(self, key: Hashable) -> bool:
        return key in self._arrays

    def __len__(self) -> int:
        return len(self._arrays)
