"""The recap and berita acara PDFs, rendered offscreen with Qt's PDF writer and read back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pypdf
import pytest
from pytestqt.qtbot import QtBot

from silon_desktop.importers.store import import_file
from silon_desktop.reports.recap import PairRecap, pair_recap
from silon_desktop.storage.db import open_database
from silon_desktop.ui.pdf_reports import write_berita_acara_pdf, write_recap_pdf
from tests.fixtures import seed_election, verify_as_forecast
from tests.unit.importers.sheets import supporter_rows, write_xlsx


@pytest.fixture
def recap(tmp_path: Path) -> PairRecap:
    db = open_database(tmp_path / "silon.db")
    seed_election(
        db,
        name="Pemilihan Bupati dan Wakil Bupati Purwakarta Tahun 2024",
        number=2,
        head_name="<b>Asep</b> & =cmd|' /C calc'!A0",
        deputy_name="Euis Sumiati",
    )
    rows = supporter_rows(40)
    rows[0][1] = "123"
    import_file(db, write_xlsx(tmp_path / "d.xlsx", rows), "p1", assume_id_scan=True)
    verify_as_forecast(db)  # the operators confirmed every forecast
    figures = pair_recap(db.engine, "p1")
    db.close()
    return figures


def test_berita_acara_of_a_round_counts_only_human_ms_of_that_round(
    qtbot: QtBot, tmp_path: Path
) -> None:
    db = open_database(tmp_path / "silon.db")
    seed_election(db, name="Pemilihan Bupati Purwakarta 2024", number=1, head_name="Asep")
    first = supporter_rows(6)
    import_file(db, write_xlsx(tmp_path / "a.xlsx", first), "p1", assume_id_scan=True)
    verify_as_forecast(db, where={"round": "submission"})  # 6 MS in the administrative check
    later = supporter_rows(4, seed=9, start_sequence=500)
    import_file(
        db, write_xlsx(tmp_path / "b.xlsx", later), "p1", assume_id_scan=True, round="correction_1"
    )
    # Of the 4 correction rows a person verified 2 (MS); 2 are only forecast MS.
    from sqlalchemy import select

    from silon_desktop.storage.models import Supporter

    with db.session(readonly=True) as session:
        late = session.scalars(
            select(Supporter.id).where(Supporter.round == "correction_1").order_by(Supporter.nik)
        ).all()
    assert len(late) == 4
    from silon_desktop.storage.repository import Repository

    repo = Repository(db, device_id="dev", user="verifikator")
    for record_id in late[:2]:
        repo.update("supporter", record_id, {"admin_status": "MS", "admin_by": "verifikator"})
    round_recap = pair_recap(db.engine, "p1", "vermin_correction_1")
    assert (round_recap.totals.ms, round_recap.totals.unchecked, round_recap.totals.total) == (
        2,
        2,
        4,
    )
    assert round_recap.forecast.ms == 4  # the forecast is beside it, never counted
    assert round_recap.ms_total == 8  # the threshold counts every round's human MS
    first_round = pair_recap(db.engine, "p1", "vermin")
    assert (first_round.totals.ms, first_round.totals.total) == (6, 6)
    db.close()
    out = write_berita_acara_pdf(round_recap, tmp_path / "ba.pdf", day=dt.date(2024, 8, 17))
    _, text = text_of(out)
    text = text.replace("\ufb01", "fi")  # the PDF's "fi" ligature
    assert "REKAPITULASI HASIL VERIFIKASI ADMINISTRASI PERBAIKAN I" in text
    assert "Jumlah dukungan diserahkan 4" in text
    assert "Memenuhi syarat (MS) 2" in text and "Belum diverifikasi 2" in text
    assert "bukan hasil verifikasi) MS 4" in text
    assert "Jumlah MS seluruh tahap sampai kini 8" in text


def text_of(path: Path) -> tuple[int, str]:
    reader = pypdf.PdfReader(str(path))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def test_recap_pdf(qtbot: QtBot, recap: PairRecap, tmp_path: Path) -> None:
    out = write_recap_pdf(recap, tmp_path / "rekap.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert 5_000 < len(data) < 2_000_000
    pages, text = text_of(out)
    assert pages >= 1
    assert "REKAPITULASI HASIL VERIFIKASI ADMINISTRASI DUKUNGAN" in text
    assert "Pemilihan Bupati dan Wakil Bupati Purwakarta Tahun 2024" in text
    assert "Memenuhi syarat (MS) 39" in text
    assert "Tidak memenuhi syarat (TMS) 1" in text
    assert "Syarat minimal dukungan 55.045" in text
    assert "4 / 17 kecamatan" in text and "Syarat minimal sebaran 9 kecamatan" in text
    assert "Babakancikao" in text and "Kiarapedes" in text  # every kecamatan listed
    assert "NIK tidak sesuai format" in text
    assert "<b>Asep</b> & =cmd" in text  # escaped, printed as written
    # the dashboard's correction figure (2024: the shortfall, new supporters, the missing spread)
    assert recap.correction is not None and recap.correction.supporters == 55_006
    assert (
        "Syarat masa perbaikan paling sedikit 55.006 dukungan dari pendukung baru,"
        " tersebar di paling sedikit 5 kecamatan lagi" in text
    )


def test_recap_pdf_of_a_2020_pair_asks_twice_the_shortfall(
    qtbot: QtBot, recap: PairRecap, tmp_path: Path
) -> None:
    old_rules = dataclasses.replace(recap, rule_set="pilkada-2020")
    _, text = text_of(write_recap_pdf(old_rules, tmp_path / "rekap.pdf"))
    assert "Syarat masa perbaikan 110.012 dukungan (dua kali kekurangan)" in text


def test_berita_acara_pdf(qtbot: QtBot, recap: PairRecap, tmp_path: Path) -> None:
    out = write_berita_acara_pdf(
        recap, tmp_path / "ba.pdf", place="Purwakarta", day=dt.date(2024, 8, 17)
    )
    pages, text = text_of(out)
    assert 1 <= pages <= 3
    assert "BERITA ACARA" in text
    assert "Pada hari ini Sabtu, tanggal 17 Agustus 2024, bertempat di Purwakarta" in text
    assert "KPU Kabupaten Purwakarta" in text
    assert "Nomor 2: <b>Asep</b> & =cmd|' /C calc'!A0 - Euis Sumiati" in text
    assert "BELUM MEMENUHI" in text
    assert text.count("Anggota") == 4 and "Ketua" in text
    assert text.count("Tanda tangan") == 5


def _kabkota_share(recap: PairRecap) -> PairRecap:
    """The fixture's supporters as Kabupaten Purwakarta's share of a governor pair of
    Jawa Barat (what a kab/kota account's database holds of it)."""
    return dataclasses.replace(
        recap,
        election_kind="gubernur",
        election_name="Pemilihan Gubernur dan Wakil Gubernur Jawa Barat Tahun 2024",
        region_code="32",
        region_name="Jawa Barat",
        subregion_count=27,
        required=2_321_469,
        spread_required=14,
        share_code="32.14",
        share_name="Kabupaten Purwakarta",
    )


def test_a_kabkotas_berita_acara_of_a_governor_pair_leaves_the_verdict_to_the_province(
    qtbot: QtBot, recap: PairRecap, tmp_path: Path
) -> None:
    """A kab/kota verifies and recaps its share of a governor pair's supporters; the
    province's plenary adds the shares up and decides. The minutes a kab/kota signed
    were headed "KPU Jawa Barat" and declared the pair BELUM MEMENUHI the province's
    threshold, with a shortfall and a correction computed from the kab/kota's share
    alone (its 39 MS against 2,321,469)."""
    share = _kabkota_share(recap)
    _, text = text_of(
        write_berita_acara_pdf(
            share, tmp_path / "ba.pdf", place="Purwakarta", day=dt.date(2024, 8, 17)
        )
    )
    assert "KPU Kabupaten Purwakarta" in text and "KPU Jawa Barat telah" not in text
    assert "MEMENUHI syarat jumlah" not in text  # neither MEMENUHI nor BELUM MEMENUHI
    assert "oleh KPU Kabupaten Purwakarta, bagian dari dukungan" in text
    assert "rapat pleno rekapitulasi KPU Jawa Barat" in text
    assert "Memenuhi syarat (MS) 39" in text
    assert "Kekurangan dukungan" not in text and "Syarat masa perbaikan" not in text
    assert "Syarat minimal dukungan tingkat provinsi 2.321.469" in text
    _, recap_text = text_of(write_recap_pdf(share, tmp_path / "rekap.pdf"))
    assert "Dukungan yang direkap : Kabupaten Purwakarta (32.14)" in recap_text
    assert "Kekurangan dukungan" not in recap_text
    assert "Syarat masa perbaikan" not in recap_text
    # the province's own recap of the pair still decides, as before
    whole = dataclasses.replace(share, share_code="", share_name="")
    _, province = text_of(write_berita_acara_pdf(whole, tmp_path / "ba-prov.pdf"))
    assert "KPU Jawa Barat" in province and "BELUM MEMENUHI" in province


@pytest.mark.parametrize("writer", [write_recap_pdf, write_berita_acara_pdf])
def test_an_unwritable_target_raises_instead_of_pretending(
    qtbot: QtBot, recap: PairRecap, tmp_path: Path, writer: Any
) -> None:
    with pytest.raises(OSError):
        writer(recap, tmp_path / "hilang" / "x.pdf")
    with pytest.raises(OSError):
        writer(recap, tmp_path)  # a folder


@pytest.mark.parametrize("writer", [write_recap_pdf, write_berita_acara_pdf])
def test_a_full_disk_keeps_the_earlier_pdf_and_leaves_no_half_file(
    qtbot: QtBot, recap: PairRecap, tmp_path: Path, writer: Any, monkeypatch: Any
) -> None:
    """A berita acara printed again under the same name (the save dialog's default is
    the pair and the day; *Replace* confirmed) on a disk that fills up halfway: the
    earlier, complete PDF was truncated first and a cut PDF was left in its place,
    while the operator was told nothing was saved. Now the earlier file stays as it
    was and nothing of the failed one is left in the folder."""
    import errno

    from silon_desktop.ui import pdf_reports

    target = writer(recap, tmp_path / "berita-acara-paslon-2-2024-08-17.pdf")
    earlier = target.read_bytes()
    real_open = pdf_reports.open_private

    class FillsUp:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> FillsUp:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

    monkeypatch.setattr(
        pdf_reports, "open_private", lambda path, *a, **k: FillsUp(real_open(path, *a, **k))
    )
    with pytest.raises(OSError):
        writer(recap, target)
    assert target.read_bytes() == earlier
    assert [p.name for p in tmp_path.glob("berita-acara*")] == [target.name]


def test_berita_acara_does_not_fail_a_pair_on_an_unknown_spread(
    qtbot: QtBot, recap: PairRecap, tmp_path: Path
) -> None:
    met = dataclasses.replace(
        recap,
        totals=dataclasses.replace(recap.totals, ms=60_000),
        subregion_count=None,
        spread_required=None,
    )
    assert met.meets_threshold is True and met.meets_spread is None
    _, text = text_of(write_berita_acara_pdf(met, tmp_path / "ba.pdf", day=dt.date(2024, 8, 17)))
    assert "BELUM MEMENUHI" not in text
    assert "(diisi setelah DPT ditetapkan)" in text


def test_both_pdfs_say_how_the_counted_data_stood_with_the_server(
    qtbot: QtBot, recap: PairRecap, tmp_path: Path
) -> None:
    from silon_desktop.reports.recap import SyncStanding

    # Imported here and never synced: the server has none of it.
    assert recap.standing is not None and recap.standing.last_sync is None
    assert recap.standing.waiting >= 40 and not recap.standing.confirmed
    waiting = f"{recap.standing.waiting:,}".replace(",", ".")
    for writer in (write_recap_pdf, write_berita_acara_pdf):
        _, text = text_of(writer(recap, tmp_path / "unsynced.pdf"))
        assert (
            f"PERHATIAN: {waiting} perubahan data dukungan pasangan calon ini di komputer ini belum"
            " diterima server. Angka di atas belum tentu sama dengan data di server" in text
        )
    at = dt.datetime(2024, 8, 17, 2, 30, tzinfo=dt.UTC)
    synced = dataclasses.replace(recap, standing=SyncStanding(0, 0, at))
    local = at.astimezone()
    _, text = text_of(write_berita_acara_pdf(synced, tmp_path / "synced.pdf"))
    assert "PERHATIAN" not in text
    assert (
        "Semua perubahan data dukungan pasangan calon ini di komputer ini telah diterima server"
        f" (sinkronisasi terakhir {local.day} Agustus 2024 pukul {local:%H:%M})." in text
    )
    both = dataclasses.replace(recap, standing=SyncStanding(3, 2, at))
    _, text = text_of(write_recap_pdf(both, tmp_path / "both.pdf"))
    text = text.replace("\ufb02", "fl")  # the PDF's "fl" ligature
    assert (
        "3 perubahan data dukungan pasangan calon ini di komputer ini belum diterima server dan 2"
        in (text)
    )
    assert "konflik belum diselesaikan" in text
    never = dataclasses.replace(recap, standing=SyncStanding(0, 0, None))
    _, text = text_of(write_recap_pdf(never, tmp_path / "never.pdf"))
    assert "belum pernah disinkronkan dengan server" in text


def test_a_receipt_that_cannot_be_written_is_not_reported_as_printed(
    qtbot: QtBot, tmp_path: Path, monkeypatch: Any
) -> None:
    """*Cetak tanda terima (PDF)* drew the operator's proof of filing straight into a
    ``QPdfWriter`` on the chosen path: on a folder that is gone (a stick pulled out) or
    not writable, Qt only logged ``QPainter::begin(): Returned false``, no file was
    made, and the dialog said nothing: the operator left believing the proof saved.
    Now the file is written whole or not at all and the failure is said, naming it."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from silon_desktop.ui.history_dialog import HistoryDialog

    class Receipt:  # the dialog's own parts the printing uses
        backend = SimpleNamespace(practice=False)

        def tr(self, text: str) -> str:
            return text

        def receipt_html(self) -> str:
            return "<h2>Tanda terima penyerahan data</h2><p>versi 3</p>"

    written = HistoryDialog.print_receipt(Receipt(), tmp_path / "tanda-terima.pdf")  # type: ignore[arg-type]
    assert written.read_bytes().startswith(b"%PDF")
    gone = tmp_path / "flashdisk" / "tanda-terima.pdf"
    with pytest.raises(OSError):
        HistoryDialog.print_receipt(Receipt(), gone)  # type: ignore[arg-type]
    assert not gone.parent.exists()
    said: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(gone), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: said.append(text))
    stand_in = Receipt()
    stand_in.print_receipt = lambda path: HistoryDialog.print_receipt(stand_in, path)  # type: ignore[attr-defined]
    stand_in.record_id = "abcdef0123456789"  # type: ignore[attr-defined]
    stand_in.entity = "pair"  # type: ignore[attr-defined]
    HistoryDialog._ask_and_print(stand_in)  # type: ignore[arg-type]
    assert len(said) == 1 and "tanda-terima.pdf" in said[0] and "tidak dapat disimpan" in said[0]


def test_a_recap_counting_field_verdicts_is_titled_so(qtbot: QtBot, tmp_path: Path) -> None:
    """The recap PDF counts the verdict that counts last: after field verification a
    supporter not found (NOT_FOUND) is TMS there and its reason is listed, under a
    title that said the figures were those of the administrative verification."""
    from sqlalchemy import select

    from silon_desktop.storage.models import Supporter
    from silon_desktop.storage.repository import Repository

    db = open_database(tmp_path / "silon.db")
    seed_election(db, name="Pemilihan Bupati Purwakarta 2024", number=1, head_name="Asep")
    import_file(db, write_xlsx(tmp_path / "d.xlsx", supporter_rows(6)), "p1", assume_id_scan=True)
    verify_as_forecast(db)
    office = pair_recap(db.engine, "p1")
    _, text = text_of(write_recap_pdf(office, tmp_path / "office.pdf"))
    assert "REKAPITULASI HASIL VERIFIKASI ADMINISTRASI DUKUNGAN" in text
    with db.session(readonly=True) as session:
        first = session.scalars(select(Supporter.id).order_by(Supporter.nik)).first()
    assert first is not None
    Repository(db, device_id="dev", user="pps").update(
        "supporter",
        first,
        {"field_status": "TMS", "field_reasons": ["NOT_FOUND"], "field_method": "rumah"},
    )
    both = pair_recap(db.engine, "p1")
    db.close()
    assert (both.totals.ms, both.totals.tms) == (5, 1) and both.reasons == {"NOT_FOUND": 1}
    _, text = text_of(write_recap_pdf(both, tmp_path / "both.pdf"))
    assert "REKAPITULASI HASIL VERIFIKASI ADMINISTRASI DAN FAKTUAL DUKUNGAN" in text
    assert "Tidak memenuhi syarat (TMS) 1" in text


def test_a_supporters_receipt_warns_of_personal_data_and_batal_writes_nothing(
    qtbot: QtBot, backend: Any, seeded: dict[str, str], tmp_path: Path, monkeypatch: Any
) -> None:
    """A supporter's receipt prints the person's NIK, name, birth date and address: it
    was saved without the "Data pribadi" warning every other file of citizens' data
    asks first (README, Citizens' data on the PC). Batal writes nothing."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from silon_desktop.ui.history_dialog import HistoryDialog

    supporter = backend.list("supporter")[0]
    dialog = HistoryDialog(backend, "supporter", supporter["id"])
    qtbot.addWidget(dialog)
    target = tmp_path / "tanda-terima.pdf"
    asked: list[str] = []
    warned: list[str] = []
    answers = iter([QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Ok])

    def save_as(*_a: Any, **_k: Any) -> tuple[str, str]:
        asked.append("asked")
        return str(target), ""

    def exec_box(box: QMessageBox) -> QMessageBox.StandardButton:
        warned.append(box.text())
        return next(answers)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    dialog._ask_and_print()  # *Cetak tanda terima*, on once the server has it
    assert len(warned) == 1 and asked == [] and not target.exists()
    assert "data pribadi" in warned[0] and "NIK" in warned[0]
    dialog._ask_and_print()  # *Cetak tanda terima*, on once the server has it
    assert asked == ["asked"] and target.read_bytes().startswith(b"%PDF")
    pair = HistoryDialog(backend, "pair", seeded["pair"])  # no citizen's data: not asked
    qtbot.addWidget(pair)
    pair._ask_and_print()
    assert len(warned) == 2 and asked == ["asked", "asked"]


def test_a_receipt_on_a_full_disk_is_said_in_the_operators_words(
    qtbot: QtBot, backend: Any, seeded: dict[str, str], tmp_path: Path, monkeypatch: Any
) -> None:
    """The receipt's message named the system's English ("No space left on device")."""
    import errno

    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from silon_desktop.ui.history_dialog import HistoryDialog

    dialog = HistoryDialog(backend, "pair", seeded["pair"])
    qtbot.addWidget(dialog)
    target = tmp_path / "tanda-terima.pdf"

    def fills_up(_path: Path) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device", str(target) + ".partial")

    said: list[str] = []
    monkeypatch.setattr(dialog, "print_receipt", fills_up)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: said.append(text))
    dialog._ask_and_print()
    assert len(said) == 1 and str(target) in said[0]
    assert "Ruang disk penuh" in said[0] and "No space" not in said[0]


def test_a_receipt_its_folder_refuses_is_said_in_the_operators_words(
    qtbot: QtBot, backend: Any, seeded: dict[str, str], tmp_path: Path, monkeypatch: Any
) -> None:
    """A folder removed or write-protected: the message gave the system's English
    ("No such file or directory")."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from silon_desktop.ui.history_dialog import HistoryDialog

    dialog = HistoryDialog(backend, "pair", seeded["pair"])
    qtbot.addWidget(dialog)
    target = tmp_path / "hilang" / "tanda-terima.pdf"
    said: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: said.append(text))
    dialog._ask_and_print()
    assert len(said) == 1 and str(target) in said[0]
    assert "Folder tujuan tidak ada" in said[0] and "No such" not in said[0]
