"""The README's Development tree names every module of the package."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_module_is_in_the_readme_tree():
    readme = REPO / "README.md"
    section = readme.read_text().split("## Development", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\s*([\w.]+\.(?:py|tcss))\b", section, flags=re.M))
    package = REPO / "actviz_tui"
    modules = {p.name for p in package.rglob("*.py") if p.name != "__init__.py" and "samples" not in p.parts}
    modules.add("actviz.tcss")
    assert modules - listed == set(), "add these modules to README's Development tree"
