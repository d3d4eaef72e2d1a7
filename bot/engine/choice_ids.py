"""Every button id the engine can emit, so content lint can hold them to Telegram's 64 bytes."""

from __future__ import annotations

from bot.engine.reminder_flow import SUGGESTED_TIMES
from bot.engine.safety import OPTIONS
from bot.engine.session_flow import CONTROLS
from content.model import Content

# The largest reminder number a button could carry in practice (ids grow with each reminder).
LONGEST_NUMBER = "999999"


def all_choice_ids(content: Content, branch_ids: tuple[str, ...] = ()) -> list[str]:
    """Button ids for every item, symptom, answer and command the engine knows."""
    items = [*content.points, *(f"zone:{z}" for z in content.zones)]
    ids = [f"start:{i}" for i in items] + [f"later:{i}" for i in items]
    ids += [f"sym:{s}" for s in content.symptoms] + ["sym:none"]
    ids += [f"ans:{q}:{v}" for q, values in OPTIONS.items() for v in values]
    ids += [f"{control}:{LONGEST_NUMBER}:{LONGEST_NUMBER}" for control in CONTROLS]
    ids += [f"feel:{f}" for f in ("better", "same", "worse")]
    ids += [f"rem:{verb}:{LONGEST_NUMBER}" for verb in ("start", "snooze", "skip", "stop")]
    ids += ["rem:ask", "rem:list"] + [f"remat:{h:02d}:{m:02d}" for h, m in SUGGESTED_TIMES]
    ids += [f"branch:{b}" for b in branch_ids] + ["consent:yes", "consent:no", "delete:yes", "delete:no"]
    ids += [f"lang:{code}" for code in content.languages] + ["menu", "help", "book", "clinic"]
    return ids
