"""Builds the parts every channel shares from Settings: the knowledge, and how a new person starts."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.whatsapp.parse import timezone_of
from bot.config import Settings
from bot.engine import Conversation, Knowledge
from bot.nlu import Matcher
from content.loader import default_content

Newcomer = Callable[[str], Conversation]
"""A new person's first state, by their key ("telegram:42")."""


def build_knowledge(settings: Settings) -> Knowledge:
    """Content and matcher (loaded and preprocessed once) with the clinic and policy from config."""
    content = default_content()
    return Knowledge(
        content=content, matcher=Matcher(content), clinic=settings.clinic.as_clinic(), policy=settings.policy
    )


def newcomer(settings: Settings) -> Newcomer:
    """A new person starts in [bot] default_language and default_timezone; on WhatsApp, in their number's
    country's time zone, a session round per message, and the 24-hour window unless a reminder template
    lets the bot write outside it."""
    tz, lang = settings.bot.default_timezone, settings.bot.default_language
    whatsapp = settings.whatsapp
    per_round = whatsapp.session_pacing == "per-round"
    window = 0 if "reminder" in whatsapp.templates else 24  # no template: say so when they set one

    def first_state(key: str) -> Conversation:
        if key.startswith("whatsapp:"):
            return Conversation(lang=lang, tz=timezone_of(key, tz), per_round=per_round, window_hours=window)
        return Conversation(lang=lang, tz=tz)

    return first_state
