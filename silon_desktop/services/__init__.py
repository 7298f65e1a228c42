"""The application layer: the one way the UI reaches storage, sync, importers and reports.

Plain Python (no Qt), typed, under mypy strict. Widgets hold one
:class:`~silon_desktop.services.app.Services` and call it (usually from a worker
thread); what a write changed comes back as :class:`~silon_desktop.services.changes.Changes`
so the screen redraws only that.

The names below are imported on first use: the login dialog, shown before any
data is open, imports ``services.access`` without loading the whole layer (the
reports, the importers, the sync client).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from silon_desktop.reports.charts import (
        AreaBar,
        ProgressFigures,
        SpreadFigures,
        chart_figures,
    )
    from silon_desktop.services.app import Services
    from silon_desktop.services.changes import Changes
    from silon_desktop.services.results import (
        Dashboard,
        LoginOutcome,
        SyncOutcome,
        SyncSummary,
        VerifyResult,
    )

#: the module each public name comes from
_HOMES = {
    "AreaBar": "silon_desktop.reports.charts",
    "Changes": "silon_desktop.services.changes",
    "Dashboard": "silon_desktop.services.results",
    "LoginOutcome": "silon_desktop.services.results",
    "ProgressFigures": "silon_desktop.reports.charts",
    "Services": "silon_desktop.services.app",
    "SpreadFigures": "silon_desktop.reports.charts",
    "SyncOutcome": "silon_desktop.services.results",
    "SyncSummary": "silon_desktop.services.results",
    "VerifyResult": "silon_desktop.services.results",
    "chart_figures": "silon_desktop.reports.charts",
}

__all__ = [
    "AreaBar",
    "Changes",
    "Dashboard",
    "LoginOutcome",
    "ProgressFigures",
    "Services",
    "SpreadFigures",
    "SyncOutcome",
    "SyncSummary",
    "VerifyResult",
    "chart_figures",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module at first use (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
