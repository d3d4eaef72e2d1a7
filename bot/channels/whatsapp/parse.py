"""Twilio's inbound WhatsApp form -> engine events; numbered menus answered by number, label or spelling."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from tzfpy import get_tz

from bot.engine import Choice, ChoicePicked, Event, OptIn, OptOut, TextReceived, TimezoneSet
from bot.nlu.labels import match_label

# Opt-out words, as carriers and Twilio use them for SMS; only a message that is just the word counts.
OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
OPT_IN = frozenset({"start", "unstop", "yes start", "subscribe"})

# A weak hint of the language a new person may write, from their number's country; it decides only while
# what they write is too short to tell. The Emirates (+971) give none: most people there are not Emirati.
_LANGUAGE_BY_REGION = {
    **dict.fromkeys(
        ("SA", "KW", "QA", "BH", "OM", "YE", "IQ", "JO", "LB", "SY", "PS", "EG", "SD", "LY", "TN", "DZ", "MA"), "ar"
    ),
    **dict.fromkeys(["RU", "BY", "KZ", "KG"], "ru"),
}


ADDRESS = re.compile(r"whatsapp:\+[0-9]{6,15}")  # E.164: at most 15 digits
SID = re.compile(r"[A-Z]{2}[0-9a-f]{32}")  # Twilio's ids: two letters and 32 hex digits
MAX_BODY = 4096  # WhatsApp: a message's text, in characters
MAX_MEDIA = 10  # Twilio: media items on one message
LIMITS = {"ButtonPayload": 256, "ButtonText": 256, "ProfileName": 256, "Latitude": 32, "Longitude": 32}


def malformed_form(form: Mapping[str, str]) -> str | None:
    """Why a signed inbound form cannot be a WhatsApp message from a person: the first wrong field's name
    (a fixed set, nothing from the form), or None. Checked before any work, so garbage behind a valid
    signature is refused once instead of failing inside a turn."""
    if not ADDRESS.fullmatch(form.get("From", "")):
        return "From"
    sid = form.get("MessageSid", "") or form.get("SmsSid", "")
    if not SID.fullmatch(sid):
        return "MessageSid"
    if len(form.get("Body", "")) > MAX_BODY:
        return "Body"
    media = form.get("NumMedia", "0") or "0"
    if not (len(media) <= 2 and media.isascii() and media.isdecimal() and int(media) <= MAX_MEDIA):
        return "NumMedia"
    for name, longest in LIMITS.items():
        if len(form.get(name, "")) > longest:
            return name
    for name in ("Latitude", "Longitude"):
        if form.get(name) and not _finite(form[name]):
            return name
    return None


def _finite(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Inbound:
    """One inbound WhatsApp message, understood."""

    key: str  # "whatsapp:+9715..."
    message_sid: str
    event: Event | None
    notice: str = ""  # a message id the channel answers with itself


def parse_form(form: Mapping[str, str], shown: tuple[Choice, ...] = ()) -> Inbound | None:
    """Map Twilio's form fields to an Inbound; `shown` are the buttons of the last menu sent."""
    sender = form.get("From", "")
    sid = form.get("MessageSid", "") or form.get("SmsSid", "")
    if not sender.startswith("whatsapp:") or not sid:
        return None
    body = (form.get("Body") or "").strip()
    payload = (form.get("ButtonPayload") or "").strip()
    if payload:
        return Inbound(sender, sid, ChoicePicked(payload))
    if form.get("Latitude") and form.get("Longitude"):
        tz = _timezone_at(form["Latitude"], form["Longitude"])
        return Inbound(sender, sid, TimezoneSet(tz) if tz else None, "" if tz else "timezone.unknown")
    word = " ".join(body.lower().split()).strip(".!")
    if word in OPT_OUT:
        return Inbound(sender, sid, OptOut())
    if word in OPT_IN:
        return Inbound(sender, sid, OptIn())
    media = form.get("NumMedia") or "0"
    if not body and media.isascii() and media.isdecimal() and int(media) > 0:
        return Inbound(sender, sid, None, "channel.non-text")
    picked = match_label(body, [c.label for c in shown]) if shown else None
    if picked is not None:
        return Inbound(sender, sid, ChoicePicked(shown[picked].id))
    return Inbound(sender, sid, TextReceived(body, lang_hint=language_of(sender)))


def language_of(address: str) -> str:
    """The language a number's country hints at ("whatsapp:+7..." -> "ru"), or "" for none."""
    import phonenumbers  # here: its tables take a large part of a second to import, and Telegram never needs them

    try:
        number = phonenumbers.parse(address.removeprefix("whatsapp:"), None)
    except phonenumbers.NumberParseException:
        return ""
    return _LANGUAGE_BY_REGION.get(phonenumbers.region_code_for_number(number) or "", "")


def timezone_of(address: str, fallback: str) -> str:
    """The time zone of a phone number's country (+971 -> Asia/Dubai), or the fallback."""
    import phonenumbers
    from phonenumbers import timezone as phone_timezones

    try:
        number = phonenumbers.parse(address.removeprefix("whatsapp:"), None)
    except phonenumbers.NumberParseException:
        return fallback
    zones = [z for z in phone_timezones.time_zones_for_number(number) if "/" in z and not z.startswith("Etc/")]
    return zones[0] if len(set(zones)) == 1 else fallback


def _timezone_at(latitude: str, longitude: str) -> str:
    """The time zone at a shared location, or "" for anything that is not a place on Earth."""
    try:
        lat, lon = float(latitude), float(longitude)
    except ValueError:
        return ""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):  # also refuses NaN
        return ""
    return str(get_tz(lon, lat) or "")
