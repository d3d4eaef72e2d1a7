"""The production proofs' PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.prod.cluster import empty_database


@pytest.fixture
def postgres(tmp_path: Path) -> str:
    """The machine's PostgreSQL (CI has it), emptied for the test."""
    return empty_database("postgresql", tmp_path)
