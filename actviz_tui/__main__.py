from actviz_tui.cli import main

raise SystemExit(main())
