"""The clinic's desk at /desk: staff log in, see the booking requests of their branches, move each along
and keep notes on it. Server-rendered pages; nothing of it runs unless [desk] is enabled."""

from bot.desk.auth import Passwords, desk_secret
from bot.desk.pages import Desk, DeskOptions

__all__ = ["Desk", "DeskOptions", "Passwords", "desk_secret"]
