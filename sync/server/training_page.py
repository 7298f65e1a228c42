"""The trainer's page of a training server, and the printable account sheet.

Registered only in training mode. Pages need the trainer key printed at start
(``?kunci=...``); they show practice data only (accounts, lesson names and the
practice names of planted rows), never anything of a real server.

- ``GET /latihan/pelatih``: every trainee, each lesson done right / wrong / open
  against the key, computed from the server's records on every load (the page
  reloads itself every 10 seconds, so it follows the room as laptops sync).
- ``GET /latihan/lembar``: the account sheet to print and cut for the desks.
- ``POST /latihan/bundel``: import a trainee's USB bundle (the body is the file);
  the bundle lesson counts verdicts that arrived this way.
- ``GET /v1/training``: the server's identity, for laptops (no key needed).

The routes are in :mod:`sync.server.routes.training`.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from sqlalchemy import Engine, select

from sync.server.db import read_tx
from sync.server.schema import users

STYLE = """
body{font-family:system-ui,"Segoe UI",Arial,sans-serif;margin:1.5rem;color:#222}
.latihan{background:#b00020;color:#fff;font-weight:700;padding:.4rem .8rem;letter-spacing:.1em;
  display:inline-block;border-radius:4px}
table{border-collapse:collapse;margin-top:1rem;font-size:.9rem}
th,td{border:1px solid #999;padding:.3rem .45rem;text-align:center;vertical-align:top}
th{background:#eee} td.nama{text-align:left;white-space:nowrap}
td.benar{background:#d7f5dc} td.salah{background:#fbd5d5} td.belum{color:#888}
.kecil{font-size:.75rem;color:#555}
.kartu{border:1px dashed #555;padding:.8rem 1rem;margin:.6rem 0;width:30rem;break-inside:avoid;
  page-break-inside:avoid}
.kartu h2{margin:.1rem 0 .4rem;font-size:1.1rem}
.kartu dl{display:grid;grid-template-columns:9rem 1fr;margin:0} .kartu dt{font-weight:600}
.kartu dd{margin:0;font-family:ui-monospace,Consolas,monospace}
@media print{body{margin:0}.tanpa-cetak{display:none}.latihan{border:2px solid #000;color:#000;
  background:#fff}}
"""


def _page(title: str, body: str, refresh: int = 0) -> str:
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        f"<title>LATIHAN - {escape(title)}</title>{meta}<style>{STYLE}</style></head>"
        f'<body><div class="latihan">LATIHAN</div> <h1 style="display:inline;margin-left:.5rem;'
        f'font-size:1.3rem">{escape(title)}</h1>{body}</body></html>'
    )


def _regions(engine: Engine) -> dict[str, str]:
    with read_tx(engine) as conn:
        return {
            r.username: r.region for r in conn.execute(select(users.c.username, users.c.region))
        }


def trainer_view(engine: Engine) -> str:
    from silon_desktop.domain.regions import default_table
    from sync.server.training import seeded_trainees
    from sync.server.training_key import LESSONS, score

    names = seeded_trainees(engine)
    scores = score(engine, names)
    regions = _regions(engine)
    table = default_table()
    head = "".join(
        f'<th title="{escape(lesson.hint)}">{i}<br><span class="kecil">{escape(lesson.title)}'
        "</span></th>"
        for i, lesson in enumerate(LESSONS, 1)
    )
    rows = []
    for n, s in enumerate(scores):
        region = regions.get(s.trainee, "")
        cells = []
        for lesson in LESSONS:
            mark = s.marks.get(lesson.code)
            if mark is None:
                cells.append('<td class="belum">-</td>')
            elif not mark.done:
                cells.append(f'<td class="belum" title="{escape(mark.detail)}">belum</td>')
            elif mark.right:
                cells.append(f'<td class="benar" title="{escape(mark.detail)}">benar</td>')
            else:
                cells.append(f'<td class="salah" title="{escape(mark.detail)}">salah</td>')
        seen = dt.datetime.fromtimestamp(s.last_sync).strftime("%H:%M:%S") if s.last_sync else "-"
        rows.append(
            f'<tr><td class="nama">{escape(s.trainee)}<br><span class="kecil">meja {n // 2 + 1}'
            f", {escape(table.name(region) or region)}, paslon {n % 2 + 1}</span></td>"
            f"{''.join(cells)}<td>{s.right}</td><td>{s.wrong}</td><td>{s.open}</td>"
            f"<td>{seen}</td></tr>"
        )
    body = (
        f"<p>{len(names)} peserta. Dihitung dari data di server latihan setiap kali halaman "
        "dimuat (otomatis tiap 10 detik). Arahkan tetikus ke sel untuk melihat isian peserta.</p>"
        f"<table><tr><th>Peserta</th>{head}<th>Benar</th><th>Salah</th><th>Belum</th>"
        f"<th>Sinkron terakhir</th></tr>{''.join(rows)}</table>"
        '<div class="tanpa-cetak" style="margin-top:1rem"><b>Impor bundel USB peserta:</b> '
        '<input type="file" id="bundel"> <span id="hasil"></span></div>'
        "<script>document.getElementById('bundel').onchange=async e=>{const f=e.target.files[0];"
        "if(!f)return;const r=await fetch('bundel'+location.search,{method:'POST',body:f});"
        "document.getElementById('hasil').textContent=r.ok?'Bundel diimpor.':"
        "'Bundel ditolak: '+(await r.text());};</script>"
    )
    return _page("Halaman pelatih", body, refresh=10)


def account_sheet(engine: Engine, address: str) -> str:
    """One card per trainee (account, password, address, desk) plus the trainer's."""
    from silon_desktop.domain.regions import default_table
    from sync.server.training import PASSWORD, TRAINER, seeded_trainees, trainer_password
    from sync.server.training_key import load_key

    names = seeded_trainees(engine)
    regions = _regions(engine)
    table = default_table()
    with read_tx(engine) as conn:
        key = load_key(conn)
    cards = []
    for n, name in enumerate(names):
        region = regions.get(name, "")
        partner = names[n + 1] if n % 2 == 0 and n + 1 < len(names) else ""
        partner = names[n - 1] if n % 2 == 1 else partner
        tasks = [p for p in key if p.trainee == name and p.lesson in ("menolak", "bundel")]
        shared = sorted(
            {p.label.split(" (")[0] for p in key if p.trainee == name and p.lesson == "konflik"}
        )
        field_card = next((p.label for p in tasks if p.lesson == "menolak"), "")
        bundle_row = next((p.label for p in tasks if p.lesson == "bundel"), "")
        extra = (
            f"<dt>Verfak</dt><dd>{escape(field_card)} menyatakan TIDAK mendukung</dd>"
            f"<dt>Bundel USB</dt><dd>verifikasi {escape(bundle_row)}, kirim lewat bundel</dd>"
        )
        if partner:
            extra += (
                f"<dt>Konflik (dengan {escape(partner)})</dt><dd>paslon 3, "
                f"{escape(' dan '.join(shared))}: RT 070 salah ketik. Ubah RT keduanya "
                "(KTP: 007, KK: 008) lalu sinkron; bila muncul konflik, pilih nilai KTP.</dd>"
            )
        cards.append(
            f'<div class="kartu"><span class="latihan">LATIHAN</span>'
            f"<h2>Meja {n // 2 + 1} &middot; {escape(name)}</h2><dl>"
            f"<dt>Alamat server</dt><dd>{escape(address)}</dd>"
            f"<dt>Nama pengguna</dt><dd>{escape(name)}</dd>"
            f"<dt>Kata sandi</dt><dd>{escape(PASSWORD)}</dd>"
            f"<dt>Wilayah latihan</dt><dd>{escape(table.name(region) or region)}</dd>"
            f"<dt>Paslon Anda</dt><dd>nomor {n % 2 + 1}</dd>{extra}</dl></div>"
        )
    cards.append(
        f'<div class="kartu"><span class="latihan">LATIHAN</span><h2>Pelatih</h2><dl>'
        f"<dt>Alamat server</dt><dd>{escape(address)}</dd>"
        f"<dt>Nama pengguna</dt><dd>{escape(TRAINER)}</dd>"
        f"<dt>Kata sandi</dt><dd>{escape(trainer_password(engine))}</dd></dl></div>"
    )
    body = (
        '<p class="tanpa-cetak">Cetak halaman ini (Ctrl+P) lalu gunting per kartu. '
        "Data di server latihan adalah data rekaan, bukan data sungguhan.</p>" + "".join(cards)
    )
    return _page("Lembar akun peserta", body)
