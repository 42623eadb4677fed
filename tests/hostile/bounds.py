"""Memory bounds of the hostile tests: in this process (the fuzz tests), and the peak of a child
process (the files read elsewhere)."""

from __future__ import annotations

import contextlib
import resource
import subprocess
import sys
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


#: Appended to a child's Python code: its own peak resident memory, in kB, as the last line of
#: standard error; then the exit status the code left in ``EXIT_STATUS`` (0 when it left none).
_REPORT_PEAK = """
import sys as _sys
with open("/proc/self/status") as _status:
    _sys.stderr.write("PEAK-KB " + next(
        line for line in _status if line.startswith("VmHWM:")).split()[1] + "\\n")
raise SystemExit(globals().get("EXIT_STATUS", 0))
"""


def run_with_peak(code: str, *arguments: str, timeout: float = 60
                  ) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``code`` in a child Python with ``arguments`` (its exit status: what it sets
    ``EXIT_STATUS`` to); returns what it did and its own peak resident memory in bytes.

    The peak is the child's VmHWM: ``os.wait4``'s ``ru_maxrss`` also counts the memory of this
    process, which the child shared until it ran the new program. Skips where
    ``/proc/self/status`` is missing (not Linux); -1 when the child died before telling."""
    if sys.platform != "linux":
        pytest.skip("the child's own peak memory is read from /proc/self/status (Linux)")
    finished = subprocess.run([sys.executable, "-c", code + _REPORT_PEAK, *arguments],
                              capture_output=True, text=True, timeout=timeout, check=False)
    peak = finished.stderr.rsplit("PEAK-KB ", 1)
    return finished, int(peak[1].split()[0]) * 1024 if len(peak) == 2 else -1
