"""Training server: practice data per desk pair, the answer key and its scoring, reset safety."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from faker.providers.person.id_ID import Provider as People

from silon_desktop.domain.nik import parse_nik
from silon_desktop.domain.regions import default_table
from sync.protocol import Mutation, Op
from sync.server import training
from sync.server.app import create_app
from sync.server.config import ServerConfig
from sync.server.db import SQLITE_NAME, database_url, migrate
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.training_key import LESSON_CODES, score
from sync.server.training_seed import build_practice, mejas

TODAY = dt.date(2026, 12, 5)


def _records(mutations: list[Mutation]) -> dict[str, dict[str, Any]]:
    return {
        m.record_id: {
            "entity": m.entity,
            "scope": m.scope,
            **{k: v[1] for k, v in m.changes.items()},
        }
        for m in mutations
    }


def test_each_desk_pair_gets_its_own_real_region_and_each_trainee_a_pair() -> None:
    names = training.trainee_names(5)
    desks = mejas(names)
    assert [d.trainees for d in desks] == [
        ("latih01", "latih02"),
        ("latih03", "latih04"),
        ("latih05",),
    ]
    assert len({d.region for d in desks}) == 3
    practice = build_practice(TODAY, names, 30)
    recs = _records(practice.mutations)
    elections = [r for r in recs.values() if r["entity"] == "election"]
    assert sorted(e["scope"] for e in elections) == sorted(d.region for d in desks)
    assert practice.pairs["latih01"] == (desks[0].region, 1)
    assert practice.pairs["latih02"] == (desks[0].region, 2)
    assert practice.pairs["latih05"] == (desks[2].region, 1)
    # Every record lies in its desk's scope; every supporter of a desk's election too.
    for rec in recs.values():
        assert rec["scope"] in {d.region for d in desks}


def test_names_match_the_sex_in_the_nik_and_addresses_are_real_desa() -> None:
    practice = build_practice(TODAY, training.trainee_names(2), 60)
    table = default_table()
    planted = {p.record_id for p in practice.key}
    female = set(People.first_names_female)
    male = set(People.first_names_male)
    supporters = [
        (rid, r) for rid, r in _records(practice.mutations).items() if r["entity"] == "supporter"
    ]
    assert len(supporters) >= 2 * 60
    for rid, r in supporters:
        first = r["name"].split()[0].title()
        assert first in (female if r["sex"] == "P" else male), r["name"]
        if rid in planted:
            continue
        parsed = parse_nik(r["nik"])
        assert not parsed.reasons and str(parsed.sex) == r["sex"]
        assert parsed.birth_date is not None and parsed.birth_date.isoformat() == r["birth_date"]
        assert table.parent(r["desa_code"]).code == r["kecamatan_code"]  # type: ignore[union-attr]
        assert r["kecamatan_code"].startswith(r["scope"] + ".")
        assert r["nik"][:6] == r["kecamatan_code"].replace(".", "")
        assert r["check_status"] == "MS"


def test_every_lesson_is_planted_for_each_trainee_and_the_forecast_agrees_with_the_key() -> None:
    practice = build_practice(TODAY, training.trainee_names(3), 40)
    recs = _records(practice.mutations)
    for trainee in ("latih01", "latih02"):
        assert {p.lesson for p in practice.key if p.trainee == trainee} == set(LESSON_CODES)
    # The lone trainee of the last desk has no colleague to meet.
    assert {p.lesson for p in practice.key if p.trainee == "latih03"} == set(LESSON_CODES) - {
        "konflik"
    }
    region = practice.pairs["latih01"][0]
    for p in practice.key:
        row = recs[p.record_id]
        if (
            p.trainee == "latih01"
            and p.check == "admin"
            and p.reason
            and "DUPLICATE" not in p.reason
        ):
            # The automatic check a laptop shows agrees with what the key expects.
            assert p.reason in row["check_reasons"], (p.lesson, row["check_reasons"])
            assert row["check_status"] == p.status
        if p.lesson == "nik_angka" and p.reason == "NIK_FORMAT":
            assert row["nik"].startswith("3") and row["nik"][3:] == "0" * 13  # 3.21E+15
        if p.lesson == "luar_wilayah" and p.trainee == "latih01":
            assert not row["kabkota_code"].startswith(region)
    identical = [p for p in practice.key if p.trainee == "latih01" and p.lesson == "ganda_identik"]
    assert recs[identical[0].record_id]["nik"] == recs[identical[1].record_id]["nik"]


def test_a_supporter_born_on_29_february_is_planted_on_any_day() -> None:
    """The seed of 23 February 2029 draws a 29 February birth for the date lesson, whose
    row says a year earlier: there is no 29 February then, and the seed stopped."""
    practice = build_practice(dt.date(2029, 2, 23), training.trainee_names(2), 20)
    recs = _records(practice.mutations)
    moved = [recs[p.record_id] for p in practice.key if p.lesson == "nik_tanggal"]
    assert len(moved) == 2
    for row in moved:
        parsed = parse_nik(row["nik"])
        assert parsed.birth_date is not None and parsed.birth_date.isoformat() != row["birth_date"]
        assert row["check_reasons"] == ["NIK_MISMATCH"] and row["check_status"] == "BMS"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded training database of three trainees, made once for this module."""
    folder = tmp_path_factory.mktemp("training-template")
    url = database_url(folder, None)
    migrate(url)
    state = create_app(ServerConfig(database_url=url, training=True)).state.server
    assert training.seed(state, 3, 25)
    assert not training.seed(state, 3, 25)  # once only
    state.engine.dispose()
    return folder / SQLITE_NAME


@pytest.fixture
def seeded(template: Path, tmp_path: Path) -> Any:
    import shutil

    shutil.copy(template, tmp_path / SQLITE_NAME)
    url = database_url(tmp_path, None)
    state = create_app(ServerConfig(database_url=url, training=True)).state.server
    yield state
    state.engine.dispose()


def _verdict(state: Any, user: str, record_id: str, **values: Any) -> None:
    from sqlalchemy import select

    from sync.server.db import read_tx
    from sync.server.schema import records, users

    with read_tx(state.engine) as conn:
        region = conn.execute(select(users.c.region).where(users.c.username == user)).scalar_one()
        version = conn.execute(
            select(records.c.version).where(records.c.id == record_id)
        ).scalar_one()
    changes = {k: (None, v) for k, v in values.items()}
    actor = Actor(user, Role.KABKOTA, region, f"dev-{user}", True)
    m = Mutation(str(uuid.uuid4()), "supporter", record_id, region, Op.UPSERT, version, changes)
    (result,) = apply_batch(state.engine, state.config, actor, str(uuid.uuid4()), [m])
    assert str(result.status) == "applied", result


def test_the_key_scores_right_wrong_and_open_from_the_records(seeded: Any) -> None:
    from sqlalchemy import select

    from sync.server.db import read_tx
    from sync.server.training_key import load_key

    with read_tx(seeded.engine) as conn:
        key = load_key(conn)
    before = {s.trainee: s for s in score(seeded.engine, training.trainee_names(3))}
    assert before["latih01"].open == len(LESSON_CODES) and before["latih01"].right == 0
    mine = {p.lesson: p for p in key if p.trainee == "latih01" and p.check == "admin"}
    right = mine["pekerjaan"]
    _verdict(
        seeded, "latih01", right.record_id, admin_status=right.status, admin_reasons=[right.reason]
    )
    wrong = mine["di_bawah_umur"]
    _verdict(seeded, "latih01", wrong.record_id, admin_status="MS", admin_reasons=[])
    field = next(p for p in key if p.trainee == "latih02" and p.lesson == "menolak")
    _verdict(
        seeded, "latih02", field.record_id, field_status="TMS", field_reasons=["DENIES_SUPPORT"]
    )
    bundle = next(p for p in key if p.trainee == "latih02" and p.lesson == "bundel")
    _verdict(seeded, "latih02", bundle.record_id, admin_status="MS", admin_reasons=[])
    after = {s.trainee: s for s in score(seeded.engine, training.trainee_names(3))}
    one, two = after["latih01"], after["latih02"]
    assert one.marks["pekerjaan"].done and one.marks["pekerjaan"].right
    assert one.marks["di_bawah_umur"].done and not one.marks["di_bawah_umur"].right
    assert (one.right, one.wrong) == (1, 1)
    assert two.marks["menolak"].right
    # Pushed online, not carried on a USB stick: the bundle lesson stays open.
    assert not two.marks["bundel"].done and "bundel" in two.marks["bundel"].detail
    assert (two.right, two.wrong) == (1, 0) and after["latih03"].right == 0
    with read_tx(seeded.engine) as conn:
        from sync.server.schema import users

        regions = dict(conn.execute(select(users.c.username, users.c.region)).all())
    assert regions["latih01"] == regions["latih02"] != regions["latih03"]


def test_trainee_accounts_cannot_write_another_desks_election(seeded: Any) -> None:
    from sync.server.db import read_tx
    from sync.server.errors import ApiError
    from sync.server.training_key import load_key

    with read_tx(seeded.engine) as conn:
        other = next(p for p in load_key(conn) if p.trainee == "latih03")
    with pytest.raises(ApiError) as refused:
        _verdict(seeded, "latih01", other.record_id, admin_status="MS")
    assert refused.value.status == 403


def test_a_trainer_bound_to_a_region_reaches_only_that_region(seeded: Any) -> None:
    """A province's trainer in the Bimtek cascade (``user add --role trainer --region
    32.01``: the region is accepted for a trainer) read, wrote and managed every desk of
    the room as if national: its region was ignored. Only the trainer without a region
    (``pelatih``) reaches every desk; on a real server a trainer reaches nothing."""
    from sync.server.db import read_tx
    from sync.server.errors import ApiError
    from sync.server.rules import administers
    from sync.server.training_key import load_key

    with read_tx(seeded.engine) as conn:
        key = load_key(conn)
    mine = next(p for p in key if p.trainee == "latih01" and p.lesson == "bundel")
    other = next(p for p in key if p.trainee == "latih03" and p.lesson == "bundel")
    regional = Actor("pelatih-bogor", Role.TRAINER, "32.01", "dev-pelatih", True)

    def verdict(actor: Actor, planted: Any) -> str:
        from sqlalchemy import select

        from sync.server.schema import records

        with read_tx(seeded.engine) as conn:
            scope, version = conn.execute(
                select(records.c.scope, records.c.version).where(records.c.id == planted.record_id)
            ).one()
        changes = {"admin_status": (None, "MS"), "admin_reasons": (None, [])}
        m = Mutation(
            str(uuid.uuid4()), "supporter", planted.record_id, scope, Op.UPSERT, version, changes
        )
        (result,) = apply_batch(seeded.engine, seeded.config, actor, str(uuid.uuid4()), [m])
        return str(result.status)

    assert verdict(regional, mine) == "applied"
    with pytest.raises(ApiError) as refused:
        verdict(regional, other)
    assert refused.value.status == 403
    assert regional.can_read("32.01") and not regional.can_read("32.02")
    assert not regional.reads_everything and regional.read_prefix() == ("32.01", False)
    assert regional.can_manage(Role.KABKOTA, "32.01")
    assert not regional.can_manage(Role.KABKOTA, "32.02")
    assert administers(regional, "32.01") and not administers(regional, "32.02")
    national = Actor("pelatih", Role.TRAINER, "", "dev-pelatih", True)
    assert national.reads_everything and national.can_manage(Role.KABKOTA, "32.02")
    assert verdict(national, other) == "applied"
    real = Actor("pelatih", Role.TRAINER, "", "dev-pelatih", False)
    assert not real.can_read("32.01") and not real.can_write("32.01")
    assert not real.can_manage(Role.KABKOTA, "32.01") and not administers(real, "32.01")


def test_trainer_page_and_sheet_show_every_trainee(seeded: Any) -> None:
    from sync.server.training_page import account_sheet, trainer_view

    page = trainer_view(seeded.engine)
    assert "LATIHAN" in page and page.count('<tr><td class="nama">') == 3
    assert page.count('class="belum"') >= 3 * (len(LESSON_CODES) - 1)
    sheet = account_sheet(seeded.engine, "http://192.0.2.7:8765")
    assert "bimtek2024" in sheet and "@media print" in sheet and "http://192.0.2.7:8765" in sheet
    assert sheet.count('class="kartu"') == 4  # three trainees and the trainer


def test_the_trainers_account_does_not_open_with_the_trainees_password(seeded: Any) -> None:
    """Every trainee's card prints the trainees' password; the trainer's account reads,
    writes and manages every desk, so its password is its own, printed for the trainer."""
    from sync.server import auth
    from sync.server.errors import ApiError
    from sync.server.training_page import account_sheet

    def login(username: str, password: str) -> Any:
        return auth.login(seeded.engine, seeded.config, username, password, f"dev-{username}", None)

    assert login("latih01", training.PASSWORD)
    with pytest.raises(ApiError) as refused:
        login(training.TRAINER, training.PASSWORD)
    assert refused.value.status == 401
    own = training.trainer_password(seeded.engine)
    assert own and own != training.PASSWORD and login(training.TRAINER, own)
    sheet = account_sheet(seeded.engine, "http://192.0.2.7:8765")
    trainer_card = sheet.split('<div class="kartu">')[-1]
    assert own in trainer_card and own not in sheet.replace(trainer_card, "")
    # A room seeded when the trainer shared the trainees' password: its own at the next start.
    from sync.server.accounts import change_user
    from sync.server.db import write_tx
    from sync.server.models import UserChange
    from sync.server.schema import meta

    change_user(seeded.engine, seeded.config, None, "pelatih", UserChange(password="bimtek2024"))
    with write_tx(seeded.engine) as conn:
        conn.execute(meta.delete().where(meta.c.key == training.TRAINER_PASSWORD_KEY))
    assert not training.seed(seeded, 3, 25)
    with pytest.raises(ApiError):
        login(training.TRAINER, training.PASSWORD)
    assert login(training.TRAINER, training.trainer_password(seeded.engine))


def test_reset_refuses_a_real_database(tmp_path: Path) -> None:
    from sync.server.accounts import add_user

    url = database_url(tmp_path, None)
    migrate(url)
    state = create_app(ServerConfig(database_url=url)).state.server
    add_user(state.engine, state.config, "admin", "op3214", "rahasia-3214", Role.KABKOTA, "32.14")
    state.engine.dispose()
    said: list[str] = []
    assert training.reset(tmp_path, said.append, port=1) == 3
    assert "bukan basis data latihan" in said[0]
    assert (tmp_path / SQLITE_NAME).exists()


def test_reset_refuses_while_the_pid_file_names_a_live_process(seeded: Any, tmp_path: Path) -> None:
    (tmp_path / training.PID_FILE).write_text(json.dumps({"pid": os.getppid(), "port": 1}))
    said: list[str] = []
    assert training.reset(tmp_path, said.append, port=1) == 3
    assert "sedang berjalan" in said[0] and (tmp_path / SQLITE_NAME).exists()
    old = training.identity(seeded.engine)
    seeded.engine.dispose()
    (tmp_path / training.PID_FILE).unlink()
    assert training.reset(tmp_path, said.append, port=1) == 0
    assert not (tmp_path / SQLITE_NAME).exists()
    url = database_url(tmp_path, None)
    migrate(url)
    again = create_app(ServerConfig(database_url=url, training=True)).state.server
    assert training.identity(again.engine) not in ("", old)  # a new identity after reset
    again.engine.dispose()


def test_a_pid_file_left_by_a_power_cut_does_not_block_a_reset(seeded: Any, tmp_path: Path) -> None:
    """The server was killed with its pid file left; after a restart its number went to
    another program, started after the file was written: no server runs on this folder."""
    import subprocess
    import sys

    import psutil

    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # noqa: S603
    try:
        pid_file = tmp_path / training.PID_FILE
        pid_file.write_text(json.dumps({"pid": other.pid, "port": 1}))
        written = psutil.Process(other.pid).create_time() - 3600
        os.utime(pid_file, (written, written))
        seeded.engine.dispose()
        said: list[str] = []
        assert training.reset(tmp_path, said.append, port=1) == 0, said
        assert not (tmp_path / SQLITE_NAME).exists() and not pid_file.exists()
    finally:
        other.kill()
        other.wait()


def test_training_help_is_indonesian_with_every_default(capsys: pytest.CaptureFixture[str]) -> None:
    from sync.server.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["training", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("pemakaian:") and "pilihan:" in out
    for default in (
        "bawaan: 8765",
        "bawaan: 20",
        "bawaan: 300",
        "bawaan: 0.0.0.0",
        "bawaan: serve",
    ):
        assert default in out, default
    assert "silon-server-training" in out.replace("\n", "").replace(" ", "")
    # The range the parser accepts (a room of 40 desks), not the 400 it once said.
    assert "1sampai80," in out.replace("\n", "").replace(" ", "")


@pytest.mark.parametrize("count", ["0", "-2", "81", "1000", "dua"])
def test_a_trainee_count_the_room_cannot_have_is_refused_in_indonesian(
    count: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Zero desks (or more than the region table has kab/kota for) stopped the seed
    with a Python traceback after the server had started."""
    from sync.server.cli import build_parser

    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["training", "--trainees", count])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--trainees" in err and "1 sampai 80" in err, err


def test_a_taken_port_falls_back_to_a_free_one() -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        other = training.choose_port("127.0.0.1", busy)
        assert other != busy and other > 0
    assert training.choose_port("127.0.0.1", busy) == busy  # free again
    address = training.lan_address()
    assert socket.inet_aton(address) and not address.startswith("0.")


def test_a_training_database_is_not_served_as_a_real_server_nor_the_reverse(
    seeded: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Served as a real server, a training database took real accounts and records
    beside the published practice ones, and ``training reset`` deleted them with it."""
    from sync.server.cli import main as server_main

    url = database_url(tmp_path, None)
    with pytest.raises(training.TenantMismatch):
        create_app(ServerConfig(database_url=url))
    assert server_main(["serve", "--data-dir", str(tmp_path), "--port", "1"]) == 3
    assert "basis data latihan Bimtek" in capsys.readouterr().out
    # The reverse, as before: a real database is not served in training mode.
    real = tmp_path / "real"
    real_url = database_url(real, None)
    migrate(real_url)
    from sync.server.accounts import add_user

    state = create_app(ServerConfig(database_url=real_url)).state.server
    add_user(state.engine, state.config, "admin", "op3214", "rahasia-3214", Role.KABKOTA, "32.14")
    state.engine.dispose()
    assert server_main(["serve", "--data-dir", str(real), "--training", "--port", "1"]) == 3
    assert "data server sungguhan" in capsys.readouterr().out


def test_the_training_command_leaves_a_real_servers_folder_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``silon-server training --data-dir`` (or ``serve --training``) naming the real
    server's folder was refused, but only after it had upgraded that database's schema to
    its own release: a real server of the release before no longer matched its database."""
    import sqlite3
    from importlib import resources

    from alembic import command
    from alembic.config import Config

    from sync.server.accounts import add_user

    real = tmp_path / "server"
    url = database_url(real, None)
    migrate(url)
    state = create_app(ServerConfig(database_url=url)).state.server
    add_user(state.engine, state.config, "admin", "op3214", "rahasia-3214", Role.KABKOTA, "32.14")
    state.engine.dispose()
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("sync.server") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url)
    command.downgrade(cfg, "-1")  # a real server of the release before

    def revision() -> str:
        with sqlite3.connect(real / SQLITE_NAME) as conn:
            return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])

    before = revision()
    said: list[str] = []
    assert training.serve(real, 0, 2, 10, said.append, host="127.0.0.1") == 3
    assert "data server sungguhan" in said[-1]
    assert revision() == before
    assert not (real / training.PID_FILE).exists()
    from sync.server.cli import main as server_main

    assert server_main(["serve", "--data-dir", str(real), "--training", "--port", "1"]) == 3
    assert "data server sungguhan" in capsys.readouterr().out
    assert revision() == before


def test_a_fresh_rooms_public_pages_show_every_practice_pair_marked_latihan(
    template: Path, tmp_path: Path
) -> None:
    """The public pages show only pairs KPU has received (``figures.published``): a
    room seeded with every pair still ``draft`` showed no pair at all, so a trainer
    could not show the citizens' view (a pair's page, the NIK check) of a trainee's own
    list. Every practice pair is seeded submitted (``diajukan``: nothing on the desktop
    or the server locks it, so every lesson stays open), and each page says LATIHAN."""
    import shutil

    from sqlalchemy import select

    from sync.server.db import read_tx
    from sync.server.public.pages import Public
    from sync.server.schema import records
    from tests.unit.server.test_public_counted import get

    shutil.copy(template, tmp_path / SQLITE_NAME)
    app = create_app(ServerConfig(database_url=database_url(tmp_path, None), training=True))
    state = app.state.server
    try:
        with read_tx(state.engine) as conn:
            rows = conn.execute(select(records.c.id, records.c.entity, records.c.fields)).all()
        stored = {r.id: (r.entity, json.loads(r.fields)) for r in rows}
        pairs = {rid: f for rid, (e, f) in stored.items() if e == "pair"}
        elections = [rid for rid, (e, _f) in stored.items() if e == "election"]
        assert len(pairs) == 4 * len(elections) == 8  # paslon 1 to 4 of each desk
        status, index = get(app, "/publik/")
        assert status == 200 and "<title>LATIHAN" in index
        assert all(f"/publik/pemilihan/{e}" in index for e in elections)
        for pair_id in pairs:
            status, page = get(app, f"/publik/pasangan/{pair_id}")
            assert status == 200 and "<title>LATIHAN" in page, pair_id
            assert 'id="practice"' in page
        # The NIK check finds a row of latih01's own list (paslon 1 of meja 1).
        own = next(
            rid
            for rid, f in pairs.items()
            if f["number"] == 1
            and (
                stored[f["election_id"]][1]["region_code"]
                == mejas(training.trainee_names(3))[0].region
            )
        )
        row = next(
            f
            for e, f in stored.values()
            if e == "supporter"
            and f["pair_id"] == own
            and len(str(f.get("nik"))) == 16
            and f.get("birth_date")
        )
        matches = Public(state).checker().lookup(row["nik"], row["birth_date"])
        assert matches and {(m.pair_id, m.pair_number) for m in matches} == {(own, 1)}
    finally:
        state.engine.dispose()
