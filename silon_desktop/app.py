"""The composition root: paths, logging, settings, database, translations, then Qt.

Nothing happens at import time; ``main(args)`` builds everything in order:

1. folders (``--data-dir``) and a rotating log file in the log folder;
2. settings (``--server``, ``--lang``), a device id on first start;
3. with ``--training``: a local training server as a child process on loopback;
4. ``QApplication``, Qt's messages routed into logging, the translators;
5. the login dialog (or a session resumed from the keyring; in training mode the
   practice account, logged in by itself): no window and no data before a
   successful login, Cancel quits; the login opens the encrypted local database
   (``services/access.py``), upgraded by its migrations;
6. the main window; the start checks (lost changes, ``PRAGMA quick_check``, the
   due backup) run beside it and what they find is said on screen
   (``ui.integrity_notice``); a logout or a lock (access revoked by the server)
   closes it and the login dialog comes back.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from silon_desktop import paths
from silon_desktop.config import Settings

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")


def setup_logging(app_paths: paths.AppPaths, verbose: bool = False) -> None:
    """A rotating log file in the log folder plus warnings on stderr."""
    from sync.privacy import RedactingFormatter, make_private, private_folder

    private_folder(app_paths.logs)
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # No NIK and no SQL parameters in a log line (they reach the helpdesk's diagnostics).
    fmt = RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    file_handler = logging.handlers.RotatingFileHandler(
        app_paths.log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    make_private(app_paths.log_file)  # the rotated files inherit its mode by renaming
    file_handler.setFormatter(fmt)
    root.addHandler(file_handler)
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    # Qt's own warnings (platform plugin notes) go to the log file, not the terminal.
    console.addFilter(lambda record: record.name != "qt" or record.levelno >= logging.ERROR)
    console.setFormatter(fmt)
    root.addHandler(console)


def install_qt_message_handler() -> None:
    """Route Qt's own debug/warning/critical messages into logging."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind: Any, context: Any, message: str) -> None:
        where = f" ({context.file}:{context.line})" if context is not None and context.file else ""
        qt_log.log(levels.get(kind, logging.WARNING), "%s%s", message, where)

    qInstallMessageHandler(handler)


# -- the training server ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: The training server's fixed port (the server's own default), unless it is taken.
TRAINING_PORT = 8765


def training_port(wanted: int = TRAINING_PORT) -> int:
    """``wanted`` when free on loopback, else a free port (said on the terminal)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if os.name != "nt":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", wanted))
            return wanted
        except OSError:
            pass
    port = free_port()
    sys.stdout.write(f"Port {wanted} sudah dipakai; server latihan memakai port {port}.\n")
    return port


def holds_real_data(app_paths: paths.AppPaths) -> bool:
    """Whether the folder holds a database or a data key that training mode did not make
    (no training server folder beside them): an operator's real data, which a practice
    login, the training server's address and its practice data must never reach."""
    from silon_desktop.storage.keyfile import KeyFile

    made = app_paths.database.exists() or KeyFile.exists(app_paths.data)
    return made and not app_paths.practice


class TrainingServer:
    """``silon-server training`` as a child process on 127.0.0.1, stopped on exit.

    Its output goes to the terminal (it prints the practice accounts); the first
    trainee account is remembered to fill in the login dialog.
    """

    ACCOUNT = re.compile(r"Akun peserta:\s*(\S+).*kata sandi:\s*(\S+)")
    #: The server picks another port when the wanted one was taken meanwhile.
    ADDRESS = re.compile(r"^Server latihan: http://127\.0\.0\.1:(\d+)")

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or training_port()
        self.proc: subprocess.Popen[str] | None = None
        self.username = ""
        self.password = ""
        self.account_seen = threading.Event()
        self._echo: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60.0) -> TrainingServer:
        from silon_desktop.runtime import server_command

        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            *server_command(),
            "training",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            # It stops by itself if this program is killed (no orphan holding the folder).
            "--parent",
            str(os.getpid()),
        ]
        log.info("starting training server: %s", command)
        self.proc = subprocess.Popen(  # noqa: S603 - our own executable, fixed arguments
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        assert self.proc.stdout is not None
        self._echo = threading.Thread(
            target=self._pump, args=(self.proc.stdout,), name="training-echo", daemon=True
        )
        self._echo.start()
        self._wait_healthy(timeout_s)
        self.account_seen.wait(2.0)  # printed before serving; the echo thread may lag
        return self

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            address = self.ADDRESS.search(line)
            if address:
                self.port = int(address.group(1))
            found = self.ACCOUNT.search(line)
            if found:
                self.username, self.password = found.group(1), found.group(2)
                self.account_seen.set()
            sys.stdout.write(f"[server latihan] {line}")
            sys.stdout.flush()

    def _wait_healthy(self, timeout_s: float) -> None:
        # imported here: only the training mode asks a server before the login dialog
        import urllib.error
        import urllib.request

        from sync.protocol import HEALTH_PATH

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                code = self.proc.returncode
                self.stop()  # its last words (why it refused) echoed before ours
                raise RuntimeError(
                    f"server latihan berhenti (kode {code}); alasannya tertulis di atas. "
                    "Bila Silon Desktop latihan yang masih terbuka memakai folder ini, "
                    "tutup dulu jendelanya, lalu jalankan lagi."
                )
            try:
                with urllib.request.urlopen(self.url + HEALTH_PATH, timeout=2) as answer:  # noqa: S310 - loopback http
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server latihan tidak menjawab dalam {timeout_s:.0f} detik")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self._echo is not None:
            self._echo.join(timeout=5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


# -- main --------------------------------------------------------------------------------


def no_display_message(environ: Mapping[str, str] | None = None) -> str | None:
    """The Indonesian words for "there is no screen here", or None when Qt can open a window.

    On Linux without ``DISPLAY``/``WAYLAND_DISPLAY`` (a server, an SSH session) Qt would
    abort with "reinstalling the application may fix this problem", which sends the
    operator the wrong way. An explicit ``QT_QPA_PLATFORM`` (offscreen, xcb, ...) is
    respected.
    """
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return (
        "Silon Desktop tidak dapat dibuka: komputer ini tidak memiliki layar "
        "(DISPLAY dan WAYLAND_DISPLAY kosong, misalnya lewat SSH).\n"
        "- Jalankan dari sesi desktop, atau\n"
        "- dengan layar maya Xvfb: xvfb-run -a silon-desktop\n"
        "Perintah tanpa layar tetap bisa dipakai: silon-desktop sync, status, import, "
        "export, bundle (lihat silon-desktop --help).\n"
    )


def folder_refused(folder: Path, error: OSError) -> str:
    """The Indonesian words for a data folder that cannot be created or written (a
    read-only drive, another user's folder, a file in the way), said before any window."""
    reason = error.strerror or str(error)
    return (
        f"Folder data {folder} tidak dapat dibuat atau ditulisi ({reason}). Periksa izin "
        "folder, atau pilih folder lain dengan --data-dir.\n"
    )


def main(args: argparse.Namespace) -> int:
    problem = no_display_message()
    if problem is not None:
        sys.stderr.write(problem)
        return 3
    if getattr(args, "training", False):  # practice data apart from the real data
        app_paths = paths.resolve_training(args.data_dir)
        if holds_real_data(app_paths):
            sys.stderr.write(
                f"Ditolak: {app_paths.data} berisi data sungguhan, bukan data latihan. "
                "Mode latihan memakai folder latihannya sendiri: jalankan tanpa --data-dir, "
                "atau dengan folder kosong.\n"
            )
            return 3
    else:
        app_paths = paths.resolve(args.data_dir)
    try:
        app_paths = app_paths.ensure()
        setup_logging(app_paths, args.verbose)
    except OSError as error:
        sys.stderr.write(folder_refused(app_paths.data, error))
        return 2
    settings = Settings.load(app_paths.settings)
    if getattr(args, "lang", None):
        settings.language = args.lang
    if getattr(args, "server", None):
        settings.server_url = args.server
    settings.ensure_device_id()  # saved below
    log.info("starting Silon Desktop with data in %s", app_paths.data)

    training: TrainingServer | None = None
    if getattr(args, "training", False):
        try:
            training = TrainingServer(app_paths.training_server).start()
        except (OSError, RuntimeError) as error:
            log.error("training server did not start: %s", error)
            sys.stderr.write(f"Server latihan tidak dapat dijalankan: {error}\n")
            return 2
        settings.server_url = training.url
        if training.username:
            sys.stdout.write(
                f"\nAkun latihan: {training.username}  kata sandi: {training.password}\n"
                f"Server latihan: {training.url}\n\n"
            )
            sys.stdout.flush()
            settings.username = settings.username or training.username
    settings.save(app_paths.settings)
    practice = (training.username, training.password) if training and training.username else None
    try:
        return _run_qt(app_paths, settings, practice)
    finally:
        if training is not None:
            training.stop()


def _run_qt(
    app_paths: paths.AppPaths, settings: Settings, practice: tuple[str, str] | None = None
) -> int:
    """Qt, the translators, then the sessions (see :func:`_sessions`). ``practice``:
    the training server's practice account, logged in without the dialog."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    install_qt_message_handler()
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("Silon Desktop")
    qt_app.setOrganizationName("KPU")
    from silon_desktop.ui.i18n import install_translators, remove_translators

    translators = install_translators(qt_app, settings.language)
    # The system's own file dialog speaks the system's language; Qt's speaks ours.
    qt_app.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, settings.language != "en")
    try:
        return _sessions(app_paths, settings, qt_app, practice)
    finally:  # a later QApplication user (a test) does not inherit our languages
        remove_translators(qt_app, translators)


def _sessions(
    app_paths: paths.AppPaths,
    settings: Settings,
    qt_app: Any,
    practice: tuple[str, str] | None = None,
) -> int:
    """Login, window, and the login again after a logout or a lock, until the operator
    cancels the login or quits the window. Returns the exit code.

    In training mode (``practice``) the practice account logs in by itself, so that
    ``silon-desktop --training`` opens a working window at once; after a logout the
    trainee logs in through the dialog like an operator.
    """
    from silon_desktop.services.access import Access

    access = Access(app_paths, settings)
    code = 0
    session = access.resume()
    if session is not None:
        log.info("session of %s resumed from the keyring", session.username)
    message = ""
    if session is None and practice is not None:
        session, message = _practice_login(access, *practice)
    while True:
        if session is None:
            session = login_first(access, message, practice=app_paths.practice)
            if session is None:
                break  # Cancel on the login dialog quits: no window, no data
        ended, code, unsaved = _run_window(app_paths, settings, access, session, qt_app)
        session = None
        if ended is None:
            break
        message = _ended_text(ended, unsaved)
    return code


def login_first(access: Any, message: str = "", *, practice: bool = False) -> Any:
    """The login dialog before any window: the :class:`Session` of a successful
    login (its database open), or None when the operator cancels. ``practice``:
    training mode's folder, the dialog says LATIHAN."""
    from PySide6.QtWidgets import QDialog

    from silon_desktop.services.access import LoginGate
    from silon_desktop.ui.login_dialog import LoginDialog
    from silon_desktop.ui.practice_mark import marked
    from silon_desktop.ui.workers import JobRunner

    gate = LoginGate(access)
    jobs = JobRunner()
    dialog = LoginDialog(gate, jobs)
    if practice:
        dialog.setWindowTitle(marked(dialog.windowTitle()))
    if message:
        dialog.message.setText(message)
    guard = close_on_terminate(dialog)
    dialog.show()
    # SILON_EXIT_AFTER_SHOW (start-up timing, bundle check): the login dialog is the
    # first window the operator sees now that no data shows before a login.
    from PySide6.QtWidgets import QApplication

    from silon_desktop.runtime import report_shown_and_maybe_exit

    report_shown_and_maybe_exit(dialog, QApplication.instance(), source="login")
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    jobs.stop_all()
    del guard
    if not accepted and gate.session is not None:
        gate.session.db.close()
        return None
    return gate.session if accepted else None


def _practice_login(access: Any, username: str, password: str) -> tuple[Any, str]:
    """The training server's practice account logged in (Session, "") or, when the
    login is refused, (None, why) for the login dialog to show."""
    from PySide6.QtCore import QCoreApplication

    from silon_desktop.domain.wording import say
    from silon_desktop.services.access import Session

    result = access.login(username, password)
    if isinstance(result, Session):
        log.info("practice account %s logged in", username)
        access.settings.username = username
        access.settings.save(access.paths.settings)
        return result, ""
    error = result.error
    log.warning("practice login refused: %s", error.code if error is not None else "?")
    if error is None:
        return None, ""
    return None, say(error.code, error.params, lambda t: QCoreApplication.translate("errors", t))


def _ended_text(ended: str, unsaved: list[str] | None = None) -> str:
    """What the login dialog says after the window closed (``ended``: MainWindow.ended_by;
    ``unsaved``: the labels of the fields whose typing could not be saved)."""
    from PySide6.QtCore import QCoreApplication

    from silon_desktop.domain.errors import ErrorCode
    from silon_desktop.domain.wording import say

    if ended == "locked":
        return say(
            ErrorCode.ACCESS_REVOKED, None, lambda t: QCoreApplication.translate("errors", t)
        )
    if ended == "idle" and unsaved:
        return say(
            ErrorCode.IDLE_LOCKED_UNSAVED,
            {"fields": ", ".join(unsaved)},
            lambda t: QCoreApplication.translate("errors", t),
        )
    if ended == "idle":
        return say(ErrorCode.IDLE_LOCKED, None, lambda t: QCoreApplication.translate("errors", t))
    return ""


def _run_window(
    app_paths: paths.AppPaths, settings: Settings, access: Any, session: Any, qt_app: Any
) -> tuple[str | None, int, list[str]]:
    """The main window on a logged-in session until it closes. Returns why it ended
    ("logout", "locked", "idle": the login dialog comes back; None: quit), the exit
    code and the labels of the fields whose typing a lock could not save."""
    from PySide6.QtWidgets import QApplication

    from silon_desktop.runtime import report_shown_and_maybe_exit
    from silon_desktop.services import Services
    from silon_desktop.ui.main_window import MainWindow

    db = session.db
    backend = Services(app_paths, settings, db, access=access)
    backend.start_session(session)
    window = MainWindow(backend)
    window.show()
    wake = close_on_terminate(window)
    report_shown_and_maybe_exit(window, qt_app)
    # quick check, then the due backup, off the UI thread; damage, lost changes (read
    # by the login before anything committed) and a failed backup are said on screen
    backups = window.integrity.check_at_start(session.lost)
    window.integrity.restored.connect(lambda _name: QApplication.quit())  # started again by hand
    window.update_user()
    window.start()
    if getattr(session, "notice", None) is not None:  # practice data started over
        from silon_desktop.ui.labels import error_text

        window.statusBar().showMessage(error_text(session.notice), 120_000)
    if session.outcome.online:
        window.sync.sync_now()
    code = int(qt_app.exec())
    del wake
    backups.join()
    ended, unsaved = window.ended_by, window.unsaved_at_lock
    window.deleteLater()
    db.engine.dispose()
    if ended != "locked":  # the day's work is safe before the PC is switched off
        _backup_if_due(app_paths, settings, db.key)
    return ended, code, unsaved


def close_on_terminate(window: Any) -> Any:
    """SIGTERM (logout, ``kill``) and SIGINT (Ctrl+C in the terminal of ``tasks.py run``)
    close the window like the operator would.

    Python's default handlers ended the process at once (SIGINT: a KeyboardInterrupt
    raised in whatever slot ran next): the training server child was left running on
    its port and the closing backup was skipped. Qt's event loop does not run Python
    code by itself, so a timer lets the handler in twice a second. Returns the timer
    (keep it alive).
    """
    import signal

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def terminate(_signum: int, _frame: Any) -> None:
        log.info("terminate signal: closing the window")
        window.close()
        QApplication.quit()  # a dialog over the window (login) would keep the loop going

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    timer = QTimer(window)
    timer.setInterval(500)
    timer.timeout.connect(lambda: None)
    timer.start()
    return timer


def _backup_if_due(app_paths: paths.AppPaths, settings: Settings, key: bytes | None = None) -> None:
    """A rotating backup when the newest is older than the interval; never fatal.
    An encrypted database is backed up encrypted with its key."""
    from silon_desktop.storage import backup
    from silon_desktop.storage.errors import StoreEnvironmentError

    try:
        made = backup.backup_if_due(
            app_paths.database, app_paths.backups, settings.backup_keep, key=key
        )
    except (OSError, StoreEnvironmentError) as error:
        log.error("automatic backup failed: %s", error)
        return
    if made is not None:
        log.info("automatic backup %s (%d bytes)", made.path, made.size)
