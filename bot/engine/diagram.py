"""The conversation drawn from the table: a Mermaid state diagram of `HANDLERS`' arrows.

`docs/conversation.md` holds this drawing between two markers; a test keeps it equal to the table,
and `python -m bot.engine.diagram` prints it (to paste after changing the table).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.state import IDLE, NEW
from bot.engine.table import GLOBAL_ARROWS, HANDLERS, Handlers

BEGIN = "<!-- generated from bot/engine/table.py: begin -->"
END = "<!-- generated from bot/engine/table.py: end -->"


def node(state: str) -> str:
    """A Mermaid-safe id for a named state ("session.too-painful" -> "session_too_painful")."""
    return state.replace(".", "_").replace("-", "_")


def mermaid(table: Mapping[str, Handlers] = HANDLERS) -> str:
    """The state diagram, one arrow per line, in the table's order."""
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {node(NEW)}"]
    for state, row in table.items():
        for target, why in row.arrows:
            lines.append(f"    {node(state)} --> {node(target)}: {why}")
    lines.append("```")
    return "\n".join(lines)


def notes(table: Mapping[str, Handlers] = HANDLERS) -> str:
    """The rules the drawing leaves out: what holds in every state, and which states read new requests."""
    everywhere = "; ".join(f"{why} -> `{target}`" for target, why in GLOBAL_ARROWS)
    general = ", ".join(f"`{s}`" for s, row in table.items() if row.general and s not in (NEW, IDLE))
    return (
        f"In every state (not drawn): {everywhere}.\n\n"
        f"In {general}, a message that answers nothing there but is a new request (symptoms, a command, "
        f"a question) is read as in `{IDLE}` and may go wherever `{IDLE}` goes."
    )


def block(table: Mapping[str, Handlers] = HANDLERS) -> str:
    """The generated part of docs/conversation.md, markers included."""
    return f"{BEGIN}\n{notes(table)}\n\n{mermaid(table)}\n{END}"


if __name__ == "__main__":
    print(block())
