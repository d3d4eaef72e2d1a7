"""Every item's picture by name ("KI1.right"): drawn on first use, kept in memory and in a folder,
and known by a content hash of what is drawn, so a link or a cached file never shows an old drawing."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import PIL
from platformdirs import user_cache_path

from bot.engine.items import picture_name
from bot.pictures.draw import DRAWING_VERSION, render
from bot.pictures.views import View, load_views
from content.model import Content, Place

FEET = ("right", "left")


@dataclass(frozen=True, slots=True)
class Drawing:
    """What one picture shows: a place on a view, on one foot, with a label."""

    view: View
    place: Place
    foot: str
    label: str

    def digest(self) -> str:
        """A hash of everything that makes the picture (and of the drawing code's version)."""
        spec = [DRAWING_VERSION, PIL.__version__, _view_digest(self.view), asdict(self.place), self.foot, self.label]
        return hashlib.sha256(json.dumps(spec, ensure_ascii=False).encode()).hexdigest()[:24]


@functools.cache
def _view_digest(view: View) -> str:
    """A hash of a view's outline and marks: a view is drawn for dozens of pictures, written out once."""
    return hashlib.sha256(repr(view).encode()).hexdigest()


def label_of(content: Content, key: str) -> str:
    """The words on a picture: a point's code and pinyin name ("KI1 Yongquan"), a zone's name."""
    if key.startswith("zone:"):
        return content.zones[key.removeprefix("zone:")].text["en"].name
    point = content.points[key]
    return f"{point.code} {point.text['en'].name.split(' (')[0]}"


class Pictures:
    """The pictures of every point and zone on each foot; `file_name` is "<content hash>.png"."""

    def __init__(self, content: Content, folder: Path | None = None) -> None:
        views = load_views()
        self.folder = folder if folder is not None else user_cache_path("reflexbot", appauthor=False) / "pictures"
        self._drawings: dict[str, Drawing] = {}
        places = [(code, p.place) for code, p in content.points.items()]
        places += [(f"zone:{zone_id}", z.place) for zone_id, z in content.zones.items()]
        for key, place in places:
            for foot in FEET:
                self._drawings[picture_name(key, foot)] = Drawing(
                    views[place.view], place, foot, label_of(content, key)
                )
        self._files = {name: f"{d.digest()}.png" for name, d in self._drawings.items()}
        self._names = {file: name for name, file in self._files.items()}
        self._png: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def names(self) -> tuple[str, ...]:
        """Every picture's name."""
        return tuple(self._drawings)

    def file_name(self, name: str) -> str | None:
        """The picture's file name ("<content hash>.png"), or None for a name no item has."""
        return self._files.get(name)

    def png(self, name: str) -> bytes:
        """The picture as PNG bytes, drawn once per process."""
        found = self._png.get(name)
        if found is None:
            drawing = self._drawings[name]
            found = render(drawing.view, drawing.place, foot=drawing.foot, label=drawing.label)
            with self._lock:
                self._png[name] = found
        return found

    def by_file_name(self, file_name: str) -> bytes | None:
        """The PNG a file name stands for (what the media route serves), or None when there is none."""
        name = self._names.get(file_name)
        return None if name is None else self.png(name)

    def path(self, name: str) -> Path:
        """The picture as a file in the folder (written when missing), for channels that show a path."""
        path = self.folder / self._files[name]
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
            partial.write_bytes(self.png(name))
            partial.replace(path)
        return path

    def caption(self, name: str) -> str:
        """A one-line caption in English: "KI1 Yongquan, right foot (sole)"."""
        drawing = self._drawings[name]
        return f"{drawing.label}, {drawing.foot} foot ({drawing.place.view})"
