"""Reading and validating a supporter list in a process of its own, beside the writer.

An import is three kinds of work: reading the file, checking its rows, writing
them into SQLite. In one process they take turns (threads would only convoy on
the GIL: ``executemany`` binds every row under it). Here a child process reads
and validates (:func:`~silon_desktop.importers.pipeline.validate_file`, exactly as
in one process: the same parser, checks, duplicate classification and report)
while the importing process writes the batches it hands over: on two cores the
writer's time hides behind the reader's.

What goes between them, and how:

- Two pipes (never a file: no row is ever written outside the database). The
  child sends a batch of the stored fields of each row with a NIK (one tuple per
  row, in :data:`fields` order), then its progress, and at the end the report;
  the batches are bounded: the child's sender keeps at most
  :data:`QUEUED_BATCHES` pickled batches and blocks when the writer is behind.
- For a further part of a pair's list the writer first sends the pair's earlier
  rows (only the four fields duplicates compare, with their rowid), which the
  child feeds to its duplicate tracker before the file's first row.
- An error reading the file travels back as its code and is raised in the
  importing process (the same :class:`ImportFileError`); the importing process
  rolls its transaction back as with any error.

Cancel: the importing process stops the child and raises ``ImportCancelled``
(its transaction rolls back). If the importing process dies (even by SIGKILL)
the child's next write to the pipe fails and it exits; the database never saw
an uncommitted row. The child is started with the ``spawn`` method (no copy of
the parent's threads, locks, Qt or database connection); the frozen bundle's
launcher calls ``multiprocessing.freeze_support()`` for it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import operator
import os
import pickle
import queue
import signal
import sys
import threading
import traceback
import types
from collections.abc import Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from silon_desktop.importers.errors import ImportFileError
from silon_desktop.importers.pipeline import ImportCancelled, ImportOptions, ValidatedRow
from silon_desktop.importers.readers import Sheet
from silon_desktop.importers.report import ImportReport

#: Workbooks (XLSX, XLS, ODS) at least this large are validated in a process of
#: their own: about 100,000 rows, where the process (about a second of CPU to start:
#: interpreter, modules, region indexes) began to pay on a quiet 2-core machine
#: (50,000 rows: 2.7 s against 2.4 s in one process; 200,000: 7.2 s against 8.6 s).
#: Measured again in the fourteenth session (the two ways alternated three times,
#: seconds): 50,000 rows (3.3 MiB) 1.80-1.85 in one process against 1.87-1.88;
#: 75,000 (5.0 MiB) 2.64-2.76 against 2.47-2.50; 100,000 (6.6 MiB) 3.51-3.62 against
#: 3.19-3.25, so the time alone would put the line near 60,000 rows. It stays here
#: for memory: bench_import's 100,000-row import peaked at 343 MB with the second
#: process against 258 MB without (its target: under 300 MB).
PARALLEL_ABOVE_BYTES = 8 * 1024 * 1024
#: The same for a CSV file (about 125 bytes a row: about 100,000 rows); by time alone
#: about 60,000 (50,000 rows, 5.9 MiB: 1.40-1.46 s in one process against 1.47-1.49;
#: 100,000, 11.8 MiB: 2.84-2.86 against 2.46-2.50).
PARALLEL_CSV_ABOVE_BYTES = 12 * 1024 * 1024
#: Pickled batches the child keeps ready while the writer is busy.
QUEUED_BATCHES = 4
#: Earlier rows per message to the child.
_EARLIER_CHUNK = 10_000
#: How often a waiting importer looks at its cancel flag (seconds).
_POLL_S = 0.1

_BATCH, _PROGRESS, _DONE, _FILE_ERROR, _CRASH = range(5)


def wanted(path: str | Path) -> bool:
    """Whether a file is worth a validating process: large enough, and a second core."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
        size = Path(path).stat().st_size
    except OSError:
        return False  # the reader says what is wrong, in one process
    workbook = head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))
    above = PARALLEL_ABOVE_BYTES if workbook else PARALLEL_CSV_ABOVE_BYTES
    return size >= above and (os.cpu_count() or 1) >= 2


def stop(process: multiprocessing.process.BaseProcess, wait: float) -> None:
    """Reap ``process``: ``wait`` seconds for it to end by itself, then SIGTERM, then
    SIGKILL (each given 10 s); never leaves a zombie behind."""
    process.join(timeout=wait)
    if process.is_alive():
        process.terminate()
        process.join(timeout=10)
    if process.is_alive():
        process.kill()
        process.join(timeout=10)


class ValidatorCrashed(RuntimeError):
    """The validating process failed without a file error (a bug) or died."""


class ValidatingProcess:
    """The child that reads and validates one file; iterate :meth:`messages`.

    Args:
        path: the file.
        options: how to read and check it (``earlier`` is sent, not pickled).
        fields: the stored fields of a row, in the order of the tuples sent back.
    """

    def __init__(self, path: str | Path, options: ImportOptions, fields: Sequence[str]) -> None:
        self.path = Path(path)
        self.fields = tuple(fields)
        self._earlier = options.earlier
        plain = dataclasses.replace(options, earlier=None)
        context = multiprocessing.get_context("spawn")
        self._from_child, child_out = context.Pipe(duplex=False)
        child_in, self._to_child = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_child_main,
            args=(
                child_in,
                child_out,
                str(self.path),
                plain,
                self.fields,
                self._earlier is not None,
            ),
            name="silon-import-validator",
            # Not a daemon: it starts a reading process of its own. It never outlives
            # the import: close() stops it, and a killed importer's pipe stops it.
            daemon=False,
        )
        with child_starting():
            self.process.start()
        child_in.close()
        child_out.close()

    def send_earlier(self, rows: Iterable[tuple[int, str, str, Any, str]]) -> None:
        """Hand the pair's earlier rows to the child (when the options had them)."""
        try:
            chunk: list[tuple[int, str, str, Any, str]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= _EARLIER_CHUNK:
                    self._to_child.send(chunk)
                    chunk = []
            if chunk:
                self._to_child.send(chunk)
            self._to_child.send(None)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the child stopped early: its message says why
        finally:
            self._to_child.close()

    def start(self) -> None:
        """Let the child begin (sends the earlier rows first when there are any)."""
        if self._earlier is not None:
            self.send_earlier(self._earlier())
        else:
            self._to_child.close()

    def messages(
        self, cancel: threading.Event | None
    ) -> Iterator[tuple[list[tuple[Any, ...]], int, int] | ImportReport]:
        """``(rows, done, expected)`` per batch, then the report.

        Raises:
            ImportFileError: the file cannot be read (as in one process).
            ImportCancelled: ``cancel`` was set.
            ValidatorCrashed: the child failed otherwise or died.
        """
        receive = self._from_child
        rows: list[tuple[Any, ...]] = []
        while True:
            while not receive.poll(_POLL_S):
                if cancel is not None and cancel.is_set():
                    raise ImportCancelled()
                if not self.process.is_alive() and not receive.poll(0):
                    raise ValidatorCrashed(f"exit code {self.process.exitcode}")
            if cancel is not None and cancel.is_set():
                raise ImportCancelled()
            try:
                message = pickle.loads(receive.recv_bytes())
            except EOFError as exc:
                raise ValidatorCrashed(f"exit code {self.process.exitcode}") from exc
            kind = message[0]
            if kind == _BATCH:
                rows.extend(message[1])
            elif kind == _PROGRESS:
                yield rows, message[1], message[2]
                rows = []
            elif kind == _DONE:
                if rows:
                    yield rows, -1, -1
                yield message[1]
                return
            elif kind == _FILE_ERROR:
                raise ImportFileError(message[1], message[2], message[3])
            else:
                raise ValidatorCrashed(message[1])

    def close(self) -> None:
        """Stop the child if it still runs and release the pipes."""
        stop(self.process, 0)
        self._from_child.close()
        if not self._to_child.closed:
            self._to_child.close()
        self.process.close()


#: Rows per message from a reading process.
_ROWS_PER_MESSAGE = 4000


def rows_read_aside(sheet: Sheet) -> Iterator[tuple[int, list[Any]]]:
    """The rows of a large XLSX sheet, streamed by calamine-plus in a process of its
    own (the validating process's helper; :mod:`~silon_desktop.importers.xlsx_stream`):
    reading such a sheet costs about a third as much as validating it, and on two
    cores the one hides behind the other.
    Any other sheet is read here (a CSV file is read faster than its rows travel).

    Raises:
        ImportFileError: the sheet is damaged (as read in one process).
    """
    from silon_desktop.importers.xlsx_stream import StreamingSheet

    if not isinstance(sheet, StreamingSheet):
        yield from sheet.rows()
        return
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_reader_main,
        args=(send, sheet.parts, sheet.name),
        name="silon-import-reader",
        daemon=True,
    )
    with child_starting():
        process.start()
    send.close()
    try:
        while True:
            try:
                message = pickle.loads(receive.recv_bytes())
            except EOFError as exc:
                raise ValidatorCrashed(f"reader exit code {process.exitcode}") from exc
            if message is None:
                break
            if message[0] == _FILE_ERROR:
                raise ImportFileError(message[1], message[2], message[3])
            if message[0] == _CRASH:
                raise ValidatorCrashed(message[1])
            yield from message[1]
    finally:
        if process.is_alive():
            process.terminate()
        process.join(timeout=10)
        receive.close()


def _reader_main(send: Connection, parts: Any, name: str) -> None:
    """The reading process: a large sheet's rows, a few thousand per message."""
    from silon_desktop.importers.xlsx_stream import StreamingSheet

    ready: queue.Queue[bytes | None] = queue.Queue(maxsize=2)

    def sender() -> None:
        try:
            while (data := ready.get()) is not None:
                send.send_bytes(data)
        except OSError:  # the validating process is gone: stop reading
            os._exit(3)

    thread = threading.Thread(target=sender, name="send", daemon=True)
    thread.start()

    def put(message: Any) -> None:
        ready.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    try:
        sheet = StreamingSheet(parts, name)
        batch: list[tuple[int, list[Any]]] = []
        for row in sheet.rows():
            batch.append(row)
            if len(batch) >= _ROWS_PER_MESSAGE:
                put((_BATCH, batch))
                batch = []
        put((_BATCH, batch))
        ready.put(pickle.dumps(None))
    except ImportFileError as exc:
        put((_FILE_ERROR, str(exc.path), exc.problem, exc.detail))
    except Exception as exc:  # noqa: BLE001 - reported to the validating process
        put((_CRASH, _where(exc)))
    ready.put(None)
    thread.join()
    send.close()


@contextlib.contextmanager
def child_starting() -> Iterator[None]:
    """Start a child process (``process.start()`` inside) without the parent's main
    script, and deaf to Ctrl+C from its first instruction.

    ``spawn`` re-runs the parent's ``__main__`` in the child (for targets defined
    there), which runs any script whose top level lacks a ``__name__`` guard
    again, and in a frozen bundle names a script that is no file. The targets
    here are importable by name, so the child is told of no main module at all.

    A terminal's Ctrl+C reaches the whole process group; the parent decides (it
    stops its children) and a child must not print a traceback of its own, even
    while it is still importing its modules. A child inherits the signal mask of
    the thread that started it, across ``exec``: so the parent BLOCKS SIGINT while
    it starts the child (the child never receives it), and unblocks it after,
    when a Ctrl+C that came meanwhile is delivered to the parent (pending, not
    lost: ignoring it instead lost a Ctrl+C that came during the start). Done from
    the main thread only (a terminal's command); the application starts imports
    from a worker thread, and no terminal sends it Ctrl+C.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    before: Any = None
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask"):
        # multiprocessing starts its resource tracker with the first child, and
        # UNBLOCKS SIGINT after (its own start blocks it): started first, here.
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
        before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        sys.modules["__main__"] = main
        if before is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _where(exc: BaseException) -> str:
    """An unexpected error's type and the line it came from: never its message,
    which may quote a cell."""
    frames = traceback.extract_tb(exc.__traceback__)
    place = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}{place}"


def _child_main(
    inbox: Connection,
    outbox: Connection,
    path: str,
    options: ImportOptions,
    fields: tuple[str, ...],
    has_earlier: bool,
) -> None:
    """The validating process: read, check, send batches; an error is sent as a message."""
    from silon_desktop.domain.regions import default_table
    from silon_desktop.importers.pipeline import validate_file

    # What this process keeps for good (modules, the region table and its name
    # indexes) is set aside from the garbage collector, whose passes then only
    # look at the rows' short-lived objects.
    default_table().load_indexes()
    gc.freeze()

    ready: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED_BATCHES)
    failed = threading.Event()

    def sender() -> None:
        try:
            while (data := ready.get()) is not None:
                outbox.send_bytes(data)
        except OSError:  # the importer is gone: stop reading
            failed.set()
            os._exit(3)

    thread = threading.Thread(target=sender, name="send", daemon=True)
    thread.start()

    def put(message: tuple[Any, ...]) -> None:
        ready.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def earlier() -> Iterator[tuple[int, str, str, Any, str]]:
        while True:
            try:
                chunk = inbox.recv()
            except EOFError:
                os._exit(3)  # the importer is gone
            if chunk is None:
                return
            yield from chunk

    sent = operator.itemgetter(*fields)

    def on_batch(batch: Sequence[ValidatedRow]) -> None:
        put((_BATCH, [sent(item.values) for item in batch if item.values["nik"]]))

    def progress(done: int, expected: int) -> None:
        put((_PROGRESS, done, expected))

    try:
        if has_earlier:
            options = dataclasses.replace(options, earlier=earlier)
        report = validate_file(
            path, options, on_batch=on_batch, progress=progress, read_rows=rows_read_aside
        )
        put((_DONE, report))
    except ImportFileError as exc:
        put((_FILE_ERROR, str(exc.path), exc.problem, exc.detail))
    except Exception as exc:  # noqa: BLE001 - reported to the importer, which raises it
        put((_CRASH, _where(exc)))
    ready.put(None)
    thread.join()
    inbox.close()
    outbox.close()
