"""The memory bound of the hostile tests that read in this process (the fuzz tests)."""

from __future__ import annotations

import contextlib
import resource
from collections.abc import Iterator

import pytest


@contextlib.contextmanager
def address_space_capped(extra_bytes: int) -> Iterator[None]:
    """The address space capped at its present size plus ``extra_bytes`` inside the block: a
    reader that allocates more fails with ``MemoryError`` (which the tests' oracles refuse).
    Skips the test where the present size cannot be read (``/proc/self/statm`` is Linux's)."""
    try:
        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        pytest.skip("no /proc/self/statm: the address space cannot be bounded here")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = size + extra_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
