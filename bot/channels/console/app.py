"""The console channel's I/O: the scripted JSONL chat on a virtual clock, and the real-time chat."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.assembly import build_knowledge, newcomer
from bot.channels.calendar import CalendarFiles, file_name
from bot.channels.console.parse import Wait, parse_jsonl, parse_typed
from bot.channels.console.render import MIN_WIDTH, reply_lines, reply_object
from bot.channels.my_data import DataFiles
from bot.config import Settings
from bot.engine import Choice, Reply, Started
from bot.engine.clock_math import zone
from bot.engine.documents import CalendarFile, parse_document
from bot.pictures.library import Pictures
from bot.runtime import NotServedHereError, Runtime
from bot.store import SqlStore
from scheduler import Trigger, VirtualClock, utc_now

OUTBOX_POLL_SECONDS = 5.0  # how often the live chat looks for replies another process left (the desk's)


class Attachments:
    """A reply's files on disk, for a console that shows paths: its picture, its calendar file or the
    person's data file (written to the cache folder beside the pictures, from the store as it is now)."""

    def __init__(self, pictures: Pictures, calendars: CalendarFiles, data_files: DataFiles) -> None:
        self.pictures = pictures
        self.calendars = calendars
        self.data_files = data_files
        self.folder = pictures.folder.parent / "calendar"
        self.data_folder = pictures.folder.parent / "my-data"

    def image(self, reply: Reply) -> Path | None:
        """The reply's picture as a file, or None."""
        if reply.image and self.pictures.file_name(reply.image):
            return self.pictures.path(reply.image)
        return None

    async def document(self, key: str, reply: Reply) -> Path | None:
        """The reply's file, written fresh (a moved time writes the new calendar), or None."""
        if reply.document is None:
            return None
        named = parse_document(reply.document)
        if isinstance(named, CalendarFile):
            ics = await self.calendars.by_ref(named.ref)
            if ics is None:
                return None
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / file_name(named.ref)
            path.write_bytes(ics)
            return path
        built = await self.data_files.build(key, named.at)
        if built is None:
            return None
        self.data_folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # health answers: the user's alone
        path = self.data_folder / built.name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(built.content)
        return path


async def run_jsonl(settings: Settings, user: str, start: datetime, stdin: TextIO, stdout: TextIO) -> int:
    """`reflexbot chat --jsonl`: one event per input line, timed messages on a virtual clock."""
    key = f"console:{user}"
    tz = zone(settings.policy.default_tz, "Asia/Dubai")
    store = await SqlStore.open(settings.storage_url)
    clock_holder: list[VirtualClock] = []
    reader_gone: list[bool] = []

    async def deliver(to: str, reply: Reply) -> None:
        if to != key:
            raise NotServedHereError("another person's reply: left in the outbox")
        document = await files.document(to, reply)
        shown = reply_object(reply, clock_holder[0].now, start, tz, files.image(reply), document)
        try:
            stdout.write(json.dumps(shown, ensure_ascii=False) + "\n")
            stdout.flush()
        except BrokenPipeError:  # the reader has gone ("| head -1"): no delivery to retry, the chat ends
            reader_gone.append(True)

    kb = build_knowledge(settings)
    files = Attachments(
        Pictures(kb.content), CalendarFiles(store, kb.clinic), DataFiles(store, settings.policy.default_tz)
    )
    runtime = Runtime(kb, store, deliver, default_tz=settings.policy.default_tz, newcomer=newcomer(settings))
    clock = VirtualClock(start, store, runtime.run_due, key=key)
    clock_holder.append(clock)
    try:
        await clock.run_until(start)  # whatever a reused database had due by the start
        await runtime.flush(clock.now, key)
        for line in stdin:
            item = parse_jsonl(line)
            if isinstance(item, Wait):
                await clock.advance(item.seconds)
                await runtime.flush(clock.now, key)  # replies another process left (the desk's confirmation)
            elif item is not None:
                await runtime.handle(key, item, clock.now)
            if reader_gone:
                raise BrokenPipeError("the reader of the chat has gone")  # ends quietly (bot/cli.py)
            stdout.write(json.dumps({"idle": True, "t": round((clock.now - start).total_seconds(), 3)}) + "\n")
            stdout.flush()
    finally:
        await store.close()
    return 0


def terminal_width() -> int:
    """The terminal's width in columns (80 when not a terminal)."""
    return shutil.get_terminal_size((80, 24)).columns


async def run_interactive(
    settings: Settings,
    user: str,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    width: Callable[[], int] = terminal_width,
) -> int:
    """`reflexbot chat`: a real-time chat in the terminal; timed messages arrive at their real pace.

    Replies are wrapped to the terminal's width (read at each message, so a resize is followed), and a
    set of buttons identical to the previous message's is not listed again.
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    key = f"console:{user}"
    tz = zone(settings.policy.default_tz, "Asia/Dubai")
    store = await SqlStore.open(settings.storage_url)
    shown: tuple[Choice, ...] = ()  # the buttons a typed number picks from: the last ones shown
    previous: tuple[Choice, ...] = ()  # the previous message's buttons

    async def deliver(to: str, reply: Reply) -> None:
        nonlocal shown, previous
        if to != key:
            raise NotServedHereError("another person's reply: left in the outbox")
        image = None
        if (path := files.image(reply)) is not None and reply.image:
            image = (files.pictures.caption(reply.image), path)
        document = await files.document(to, reply)
        lines = reply_lines(reply, utc_now(), tz, width=width(), previous=previous, image=image, document=document)
        stdout.write(lines + "\n")
        stdout.flush()
        previous = reply.choices
        if reply.choices:
            shown = reply.choices

    # The trigger runs the runtime's due timers and the runtime asks the trigger to wake: the trigger
    # calls through to the runtime made just after it.
    trigger = Trigger(lambda now: runtime.run_due(now))
    kb = build_knowledge(settings)
    files = Attachments(
        Pictures(kb.content), CalendarFiles(store, kb.clinic), DataFiles(store, settings.policy.default_tz)
    )
    runtime = Runtime(
        kb,
        store,
        deliver,
        default_tz=settings.policy.default_tz,
        wake_at=trigger.wake_at,
        newcomer=newcomer(settings),
        clock=utc_now,
    )
    gc.freeze()  # the knowledge lives as long as the chat: out of the collector's full scans (see serve)
    welcome = "reflexbot console. Type how you feel; a number picks a button; Ctrl-D or 'quit' to leave."
    stdout.write(textwrap.fill(welcome, max(width(), MIN_WIDTH)) + "\n\n")
    stdout.flush()
    loop = asyncio.get_running_loop()

    async def poll_outbox() -> None:  # the desk's confirmation, written by the server, shows up here
        while True:
            await asyncio.sleep(OUTBOX_POLL_SECONDS)
            await runtime.flush(utc_now(), key)

    poller = asyncio.create_task(poll_outbox())
    try:
        trigger.start()
        await runtime.flush(utc_now(), key)
        await runtime.handle(key, Started(), utc_now())
        while True:
            line = await loop.run_in_executor(None, stdin.readline)
            if not line or line.strip().lower() in ("quit", "exit"):
                break
            await runtime.handle(key, parse_typed(line, shown), utc_now())
    finally:
        poller.cancel()
        await runtime.stop()
        trigger.shutdown()
        await store.close()
    return 0
