"""Telegram through python-telegram-bot 22: the transport only; the engine and store own the conversation."""

import os

# PTB 22 reports RetryAfter.retry_after as a timedelta only when opted in, and warns otherwise.
os.environ.setdefault("PTB_TIMEDELTA", "true")
