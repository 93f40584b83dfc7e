"""Hands the memory a large batch freed back to the OS (glibc's ``malloc_trim``).

The backend's intermediate tensors are freed after a batch, but glibc keeps
the freed pages in its arenas: a Score-CAM run on DenseNet121 would leave
gigabytes held by the process. ``release_freed_memory()`` returns them; a
no-op where the C library is not glibc (macOS, Windows, musl).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> bool:
    """True when glibc was asked to return its free pages."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
