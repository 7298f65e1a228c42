"""Charts painted with Qt: progress to the threshold and the spread per area.

Why Qt's own painting: QtCharts is not in PySide6-Essentials, and a plotting library
(matplotlib and numpy) would add tens of megabytes to the installer for two bar charts.
The same painting functions draw on the dashboard (a widget) and into the recap PDF
(an image in the document), so the screen and the print show one picture.

The geometry is worked out by :func:`progress_layout` and :func:`spread_layout` (plain
rectangles from the figures) and only then painted: the tests check that the bars
stand for the recap's numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from silon_desktop.services import AreaBar, ProgressFigures, SpreadFigures

Format = Callable[[int | None], str]

#: Colours of the verdicts, as in the supporter table (MS green, BMS yellow, TMS red).
COLOURS = {
    "ms": QColor("#3d9a4a"),
    "bms": QColor("#e0b020"),
    "tms": QColor("#c8443c"),
    "unchecked": QColor("#c4c4c4"),
    "forecast": QColor("#a8d5ae"),
    "track": QColor("#eeeeee"),
    "line": QColor("#1f3d7a"),
    "short": QColor("#b00020"),
    "text": QColor("#202020"),
}
ROW_HEIGHT = 18.0
NAME_SHARE = 0.30  # of the width, for the area names


def _t(text: str) -> str:
    return QCoreApplication.translate("Charts", text)


@dataclass(frozen=True, slots=True)
class ProgressLayout:
    track: QRectF
    ms: QRectF
    forecast: QRectF
    threshold_x: float | None


@dataclass(frozen=True, slots=True)
class BarLayout:
    bar: AreaBar
    name: QRectF
    #: verdict -> its part of the stacked bar (ms, bms, tms, unchecked)
    parts: dict[str, QRectF]
    count: QRectF


def progress_layout(fig: ProgressFigures, rect: QRectF) -> ProgressLayout:
    """The bar of MS against the threshold inside ``rect`` (widths proportional to counts)."""
    track = QRectF(
        rect.left(), rect.top() + rect.height() * 0.35, rect.width(), rect.height() * 0.4
    )
    per = track.width() / fig.scale
    ms = QRectF(track.left(), track.top(), fig.ms * per, track.height())
    forecast = QRectF(
        track.left(),
        track.top() + track.height() * 0.7,
        fig.forecast_ms * per,
        track.height() * 0.3,
    )
    threshold = track.left() + fig.required * per if fig.required else None
    return ProgressLayout(track, ms, forecast, threshold)


def spread_layout(
    fig: SpreadFigures, rect: QRectF, row_height: float = ROW_HEIGHT
) -> list[BarLayout]:
    """One row per area: name on the left, the stacked bar (MS, BMS, TMS, belum) beside it."""
    name_width = rect.width() * NAME_SHARE
    count_width = rect.width() * 0.12
    bar_left = rect.left() + name_width + 6
    bar_width = max(rect.width() - name_width - count_width - 12, 1.0)
    per = bar_width / fig.scale
    rows = []
    for i, bar in enumerate(fig.bars):
        top = rect.top() + i * row_height
        x = bar_left
        parts = {}
        for key in ("ms", "bms", "tms", "unchecked"):
            width = getattr(bar, key) * per
            parts[key] = QRectF(x, top + 2, width, row_height - 4)
            x += width
        rows.append(
            BarLayout(
                bar,
                QRectF(rect.left(), top, name_width, row_height),
                parts,
                QRectF(x + 4, top, count_width, row_height),
            )
        )
    return rows


def spread_height(fig: SpreadFigures, row_height: float = ROW_HEIGHT) -> float:
    return max(len(fig.bars), 1) * row_height + 2 * row_height  # + the legend row


def paint_progress(
    painter: QPainter, rect: QRectF, fig: ProgressFigures, fmt: Format, heading: bool = True
) -> None:
    """The bar; ``heading``: the figures in words above it (the PDF; on screen the
    progress bar above the chart says them)."""
    layout = progress_layout(fig, rect)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(layout.track, COLOURS["track"])
    painter.fillRect(layout.forecast, COLOURS["forecast"])
    painter.fillRect(layout.ms, COLOURS["ms"])
    painter.setPen(COLOURS["text"])
    head = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * 0.33)
    if fig.required:
        words = (
            _t(QT_TRANSLATE_NOOP("Charts", "MS %1 dari syarat %2 (%3%)"))
            .replace("%1", fmt(fig.ms))
            .replace("%2", fmt(fig.required))
            .replace("%3", f"{fig.percent:g}".replace(".", ","))
        )
    else:
        words = _t(
            QT_TRANSLATE_NOOP("Charts", "MS %1 (syarat belum dapat dihitung: isi jumlah DPT)")
        ).replace("%1", fmt(fig.ms))
    if heading:
        painter.drawText(head, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, words)
    elif fig.forecast_ms:
        painter.setPen(QColor("#2e6b36"))
        painter.drawText(
            head,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
            _t(
                QT_TRANSLATE_NOOP(
                    "Charts", "garis hijau muda: perkiraan otomatis MS %1 (belum dihitung)"
                )
            ).replace("%1", fmt(fig.forecast_ms)),
        )
    if layout.threshold_x is not None:
        pen = QPen(COLOURS["line"], 2)
        painter.setPen(pen)
        x = layout.threshold_x
        painter.drawLine(QPointF(x, layout.track.top() - 4), QPointF(x, layout.track.bottom() + 4))
        painter.setPen(COLOURS["line"])
        foot = QRectF(rect.left(), layout.track.bottom() + 2, rect.width(), rect.height() * 0.25)
        align = Qt.AlignmentFlag.AlignRight if x > rect.center().x() else Qt.AlignmentFlag.AlignLeft
        label_rect = QRectF(foot)
        if align == Qt.AlignmentFlag.AlignRight:
            label_rect.setRight(x)
        else:
            label_rect.setLeft(x)
        painter.drawText(
            label_rect,
            align | Qt.AlignmentFlag.AlignTop,
            _t(QT_TRANSLATE_NOOP("Charts", "syarat %1")).replace("%1", fmt(fig.required)),
        )
    painter.restore()


def paint_spread(painter: QPainter, rect: QRectF, fig: SpreadFigures, fmt: Format) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    metrics = QFontMetricsF(painter.font())
    row_height = max(ROW_HEIGHT, metrics.height() + 4)
    legend = QRectF(rect.left(), rect.top(), rect.width(), row_height)
    _paint_legend(painter, legend, fig)
    body = QRectF(rect.left(), rect.top() + 1.5 * row_height, rect.width(), rect.height())
    for row in spread_layout(fig, body, row_height):
        bar = row.bar
        name = bar.name or bar.code or _t(QT_TRANSLATE_NOOP("Charts", "(tanpa wilayah)"))
        painter.setPen(COLOURS["short"] if bar.code and bar.ms == 0 else COLOURS["text"])
        painter.drawText(
            row.name,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(name, Qt.TextElideMode.ElideRight, row.name.width() - 4),
        )
        for key, part in row.parts.items():
            painter.fillRect(part, COLOURS[key])
        painter.setPen(COLOURS["text"])
        painter.drawText(
            row.count,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            _t(QT_TRANSLATE_NOOP("Charts", "%1 MS")).replace("%1", fmt(bar.ms)),
        )
    painter.restore()


def _paint_legend(painter: QPainter, rect: QRectF, fig: SpreadFigures) -> None:
    unit = (
        _t(QT_TRANSLATE_NOOP("Charts", "kecamatan"))
        if fig.level == "kecamatan"
        else _t(QT_TRANSLATE_NOOP("Charts", "kabupaten/kota"))
    )
    if fig.needed is not None:
        title = (
            _t(QT_TRANSLATE_NOOP("Charts", "Sebaran: MS ada di %1 dari %2 %3 (syarat %4)"))
            .replace("%1", str(fig.met))
            .replace("%2", str(len([b for b in fig.bars if b.code])))
            .replace("%3", unit)
            .replace("%4", str(fig.needed))
        )
    else:
        title = (
            _t(QT_TRANSLATE_NOOP("Charts", "Sebaran: MS ada di %1 %2"))
            .replace("%1", str(fig.met))
            .replace("%2", unit)
        )
    painter.setPen(COLOURS["text"])
    metrics = QFontMetricsF(painter.font())
    painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
    x = rect.left() + metrics.horizontalAdvance(title) + 16
    for key, word in (
        ("ms", _t(QT_TRANSLATE_NOOP("Charts", "MS"))),
        ("bms", _t(QT_TRANSLATE_NOOP("Charts", "BMS"))),
        ("tms", _t(QT_TRANSLATE_NOOP("Charts", "TMS"))),
        ("unchecked", _t(QT_TRANSLATE_NOOP("Charts", "Belum"))),
    ):
        box = QRectF(x, rect.top() + rect.height() * 0.25, rect.height() * 0.5, rect.height() * 0.5)
        painter.fillRect(box, COLOURS[key])
        x = box.right() + 4
        painter.drawText(
            QRectF(x, rect.top(), metrics.horizontalAdvance(word) + 2, rect.height()),
            Qt.AlignmentFlag.AlignVCenter,
            word,
        )
        x += metrics.horizontalAdvance(word) + 12


class ProgressChart(QWidget):
    """MS against the threshold, as a bar with the threshold marked."""

    def __init__(self, fmt: Format, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressChart")
        self.fmt = fmt
        self.figures: ProgressFigures | None = None
        self.setMinimumHeight(64)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(400, 64)

    def set_figures(self, figures: ProgressFigures | None) -> None:
        self.figures = figures
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        if self.figures is None:
            return
        painter = QPainter(self)
        paint_progress(
            painter, QRectF(self.rect()).adjusted(4, 2, -4, -2), self.figures, self.fmt, False
        )
        painter.end()


class SpreadChart(QWidget):
    """One stacked bar per kecamatan (or kab/kota); areas without an MS name in red."""

    def __init__(self, fmt: Format, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spreadChart")
        self.fmt = fmt
        self.figures: SpreadFigures | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def _row_height(self) -> float:
        return max(ROW_HEIGHT, QFontMetricsF(self.font()).height() + 4)

    def sizeHint(self) -> QSize:
        if self.figures is None:
            return QSize(300, 40)
        return QSize(300, int(spread_height(self.figures, self._row_height())) + 4)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def set_figures(self, figures: SpreadFigures | None) -> None:
        self.figures = figures
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        if self.figures is None:
            return
        painter = QPainter(self)
        paint_spread(painter, QRectF(self.rect()).adjusted(4, 2, -4, -2), self.figures, self.fmt)
        painter.end()


def chart_images(
    progress: ProgressFigures, spread: SpreadFigures, fmt: Format, width: int = 1000
) -> tuple[QImage, QImage]:
    """Both charts as images ``width`` pixels wide (for the PDF), white background."""
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(12, width // 60))
    row_height = QFontMetricsF(font).height() + 6
    first = _image(width, int(row_height * 4))
    painter = QPainter(first)
    painter.setFont(font)
    paint_progress(painter, QRectF(first.rect()).adjusted(8, 4, -8, -4), progress, fmt)
    painter.end()
    second = _image(width, int(spread_height(spread, row_height) + row_height))
    painter = QPainter(second)
    painter.setFont(font)
    paint_spread(painter, QRectF(second.rect()).adjusted(8, 4, -8, -4), spread, fmt)
    painter.end()
    return first, second


def _image(width: int, height: int) -> QImage:
    image = QImage(width, max(height, 1), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    return image
