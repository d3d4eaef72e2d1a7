"""`alembic` works for developers (alembic.ini at the top): a new revision is numbered after the newest one
and chains to it, and `--autogenerate` compares the models with the database in $REFLEXBOT_DATABASE_URL
(SQLite and PostgreSQL). Each run works on a copy of the migrations folder, never on the repository's."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from bot.store.migrate import MIGRATIONS
from tests.conftest import POSTGRES, drop_everything
from tests.store.test_migrations import raw

ROOT = Path(__file__).resolve().parents[2]


def current_head() -> str:
    """The newest revision of the repository's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    (head,) = ScriptDirectory.from_config(config).get_heads()
    return str(head)


def copy_of_the_repository(tmp_path: Path) -> Path:
    """alembic.ini as committed, beside a copy of bot/store/migrations (the code stays importable from ROOT)."""
    shutil.copy(ROOT / "alembic.ini", tmp_path / "alembic.ini")
    shutil.copytree(MIGRATIONS, tmp_path / "bot" / "store" / "migrations", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def alembic(workdir: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
    """The `alembic` command, run from the top of the copy as a developer would."""
    env = {k: v for k, v in os.environ.items() if k != "REFLEXBOT_DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    if url is not None:
        env["REFLEXBOT_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "alembic", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def new_revisions(workdir: Path) -> list[Path]:
    known = {path.name for path in MIGRATIONS.joinpath("versions").glob("*.py")}
    return [p for p in sorted((workdir / "bot/store/migrations/versions").glob("*.py")) if p.name not in known]


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"revision_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_new_revision_is_numbered_and_chains_to_the_current_head(tmp_path: Path) -> None:
    workdir = copy_of_the_repository(tmp_path)
    head = current_head()
    done = alembic(workdir, "revision", "-m", "Add a reminder note")  # no database needed, none given
    assert done.returncode == 0, done.stderr
    (created,) = new_revisions(workdir)
    number = f"{int(head) + 1:04d}"
    assert created.name == f"{number}_add_a_reminder_note.py"
    revision = load(created)
    assert revision.revision == number and revision.down_revision == head
    assert callable(revision.upgrade) and callable(revision.downgrade)
    assert "Add a reminder note" in created.read_text()
    heads = alembic(workdir, "heads")
    assert heads.returncode == 0 and heads.stdout.split() == [number, "(head)"], heads.stdout + heads.stderr
    chosen = alembic(workdir, "revision", "-m", "Chosen id", "--rev-id", "0100")  # an explicit id is kept
    assert chosen.returncode == 0, chosen.stderr
    assert load(workdir / "bot/store/migrations/versions/0100_chosen_id.py").down_revision == number
    assert not new_revisions(ROOT), "the repository's migrations are untouched"


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    address = f"sqlite:///{tmp_path / 'dev.sqlite3'}" if request.param == "sqlite" else POSTGRES
    try:
        await raw(address, drop_everything)
    except (OSError, SQLAlchemyError) as error:
        pytest.skip(f"PostgreSQL at {POSTGRES} is not reachable ({type(error).__name__}); CI has it")
    return address


async def test_autogenerate_compares_the_models_with_the_database(tmp_path: Path, empty_database: str) -> None:
    workdir = copy_of_the_repository(tmp_path)
    upgraded = alembic(workdir, "upgrade", "head", url=empty_database)
    assert upgraded.returncode == 0, upgraded.stderr
    current = alembic(workdir, "current", url=empty_database)
    assert current_head() in current.stdout, current.stdout + current.stderr

    def lose_an_index(conn: Connection) -> None:  # the database now lacks what schema.py declares
        conn.execute(text("DROP INDEX ix_appointments_key"))

    await raw(empty_database, lose_an_index)
    try:
        done = alembic(workdir, "revision", "--autogenerate", "-m", "Restore the index", url=empty_database)
        assert done.returncode == 0, done.stderr
        (created,) = new_revisions(workdir)
        body = created.read_text()
        assert 'create_index("ix_appointments_key"' in body.replace("'", '"'), body
        assert load(created).down_revision == current_head()
    finally:
        await raw(empty_database, drop_everything)


def test_autogenerate_without_a_database_says_which_variable_to_set(tmp_path: Path) -> None:
    done = alembic(copy_of_the_repository(tmp_path), "revision", "--autogenerate", "-m", "Nothing")
    assert done.returncode != 0 and "REFLEXBOT_DATABASE_URL" in done.stderr
