"""`python -m playground` runs the same command as the `playground` console script."""

from playground.cli import main

raise SystemExit(main())
