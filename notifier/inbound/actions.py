"""The values the reply decision takes and returns (:mod:`notifier.inbound.decision` decides,
:mod:`notifier.inbound.replies` reads what it needs and writes what it says)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from notifier.core.models import AlertLevel

REPLY_FRESHNESS = timedelta(hours=1)
URGENT_FRESHNESS = timedelta(hours=6)  # crisis responses and staff alerts keep trying longer
ALERT_WINDOW = timedelta(hours=1)  # the unknown-number limits count alerts in the last hour
EPISODE_WINDOW = timedelta(minutes=10)  # one follow-up / "new message" text per this long
UNKNOWN_KEEP = timedelta(hours=72)  # an unknown sender's number, for callers


@dataclass(frozen=True)
class Meeting:
    id: int
    starts_at: datetime
    location: str | None = None


@dataclass(frozen=True)
class Prompt:
    """A reminder or check-in sent to the client; ``meeting`` is a reminder's own session."""

    id: int
    kind: str
    label: str | None
    sent_at: datetime
    meeting: Meeting | None = None
    answered: bool = False


@dataclass(frozen=True)
class ClientView:
    id: int
    external_id: str
    first_name: str
    language: str
    timezone: str
    opted_out: bool


@dataclass(frozen=True)
class Episode:
    """The client's (or unknown sender's) alert that is still open."""

    alert_id: int
    kind: str
    level: str
    told_at: datetime  # on-call last told about it (raised, or the last "new message")
    followup_at: datetime | None = None  # the client's last follow-up text
    urgent: bool = False  # an urgent message was already answered in it
    discreet: bool = False


@dataclass(frozen=True)
class Context:
    client: ClientView
    now: datetime
    prompts: tuple[Prompt, ...] = ()  # sent within the reply window, any order
    next_meeting: Meeting | None = None  # the client's next meeting not yet started
    acks_sent: int = 0  # acknowledgements sent before: rotates the coping skill
    twilio_answered: bool = False  # Twilio's Advanced Opt-Out answered STOP/START/HELP itself
    episode: Episode | None = None
    recent_risk: bool = False  # a crisis or concern reply went to the client in the last 24 h


@dataclass(frozen=True)
class Send:
    """A text to the client. ``key`` may hold ``{reply_id}``, filled in once it is known."""

    label: str
    text: str
    key: str
    due_at: datetime
    not_after: datetime


@dataclass(frozen=True)
class StaffAlert:
    """One alert (an ``alerts`` row) and its text to every on-call number."""

    kind: str  # AlertKind
    label: str  # the outbox label: crisis_alert, concern_alert, ...
    text: str
    notify_at: datetime
    not_after: datetime
    level: str = AlertLevel.CRISIS
    due_at: datetime | None = None  # when escalation first acts
    due_reason: str | None = None  # tier | deadline
    deadline: datetime | None = None  # "someone will reach out" by then
    discreet: bool = False
    urgent: bool = False


@dataclass(frozen=True)
class Join:
    """A further message joins the open alert ``alert_id`` instead of raising another."""

    alert_id: int
    text: str | None = None  # "new message" to on-call; None: told within the window
    upgrade: StaffAlert | None = None  # a crisis in a lower episode: kind and level raised
    followup_at: datetime | None = None  # set when the client gets a follow-up text
    urgent: bool = False


@dataclass(frozen=True)
class Actions:
    category: str
    signals: tuple[str, ...]
    rule: str
    score: int | None = None
    label: str | None = None  # the check-in's label, for a score
    in_reply_to: int | None = None
    session_id: int | None = None  # the meeting a confirm/decline is about
    sends: tuple[Send, ...] = ()
    alerts: tuple[StaffAlert, ...] = ()
    join: Join | None = None
    consent: str | None = None  # "opt_out" | "opt_in" | "wrong_number"
    confirmation: Send | None = None  # sent only when the consent change happened
    held: str | None = None  # why an unknown number's alert was held back: same_number | cap
    keep_sender: bool = False  # an unknown sender's number is kept (encrypted) on the alert
    urgent: bool = False
    language: str = "en"


@dataclass(frozen=True)
class Flood:
    """Alerts already raised by unknown numbers in the last hour."""

    from_this_number: int = 0
    from_all_numbers: int = 0
