"""Background jobs: one worker object per job, moved to its own QThread.

A job is a plain function ``fn(progress, cancel) -> result`` that opens its own
database session (never an ORM object from another thread) and reports progress
through the callable it is given; it must return plain data. The worker talks
to the UI only through its own signals, delivered on the UI thread by Qt's
queued connections.
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.ui.labels import error_text

log = logging.getLogger(__name__)

JobFn = Callable[[Callable[[Any], None], threading.Event], Any]


def operator_message(error: BaseException) -> str | None:
    """The operator's message for an error of the environment, or None for a bug."""
    if isinstance(error, CodedError):
        return error_text(error)  # the one wording table, translated
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        return message
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:  # the system's English and a scratch file's path
            return error_text(CodedError(ErrorCode.FILE_DISK_FULL))
        return str(error)
    return None


def file_error(error: OSError) -> CodedError:
    """Why a file the operator chose (a report, an export, a receipt) was not written,
    as a coded error; the caller names the file. The system's message is English and
    names the scratch file written first, never the file the operator chose."""
    if error.errno == errno.ENOSPC:
        return CodedError(ErrorCode.FILE_DISK_FULL)
    return CodedError(ErrorCode.FILE_NOT_WRITTEN)


def writing(fn: JobFn) -> JobFn:
    """``fn``, a job that writes the operator's file, failing with :func:`file_error`.

    Cancelled (the window closes or locks, :meth:`JobRunner.stop_all`), it stops at its
    next progress report with ``FILE_STOPPED``: the file being written is removed
    (``sync.privacy.written_whole``) and the data it reads is not read after the lock."""

    def run(progress: Callable[[Any], None], cancel: threading.Event) -> Any:
        def reporting(done: Any) -> None:
            if cancel.is_set():
                raise CodedError(ErrorCode.FILE_STOPPED)
            progress(done)

        try:
            return fn(reporting, cancel)
        except OSError as error:
            raise file_error(error) from error

    return run


class Worker(QObject):
    """Runs one job on the thread it was moved to.

    Signals:
        progress(object): whatever the job reports (plain data).
        finished(object): the job's result.
        failed(str): a message for the operator (environment error or bug).
    """

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: JobFn, name: str) -> None:
        super().__init__()
        self.fn = fn
        self.name = name
        self.cancel_event = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(self.progress.emit, self.cancel_event)
        except Exception as error:  # noqa: BLE001 - reported to the operator, logged
            message = operator_message(error)
            if message is None:
                log.exception("job %s failed", self.name)
                message = f"{type(error).__name__}: {error}"
            else:
                log.warning("job %s: %s", self.name, message)
            self.failed.emit(message)
        else:
            self.finished.emit(result)


class Job(QObject):
    """A worker with its thread; the thread ends when the job does.

    Signals:
        progress(object): forwarded from the worker.
        finished(object): the result, on the UI thread.
        failed(str): the operator message, on the UI thread.
        done(): after finished or failed, once the thread has quit.
    """

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    done = Signal()

    def __init__(self, fn: JobFn, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.thread = QThread()
        self.thread.setObjectName(f"job-{name}")
        self.worker = Worker(fn, name)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self.progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.worker.cancel_event.set()

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def wait(self, ms: int = 10_000) -> bool:
        """Cancel and wait for the thread (used when closing)."""
        self.cancel()
        self.thread.quit()
        return bool(self.thread.wait(ms))

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        self._stop()
        self.finished.emit(result)
        self.done.emit()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._stop()
        self.failed.emit(message)
        self.done.emit()

    def _stop(self) -> None:
        self.thread.quit()
        self.thread.wait()


class JobRunner(QObject):
    """Keeps running jobs alive and stops them all when the window closes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs: list[Job] = []
        self.closed = False

    def start(self, fn: JobFn, name: str) -> Job:
        """Create and start a job; connect to its signals right after (queued delivery).

        After :meth:`stop_all` (the window is closing) the job is created but never
        started, so a late timer cannot leave a thread running.
        """
        job = Job(fn, name, self)
        if self.closed:
            return job
        self.jobs.append(job)
        job.done.connect(lambda j=job: self._forget(j))
        job.start()
        return job

    def running(self, name: str) -> Job | None:
        return next((j for j in self.jobs if j.name == name and j.is_running()), None)

    def stop_all(self, ms: int = 10_000) -> None:
        self.closed = True
        for job in list(self.jobs):
            job.wait(ms)
        self.jobs.clear()

    def resume(self) -> None:
        """Start jobs again after :meth:`stop_all` (the window did not close after all)."""
        self.closed = False

    def _forget(self, job: Job) -> None:
        if job in self.jobs:
            self.jobs.remove(job)
        job.deleteLater()
