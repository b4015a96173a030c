"""The closed sets of values the service stores and prints, one StrEnum each.

Members are ``str``: they compare equal to the text stored in the database and printed in
JSON, so these names change nothing a user sees. Modules keep importing the short constants
(``PENDING``, ``REMINDER`` ...) from notifier.core.models, which are these members.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Outbox statuses, in the order a message moves through them. Status callbacks only move
    a message forward in this order, so "delivered" never returns to "sent"."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    EXPIRED = "expired"
    SKIPPED = "skipped"
    CANCELED = "canceled"


class MessageKind(StrEnum):
    """Kinds of outgoing message."""

    REMINDER = "reminder"
    CHECKIN = "checkin"
    REPLY = "reply"
    ALERT = "alert"
    WELCOME = "welcome"  # the one text at enrolment, rendered when sent like reminders
    CALL = "call"  # a voice call to a staff number (an escalation tier with "call")


class AttendanceStatus(StrEnum):
    """How a client's presence at a group meeting is marked, once it has started."""

    ATTENDED = "attended"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"


class Role(StrEnum):
    FACILITATOR = "facilitator"
    ADMIN = "admin"


class Language(StrEnum):
    """The languages clients are texted in and replies are read in."""

    EN = "en"
    ES = "es"


LANGUAGES: tuple[str, ...] = tuple(Language)
