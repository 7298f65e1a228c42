"""The supporter table as the UI reads it: block-wise queries over the local database.

Re-exports the plain query types of ``storage.supporter_queries`` so widgets need
nothing below the services.
"""

from silon_desktop.storage.supporter_queries import (
    SORTABLE,
    SupporterFilter,
    SupporterQuery,
    SupporterRow,
    SupporterSort,
)

__all__ = ["SORTABLE", "SupporterFilter", "SupporterQuery", "SupporterRow", "SupporterSort"]
