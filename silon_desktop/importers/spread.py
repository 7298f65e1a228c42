"""Validating a large supporter list without a database on both cores.

``silon-desktop validate`` (and any :func:`~silon_desktop.importers.pipeline.validate_file`
without ``on_batch``) checks the list and keeps only the report. In one process a
1,200,000-row CSV took about 24 s of one core of the 2-core bench machine. Most of
a row's work does not depend on any other row: reading its cells into fields
(``RowParser.parse_many``), matching its place names, the domain's rules
(``RowChecker.check``), its notes, and its duplicate key and fingerprint. That
work runs a chunk of rows (one batch of the one-process run) at a time in a
worker process, and in the caller whenever the worker is behind. The caller
keeps what is sequential and in file order: reading the file, skipping blank
and footer rows, the duplicate tracker (a row can flag one far above it, and a
flag changes the verdict of its row), the report, the cells the problem list
shows, progress and cancel. The report is the one the one-process run makes,
row for row (``tests/unit/importers/test_spread.py`` compares them field by field).

How, and why:

- Processes, not threads: the work is Python code under the GIL. Started with the
  ``spawn`` method, as :mod:`~silon_desktop.importers.parallel`'s (no copy of the
  caller's threads, locks, Qt or database connection; the frozen bundle's
  launcher calls ``multiprocessing.freeze_support()`` for it).
- Pipes only, never a file: no cell may reach a temporary file or a log line.
  The caller sends a chunk's cells; a worker answers with compact columns: each
  row's NIK, a number for its verdict (each verdict's codes are sent once), the
  notes of the rows that have any, and each row's duplicate key and fingerprint
  (:func:`~silon_desktop.domain.supporters.duplicate_key`: the one-process
  tracker's fingerprint is Python's ``hash`` of text, seeded differently in
  every process). Both ways travel as ``marshal`` (``pickle`` only for what it
  cannot carry, such as a workbook's dates), in pipes widened to hold a chunk.
- Bounded: at most :data:`AHEAD` chunks per worker are in flight, and the caller
  checks a chunk itself only while they are (at most as many again), so memory
  holds a few chunks of cells beside the report. A worker reads its pipe in a
  thread of its own, so the caller's send never waits for a worker busy answering.
- In order: chunks are settled in the order they were read, whoever checked them.
  Each checker matches places with its own memo; the spellings it found first
  are handed on with each chunk and the caller keeps the first of each, which is
  the one-process order (a spelling's match never depends on the rows before it).
- Cancel: the caller stops the workers and raises ``ImportCancelled``. A worker
  that dies or fails raises :class:`~silon_desktop.importers.parallel.ValidatorCrashed`
  (a worker's error says its type and line, never its message, which may quote
  a cell). If the caller dies, even by SIGKILL, a worker's next read of its pipe
  ends (or its write fails) and it exits. Every worker is joined: no zombie.
- When: only for a file above :mod:`~silon_desktop.importers.parallel`'s sizes
  (about 100,000 rows; a worker's start-up costs about 0.6 s of CPU: interpreter,
  modules, region indexes) and with a second core. Imports and corrected lists
  keep their own arrangement (a validating process beside the writer).

Measured on the 2-core bench machine, the bench's 1.2M-row CSV. Choosing the
arrangement (``validate_file`` timed in-process, load 2.5-2.7, others' tests
running): one worker and the caller with four chunks in flight 11.1 and 14.2 s,
about 21 s of CPU together (one process: 21.8); two chunks in flight 14.3 and
17.3 s (the worker idled while the caller checked 42% of the rows); two workers
with two chunks each 16.9-24.7 s and about 1 s more CPU. Later, quiet (load
1.3-1.9): 10.8 and 11.2 s, the caller checking about a third of the chunks.
``bench_scale.py``'s measurement (its peak sampler running beside), before and
after alternated: load 0.7-1.2, 23.3 / 20.6 s -> 12.7 / 12.6 s; load 1.3-1.45,
23.6 / 23.6 s -> 13.4 / 14.3 s. The 10 s target is not met: the checks
themselves (the domain's rules, parsing) take about 13 us a row, and the two
cores spend about 21 s of CPU together. The peak grows from about 172 MB to
265-282 MB: the worker's interpreter, modules and region table (about 75 MB),
multiprocessing's resource tracker (about 10 MB), and the caller's own checker
and the chunks in flight.
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
import pickle
import queue
import signal
import threading
from array import array
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import astuple
from itertools import compress
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from silon_desktop.domain.supporters import duplicate_key
from silon_desktop.gc_tuning import BULK_GC_THRESHOLD
from silon_desktop.importers import parallel
from silon_desktop.importers.checks import Judgement, RowChecker
from silon_desktop.importers.columns import ColumnMapping
from silon_desktop.importers.parallel import ValidatorCrashed
from silon_desktop.importers.pipeline import (
    EARLIER_BASE,
    BatchFn,
    ImportCancelled,
    ImportOptions,
    ProgressFn,
    _Run,
    row_notes,
)
from silon_desktop.importers.places import PlaceMatch, PlaceMatcher
from silon_desktop.importers.rows import RowParser

#: Worker processes (at most one per core). One: the caller checks chunks too
#: whenever the worker is behind, so on two cores one worker and the caller share
#: the work; a second worker cost about 1 s more CPU (its start-up, three busy
#: processes on two cores) for the 1.2M-row CSV and finished no sooner (see above).
WORKERS = 1
#: Chunks in flight per worker: enough that the worker never waits while the
#: caller checks or settles a chunk (with 2 the worker idled and the caller
#: checked 42% of the rows: 14-17 s for 1.2M rows, against 11-14 s with 4).
AHEAD = 4
#: A pipe's room where the system lets it be set (Linux's default limit for a user).
PIPE_BYTES = 1024 * 1024
#: How often a waiting caller looks at its cancel flag (seconds).
_POLL_S = 0.1
#: How long a worker may take to exit after its pipe closed (seconds).
_EXIT_S = 5.0

_CHUNK, _CRASH, _READY = range(3)

#: A chunk's answer: NIKs, verdict numbers, new verdicts' codes, notes by position,
#: duplicate keys and fingerprints (:func:`duplicate_key`), new place matches (key
#: and fields), NIKs as read that differ from the cleaned NIK (by position).
Answer = tuple[
    list[str],
    bytes,
    list[tuple[str, ...]],
    dict[int, list[str]],
    list[int | str | None],
    list[int],
    list[tuple[tuple[int, str, str], tuple[int, str, str, str, str, float]]],
    dict[int, str],
]


def wanted(path: str | Path) -> bool:
    """Whether a list is worth worker processes: as large as a validating process
    wants (see :func:`parallel.wanted`: size and a second core)."""
    return parallel.wanted(path)


def _widen(connection: Connection) -> None:
    """Let a pipe hold a whole chunk (Linux; elsewhere it stays as it is).

    With the default 64 KiB, a chunk's cells (about 300 KB) or its answer wait in
    the writer until the reader takes them: a worker busy with the chunk before,
    or the caller busy settling another worker's chunk, held the writer for most
    of a chunk's time (200,000 rows: 6.1 s with two workers, against 4.4 s in one
    process)."""
    try:
        import fcntl

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


class _Source:
    """Where chunks are checked (a worker, or the caller itself) and the verdicts its
    answers number."""

    def __init__(self) -> None:
        #: verdict number -> (status, the caller's checker's shared list of codes)
        self.verdicts: list[Judgement] = []
        #: verdict number -> whether the problem list shows cells of its rows
        self.shows: list[bool] = []


class _Worker(_Source):
    """One worker process and its two pipes."""

    def __init__(self, context: Any, mapping: ColumnMapping, options: ImportOptions) -> None:
        super().__init__()
        self.results, child_out = context.Pipe(duplex=False)
        child_in, self.chunks = context.Pipe(duplex=False)
        _widen(self.results)
        _widen(self.chunks)
        plain = (options.region, options.reference_date, options.rule_set, options.assume_id_scan)
        self.process = context.Process(
            target=_worker_main,
            args=(child_in, child_out, mapping, plain),
            name="silon-validate-worker",
            daemon=True,
        )
        with parallel.child_starting():
            self.process.start()
        child_in.close()
        child_out.close()
        self._started = False

    def send(self, rows: list[tuple[int, list[Any]]]) -> None:
        try:
            self.chunks.send_bytes(_dumps(rows))
        except OSError as exc:
            raise self._died() from exc

    def receive(self, cancel: threading.Event | None) -> Answer:
        """The answer to the oldest chunk sent.

        Raises:
            ImportCancelled: ``cancel`` was set meanwhile.
            ValidatorCrashed: the worker failed or died.
        """
        results = self.results
        while not results.poll(_POLL_S):
            if cancel is not None and cancel.is_set():
                raise ImportCancelled()
            if not self.process.is_alive() and not results.poll(0):
                raise self._died()
        try:
            message = _loads(results.recv_bytes())
        except EOFError as exc:
            raise self._died() from exc
        if message[0] != _CHUNK:
            raise ValidatorCrashed(message[1])
        answer: Answer = message[1]
        return answer

    def hang_up(self) -> None:
        """Close the pipe of chunks: an idle worker then ends by itself."""
        if not self.chunks.closed:
            self.chunks.close()

    def _died(self) -> ValidatorCrashed:
        """The error for a worker whose pipe closed (its exit code once it is reaped)."""
        self.process.join(timeout=_EXIT_S)
        return ValidatorCrashed(f"worker exit code {self.process.exitcode}")

    def started(self) -> bool:
        """Whether the worker has started (its modules and region indexes loaded): a
        chunk sent before would wait in its pipe, and the caller with it once the
        pipe is full (about 0.5 s of its time at each validation's start).

        Raises:
            ValidatorCrashed: the worker failed or died on its way.
        """
        if not self._started and self.results.poll(0):
            try:
                message = _loads(self.results.recv_bytes())
            except EOFError as exc:
                raise self._died() from exc
            if message[0] != _READY:
                raise ValidatorCrashed(message[1])
            self._started = True
        return self._started

    def ready(self) -> bool:
        """Whether the answer to the oldest chunk sent has come (or the worker is gone)."""
        return bool(self.results.poll(0))

    def close(self, wait: float) -> None:
        """Stop the worker (after ``wait`` seconds for it to end by itself, once its
        pipe is closed: :meth:`hang_up`) and reap it."""
        self.hang_up()
        parallel.stop(self.process, wait)
        self.results.close()
        self.process.close()


class SpreadRun(_Run):
    """A :class:`~silon_desktop.importers.pipeline._Run` whose rows are checked in
    worker processes and settled here in file order (validation only: no
    ``on_batch``)."""

    def __init__(
        self,
        path: Path,
        mapping: ColumnMapping,
        options: ImportOptions,
        on_batch: BatchFn | None,
        progress: ProgressFn | None,
        cancel: threading.Event | None,
    ) -> None:
        if on_batch is not None:
            raise ValueError("a SpreadRun keeps no rows for on_batch")
        super().__init__(path, mapping, options, None, progress, cancel)
        self._pending: deque[tuple[_Source, list[tuple[int, list[Any]]], Answer | None]] = deque()
        self._matches: dict[tuple[int, str, str], PlaceMatch] = {}
        self._sent = 0
        self._finished = False
        self._workers: list[_Worker] = []
        plain = (options.region, options.reference_date, options.rule_set, options.assume_id_scan)
        self._here = _Source()
        self._here_checker = _Checker(mapping, plain)
        context = multiprocessing.get_context("spawn")
        try:
            for _ in range(max(1, min(WORKERS, os.cpu_count() or 1))):
                self._workers.append(_Worker(context, mapping, options))
        except BaseException:
            self.close()
            raise

    def _remember_earlier(self, rows: Iterable[tuple[int, str, str, Any, str]]) -> None:
        """As in one process, with the fingerprints the workers take."""
        add = self.duplicates.add_key
        for rowid, nik, name, birth_date, marital in rows:
            add(EARLIER_BASE + rowid, *duplicate_key(nik, name, birth_date, marital))

    def _take(self, chunk: list[tuple[int, list[Any]]], expected: int) -> None:
        """Send a chunk to the next worker, settling the chunks whose answers came
        first when enough are in flight; while every worker is busy (starting, or
        behind), check it here instead."""
        if not chunk:
            return
        workers = [worker for worker in self._workers if worker.started()]
        limit = AHEAD * len(workers)
        while self._pending and len(self._pending) >= limit:
            source, _, answer = self._pending[0]
            if answer is not None or isinstance(source, _Worker) and source.ready():
                self._settle(expected)
            elif len(self._pending) < limit + AHEAD:
                break
            else:
                self._settle(expected)
        if len(self._pending) >= limit:  # no worker free (or started yet)
            self._pending.append((self._here, chunk, self._here_checker.chunk(chunk)))
            return
        worker = workers[self._sent % len(workers)]
        self._sent += 1
        worker.send(chunk)
        self._pending.append((worker, chunk, None))

    def _drain(self, expected: int) -> None:
        while self._pending:
            self._settle(expected)
        self._finished = True

    def _place_matches(self) -> list[PlaceMatch]:
        return list(self._matches.values())

    def _settle(self, expected: int) -> None:
        """Add the oldest chunk's rows to the report as :meth:`_Run._row` would: the
        rows at once with the workers' verdicts, then each duplicate flag in file
        order (it changes its row's verdict and maybe rows above it; a flagged
        row's cells shown are read with its own flag, as in one process)."""
        worker, chunk, answer = self._pending[0]
        if answer is None:
            assert isinstance(worker, _Worker)
            answer = worker.receive(self.cancel)
        (niks, numbers, new, notes, keys, prints, places, read_niks) = answer
        self._pending.popleft()
        for found in new:
            judged = self.checker.judge(list(found))
            worker.verdicts.append(judged)
            worker.shows.append(judged[0] != "MS" and self._shows_cells(judged[1]))
        for spelling, match in places:
            if spelling not in self._matches:
                self._matches[spelling] = PlaceMatch(*match)
        verdict_of = array("H", numbers)
        verdicts = list(map(worker.verdicts.__getitem__, verdict_of))
        start = self._count
        count = len(chunk)
        self._batch_start = start
        rows = self.report.rows
        shown_niks = niks
        if read_niks:
            shown_niks = list(niks)
            for at, nik in read_niks.items():
                shown_niks[at] = nik
        rows.add_many([number for number, _ in chunk], shown_niks, verdicts, notes)
        flags = list(map(self.duplicates.add_key, range(start, start + count), keys, prints))
        flagged = list(compress(range(count), flags))
        reading = set(compress(range(count), map(worker.shows.__getitem__, verdict_of)))
        reading.update(notes)
        reading.difference_update(flagged)
        for at in sorted(reading):
            codes = verdicts[at][1]
            read = self._read(chunk[at][1], codes, notes.get(at, _NO_NOTES))
            rows.set_read(start + at, read)
        for at in flagged:
            index = start + at
            number, cells = chunk[at]
            status, codes = verdicts[at]
            status, codes, duplicate_of = self._duplicates(
                index, number, niks[at], flags[at], status, codes
            )
            if codes is not verdicts[at][1]:
                rows.set_verdict(index, status, codes)
            if duplicate_of:
                rows.set_duplicate_of(index, duplicate_of)
            row_notes = notes.get(at, _NO_NOTES)
            if row_notes or (status != "MS" and self._shows_cells(codes)):
                rows.set_read(index, self._read(cells, codes, row_notes))
        self._count = start + count
        self._flush(expected)

    def close(self) -> None:
        """Stop and reap every worker (at once unless the run finished)."""
        wait = _EXIT_S if self._finished else 0.0
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.hang_up()  # all at once: they end together
        for worker in workers:
            worker.close(wait)


#: Shared by every row without notes (never mutated).
_NO_NOTES: list[str] = []


class _Checker:
    """A worker's share of :meth:`_Run._row`: parse, match places, check, notes."""

    def __init__(self, mapping: ColumnMapping, options: tuple[str, Any, str | None, bool]) -> None:
        region, reference_date, rule_set, assume_id_scan = options
        self.parser = RowParser(mapping, reference_date)
        self.places = PlaceMatcher(region)
        self.checker = RowChecker(region, reference_date, rule_set, assume_id_scan)
        #: id of a checker's shared judgement -> its number (judgements live as long
        #: as the checker)
        self._numbers: dict[int, int] = {}
        self._places_sent = 0

    def chunk(self, rows: Sequence[tuple[int, list[Any]]]) -> Answer:
        place_of = self.places.place
        check = self.checker.check
        numbers = self._numbers
        new: list[tuple[str, ...]] = []
        niks: list[str] = []
        verdicts = array("H")
        notes: dict[int, list[str]] = {}
        keys: list[int | str | None] = []
        prints: list[int] = []
        read_niks: dict[int, str] = {}
        for at, parsed in enumerate(self.parser.parse_many(rows)):
            place = place_of(parsed.kabkota, parsed.kecamatan, parsed.desa)
            judged, row, empty, domain_notes = check(parsed, place)
            number = numbers.get(id(judged))
            if number is None:
                number = numbers[id(judged)] = len(numbers)
                new.append(tuple(judged[1]))
            verdicts.append(number)
            niks.append(row.nik)
            key, fingerprint = duplicate_key(row.nik, row.name, row.birth_date, row.marital_status)
            keys.append(key)
            prints.append(fingerprint)
            if parsed.nik_raw != row.nik:
                read_niks[at] = parsed.nik_raw
            if (
                parsed.unreadable
                or parsed.truncated
                or place.unmatched
                or place.ambiguous
                or empty
                or domain_notes
            ):
                notes[at] = row_notes(parsed, place, empty, domain_notes)
        places = self.places.matches_after(self._places_sent)
        self._places_sent += len(places)
        found = [(key, astuple(match)) for key, match in places]
        return (niks, verdicts.tobytes(), new, notes, keys, prints, found, read_niks)


def _dumps(message: Any) -> bytes:
    """A message for a pipe: ``marshal`` where it can (plain text, numbers, lists:
    a CSV file's cells and every answer; it reads back in about half the time of
    ``pickle``), ``pickle`` otherwise (a workbook's dates)."""
    try:
        return _MARSHAL + marshal.dumps(message)
    except ValueError:
        return _PICKLE + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def _loads(data: bytes) -> Any:
    if data[:1] == _MARSHAL:
        return marshal.loads(memoryview(data)[1:])
    return pickle.loads(memoryview(data)[1:])


_MARSHAL, _PICKLE = b"m", b"p"


def _worker_main(
    inbox: Connection,
    outbox: Connection,
    mapping: ColumnMapping,
    options: tuple[str, Any, str | None, bool],
) -> None:
    """A worker process: answer chunks until the caller closes its pipe (or dies)."""
    from silon_desktop.domain.regions import default_table

    # Ctrl+C in a terminal reaches the whole process group: the caller decides (it
    # stops its workers), and a worker no longer prints a traceback of its own. A
    # worker started from the main thread has it blocked from its start already
    # (parallel.child_starting); one started from another thread ignores it from here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    # What stays for good (modules, the region table and its indexes) is set aside
    # from the garbage collector, whose passes then only see the chunks' objects.
    default_table().load_indexes()
    gc.freeze()
    gc.set_threshold(BULK_GC_THRESHOLD, *gc.get_threshold()[1:])
    arrived: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def receive() -> None:
        try:
            while True:
                arrived.put(inbox.recv_bytes())
        except (EOFError, OSError):  # the caller closed its pipe or is gone
            arrived.put(None)

    threading.Thread(target=receive, name="receive", daemon=True).start()
    try:
        checker = _Checker(mapping, options)
        outbox.send_bytes(_dumps((_READY,)))
        while (data := arrived.get()) is not None:
            outbox.send_bytes(_dumps((_CHUNK, checker.chunk(_loads(data)))))
        outbox.close()
        # Nothing is left to write: skip the interpreter's teardown (its collection
        # of every object took about 0.3 s a worker, at the caller's end).
        os._exit(0)
    except OSError:
        os._exit(3)  # the caller is gone
    except Exception as exc:  # noqa: BLE001 - reported to the caller, which raises it
        try:
            outbox.send_bytes(_dumps((_CRASH, parallel._where(exc))))
        except OSError:
            os._exit(3)
    outbox.close()
