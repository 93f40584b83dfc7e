"""The bare Keras loop that ``actviz scan`` is measured against (bench_scan.py runs it as its own process).

    python benchmarks/scan_baseline.py MODEL DATA_DIR LAYER [LAYER ...]

What a user would write without actviz: list the files, decode each with Pillow,
resize and scale by 1/255, batches of 32, ``predict_on_batch`` of a model over the
same layers, per-channel maximum in numpy. Prints the image count.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

BATCH = 32


def main(model_path: str, data_dir: str, layers: list[str]) -> int:
    import keras

    model = keras.models.load_model(model_path, compile=False)
    probe = keras.Model(model.inputs, [model.get_layer(name).output for name in layers])
    height, width = model.inputs[0].shape[1:3]
    files = sorted(path for path in Path(data_dir).rglob("*") if path.suffix.lower() in (".jpg", ".png"))
    maxima = []
    for start in range(0, len(files), BATCH):
        pixels = [np.asarray(Image.open(path).convert("RGB").resize((width, height)), np.float32) / 255.0
                  for path in files[start:start + BATCH]]
        outputs = probe.predict_on_batch(np.stack(pixels))
        outputs = outputs if isinstance(outputs, list) else [outputs]
        maxima.append([maps.reshape(len(maps), -1, maps.shape[-1]).max(axis=1) for maps in outputs])
    print(len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
