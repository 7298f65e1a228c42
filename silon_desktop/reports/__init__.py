"""Exports and report data (XLSX writers, recap figures); PDF drawing lives in the UI."""
