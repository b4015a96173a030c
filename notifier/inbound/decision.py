"""What to do about one reply, decided without touching the database: :func:`decide` (a known
client) and :func:`decide_unknown` (a number on no client's record) return :class:`Actions`,
which ``replies.py`` writes. Pure: the clock is the ``now`` in the context.

The rules, in one place:

* **Attribution.** A reply answers one of the client's *open* prompts: sent within
  ``NOTIFIER_REPLY_WINDOW``. A reminder whose meeting has already started no longer stands for
  that meeting: its answers go to the client's next meeting that has not started, or, when
  there is none, the reminder is not open at all. Among open prompts, one not yet answered
  comes before one already answered, then the most recent first. So a bare "1" or "2" when a
  check-in and a reminder are both open answers the one that is still waiting for an answer,
  or the later one when both (or neither) are. The acknowledgement says which reading was
  taken ("see you Mon at 6:00 PM" / "got your 2"), so a misread is visible to the client.
* **Risk tiers.** ``crisis``: the immediate reply (911 first when ``urgent``, else 988; in
  Spanish, 988's Spanish line) and an alert to every on-call number at once. ``concern``: a
  gentle reply offering 988 and a non-urgent alert at once. Both are sent in quiet hours and
  after an opt-out, and a text that also revokes consent still opts out afterwards.
* **Call-back.** A ``callback`` signal (outside crisis/concern, which already reach staff)
  alerts on-call at once during ``NOTIFIER_PROGRAM_HOURS`` and at the next opening otherwise;
  the client is told when, with 988 for anything urgent (not an opted-out client: the alert
  still goes to staff, who were asked for a person, but no text goes back).
* **Acknowledgements.** A score gets a coping skill that fits the question (none in quiet
  hours, one per check-in). A confirm or decline gets "see you <when>" / "we have you down as
  not coming <when>"; in quiet hours it waits for their end, and is dropped if that is not
  before the meeting.
* **Unknown numbers.** Only crisis language raises an alert (it may be a client on a new
  phone), at most one per number per hour and ``NOTIFIER_UNKNOWN_ALERTS_PER_HOUR`` in all;
  messages held back are counted in one summary alert per hour. Clients are never limited.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from notifier.core.models import (
    ALERT_CALLBACK,
    ALERT_CONCERN,
    ALERT_CRISIS,
    CHECKIN,
    REMINDER,
    REPLY,
)
from notifier.core.settings import Settings
from notifier.inbound.concerning import concerning
from notifier.outbound.coping import skills_for
from notifier.outbound.quiet import placement
from notifier.outbound.render import at_place
from notifier.outbound.texts import LINK_SLOT, Templates, clock_text, opening_text, when_text
from notifier.understanding import Category, Classification, Signal

REPLY_FRESHNESS = timedelta(hours=1)
URGENT_FRESHNESS = timedelta(hours=6)  # crisis responses and staff alerts keep trying longer
ALERT_WINDOW = timedelta(hours=1)  # the unknown-number limits count alerts in the last hour
RISK = (Category.CRISIS.value, Category.CONCERN.value)


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
class Context:
    client: ClientView
    now: datetime
    prompts: tuple[Prompt, ...] = ()  # sent within the reply window, any order
    next_meeting: Meeting | None = None  # the client's next meeting not yet started
    acks_sent: int = 0  # acknowledgements sent before: rotates the coping skill
    twilio_answered: bool = False  # Twilio's Advanced Opt-Out answered STOP/START/HELP itself


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

    kind: str  # crisis | concern | callback
    label: str  # the outbox label: crisis_alert | concern_alert | callback_alert
    text: str
    notify_at: datetime
    not_after: datetime


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
    consent: str | None = None  # "opt_out" | "opt_in"
    confirmation: Send | None = None  # sent only when the consent change happened
    held: str | None = None  # why an unknown number's alert was held back: same_number | cap
    urgent: bool = False
    language: str = "en"


# --- attribution ---------------------------------------------------------------------------
def target(prompt: Prompt, next_meeting: Meeting | None, now: datetime) -> Meeting | None:
    """The meeting a reminder's answer is about: its own while it has not started, else the
    client's next one (never a meeting that has started)."""
    if prompt.meeting is not None and prompt.meeting.starts_at > now:
        return prompt.meeting
    if next_meeting is not None and next_meeting.starts_at > now:
        return next_meeting
    return None


def open_prompts(ctx: Context) -> list[Prompt]:
    """Prompts a reply may answer, in the order they are tried (see the module's rules)."""
    usable = [
        p
        for p in ctx.prompts
        if p.sent_at <= ctx.now
        and (p.kind == CHECKIN or (p.kind == REMINDER and target(p, ctx.next_meeting, ctx.now)))
    ]
    usable.sort(key=lambda p: (p.sent_at, p.id), reverse=True)
    usable.sort(key=lambda p: p.answered)  # stable: unanswered first, each most recent first
    return usable


def open_kinds(ctx: Context) -> list[str]:
    """What the classifier is told is open, in order (``open_prompts`` for classify)."""
    kinds: list[str] = []
    for p in open_prompts(ctx):
        if p.kind not in kinds:
            kinds.append(p.kind)
    return kinds


def _answered(category: str, ctx: Context) -> Prompt | None:
    kind = {"confirm": REMINDER, "decline": REMINDER, "checkin_answer": CHECKIN}.get(category)
    return next((p for p in open_prompts(ctx) if p.kind == kind), None)


# --- known clients -------------------------------------------------------------------------
def decide(c: Classification, ctx: Context, settings: Settings, templates: Templates) -> Actions:
    client, now = ctx.client, ctx.now
    tz = ZoneInfo(client.timezone)
    category = str(c.category)
    signals = _signals(c)
    answered = _answered(category, ctx)
    meeting = (
        target(answered, ctx.next_meeting, now)
        if answered is not None and answered.kind == REMINDER
        else None
    )
    # Risk texts go out in Spanish when the client wrote in Spanish, whatever the roster says.
    lang = client.language
    risk_lang = "es" if c.language == "es" or lang == "es" else lang
    name, phone = client.first_name, settings.program_phone
    sends: list[Send] = []
    alerts: list[StaffAlert] = []

    def send(label: str, text: str, key: str, fresh: timedelta = REPLY_FRESHNESS) -> None:
        sends.append(Send(label, text, key, now, now + fresh))

    def alert(kind: str, template: str, at: datetime, time_text: str) -> None:
        text = templates.render(
            template,
            "en",
            first_name=name,
            external_id=client.external_id,
            time=time_text,
            link=LINK_SLOT,
        )
        alerts.append(StaffAlert(kind, f"{kind}_alert", text, at, at + URGENT_FRESHNESS))

    clock = clock_text(now, settings.timezone, "en")
    if category == Category.CRISIS:
        template = "crisis_urgent" if c.urgent else "crisis"
        text = templates.render(template, risk_lang, first_name=name, program_phone=phone)
        send("crisis", text, "crisis:{reply_id}", URGENT_FRESHNESS)
        alert(ALERT_CRISIS, "alert", now, clock)
    elif category == Category.CONCERN:
        text = templates.render("concern", risk_lang, first_name=name, program_phone=phone)
        send("concern", text, "concern:{reply_id}", URGENT_FRESHNESS)
        alert(ALERT_CONCERN, "alert_concern", now, clock)
    elif category == Category.HELP and not ctx.twilio_answered:
        send(
            "help",
            templates.render("help", lang, first_name=name, program_phone=phone),
            "help:{reply_id}",
        )
    elif category == Category.CHECKIN_ANSWER and answered is not None:
        ack = _score_ack(c, answered, ctx, settings, templates)
        if ack is not None:
            sends.append(ack)
    elif category in (Category.CONFIRM, Category.DECLINE) and meeting is not None:
        ack = _attendance_ack(category, meeting, ctx, settings, templates)
        if ack is not None:
            sends.append(ack)

    if Signal.CALLBACK in signals and category not in RISK:
        opening = settings.program_hours.next_opening(now, settings.timezone)
        day = f"{now.astimezone(settings.timezone):%a} {clock}"
        alert(ALERT_CALLBACK, "alert_callback", opening, day)
        if not client.opted_out:
            when = opening_text(opening, now, tz, risk_lang)
            text = templates.render(
                "callback", risk_lang, first_name=name, when=when, program_phone=phone
            )
            send("callback", text, "callback:{reply_id}")

    consent, confirmation = _consent(category, c.revokes, ctx, templates)
    return Actions(
        category=category,
        signals=signals,
        rule=c.rule,
        score=c.score,
        label=answered.label if answered is not None and answered.kind == CHECKIN else None,
        in_reply_to=answered.id if answered is not None else None,
        session_id=meeting.id if meeting is not None else None,
        sends=tuple(sends),
        alerts=tuple(alerts),
        consent=consent,
        confirmation=confirmation,
        urgent=c.urgent,
        language=c.language,
    )


def _signals(c: Classification) -> tuple[str, ...]:
    """The classification's signals, with crisis/concern always there for those categories."""
    found = [str(s) for s in c.signals]
    if str(c.category) in RISK and str(c.category) not in found:
        found.insert(0, str(c.category))
    return tuple(dict.fromkeys(found))


def _score_ack(
    c: Classification, prompt: Prompt, ctx: Context, settings: Settings, templates: Templates
) -> Send | None:
    """A coping skill that fits the question; none in quiet hours (see outbound.quiet)."""
    client = ctx.client
    high = c.score is not None and concerning(prompt.label, c.score, settings)
    label = "ack_high" if high else "ack"
    tz = ZoneInfo(client.timezone)
    if placement(REPLY, label, ctx.now, None, tz, settings.quiet_hours) is None:
        return None
    skills = skills_for(settings, prompt.label, client.language)
    skill = skills[ctx.acks_sent % len(skills)]
    text = templates.render(
        label,
        client.language,
        first_name=client.first_name,
        skill=skill,
        score=str(c.score),
        program_phone=settings.program_phone,
    )
    # The key allows one acknowledgement per check-in, however often it is answered.
    return Send(label, text, f"ack:{prompt.id}", ctx.now, ctx.now + REPLY_FRESHNESS)


def _attendance_ack(
    category: str, meeting: Meeting, ctx: Context, settings: Settings, templates: Templates
) -> Send | None:
    """ "See you <when>" / "not coming <when>", so the client sees how "1" or "2" was read."""
    client, now = ctx.client, ctx.now
    tz = ZoneInfo(client.timezone)
    label = "ack_confirm" if category == Category.CONFIRM else "ack_decline"
    # In quiet hours it waits for their end; dropped if that is not before the meeting.
    due = placement(REPLY, label, now, meeting.starts_at, tz, settings.quiet_hours)
    if due is None:
        return None
    text = templates.render(
        label,
        client.language,
        first_name=client.first_name,
        when=when_text(meeting.starts_at, due, tz, client.language),
        at_place=at_place(meeting.location, client.language),
    )
    # One per reply: a client who changes their answer sees the new reading too.
    not_after = min(due + REPLY_FRESHNESS, meeting.starts_at)
    return Send(label, text, "attend:{reply_id}", due, not_after)


def _consent(
    category: str, revokes: bool, ctx: Context, templates: Templates
) -> tuple[str | None, Send | None]:
    client, now = ctx.client, ctx.now
    if category == Category.OPT_OUT or (category in RISK and revokes and not client.opted_out):
        if ctx.twilio_answered:
            return "opt_out", None
        text = templates.render("opt_out_confirm", client.language)
        key = f"optout:{client.id}:{{reply_id}}"
        return "opt_out", Send("opt_out_confirm", text, key, now, now + REPLY_FRESHNESS)
    if category == Category.OPT_IN:
        if ctx.twilio_answered:
            return "opt_in", None
        text = templates.render("opt_in_confirm", client.language, first_name=client.first_name)
        return "opt_in", Send(
            "opt_in_confirm", text, "optin:{reply_id}", now, now + REPLY_FRESHNESS
        )
    return None, None


# --- numbers on no client's record ---------------------------------------------------------
@dataclass(frozen=True)
class Flood:
    """Alerts already raised by unknown numbers in the last hour."""

    from_this_number: int = 0
    from_all_numbers: int = 0


def decide_unknown(
    c: Classification, flood: Flood, now: datetime, settings: Settings, templates: Templates
) -> Actions:
    """Stored unlinked and never answered: nothing about the program reaches a stranger."""
    base = Actions(
        category=str(c.category),
        signals=_signals(c),
        rule=c.rule,
        urgent=c.urgent,
        language=c.language,
    )
    if c.category != Category.CRISIS:
        return base
    if flood.from_this_number > 0:
        return replace(base, held="same_number")
    if flood.from_all_numbers >= settings.unknown_alerts_per_hour:
        return replace(base, held="cap")
    text = templates.render(
        "alert",
        "en",
        first_name="An unknown number",
        external_id="not on the roster",
        time=clock_text(now, settings.timezone, "en"),
        link=LINK_SLOT,
    )
    a = StaffAlert(ALERT_CRISIS, "crisis_alert", text, now, now + URGENT_FRESHNESS)
    return replace(base, alerts=(a,))


def held_summary(count: int, since: datetime, settings: Settings, templates: Templates) -> str:
    """The one alert per hour that counts unknown numbers' messages held back."""
    return templates.render(
        "alert_held",
        "en",
        count=str(count),
        time=clock_text(since, settings.timezone, "en"),
        limit=str(settings.unknown_alerts_per_hour),
    )
