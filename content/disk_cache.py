"""Things built from the content, kept on disk so a new process loads in milliseconds what takes seconds to
build: the checked content itself and the matcher's language indexes.

A file is named by a fingerprint of everything it is built from (the caller's business: see
`content.loader.default_content` and `bot.nlu.index_cache.fingerprint`), so a stale file is never read;
old files are simply never read again. The folder is the user's cache (0700, files 0600), written
atomically; anything unreadable is rebuilt.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import mmap
import os
import pickle
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar, cast

from platformdirs import user_cache_path

log = logging.getLogger(__name__)
T = TypeVar("T")


def folder() -> Path:
    """Where built things are kept ($XDG_CACHE_HOME/reflexbot/indexes on Linux)."""
    return user_cache_path("reflexbot", appauthor=False) / "indexes"


KEEP = 3  # versions of a thing kept: the newest used (several checkouts may share the folder)


def load_or_build(name: str, build: Callable[[], T], where: Path | None = None, family: str = "") -> T:
    """The object saved as `name`, else `build()` (then saved for the next process). `family`: a glob of
    the names of other versions of the same thing ("*-en"); saving a new one removes all but the `KEEP`
    most recently used."""
    path = (where or folder()) / f"{name}.pickle"
    if path.exists():
        gc.disable()  # millions of small objects: the collector would walk them all while loading
        try:
            found = cast(T, _load(path))
            with contextlib.suppress(OSError):
                os.utime(path)  # used now: the last to go
            return found
        except Exception as error:  # a truncated or foreign file: rebuilt and replaced
            log.warning("cache file %s unreadable (%s): rebuilding", path.name, type(error).__name__)
        finally:
            gc.enable()
    built = build()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            _save(built, file)
        os.replace(temporary, path)
    except OSError as error:  # a read-only home: everything works, only the next start is slower
        log.warning("cache file not written (%s)", type(error).__name__)
        return built
    if family:
        _prune(path.parent, f"{family}.pickle")
    return built


# A file: MAGIC, the pickle's length, how many buffers and each one's length (8-byte little-endian numbers),
# then the pickle (protocol 5), then its out-of-band buffers (PEP 574: the large blocks of text an index keeps,
# see `bot.nlu.lexicon.Packed`), which a load maps instead of reading.
MAGIC = b"rbcache1"


def _save(built: object, file: BinaryIO) -> None:
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(built, protocol=5, buffer_callback=buffers.append)
    blocks = [buffer.raw() for buffer in buffers]
    file.write(MAGIC + struct.pack(f"<{2 + len(blocks)}Q", len(head), len(blocks), *(b.nbytes for b in blocks)))
    file.write(head)
    for block in blocks:
        file.write(block)


def _load(path: Path) -> object:
    with path.open("rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)  # stays mapped while a buffer is used
    view = memoryview(mapped)
    if view[: len(MAGIC)] != MAGIC:
        raise ValueError("not a reflexbot cache file")
    at = len(MAGIC)
    head_size, count = struct.unpack_from("<2Q", view, at)
    sizes = struct.unpack_from(f"<{count}Q", view, at + 16)
    at += 16 + 8 * count
    head = view[at : at + head_size]
    at += head_size
    buffers = []
    for size in sizes:
        buffers.append(view[at : at + size])
        at += size
    if at != len(view) or len(head) != head_size:
        raise ValueError("truncated")
    return pickle.loads(head, buffers=buffers)


def _prune(where: Path, pattern: str) -> None:
    """Remove all but the KEEP most recently used files of the pattern (each content or code change makes
    a new version of a few megabytes to a few hundred)."""
    found = []
    for path in where.glob(pattern):
        with contextlib.suppress(OSError):
            found.append((path.stat().st_mtime, path))
    for _used, path in sorted(found, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            path.unlink()
