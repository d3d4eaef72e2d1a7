"""Telegram through python-telegram-bot 22: the transport only; the engine and store own the conversation."""
