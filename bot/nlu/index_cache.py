"""Built language indexes kept on disk, so a new process loads in a second what takes several to build.

A file is named by a fingerprint of everything an index is built from: the content itself and the code
of `bot/nlu` and `content` (and the Python version, which pickles depend on). Any change makes a new
name, so a stale index is never read. Where and how they are kept: `content.disk_cache`.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import content as content_package
from content.disk_cache import folder, load_or_build
from content.loader import content_digest
from content.model import Content

__all__ = ["fingerprint", "folder", "load_or_build"]
_CODE = (Path(__file__).parent, Path(content_package.__file__).parent)


def fingerprint(content: Content) -> str:
    """A name for what an index of this content is built from: content, code, Python (worked out once per
    content object: the lexicon and the item index both ask)."""
    known = _FINGERPRINTS.get(id(content))
    if known is not None and known[0] is content:
        return known[1]
    if len(_FINGERPRINTS) > MAX_REMEMBERED:  # contents made again and again (tests): never grows without bound
        _FINGERPRINTS.clear()
    found = _fingerprint(content)
    _FINGERPRINTS[id(content)] = (content, found)
    return found


MAX_REMEMBERED = 64
_FINGERPRINTS: dict[int, tuple[Content, str]] = {}


def _fingerprint(content: Content) -> str:
    digest = hashlib.sha256(sys.version.encode())
    for code in _CODE:
        for source in sorted(code.glob("*.py")):
            digest.update(source.name.encode() + source.read_bytes())
    digest.update(content_digest(content))
    return digest.hexdigest()[:32]
