"""What the engine knows besides the state: content, the matcher, the clinic and the policy knobs."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.engine.items import Catalog
from bot.engine.places import Places
from bot.engine.words import EngineWords
from bot.nlu import Matcher
from bot.nlu.items import ItemIndex
from content.model import Content


@dataclass(frozen=True, slots=True)
class Branch:
    """One clinic branch, from config.toml."""

    id: str
    name: str
    address: str
    phone: str
    whatsapp: str  # a https://wa.me/<digits> link
    map_url: str = ""
    hours: str = ""
    names: tuple[tuple[str, str], ...] = ()  # (language, name) for people who read another language

    def title(self, lang: str) -> str:
        """The branch's name in a language ("ar", or "ar" for Arabizi "ar-Latn"), else its own name."""
        names = dict(self.names)
        return names.get(lang) or names.get(lang.partition("-")[0]) or self.name


@dataclass(frozen=True, slots=True)
class Clinic:
    """The clinic behind the bot."""

    name: str
    branches: tuple[Branch, ...]

    def branch(self, branch_id: str) -> Branch | None:
        """The branch with this id, if any."""
        return next((b for b in self.branches if b.id == branch_id), None)


@dataclass(frozen=True, slots=True)
class Policy:
    """Tunable rules, from config.toml."""

    default_tz: str = "Asia/Dubai"
    reask_days: int = 30  # slow-changing safety answers are asked again after this many days
    acute_valid_minutes: int = 30  # "fever / just ate ..." answers count for one sitting only
    stale_step_seconds: int = 120  # a session step this late is dropped ("your session was interrupted")
    idle_session_minutes: int = 30  # a session left waiting (find the point, paused) closes after this
    reminder_grace_minutes: int = 120  # a reminder this late is still sent, once; later ones are skipped
    snooze_minutes: int = 15
    min_rest_seconds: int = 2  # "faster" never makes a rest shorter than this
    max_rest_seconds: int = 30  # "slower" / "longer rest" never makes a rest longer than this
    later_minutes: int = 60  # "not yet, remind me in an hour"
    max_points_offered: int = 3
    retain_days: int = 365  # a person who writes nothing for this long is erased (told a week before)


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything `step` reads and never changes."""

    content: Content
    matcher: Matcher
    clinic: Clinic
    policy: Policy = field(default_factory=Policy)
    items: Catalog = field(init=False)  # every point and zone as an Item, built from the content
    places: Places = field(init=False)  # city and country names -> time zones
    _words: dict[str, EngineWords] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", Catalog(self.content, ItemIndex.of(self.content).find))
        object.__setattr__(self, "places", Places())
        langs = {"en", *self.content.languages, *self.content.language_words}
        object.__setattr__(self, "_words", {lang: EngineWords.of(self.content.words(lang)) for lang in langs})

    def words(self, lang: str) -> EngineWords:
        """The engine's words in a language (English when there are none for it)."""
        return self._words.get(lang) or self._words["en"]
