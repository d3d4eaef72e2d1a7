"""Where in the world: place names people type -> IANA time zones ("I'm in London now").

Built once when the knowledge is made (it reads the zone list and content/places.toml then, never
during a turn): the city part of every IANA zone ("london", "new york") plus content's own names.
"""

from __future__ import annotations

import tomllib
import zoneinfo
from pathlib import Path

from bot.nlu import normalise

PLACES_FILE = Path(__file__).resolve().parents[2] / "content" / "places.toml"
MAX_WORDS = 4


class Places:
    """Place name -> time zone, for every language's names."""

    def __init__(self, path: Path = PLACES_FILE) -> None:
        self._zones: dict[str, str] = {}
        for name in sorted(zoneinfo.available_timezones()):
            if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/")):
                city = normalise(name.rsplit("/", 1)[1].replace("_", " "))
                self._zones.setdefault(city, name)
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        for names in data.values():
            for place, tz in names.items():
                self._zones[normalise(place)] = tz
        self.zones = frozenset(self._zones.values())

    def find(self, normalised_text: str) -> str | None:
        """The zone of the longest place name in a normalised text ("i am in new york now")."""
        words = normalised_text.split()
        for size in range(min(MAX_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                found = self._zones.get(" ".join(words[start : start + size]))
                if found is not None:
                    return found
        return None
