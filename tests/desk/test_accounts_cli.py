"""`reflexbot desk add-user | list-users | disable-user`: the password never on the command line, read
twice (two lines of stdin when not a terminal), refused when the two differ or it is short."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from bot import cli
from bot.desk import Passwords
from bot.store import SqlStore


class Pipe(io.StringIO):
    """Standard input that is not a terminal."""

    def isatty(self) -> bool:
        return False


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The database every command here uses, named by the environment."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("REFLEXBOT_DATABASE_URL", url)
    return url


def run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", Pipe(stdin))
    return cli.main(argv)


async def accounts(url: str) -> dict[str, tuple[str, tuple[str, ...], bool, str]]:
    store = await SqlStore.open(url)
    try:
        return {a.name: (a.role, a.branches, a.disabled, a.password_hash) for a in await store.list_staff()}
    finally:
        await store.close()


def test_add_user_reads_the_password_twice_from_stdin(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(monkeypatch, ["desk", "add-user", "amira", "--branch", "dhcc"], "a long password\na long password\n")
    assert code == 0 and "desk account amira created (staff)" in capsys.readouterr().out
    role, branches, disabled, hashed = (asyncio.run(accounts(database)))["amira"]
    assert (role, branches, disabled) == ("staff", ("dhcc",), False)
    assert hashed.startswith("$argon2id$") and "a long password" not in hashed
    assert Passwords().verify(hashed, "a long password") and not Passwords().verify(hashed, "another one")


def test_an_admin_sees_every_branch(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, ["desk", "add-user", "head", "--role", "admin"], "0123456789\n0123456789\n") == 0
    assert (
        run(
            monkeypatch,
            ["desk", "add-user", "amira", "--branch", "main", "--branch", "dhcc"],
            "x" * 12 + "\n" + "x" * 12 + "\n",
        )
        == 0
    )
    capsys.readouterr()
    assert run(monkeypatch, ["desk", "list-users"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed == ["amira\tstaff\tactive\tmain, dhcc", "head\tadmin\tactive\tall branches"]


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("a long password\nanother password\n", "the two passwords differ"),
        ("short\nshort\n", "shorter than 10 characters"),
        ("a long password\n", "the two passwords differ"),
        ("", "shorter than 10 characters"),
    ],
)
def test_a_bad_password_is_refused(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], given: str, why: str
) -> None:
    assert run(monkeypatch, ["desk", "add-user", "amira", "--branch", "dhcc"], given) == 2
    err = capsys.readouterr().err
    assert why in err and "no account created" in err
    assert asyncio.run(accounts(database)) == {}


@pytest.mark.parametrize(
    ("argv", "why"),
    [
        (["desk", "add-user", "amira"], "needs at least one --branch"),
        (["desk", "add-user", "amira", "--branch", "jumeirah"], "unknown branch jumeirah"),
        (["desk", "add-user", "bad name!", "--branch", "dhcc"], "a name is 1 to 40"),
    ],
)
def test_a_bad_account_is_refused(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], why: str
) -> None:
    assert run(monkeypatch, argv, "a long password\na long password\n") == 2
    assert why in capsys.readouterr().err
    assert asyncio.run(accounts(database)) == {}


def test_a_name_is_taken_once(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["desk", "add-user", "amira", "--branch", "dhcc"]
    assert run(monkeypatch, argv, "a long password\na long password\n") == 0
    assert run(monkeypatch, argv, "other password\nother password\n") == 2
    assert "exists already" in capsys.readouterr().err


def test_disable_user(database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(monkeypatch, ["desk", "add-user", "amira", "--branch", "dhcc"], "a long password\na long password\n") == 0
    )
    assert run(monkeypatch, ["desk", "disable-user", "amira"]) == 0
    assert (asyncio.run(accounts(database)))["amira"][2] is True
    assert run(monkeypatch, ["desk", "disable-user", "nobody"]) == 1
    assert "no desk account named nobody" in capsys.readouterr().err
    capsys.readouterr()
    run(monkeypatch, ["desk", "list-users"])
    assert "amira\tstaff\tdisabled\tdhcc" in capsys.readouterr().out


def test_the_password_is_not_an_option() -> None:
    with pytest.raises(SystemExit):
        cli.main(["desk", "add-user", "amira", "--password", "a long password"])
