"""Silon Desktop: the offline-first client of KPU's candidacy information system."""

__version__ = "0.1.0"
