"""A scan stopped by Ctrl-C (SIGINT) or ``kill -9`` midway, then run again with the same command,
ends with exactly the uninterrupted run's result. The scan runs in a subprocess, slowed by a
custom Pause layer (eager batches of one), checkpointing every batch; the resumes run in-process."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from actviz_tui import cli

import scan_data
from cli_runs import REPO, in_process_cli, user_environment

pytestmark = pytest.mark.slow  # starts the real program (two at once)

LAYERS = ["conv_a", "conv_b", "head"]
PAUSE_S = 0.05


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    import keras

    root = tmp_path_factory.mktemp("resume")
    scan_data.write_dataset(root / "data", count=60)
    model = scan_data.scan_model(root / "paused.keras", pause=True)
    del keras.saving.get_custom_objects()["actviz_scan_tests>Pause"]  # as in a fresh process
    layers = root / "pause_layer.py"
    layers.write_text(scan_data.PAUSE_SOURCE)
    world = {"root": root, "args": ["scan", str(model), str(root / "data"), "--layers", *LAYERS,
                                    "--batch-size", "1", "--custom-objects", str(layers)]}
    with in_process_cli():
        world["main"] = lambda *args: _main(list(args))
        code, _, err = world["main"](*world["args"], "--out", str(root / "whole"))
        assert code == 0, err
        world["whole"] = _show(world, root / "whole")
        yield world


def _main(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(args)
    return code, out.getvalue(), err.getvalue()


def _show(world, folder: Path) -> dict:
    code, out, err = world["main"]("scan", "show", str(folder), "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def stopped(world) -> dict[str, subprocess.CompletedProcess]:
    """Two scans started together in subprocesses; once a checkpoint of each holds an image,
    one gets SIGINT, the other SIGKILL."""
    # The resumed half runs in this process: the same kernels (oneDNN as here), or the means differ in the last bits.
    env = user_environment(SCAN_TEST_PAUSE=str(PAUSE_S), ACTVIZ_SCAN_CHECKPOINT_BATCHES="1")
    env["TF_ENABLE_ONEDNN_OPTS"] = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "0")
    signals = {"sigint": signal.SIGINT, "sigkill": signal.SIGKILL}
    processes = {}
    for name in signals:
        command = [sys.executable, "-m", "actviz_tui", *world["args"], "--out", str(world["root"] / name),
                   "--log", str(world["root"] / f"{name}.log")]
        processes[name] = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        waiting, deadline = dict(signals), time.monotonic() + 120
        while waiting and time.monotonic() < deadline:
            for name in list(waiting):
                if _scanned(world["root"] / name) > 0 or processes[name].poll() is not None:
                    assert processes[name].poll() is None, f"{name}: the scan ended before it could be stopped"
                    processes[name].send_signal(waiting.pop(name))
            time.sleep(0.02)
        results = {}
        for name, process in processes.items():
            stdout, stderr = process.communicate(timeout=60)
            results[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        return results
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def _scanned(folder: Path) -> int:
    try:
        return json.loads((folder / "manifest.json").read_text())["scanned"]
    except (OSError, ValueError, KeyError):
        return 0


def test_ctrl_c_checkpoints_and_the_same_command_resumes_to_the_same_result(world, stopped):
    out = world["root"] / "sigint"
    assert stopped["sigint"].returncode == 130, stopped["sigint"].stderr
    line = stopped["sigint"].stderr.strip().splitlines()[-1]
    assert line.startswith("actviz: interrupted after ") and line.endswith("; run the same command to resume")
    done, total = (int(word) for word in line.split("after ")[1].split(" images")[0].split(" of "))
    assert 0 < done < total == 65
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "running"
    code, _, err = world["main"](*world["args"], "--out", str(out))
    assert code == 0 and f"resuming: {done} of {total} images already done" in err
    assert _show(world, out) == world["whole"]


def test_kill_9_loses_at_most_a_batch_and_resumes_to_the_same_result(world, stopped):
    out = world["root"] / "sigkill"
    assert stopped["sigkill"].returncode == -signal.SIGKILL
    code, _, err = world["main"](*world["args"], "--out", str(out))
    assert code == 0, err
    resumed = int(err.split("resuming: ")[1].split(" of ")[0])
    assert 0 < resumed < 65
    assert _show(world, out) == world["whole"]
    assert not list(out.glob(".*.tmp"))  # a write cut by the kill leaves nothing behind
    assert os.listdir(out) and sorted(os.listdir(out)) == ["images.json", "manifest.json", "results.h5"]
