"""The names the audit log gives writes that no account made are reserved: every
literal actor the server writes into the log is in :mod:`sync.server.audit`'s lists."""

from __future__ import annotations

import ast
from pathlib import Path

import sync.server
from sync.server import audit

_ACTOR_KEYWORDS = {"username": "user", "device_id": "device", "by": "user"}


def _strings(node: ast.AST | None) -> list[str]:
    """String constants ``node`` may evaluate to (``a if b else "x"`` included)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _literal_actors(tree: ast.AST) -> set[tuple[str, str]]:
    """(``user`` or ``device``, name) for every literal who or device of an actor or
    audit entry: ``Actor(user, role, region, device)``, ``AuditEntry(at, user,
    device, ...)``, ``username=``/``device_id=``/``by=`` arguments and assignments."""
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            slots = {"Actor": {0: "user", 3: "device"}, "AuditEntry": {1: "user", 2: "device"}}
            for index, kind in slots.get(name, {}).items():
                if index < len(node.args):
                    found |= {(kind, s) for s in _strings(node.args[index])}
            for kw in node.keywords:
                if kw.arg in _ACTOR_KEYWORDS:
                    found |= {(_ACTOR_KEYWORDS[kw.arg], s) for s in _strings(kw.value)}
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                attr = target.attr if isinstance(target, ast.Attribute) else ""
                if attr in ("username", "device_id"):
                    found |= {(_ACTOR_KEYWORDS[attr], s) for s in _strings(node.value)}
    return found


def test_every_literal_actor_of_the_server_is_reserved() -> None:
    root = Path(sync.server.__file__).parent
    found: set[tuple[str, str]] = set()
    for path in sorted(root.rglob("*.py")):
        found |= _literal_actors(ast.parse(path.read_text(encoding="utf-8")))
    # The scan sees every known writer: the command line, the server, a citizen, the seed.
    assert {("user", "admin"), ("user", "server"), ("user", "publik")} <= found
    assert {("device", "admin-cli"), ("device", "web"), ("device", "training-seed")} <= found
    users = {s for kind, s in found if kind == "user" and s}
    devices = {s for kind, s in found if kind == "device" and s}
    assert users <= audit.RESERVED_USERNAMES, users - audit.RESERVED_USERNAMES
    assert devices <= audit.RESERVED_DEVICE_IDS, devices - audit.RESERVED_DEVICE_IDS


def test_reserved_names_ignore_case() -> None:
    assert [audit.reserved_username(n) for n in ("ADMIN", "Publik", "server", "op3214")] == [
        True,
        True,
        True,
        False,
    ]
    assert [audit.reserved_device_id(d) for d in ("Admin-CLI", "WEB", "laptop-01")] == [
        True,
        True,
        False,
    ]
