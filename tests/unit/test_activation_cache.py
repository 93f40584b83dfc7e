"""The explorer's activation cache: least-recently-used arrays under a byte budget."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.model.options import default_cache_bytes
from actviz_tui.core.session.activation_cache import ActivationCache


def test_cache_unit():
    cache = ActivationCache(budget_bytes=100)
    a, b, c = (np.zeros(10, np.float32) + k for k in range(3))  # 40 bytes each
    cache.put(0, a)
    cache.put(1, b)
    assert cache.used_bytes == 80 and len(cache) == 2
    assert cache.get(0) is a  # 0 becomes most recent
    cache.put(2, c)  # 120 > 100: evict 1
    assert 1 not in cache and 0 in cache and 2 in cache
    assert cache.used_bytes == 80
    assert cache.get(1) is None
    cache.put(3, np.zeros(26, np.float32))  # 104 bytes: never stored, nothing evicted
    assert 3 not in cache and len(cache) == 2
    cache.put(0, np.ones(10, np.float32))  # already there: kept as is
    assert cache.get(0) is a and cache.used_bytes == 80
    cache.clear()
    assert len(cache) == 0 and cache.used_bytes == 0


def test_any_hashable_key_and_drop_by_predicate():
    cache = ActivationCache(budget_bytes=1000)
    arrays = {(image, row): np.full(5, row, np.float32) for image in ("a.png", "b.png") for row in range(3)}
    for key, array in arrays.items():
        cache.put(key, array)
    assert len(cache) == 6 and cache.used_bytes == 6 * 20
    assert cache.get(("b.png", 2)) is arrays[("b.png", 2)]
    cache.drop(lambda key: key[0] == "a.png")
    assert len(cache) == 3 and cache.used_bytes == 3 * 20
    assert all(("a.png", row) not in cache and ("b.png", row) in cache for row in range(3))
    cache.drop(lambda key: False)
    assert len(cache) == 3


def test_zero_budget_keeps_nothing():
    cache = ActivationCache(budget_bytes=0)
    cache.put("key", np.zeros(1, np.float32))
    assert len(cache) == 0 and cache.get("key") is None and cache.used_bytes == 0


def test_default_cache_budget(monkeypatch):
    monkeypatch.delenv("ACTVIZ_CACHE_MB", raising=False)
    assert default_cache_bytes() == 512 * 1024 * 1024
    monkeypatch.setenv("ACTVIZ_CACHE_MB", "1.5")
    assert default_cache_bytes() == int(1.5 * 1024 * 1024)
    monkeypatch.setenv("ACTVIZ_CACHE_MB", "lots")
    assert default_cache_bytes() == 512 * 1024 * 1024
    monkeypatch.setenv("ACTVIZ_CACHE_MB", "-3")
    assert default_cache_bytes() == 0
