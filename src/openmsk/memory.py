"""Process memory policy: freed heap memory is kept for reuse instead of being handed back at once."""

import ctypes
from functools import cache

# mallopt(3) parameters, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# CONFIG (speed only), for long-running processes (the server, the worker, batch analyses). Analysing
# a recording allocates and frees a few MB of arrays; with glibc's defaults the top of the heap is
# handed back after each analysis and the next one page-faults its arrays in again: 300-900 faults,
# up to 2 ms of system time in a 10 ms analysis of 11,000 frames (docs/benchmarks.md). Keeping up to
# 64 MiB of free heap, and taking arrays up to 1 MiB from the heap, removes them. A FHIR import, whose
# buffers are larger, does not gain (2-3% slower in six alternating runs), so one-shot commands keep
# glibc's defaults.
TRIM_THRESHOLD_BYTES = 64 * 1024 * 1024
MMAP_THRESHOLD_BYTES = 1024 * 1024


@cache
def keep_freed_memory() -> bool:
    """Set the heap policy above where the C library is glibc (once per process); True when it took effect."""
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library, without searching for it
    except (OSError, AttributeError):  # no mallopt (macOS): the allocator keeps its defaults
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) and mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
