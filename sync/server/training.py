"""A training server for a Bimtek room: practice data per desk pair, a key, a trainer's page.

``silon-server training [--port 8765] [--data-dir D] [--trainees 30]`` seeds (once)
the practice data of :mod:`sync.server.training_seed` (one real kab/kota and one
practice election per desk pair, one pair per trainee, planted lessons whose
answer key stays on this server), the accounts ``latih01``..``latihNN`` plus
``pelatih`` (trainer, with a password of its own), then serves the room on the machine's LAN address and
prints what to tell the room: the address, the number of accounts, the trainer's
page (:mod:`sync.server.training_page`) and the printable account sheet.

Safety: seeding and ``training reset`` refuse a database that is not a training
one, and a training server that is running on the same folder (its pid file, or
a probe of its port). The server has an identity (``training_id``) made afresh
on every reset; laptops compare it at each sync (``GET /v1/training``) and say so
when the practice data they hold belongs to an earlier session.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import secrets
import socket
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from sync.server.db import SQLITE_NAME, database_url, migrate, read_tx, write_tx
from sync.server.roles import Actor, Role
from sync.server.schema import meta, records, users

log = logging.getLogger(__name__)

PASSWORD = "bimtek2024"
TRAINER = "pelatih"
DEFAULT_PORT = 8765
DEFAULT_TRAINEES = 20
DEFAULT_SUPPORTERS = 300
SEEDED_KEY = "training_seeded"
#: Marks a database as a training tenant (set when it is first served in training mode).
TENANT_KEY = "training_tenant"
ID_KEY = "training_id"
TOKEN_KEY = "training_trainer_token"
#: The trainer account's own password (the trainees' one is on every desk's card).
TRAINER_PASSWORD_KEY = "training_trainer_password"
TRAINEES_KEY = "training_trainees"
#: The address the room's laptops use (printed at start, written on the account sheet).
ADDRESS_KEY = "training_address"
PID_FILE = "latihan.pid"
SHEET_FILE = "lembar-akun.html"

Say = Callable[[str], None]


class Refused(RuntimeError):
    """A training action that would harm real data or a running server (message in Indonesian)."""


def default_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("silon-server-training", "KPU"))


def trainee_names(count: int) -> list[str]:
    return [f"latih{i:02d}" for i in range(1, count + 1)]


def _meta(engine: Engine, key: str) -> str:
    with read_tx(engine) as conn:
        raw = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()
    return bytes(raw).decode("utf-8") if raw else ""


class TenantMismatch(ValueError):
    """Training mode on a real database, or a training database served as a real one."""


def claim_tenant(engine: Engine) -> None:
    """Allow training mode only on a training database (marked here when still empty).

    Training mode lets trainer accounts read, write and manage everything, and
    ``training`` seeds kab/kota accounts with a published password: on a
    production database (one holding accounts or records but no mark) that
    would open every region, so it is refused. A training database gets its
    identity and the trainer's page key here.

    Raises:
        TenantMismatch: the database is not a training tenant.
    """
    with write_tx(engine) as conn:
        have = set(
            conn.execute(
                select(meta.c.key).where(
                    meta.c.key.in_((TENANT_KEY, SEEDED_KEY, ID_KEY, TOKEN_KEY))
                )
            ).scalars()
        )
        if not have & {TENANT_KEY, SEEDED_KEY}:
            used = (
                conn.execute(select(users.c.username).limit(1)).first()
                or conn.execute(select(records.c.id).limit(1)).first()
            )
            if used:
                raise TenantMismatch(
                    "training mode refused: this database holds accounts or records and is "
                    "not a training database (use an empty --data-dir for training)"
                )
            conn.execute(meta.insert().values(key=TENANT_KEY, value=b"1"))
        if ID_KEY not in have:
            conn.execute(meta.insert().values(key=ID_KEY, value=uuid.uuid4().hex.encode()))
        if TOKEN_KEY not in have:
            token = secrets.token_urlsafe(12).encode()
            conn.execute(meta.insert().values(key=TOKEN_KEY, value=token))


def refuse_training_tenant(engine: Engine) -> None:
    """A training database is served in training mode only (the reverse of
    :func:`claim_tenant`): served as a real server, it would take real accounts and
    records beside the published practice accounts, and ``training reset`` (which
    deletes a training database) would then delete real data.

    Raises:
        TenantMismatch: the database is a training tenant.
    """
    with read_tx(engine) as conn:
        marked = conn.execute(
            select(meta.c.key).where(meta.c.key.in_((TENANT_KEY, SEEDED_KEY)))
        ).first()
    if marked is not None:
        raise TenantMismatch("a training database is served only in training mode (--training)")


def identity(engine: Engine) -> str:
    """This training server's id (a new one after every reset)."""
    return _meta(engine, ID_KEY)


def trainer_token(engine: Engine) -> str:
    return _meta(engine, TOKEN_KEY)


def trainer_password(engine: Engine) -> str:
    """The trainer account's password, printed for the trainer only."""
    return _meta(engine, TRAINER_PASSWORD_KEY)


def room_address(engine: Engine) -> str:
    return _meta(engine, ADDRESS_KEY)


def _remember_address(engine: Engine, address: str) -> None:
    with write_tx(engine) as conn:
        conn.execute(meta.delete().where(meta.c.key == ADDRESS_KEY))
        conn.execute(meta.insert().values(key=ADDRESS_KEY, value=address.encode()))


def seeded_trainees(engine: Engine) -> list[str]:
    raw = _meta(engine, TRAINEES_KEY)
    return list(json.loads(raw)) if raw else []


def is_training_database(data_dir: Path) -> bool | None:
    """True for a training database, False for any other one, None when there is none."""
    path = data_dir / SQLITE_NAME
    if not path.exists():
        return None
    from sqlalchemy import inspect

    from sync.server.db import make_engine

    engine = make_engine(database_url(data_dir, None))
    try:
        if "meta" not in inspect(engine).get_table_names():
            return False
        with read_tx(engine) as conn:
            marks = conn.execute(
                select(meta.c.key).where(meta.c.key.in_((TENANT_KEY, SEEDED_KEY)))
            ).first()
        return marks is not None
    finally:
        engine.dispose()


def holds_real_data(url: str) -> bool:
    """Whether the database at ``url`` is a real server's: accounts or records and no
    training mark. Read only, before training mode migrates or claims it: refused, it
    keeps even its schema (upgraded to this release, it no longer fits the real server's).
    """
    from sqlalchemy import inspect, literal_column

    from sync.server.db import make_engine

    engine = make_engine(url)
    try:
        present = set(inspect(engine).get_table_names())
        with read_tx(engine) as conn:
            if (
                "meta" in present
                and conn.execute(
                    select(meta.c.key).where(meta.c.key.in_((TENANT_KEY, SEEDED_KEY)))
                ).first()
            ):
                return False
            return any(
                conn.execute(select(literal_column("1")).select_from(table).limit(1)).first()
                for table in (users, records)
                if table.name in present
            )
    finally:
        engine.dispose()


# -- is a server running on this folder? ---------------------------------------------------


def _pid_alive(pid: int, written: float) -> bool:
    """Whether the process that wrote the pid file (at ``written``) still runs: a process
    with that number started after the file was written is another program that got the
    number of a server killed meanwhile (a power cut, a restart), not a server."""
    import psutil

    if pid == os.getpid():
        return False
    try:
        started = float(psutil.Process(pid).create_time())
    except psutil.Error:
        return False
    return started <= written + 2.0  # create_time is rounded to the clock's ticks


def _answers_as(port: int, wanted_id: str) -> bool:
    """Whether a training server with this identity answers on 127.0.0.1:``port``."""
    try:
        with urllib.request.urlopen(  # noqa: S310 - loopback http, fixed path
            f"http://127.0.0.1:{port}/v1/training", timeout=2
        ) as answer:
            body = json.loads(answer.read())
    except (OSError, ValueError):
        return False
    return bool(wanted_id) and body.get("training_id") == wanted_id


def running_server(data_dir: Path, port: int) -> str:
    """Why a training server is taken to be running on ``data_dir`` ("" when none is).

    Two checks: the pid file the server writes while it runs (a live process),
    and a probe of the ports it may listen on (the one in the pid file and
    ``port``), which answers with this database's identity.
    """
    pid_path = data_dir / PID_FILE
    ports = {port}
    if pid_path.exists():
        try:
            info = json.loads(pid_path.read_text(encoding="utf-8"))
            pid, ports = int(info["pid"]), ports | {int(info["port"])}
            written = pid_path.stat().st_mtime
        except (OSError, ValueError, KeyError, TypeError):
            pid, written = 0, 0.0
        if pid and _pid_alive(pid, written):
            return f"server latihan sedang berjalan (proses {pid}, berkas {pid_path})"
    if is_training_database(data_dir):
        from sync.server.db import make_engine

        engine = make_engine(database_url(data_dir, None))
        try:
            wanted = identity(engine)
        finally:
            engine.dispose()
        for candidate in sorted(ports):
            if _answers_as(candidate, wanted):
                return f"server latihan sedang menjawab di port {candidate}"
    return ""


# -- where the room connects -----------------------------------------------------------------


def lan_address() -> str:
    """This machine's address on the room's network (127.0.0.1 when it has none).

    A UDP socket "connected" to a private address picks the outgoing interface;
    no packet is sent.
    """
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("10.255.255.255", 1))
        address = str(s.getsockname()[0])
        if not address.startswith("0."):
            return address
    return "127.0.0.1"


def choose_port(host: str, wanted: int) -> int:
    """``wanted`` when it is free on ``host``, else a free port (0 when wanted is 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if os.name != "nt":  # as uvicorn binds: a port in TIME_WAIT is free
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, wanted))
            return int(s.getsockname()[1])
        except OSError:
            pass
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


# -- seeding -----------------------------------------------------------------------------------


def seed(state: Any, trainees: int, supporters: int) -> bool:
    """Seed the practice data, its key and the accounts once; True when it seeded now."""
    from sync.server.accounts import add_user
    from sync.server.push import apply_batch
    from sync.server.training_key import store_key
    from sync.server.training_seed import build_practice, chunks, mejas

    engine, config = state.engine, state.config
    with read_tx(engine) as conn:
        known = {r[0] for r in conn.execute(select(users.c.username))}
        seeded = conn.execute(select(meta.c.key).where(meta.c.key == SEEDED_KEY)).first()
    if TRAINER not in known or not trainer_password(engine):
        _trainer_account(state, TRAINER in known)
    if seeded is not None:
        return False
    names = trainee_names(trainees)
    for meja in mejas(names):
        for name in meja.trainees:
            if name not in known:
                add_user(engine, config, "admin", name, PASSWORD, Role.KABKOTA, meja.region)
    practice = build_practice(config.clock.today_wib(), names, supporters)
    actor = Actor("admin", Role.KPU_RI, "", "training-seed", True)
    for i, chunk in enumerate(chunks(practice.mutations)):
        apply_batch(engine, config, actor, f"training-seed-{i}", chunk)
    with write_tx(engine) as conn:
        store_key(conn, practice.key)
        conn.execute(meta.insert().values(key=TRAINEES_KEY, value=json.dumps(names).encode()))
        conn.execute(meta.insert().values(key=SEEDED_KEY, value=b"1"))
    return True


def _trainer_account(state: Any, exists: bool) -> None:
    """The trainer's account with a password of its own: it reads, writes and manages
    every desk's data, and the trainees' password is printed on every desk's card. A
    database seeded when the trainer shared the trainees' password gets one now."""
    from sync.server.accounts import add_user, change_user
    from sync.server.models import UserChange

    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/O, 1/l/i to misread on paper
    password = "".join(secrets.choice(alphabet) for _ in range(10))
    if exists:
        change_user(state.engine, state.config, None, TRAINER, UserChange(password=password))
    else:
        add_user(state.engine, state.config, "admin", TRAINER, password, Role.TRAINER, "")
    with write_tx(state.engine) as conn:
        conn.execute(meta.delete().where(meta.c.key == TRAINER_PASSWORD_KEY))
        conn.execute(meta.insert().values(key=TRAINER_PASSWORD_KEY, value=password.encode()))


def _write_pid(data_dir: Path, port: int) -> Path:
    path = data_dir / PID_FILE
    path.write_text(json.dumps({"pid": os.getpid(), "port": port}), encoding="utf-8")
    return path


def _write_sheet(data_dir: Path, state: Any, address: str) -> Path:
    from sync.server.training_page import account_sheet

    path = data_dir / SHEET_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(account_sheet(state.engine, address))
    return path


def _stop_with_parent(server: Any, parent: int, say: Say, every_s: float = 1.0) -> None:
    """Ask ``server`` (a uvicorn.Server) to stop once the process ``parent`` has ended:
    a training server started by Silon Desktop outlives a desktop that was killed
    (Task Manager, a power button held), and the next ``--training`` start was refused
    because of it, naming a window that no longer exists."""
    import psutil

    try:
        born = psutil.Process(parent).create_time()
    except psutil.Error:
        born = None

    def alive() -> bool:
        try:
            return born is not None and psutil.Process(parent).create_time() == born
        except psutil.Error:
            return False

    def watch() -> None:
        while not server.should_exit:
            if not alive():
                say(
                    "Silon Desktop yang menjalankan server latihan ini sudah berhenti: server berhenti."
                )
                server.should_exit = True
                return
            time.sleep(every_s)

    threading.Thread(target=watch, name="training-parent", daemon=True).start()


def serve(
    data_dir: Path,
    port: int,
    trainees: int,
    supporters: int,
    say: Say,
    host: str = "0.0.0.0",  # noqa: S104 - a training room's laptops connect over the LAN
    parent: int | None = None,
) -> int:
    """Refuse a running server, seed if needed, print what the room needs, serve
    (until Ctrl+C, or until the process ``parent`` ends: :func:`_stop_with_parent`)."""
    import uvicorn

    from sync.server.app import create_app, tune_gc
    from sync.server.config import ServerConfig

    data_dir.mkdir(parents=True, exist_ok=True)
    busy = running_server(data_dir, port)
    if busy:
        say(f"Ditolak: {busy}. Hentikan server itu dulu (Ctrl+C di jendelanya).")
        return 3
    refusal = (
        f"Ditolak: {data_dir} berisi data server sungguhan (akun atau catatan), "
        "bukan data latihan. Pakai folder kosong untuk latihan (--data-dir)."
    )
    url = database_url(data_dir, None)
    if holds_real_data(url):  # refused before anything of it changes, its schema too
        say(refusal)
        return 3
    chosen = choose_port(host, port)
    migrate(url)
    try:
        app = create_app(ServerConfig(database_url=url, training=True))
    except ValueError:
        say(refusal)
        return 3
    pid_path = _write_pid(data_dir, chosen)
    try:
        state = app.state.server
        fresh = seed(state, trainees, supporters)
        names = seeded_trainees(state.engine)
        address = f"http://{lan_address() if host == '0.0.0.0' else host}:{chosen}"  # noqa: S104
        _remember_address(state.engine, address)
        sheet = _write_sheet(data_dir, state, address)
        token = trainer_token(state.engine)
        if chosen != port:
            say(f"Port {port} sudah dipakai program lain; server latihan memakai port {chosen}.")
        say(f"Server latihan: {address}  (data: {data_dir})")
        say(f"Alamat untuk peserta di ruangan: {address}")
        say("Data latihan baru dibuat." if fresh else "Data latihan yang ada dipakai lagi.")
        if names:
            say(
                f"Akun peserta: {names[0]} .. {names[-1]}  kata sandi: {PASSWORD}"
                f"  ({len(names)} akun, {len(names) // 2 + len(names) % 2} meja)"
            )
        say(f"Akun pelatih: {TRAINER}  kata sandi: {trainer_password(state.engine)}")
        say(f"Halaman pelatih: {address}/latihan/pelatih?kunci={token}")
        say(f"Lembar akun untuk dicetak: {sheet}  (juga {address}/latihan/lembar?kunci={token})")
        say(f"Identitas server latihan: {identity(state.engine)}")
        tune_gc()
        server = uvicorn.Server(
            uvicorn.Config(app, host=host, port=chosen, log_level="warning", access_log=False)
        )
        if parent is not None:
            _stop_with_parent(server, parent, say)
        server.run()
    finally:
        pid_path.unlink(missing_ok=True)
    return 0


def reset(data_dir: Path, say: Say, port: int = DEFAULT_PORT) -> int:
    """Wipe the training tenant (its database); the next start seeds afresh, with a new id.

    Refuses (exit 3, nothing deleted) a database that is not a training one and a
    training server that is running on this folder.
    """
    busy = running_server(data_dir, port)
    if busy:
        say(f"Ditolak: {busy}. Hentikan server latihan dulu, lalu ulangi reset.")
        return 3
    kind = is_training_database(data_dir)
    if kind is False:
        say(
            f"Ditolak: {data_dir / SQLITE_NAME} bukan basis data latihan (tidak ada tanda "
            "latihan). Data sungguhan tidak dihapus."
        )
        return 3
    removed = 0
    for name in (SQLITE_NAME, SQLITE_NAME + "-wal", SQLITE_NAME + "-shm", SHEET_FILE, PID_FILE):
        path = data_dir / name
        if path.exists():
            path.unlink()
            removed += 1
    when = dt.datetime.now().strftime("%H:%M")
    say(
        f"Data latihan di {data_dir} dihapus ({when}). Laptop peserta akan diminta mulai dari awal."
        if removed
        else f"Tidak ada data di {data_dir}."
    )
    return 0
