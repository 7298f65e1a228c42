"""Where a push's time goes: wall-clock time per stage in this server process (issue 19).

Off unless the environment variable ``SILON_STAGE_TIMES`` names a file; then every
timed stage (``push.parse``, ``group.lock_wait``, ``write.stamp_wait``... see the
callers of :func:`add`) is kept in memory and written to that file as one JSON
object ``{"pid", "stages": {stage: {"n", "total", "p50", "p99", "max"}}}`` (in
milliseconds; a stage named ``*.pieces`` counts things instead), at most once
a second while the server works and once more at exit. ``bench_offices`` reads it
for each server process. The file holds stage names and durations only.

Off, :func:`add` returns at once: the push path pays one attribute test per stage.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV = "SILON_STAGE_TIMES"

#: Samples kept per stage (beyond that only the count, total and max move on).
MAX_SAMPLES = 200_000


def _pick(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


class _Recorder:
    def __init__(self, path: str) -> None:
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._samples: dict[str, list[float]] = {}
        self._totals: dict[str, list[float]] = {}  # stage -> [n, total, max]
        self._dumped = time.monotonic()

    def add(self, stage: str, ms: float) -> None:
        if self.path is None:
            return
        with self._lock:
            total = self._totals.setdefault(stage, [0, 0.0, 0.0])
            total[0] += 1
            total[1] += ms
            total[2] = max(total[2], ms)
            samples = self._samples.setdefault(stage, [])
            if len(samples) < MAX_SAMPLES:
                samples.append(ms)
            due = time.monotonic() - self._dumped >= 1.0
            if due:
                self._dumped = time.monotonic()
        if due:
            self.dump()

    def summary(self) -> dict[str, dict[str, float]]:
        with self._lock:
            out: dict[str, dict[str, float]] = {}
            for stage, (n, total, top) in sorted(self._totals.items()):
                ordered = sorted(self._samples.get(stage, []))
                out[stage] = {
                    "n": int(n),
                    "total": round(total, 1),
                    "p50": round(_pick(ordered, 0.50), 2),
                    "p99": round(_pick(ordered, 0.99), 2),
                    "max": round(top, 2),
                }
            return out

    def dump(self) -> None:
        if self.path is None:
            return
        text = json.dumps({"pid": os.getpid(), "stages": self.summary()})
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self.path)


_recorder = _Recorder(os.environ.get(ENV, ""))
if _recorder.path is not None:
    atexit.register(_recorder.dump)


def enabled() -> bool:
    return _recorder.path is not None


def add(stage: str, seconds: float) -> None:
    """Count ``seconds`` spent in ``stage`` (nothing when timing is off)."""
    if _recorder.path is not None:
        _recorder.add(stage, seconds * 1000.0)


def note(stage: str, value: float) -> None:
    """Count a value that is not a duration (a group's size) under ``stage``."""
    if _recorder.path is not None:
        _recorder.add(stage, value)


def since(stage: str, started: float) -> None:
    """Count the time from ``started`` (a :func:`time.perf_counter` value) to now."""
    if _recorder.path is not None:
        _recorder.add(stage, (time.perf_counter() - started) * 1000.0)


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Time the body as ``stage`` (also when it raises)."""
    if _recorder.path is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        _recorder.add(stage, (time.perf_counter() - started) * 1000.0)


def summary() -> dict[str, dict[str, float]]:
    """The stages timed so far in this process (empty when timing is off)."""
    return _recorder.summary()
