"""PDF reports drawn with Qt's own PDF writer: the recap and a berita acara draft.

Both are built from :class:`~silon_desktop.reports.recap.PairRecap`, the same
figures as the B.2-KWK export and the dashboard, laid out as HTML in a
``QTextDocument`` and printed to a ``QPdfWriter`` (A4). Every value coming from
data is HTML-escaped: a supporter list cannot inject markup into an official
document.

Functions (call them on any thread that may create Qt GUI objects; the tests
render offscreen):

- :func:`write_recap_pdf`: Rekapitulasi hasil verifikasi administrasi dukungan.
- :func:`write_berita_acara_pdf`: a berita acara draft, ready to sign.
- :func:`write_problem_list_pdf`: a problem list for the pair's LO (the import's
  problems, or the verification's BMS/TMS supporters), landscape.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import QBuffer, QCoreApplication, QIODevice, QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from silon_desktop.domain.problem_list import ProblemList
from silon_desktop.domain.text import group_thousands, long_date_id
from silon_desktop.reports.recap import PRACTICE_MARK, AreaCount, PairRecap
from silon_desktop.services import chart_figures
from silon_desktop.ui.charts import chart_images
from silon_desktop.ui.labels import reason_label
from sync.privacy import open_private, written_whole

#: The charts in the recap (drawn by ui.charts from the same recap) and their width in
#: the document's pixels (150 dpi: about 17 cm, the A4 text width).
PROGRESS_IMAGE = "chart-progress.png"
SPREAD_IMAGE = "chart-spread.png"
CHART_WIDTH = 1000
_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9pt; }
h1 { font-size: 13pt; text-align: center; margin: 0; }
h2 { font-size: 10.5pt; margin-top: 10pt; }
p.center { text-align: center; margin: 0; }
table.grid { border-collapse: collapse; }
table.grid td, table.grid th { border: 1px solid #444; padding: 2px 4px; }
th { background: #dde8f5; }
td.n { text-align: right; }
"""


def tr(text: str) -> str:
    return QCoreApplication.translate("PdfReports", text)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def long_date(day: dt.date) -> str:
    """``17 Agustus 2024``."""
    return long_date_id(day.day, day.month, day.year)


def write_recap_pdf(recap: PairRecap, target: str | Path) -> Path:
    """The recap of the verification of a pair's supporters, as PDF: of the
    administrative verification, and of the field verification too once a field
    verdict counts (:attr:`PairRecap.field_counted`).

    Raises:
        OSError: the file cannot be written there.
    """
    # The recap counts the verdict that counts last: the field's, where one was given.
    heading = (
        tr("REKAPITULASI HASIL VERIFIKASI ADMINISTRASI DAN FAKTUAL DUKUNGAN")
        if recap.field_counted
        else tr("REKAPITULASI HASIL VERIFIKASI ADMINISTRASI DUKUNGAN")
    )
    body = [
        _practice(recap.practice),
        f"<h1>{_e(heading)}</h1>",
        f"<p class='center'>{_e(tr('Bakal Pasangan Calon Perseorangan'))}</p>",
        f"<p class='center'>{_e(recap.election_label)}</p><br/>",
        _identity_table(recap),
        f"<h2>{_e(tr('A. Jumlah dukungan'))}</h2>",
        _totals_table(recap),
        f"<h2>{_e(tr('B. Sebaran dukungan per wilayah'))}</h2>",
        _areas_table(recap),
        f"<h2>{_e(tr('Grafik: dukungan MS terhadap syarat dan sebarannya'))}</h2>",
        f"<p><img src='{PROGRESS_IMAGE}' width='{CHART_WIDTH}'/></p>",
        f"<p><img src='{SPREAD_IMAGE}' width='{CHART_WIDTH}'/></p>",
        f"<h2>{_e(tr('C. Alasan belum/tidak memenuhi syarat'))}</h2>",
        _reasons_table(recap),
        standing_paragraph(recap),
        f"<p>{_e(tr('Dicetak oleh Silon Desktop pada'))} "
        f"{_e(long_date(recap.generated_at.date()))} "
        f"{_e(recap.generated_at.strftime('%H:%M'))}.</p>",
    ]
    title = (
        tr("Rekapitulasi verifikasi administrasi dan faktual")
        if recap.field_counted
        else tr("Rekapitulasi verifikasi administrasi")
    )
    progress, spread = chart_figures(recap)
    progress_image, spread_image = chart_images(progress, spread, group_thousands, CHART_WIDTH)
    return _print(
        "".join(body),
        target,
        f"LATIHAN - {title}" if recap.practice else title,
        {PROGRESS_IMAGE: progress_image, SPREAD_IMAGE: spread_image},
    )


def _practice(practice: bool) -> str:
    """The LATIHAN band on top of a printout of practice data ("" for real data)."""
    if not practice:
        return ""
    return (
        "<table width='100%' cellpadding='6' style='background:#b00020'><tr><td align='center'>"
        f"<b style='color:white'>{_e(PRACTICE_MARK)}</b></td></tr></table>"
    )


def write_berita_acara_pdf(
    recap: PairRecap,
    target: str | Path,
    *,
    place: str = "",
    day: dt.date | None = None,
    number: str = "",
    signatories: tuple[str, ...] = ("Ketua", "Anggota", "Anggota", "Anggota", "Anggota"),
) -> Path:
    """A berita acara (official minutes) draft of the administrative verification.

    Args:
        recap: the pair's figures.
        place: where the plenary is held (the KPU office's town).
        day: date of the minutes (default: today).
        number: the minutes' number; dots are left to fill in by hand when empty.
        signatories: roles of the commissioners who sign.

    Raises:
        OSError: the file cannot be written there.
    """
    day = day or dt.date.today()
    weekday = _DAYS[day.weekday()]
    # A kab/kota's share of a governor pair is recapped by that kab/kota's KPU.
    seat = recap.share_name if recap.share else recap.region_name
    office = f"KPU {seat}" if seat else "KPU"
    stage = recap.stage_title or tr("Verifikasi administrasi")
    opening = tr(
        "Pada hari ini {weekday}, tanggal {date}, bertempat di {place}, {office} telah "
        "melaksanakan rapat pleno rekapitulasi hasil {stage} dokumen "
        "dukungan Bakal Pasangan Calon Perseorangan {pair} dalam {election}, dengan "
        "hasil sebagai berikut:"
    ).format(
        stage=stage.lower(),
        weekday=weekday,
        date=long_date(day),
        place=place or "....................",
        office=office,
        pair=recap.pair_label,
        election=recap.election_label,
    )
    body = [
        _practice(recap.practice),
        f"<h1>{_e(tr('BERITA ACARA'))}</h1>",
        f"<p class='center'>{_e(tr('Nomor'))}: {_e(number or '......../PL.02-BA/......../20....')}</p>",
        f"<p class='center'><b>{_e(tr('REKAPITULASI HASIL'))} {_e(stage.upper())} "
        f"{_e(tr('DUKUNGAN BAKAL PASANGAN CALON PERSEORANGAN'))}</b></p>",
        f"<p class='center'>{_e(recap.election_label)}</p><br/>",
        f"<p>{_e(opening)}</p>",
        _totals_table(recap),
        f"<h2>{_e(tr('Sebaran dukungan'))}</h2>",
        _areas_table(recap),
        _conclusion(recap),
        standing_paragraph(recap),
        f"<p>{_e(tr('Demikian berita acara ini dibuat untuk dipergunakan sebagaimana mestinya.'))}</p>",
        f"<p>{_e(place or '....................')}, {_e(long_date(day))}</p>",
        _signatures(office, signatories),
    ]
    title = tr("Berita acara") + f" {stage.lower()}"
    return _print("".join(body), target, f"LATIHAN - {title}" if recap.practice else title)


def _conclusion(recap: PairRecap) -> str:
    """The berita acara's conclusion: the pair meets the requirement or not; for a
    kab/kota's share of a governor pair, that the province decides (its own share
    never meets the province's threshold, and the minutes of a kab/kota's plenary
    do not declare the pair short of it)."""
    if recap.share:
        text = tr(
            "Hasil tersebut adalah dukungan yang diverifikasi oleh KPU {share}, bagian dari "
            "dukungan Bakal Pasangan Calon dalam {election}. Pemenuhan syarat jumlah "
            "minimal dan sebaran dukungan ditetapkan dalam rapat pleno rekapitulasi "
            "KPU {region}."
        ).format(share=recap.share_name, election=recap.election_label, region=recap.region_name)
        return f"<p>{_e(text)}</p>"
    verdict = _verdict(recap.meets_threshold, recap.meets_spread)
    return (
        f"<p>{_e(tr('Berdasarkan hasil tersebut, dukungan Bakal Pasangan Calon dinyatakan'))} "
        f"<b>{_e(verdict)}</b> {_e(tr('syarat jumlah minimal dan sebaran dukungan.'))}</p>"
    )


def standing_text(recap: PairRecap) -> str:
    """How the counted data stood with the server ("" when not known): printed on
    the recap and the berita acara, asked about before the latter."""
    return recap.standing.words() if recap.standing is not None else ""


def standing_paragraph(recap: PairRecap) -> str:
    """:func:`standing_text` as a paragraph (bold when it warns)."""
    text = standing_text(recap)
    if not text:
        return ""
    confirmed = recap.standing is not None and recap.standing.confirmed
    return f"<p>{_e(text)}</p>" if confirmed else f"<p><b>{_e(text)}</b></p>"


def _verdict(meets: bool | None, spread_ok: bool | None) -> str:
    """MEMENUHI only when both are known and met; BELUM as soon as one is known
    and not met; else a blank to fill (an unknown spread is not a failed one)."""
    if meets is False or spread_ok is False:
        return tr("BELUM MEMENUHI")
    if meets and spread_ok:
        return tr("MEMENUHI")
    return tr("(diisi setelah DPT ditetapkan)")


def _identity_table(recap: PairRecap) -> str:
    rows = [
        (tr("Pemilihan"), recap.election_label),
        (tr("Bakal pasangan calon"), recap.pair_label),
        (tr("Wilayah"), f"{recap.region_name} ({recap.region_code})"),
        *(
            [(tr("Dukungan yang direkap"), f"{recap.share_name} ({recap.share_code})")]
            if recap.share
            else []
        ),
        (tr("Jumlah DPT"), group_thousands(recap.dpt)),
        (tr("Aturan"), recap.rule_set),
    ]
    cells = "".join(f"<tr><td>{_e(k)}</td><td>: {_e(v)}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def _totals_table(recap: PairRecap) -> str:
    t = recap.totals
    rows = [
        (tr("Jumlah dukungan diserahkan"), group_thousands(t.total)),
        (tr("Memenuhi syarat (MS)"), group_thousands(t.ms)),
        (tr("Belum memenuhi syarat (BMS)"), group_thousands(t.bms)),
        (tr("Tidak memenuhi syarat (TMS)"), group_thousands(t.tms)),
        (tr("Belum diverifikasi"), group_thousands(t.unchecked)),
        (
            tr("Perkiraan pemeriksaan otomatis (bukan hasil verifikasi)"),
            f"MS {group_thousands(recap.forecast.ms)} / BMS {group_thousands(recap.forecast.bms)}"
            f" / TMS {group_thousands(recap.forecast.tms)}",
        ),
        *(
            [(tr("Jumlah MS seluruh tahap sampai kini"), group_thousands(recap.ms_total))]
            if recap.stage_id
            else []
        ),
        *(_share_rows(recap) if recap.share else _requirement_rows(recap)),
    ]
    cells = "".join(f"<tr><td>{_e(k)}</td><td class='n'>{_e(v)}</td></tr>" for k, v in rows)
    return f"<table class='grid' cellspacing='0'>{cells}</table>"


def _requirement_rows(recap: PairRecap) -> list[tuple[str, str]]:
    """The pair's threshold and spread against its MS supporters."""
    level = tr("kab/kota") if recap.spread_level == "kabkota" else tr("kecamatan")
    return [
        (tr("Syarat minimal dukungan"), group_thousands(recap.required)),
        (tr("Kekurangan dukungan"), group_thousands(recap.shortfall if recap.required else None)),
        *_correction_rows(recap),
        (
            tr("Sebaran: wilayah dengan dukungan MS"),
            f"{recap.spread_met} / {group_thousands(recap.subregion_count)} {level}",
        ),
        (tr("Syarat minimal sebaran"), f"{group_thousands(recap.spread_required)} {level}"),
    ]


def _share_rows(recap: PairRecap) -> list[tuple[str, str]]:
    """A kab/kota's share of a governor pair: the province's requirement for
    reference, no shortfall, correction or spread of its own (the province's recap
    adds every kab/kota's share up)."""
    return [
        (
            tr("Syarat minimal dukungan tingkat provinsi"),
            group_thousands(recap.required),
        ),
        (
            tr("Syarat minimal sebaran tingkat provinsi"),
            f"{group_thousands(recap.spread_required)} {tr('kab/kota')}",
        ),
    ]


def _correction_rows(recap: PairRecap) -> list[tuple[str, str]]:
    """What the correction round must bring (the dashboard's figure), when
    something is missing."""
    need = recap.correction
    if need is None or not (need.supporters or need.areas):
        return []
    level = tr("kab/kota") if recap.spread_level == "kabkota" else tr("kecamatan")
    if not need.new_supporters_only:
        text = tr("%1 dukungan (dua kali kekurangan)").replace(
            "%1", group_thousands(need.supporters)
        )
    else:
        text = tr("paling sedikit %1 dukungan dari pendukung baru").replace(
            "%1", group_thousands(need.supporters)
        )
        if need.areas:
            text += (
                tr(", tersebar di paling sedikit %1 %2 lagi")
                .replace("%1", str(need.areas))
                .replace("%2", level)
            )
    return [(tr("Syarat masa perbaikan"), text)]


def _areas_table(recap: PairRecap) -> str:
    level = tr("Kab/Kota") if recap.spread_level == "kabkota" else tr("Kecamatan")
    head = "".join(
        f"<th>{_e(h)}</th>"
        for h in (tr("No"), tr("Kode"), level, "MS", "BMS", "TMS", tr("Belum"), tr("Jumlah"))
    )
    rows = [_area_row(i, area) for i, area in enumerate(recap.areas, start=1)]
    t = recap.totals
    total = "".join(
        f"<td class='n'><b>{group_thousands(v)}</b></td>"
        for v in (t.ms, t.bms, t.tms, t.unchecked, t.total)
    )
    rows.append(f"<tr><td></td><td></td><td><b>{_e(tr('JUMLAH'))}</b></td>{total}</tr>")
    return (
        f"<table class='grid' cellspacing='0' width='100%'><tr>{head}</tr>{''.join(rows)}</table>"
    )


def _area_row(index: int, area: AreaCount) -> str:
    numbers = "".join(
        f"<td class='n'>{group_thousands(v)}</td>"
        for v in (area.ms, area.bms, area.tms, area.unchecked, area.total)
    )
    return f"<tr><td>{index}</td><td>{_e(area.code)}</td><td>{_e(area.name)}</td>{numbers}</tr>"


def _reasons_table(recap: PairRecap) -> str:
    if not recap.reasons:
        return f"<p>{_e(tr('Tidak ada.'))}</p>"
    rows = [
        f"<tr><td>{_e(reason_label(code))}</td><td class='n'>{group_thousands(count)}</td></tr>"
        for code, count in recap.reasons.items()
    ]
    head = f"<tr><th>{_e(tr('Alasan'))}</th><th>{_e(tr('Jumlah'))}</th></tr>"
    return f"<table class='grid' cellspacing='0'>{head}{''.join(rows)}</table>"


def _signatures(office: str, roles: tuple[str, ...]) -> str:
    cells = "".join(
        f"<tr><td width='40%'>{_e(tr(role))}</td><td width='35%'>(....................................)"
        f"</td><td>{_e(tr('Tanda tangan'))}: ..................</td></tr><tr><td colspan='3'>"
        "&nbsp;</td></tr>"
        for role in roles
    )
    return f"<p><b>{_e(office)}</b></p><table width='100%'>{cells}</table>"


def write_problem_list_pdf(
    problems: ProblemList, target: str | Path, printed_at: dt.datetime | None = None
) -> Path:
    """A problem list (title, its lines of explanation, one table row per problem).

    Raises:
        OSError: the file cannot be written there.
    """
    moment = printed_at or dt.datetime.now()
    head = "".join(f"<th>{_e(h)}</th>" for h in problems.header)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_e(c)}</td>" for c in line.cells) + "</tr>"
        for line in problems.lines
    )
    if not problems.lines:
        rows = f"<tr><td colspan='{len(problems.header)}'>{_e(tr('Tidak ada masalah.'))}</td></tr>"
    body = (
        _practice(problems.practice)
        + f"<h1>{_e(problems.title)}</h1><br/>"
        + "".join(f"<p>{_e(line)}</p>" for line in problems.subtitle)
        + "<br/><table class='grid' width='100%' cellspacing='0'>"
        f"<tr>{head}</tr>{rows}</table>"
        f"<p>{_e(tr('Dicetak oleh Silon Desktop pada'))} {_e(long_date(moment.date()))} "
        f"{_e(moment.strftime('%H:%M'))}.</p>"
    )
    title = problems.title.capitalize()
    title = f"LATIHAN - {title}" if problems.practice else title
    return _print(body, target, title, landscape=True)


def write_html_pdf(body: str, target: str | Path, title: str, *, practice: bool = False) -> Path:
    """A page of HTML (already escaped) as a PDF at ``target``, written whole or not
    at all (:func:`_print`): the receipt of a record's filing. ``practice``: of practice
    data (a training server's receipt), under the LATIHAN band and title.

    Raises:
        OSError: the file cannot be written there.
    """
    return _print(_practice(practice) + body, target, f"LATIHAN - {title}" if practice else title)


def _print(
    body: str,
    target: str | Path,
    title: str,
    images: dict[str, QImage] | None = None,
    *,
    landscape: bool = False,
) -> Path:
    """Lay out ``body`` on A4 and write the PDF to ``target``.

    The PDF is drawn into memory and then written with Python's ``open``: Qt's
    writer given an unwritable path (a folder that is gone, a file held open
    by a PDF viewer on Windows) only logs a warning and draws nothing, so the
    operator would be told of a file that does not exist. It is written beside
    ``target`` under a passing name and put in place whole: a disk that fills up
    halfway leaves an earlier file of that name as it was (a berita acara printed
    again under the day's name), never a cut PDF.

    Raises:
        OSError: the file cannot be written there.
    """
    path = Path(target)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("Silon Desktop")
    writer.setResolution(150)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.setDefaultStyleSheet(_STYLE)
    for name, image in (images or {}).items():
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    document.setHtml(f"<html><body>{body}</body></html>")
    document.setPageSize(QSizeF(writer.width(), writer.height()))
    document.print_(writer)
    del writer  # the PDF is complete once the writer is gone
    data = bytes(buffer.data().data())
    buffer.close()
    with written_whole(path) as partial, open_private(partial) as handle:
        handle.write(data)
    return path
