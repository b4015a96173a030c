"""docs/texts.md: every default text with its segments and its sources, and what its review
against 988's safe-messaging guidance found. Generated, so the table cannot drift from the
templates: ``python -m notifier.outbound.texts_table > docs/texts.md`` (a test compares).

Segments are measured as :mod:`notifier.outbound.wording` measures them: long sample values
("Christopher", the longest configured skill and question, a 30-character program name), and
again with accented names (Ramón, Sofía, Iñaki Jesús), which are folded to GSM-7 when sent.
Source keys are those of evaluation/corpus/SOURCES.md.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from notifier.core.settings import Settings
from notifier.outbound.texts import (
    DEFAULT_QUESTIONS_ES,
    DEFAULTS,
    SEGMENT_BUDGET,
    TEAM_OF,
    Templates,
)
from notifier.outbound.wording import ACCENTED_NAMES, samples_for, segments

REVIEW_FILE = Path(__file__).with_name("texts_review.toml")


def reviews() -> dict[str, tuple[str, str]]:
    """name -> (sources, what the review checked); "staff" for every staff text."""
    data = tomllib.loads(REVIEW_FILE.read_text(encoding="utf-8"))
    return {name: (str(v["sources"]), str(v["review"])) for name, v in data.items()}


STAFF_REVIEW = (
    "part2_emergency",
    "Staff only: first name, record id, time, a link; never what was written.",
)


def table(settings: Settings | None = None) -> str:
    settings = settings or Settings(_env_file=None)  # type: ignore[call-arg]
    templates = Templates()
    lines = [
        "# Texts",
        "",
        "Every text notifier sends by default, generated from the templates",
        "(`python -m notifier.outbound.texts_table > docs/texts.md`; a test keeps it current).",
        "Segments are measured with long sample values (the name Christopher, the longest",
        "skill, a 30-character program name) and with accented names (Ramón, Sofía, Iñaki",
        "Jesús), whose accents are folded to GSM-7 when a text is sent. Spanish keeps the",
        "accents GSM-7 has (é, ñ, ¿, ¡); á, í, ó, ú are folded, and wording avoids forms whose",
        "meaning changes without them. Sources are the keys of evaluation/corpus/SOURCES.md.",
        "",
        "Reviewed against 988's safe-messaging guidance (safe_messaging): hope and one clear next",
        'step; 911 before 988 when life is in danger now; no method or means; "any time" only',
        "for 988; a text says staff were told, or when someone will reach out, only when an alert",
        "was queued (`{team}`, empty otherwise), and that promise is computed from program hours",
        "and tracked by the alert. Nothing on a lock screen names the program's nature, drugs,",
        "abuse or a hotline beyond 988/911 (words_matter, part2_emergency).",
        "",
        "| language | name | segments | accented names | sources | review | text |",
        "|---|---|---|---|---|---|---|",
    ]
    long_name = Settings(_env_file=None, program_name="A" * 30)  # type: ignore[call-arg]
    review_of = reviews()
    for lang in ("en", "es"):
        for name in sorted(DEFAULTS[lang]):
            samples = samples_for(long_name, templates, name, lang)
            rendered = templates.render(name, lang, **samples)
            encoding, count = segments(rendered)
            accented = {
                segments(templates.render(name, lang, **dict(samples, first_name=n)))[0]
                for n in ACCENTED_NAMES
            }
            sources, review = review_of.get(name, review_of["staff"])
            budget = SEGMENT_BUDGET.get(name, 1)
            seg = f"{count} {encoding}" + (f" (budget {budget})" if budget > 1 else "")
            text = DEFAULTS[lang][name].replace("|", "\\|").replace("\n", " ")
            if name in TEAM_OF:
                review += f" `{{team}}`: {TEAM_OF[name]}."
            lines.append(
                f"| {lang} | `{name}` | {seg} | {'/'.join(sorted(accented))} | {sources} | "
                f"{review} | {text} |"
            )
    lines += [
        "",
        "## Check-in questions",
        "",
        'Sent inside the `checkin` text. Spanish asks about "ansias", the word NIDA and Kaiser',
        'Permanente use for cravings in Spanish ("antojos" usually means food in Mexican',
        "Spanish; source antojos_es); nothing names a substance.",
        "",
        "| language | label | question |",
        "|---|---|---|",
    ]
    lines += [f"| en | {label} | {q} |" for label, q in settings.checkin_questions]
    lines += [f"| es | {label} | {q} |" for label, q in DEFAULT_QUESTIONS_ES.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(table(), end="")
