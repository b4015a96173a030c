"""Safe wording: what `notifier check-templates` checks in every text we can send.

- words that disclose the program's nature (drugs, alcohol, addiction, recovery, treatment, ...):
  a lock-screen preview can be read by anyone nearby;
- more than one SMS segment (each costs money and may arrive out of order);
- characters outside the GSM-7 alphabet (one such character halves the segment size);
- unknown placeholders (an error: the text would go out with a hole in it).

Texts are measured rendered with long but realistic sample values, so a template that fits
with "Ana" but not with "Christopher" is caught.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from notifier.core.disclosure import disclosing, words_with
from notifier.core.settings import Settings
from notifier.outbound import gsm
from notifier.outbound.coping import all_skills
from notifier.outbound.texts import (
    DEFAULT_QUESTIONS_ES,
    DEFAULT_SKILLS_BY_LABEL,
    DEFAULT_SKILLS_ES,
    PLACEHOLDERS,
    SEGMENT_BUDGET,
    TEAM_OF,
    TOKEN_LENGTH,
    Templates,
    duration_text,
    hours_text,
    placeholders_in,
    when_text,
)

GSM7_BASIC = gsm.BASIC
GSM7_EXTENSION = gsm.EXTENSION

SAMPLE_VALUES = {
    "first_name": "Christopher",
    "when": "on Wed, Dec 30 at 12:30 PM",
    "at_place": " at Suite 200",
    "program_phone": "(312) 555-0100",
    "external_id": "C000123",
    "time": "12:30 PM",
    "score": "10",
    "count": "1000",
    "limit": "1000",
    "after": "15 min",  # set per check from NOTIFIER_CRISIS_ESCALATE_AFTER
    "link": "",  # set per check from NOTIFIER_PUBLIC_URL: see sample_link()
    "kind": "callback",
    "due": "Thu 10:30 AM",
    "outcome": "could not reach",
    "reason": "unreachable (30006)",
}
SAMPLE_VALUES_ES = dict(
    SAMPLE_VALUES,
    when=when_text(
        datetime(2026, 12, 30, 17, 30, tzinfo=UTC),
        datetime(2026, 12, 1, tzinfo=UTC),
        ZoneInfo("America/New_York"),
        "es",
    ),
)
# The longest "someone will reach out {when}" (opening_text) in each language.
SAMPLE_OPENING = {"en": "tomorrow after 12:30 PM", "es": "el miércoles después de las 12:30"}
# Names with accents GSM-7 lacks: rendered folded (Ramon), so the text stays GSM-7.
ACCENTED_NAMES = ("Ramón", "Sofía", "Iñaki Jesús")


@dataclass(frozen=True)
class Finding:
    where: str  # e.g. "template en/reminder_group" or "NOTIFIER_COPING_SKILLS #3"
    severity: str  # "error" | "warning"
    problem: str


def segments(text: str) -> tuple[str, int]:
    """(encoding, number of SMS segments) for a text."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        septets = len(text) + sum(1 for c in text if c in GSM7_EXTENSION)
        return "GSM-7", 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(text.encode("utf-16-le")) // 2
    return "UCS-2", 1 if units <= 70 else math.ceil(units / 67)


def non_gsm(text: str) -> list[str]:
    return sorted({c for c in text if c not in GSM7_BASIC and c not in GSM7_EXTENSION})


def _check_text(where: str, text: str, words: tuple[str, ...], budget: int = 1) -> list[Finding]:
    found: list[Finding] = []
    bad_words = disclosing(text, words)
    if bad_words:
        found.append(Finding(where, "warning", "discloses the program's nature: "
                             + ", ".join(repr(w) for w in bad_words)))  # fmt: skip
    odd = non_gsm(text)
    if odd:
        found.append(Finding(where, "warning", "characters outside GSM-7 (halve the segment "
                             "size): " + " ".join(repr(c) for c in odd)))  # fmt: skip
    encoding, count = segments(text)
    if count > budget:
        found.append(Finding(where, "warning", f"{count} SMS segments ({encoding}, "
                             f"{len(text)} characters with sample values)"))  # fmt: skip
    return found


def sample_link(settings: Settings) -> str:
    """``{link}`` as it will be sent: the configured public URL (its length is what matters)
    and a token, or without one a typical https URL (longer than the command sent then)."""
    base = settings.public_url or "https://notifier.example.org"
    return f"{base}/a/{'X' * TOKEN_LENGTH}"


def samples_for(settings: Settings, templates: Templates, name: str, lang: str) -> dict[str, str]:
    """Long but realistic values for one template (the configured ones where they exist)."""
    samples = dict(SAMPLE_VALUES_ES if lang == "es" else SAMPLE_VALUES)
    samples["link"] = sample_link(settings)
    samples["after"] = duration_text(settings.crisis_escalate_after)
    samples["program_name"] = settings.program_name
    samples["hours"] = hours_text(settings.program_hours, lang)
    if name in TEAM_OF:
        samples["team"] = templates.render(TEAM_OF[name], lang, when=SAMPLE_OPENING[lang])
    if settings.overdose_naloxone_line:
        samples["naloxone"] = templates.render("naloxone_line", lang)
    if name in ("team_when", "team_about", "team_discreet"):
        samples["when"] = SAMPLE_OPENING[lang]
    if lang == "es":
        samples["question"] = max(DEFAULT_QUESTIONS_ES.values(), key=len)
        samples["skill"] = max(_skills_es(), key=len)
    else:
        questions = [q for _, q in settings.checkin_questions]
        samples["question"] = max(questions, key=len, default="")
        samples["skill"] = max(_skills_en(settings), key=len, default="")
    return samples


def _skills_en(settings: Settings) -> list[str]:
    skills = [s for _, s in all_skills(settings)]
    return skills + [s for group in DEFAULT_SKILLS_BY_LABEL["en"].values() for s in group]


def _skills_es() -> list[str]:
    return list(DEFAULT_SKILLS_ES) + [
        s for group in DEFAULT_SKILLS_BY_LABEL["es"].values() for s in group
    ]


def check(settings: Settings, templates: Templates | None = None) -> list[Finding]:
    templates = templates or Templates.from_settings(settings)
    words = words_with(settings.disclosure_words)
    findings: list[Finding] = []
    for (lang, name), text in sorted(templates.texts.items()):
        findings += _check_template(settings, templates, lang, name, text, words)
    for i, (label, question) in enumerate(settings.checkin_questions, 1):
        where = f"NOTIFIER_CHECKIN_QUESTIONS #{i} ({label})"
        findings += _check_part(where, question, words)
    for where, skill in all_skills(settings):
        findings += _check_part(where, skill, words)
    for lang, groups in DEFAULT_SKILLS_BY_LABEL.items():
        for label, skills in groups.items():
            for i, skill in enumerate(skills, 1):
                findings += _check_part(f"built-in skill {lang}/{label} #{i}", skill, words)
    return findings


def _check_part(where: str, text: str, words: tuple[str, ...]) -> list[Finding]:
    """A question or skill: sent inside a template, folded like it; its length is the
    template's to check."""
    return [f for f in _check_text(where, gsm.fold(text), words) if "segments" not in f.problem]


def _check_template(
    settings: Settings,
    templates: Templates,
    lang: str,
    name: str,
    text: str,
    words: tuple[str, ...],
) -> list[Finding]:
    where = f"template {lang}/{name}"
    allowed = PLACEHOLDERS.get(name)
    if allowed is None:
        return [Finding(where, "error", f"unknown template name {name!r}; known: "
                        + ", ".join(sorted(PLACEHOLDERS)))]  # fmt: skip
    unknown = placeholders_in(text) - allowed
    if unknown:
        return [Finding(where, "error", "unknown placeholder(s) "
                        + ", ".join("{" + u + "}" for u in sorted(unknown))
                        + "; allowed: " + ", ".join(sorted(allowed)))]  # fmt: skip
    samples = samples_for(settings, templates, name, lang)
    budget = SEGMENT_BUDGET.get(name, 1)
    if name == "overdose" and settings.overdose_naloxone_line:
        budget += 1  # the naloxone line is worth a second segment where life is at stake
    found = _check_text(where, templates.render(name, lang, **samples), words, budget)
    if "first_name" in allowed:
        for accented in ACCENTED_NAMES:
            rendered = templates.render(name, lang, **dict(samples, first_name=accented))
            found += [
                Finding(where, f.severity, f"with the name {accented!r}: {f.problem}")
                for f in _check_text(where, rendered, (), budget)
                if "outside GSM-7" in f.problem
            ]
    return found
