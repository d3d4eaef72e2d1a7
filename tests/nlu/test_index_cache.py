"""Built language indexes are kept on disk under a fingerprint of what they are built from: the next
process loads instead of building, a change of content makes a new name, a broken file is rebuilt."""

from __future__ import annotations

import dataclasses
import mmap
import os
import pickle
from pathlib import Path

import pytest

from bot.nlu import Matcher, index_cache
from bot.nlu.lexicon import Packed
from content.model import Content


def _never() -> object:
    raise AssertionError("built again: the saved index was not used")


def test_a_saved_index_is_loaded_not_built(tmp_path: Path) -> None:
    built = index_cache.load_or_build("x-en", lambda: {"kept": (1, 2)}, tmp_path)
    assert built == {"kept": (1, 2)} and (tmp_path / "x-en.pickle").stat().st_mode & 0o077 == 0
    assert index_cache.load_or_build("x-en", _never, tmp_path) == {"kept": (1, 2)}


def test_a_broken_file_is_rebuilt_and_replaced(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "x-en.pickle").write_bytes(b"\x80\x05not a pickle")
    assert index_cache.load_or_build("x-en", lambda: "fresh", tmp_path) == "fresh"
    assert index_cache.load_or_build("x-en", _never, tmp_path) == "fresh"
    assert "unreadable" in caplog.text


def test_a_truncated_file_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A file cut short (a full disk, a copy stopped half-way) is never read as a smaller index."""
    built = Packed({"a": ["one", "two"], "b": ["three"]}, _as_list)
    index_cache.load_or_build("x-en", lambda: built, tmp_path)
    saved = tmp_path / "x-en.pickle"
    saved.write_bytes(saved.read_bytes()[:-3])
    fresh = index_cache.load_or_build("x-en", lambda: Packed({"a": ["new"]}, _as_list), tmp_path)
    assert fresh.get("a") == ["new"] and "unreadable" in caplog.text


def test_an_index_block_is_mapped_from_the_file_not_read(tmp_path: Path) -> None:
    """The large blocks of an index are out-of-band buffers of the file, mapped: a process reads only the
    pages of the groups its texts need (an English index is tens of megabytes)."""
    index_cache.load_or_build("x-en", lambda: Packed({"a": ["one", "two"], "b": ["three"]}, _as_list), tmp_path)
    loaded = index_cache.load_or_build("x-en", _never, tmp_path)
    assert isinstance(loaded, Packed) and isinstance(loaded._block.obj, mmap.mmap)
    assert loaded.get("b") == ["three"] and loaded.get("a") == ["one", "two"] and loaded.get("c") is None
    again = pickle.loads(pickle.dumps(loaded))  # an older protocol (no out-of-band buffers) keeps it too
    assert list(again.names()) == ["a", "b"] and again.get("a") == ["one", "two"]


def _as_list(_group: str, items: list[str]) -> list[str]:
    return items


def test_other_content_has_another_fingerprint(content: Content) -> None:
    changed = dataclasses.replace(content, symptoms=dict(list(content.symptoms.items())[1:]))
    assert index_cache.fingerprint(content) == index_cache.fingerprint(content)
    assert index_cache.fingerprint(changed) != index_cache.fingerprint(content)


def test_a_loaded_index_reads_as_a_built_one(content: Content, matcher: Matcher) -> None:
    """The session's matcher built (or loaded) English; a second one loads it from the cache."""
    again = Matcher(content)
    saved = index_cache.folder() / f"{index_cache.fingerprint(content)}-en.pickle"
    assert saved.exists()
    for text in ("I feel bloated", "chest pain spreading to my left arm", "cant sleep", "book an appointment"):
        assert again.understand(text) == matcher.understand(text)


def test_an_index_is_saved_packed_and_read_group_by_group(matcher: Matcher) -> None:
    """Groups of phrases are read from their strings when a text needs them, and saved without them."""
    index = matcher.lexicon.languages["en"].red_flags
    matcher.understand("crushing chest pain going down my left arm")
    saved = pickle.loads(pickle.dumps(index))
    assert saved.by_anchor._groups == {} and saved.exact._groups == {}
    anchor = next(index.by_anchor.names())
    read, built = saved.anchored(anchor), index.anchored(anchor)
    assert read is not None and built is not None and read.phrases == built.phrases != ()
    assert saved.exact.get("chest") == index.exact.get("chest") and "chest pain" in (saved.exact.get("chest") or {})
    assert saved.texts == index.texts


def test_only_the_newest_used_versions_are_kept(tmp_path: Path) -> None:
    """A new version of a thing removes all but the most recently used few: each code or content change
    makes one, and a language's index weighs tens of megabytes."""
    for n in range(5):
        index_cache.load_or_build(f"v{n}-en", lambda: "old", tmp_path)
        os.utime(tmp_path / f"v{n}-en.pickle", (1_000 + n, 1_000 + n))
    index_cache.load_or_build("v0-en", _never, tmp_path)  # used now: kept
    index_cache.load_or_build("v5-en", lambda: "new", tmp_path, family="*-en")
    index_cache.load_or_build("v6-ru", lambda: "other family", tmp_path, family="*-ru")
    kept = sorted(path.name for path in tmp_path.glob("*.pickle"))
    assert kept == ["v0-en.pickle", "v4-en.pickle", "v5-en.pickle", "v6-ru.pickle"]


def test_an_anchors_phrases_are_found_by_their_second_stem_in_index_order(matcher: Matcher) -> None:
    """A common anchor's phrases are taken only when the text holds their second stem, in the order a walk
    over all of them would have taken them."""
    index = matcher.lexicon.languages["en"].red_flags
    anchor, anchored = max(
        ((a, index.anchored(a)) for a in index.by_anchor.names()),
        key=lambda pair: len(pair[1].phrases),  # type: ignore[union-attr]
    )
    assert anchored is not None and len(anchored.phrases) > 50, "a common anchor, with many phrases"
    some = {stem for phrase in anchored.phrases[::7] for stem in phrase.content}
    walked = [p for p in anchored.phrases if all(stem in some for stem in p.content)]
    chosen = [p for p in anchored.among(some) if all(stem in some for stem in p.content)]
    assert chosen == walked != []
    assert anchored.among({anchor}) == [], "the anchor alone finds nothing: every phrase has a second stem"
