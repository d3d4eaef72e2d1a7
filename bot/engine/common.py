"""Small shared pieces of the engine: the Turn type and builders for replies and buttons."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.engine.actions import Action, CancelTimer, Choice
from bot.engine.knowledge import Knowledge
from bot.engine.safety import allowed_items
from bot.engine.state import IDLE, Conversation
from content.model import Point, Zone

Turn = tuple[Conversation, tuple[Action, ...]]


def say(kb: Knowledge, state: Conversation, message_id: str, **fields: object) -> str:
    """A message's text in the person's language."""
    return kb.content.message(state.lang, message_id, **fields)


def button(kb: Knowledge, state: Conversation, choice_id: str, label_id: str, **fields: object) -> Choice:
    """A button whose label is a message id."""
    return Choice(choice_id, say(kb, state, label_id, **fields))


def item_name(kb: Knowledge, state: Conversation, item: str) -> str:
    """How an item is named to the person: "KI1 Yongquan" or "the arch zone"."""
    if item.startswith("zone:"):
        zone: Zone = kb.content.zones[item.removeprefix("zone:")]
        return zone.text.get(state.lang, zone.text["en"]).name
    point: Point | None = kb.content.point(item)
    if point is None:
        return item
    return f"{point.code} {point.text.get(state.lang, point.text['en']).name}"


def start_buttons(kb: Knowledge, state: Conversation, items: tuple[str, ...]) -> tuple[Choice, ...]:
    """ "Start <item>" buttons, never for an item the safety answers rule out (pregnancy)."""
    return tuple(
        Choice(f"start:{i}", say(kb, state, "button.start", name=item_name(kb, state, i)))
        for i in allowed_items(kb, state.answers, items)
    )


def feel_buttons(kb: Knowledge, state: Conversation) -> tuple[Choice, ...]:
    """Better / the same / worse."""
    return tuple(button(kb, state, f"feel:{f}", f"button.feel-{f}") for f in ("better", "same", "worse"))


def menu_choices(kb: Knowledge, state: Conversation) -> tuple[Choice, ...]:
    """The buttons of the main menu."""
    return (
        button(kb, state, "sym:insomnia", "menu.sleep"),
        button(kb, state, "sym:bloating", "menu.bloating"),
        button(kb, state, "sym:headache", "menu.headache"),
        button(kb, state, "rem:ask", "menu.reminder"),
        button(kb, state, "clinic", "menu.clinic"),
    )


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


def iso(moment: datetime) -> str:
    """An aware datetime as ISO 8601."""
    return moment.isoformat()
