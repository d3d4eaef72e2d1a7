"""The installed version of reflexbot (from the package metadata)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _installed


def version() -> str:
    """ "0.1.0", or "unknown" when run from a tree that was never installed."""
    try:
        return _installed("reflexbot")
    except PackageNotFoundError:
        return "unknown"
