"""The dashboard of one pair: support against the threshold, spread, correction shortfall."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from silon_desktop.services import Dashboard, Services, chart_figures
from silon_desktop.ui.charts import ProgressChart, SpreadChart
from silon_desktop.ui.i18n import format_count
from silon_desktop.ui.workers import JobRunner


class DashboardWidget(QWidget):
    """Figures computed on a worker thread, shown when ready.

    Signals:
        shown(object): the Dashboard now on screen.
    """

    shown = Signal(object)

    def __init__(self, backend: Services, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.jobs = jobs
        self.pair_id: str | None = None
        self.data: Dashboard | None = None
        #: the latest count started, and its pair (only it is drawn)
        self._counting = 0
        self._counted_pair: str | None = None
        self.title = QLabel()
        self.title.setObjectName("dashboardTitle")
        self.summary = QLabel()
        self.summary.setObjectName("dashboardSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("MS %v dari %m"))
        self.spread_label = QLabel()
        self.spread_label.setObjectName("dashboardSpread")
        self.spread_label.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("dashboardTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Wilayah"),
                self.tr("MS"),
                self.tr("BMS"),
                self.tr("TMS"),
                self.tr("Belum"),
                self.tr("Keterangan"),
            ]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # The same figures as pictures: progress to the threshold, the spread per area.
        self.progress_chart = ProgressChart(format_count)
        self.spread_chart = SpreadChart(format_count)
        self.spread_scroll = QScrollArea()
        self.spread_scroll.setObjectName("spreadChartScroll")
        self.spread_scroll.setWidgetResizable(True)
        self.spread_scroll.setWidget(self.spread_chart)
        self.spread_scroll.setMinimumWidth(360)
        self.lower = QSplitter(Qt.Orientation.Horizontal)
        self.lower.setChildrenCollapsible(False)
        self.lower.addWidget(self.spread_scroll)
        self.lower.addWidget(self.table)
        self.lower.setStretchFactor(0, 1)
        self.lower.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_chart)
        layout.addWidget(self.summary)
        layout.addWidget(self.spread_label)
        layout.addWidget(self.lower, 1)

    def set_pair(self, pair_id: str | None) -> None:
        self.pair_id = pair_id
        self.refresh()

    def refresh(self) -> None:
        if self.pair_id is None:
            return
        self.title.setText(self.tr("Menghitung..."))
        pair_id = self.pair_id
        # Only the latest count is drawn: a slow count of the pair left (or an older count
        # of this one) arriving last must not show under the pair now open.
        self._counting += 1
        counting, self._counted_pair = self._counting, pair_id
        job = self.jobs.start(lambda _p, _c: self.backend.dashboard(pair_id), "dashboard")
        job.finished.connect(lambda data: self._show(data) if self._latest(counting) else None)
        job.failed.connect(lambda message: self._latest(counting) and self.title.setText(message))

    def _latest(self, counting: int) -> bool:
        """Whether a count is the last one started (for the pair now open)."""
        return counting == self._counting and self._counted_pair == self.pair_id

    def _show(self, data: object) -> None:
        if not isinstance(data, Dashboard):
            return
        self.data = data
        ms = data.counts.get("MS", 0)
        self.title.setText(f"<b>{data.pair_label}</b> — {data.election_label}")
        self.progress.setMaximum(max(data.required or 0, 1))
        self.progress.setValue(min(ms, data.required or 0))
        self.progress.setFormat(  # Qt's %v/%m would print 55045, not 55.045
            self.tr("MS %1 dari %2")
            .replace("%1", format_count(ms))
            .replace("%2", format_count(data.required))
        )
        lines = [
            self.tr(
                "Hasil verifikasi: MS <b>%1</b>, BMS <b>%2</b>, TMS <b>%3</b>, "
                "belum diverifikasi %4, jumlah %5."
            )
            .replace("%1", format_count(ms))
            .replace("%2", format_count(data.counts.get("BMS", 0)))
            .replace("%3", format_count(data.counts.get("TMS", 0)))
            .replace("%4", format_count(data.counts.get("-", 0)))
            .replace("%5", format_count(data.counts.get("total", 0))),
            self.tr(
                "<i>Perkiraan pemeriksaan otomatis (bukan hasil verifikasi): "
                "MS %1, BMS %2, TMS %3.</i>"
            )
            .replace("%1", format_count(data.forecast["MS"]))
            .replace("%2", format_count(data.forecast["BMS"]))
            .replace("%3", format_count(data.forecast["TMS"])),
        ]
        if data.route == "partai":
            # A pair nominated by parties needs no supporters: the coalition is what counts.
            self.progress.hide()
            text = (
                self.tr(
                    "Pasangan ini diusung partai politik: syarat dukungan perseorangan tidak "
                    "berlaku. Gabungan %1 partai: <b>%2</b> kursi DPRD, <b>%3</b> suara sah."
                )
                .replace("%1", format_count(data.party_count))
                .replace("%2", format_count(data.party_seats))
                .replace("%3", format_count(data.party_votes))
            )
            if data.party_without_seats:
                text += " " + self.tr(
                    "%1 partai tanpa kursi DPRD tidak dihitung: menurut aturan pemilihan ini "
                    "hanya partai yang memiliki kursi DPRD yang dapat mengusung."
                ).replace("%1", format_count(data.party_without_seats))
            if data.party_need_votes is not None:
                state = self.tr("terpenuhi") if data.party_eligible else self.tr("belum")
                share = f"{data.party_vote_share / 100:g}".replace(".", ",") + "%"
                text += "<br>" + (
                    self.tr(
                        "Syarat menurut perhitungan: <b>%1</b> suara sah (%2 dari suara sah "
                        "pemilu DPRD), %3."
                    )
                    .replace("%1", format_count(data.party_need_votes))
                    .replace("%2", share)
                    .replace("%3", state)
                )
                if data.party_need_seats is not None:
                    text += " " + self.tr("Atau <b>%1</b> kursi DPRD.").replace(
                        "%1", format_count(data.party_need_seats)
                    )
            official = data.recap.official_party_votes
            if official and data.party_need_votes is not None and official != data.party_need_votes:
                text += (
                    "<br><span style='color:#a00000'>"
                    + self.tr(
                        "Keputusan KPU menetapkan %1 suara sah, perhitungan dari suara sah "
                        "DPRD memberi %2: periksa kembali angkanya."
                    )
                    .replace("%1", format_count(official))
                    .replace("%2", format_count(data.party_need_votes))
                    + "</span>"
                )
            if official and data.party_seat_rule:
                state = self.tr("terpenuhi") if data.party_decree_met else self.tr("belum")
                text += "<br>" + (
                    self.tr(
                        "Keputusan KPU menetapkan <b>%1</b> suara sah, atau kursi DPRD "
                        "sebanyak syarat di atas (%2)."
                    )
                    .replace("%1", format_count(official))
                    .replace("%2", state)
                )
            elif official:
                state = self.tr("terpenuhi") if data.party_decree_met else self.tr("belum")
                text += "<br>" + (
                    self.tr(
                        "Setelah Putusan MK 60/2024 syaratnya suara sah: keputusan KPU "
                        "menetapkan <b>%1</b> suara sah (%2). Satu partai hanya boleh "
                        "mengusung satu pasangan (PKPU 10/2024 Pasal 11 ayat 4)."
                    )
                    .replace("%1", format_count(official))
                    .replace("%2", state)
                )
            for party, other in data.party_taken:
                text += (
                    "<br><span style='color:#a00000'>"
                    + (
                        self.tr(
                            "Partai %1 juga tercatat mengusung pasangan %2: satu partai hanya "
                            "boleh mengusung satu pasangan (PKPU 10/2024 Pasal 11 ayat 4)."
                        )
                        .replace("%1", html.escape(party))
                        .replace("%2", html.escape(other))
                    )
                    + "</span>"
                )
            self.summary.setText(text)
            self.spread_label.setText("")
            self.table.setRowCount(0)
            self.progress_chart.set_figures(None)
            self.progress_chart.hide()
            self.spread_chart.set_figures(None)
            self.spread_scroll.hide()
            self.shown.emit(data)
            return
        self.progress.show()
        progress_figures, spread_figures = chart_figures(data.recap)
        self.progress_chart.set_figures(progress_figures)
        self.progress_chart.show()
        self.spread_chart.set_figures(spread_figures)
        self.spread_scroll.show()
        if data.required is None:
            lines.append(self.tr("Isi jumlah DPT pemilihan untuk menghitung syarat dukungan."))
        elif data.recap.share:
            # A kab/kota's share of a governor pair: the province's recap decides, as the
            # recap, B.2-KWK and berita acara of the share say.
            lines.append(
                self.tr(
                    "Syarat minimal <b>%1</b> dukungan MS tingkat provinsi: pemenuhannya "
                    "ditetapkan dalam rekapitulasi KPU %2."
                )
                .replace("%1", format_count(data.required))
                .replace("%2", html.escape(data.recap.region_name))
            )
        elif data.gap > 0:
            rule = (
                self.tr("paling sedikit kekurangan itu, dari pendukung baru")
                if data.correction_new_only
                else self.tr("dua kali kekurangan")
            )
            lines.append(
                self.tr(
                    "Syarat minimal <b>%1</b> dukungan MS: kurang <b>%2</b>. "
                    "Pada masa perbaikan harus diserahkan <b>%3</b> dukungan (%4)."
                )
                .replace("%1", format_count(data.required))
                .replace("%2", format_count(data.gap))
                .replace("%3", format_count(data.correction_needed))
                .replace("%4", rule)
            )
            if data.correction_areas:
                lines.append(
                    self.tr("Sebaran yang masih kurang: <b>%1</b> wilayah.").replace(
                        "%1", format_count(data.correction_areas)
                    )
                )
        else:
            lines.append(
                self.tr("Syarat minimal <b>%1</b> dukungan MS: <b>terpenuhi</b>.").replace(
                    "%1", format_count(data.required)
                )
            )
            if data.correction_areas:
                # The count met, the spread not: the correction round is still needed.
                lines.append(
                    self.tr(
                        "Sebaran yang masih kurang: <b>%1</b> wilayah. Pada masa perbaikan "
                        "harus diserahkan paling sedikit <b>%2</b> dukungan di wilayah itu."
                    )
                    .replace("%1", format_count(data.correction_areas))
                    .replace("%2", format_count(data.correction_needed))
                )
        for what, official, computed in data.recap.figure_differences:
            label = self.tr("syarat dukungan") if what == "threshold" else self.tr("syarat sebaran")
            lines.append(
                "<span style='color:#a05000'>"
                + self.tr(
                    "Perhatian: keputusan KPU menetapkan %1 %2, hitungan menurut undang-undang "
                    "%3. Angka keputusan KPU yang dipakai."
                )
                .replace("%1", label)
                .replace("%2", format_count(official))
                .replace("%3", format_count(computed))
                + "</span>"
            )
        part = data.own_part
        if part is not None and data.required:
            lines.append(
                self.tr("Bagian %1: <b>%2</b> dukungan MS dari syarat provinsi %3 (%4%).")
                .replace("%1", part.name or part.code)
                .replace("%2", format_count(part.ms))
                .replace("%3", format_count(data.required))
                .replace("%4", f"{data.own_share_percent or 0:g}")
            )
        self.summary.setText("<br>".join(lines))
        unit = self.tr("kecamatan") if data.level == "kecamatan" else self.tr("kabupaten/kota")
        if data.spread_needed is not None and data.recap.share:
            self.spread_label.setText(
                self.tr(
                    "Sebaran: dukungan MS ada di %1 dari %2 %3; syarat tingkat provinsi %4, "
                    "ditetapkan dalam rekapitulasi KPU %5."
                )
                .replace("%1", str(data.subregions_met))
                .replace("%2", str(data.subregion_total))
                .replace("%3", unit)
                .replace("%4", str(data.spread_needed))
                .replace("%5", html.escape(data.recap.region_name))
            )
        elif data.spread_needed is not None:
            state = (
                self.tr("terpenuhi")
                if data.subregions_met >= data.spread_needed
                else self.tr("belum terpenuhi")
            )
            self.spread_label.setText(
                self.tr("Sebaran: dukungan MS ada di %1 dari %2 %3; syarat %4 (%5).")
                .replace("%1", str(data.subregions_met))
                .replace("%2", str(data.subregion_total))
                .replace("%3", unit)
                .replace("%4", str(data.spread_needed))
                .replace("%5", state)
            )
        else:
            self.spread_label.setText(self.tr("Isi wilayah pemilihan untuk menghitung sebaran."))
        self._fill_table(data)
        self.shown.emit(data)

    def _fill_table(self, data: Dashboard) -> None:
        self.table.setRowCount(len(data.subregions))
        short = QBrush(QColor("#f6d0d0"))
        for row, fig in enumerate(data.subregions):
            values = [
                f"{fig.name} ({fig.code})" if fig.code else self.tr("(tanpa wilayah)"),
                format_count(fig.ms),
                format_count(fig.bms),
                format_count(fig.tms),
                format_count(fig.unchecked),
                self.tr("Belum ada dukungan MS") if fig.ms == 0 else "",
            ]
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if fig.ms == 0:
                    item.setBackground(short)
                self.table.setItem(row, column, item)
