"""The engine never pulls in the terminal UI libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import importlib, json, pkgutil, sys
import actviz_tui.core as core
names = sorted(info.name for info in pkgutil.iter_modules(core.__path__, core.__name__ + "."))
for name in names:
    importlib.import_module(name)
ui = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich", "rich_pixels"))
print(json.dumps({"modules": names, "ui": ui, "tf": "tensorflow" in sys.modules}))
"""


def test_core_modules_do_not_import_ui_libraries():
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    expected = {
        "actviz_tui.core.model_loading",
        "actviz_tui.core.layer_graph",
        "actviz_tui.core.activation_probe",
        "actviz_tui.core.activation_stats",
        "actviz_tui.core.image_input",
        "actviz_tui.core.model_session",
        "actviz_tui.core.backend_env",
        "actviz_tui.core.errors",
    }
    assert expected <= set(result["modules"])
    assert result["ui"] == [], f"core imported {result['ui']}"
