"""Automatic garbage collection paused while push batches are parsed and applied.

A push batch holds some hundred thousand young container objects at once (the
parsed body: a list per changed field, then the batch's records, audit entries
and rows), all alive until the batch is answered and none in a reference cycle.
With automatic collection on, every hundred thousand of them (the threshold set
by :func:`sync.server.app.tune_gc`) a collection walked every object still alive
and found nothing to free: about 7% of the server's CPU in bench_sync's push.
Paused, they are freed by their reference counts once the answer is made, before
collection resumes, so the next collection has little to walk.

The pause lasts while any push of the process is inside :func:`paused`. So that
pushes overlapping without a break cannot hold off collection for ever, leaving
the pause collects the young generation whenever more than :data:`YOUNG_LIMIT`
young objects have piled up.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

#: Young objects (gc.get_count()[0]) after which a push leaving the pause collects them.
YOUNG_LIMIT = 1_000_000

_lock = threading.Lock()
_depth = 0
#: Whether the outermost pause switched collection off (it was on).
_switched = False


@contextmanager
def paused() -> Iterator[None]:
    """Automatic collection off until every caller of this process has left."""
    global _depth, _switched
    with _lock:
        if _depth == 0:
            _switched = gc.isenabled()
            if _switched:
                gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _switched:
                gc.enable()
                crowded = False
            else:
                crowded = _switched and gc.get_count()[0] > YOUNG_LIMIT
        if crowded:
            gc.collect(0)


#: Bodies from this size on are worth a pause (about 250 supporter creates): smaller
#: pushes hold too few objects at once for a collection to cost much, and many of them
#: overlapping (bench_offices: a hundred offices, 100 each) would keep collection off
#: nearly all the time, then pay for it in one long collection.
LARGE_BODY = 256 * 1024


def run(work: Callable[[], T], size: int = LARGE_BODY) -> T:
    """``work()`` inside :func:`paused` (its locals are freed before the pause ends)
    when its body of ``size`` bytes is large; otherwise simply ``work()``."""
    if size < LARGE_BODY:
        return work()
    with paused():
        return work()
