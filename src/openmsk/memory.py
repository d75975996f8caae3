"""Process memory policy: freed heap memory is kept for reuse instead of being handed back at once."""

import ctypes
import ctypes.util

# mallopt(3) parameters, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# CONFIG (speed only). Analysing a recording allocates and frees a few MB of arrays. With glibc's
# defaults the top of the heap is handed back after each analysis and arrays over the (moving) mmap
# threshold are mapped afresh, so the next analysis page-faults them in again: ~700 faults, 1-2 ms of
# sys time in a 10 ms analysis of 11,000 frames. Keeping up to 64 MiB of free heap and serving arrays
# up to 4 MiB from the heap removes those faults; 64 MiB also caps what an idle process holds on to.
TRIM_THRESHOLD_BYTES = 64 * 1024 * 1024
MMAP_THRESHOLD_BYTES = 4 * 1024 * 1024


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
