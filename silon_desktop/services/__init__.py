"""The application layer: the one way the UI reaches storage, sync, importers and reports.

Plain Python (no Qt), typed, under mypy strict. Widgets hold one
:class:`~silon_desktop.services.app.Services` and call it (usually from a worker
thread); what a write changed comes back as :class:`~silon_desktop.services.changes.Changes`
so the screen redraws only that.
"""

from silon_desktop.reports.charts import AreaBar, ProgressFigures, SpreadFigures, chart_figures
from silon_desktop.services.app import Services
from silon_desktop.services.changes import Changes
from silon_desktop.services.results import (
    Dashboard,
    LoginOutcome,
    SyncOutcome,
    SyncSummary,
    VerifyResult,
)

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
