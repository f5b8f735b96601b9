"""``python -m core.metrics FILE [FILE ...]``: evaluate score files, print the report as JSON (``_cli``)."""

from core.metrics._cli import main

raise SystemExit(main())
