"""Kept for callers of the old name: every button id now comes from bot.engine.choices."""

from bot.engine.choices import all_choice_ids

__all__ = ["all_choice_ids"]
