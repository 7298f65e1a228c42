"""Sync: the wire protocol, the merge, the client engine and the central server (no Qt)."""
