"""`actviz ... | head`: the reader leaving early is not an error."""

import subprocess
import sys


def test_output_cut_short_by_the_reader_is_silent():
    command = f"{sys.executable} -m actviz_tui summary --json | head -c 20"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120)
    assert result.stdout.startswith("{")
    assert "error" not in result.stderr and "Traceback" not in result.stderr
    assert result.returncode in (0, 141)
