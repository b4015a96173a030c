"""The text of a planned reminder or check-in, rendered when it is about to be sent.

The planner stores what a text is about (client, session, offset or question label, due time),
not the words: planning a week for ten thousand clients then costs no rendering and no
encryption, the words follow the current templates and settings, and no text about the future
sits in the database. The dispatcher renders just before sending and stores the words it sent
(encrypted). Rendering is deterministic (the day words count from the row's due time), so a
send retried or looked up after a crash matches the first attempt exactly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from notifier.core.models import CHECKIN, REMINDER, WELCOME
from notifier.core.settings import Settings
from notifier.outbound.texts import DEFAULT_QUESTIONS_ES, Templates, hours_text, when_text

# A reminder's label for a support person: the offset after this prefix (render.py reads it).
SUPPORT_LABEL = "support:"
REMINDER_TEMPLATES = {
    "group": "reminder_group",
    "individual": "reminder_individual",
    "family": "reminder_family",
    "workshop": "reminder_workshop",
}


def meeting_kind(settings: Settings, session_kind: str | None, group_name: str | None) -> str:
    """What a reminder calls the meeting: a session's own kind, or the kind its group declares
    in NOTIFIER_GROUPS (``skills [workshop]: sat 10:00-12:00``)."""
    if session_kind == "group" and group_name:
        spec = settings.group(group_name)
        return spec.kind if spec is not None else "group"
    return session_kind or "individual"


def reminder_template(session_kind: str | None, label: str | None = None) -> str:
    """The template of a reminder: by the kind of meeting, or the support person's."""
    if label and label.startswith(SUPPORT_LABEL):
        return "reminder_support"
    return REMINDER_TEMPLATES.get(session_kind or "", "reminder_individual")


def at_place(location: str | None, language: str) -> str:
    if not location:
        return ""
    return f" en {location}" if language == "es" else f" at {location}"


def question_for(label: str | None, settings: Settings, language: str) -> str:
    questions = dict(settings.checkin_questions)
    question = questions.get(label or "", next(iter(questions.values()), ""))
    if language == "es":
        return DEFAULT_QUESTIONS_ES.get(label or "", question)
    return question


def reminder_text(
    templates: Templates,
    *,
    template: str,
    first_name: str,
    language: str,
    tz: ZoneInfo,
    starts_at: datetime,
    location: str | None,
    due_at: datetime,
    program_name: str = "",
) -> str:
    values = {"program_name": program_name} if template == "reminder_support" else {}
    return templates.render(
        template,
        language,
        first_name=first_name,
        when=when_text(starts_at, due_at, tz, language),
        at_place=at_place(location, language),
        **values,
    )


def checkin_text(
    templates: Templates, settings: Settings, *, first_name: str, language: str, label: str | None
) -> str:
    return templates.render(
        "checkin", language, first_name=first_name, question=question_for(label, settings, language)
    )


def planned_text(
    templates: Templates,
    settings: Settings,
    *,
    kind: str,
    label: str | None,
    first_name: str,
    language: str,
    tz: ZoneInfo,
    due_at: datetime,
    session_kind: str | None,
    starts_at: datetime | None,
    location: str | None,
    group_name: str | None = None,
) -> str | None:
    """The words of a planned row, or None when it is not a planned kind."""
    if kind == WELCOME:
        hours = hours_text(settings.program_hours, language)
        return templates.render(
            "welcome", language, first_name=first_name, program_name=settings.program_name,
            program_phone=settings.program_phone, hours=hours,
        )  # fmt: skip
    if kind == CHECKIN:
        return checkin_text(
            templates, settings, first_name=first_name, language=language, label=label
        )
    if kind == REMINDER and starts_at is not None:
        return reminder_text(
            templates,
            template=reminder_template(meeting_kind(settings, session_kind, group_name), label),
            program_name=settings.program_name,
            first_name=first_name,
            language=language,
            tz=tz,
            starts_at=starts_at,
            location=location,
            due_at=due_at,
        )
    return None


def words_of(
    templates: Templates, settings: Settings, message: Any, client: Any, session: Any | None
) -> str:
    """The words a planned row says (its stored ones once it was sent), from ORM objects."""
    if message.body:
        return str(message.body)
    text = planned_text(
        templates,
        settings,
        kind=message.kind,
        label=message.label,
        first_name=client.first_name,
        language=client.language,
        tz=ZoneInfo(client.timezone),
        due_at=message.due_at,
        session_kind=session.kind if session else None,
        starts_at=session.starts_at if session else None,
        location=session.location if session else None,
        group_name=session.group_name if session else None,
    )
    return text or ""
