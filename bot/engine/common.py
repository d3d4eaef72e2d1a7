"""Small shared pieces of the engine: the Turn type and builders for replies and buttons."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from babel.lists import format_list

from bot.engine.actions import Action, CancelTimer, Choice, Reply
from bot.engine.choices import ASK_REMINDER, ChoiceId, Command, Feel, PickSymptom, StartItem
from bot.engine.knowledge import Knowledge
from bot.engine.safety import allowed_items
from bot.engine.state import IDLE, Conversation
from content.model import babel_locale

if TYPE_CHECKING:
    import babel

Turn = tuple[Conversation, tuple[Action, ...]]


def say(kb: Knowledge, state: Conversation, message_id: str, **fields: object) -> str:
    """A message's text in the person's language."""
    return kb.content.message(state.lang, message_id, **fields)


def locale_of(kb: Knowledge, state: Conversation, message_id: str) -> babel.Locale:
    """Babel's locale for the dates and lists inside a message: the language its text is written in (English
    for a Tagalog speaker where Tagalog has no such message: "on Mon 30 Nov", not "on Lun 30 Nob")."""
    return babel_locale(kb.content.message_lang(state.lang, message_id))


def listed(state: Conversation, names: Iterable[str]) -> str:
    """Names as a list in the person's language, by Babel: "A, B, and C", "A وB وC", "A, B и C"."""
    return format_list(list(names), locale=babel_locale(state.lang))


def button(kb: Knowledge, state: Conversation, choice: ChoiceId, label_id: str, **fields: object) -> Choice:
    """A button for a typed choice, whose label is a message id."""
    return Choice(str(choice), say(kb, state, label_id, **fields))


def item_name(kb: Knowledge, state: Conversation, key: str) -> str:
    """How an item is named to the person: "KI1 Yongquan (Bubbling Spring)" or "Arch"."""
    item = kb.items.get(key)
    return key if item is None else item.title(state.lang)


def start_buttons(kb: Knowledge, state: Conversation, items: tuple[str, ...]) -> tuple[Choice, ...]:
    """ "Start <item>" buttons, never for an item the safety answers rule out (pregnancy)."""
    return tuple(
        button(kb, state, StartItem(i), "button.start", name=item_name(kb, state, i))
        for i in allowed_items(kb, state.answers, items, others_pregnant=state.others_pregnant)
    )


def feel_buttons(kb: Knowledge, state: Conversation) -> tuple[Choice, ...]:
    """Better / the same / worse."""
    return tuple(button(kb, state, Feel(f), f"button.feel-{f}") for f in ("better", "same", "worse"))


def menu_choices(kb: Knowledge, state: Conversation) -> tuple[Choice, ...]:
    """The buttons of the main menu."""
    return (
        button(kb, state, PickSymptom("insomnia"), "menu.sleep"),
        button(kb, state, PickSymptom("bloating"), "menu.bloating"),
        button(kb, state, PickSymptom("headache"), "menu.headache"),
        button(kb, state, ASK_REMINDER, "menu.reminder"),
        button(kb, state, Command("clinic"), "menu.clinic"),
    )


def menu_reply(kb: Knowledge, state: Conversation, message_id: str = "menu", **fields: object) -> Reply:
    """A message followed by the main menu's buttons."""
    return Reply(say(kb, state, message_id, **fields), menu_choices(kb, state))


def stop_session(state: Conversation) -> tuple[Conversation, tuple[Action, ...]]:
    """End any running session quietly: cancel its timer and clear it from the state."""
    if state.session is None:
        return state, ()
    actions: tuple[Action, ...] = ()
    if state.session.timer_id:
        actions = (CancelTimer(state.session.timer_id),)
    return replace(state, session=None), actions


def to_idle(state: Conversation) -> Conversation:
    """Back to the menu, dropping any half-finished question or form (but not the session)."""
    return replace(state, state=IDLE, question="", pending_item="", booking=None, maybe=())


def without_buttons(actions: Iterable[Action]) -> tuple[Action, ...]:
    """The actions with their replies' buttons left off: an aside answered while a question waits, whose
    buttons come with the question asked again after it."""
    return tuple(replace(action, choices=()) if isinstance(action, Reply) else action for action in actions)


def iso(moment: datetime) -> str:
    """An aware datetime as ISO 8601."""
    return moment.isoformat()
