"""`reflexbot desk add-user | list-users | disable-user`: desk accounts from the command line.

A password is never an argument (it would stay in the shell's history and the process list): it is asked
twice on a terminal, or read as two lines from standard input, so set-up scripts can create accounts.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import re
from typing import TextIO

from bot.config import Settings
from bot.desk.auth import Passwords, password_problem
from bot.store import SqlStore
from scheduler import utc_now

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


def read_password(stdin: TextIO) -> tuple[str, str]:
    """The password typed twice (hidden) on a terminal, else the first two lines of standard input."""
    if stdin.isatty():
        return getpass.getpass("Password: "), getpass.getpass("Password again: ")
    first, second = stdin.readline(), stdin.readline()
    return first.removesuffix("\n").removesuffix("\r"), second.removesuffix("\n").removesuffix("\r")


def run_desk_command(
    args: argparse.Namespace,
    settings: Settings,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    passwords: Passwords | None = None,
) -> int:
    """Run one `reflexbot desk ...` command; 0 when done, 1 when the account is not there, 2 when refused."""
    if args.desk_command == "add-user":
        branches = tuple(dict.fromkeys(args.branch))
        known = {b.id for b in settings.clinic.branches}
        problem = _account_problem(args.name, args.role, branches, known)
        if problem:
            print(f"reflexbot: {problem}", file=stderr)
            return 2
        first, second = read_password(stdin)
        problem = password_problem(first, second)
        if problem:
            print(f"reflexbot: {problem}; no account created", file=stderr)
            return 2
        hashed = (passwords or Passwords()).hash(first)
        created = asyncio.run(_add_user(settings, args.name, hashed, args.role, branches))
        if not created:
            print(f"reflexbot: an account named {args.name} exists already", file=stderr)
            return 2
        print(f"desk account {args.name} created ({args.role})", file=stdout)
        return 0
    if args.desk_command == "list-users":
        return asyncio.run(_list_users(settings, stdout))
    disabled = asyncio.run(_disable_user(settings, args.name))
    if not disabled:
        print(f"reflexbot: no desk account named {args.name}", file=stderr)
        return 1
    print(f"desk account {args.name} disabled", file=stdout)
    return 0


def _account_problem(name: str, role: str, branches: tuple[str, ...], known: set[str]) -> str | None:
    if not NAME.fullmatch(name):
        return "a name is 1 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit"
    unknown = [b for b in branches if b not in known]
    if unknown:
        return f"unknown branch {', '.join(unknown)} (configured: {', '.join(sorted(known)) or 'none'})"
    if role == "staff" and not branches:
        return "a staff account needs at least one --branch (admins see every branch)"
    return None


async def _add_user(settings: Settings, name: str, hashed: str, role: str, branches: tuple[str, ...]) -> bool:
    store = await SqlStore.open(settings.storage_url)
    try:
        now = utc_now()
        created = await store.add_staff(name, hashed, role, branches if role == "staff" else (), now)
        if created:
            await store.write_audit(name, "account-created", "", now)
        return created
    finally:
        await store.close()


async def _list_users(settings: Settings, stdout: TextIO) -> int:
    store = await SqlStore.open(settings.storage_url)
    try:
        accounts = await store.list_staff()
    finally:
        await store.close()
    if not accounts:
        print("no desk accounts (create one with `reflexbot desk add-user NAME --role admin`)", file=stdout)
    for account in accounts:
        branches = "all branches" if account.role == "admin" else ", ".join(account.branches)
        state = "disabled" if account.disabled else "active"
        print(f"{account.name}\t{account.role}\t{state}\t{branches}", file=stdout)
    return 0


async def _disable_user(settings: Settings, name: str) -> bool:
    store = await SqlStore.open(settings.storage_url)
    try:
        disabled = await store.disable_staff(name)
        if disabled:
            await store.write_audit(name, "account-disabled", "", utc_now())
        return disabled
    finally:
        await store.close()
