"""Process memory policy: freed heap memory is kept for reuse instead of being handed back at once."""

import ctypes
import ctypes.util

# mallopt(3) parameters, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# CONFIG (speed only), for long-running processes (the server, the worker, batch analyses). Analysing
# a recording allocates and frees a few MB of arrays; with glibc's defaults the top of the heap is
# handed back after each analysis and the next one page-faults its arrays in again: 300-900 faults,
# up to 2 ms of system time in a 10 ms analysis of 11,000 frames (docs/benchmarks.md). Keeping up to 64 MiB of free heap, and
# taking arrays up to 1 MiB from the heap, removes them. (A FHIR import, whose buffers are larger,
# gains nothing from it: measured within noise, so one-shot commands keep the defaults.)
TRIM_THRESHOLD_BYTES = 64 * 1024 * 1024
MMAP_THRESHOLD_BYTES = 1024 * 1024


def keep_freed_memory() -> bool:
    """Set the heap policy above where the C library is glibc; True when it took effect."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): their allocators keep their defaults
        mallopt = None
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) and mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
