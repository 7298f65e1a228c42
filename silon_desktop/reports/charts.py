"""The figures the charts draw (dashboard and recap PDF), taken from one :class:`PairRecap`.

Plain data, no drawing: the UI paints these (``silon_desktop.ui.charts``) on the
screen and into the PDF, so the picture and the recap's table cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from silon_desktop.reports.recap import PairRecap


@dataclass(frozen=True, slots=True)
class ProgressFigures:
    """Support against the threshold."""

    #: MS supporters of every round so far (what the threshold is met by)
    ms: int
    #: the threshold (None: the election's DPT is not entered yet)
    required: int | None
    #: the automatic check's forecast MS (drawn apart: not a verification)
    forecast_ms: int

    @property
    def scale(self) -> int:
        """The value the full bar stands for (the threshold, or more when exceeded)."""
        return max(self.required or 0, self.ms, self.forecast_ms, 1)

    @property
    def percent(self) -> float | None:
        """MS as a share of the threshold, in percent (None when there is no threshold)."""
        if not self.required:
            return None
        return round(100.0 * self.ms / self.required, 1)


@dataclass(frozen=True, slots=True)
class AreaBar:
    """One kecamatan (or kab/kota) of the spread chart."""

    code: str
    name: str
    ms: int
    bms: int
    tms: int
    unchecked: int

    @property
    def total(self) -> int:
        return self.ms + self.bms + self.tms + self.unchecked


@dataclass(frozen=True, slots=True)
class SpreadFigures:
    """Support per area: one stacked bar per kecamatan or kab/kota."""

    #: ``"kecamatan"`` or ``"kabkota"``
    level: str
    bars: tuple[AreaBar, ...]
    #: areas that must hold an MS supporter (None: the election's area count is not entered)
    needed: int | None
    #: areas that do
    met: int

    @property
    def scale(self) -> int:
        """The largest bar (every bar is drawn against it)."""
        return max((bar.total for bar in self.bars), default=0) or 1


def chart_figures(recap: PairRecap) -> tuple[ProgressFigures, SpreadFigures]:
    """The progress and the spread of ``recap``, as the charts draw them."""
    progress = ProgressFigures(
        ms=recap.ms_total, required=recap.required, forecast_ms=recap.forecast.ms
    )
    bars = tuple(
        AreaBar(area.code, area.name, area.ms, area.bms, area.tms, area.unchecked)
        for area in recap.areas
    )
    spread = SpreadFigures(
        level=recap.spread_level, bars=bars, needed=recap.spread_required, met=recap.spread_met
    )
    return progress, spread
