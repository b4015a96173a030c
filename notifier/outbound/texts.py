"""The texts notifier sends, in English and Spanish.

An SMS can be read on a lock screen by anyone nearby, so the default wording never names the
program's nature (no drugs, alcohol, addiction, recovery or treatment) and uses first names only.
``notifier check-templates`` checks these rules on every template, including overrides.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from notifier.outbound import gsm

if TYPE_CHECKING:
    from notifier.core.settings import Settings

LANGUAGES = ("en", "es")
# Rendered into staff alert texts by the pure decision; the writer replaces it with the alert's
# own link once the alert row (and its token) exists. See notifier/inbound/alerts.py.
LINK_SLOT = "{link}"
# Characters in an alert's link token (the link's length budget depends on it).
TOKEN_LENGTH = 10

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
        # crisis: 988 first; crisis_urgent (life in danger now, e.g. an overdose): 911 first.
        "crisis": (
            "{first_name}, please call or text 988 now to talk with someone, day or night. "
            "If you are in danger, call 911. We have let our team know."
        ),
        "crisis_urgent": (
            "{first_name}, call 911 now. If someone is not breathing, call 911 and stay with "
            "them. Then call or text 988. We have let our team know."
        ),
        "concern": (
            "Thank you for telling us, {first_name}. Someone from our team will reach out soon. "
            "To talk now, call or text 988, day or night."
        ),
        "callback": (
            "Thanks, {first_name}. Someone from our team will reach out {when}. "
            "If it is urgent, call or text 988."
        ),
        "ack": "Thanks, {first_name}, got your {score}. {skill}",
        "ack_high": (
            "Thanks, {first_name}, got your {score}. {skill} Call us any time at {program_phone}."
        ),
        "ack_confirm": "Thanks, {first_name}, see you {when}.",
        "ack_decline": (
            "Thanks for letting us know, {first_name}. We have you down as not coming {when}."
        ),
        # Staff texts carry a link to the client's page ({link}: NOTIFIER_PUBLIC_URL/a/<token>,
        # or the command `notifier alerts --open` without a public URL); never the reply.
        "alert": (
            "notifier: {first_name} ({external_id}) needs a call now: urgent message at {time}. "
            "Open: {link}"
        ),
        "alert_concern": (
            "notifier: {first_name} ({external_id}) sent a worrying message at {time}. "
            "Not an emergency: reach out today. Open: {link}"
        ),
        "alert_callback": (
            "notifier: {first_name} ({external_id}) asked for a call back ({time}). "
            "Please reach out. Open: {link}"
        ),
        "alert_escalated": (
            "notifier: NOT YET ANSWERED after {after}: {first_name} ({external_id}) needs a "
            "call now (urgent, {time}). Open: {link}"
        ),
        "alert_held": (
            "notifier: {count} more urgent message(s) from unknown numbers since {time} were "
            "not alerted one by one (limit {limit} an hour). See: notifier replies"
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
        # 988 en español: llamar al 988 y oprimir 2, o enviar AYUDA por texto al 988.
        "crisis": (
            "{first_name}, llame al 988 y oprima 2 para español, o envie AYUDA al 988, a "
            "cualquier hora. Si esta en peligro, llame al 911. Ya avisamos a nuestro equipo."
        ),
        "crisis_urgent": (
            "{first_name}, llame al 911 ahora. Si alguien no respira, llame al 911 y quedese "
            "a su lado. Luego: 988, oprima 2 (español). Ya avisamos a nuestro equipo."
        ),
        "concern": (
            "Gracias por contarnos, {first_name}. Alguien de nuestro equipo le contactara "
            "pronto. Para hablar ahora: 988, oprima 2, o envie AYUDA al 988."
        ),
        "callback": (
            "Gracias, {first_name}. Alguien de nuestro equipo le contactara {when}. "
            "Si es urgente: 988, oprima 2, o envie AYUDA al 988."
        ),
        "ack": "Gracias, {first_name}, recibimos su {score}. {skill}",
        "ack_high": (
            "Gracias, {first_name}, recibimos su {score}. {skill} "
            "Llamenos cuando quiera al {program_phone}."
        ),
        "ack_confirm": "Gracias, {first_name}, le esperamos {when}.",
        "ack_decline": "Gracias por avisarnos, {first_name}. Anotamos que no vendra {when}.",
        "alert": (
            "notifier: {first_name} ({external_id}) envio un mensaje urgente ({time}). "
            "Llamele ahora: {link}"
        ),
    },
}

DEFAULT_QUESTIONS_ES: dict[str, str] = {
    "cravings": "Que tan fuertes son los antojos hoy, del 0 al 10? Responda con un numero.",
    "stress": "Cuanto estres ha tenido hoy, del 0 al 10? Responda con un numero.",
    "mood": "Como esta su animo hoy, de 0 (bajo) a 10 (muy bien)? Responda con un numero.",
}
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
            "Observe el impulso como una ola: respire y dejelo subir y bajar.",
            "Pruebe esperar 10 minutos antes de decidir nada.",
            "Piense en alguien del grupo a quien pueda llamar hoy.",
            "Cambie de ambiente: salga de la habitacion unos minutos.",
        ),
        "stress": (
            "Respire: inhale en 4, sostenga 7, exhale en 8, tres veces.",
            "Nombre 5 cosas que ve, 4 que oye y 3 que puede tocar.",
            "Elija una sola cosa para terminar hoy y deje el resto.",
            "Afloje la mandibula, baje los hombros y respire lento tres veces.",
        ),
        "mood": (
            "Haga algo pequeño que le guste, aunque sean 10 minutos.",
            "Busque luz del dia o aire fresco hoy, aunque sea una caminata corta.",
            "Mande un mensaje corto a alguien con quien le guste hablar.",
            "Anote una cosa que salio bien hoy, por pequeña que sea.",
        ),
    },
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
    "crisis_urgent": frozenset({"first_name", "program_phone"}),
    "concern": frozenset({"first_name", "program_phone"}),
    "callback": frozenset({"first_name", "when", "program_phone"}),
    "ack": frozenset({"first_name", "skill", "program_phone", "score"}),
    "ack_high": frozenset({"first_name", "skill", "program_phone", "score"}),
    "ack_confirm": frozenset({"first_name", "when", "at_place"}),
    "ack_decline": frozenset({"first_name", "when", "at_place"}),
    "alert": frozenset({"first_name", "external_id", "time", "link"}),
    "alert_concern": frozenset({"first_name", "external_id", "time", "link"}),
    "alert_callback": frozenset({"first_name", "external_id", "time", "link"}),
    "alert_escalated": frozenset({"first_name", "external_id", "time", "link", "after"}),
    "alert_held": frozenset({"count", "time", "limit"}),
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


_DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "es": ("el lunes", "el martes", "el miercoles", "el jueves", "el viernes", "el sabado",
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
        return f"{day} despues de las {local:%H:%M}"
    clock = str(format_time(local, "h a" if local.minute == 0 else "h:mm a", locale="en"))
    day = "today" if days == 0 else "tomorrow" if days == 1 else _DAYS["en"][local.weekday()]
    return f"{day} after {clock}"


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
