"""``silon-server``: run the central server and administer it.

Every command takes ``--data-dir D`` (SQLite in D, the default) or
``--database-url URL`` (PostgreSQL: ``postgresql://user@host/db``). The schema
is migrated to the newest revision by every command.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from silon_desktop.cli_words import install as install_argparse_words
from sync.protocol import Mutation, Op
from sync.server.training_dpt import MAX_DESKS

log = logging.getLogger(__name__)

ADMIN_DEVICE = "admin-cli"


def _default_data_dir() -> Path:
    env = os.environ.get("SILON_SERVER_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("silon-server", "KPU"))


def _db_args(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--data-dir", type=Path, help="folder basis data SQLite (bawaan)")
    group.add_argument("--database-url", help="URL PostgreSQL, misalnya postgresql://u@host/db")


def _url(args: argparse.Namespace) -> str:
    from sync.server.db import database_url

    data_dir = args.data_dir if (args.data_dir or args.database_url) else _default_data_dir()
    return database_url(data_dir, args.database_url)


def _state(args: argparse.Namespace, *, training: bool = False):  # type: ignore[no-untyped-def]
    from sync.server.config import ServerConfig
    from sync.server.db import migrate
    from sync.server.state import open_state

    url = _url(args)
    migrate(url)
    return open_state(ServerConfig(database_url=url, training=training))


def build_parser() -> argparse.ArgumentParser:
    install_argparse_words()
    parser = argparse.ArgumentParser(
        prog="silon-server",
        description="silon-server: menjalankan dan mengelola server pusat Silon.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="catat pesan debug")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="jalankan server HTTP")
    _db_args(p)
    p.add_argument("--host", default="127.0.0.1", help="alamat dengar (bawaan: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (bawaan: 8080)")
    p.add_argument("--training", action="store_true", help="layani data latihan")
    p.add_argument(
        "--offline-days",
        type=float,
        help="berapa hari desktop boleh masuk tanpa koneksi setelah masuk daring (bawaan 7, "
        "atau $SILON_OFFLINE_DAYS)",
    )

    p = sub.add_parser("init", help="buat atau perbarui basis data dan kunci server")
    _db_args(p)

    p = sub.add_parser("user", help="kelola akun")
    usub = p.add_subparsers(dest="user_command", required=True)
    q = usub.add_parser("add", help="buat akun")
    _db_args(q)
    q.add_argument("username", help="nama pengguna")
    q.add_argument(
        "--role", required=True, choices=["kpu_ri", "province", "kabkota", "bawaslu", "trainer"]
    )
    q.add_argument("--region", default="", help='kode wilayah ("32", "32.14"); "" untuk nasional')
    q.add_argument("--password", help="bawaan: $SILON_PASSWORD, bila kosong ditanyakan")
    q = usub.add_parser("list", help="daftar akun")
    _db_args(q)
    q = usub.add_parser(
        "role",
        help="ubah peran dan wilayah akun (pindah ke wilayah lain: desktopnya terkunci "
        "dan data wilayah lama tidak terbuka lagi untuk akun ini)",
    )
    _db_args(q)
    q.add_argument("username", help="nama pengguna")
    q.add_argument("role", choices=["kpu_ri", "province", "kabkota", "bawaslu", "trainer"])
    q.add_argument("--region", help="kode wilayah")
    q = usub.add_parser("unlock", help="buka pembatasan login akun (semua alamat)")
    _db_args(q)
    q.add_argument("username", help="nama pengguna")
    q = usub.add_parser(
        "disable",
        help="nonaktifkan akun: ditolak saat masuk, desktopnya terkunci saat kontak berikutnya",
    )
    _db_args(q)
    q.add_argument("username", help="nama pengguna")
    q = usub.add_parser("enable", help="aktifkan lagi akun yang dinonaktifkan")
    _db_args(q)
    q.add_argument("username", help="nama pengguna")
    q = usub.add_parser(
        "revoke-device",
        help="cabut satu perangkat akun (PC hilang atau dicuri): datanya tetap terkunci",
    )
    _db_args(q)
    q.add_argument("username", help="nama pengguna")
    q.add_argument("device_id", help="id perangkat")
    q = usub.add_parser(
        "reset-password", help="tetapkan kata sandi baru (mengakhiri sesi akun, membuka pembatasan)"
    )
    _db_args(q)
    q.add_argument("username", help="nama pengguna")
    q.add_argument("--password", help="bawaan: $SILON_PASSWORD, bila kosong ditanyakan")

    p = sub.add_parser("region", help="tabel acuan wilayah")
    rsub = p.add_subparsers(dest="region_command", required=True)
    q = rsub.add_parser("add", help="tambah wilayah atau ganti namanya")
    _db_args(q)
    q.add_argument("code", help="kode wilayah, misalnya 32.14")
    q.add_argument("name", help="nama wilayah")
    q = rsub.add_parser("list", help="daftar wilayah")
    _db_args(q)

    p = sub.add_parser("election", help="pemilihan")
    esub = p.add_subparsers(dest="election_command", required=True)
    q = esub.add_parser("add", help="buat pemilihan (sampai ke klien lewat sinkronisasi)")
    _db_args(q)
    q.add_argument("--name", required=True, help="nama pemilihan")
    q.add_argument("--kind", required=True, choices=["gubernur", "bupati", "walikota"])
    q.add_argument(
        "--region", required=True, help='"32" (gubernur) atau "32.14" (bupati/wali kota)'
    )
    q.add_argument("--year", type=int, required=True, help="tahun pemilihan")
    q.add_argument("--dpt", type=int, default=0, help="jumlah DPT")
    q.add_argument("--subregions", type=int, default=0, help="jumlah kecamatan/kab-kota")
    q.add_argument("--rule-set", default="pilkada-2024", help="aturan (bawaan: pilkada-2024)")
    for stage in (
        "support-start",
        "support-end",
        "vermin-end",
        "correction-end",
        "verfak-end",
        "registration-date",
        "penetapan-date",
    ):
        q.add_argument(f"--{stage}", help="tanggal, YYYY-MM-DD")

    _training_parser(sub)

    p = sub.add_parser("audit", help="catatan audit")
    asub = p.add_subparsers(dest="audit_command", required=True)
    q = asub.add_parser("verify", help="periksa rantai hash; sebutkan entri pertama yang rusak")
    _db_args(q)
    q.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="ID:HASH",
        help="kepala rantai yang dicetak verify sebelumnya, disimpan di luar basis data: "
        "harus masih ada di rantai (menangkap entri terakhir yang dihapus dan rantai yang "
        "dihitung ulang); boleh diulang",
    )

    p = sub.add_parser("bundle", help="paket sinkronisasi")
    bsub = p.add_subparsers(dest="bundle_command", required=True)
    q = bsub.add_parser("import", help="terapkan berkas paket bertanda tangan lewat jalur kirim")
    _db_args(q)
    q.add_argument("file", type=Path)
    q = bsub.add_parser(
        "export", help="tulis paket umpan (data satu wilayah, ditandatangani kunci server)"
    )
    _db_args(q)
    q.add_argument("--scope", required=True, help='kode wilayah data, misalnya "32.14"')
    q.add_argument("--after", type=int, default=0, help="posisi umpan yang sudah dimiliki penerima")
    q.add_argument("--output", type=Path, required=True)
    q.add_argument(
        "--user", help="akun penerima (dengan --device: paket dienkripsi untuk perangkat itu)"
    )
    q.add_argument(
        "--device",
        help="id perangkat penerima (lihat 'silon-desktop status' atau pengaturan kantor)",
    )

    p = sub.add_parser("snapshot", help="salinan data wilayah untuk sinkronisasi pertama")
    ssub = p.add_subparsers(dest="snapshot_command", required=True)
    q = ssub.add_parser(
        "export",
        help="tulis salinan data satu wilayah bertanda tangan ke berkas (flashdisk); kantor "
        "memasangnya dengan 'silon-desktop snapshot import BERKAS'",
    )
    _db_args(q)
    q.add_argument("--scope", required=True, help='kode wilayah data, misalnya "32.14"')
    q.add_argument("--output", type=Path, required=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    from sync.privacy import redact_log_handlers, restrict_process

    # The server's database, keys, bundles and snapshots hold personal data: owner-only.
    restrict_process()
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    redact_log_handlers()  # no NIK and no SQL parameters in the server's log either
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from sqlalchemy.exc import OperationalError

    from sync.server.errors import ApiError

    try:
        return int(_dispatch(args))
    except ApiError as exc:
        print(f"galat: {exc.message}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"galat: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file or folder missing, unreadable or full
        print(f"galat: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:  # the database cannot be reached or is locked
        print(f"galat: basis data tidak dapat dipakai: {exc.orig}", file=sys.stderr)
        return 2


class _IndonesianHelp(argparse.HelpFormatter):
    """``--help`` of the training command in Indonesian, with every default."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix or "pemakaian: ")

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default not in (None, argparse.SUPPRESS) and action.option_strings != [
            "-h",
            "--help",
        ]:
            text += " (bawaan: %(default)s)"
        return text


#: The most trainees a room can have: two per desk, one practice kab/kota per desk (those
#: whose DPT the seed knows, :mod:`sync.server.training_dpt`: 40, so 80 trainees).
MAX_TRAINEES = 2 * MAX_DESKS


def _trainee_count(text: str) -> int:
    """``--trainees``: a whole number the seed can give desks to."""
    wrong = argparse.ArgumentTypeError(
        f"harus bilangan bulat 1 sampai {MAX_TRAINEES}, bukan {text!r}"
    )
    try:
        count = int(text)
    except ValueError:
        raise wrong from None
    if not 1 <= count <= MAX_TRAINEES:
        raise wrong
    return count


def _training_parser(sub: Any) -> None:
    from sync.server import training as t

    p = sub.add_parser(
        "training",
        help="server latihan Bimtek (jalankan atau reset)",
        description=(
            "Server latihan untuk ruang Bimtek: data latihan per meja (dua peserta), kunci "
            "jawaban, halaman pelatih dan lembar akun. Mencetak alamat untuk peserta. "
            "'reset' menghapus data latihan (ditolak untuk data sungguhan atau server "
            "yang sedang berjalan)."
        ),
        formatter_class=_IndonesianHelp,
        add_help=False,
    )
    p._positionals.title = "argumen"
    p._optionals.title = "pilihan"
    p.add_argument("-h", "--help", action="help", help="tampilkan bantuan ini lalu keluar")
    p.add_argument(
        "action",
        nargs="?",
        choices=["serve", "reset"],
        default="serve",
        help="serve: jalankan server latihan; reset: hapus data latihan (identitas baru)",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=t.default_dir(),
        help="folder data latihan (terpisah dari data server sungguhan)",
    )
    p.add_argument(
        "--port",
        type=int,
        default=t.DEFAULT_PORT,
        help="port tetap; bila terpakai, port lain dipilih dan dicetak",
    )
    p.add_argument(
        "--host",
        default="0.0.0.0",  # noqa: S104 - the room's laptops connect over the LAN
        help="alamat dengar; 0.0.0.0 = semua jaringan (ruang kelas), 127.0.0.1 = laptop ini saja",
    )
    p.add_argument(
        "--trainees",
        type=_trainee_count,
        default=t.DEFAULT_TRAINEES,
        help=f"jumlah akun peserta (latih01..), 1 sampai {MAX_TRAINEES}, dua per meja; dipakai "
        "saat data pertama dibuat",
    )
    p.add_argument(
        "--supporters",
        type=int,
        default=t.DEFAULT_SUPPORTERS,
        help="jumlah pendukung per peserta (termasuk baris latihan yang ditanam)",
    )
    p.add_argument(
        "--parent",
        type=int,
        default=None,
        metavar="PID",
        help="berhenti sendiri bila program dengan PID ini berhenti (dipakai oleh "
        "Silon Desktop --training)",
    )


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command == "serve":
        return _serve(args)
    if command == "init":
        state = _state(args)
        print(f"basis data siap; kunci server {state.key_id}")
        return 0
    if command == "user":
        return _user(args)
    if command == "region":
        return _region(args)
    if command == "election":
        return _election(args)
    if command == "training":
        from sync.server import training

        if args.action == "reset":
            return training.reset(args.data_dir, _say, args.port)
        return training.serve(
            args.data_dir,
            args.port,
            args.trainees,
            args.supporters,
            _say,
            args.host,
            parent=args.parent,
        )
    if command == "audit":
        return _audit_verify(args)
    if command == "bundle":
        if args.bundle_command == "export":
            return _bundle_export(args)
        return _bundle_import(args)
    if command == "snapshot":
        return _snapshot_export(args)
    raise ValueError(f"unknown command {command}")


def _say(text: str) -> None:
    print(text, flush=True)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sync.server.app import create_app, tune_gc
    from sync.server.config import ServerConfig
    from sync.server.db import migrate
    from sync.server.training import TenantMismatch, holds_real_data

    url = _url(args)
    real_data = (
        "Ditolak: basis data ini berisi data server sungguhan (akun atau catatan), bukan "
        "data latihan. Untuk latihan pakai 'silon-server training' dengan folder kosong."
    )
    if args.training and holds_real_data(url):  # before its schema is upgraded too
        _say(real_data)
        return 3
    migrate(url)
    config = ServerConfig(database_url=url, training=args.training)
    if args.offline_days is not None:
        config.offline_days = args.offline_days
    try:
        app = create_app(config)
    except TenantMismatch:
        _say(
            real_data
            if args.training
            else "Ditolak: basis data ini basis data latihan Bimtek. Jalankan dengan --training, "
            "atau pakai basis data server sungguhan."
        )
        return 3
    tune_gc()
    log.info("serving on http://%s:%d", args.host, args.port)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        # The caller's address (login throttling) comes from X-Forwarded-For only when
        # the connection is from these proxies (docs/INSTALL.md: the reverse proxy).
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("SILON_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        timeout_keep_alive=5,
    )
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password:
        return str(args.password)
    env = os.environ.get("SILON_PASSWORD")
    if env:
        return env
    return getpass.getpass(f"password for {args.username}: ")


def _user(args: argparse.Namespace) -> int:
    from sync.server import accounts, models
    from sync.server.roles import Role

    state = _state(args)
    if args.user_command == "add":
        accounts.add_user(
            state.engine,
            state.config,
            "admin",
            args.username,
            _password(args),
            Role(args.role),
            args.region,
        )
        print(f"pengguna {args.username} ({args.role} {args.region or 'nasional'}) dibuat")
    elif args.user_command == "list":
        for u in accounts.list_users(state.engine, None):
            active = "" if u["active"] else " (nonaktif)"
            print(f"{u['username']}\t{u['role']}\t{u['region'] or '-'}{active}")
    elif args.user_command == "unlock":
        accounts.unlock_user(state.engine, state.config, None, args.username)
        print(f"pengguna {args.username}: pembatasan masuk dicabut")
    elif args.user_command in ("disable", "enable"):
        active = args.user_command == "enable"
        accounts.change_user(
            state.engine, state.config, None, args.username, models.UserChange(active=active)
        )
        state_text = "diaktifkan" if active else "dinonaktifkan, sesi dicabut"
        print(f"pengguna {args.username}: {state_text}")
    elif args.user_command == "revoke-device":
        from sync.server import auth

        known = auth.revoke_device(
            state.engine, state.config, args.username, args.device_id, "admin"
        )
        print(
            f"pengguna {args.username} perangkat {args.device_id}: dicabut"
            + ("" if known else " (tidak dikenal)")
        )
    elif args.user_command == "reset-password":
        change = models.UserChange(password=_password(args))
        accounts.change_user(state.engine, state.config, None, args.username, change)
        print(f"pengguna {args.username}: kata sandi diganti, sesi diakhiri, pembatasan dicabut")
    else:
        change = models.UserChange(role=args.role, region=args.region)
        out = accounts.change_user(state.engine, state.config, None, args.username, change)
        print(f"pengguna {out['username']} sekarang {out['role']} {out['region'] or 'nasional'}")
    return 0


def _region(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from sync.server.db import read_tx, write_tx
    from sync.server.public import figures
    from sync.server.roles import REGION_RE
    from sync.server.schema import regions

    state = _state(args)
    if args.region_command == "add":
        if not REGION_RE.fullmatch(args.code) or not args.code:
            raise ValueError(f"{args.code!r} bukan kode wilayah seperti 32 atau 32.14")
        with write_tx(state.engine) as conn:
            conn.execute(regions.delete().where(regions.c.code == args.code))
            conn.execute(regions.insert().values(code=args.code, name=args.name))
            # The public pages name places by this table: a new version rebuilds them.
            figures.bump(conn, state.config.clock.time())
        print(f"wilayah {args.code} {args.name}")
    else:
        with read_tx(state.engine) as conn:
            for code, name in conn.execute(select(regions).order_by(regions.c.code)):
                print(f"{code}\t{name}")
    return 0


def admin_actor(training: bool = False):  # type: ignore[no-untyped-def]
    from sync.server.roles import Actor, Role

    return Actor("admin", Role.KPU_RI, "", ADMIN_DEVICE, training)


def _election(args: argparse.Namespace) -> int:
    from sync.server.push import apply_batch

    state = _state(args)
    fields = {
        "name": args.name,
        "kind": args.kind,
        "region_code": args.region,
        "year": args.year,
        "dpt": args.dpt,
        "subregion_count": args.subregions,
        "rule_set": args.rule_set,
    }
    for stage in (
        "support_start",
        "support_end",
        "vermin_end",
        "correction_end",
        "verfak_end",
        "registration_date",
        "penetapan_date",
    ):
        value = getattr(args, stage)
        if value:
            fields[stage] = value
    record_id = str(uuid.uuid4())
    m = Mutation(
        str(uuid.uuid4()),
        "election",
        record_id,
        args.region,
        Op.UPSERT,
        0,
        {k: (None, v) for k, v in fields.items()},
    )
    [result] = apply_batch(state.engine, state.config, admin_actor(), str(uuid.uuid4()), [m])
    if result.code:
        print(f"galat: {result.field}: {result.message}", file=sys.stderr)
        return 2
    print(f"pemilihan {record_id} dibuat")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    from sync.server import audit
    from sync.server.db import read_tx

    anchors = dict(audit.parse_anchor(a) for a in args.anchor)
    state = _state(args)
    with read_tx(state.engine) as conn:
        result = audit.verify(conn, anchors=anchors)
    if result.ok:
        head_id, head_hash = result.head
        print(
            f"OK: {result.checked} entri audit terverifikasi, {result.records_checked} data "
            f"sesuai entri terakhirnya; kepala {head_id}:{head_hash}"
        )
        return 0
    if result.broken_id is None and result.record_id:
        print(f"RUSAK: data {result.record_id}: {result.reason}")
        return 1
    print(f"RUSAK: entri audit {result.broken_id}: {result.reason}")
    return 1


def _bundle_import(args: argparse.Namespace) -> int:
    from sync.server.bundles import import_bundle, refusal_text
    from sync.server.errors import ApiError

    try:
        raw = args.file.read_bytes()
    except OSError:
        print(f"galat: berkas bundel {args.file} tidak dapat dibaca.", file=sys.stderr)
        return 2
    state = _state(args)
    try:
        out = import_bundle(state, raw, None)
    except ApiError as exc:
        print(refusal_text(exc, str(args.file)), file=sys.stderr)
        return 2
    counts: dict[str, int] = {}
    for r in out["results"]:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    words = {"applied": "diterapkan", "merged": "digabung", "conflict": "konflik"}
    summary = (
        ", ".join(f"{v} {words.get(k, 'ditolak')}" for k, v in sorted(counts.items()))
        or "tidak ada perubahan"
    )
    print(f"Bundel {out['bundle_id']} diimpor: {summary}.")
    return 0


def _bundle_export(args: argparse.Namespace) -> int:
    from sync.server.bundles import export_feed_bundle
    from sync.server.roles import SCOPE_RE

    if not SCOPE_RE.fullmatch(args.scope):
        raise ValueError(f"{args.scope!r} bukan wilayah seperti 32 atau 32.14")
    if bool(args.user) != bool(args.device):
        raise ValueError("--user dan --device dipakai bersama")
    state = _state(args)
    device = (args.user, args.device) if args.device else None
    data, count, cursor = export_feed_bundle(state, args.scope, args.after, device)
    from sync.privacy import write_private

    write_private(args.output, data)
    print(f"bundel feed {args.output}: {count} data wilayah {args.scope}, kursor {cursor}")
    if device is not None:
        print(f"terenkripsi untuk perangkat {args.device} ({args.user})")
    else:
        print(
            "PERHATIAN: tidak terenkripsi (berisi data pribadi warga); pakai --user dan "
            "--device agar hanya komputer penerima yang dapat membukanya"
        )
    return 0


def _snapshot_export(args: argparse.Namespace) -> int:
    from sync.server.roles import SCOPE_RE, Actor, Role
    from sync.server.snapshots import export

    if not SCOPE_RE.fullmatch(args.scope):
        raise ValueError(f"{args.scope!r} bukan wilayah seperti 32 atau 32.14")
    state = _state(args)
    # What an account of that region reads: a kab/kota, or a province with its kab/kota.
    role = Role.KABKOTA if "." in args.scope else Role.PROVINCE
    reader = Actor("admin", role, args.scope, ADMIN_DEVICE)
    manifest = export(state, reader, args.output)
    print(
        f"snapshot {args.output}: {manifest['count']} data wilayah {args.scope}, "
        f"kursor {manifest['cursor']}, kunci server {state.key_id}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
