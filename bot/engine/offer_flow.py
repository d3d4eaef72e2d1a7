"""From what the person feels to what may help: one best item in full, the others in a line each."""

from __future__ import annotations

from dataclasses import replace

from bot.engine.actions import Choice, Reply
from bot.engine.choices import Command, PickSymptom
from bot.engine.common import Turn, button, item_name, listed, menu_reply, say, start_buttons
from bot.engine.knowledge import Knowledge
from bot.engine.safety import allowed_items, is_pregnant, pregnancy_rule
from bot.engine.state import DID_YOU_MEAN, OFFERED, Conversation
from content.model import Pregnancy


def offer(kb: Knowledge, state: Conversation, symptom_ids: tuple[str, ...], negated: tuple[str, ...] = ()) -> Turn:
    """Name what was understood and offer the most relevant points and zones for it."""
    symptoms = [kb.content.symptoms[s] for s in symptom_ids if s in kb.content.symptoms]
    if not symptoms:
        return state, (menu_reply(kb, state, "offtopic"),)
    items = pick_items(kb, state, tuple(s.id for s in symptoms))
    labels = listed(state, ((s.text.get(state.lang) or s.text["en"]).label for s in symptoms))
    lead = [say(kb, state, "offer.understood", symptoms=labels)]
    gone = [
        (kb.content.symptoms[n].text.get(state.lang) or kb.content.symptoms[n].text["en"]).label
        for n in negated
        if n in kb.content.symptoms
    ]
    if gone:
        lead.append(say(kb, state, "offer.negated", symptoms=listed(state, gone)))
    seen = tuple(dict.fromkeys((*(s.id for s in symptoms), *state.symptoms)))[:8]
    state = replace(state, symptoms=seen)
    return _offer(kb, state, items, lead)


def offer_items(kb: Knowledge, state: Conversation, items: tuple[str, ...], *, full: bool = False) -> Turn:
    """Offer items the person named ("show me ST44") or asked more about ("more options")."""
    keys = tuple(kb.items[i].key for i in items if i in kb.items)
    allowed = allowed_items(kb, state.answers, keys, others_pregnant=state.others_pregnant)
    if not allowed:
        name = item_name(kb, state, keys[0]) if keys else ""
        return state, (menu_reply(kb, state, "safety.forbidden-pregnancy-short", name=name),)
    if full:
        blocks = [describe(kb, state, item) for item in allowed]
        state = replace(state, state=OFFERED, offered=allowed, maybe=())
        choices = (*start_buttons(kb, state, allowed), button(kb, state, Command("clinic"), "button.clinic"))
        text = "\n\n".join([*blocks, say(kb, state, "offer.pick")])
        return state, (Reply(text, choices, image=kb.items[allowed[0]].picture()),)
    return _offer(kb, state, allowed, [])


def _offer(kb: Knowledge, state: Conversation, items: tuple[str, ...], lead: list[str]) -> Turn:
    """The best item described in full; the others named in one line, each with its start button."""
    blocks = [*lead, describe(kb, state, items[0])] if items else [*lead]
    others = items[1:]
    if others:
        names = listed(state, (item_name(kb, state, i) for i in others))
        blocks.append(say(kb, state, "offer.also", names=names))
    blocks.append(say(kb, state, "offer.pick-more" if others else "offer.pick"))
    state = replace(state, state=OFFERED, offered=items, maybe=())
    image = kb.items[items[0]].picture() if items else None
    return state, (Reply("\n\n".join(blocks), offer_choices(kb, state, items), image=image),)


def offer_choices(kb: Knowledge, state: Conversation, items: tuple[str, ...]) -> tuple[Choice, ...]:
    """Start buttons for the items on offer, the clinic, and "more" when there are several."""
    choices = (*start_buttons(kb, state, items), button(kb, state, Command("clinic"), "button.clinic"))
    if len(items) > 1:
        choices = (*choices, button(kb, state, Command("more"), "button.more"))
    return choices


def did_you_mean(kb: Knowledge, state: Conversation, candidates: tuple[str, ...]) -> Turn:
    """Ask which symptom was meant, with a button each and "none of these"."""
    known = tuple(c for c in candidates if c in kb.content.symptoms)[:3]
    choices = [
        Choice(
            str(PickSymptom(c)),
            (kb.content.symptoms[c].text.get(state.lang) or kb.content.symptoms[c].text["en"]).label,
        )
        for c in known
    ]
    choices.append(button(kb, state, PickSymptom(""), "button.none-of-these"))
    state = replace(state, state=DID_YOU_MEAN, maybe=known)
    return state, (Reply(say(kb, state, "did-you-mean"), tuple(choices)),)


def pick_items(kb: Knowledge, state: Conversation, symptom_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The items to offer: the best points (never one forbidden in pregnancy) and the best zone."""
    # Round-robin over the symptoms, so "bloated and can't sleep" offers something for each.
    symptoms = [kb.content.symptoms[sid] for sid in symptom_ids]
    points = _interleave(
        [list(allowed_items(kb, state.answers, s.points, others_pregnant=state.others_pregnant)) for s in symptoms]
    )
    zones = _interleave([[f"zone:{z}" for z in s.zones] for s in symptoms])
    limit = kb.policy.max_points_offered
    chosen = points[: limit - 1 if zones else limit]
    if zones:
        chosen.append(zones[0])
    if len(chosen) < limit:
        chosen += [z for z in zones[1:] if z not in chosen][: limit - len(chosen)]
    return tuple(chosen)


def describe(kb: Knowledge, state: Conversation, key: str) -> str:
    """One item as a short block: name, why, where, how, care notes and what helped before."""
    item = kb.items[key]
    text = item.localized(state.lang)
    lines = [f"• {item.title(state.lang)}"]
    if item.is_zone:
        lines.append(say(kb, state, "offer.why-zone", areas=text.why))
    else:
        lines.append(say(kb, state, "offer.why", why=text.why))
    lines += [say(kb, state, "offer.where", where=text.location), say(kb, state, "offer.how", how=text.how)]
    pregnant = is_pregnant(state.answers) or state.others_pregnant
    if pregnant and pregnancy_rule(kb, key) is Pregnancy.CAUTION:
        lines.append(say(kb, state, "offer.pregnancy-caution"))  # says what the care note would say, once
    elif text.safety:
        lines.append(say(kb, state, "offer.care", care=text.safety))
    feelings = [f.feeling for f in state.history if f.item == key]
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
