"""The cyclic garbage collector run less often during bulk work.

Bulk work makes millions of short-lived containers that form no reference cycle:
a validated row's dozen lists and dicts, a snapshot part's columns and the
values converted for its insert. Each is freed by its reference count; yet with
Python's default first threshold (700) the collector walks every young object
again and again and finds nothing. Measured: about a tenth of a supporter list's
validation, and about 5% of a 1,048,577-record first sync's CPU (perf, twelfth
session's code: ``visit_decref``, ``visit_reachable``, ``gc_collect_main``).

Plain Python, no third-party import: the importers, the sync client and the
validating processes use it alike.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: The collector's first threshold during bulk work (instead of 700): the young
#: generation is collected every this many new containers.
BULK_GC_THRESHOLD = 100_000

_lock = threading.Lock()
_users = 0
_before: tuple[int, int, int] = (700, 10, 10)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often meanwhile (restored after; nested
    and concurrent uses keep the first caller's setting)."""
    global _users, _before
    with _lock:
        if _users == 0:
            _before = gc.get_threshold()
            gc.set_threshold(BULK_GC_THRESHOLD, *_before[1:])
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                gc.set_threshold(*_before)
