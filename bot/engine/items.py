"""One `Item` for what a session works on, a point or a zone, with its texts in one place.

`Item.localized(lang)` is the only place a language falls back to English; `Catalog.get()` takes a
WHO code, an alias (KD1) or "zone:<id>".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from content.model import Content, Pregnancy, Technique

ZONE_PREFIX = "zone:"
Finder = Callable[[str], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class ItemText:
    """An item's words in one language; `why` is tradition for a point, the body areas for a zone."""

    name: str
    location: str
    how: str
    why: str
    safety: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    """A point ("KI1") or a reflex zone ("zone:arch") the bot can guide."""

    key: str  # what sessions and buttons carry: the WHO code, or "zone:<id>"
    code: str  # the WHO code; empty for a zone
    technique: Technique
    pregnancy: Pregnancy
    texts: Mapping[str, ItemText]
    sources: tuple[str, ...]

    @property
    def is_zone(self) -> bool:
        """True for a reflex zone."""
        return not self.code

    def picture(self, foot: str = "right") -> str:
        """The name of the picture of where it is on one foot ("KI1.right", "zone:arch.left")."""
        return picture_name(self.key, foot)

    def localized(self, lang: str) -> ItemText:
        """The item's texts in `lang`, or in English when there is no translation."""
        return self.texts.get(lang) or self.texts["en"]

    def title(self, lang: str) -> str:
        """How the item is named to the person: "KI1 Yongquan (Bubbling Spring)" or "Arch"."""
        name = self.localized(lang).name
        return name if self.is_zone else f"{self.code} {name}"


class Catalog:
    """Every item of the content, looked up by code, alias or zone key; built once."""

    def __init__(self, content: Content, finder: Finder | None = None) -> None:
        self._finder = finder
        self._items: dict[str, Item] = {}
        self._aliases: dict[str, str] = {}
        for point in content.points.values():
            texts = {lang: ItemText(t.name, t.location, t.how, t.why, t.safety) for lang, t in point.text.items()}
            self._items[point.code] = Item(
                point.code, point.code, point.technique, point.pregnancy, texts, point.sources
            )
            for alias in (point.code, *point.aliases):
                self._aliases.setdefault(alias.upper(), point.code)
        for zone in content.zones.values():
            key = f"{ZONE_PREFIX}{zone.id}"
            texts = {lang: ItemText(t.name, t.location, t.how, t.body_areas) for lang, t in zone.text.items()}
            self._items[key] = Item(key, "", zone.technique, Pregnancy.NONE, texts, zone.sources)
            self._aliases[key.upper()] = key

    def get(self, key: str) -> Item | None:
        """The item for a code ("KI1"), an alias ("kd1") or a zone key ("zone:arch"), if any."""
        found = self._aliases.get(key.strip().upper())
        return None if found is None else self._items[found]

    def __getitem__(self, key: str) -> Item:
        item = self.get(key)
        if item is None:
            raise KeyError(key)
        return item

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def find(self, normalised_text: str) -> tuple[str, ...]:
        """Items a text names by code, alias or name ("show me ST44", "yongquan"), best first."""
        return self._finder(normalised_text) if self._finder is not None else ()

    @property
    def keys(self) -> tuple[str, ...]:
        """Every item key, points first."""
        return tuple(self._items)


def picture_name(key: str, foot: str) -> str:
    """The name of an item's picture on a foot: what a reply carries and channels resolve to a file."""
    return f"{key}.{foot}"


def picture_of(name: str) -> tuple[str, str]:
    """The item key and foot a picture name stands for ("zone:arch.left" -> ("zone:arch", "left"))."""
    key, _, foot = name.rpartition(".")
    return key, foot
