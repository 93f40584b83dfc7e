"""``actviz render --watch``: the saved view drawn again for every new version of its model file.

The file is polled (``core.file_versions``); each new version is loaded and drawn
into a file of its own, ``<figure>__v001_<SHA-256 prefix>.png``, its path printed.
A version that cannot be loaded (a checkpoint still being written) is said once
and tried again at the next poll; Ctrl+C stops with a line saying how many were drawn.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from actviz_tui.core.errors import ActvizError, ModelLoadError
from actviz_tui.core.file_versions import FileVersions

sleep = time.sleep  # tests replace it


def watch(view, model: Path, image: Path | None, settings, interval: float, versions: int | None) -> int:
    from actviz_tui.core.export.view_render import open_source, render_view

    file = FileVersions(model)
    drawn = 0
    said: set[str] = set()  # versions whose failure was said: once each
    say(f"actviz: watching {model} (every {interval:g} s; Ctrl+C stops)")
    try:
        while versions is None or drawn < versions:
            sha256 = file.new_version()
            if sha256 is None:
                sleep(interval)
                continue
            try:
                source = open_source(view, model, image)
                paths = render_view(source, view, settings, suffix=f"__v{drawn + 1:03d}_{sha256[:8]}")
            except ModelLoadError as error:  # half written? the next poll reads it again
                file.look_again()
                if sha256 not in said:
                    said.add(sha256)
                    say(f"actviz: {model.name} cannot be loaded yet (still being written?): {error}; trying again")
                sleep(interval)
                continue
            except ActvizError as error:  # this version cannot draw the view: wait for the next one
                file.take(sha256)
                say(f"actviz: version {sha256[:8]} of {model.name} skipped: {error}")
                continue
            file.take(sha256)
            drawn += 1
            for path in paths:
                print(path, flush=True)
    except KeyboardInterrupt:
        say(f"actviz: stopped watching {model.name}: {_figures(drawn)} drawn")
        return 0
    say(f"actviz: {_figures(drawn)} drawn; done")
    return 0


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _figures(count: int) -> str:
    return f"{count} figure" if count == 1 else f"{count} figures"
