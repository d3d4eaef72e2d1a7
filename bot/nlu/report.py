"""The `reflexbot match` JSON object (contracts.md section 1) for an Understanding."""

from __future__ import annotations

from bot.nlu.matcher import Understanding


def match_report(u: Understanding, original: str) -> dict[str, object]:
    """The contract's object: text, lang, red_flag, severity, symptoms, negated, points, zones."""
    return {
        "text": original,
        "lang": u.lang,
        "red_flag": u.red_flag,
        "severity": u.severity,
        "symptoms": [{"id": s.id, "score": round(s.score, 1)} for s in u.symptoms],
        "negated": list(u.negated),
        "points": list(u.points),
        "zones": list(u.zones),
    }
