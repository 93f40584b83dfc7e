"""``actviz [MODEL] [IMAGE ...]``: open the explorer."""

from __future__ import annotations

import argparse

from actviz_tui.commands.session_args import model_and_images, session_options


def run_explorer(args: argparse.Namespace) -> int:
    from actviz_tui.ui.app import ActvizApp

    model_path, images = model_and_images(args.model, list(args.images))
    app = ActvizApp(model_path, images, session_options(args))
    app.run()
    return app.return_code or 0
