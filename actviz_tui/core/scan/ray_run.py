"""``actviz scan --engine ray``: the pending images as a Ray dataset, reduced by an actor pool.

Joins the running cluster (``$RAY_ADDRESS``, or the one ``ray start`` left on this
machine) or starts a local one. The file list becomes a dataset; ``map_batches``
runs ScanActor (core/scan/ray_actor.py) on a pool of actors, one GPU each where the
cluster has GPUs; each batch comes back as partial totals that the driver folds into
the job with the same exact merge as shards, so the result is the local engine's.
Images are read by path on the workers: on a cluster, every node needs actviz,
the model and the data at the same paths (a shared file system).
"""

from __future__ import annotations

import logging
import os
import pickle
import re
import socket
from dataclasses import dataclass
from typing import Callable

from actviz_tui.core.errors import one_line
from actviz_tui.core.model.backend_env import backend_name
from actviz_tui.core.scan.ray_actor import ScanActor
from actviz_tui.core.scan.settings import ScanError

DEFAULT_BATCH = 32  # images per actor call: a bare Keras loop's batch; the actors' memory is not known here
CPUS_PER_WORKER = 2  # on CPU, one actor per 2 cores by default: one decodes while the other computes
# The driver's backend settings (cli.main has set them by now), so every actor computes as the local engine.
MIRRORED = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "TF_FORCE_GPU_ALLOW_GROWTH",
            "XLA_PYTHON_CLIENT_PREALLOCATE", "KERAS_HOME", "KERAS_TORCH_DEVICE")

NO_CLUSTER = "Could not find any running Ray instance"  # ray.init(address="auto")'s words when there is none

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class WorkerPlan:
    workers: int  # actors in the pool
    num_cpus: float  # reserved per actor
    num_gpus: float  # per actor; 0 on a CPU-only cluster


def plan_workers(resources: dict, workers: int | None) -> WorkerPlan:
    """Actors and their shares of the cluster (``ray.cluster_resources()``): one per GPU where there
    are GPUs; else one per CPUS_PER_WORKER cores, the cores shared out between them."""
    cpus, gpus = float(resources.get("CPU", 1)), float(resources.get("GPU", 0))
    if workers is not None and workers < 1:
        raise ScanError(f"--workers must be at least 1, not {workers}")
    if gpus >= 1:
        count = workers or int(gpus)
        return WorkerPlan(count, min(1.0, cpus / count), min(1.0, gpus / count))
    count = workers or max(1, int(cpus // CPUS_PER_WORKER))
    share = cpus / count
    return WorkerPlan(count, float(int(share)) if share >= 1 else share, 0.0)


def run_ray(job, options, batch_size: int | None, workers: int | None, progress: Progress | None = None) -> None:
    """Scan ``job``'s pending images on Ray; checkpoints as parts come back, finishes the job."""
    pending = job.pending()
    if pending.size:
        ray = _import_ray()
        joined = _connect(ray)
        try:
            _scan(ray, job, options, pending, batch_size or DEFAULT_BATCH, workers, progress)
        finally:
            if joined:
                ray.shutdown()
    job.finish()


def _import_ray():
    try:
        import ray
        import ray.data  # noqa: F401  (the extra's other half)
    except ImportError:
        raise ScanError("--engine ray needs Ray Data: pip install 'actviz-tui[ray]'") from None
    return ray


def _connect(ray) -> bool:
    """Join ``$RAY_ADDRESS`` or the cluster ``ray start`` left on this machine, else start a local
    instance; False when Ray was already up (the caller's, which stays up)."""
    if ray.is_initialized():
        return False
    quiet = {"log_to_driver": False, "logging_level": logging.ERROR}
    address = os.environ.get("RAY_ADDRESS") or "auto"
    target = address if address != "auto" else _address_left_by_ray_start()
    if target and not _answers(target):  # ray.init would retry a dead address for minutes
        source = "$RAY_ADDRESS" if address != "auto" else "left by `ray start`; `ray stop` clears it"
        raise ScanError(f"no Ray cluster answers at {target} ({source})")
    try:
        ray.init(address=address, **quiet)
    except ConnectionError as error:
        if address != "auto" or NO_CLUSTER not in str(error):  # a cluster was named or found, and failed
            raise ScanError(f"cannot join the Ray cluster at {target or address}: {one_line(error)}") from None
        ray.init(address="local", include_dashboard=False, **quiet)  # none running: said at once, no wait
    return True


def _address_left_by_ray_start() -> str | None:
    """The GCS address ``ray.init(address="auto")`` would join, None when there is none (or Ray moved it)."""
    try:
        from ray._private.services import get_ray_address_from_environment

        return get_ray_address_from_environment("auto", None)
    except Exception:  # none found (ConnectionError), or this private helper changed: let ray.init decide
        return None


def _answers(address: str, timeout: float = 3.0) -> bool:
    """Whether a ``host:port`` address takes a TCP connection (other forms, ray://, are not probed)."""
    host, _, port = address.rpartition(":")
    if "://" in address or not host or not port.isdigit():
        return True
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError:
        return False
    return True


def _scan(ray, job, options, pending, batch_size: int, workers: int | None, progress: Progress | None) -> None:
    _quiet_data(ray)
    plan = plan_workers(ray.cluster_resources(), workers)
    items = [{"index": int(index), "path": job.images[index]} for index in pending]
    parts = ray.data.from_items(items).map_batches(
        ScanActor,
        fn_constructor_kwargs=_actor_arguments(job, options),
        batch_size=batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=plan.workers),
        num_cpus=plan.num_cpus,
        num_gpus=plan.num_gpus,
        runtime_env={"env_vars": _worker_environment(plan)},
    )
    done, total = job.total - len(pending), job.total
    if progress:
        progress(done, total)
    try:
        for row in parts.iter_rows():
            indices, skipped, layers = pickle.loads(row["part"])
            job.add_part(layers, indices, skipped)
            job.checkpoint()
            done += len(indices)
            if progress:
                progress(done, total)
    except ray.exceptions.RayError as error:
        raise ScanError(f"the Ray scan failed: {_cause(error)}") from None


def _quiet_data(ray) -> None:
    """Ray Data's progress bars and log lines stay off the user's terminal (ours is there);
    its log file in the Ray session folder keeps them."""
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.enable_auto_log_stats = False
    for name in ("ray", "ray.data"):
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                handler.setLevel(logging.CRITICAL)
    logging.getLogger("ray").setLevel(logging.ERROR)


def _actor_arguments(job, options) -> dict:
    settings = job.settings
    return {
        "model_path": settings.model_path, "model_sha256": settings.model_sha256, "options": options,
        "layers": list(settings.layers), "top_k": settings.top_k, "by": settings.by,
        "cwd": os.getcwd(), "data_dirs": list(job.manifest.get("data_dirs", [])),
    }


def _worker_environment(plan: WorkerPlan) -> dict[str, str]:
    """The driver's Keras backend and its settings; on CPU, TensorFlow's threads fit the actor's cores."""
    environment = {"KERAS_BACKEND": backend_name()}
    environment.update({name: os.environ[name] for name in MIRRORED if name in os.environ})
    if not plan.num_gpus and plan.num_cpus >= 1:
        threads = str(int(plan.num_cpus))
        environment.update(TF_NUM_INTRAOP_THREADS=threads, OMP_NUM_THREADS=threads)
    return environment


_OUR_ERROR = re.compile(r"^actviz_tui[\w.]*\.\w+: (.+)$")  # a worker's ActvizError, as Ray's text shows it
_ANY_ERROR = re.compile(r"^(?!ray\.)([\w.]*\w(?:Error|Exception)): (.+)$")


def _cause(error: BaseException) -> str:
    """One line for a worker's failure: our own message when it was one of ours (a ScanError from
    an actor), else the innermost ``Name: message`` line of the worker's traceback in Ray's text."""
    text = "\n".join(filter(None, (str(error), getattr(error, "error_msg", None))))
    lines = [line.strip() for line in text.splitlines()]
    ours = [match.group(1) for match in map(_OUR_ERROR.match, lines) if match]
    if ours:
        return ours[-1]
    others = [f"{match.group(1).rsplit('.', 1)[-1]}: {match.group(2)}" for match in map(_ANY_ERROR.match, lines)
              if match]
    return others[-1] if others else one_line(error)
