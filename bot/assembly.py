"""Builds the parts every channel shares: knowledge, store and runtime, from Settings."""

from __future__ import annotations

from bot.config import Settings
from bot.engine import Knowledge
from bot.nlu import Matcher
from content.loader import default_content


def build_knowledge(settings: Settings) -> Knowledge:
    """Content and matcher (loaded and preprocessed once) with the clinic and policy from config."""
    content = default_content()
    return Knowledge(content=content, matcher=Matcher(content), clinic=settings.clinic, policy=settings.policy)
