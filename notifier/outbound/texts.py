"""The texts notifier sends, in English and Spanish.

An SMS can be read on a lock screen by anyone nearby, so the default wording never names the
program's nature (no drugs, alcohol, addiction, recovery or treatment) and uses first names only.
``notifier check-templates`` checks these rules on every template, including overrides.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from notifier.core.enums import LANGUAGES
from notifier.outbound import gsm, texts_en, texts_es

if TYPE_CHECKING:
    from notifier.core.program_hours import ProgramHours
    from notifier.core.settings import Settings

_DAY_NAMES = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
}
# Rendered into staff alert texts by the pure decision; the writer replaces it with the alert's
# own link once the alert row (and its token) exists. See notifier/inbound/alerts.py.
LINK_SLOT = "{link}"
# Characters in an alert's link token (the link's length budget depends on it).
TOKEN_LENGTH = 10

DEFAULTS: dict[str, dict[str, str]] = {
    "en": {**texts_en.CLIENT, **texts_en.STAFF},
    # Staff texts are sent in English; the Spanish "alert" is kept for overrides made with it.
    "es": {
        **texts_es.CLIENT,
        "alert": (
            "notifier: {first_name} ({external_id}) envió un mensaje urgente ({time}). "
            "Llámele ahora: {link}"
        ),
    },
}
STAFF_TEXTS = frozenset(texts_en.STAFF)
DEFAULT_QUESTIONS_ES: dict[str, str] = texts_es.QUESTIONS
# Skills that fit the question just answered (NOTIFIER_COPING_SKILLS_BY_LABEL overrides them;
# see notifier/outbound/coping.py for the order in which the lists apply).
DEFAULT_SKILLS_BY_LABEL: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "cravings": (
            "Try riding the urge like a wave: notice it, breathe, and let it peak and pass.",
            "Try the 10-minute delay: wait 10 minutes before deciding anything.",
            "Think of someone from group you could call or text today.",
            "Change the scene: leave the room or step outside for a few minutes.",
        ),
        "stress": (
            "Try 4-7-8 breathing: in for 4, hold for 7, out for 8, three times.",
            "Try 5-4-3-2-1: name 5 things you see, 4 you hear, 3 you can touch.",
            "Pick one small thing to finish today and let the rest wait.",
            "Unclench your jaw, drop your shoulders and take three slow breaths.",
        ),
        "mood": (
            "Do one small thing you usually enjoy, even for 10 minutes.",
            "Get some daylight or fresh air today, even a short walk.",
            "Send a short message to someone you like talking to.",
            "Write down one thing that went okay today, however small.",
        ),
    },
    "es": {
        "cravings": (
            "Observe el impulso como una ola: respire y déjelo subir y bajar.",
            "Pruebe esperar 10 minutos antes de decidir nada.",
            "Piense en alguien del grupo a quien pueda llamar hoy.",
            "Cambie de ambiente: salga de la habitación unos minutos.",
        ),
        "stress": (
            "Respire: inhale en 4, sostenga 7, exhale en 8, tres veces.",
            "Nombre 5 cosas que ve, 4 que oye y 3 que puede tocar.",
            "Elija una sola cosa para terminar hoy y deje el resto.",
            "Afloje la mandíbula, baje los hombros y respire lento tres veces.",
        ),
        "mood": (
            "Haga algo pequeño que le guste, aunque sean 10 minutos.",
            "Busque luz del día o aire fresco hoy, aunque sea una caminata corta.",
            "Mande un mensaje corto a alguien con quien le guste hablar.",
            "Anote una cosa que salió bien hoy, por pequeña que sea.",
        ),
    },
}
DEFAULT_SKILLS_ES: tuple[str, ...] = (
    "Observe el impulso como una ola: respire y déjelo subir y bajar.",
    "Pruebe esperar 10 minutos antes de decidir nada.",
    "Piense en alguien del grupo a quien pueda llamar hoy.",
    "¿Tiene hambre, enojo, soledad o cansancio? Atienda eso primero.",
    "Respire: inhale en 4, sostenga 7, exhale en 8, tres veces.",
    "Una caminata corta o un vaso de agua pueden cambiar la próxima hora.",
)

# Every placeholder a template may use; anything else is an error in check-templates.
_PERSON = frozenset({"first_name", "external_id", "time", "link"})
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "reminder_group": frozenset({"first_name", "when", "at_place"}),
    "reminder_individual": frozenset({"first_name", "when", "at_place"}),
    "reminder_family": frozenset({"first_name", "when", "at_place"}),
    "reminder_workshop": frozenset({"first_name", "when", "at_place"}),
    "reminder_support": frozenset({"program_name", "first_name", "when", "at_place"}),
    "checkin": frozenset({"first_name", "question"}),
    "welcome": frozenset({"first_name", "program_name", "program_phone", "hours"}),
    "opt_out_confirm": frozenset({"first_name", "program_name"}),
    "opt_in_confirm": frozenset({"first_name", "program_name"}),
    "help": frozenset({"first_name", "program_phone", "program_name", "hours"}),
    **{
        name: frozenset({"first_name", "program_phone", "team"})
        for name in (
            "crisis", "crisis_urgent", "medical", "withdrawal", "violence", "safety",
            "safety_urgent", "concern", "risk_help", "callback", "medication", "naloxone",
            "pregnancy",
        )
    },
    "overdose": frozenset({"first_name", "program_phone", "team", "naloxone"}),
    "followup": frozenset({"first_name"}),
    "unknown_crisis": frozenset(),
    "life_event": frozenset({"first_name"}),
    "wrong_number": frozenset(),
    "use_ack": frozenset({"first_name"}),
    "ack": frozenset({"first_name", "skill", "program_phone", "score"}),
    "ack_high": frozenset({"first_name", "skill", "program_phone", "score"}),
    "ack_confirm": frozenset({"first_name", "when", "at_place"}),
    "ack_decline": frozenset({"first_name", "when", "at_place"}),
    "team": frozenset(),
    "team_when": frozenset({"when"}),
    "team_about": frozenset({"when"}),
    "team_discreet": frozenset({"when"}),
    "team_counselor": frozenset(),
    "naloxone_line": frozenset(),
    **{name: _PERSON for name in (
        "alert", "alert_concern", "alert_callback", "alert_medical", "alert_violence",
        "alert_safety", "alert_medication", "alert_naloxone", "alert_pregnancy",
        "alert_wrong_number", "alert_message",
    )},
    "alert_unknown": frozenset({"time", "link"}),
    "alert_undelivered": _PERSON | {"reason"},
    "alert_escalated": _PERSON | {"after"},
    "alert_overdue": _PERSON | {"kind", "due"},
    "alert_retry": _PERSON | {"kind", "outcome"},
    "alert_held": frozenset({"count", "time", "limit"}),
    "call_alert": frozenset(),
}  # fmt: skip
# The {team} sentence each client text takes when an alert was queued (see Templates.team).
TEAM_OF: dict[str, str] = {
    **dict.fromkeys(("crisis", "crisis_urgent", "overdose", "medical", "risk_help"), "team"),
    **dict.fromkeys(("concern", "withdrawal", "callback", "naloxone", "pregnancy"), "team_when"),
    "medication": "team_about",
    "safety": "team_discreet",
    "safety_urgent": "team_discreet",
    "violence": "team_counselor",
}
# Texts that may take more than one SMS segment (sent once, and CTIA asks for all of it).
SEGMENT_BUDGET: dict[str, int] = {"welcome": 2, "help": 2}


def placeholders_in(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


class TemplatesError(ValueError):
    """A templates file that cannot be read; ``str()`` is the one line shown."""


class Templates:
    """The default texts with any staff overrides laid over them."""

    def __init__(self, overrides: Mapping[tuple[str, str], str] | None = None) -> None:
        self.texts: dict[tuple[str, str], str] = {
            (lang, name): text for lang, names in DEFAULTS.items() for name, text in names.items()
        }
        self.texts.update(overrides or {})

    @classmethod
    def from_settings(cls, settings: Settings) -> Templates:
        """Defaults, overridden by NOTIFIER_TEMPLATES_FILE (TOML: a table per language)."""
        path = settings.templates_file
        if path is None:
            return cls()
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise TemplatesError(f"NOTIFIER_TEMPLATES_FILE={str(path)!r}: no such file") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise TemplatesError(
                f"NOTIFIER_TEMPLATES_FILE={str(path)!r}: expected TOML "
                f'([en] / [es] tables of name = "text"): {exc}'
            ) from None
        overrides: dict[tuple[str, str], str] = {}
        for lang, table in data.items():
            if lang not in LANGUAGES or not isinstance(table, dict):
                raise TemplatesError(
                    f"NOTIFIER_TEMPLATES_FILE: expected tables [en] and/or [es], got {lang!r}"
                )
            for name, text in table.items():
                if not isinstance(text, str):
                    raise TemplatesError(f"NOTIFIER_TEMPLATES_FILE [{lang}] {name}: expected text")
                overrides[(lang, name)] = text
        return cls(overrides)

    def get(self, name: str, language: str) -> str:
        lang = language if language in LANGUAGES else "en"
        return self.texts.get((lang, name)) or self.texts[("en", name)]

    def render(self, name: str, language: str, **values: str) -> str:
        """The text with its values, as sent: accents GSM-7 lacks folded (a name such as
        Ramón must not turn the text into UCS-2 and double its segments), and the space an
        empty ``{team}`` or ``{naloxone}`` leaves closed up."""
        text = self.get(name, language).format_map(_Values(values))
        return gsm.fold(_SPACES.sub(" ", text).strip())

    def team(self, name: str, language: str, *, told: bool, when: str = "") -> str:
        """The ``{team}`` sentence: what staff were told or when someone will reach out, or
        nothing when no alert was queued (a text never says what did not happen)."""
        return self.render(name, language, when=when) if told else ""


_SPACES = re.compile(r"[ ]{2,}")


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:  # check-templates reports unknown placeholders
        return ""


def when_text(start_utc: datetime, sent_at_utc: datetime, tz: ZoneInfo, language: str) -> str:
    """'today at 6:00 PM', 'tomorrow at 6:00 PM' or 'on Mon, Dec 7 at 6:00 PM', in ``tz``."""
    lang = language if language in LANGUAGES else "en"
    local = start_utc.astimezone(tz)
    sent_day: date = sent_at_utc.astimezone(tz).date()
    clock = format_time(local, "h:mm a" if lang == "en" else "HH:mm", locale=lang)
    days = (local.date() - sent_day).days
    if lang == "es":
        if days == 0:
            return f"hoy a las {clock}"
        if days == 1:
            return f"mañana a las {clock}"
        day_text = format_date(local.date(), "EEEE d MMM", locale="es")
        return f"el {gsm.fold(day_text)} a las {clock}"  # miércoles -> miercoles: GSM-7
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    return f"on {format_date(local.date(), 'EEE, MMM d', locale='en')} at {clock}"


_DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "es": ("el lunes", "el martes", "el miércoles", "el jueves", "el viernes", "el sábado",
           "el domingo"),
}  # fmt: skip


def opening_text(opening: datetime, now: datetime, tz: ZoneInfo, language: str) -> str:
    """When staff will reach out: 'today' while the program is open, else 'today after 9 AM',
    'tomorrow after 9 AM' or 'Mon after 9 AM' (in ``tz``, the client's zone)."""
    lang = language if language in LANGUAGES else "en"
    if opening <= now:
        return "hoy" if lang == "es" else "today"
    local = opening.astimezone(tz)
    days = (local.date() - now.astimezone(tz).date()).days
    if lang == "es":
        day = "hoy" if days == 0 else "mañana" if days == 1 else _DAYS["es"][local.weekday()]
        return f"{day} después de las {local:%H:%M}"
    clock = str(format_time(local, "h a" if local.minute == 0 else "h:mm a", locale="en"))
    day = "today" if days == 0 else "tomorrow" if days == 1 else _DAYS["en"][local.weekday()]
    return f"{day} after {clock}"


def hours_text(hours: ProgramHours, language: str) -> str:
    """'Mon-Fri 9 AM-5 PM' / 'lun-vie 9:00-17:00': the program's hours in a text."""
    lang = language if language in LANGUAGES else "en"
    names = _DAY_NAMES[lang]
    parts = []
    for w in hours.windows:
        runs: list[list[int]] = []
        for d in sorted(w.days):
            if runs and d == runs[-1][-1] + 1:
                runs[-1].append(d)
            else:
                runs.append([d])
        days = ",".join(
            names[r[0]] if len(r) == 1 else f"{names[r[0]]}-{names[r[-1]]}" for r in runs
        )
        parts.append(f"{days} {_hour(w.start, lang)}-{_hour(w.end, lang)}")
    return ", ".join(parts)


def _hour(t: time, lang: str) -> str:
    if lang == "es":
        return f"{t.hour}:{t.minute:02d}"
    hour = t.hour % 12 or 12
    suffix = "AM" if t.hour < 12 else "PM"
    return f"{hour} {suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d} {suffix}"


def clock_text(instant: datetime, tz: ZoneInfo, language: str) -> str:
    lang = language if language in LANGUAGES else "en"
    return str(
        format_time(instant.astimezone(tz), "h:mm a" if lang == "en" else "HH:mm", locale=lang)
    )


def duration_text(delta: timedelta) -> str:
    """'15 min', '1 h' or '1 h 30 min' (staff texts; whole minutes)."""
    minutes = max(1, round(delta.total_seconds() / 60))
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")
