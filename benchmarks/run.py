"""Run every benchmarks/bench_*.py that exists and print one combined table.

Each module's ``run()`` returns rows ``{metric, value, baseline, ratio, goal, met}``.
The table is printed and written as Markdown to benchmarks/results.md.

    python benchmarks/run.py [NAME ...]     (NAME: e.g. engine, render; default all)
"""

from __future__ import annotations

import importlib.util
import math
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results.md"
COLUMNS = ("metric", "value", "baseline", "ratio", "goal", "met")

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def bench_files(names: list[str] | None = None) -> list[Path]:
    files = sorted(HERE.glob("bench_*.py"))
    if names:
        wanted = {name.removeprefix("bench_").removesuffix(".py") for name in names}
        files = [f for f in files if f.stem.removeprefix("bench_") in wanted]
    return files


def load_module(path: Path):
    spec = importlib.util.spec_from_file_location(f"actviz_bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_one(path: Path) -> tuple[list[dict], str | None]:
    """(rows, None) or ([], error text) when the benchmark cannot run."""
    try:
        module = load_module(path)
        if not hasattr(module, "run"):
            return [], "no run() function"
        rows = list(module.run())
    except Exception as error:  # one broken benchmark must not hide the others
        traceback.print_exc()
        return [], f"{type(error).__name__}: {error}".splitlines()[0]
    for row in rows:
        row.setdefault("ratio", row["value"] / row["baseline"] if row.get("baseline") else math.nan)
    return rows, None


def cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:.3f}"
    return str(value)


def table_lines(rows: list[dict]) -> list[tuple[str, ...]]:
    return [tuple(cell(row.get(column, "")) for column in COLUMNS) for row in rows]


def plain_table(rows: list[dict]) -> str:
    lines = [COLUMNS] + table_lines(rows)
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    return "\n".join(" | ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def markdown_table(rows: list[dict]) -> str:
    numeric = {"value", "baseline", "ratio"}
    head = "| " + " | ".join(COLUMNS) + " |"
    rule = "|" + "|".join("---:" if c in numeric else "---" for c in COLUMNS) + "|"
    body = ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in table_lines(rows)]
    return "\n".join([head, rule, *body])


def main(argv: list[str]) -> int:
    files = bench_files(argv or None)
    rows: list[dict] = []
    notes: list[str] = []
    started = time.perf_counter()
    for path in files:
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        found, error = run_one(path)
        if error:
            notes.append(f"{path.name}: not run ({error})")
        for row in found:
            row["metric"] = f"{path.stem.removeprefix('bench_')}: {row['metric']}"
        rows.extend(found)
        print(f"  {path.name}: {len(found)} rows in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    print(plain_table(rows))
    for note in notes:
        print(note)
    when = time.strftime("%Y-%m-%d %H:%M")
    machine = f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}"
    text = [
        "# Benchmark results",
        "",
        f"`python benchmarks/run.py`, {when}, {machine}, {time.perf_counter() - started:.0f} s in all.",
        "",
        markdown_table(rows),
        "",
    ]
    if notes:
        text += [f"- {note}" for note in notes] + [""]
    RESULTS.write_text("\n".join(text), encoding="utf-8")
    print(f"written {RESULTS.relative_to(REPO)}", file=sys.stderr)
    return 1 if notes else 0  # unmet goals show as NO; only a benchmark that failed to run fails


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
