"""What each layer of actviz may import, checked in a fresh interpreter per case.

The engine (core) never pulls in the terminal UI; figures never touch pyplot;
the colormap reads matplotlib only when asked for a table; the app shell
paints before numpy or any backend is imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UI_LIBRARIES = ("textual", "rich", "rich_pixels")

IMPORT_EVERY_CORE_MODULE = """
import importlib, pkgutil
import actviz_tui.core as core
for info in pkgutil.walk_packages(core.__path__, core.__name__ + "."):
    importlib.import_module(info.name)
"""

DRAW_FIGURES = """
import numpy as np
from actviz_tui.core import figures
maps = np.random.default_rng(0).random((8, 8, 4), dtype=np.float32)
for fig in (figures.layer_grid_figure(maps, title="g"), figures.channel_figure(maps[:, :, 0], title="c")):
    assert figures.render_png_bytes(fig).startswith(b"\\x89PNG")
"""

CASES = {
    "core never imports the UI": (IMPORT_EVERY_CORE_MODULE, (*UI_LIBRARIES, "matplotlib.pyplot")),
    "figures draw without pyplot or the UI": (DRAW_FIGURES, (*UI_LIBRARIES, "matplotlib.pyplot")),
    "colormap imports matplotlib lazily": ("import actviz_tui.core.pictures.colormap", ("matplotlib",)),
    "colormap tables leave pyplot alone": (
        "import actviz_tui.core.pictures.colormap as cm; cm.lut('viridis')", (*UI_LIBRARIES, "matplotlib.pyplot"),
    ),
    "the app shell paints before numpy and the backend": (
        "import actviz_tui.ui.app", ("numpy", "keras", "tensorflow", "jax", "torch"),
    ),
    "actviz's way to the first paint imports neither numpy nor the backend": (
        "import actviz_tui.cli; from actviz_tui.commands.table import command_module\n"
        "command_module('explore').build_parser()\n"
        "import actviz_tui.commands.explore, actviz_tui.ui.explorer_start, actviz_tui.core.model.loading",
        ("numpy", "keras", "tensorflow", "jax", "torch", "h5py"),
    ),
    "--graphics halfblock leaves textual-image (and its terminal queries) alone": (
        "from actviz_tui.ui.graphics_tier import choose_tier; assert choose_tier('halfblock') == 'halfblock'\n"
        "import actviz_tui.ui.widgets.heatmap_view",
        ("textual_image",),
    ),
    # cli.main parses first and sets the backend's environment after (channels_first).
    "every command's parser is built before the backend is imported": (
        "from actviz_tui.commands.table import SUBCOMMANDS, command_module\n"
        "for name in SUBCOMMANDS: command_module(name).build_parser()",
        ("keras", "tensorflow", "jax", "torch"),
    ),
}


@pytest.mark.parametrize("script, forbidden", CASES.values(), ids=CASES.keys())
def test_import_boundary(script: str, forbidden: tuple[str, ...]):
    check = textwrap.dedent(script) + textwrap.dedent(f"""
        import json, sys
        print(json.dumps(sorted(m for m in {list(forbidden)!r} if m in sys.modules)))
    """)
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="")
    done = subprocess.run([sys.executable, "-c", check], cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
