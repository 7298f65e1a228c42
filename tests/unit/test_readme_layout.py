"""The README's layout section matches the tree: every path it names exists, and every
package (a folder with ``__init__.py`` under ``silon_desktop/`` and ``sync/``, two levels
deep) and every top-level entry git tracks is named."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_NAME = re.compile(r"(?<![\w/.-])([\w.-]+(?:/[\w.-]+)*(?:\.py|\.md|\.spec|/))")


def _layout_block() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1]
    return section.split("```\n", 2)[1].splitlines()


def _named() -> dict[str, set[str]]:
    """Top-level folder or file -> the names its lines mention (itself included)."""
    out: dict[str, set[str]] = {}
    top = ""
    for line in _layout_block():
        if line and not line[0].isspace():
            top = line.split()[0]
            out.setdefault(top, set())
        out[top].update(_NAME.findall(line))
    return out


def test_every_path_the_layout_names_exists() -> None:
    missing = []
    for top, names in _named().items():
        base = ROOT / top.rstrip("/")
        assert base.exists(), top
        if base.is_file():
            continue
        present = {p.name for p in base.rglob("*")} | {p.name + "/" for p in base.rglob("*")}
        for name in sorted(names - {top}):
            if "/" in name.rstrip("/"):  # a path: from the root or from this folder
                found = (ROOT / name).exists() or (base / name).exists()
            else:
                found = name in present or (ROOT / name).exists()
            if not found:
                missing.append(f"{top} {name}")
    assert missing == []


def test_every_package_and_top_level_entry_is_named() -> None:
    named = _named()
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    tops = {t.split("/")[0] + ("/" if "/" in t else "") for t in tracked}
    tops -= {".gitignore", "README.md", "pyproject.toml", "build.spec"}  # named in the text
    assert sorted(tops - set(named)) == []
    unnamed = []
    for top in ("silon_desktop", "sync"):
        for init in sorted((ROOT / top).glob("*/__init__.py")):
            package = init.parent.name + "/"
            if package not in named[top + "/"]:
                unnamed.append(f"{top}/{package}")
        for init in sorted((ROOT / top).glob("*/*/__init__.py")):
            package = init.parent.name + "/"
            if package not in named[top + "/"] and init.parent.parent.name != "migrations":
                unnamed.append(f"{top}/{init.parent.parent.name}/{package}")
    assert unnamed == []
