"""From what the person feels to what may help: points and zones, why, where and how."""

from __future__ import annotations

from dataclasses import replace

from bot.engine.actions import Choice, Reply
from bot.engine.common import Turn, button, item_name, menu_choices, say, start_buttons
from bot.engine.knowledge import Knowledge
from bot.engine.safety import allowed_items, is_pregnant, pregnancy_rule
from bot.engine.state import DID_YOU_MEAN, OFFERED, Conversation
from content.model import Pregnancy


def offer(kb: Knowledge, state: Conversation, symptom_ids: tuple[str, ...], negated: tuple[str, ...] = ()) -> Turn:
    """Name what was understood and offer the most relevant points and zones for it."""
    symptoms = [kb.content.symptoms[s] for s in symptom_ids if s in kb.content.symptoms]
    if not symptoms:
        return state, (Reply(say(kb, state, "offtopic"), menu_choices(kb, state)),)
    items = pick_items(kb, state, tuple(s.id for s in symptoms))
    labels = ", ".join(s.text.get(state.lang, s.text["en"]).label for s in symptoms)
    blocks = [say(kb, state, "offer.understood", symptoms=labels)]
    gone = [kb.content.symptoms[n].text["en"].label for n in negated if n in kb.content.symptoms]
    if gone:
        blocks.append(say(kb, state, "offer.negated", symptoms=", ".join(gone)))
    blocks += [describe(kb, state, item) for item in items]
    blocks.append(say(kb, state, "offer.pick"))
    choices = start_buttons(kb, state, items)
    seen = tuple(dict.fromkeys((*(s.id for s in symptoms), *state.symptoms)))[:8]
    state = replace(state, state=OFFERED, offered=items, symptoms=seen, maybe=())
    return state, (Reply("\n\n".join(blocks), (*choices, button(kb, state, "clinic", "button.clinic"))),)


def did_you_mean(kb: Knowledge, state: Conversation, candidates: tuple[str, ...]) -> Turn:
    """Ask which symptom was meant, with a button each and "none of these"."""
    known = tuple(c for c in candidates if c in kb.content.symptoms)[:3]
    choices = [
        Choice(f"sym:{c}", kb.content.symptoms[c].text.get(state.lang, kb.content.symptoms[c].text["en"]).label)
        for c in known
    ]
    choices.append(button(kb, state, "sym:none", "button.none-of-these"))
    state = replace(state, state=DID_YOU_MEAN, maybe=known)
    return state, (Reply(say(kb, state, "did-you-mean"), tuple(choices)),)


def pick_items(kb: Knowledge, state: Conversation, symptom_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The items to offer: the best points (never one forbidden in pregnancy) and the best zone."""
    # Round-robin over the symptoms, so "bloated and can't sleep" offers something for each.
    symptoms = [kb.content.symptoms[sid] for sid in symptom_ids]
    points = _interleave([list(allowed_items(kb, state.answers, s.points)) for s in symptoms])
    zones = _interleave([[f"zone:{z}" for z in s.zones] for s in symptoms])
    limit = kb.policy.max_points_offered
    chosen = points[: limit - 1 if zones else limit]
    if zones:
        chosen.append(zones[0])
    if len(chosen) < limit:
        chosen += [z for z in zones[1:] if z not in chosen][: limit - len(chosen)]
    return tuple(chosen)


def describe(kb: Knowledge, state: Conversation, item: str) -> str:
    """One item as a short block: name, why, where, how, care notes and what helped before."""
    lines = [f"• {item_name(kb, state, item)}"]
    if item.startswith("zone:"):
        zone = kb.content.zones[item.removeprefix("zone:")]
        z = zone.text.get(state.lang, zone.text["en"])
        lines += [
            say(kb, state, "offer.why-zone", areas=z.body_areas),
            say(kb, state, "offer.where", where=z.location),
            say(kb, state, "offer.how", how=z.how),
        ]
    else:
        point = kb.content.point(item)
        assert point is not None
        p = point.text.get(state.lang, point.text["en"])
        lines += [
            say(kb, state, "offer.why", why=p.why),
            say(kb, state, "offer.where", where=p.location),
            say(kb, state, "offer.how", how=p.how),
        ]
        if p.safety:
            lines.append(say(kb, state, "offer.care", care=p.safety))
        if is_pregnant(state.answers) and pregnancy_rule(kb, item) is Pregnancy.CAUTION:
            lines.append(say(kb, state, "offer.pregnancy-caution"))
    feelings = [f.feeling for f in state.history if f.item == item]
    if feelings:
        lines.append(say(kb, state, f"offer.before-{feelings[-1]}"))
    return "\n".join(lines)


def _interleave(lists: list[list[str]]) -> list[str]:
    """First items of every list, then the second items, and so on, without repeats."""
    merged: list[str] = []
    for rank in range(max((len(items) for items in lists), default=0)):
        for items in lists:
            if rank < len(items) and items[rank] not in merged:
                merged.append(items[rank])
    return merged
