"""Charts as inline SVG, drawn on the server (no script, no fetch)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

COLORS = {"ms": "#1b7f3b", "bms": "#d08a00", "tms": "#b3261e", "pending": "#9aa0a6"}
PARTS = ("ms", "bms", "tms", "pending")


def stacked_bars(rows: list[tuple[str, dict[str, int]]], title: str) -> Markup:
    """One horizontal bar per row: MS, BMS, TMS and pending stacked, scaled to the largest."""
    label_w, bar_w, row_h = 110, 190, 22  # 360 wide: about 1:1 on a phone
    height = max(1, len(rows)) * row_h + 8
    biggest = max((sum(c.get(p, 0) for p in PARTS) for _l, c in rows), default=0) or 1
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {label_w + bar_w + 60} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, cell) in enumerate(rows):
        y = 4 + i * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(label[:16])}</text>"
        )
        x = float(label_w)
        for p in PARTS:
            w = bar_w * cell.get(p, 0) / biggest
            if w > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 6}" '
                    f'fill="{COLORS[p]}"><title>{p.upper()} {cell.get(p, 0)}</title></rect>'
                )
                x += w
        total = sum(cell.get(p, 0) for p in PARTS)
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="12">{total}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def progress(have: int, need: int | None, title: str) -> Markup:
    """A bar of ``have`` with a mark at ``need`` (the threshold)."""
    width, height = 360, 34
    top = max(have, need or 0, 1)
    w = (width - 20) * have / top
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<rect x="10" y="8" width="{width - 20}" height="16" fill="#e8eaed"/>',
        f'<rect x="10" y="8" width="{w:.1f}" height="16" fill="{COLORS["ms"]}"/>',
    ]
    if need:
        x = 10 + (width - 20) * need / top
        parts.append(
            f'<line x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="30" stroke="#202124" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
