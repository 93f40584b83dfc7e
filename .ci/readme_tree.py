"""Print the README's Development tree of actviz_tui/ from each module's docstring.

Usage: python .ci/readme_tree.py [--write]  (--write replaces the tree in README.md)
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "actviz_tui"
WIDTH = 34
TAIL = """tests/unit/        engine and pure UI units (no terminal)
tests/functional/  Textual pilot tests (App.run_test, keys pressed, screen text read) and SVG snapshots
tests/cli/         `python -m actviz_tui ...` in subprocesses, and the built wheel
tests/e2e/         the real program in tmux (truecolor and 256 colours)
benchmarks/        `python benchmarks/run.py`: every speed figure against a same-run baseline
sample_models/     make_samples.py, which builds actviz_tui/samples/ without any download
actviz_tui/samples/ and actviz_tui/data/: the bundled models and images, the ImageNet class names (package data)"""


def first_line(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    return doc.strip().splitlines()[0].rstrip(".") if doc.strip() else ""


def lines(folder: Path, depth: int) -> list[str]:
    out = []
    pad = "  " * depth
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("_", ".")) and path.name != "__main__.py" or path.name in ("samples", "data"):
            continue
        if path.suffix == ".py":
            out.append(f"{pad}{path.name}".ljust(WIDTH) + first_line(path))
        elif path.suffix == ".tcss":
            out.append(f"{pad}{path.name}".ljust(WIDTH) + "the app's layout and colours")
    for path in sorted(folder.iterdir()):
        if path.is_dir() and (path / "__init__.py").exists():
            out.append(f"{pad}{path.name}/".ljust(WIDTH) + first_line(path / "__init__.py"))
            out.extend(lines(path, depth + 1))
    return out


def tree() -> str:
    return "\n".join(["actviz_tui/", *lines(PACKAGE, 1), TAIL])


if __name__ == "__main__":
    text = tree()
    if "--write" in sys.argv:
        readme = REPO / "README.md"
        content = readme.read_text()
        head, rest = content.split("## Development", 1)
        intro, _, after = rest.split("```", 2)
        readme.write_text(head + "## Development" + intro + "```\n" + text + "\n```" + after)
    else:
        print(text)
