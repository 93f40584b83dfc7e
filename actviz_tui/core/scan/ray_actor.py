"""The Ray scan's worker: an actor that loads the model once and reduces each batch to partial totals.

Ray Data calls ``ScanActor`` with batches of ``{"index", "path"}`` rows; each call
reads the files (unreadable ones skipped with their reason), runs the model's
reductions and returns one row: the pickled part (image indices, skipped, one
LayerTotals per scanned layer) that the driver folds in with ``ScanJob.add_part``.
Nothing here imports Ray: the class is plain Python, so it is tested without a cluster.
"""

from __future__ import annotations

import os
import pickle
import socket
from pathlib import Path
from typing import Sequence

import numpy as np

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.scan.settings import ScanError


class ScanActor:
    def __init__(self, model_path: str, model_sha256: str, options, layers: Sequence[str], top_k: int, by: str,
                 cwd: str, data_dirs: Sequence[str]):
        _enter_driver_folder(cwd, data_dirs)
        _check_model_file(model_path, model_sha256)
        from actviz_tui.core.model.engine import Model  # imports Keras: only in the worker, once
        from actviz_tui.core.scan.dataset import layer_shapes

        self.model = Model.open(model_path, options)
        self.shapes = layer_shapes(self.model, [self.model.find_layer(name) for name in layers])
        self.top_k, self.by = top_k, by

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        indices = np.asarray(batch["index"], np.int64)
        part = self.reduce(indices, [str(path) for path in batch["path"]])
        return {"part": np.array([pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)], dtype=object)}

    def reduce(self, indices: np.ndarray, paths: list[str]) -> tuple[np.ndarray, dict[int, str], list]:
        """(every index of the batch, {index: why skipped}, one LayerTotals per scanned layer)."""
        from actviz_tui.core.scan.dataset import batch_reductions, read_batch
        from actviz_tui.core.scan.totals import LayerTotals

        read = read_batch(self.model, indices.tolist(), paths)
        if read.x is None:
            layers = [LayerTotals.empty(name, channels, self.top_k, maps) for name, channels, maps in self.shapes]
        else:
            reduced = batch_reductions(self.model, read.x, [name for name, _, _ in self.shapes])
            layers = [LayerTotals.of_batch(name, maps, self.top_k, read.indices, reduced[name], self.by)
                      for name, _, maps in self.shapes]
        return indices, read.skipped, layers


def _enter_driver_folder(cwd: str, data_dirs: Sequence[str]) -> None:
    """Work where the command was given, so relative paths (and skip reasons) read as on the driver.

    An actor owns its worker process, so changing its folder touches nothing else.
    """
    if Path(cwd).is_dir():
        os.chdir(cwd)
    for folder in data_dirs:
        if not Path(folder).expanduser().is_dir():
            raise ScanError(f"data folder {folder} not found on Ray node {socket.gethostname()} "
                            f"(in {os.getcwd()}); every node needs the data at the same path")


def _check_model_file(path: str, expected_sha256: str) -> None:
    """Refuse a different file at the same path on another node: its results would be mixed in silently."""
    from actviz_tui.core.file_hash import file_sha256

    try:
        found = file_sha256(Path(path).expanduser())
    except ActvizError:
        raise ScanError(f"model {path} cannot be read on Ray node {socket.gethostname()}; "
                        "every node needs it at the same path") from None
    if found != expected_sha256:
        raise ScanError(f"model {path} on Ray node {socket.gethostname()} is another file "
                        f"(SHA-256 {found[:12]}..., not {expected_sha256[:12]}...)")
