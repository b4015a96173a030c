"""The database schema (SQLAlchemy 2.x ORM). Alembic migrations in ``migrations/`` create it.

All times are stored in UTC and come back as aware UTC datetimes on every backend.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import cast

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from notifier.core.columns import EncryptedText, UTCDateTime
from notifier.core.enums import AttendanceStatus, MessageKind, Role, Status

# Stable constraint names, so migrations can refer to them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Outbox statuses (notifier.core.enums.Status says the order).
PENDING, SENDING, SENT = Status.PENDING, Status.SENDING, Status.SENT
DELIVERED, UNDELIVERED, FAILED = Status.DELIVERED, Status.UNDELIVERED, Status.FAILED
EXPIRED, SKIPPED, CANCELED = Status.EXPIRED, Status.SKIPPED, Status.CANCELED
STATUSES = tuple(Status)
FINAL_STATUSES = frozenset({DELIVERED, UNDELIVERED, FAILED, EXPIRED, SKIPPED, CANCELED})

# Kinds of outgoing message.
REMINDER, CHECKIN, REPLY = MessageKind.REMINDER, MessageKind.CHECKIN, MessageKind.REPLY
ALERT, WELCOME, CALL = MessageKind.ALERT, MessageKind.WELCOME, MessageKind.CALL

# Replies to a risk message (docs/kinds.md): sent whatever the hour and after an opt-out, and
# an alert is raised when one does not arrive.
RISK_REPLY_LABELS = frozenset(
    {
        "crisis", "crisis_urgent", "overdose", "medical", "withdrawal", "violence", "safety",
        "safety_urgent", "concern", "followup", "risk_help", "unknown_crisis",
    }
)  # fmt: skip
# Replies that go out whatever the hour: they answer the client's own text (opt-out and help
# keywords, risk, a concerning score, "wrong number"), or staff chose to override quiet hours
# for a client in crisis. Everything else waits for the end of quiet hours.
ANY_HOUR_REPLY_LABELS = RISK_REPLY_LABELS | {
    "opt_out_confirm", "opt_in_confirm", "help", "callback", "ack_high", "wrong_number",
    "medication", "naloxone", "pregnancy", "staff_text_now",
}  # fmt: skip


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Name and roster id are encrypted like the phone: with categories in clear, a copied
    # database must not say whose crisis it was. Found by its keyed hash (one client per id):
    # notifier.roster.clients.client_by_external_id / external_id_filter.
    external_id: Mapped[str] = mapped_column(EncryptedText)
    external_id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    first_name: Mapped[str] = mapped_column(EncryptedText)
    phone: Mapped[str] = mapped_column(EncryptedText)
    # Inbound replies find their client by this keyed hash, never by decrypting every row.
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    group_name: Mapped[str | None] = mapped_column(String(40), index=True)
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_source: Mapped[str | None] = mapped_column(String(120))
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    discharged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def inactive_reason(self, day: date) -> str | None:
        """Why the client gets no texts on ``day`` (discharged, opted out, no consent, outside
        the enrolment dates), or None when they do."""
        if self.discharged_at is not None:
            return "discharged"
        if self.opted_out_at is not None:
            return "opted out"
        if self.consent_at is None:
            return "no consent recorded"
        if (self.start_date is not None and day < self.start_date) or (
            self.end_date is not None and day > self.end_date
        ):
            return "not enrolled on that day"
        return None


class Appointment(Base):
    """A session: one occurrence of a group, or an individual session for one client."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # group | individual | family | workshop
    group_name: Mapped[str | None] = mapped_column(String(40))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(String(120))
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_sessions_group_start", "group_name", "starts_at"),)


class Message(Base):
    """One row per outgoing text: the outbox. ``dedupe_key`` makes planning idempotent."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"), index=True)
    # Set only when the recipient is not the client (alerts to on-call staff).
    recipient: Mapped[str | None] = mapped_column(EncryptedText)
    label: Mapped[str | None] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(EncryptedText)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    reason: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # A send whose outcome is unknown (timeout, crash after the API call) is looked up at the
    # provider before it may be sent again.
    needs_lookup: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the attempt with the unknown outcome began: the lookup only matches messages the
    # provider created after it, so an older text with the same wording is never mistaken.
    lookup_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    error_code: Mapped[str | None] = mapped_column(String(16))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # (status, due_at, id): claims read due rows in exactly this order, so even 10,000 rows
    # due at the same noon are taken 100 at a time without sorting them all.
    __table_args__ = (Index("ix_messages_claim_order", "status", "due_at", "id"),)


class Reply(Base):
    """One message a client (or an unknown number) sent us, classified and attributed."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    # Twilio retries a webhook it thinks failed; the MessageSid makes each reply count once.
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # For a number no client has: a keyed hash, never the number itself.
    from_ref: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    body: Mapped[str] = mapped_column(EncryptedText)
    category: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(40))
    in_reply_to: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # webhook | poller | cli
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The understanding's signals as a JSON list ('["use", "callback"]'; NULL on rows from
    # before they were recorded, read as []) and the name of the rule that decided.
    signals: Mapped[str | None] = mapped_column(Text)
    rule: Mapped[str | None] = mapped_column(String(64))
    # Life in danger now (911 first), and the words that made it so: they quote the body, so
    # they are encrypted like it and purged with it. NULL on rows from before they were kept.
    urgent: Mapped[bool | None] = mapped_column(Boolean)
    urgent_evidence: Mapped[str | None] = mapped_column(EncryptedText)


# Kinds of staff alert (docs/kinds.md), their levels (how each escalates) and states.
ALERT_CRISIS, ALERT_CONCERN, ALERT_CALLBACK = "crisis", "concern", "callback"


class AlertKind(StrEnum):
    CRISIS = "crisis"
    CONCERN = "concern"
    CALLBACK = "callback"
    MEDICAL = "medical"
    VIOLENCE = "violence"
    SAFETY = "safety"
    MEDICATION = "medication"
    NALOXONE = "naloxone"
    PREGNANCY = "pregnancy"
    WRONG_NUMBER = "wrong_number"
    UNDELIVERED = "undelivered"  # a 988/911 reply that did not reach the client


class AlertLevel(StrEnum):
    CRISIS = "crisis"  # tiers until claimed or closed
    CONCERN = "concern"  # the first tier if no outcome by the deadline
    TASK = "task"  # the first tier if no outcome by the promised time
    NONE = "none"  # shown, never escalated


class AlertState(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"  # "I'm calling now": escalation holds until claimed_until
    CLOSED = "closed"  # a person was reached (or safe): nothing more is due


class Alert(Base):
    """One staff alert: raised by a reply (or by a risk reply that did not arrive), it lives
    until a person is reached. Its history is in ``alert_events``.

    The texts that tell staff are outbox rows (kind ``alert``); this row is the alert itself.
    ``notify_at`` is when staff are told (a call-back outside the program's hours waits for
    the next opening). ``due_at`` is when escalation next acts (``due_reason``: the next tier,
    a next try that is due, or the deadline promised). The ``acknowledged_*``/``outcome``/
    ``note`` columns hold the latest outcome, as before the history existed.
    """

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # AlertKind
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    notify_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A staff member's id; no foreign key yet (the staff table comes later).
    acknowledged_by: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(EncryptedText)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The short random token of the link in the on-call text (/a/{token}); NULL on rows from
    # before links. Never derived from the client: see notifier/inbound/alerts.py.
    link_token: Mapped[str | None] = mapped_column(String(16), unique=True, index=True)
    # --- the loop (migration 0013) ----------------------------------------------------------
    level: Mapped[str] = mapped_column(String(8), default=AlertLevel.CRISIS)
    state: Mapped[str] = mapped_column(String(8), default=AlertState.OPEN, index=True)
    tier: Mapped[int] = mapped_column(Integer, default=0)  # 0 = on-call
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    due_reason: Mapped[str | None] = mapped_column(String(8))  # tier | retry | deadline
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)  # promised by
    claimed_by: Mapped[int | None] = mapped_column(Integer)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # messages left, not reached
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    discreet: Mapped[bool] = mapped_column(Boolean, default=False)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last "new message" text
    followup_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the client's
    # A number on no client's record: kept encrypted for callers, forgotten after 72 h.
    sender: Mapped[str | None] = mapped_column(EncryptedText)
    sender_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    sender_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An "undelivered" alert: the outbox message that did not arrive (one alert each).
    message_id: Mapped[int | None] = mapped_column(Integer, unique=True, index=True)


class AlertEvent(Base):
    """One step in an alert's life, shown on its page and in the audit export: raised, told
    (which tier, how many texts and calls), claimed, each outcome with who and when, a further
    message that joined it, a next try due. Notes and the 42 CFR Part 2 §2.51 record of a
    disclosure to emergency services are encrypted; ``detail`` never holds either."""

    __tablename__ = "alert_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    event: Mapped[str] = mapped_column(String(24))
    staff_id: Mapped[int | None] = mapped_column(Integer)  # no FK: see Attendance.marked_by
    reply_id: Mapped[int | None] = mapped_column(Integer)
    tier: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(EncryptedText)
    # §2.51(c): to whom (the medical personnel), their facility, the nature of the emergency;
    # who disclosed is staff_id and when is ``at``.
    disclosed_to: Mapped[str | None] = mapped_column(EncryptedText)
    facility: Mapped[str | None] = mapped_column(EncryptedText)
    emergency: Mapped[str | None] = mapped_column(EncryptedText)


class InboxItem(Base):
    """A webhook delivery, stored as received and processed right after the webhook answered.

    The webhook only validates and stores (one insert): Twilio gets its answer in a few
    milliseconds however busy classification and replies are, and a retry of the same
    MessageSid is absorbed here by the unique key. Rows are deleted once processed.
    """

    __tablename__ = "inbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_phone: Mapped[str] = mapped_column(EncryptedText)
    body: Mapped[str] = mapped_column(EncryptedText)
    opt_out_type: Mapped[str | None] = mapped_column(String(16))
    # Crisis language (a cheap check at the webhook): processed first, never held back.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(120))


class ServiceState(Base):
    """Small pieces of shared state: the poller's cursor, reports already written."""

    __tablename__ = "service_state"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JobRunRow(Base):
    """Each job's last run, shared by every replica (for `notifier status`)."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_duration_ms: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(120))
    runs: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(64))


MESSAGES = cast(Table, Message.__table__)
CLIENTS = cast(Table, Client.__table__)
REPLIES = cast(Table, Reply.__table__)
INBOX = cast(Table, InboxItem.__table__)
SESSIONS = cast(Table, Appointment.__table__)
ALERTS = cast(Table, Alert.__table__)
ALERT_EVENTS = cast(Table, AlertEvent.__table__)


class ThrottleBucket(Base):
    """A token bucket of :mod:`notifier.core.throttle`, shared by every replica. ``key`` is the
    bucket's name and a keyed hash of who is limited (never a raw address or name)."""

    __tablename__ = "throttle"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ConsentEvent(Base):
    """Every change of a client's consent, with time and source, for audits."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    event: Mapped[str] = mapped_column(String(24))  # consent | opt_out | opt_in | withdrawn
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(120))


# How a client's presence at a group meeting is marked, once it has started.
ATTENDED, LATE = AttendanceStatus.ATTENDED, AttendanceStatus.LATE
ABSENT, EXCUSED = AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED
ATTENDANCE_STATUSES = tuple(AttendanceStatus)


class Attendance(Base):
    """Staff's mark of one client at one meeting; marking again changes the row."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The staff member who marked it (NULL: the CLI). No foreign key yet: staff accounts live
    # in a table of their own that this one must not depend on.
    marked_by: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # cli | web

    __table_args__ = (UniqueConstraint("session_id", "client_id"),)


# --- staff sign-in and the audit trail (migration 0009) -------------------------------------
FACILITATOR, ADMIN = Role.FACILITATOR, Role.ADMIN
ROLES = tuple(Role)


class Staff(Base):
    """A person who signs in to the staff pages. Never deleted (the audit trail names them):
    ``active`` false refuses them at once."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))  # facilitator | admin
    groups: Mapped[str] = mapped_column(String(400), default="")  # comma-separated names
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # The TOTP secret, set at enrolment and usable once ``totp_enabled`` (confirmed by a code).
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # The last 30-second step a code was accepted for: the same code is never taken twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # The one-time set-up link: only a SHA-256 of its token is stored.
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(g for g in self.groups.split(",") if g)


class StaffSession(Base):
    """A signed-in browser. The cookie carries a random token; the row is keyed by its SHA-256,
    so the table alone cannot be replayed. Deleting the row signs the browser out at once."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    # "mfa" (password given, code due), "enrol" (password given, TOTP to set up), "full".
    stage: Mapped[str] = mapped_column(String(8))
    via: Mapped[str] = mapped_column(String(8))  # password | oidc
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Who looked at or changed what, when, from where (42 CFR Part 2 / HIPAA access records).

    Never purged. ``staff_id`` is the person (for ``staff_*`` actions from the CLI: the account
    changed, with ``address`` "cli"); a sign-in with an unknown e-mail stores no identifier at
    all. ``client_id`` is the client's integer id (external ids are resolved at export).
    ``detail`` never holds a message body.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    # No foreign key: an audit row must never stand in the way of anything else.
    client_id: Mapped[int | None] = mapped_column(Integer, index=True)
    group_name: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(200))
