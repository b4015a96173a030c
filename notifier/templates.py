"""The texts notifier sends, in English and Spanish.

An SMS can be read on a lock screen by anyone nearby, so the default wording never names the
program's nature (no drugs, alcohol, addiction, recovery or treatment) and uses first names only.
``notifier check-templates`` checks these rules on every template, including overrides.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from notifier import gsm

if TYPE_CHECKING:
    from notifier.settings import Settings

LANGUAGES = ("en", "es")

DEFAULTS: dict[str, dict[str, str]] = {
    "en": {
        "reminder_group": (
            "Hi {first_name}, a reminder: your group meets {when}{at_place}. "
            "Reply 1 to confirm or 2 if you can't make it."
        ),
        "reminder_individual": (
            "Hi {first_name}, a reminder of your appointment {when}{at_place}. "
            "Reply 1 to confirm or 2 if you can't make it."
        ),
        "checkin": "Hi {first_name}, a quick check-in: {question}",
        "opt_out_confirm": (
            "You are unsubscribed and will get no more texts from this number. "
            "Reply START to resubscribe."
        ),
        "opt_in_confirm": (
            "Hi {first_name}, texts will resume. Reply STOP to unsubscribe or HELP for help."
        ),
        "help": (
            "For help, call {program_phone}. Reply STOP to unsubscribe. Msg & data rates may apply."
        ),
        "crisis": (
            "If you might hurt yourself or are in danger, call or text 988 now (24/7 crisis "
            "line) or call 911. We have let our team know."
        ),
        "ack": "Thanks, {first_name}. {skill}",
        "ack_high": (
            "Thanks for telling us, {first_name}. {skill} "
            "You can call us any time at {program_phone}."
        ),
        "alert": (
            "notifier: {first_name} ({external_id}) sent an urgent message at {time}. "
            "Please call them now; details in the staff follow-up page."
        ),
    },
    "es": {
        "reminder_group": (
            "Hola {first_name}, le recordamos: su grupo se reune {when}{at_place}. "
            "Responda 1 para confirmar o 2 si no puede asistir."
        ),
        "reminder_individual": (
            "Hola {first_name}, le recordamos su cita {when}{at_place}. "
            "Responda 1 para confirmar o 2 si no puede asistir."
        ),
        "checkin": "Hola {first_name}, una pregunta rapida: {question}",
        "opt_out_confirm": (
            "Se ha dado de baja y no recibira mas mensajes de este numero. "
            "Responda START para volver a recibirlos."
        ),
        "opt_in_confirm": (
            "Hola {first_name}, volvera a recibir mensajes. Responda BAJA para darse de baja "
            "o AYUDA para ayuda."
        ),
        "help": (
            "Para ayuda, llame al {program_phone}. Responda BAJA para darse de baja. "
            "Pueden aplicarse tarifas."
        ),
        "crisis": (
            "Si piensa hacerse daño o esta en peligro, llame o envie un texto al 988 ahora "
            "(linea de crisis 24/7) o llame al 911. Ya avisamos a nuestro equipo."
        ),
        "ack": "Gracias, {first_name}. {skill}",
        "ack_high": (
            "Gracias por contarnos, {first_name}. {skill} "
            "Puede llamarnos cuando quiera al {program_phone}."
        ),
        "alert": (
            "notifier: {first_name} ({external_id}) envio un mensaje urgente a las {time}. "
            "Llamele ahora; detalles en la pagina de seguimiento."
        ),
    },
}

DEFAULT_QUESTIONS_ES: dict[str, str] = {
    "cravings": "Que tan fuertes son los antojos hoy, del 0 al 10? Responda con un numero.",
    "stress": "Cuanto estres ha tenido hoy, del 0 al 10? Responda con un numero.",
    "mood": "Como esta su animo hoy, de 0 (bajo) a 10 (muy bien)? Responda con un numero.",
}
DEFAULT_SKILLS_ES: tuple[str, ...] = (
    "Observe el impulso como una ola: respire y dejelo subir y bajar.",
    "Pruebe esperar 10 minutos antes de decidir nada.",
    "Piense en alguien del grupo a quien pueda llamar hoy.",
    "Preguntese: tengo hambre, enojo, soledad o cansancio?",
    "Respire: inhale en 4, sostenga 7, exhale en 8, tres veces.",
    "Una caminata corta o un vaso de agua pueden cambiar la proxima hora.",
)

# Every placeholder a template may use; anything else is an error in check-templates.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "reminder_group": frozenset({"first_name", "when", "at_place"}),
    "reminder_individual": frozenset({"first_name", "when", "at_place"}),
    "checkin": frozenset({"first_name", "question"}),
    "opt_out_confirm": frozenset({"first_name"}),
    "opt_in_confirm": frozenset({"first_name"}),
    "help": frozenset({"first_name", "program_phone"}),
    "crisis": frozenset({"first_name", "program_phone"}),
    "ack": frozenset({"first_name", "skill", "program_phone"}),
    "ack_high": frozenset({"first_name", "skill", "program_phone"}),
    "alert": frozenset({"first_name", "external_id", "time"}),
}


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
        return self.get(name, language).format_map(_Values(values))


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


def clock_text(instant: datetime, tz: ZoneInfo, language: str) -> str:
    lang = language if language in LANGUAGES else "en"
    return str(
        format_time(instant.astimezone(tz), "h:mm a" if lang == "en" else "HH:mm", locale=lang)
    )
