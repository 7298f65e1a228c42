"""Spreadsheet readers, column mapping and row validation (no Qt)."""
