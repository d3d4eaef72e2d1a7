"""`python -m bot` is the same as the `reflexbot` console script."""

from bot.cli import main

raise SystemExit(main())
