"""Built language indexes kept on disk, so a new process loads in a second what takes several to build.

A file is named by a fingerprint of everything an index is built from: the content itself and the code
of `bot/nlu` and `content` (and the Python version, which pickles depend on). Any change makes a new
name, so a stale index is never read; old files are simply never read again. The folder is the user's
cache (0700, files 0600), written atomically; anything unreadable is rebuilt.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from platformdirs import user_cache_path

import content as content_package
from content.model import Content

log = logging.getLogger(__name__)
T = TypeVar("T")
_CODE = (Path(__file__).parent, Path(content_package.__file__).parent)


def folder() -> Path:
    """Where built indexes are kept ($XDG_CACHE_HOME/reflexbot/indexes on Linux)."""
    return user_cache_path("reflexbot", appauthor=False) / "indexes"


def fingerprint(content: Content) -> str:
    """A name for what an index of this content is built from: content, code, Python."""
    digest = hashlib.sha256(sys.version.encode())
    for code in _CODE:
        for source in sorted(code.glob("*.py")):
            digest.update(source.name.encode() + source.read_bytes())
    digest.update(pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL))
    return digest.hexdigest()[:32]


def load_or_build(name: str, build: Callable[[], T], where: Path | None = None) -> T:
    """The object saved as `name`, else `build()` (then saved for the next process)."""
    path = (where or folder()) / f"{name}.pickle"
    try:
        with path.open("rb") as file:
            gc.disable()  # millions of small objects: the collector would walk them all while loading
            try:
                found: T = pickle.load(file)
            finally:
                gc.enable()
            return found
    except FileNotFoundError:
        pass
    except Exception as error:  # a truncated or foreign file: rebuilt and replaced
        log.warning("index cache %s unreadable (%s): rebuilding", path.name, type(error).__name__)
    built = build()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            pickle.dump(built, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError as error:  # a read-only home: the index works, only the next start is slower
        log.warning("index cache not written (%s)", type(error).__name__)
    return built
