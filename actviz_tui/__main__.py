"""``python -m actviz_tui``: the same as the ``actviz`` command."""

from actviz_tui.cli import main

raise SystemExit(main())
