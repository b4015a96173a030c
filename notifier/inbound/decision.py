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
* **Kinds.** :mod:`notifier.inbound.routes` says which text and which alert each kind of
  message gets (docs/kinds.md): crisis (911 first when ``urgent``, else 988), overdose,
  medical, harm to others, abuse at home (discreet), concern, withdrawal, medication,
  naloxone, pregnancy, call-back, wrong number, a serious life event, disclosed use. Risk
  texts go out in quiet hours and after an opt-out; a text that also revokes consent still
  opts out afterwards.
* **Only what is true.** A text says staff were told ("{team}") only when an alert is queued
  to on-call numbers, and "someone will reach out {when}" is computed from
  ``NOTIFIER_PROGRAM_HOURS`` with the closed dates (``NOTIFIER_SKIP_DATES``) left out; the
  alert then escalates if nobody records an outcome by that time.
* **One episode per person.** A further message that would raise an alert while the
  client's last alert is still open joins it: the client gets a follow-up text (988 now, you
  don't have to wait for us), on-call a "new message" text, each at most once per
  :data:`EPISODE_WINDOW`; a crisis in a concern episode raises it to crisis; an urgent message
  gets the urgent text again.
* **Acknowledgements.** A score gets a coping skill that fits the question (one per
  check-in; none in quiet hours unless the score is concerning: that reply offers 988 and
  answers the client's own text). A confirm or decline gets "see you <when>" / "we have you
  down as not coming <when>"; in quiet hours it waits for their end, and is dropped if that is
  not before the meeting.
* **Unknown numbers.** Crisis language gets a neutral reply (911, 988; nothing that names the
  program) and raises an alert whose number is kept encrypted for 72 hours (it may be a client
  on a new phone), at most one per number per hour and ``NOTIFIER_UNKNOWN_ALERTS_PER_HOUR`` in
  all; messages held back are counted in one summary alert per hour. Clients are never
  limited.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from notifier.core.models import CHECKIN, REMINDER, REPLY, AlertKind, AlertLevel
from notifier.core.settings import Settings
from notifier.inbound.actions import (
    ALERT_WINDOW,
    EPISODE_WINDOW,
    REPLY_FRESHNESS,
    UNKNOWN_KEEP,
    URGENT_FRESHNESS,
    Actions,
    ClientView,
    Context,
    Episode,
    Flood,
    Join,
    Meeting,
    Prompt,
    Send,
    StaffAlert,
)
from notifier.inbound.concerning import concerning
from notifier.inbound.routes import RISK_CATEGORIES, Route, choose
from notifier.outbound.coping import skills_for
from notifier.outbound.quiet import placement
from notifier.outbound.render import at_place
from notifier.outbound.texts import (
    LINK_SLOT,
    TEAM_OF,
    Templates,
    clock_text,
    hours_text,
    opening_text,
    when_text,
)
from notifier.understanding import Category, Classification

RISK = RISK_CATEGORIES
__all__ = [
    "ALERT_WINDOW", "EPISODE_WINDOW", "REPLY_FRESHNESS", "UNKNOWN_KEEP", "URGENT_FRESHNESS",
    "Actions", "ClientView", "Context", "Episode", "Flood", "Join", "Meeting", "Prompt", "Send",
    "StaffAlert", "decide", "decide_unknown", "held_summary", "open_kinds", "open_prompts",
    "target",
]  # fmt: skip


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
def help_after_risk(c: Classification, ctx: Context) -> bool:
    """HELP/AYUDA (or "help me") within a day of a risk reply: a plea, answered with how to
    reach 988 (the reader files it as crisis in that context; a reader that does not yet
    know the context still says "help")."""
    if not ctx.recent_risk:
        return False
    return c.category == Category.HELP or (
        c.category == Category.CRISIS and c.rule.startswith(("help", "crisis.help", "after_risk"))
    )


def decide(c: Classification, ctx: Context, settings: Settings, templates: Templates) -> Actions:
    client, now = ctx.client, ctx.now
    category = str(c.category)
    after_risk = help_after_risk(c, ctx)
    if after_risk and category == Category.HELP:
        category = Category.CRISIS.value  # a plea: answered and alerted as a crisis
    signals = _signals(c, category)
    answered = _answered(category, ctx)
    meeting = (
        target(answered, ctx.next_meeting, now)
        if answered is not None and answered.kind == REMINDER
        else None
    )
    route = choose(category, signals, c.urgent, help_after_risk=after_risk)
    # Risk texts go out in Spanish when the client wrote in Spanish, whatever the roster says.
    lang = "es" if c.language == "es" or client.language == "es" else client.language
    sends: list[Send] = []
    alerts: list[StaffAlert] = []
    join: Join | None = None

    if route is not None and route.alert is not None and ctx.episode is not None:
        join, followup = _join(route, c, ctx, settings, templates, lang)
        sends += followup
    elif route is not None:
        alert = _alert(route, c, ctx, settings, templates) if route.alert else None
        alerts += [alert] if alert is not None else []
        told = alert is not None and _told(settings)
        text = _route_text(route, ctx, settings, templates, lang, told=told)
        risk = route.level in (AlertLevel.CRISIS, AlertLevel.CONCERN)
        if text is not None and (risk or not client.opted_out):
            label = route.reply or "reply"
            fresh = URGENT_FRESHNESS if risk else REPLY_FRESHNESS
            # A life event or disclosed use told at night is answered in the morning.
            tz = ZoneInfo(client.timezone)
            due = placement(REPLY, label, now, None, tz, settings.quiet_hours) or now
            sends.append(Send(label, text, f"{label}:{{reply_id}}", due, due + fresh))
    else:
        # One reply per message: a route's text (a life event, disclosed use) stands in for
        # a score's acknowledgement; the score is recorded all the same.
        sends += _plain_reply(category, c, answered, meeting, ctx, settings, templates)

    consent, confirmation = _consent(category, c.revokes, route, ctx, settings, templates)
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
        join=join,
        consent=consent,
        confirmation=confirmation,
        urgent=c.urgent,
        language=c.language,
    )


def _plain_reply(
    category: str,
    c: Classification,
    answered: Prompt | None,
    meeting: Meeting | None,
    ctx: Context,
    settings: Settings,
    templates: Templates,
) -> list[Send]:
    """What a message that raises nothing gets: HELP's text, a score's or an answer's
    acknowledgement."""
    client, now = ctx.client, ctx.now
    if category == Category.HELP and not ctx.twilio_answered:
        text = templates.render(
            "help",
            client.language,
            first_name=client.first_name,
            program_phone=settings.program_phone,
            program_name=settings.program_name,
            hours=hours_text(settings.program_hours, client.language),
        )
        return [Send("help", text, "help:{reply_id}", now, now + REPLY_FRESHNESS)]
    if category == Category.CHECKIN_ANSWER and answered is not None:
        ack = _score_ack(c, answered, ctx, settings, templates)
        return [ack] if ack is not None else []
    if category in (Category.CONFIRM, Category.DECLINE) and meeting is not None:
        attend = _attendance_ack(category, meeting, ctx, settings, templates)
        return [attend] if attend is not None else []
    return []


def _signals(c: Classification, category: str) -> tuple[str, ...]:
    """The classification's signals, with crisis/concern always there for those categories."""
    found = [str(s) for s in c.signals]
    if category in RISK and category not in found:
        found.insert(0, category)
    return tuple(dict.fromkeys(found))


def _told(settings: Settings) -> bool:
    """Whether an alert reaches anyone: only then may a text say staff were told."""
    return bool(settings.oncall_numbers)


def _promise(settings: Settings, now: datetime) -> tuple[datetime, datetime]:
    """(when staff can first reach out, by when they must): program hours, closed dates out."""
    hours, tz, closed = settings.program_hours, settings.timezone, settings.skip_dates
    return hours.next_opening(now, tz, closed), hours.deadline(now, tz, closed)


def _alert(
    route: Route, c: Classification, ctx: Context, settings: Settings, templates: Templates
) -> StaffAlert:
    """The alert a route raises, with when staff are told and when it first escalates."""
    client, now = ctx.client, ctx.now
    assert route.alert is not None and route.staff is not None
    opening, deadline = _promise(settings, now)
    notify_at = opening if route.at_opening else now
    time_text = clock_text(now, settings.timezone, "en")
    if route.at_opening and opening > now:
        time_text = f"{now.astimezone(settings.timezone):%a} {time_text}"
    text = templates.render(
        route.staff, "en", first_name=client.first_name, external_id=client.external_id,
        time=time_text, link=LINK_SLOT,
    )  # fmt: skip
    due_at, reason, promised = _first_due(route.level, notify_at, deadline, settings)
    return StaffAlert(
        kind=route.alert,
        label=f"{route.alert}_alert",
        text=text,
        notify_at=notify_at,
        not_after=notify_at + URGENT_FRESHNESS,
        level=route.level,
        due_at=due_at,
        due_reason=reason,
        deadline=promised,
        discreet=route.discreet,
        urgent=c.urgent,
    )


def _first_due(
    level: str, notify_at: datetime, deadline: datetime, settings: Settings
) -> tuple[datetime | None, str | None, datetime | None]:
    """(due_at, due_reason, deadline) of a new alert: a crisis's first tier, a concern's or a
    task's deadline, nothing for the rest."""
    if level == AlertLevel.CRISIS:
        tiers = settings.tiers
        return (notify_at + tiers[0].after, "tier", None) if tiers else (None, None, None)
    if level in (AlertLevel.CONCERN, AlertLevel.TASK):
        return deadline, "deadline", deadline
    return None, None, None


def _route_text(
    route: Route,
    ctx: Context,
    settings: Settings,
    templates: Templates,
    lang: str,
    *,
    told: bool,
) -> str | None:
    """The client's text for a route, with the ``{team}`` sentence only if staff are told."""
    if route.reply is None:
        return None
    client, now = ctx.client, ctx.now
    when = ""
    if told and route.level == AlertLevel.CRISIS:
        when = "pronto" if lang == "es" else "soon"  # on-call is paged now, whatever the hour
    elif told:
        when = opening_text(_promise(settings, now)[0], now, ZoneInfo(client.timezone), lang)
    team = templates.team(TEAM_OF.get(route.reply, "team"), lang, told=told, when=when)
    naloxone = templates.render("naloxone_line", lang) if settings.overdose_naloxone_line else ""
    return templates.render(
        route.reply, lang, first_name=client.first_name, program_phone=settings.program_phone,
        team=team if route.reply in TEAM_OF else "", naloxone=naloxone,
    )  # fmt: skip


def _join(
    route: Route,
    c: Classification,
    ctx: Context,
    settings: Settings,
    templates: Templates,
    lang: str,
) -> tuple[Join, list[Send]]:
    """A further message while the client's alert is open (see the module's rules)."""
    ep, now, client = ctx.episode, ctx.now, ctx.client
    assert ep is not None
    upgrade = None
    if route.level == AlertLevel.CRISIS and ep.level != AlertLevel.CRISIS:
        upgrade = _alert(route, c, ctx, settings, templates)
    sends: list[Send] = []
    followup_at = None
    key = "followup:{reply_id}"
    if (c.urgent and not ep.urgent) or upgrade is not None or route.reply == "risk_help":
        # New danger, or a plea for 988: the full text again, 911 first where it belongs.
        text = _route_text(route, ctx, settings, templates, lang, told=_told(settings))
        if text is not None:
            sends.append(Send(route.reply or "reply", text, key, now, now + URGENT_FRESHNESS))
            followup_at = now
    elif ep.discreet:
        pass  # someone else may read the phone: one discreet text was enough
    elif ep.followup_at is None or now - ep.followup_at >= EPISODE_WINDOW:
        if _told(settings):
            text = templates.render("followup", lang, first_name=client.first_name)
        else:
            text = _route_text(route, ctx, settings, templates, lang, told=False) or ""
        sends.append(Send("followup", text, key, now, now + URGENT_FRESHNESS))
        followup_at = now
    message = None
    if upgrade is None and now - ep.told_at >= EPISODE_WINDOW:
        message = templates.render(
            "alert_message", "en", first_name=client.first_name,
            external_id=client.external_id, time=clock_text(now, settings.timezone, "en"),
            link=LINK_SLOT,
        )  # fmt: skip
    join = Join(ep.alert_id, message, upgrade, followup_at, urgent=c.urgent and not ep.urgent)
    return join, sends


def _score_ack(
    c: Classification, prompt: Prompt, ctx: Context, settings: Settings, templates: Templates
) -> Send | None:
    """A coping skill that fits the question. A plain score in quiet hours gets none; a
    concerning one is answered whatever the hour (it offers 988): see outbound.quiet."""
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
    category: str,
    revokes: bool,
    route: Route | None,
    ctx: Context,
    settings: Settings,
    templates: Templates,
) -> tuple[str | None, Send | None]:
    client, now = ctx.client, ctx.now
    if route is not None and route.alert == AlertKind.WRONG_NUMBER:
        return "wrong_number", None  # its own text was the one reply
    if category == Category.OPT_OUT or (category in RISK and revokes and not client.opted_out):
        if ctx.twilio_answered:
            return "opt_out", None
        text = templates.render(
            "opt_out_confirm", client.language, program_name=settings.program_name
        )
        key = f"optout:{client.id}:{{reply_id}}"
        return "opt_out", Send("opt_out_confirm", text, key, now, now + REPLY_FRESHNESS)
    if category == Category.OPT_IN:
        if ctx.twilio_answered:
            return "opt_in", None
        text = templates.render(
            "opt_in_confirm",
            client.language,
            first_name=client.first_name,
            program_name=settings.program_name,
        )
        return "opt_in", Send(
            "opt_in_confirm", text, "optin:{reply_id}", now, now + REPLY_FRESHNESS
        )
    return None, None


# --- numbers on no client's record ---------------------------------------------------------
def decide_unknown(
    c: Classification,
    flood: Flood,
    now: datetime,
    settings: Settings,
    templates: Templates,
    episode: Episode | None = None,
) -> Actions:
    """A crisis gets a neutral reply (nothing that names the program) and an alert whose
    number is kept; anything else is stored unlinked and never answered."""
    base = Actions(
        category=str(c.category),
        signals=_signals(c, str(c.category)),
        rule=c.rule,
        urgent=c.urgent,
        language=c.language,
    )
    if c.category != Category.CRISIS:
        return base
    reply = templates.render("unknown_crisis", c.language)
    send = Send("unknown_crisis", reply, "unknown:{reply_id}", now, now + URGENT_FRESHNESS)
    time_text = clock_text(now, settings.timezone, "en")
    if episode is not None:
        fresh = episode.followup_at is None or now - episode.followup_at >= EPISODE_WINDOW
        told = now - episode.told_at >= ALERT_WINDOW  # a stranger rings on-call once an hour
        text = templates.render("alert_unknown", "en", time=time_text, link=LINK_SLOT)
        join = Join(episode.alert_id, text if told else None, None, now if fresh else None)
        return replace(base, join=join, sends=(send,) if fresh else ())
    if flood.from_this_number > 0:
        return replace(base, held="same_number")
    replied = replace(base, sends=(send,))
    if flood.from_all_numbers >= settings.unknown_alerts_per_hour:
        return replace(replied, held="cap")
    text = templates.render("alert_unknown", "en", time=time_text, link=LINK_SLOT)
    tiers = settings.tiers
    a = StaffAlert(
        AlertKind.CRISIS, "crisis_alert", text, now, now + URGENT_FRESHNESS,
        due_at=now + tiers[0].after if tiers else None, due_reason="tier" if tiers else None,
        urgent=c.urgent,
    )  # fmt: skip
    return replace(replied, alerts=(a,), keep_sender=True)


def held_summary(count: int, since: datetime, settings: Settings, templates: Templates) -> str:
    """The one alert per hour that counts unknown numbers' messages held back."""
    return templates.render(
        "alert_held",
        "en",
        count=str(count),
        time=clock_text(since, settings.timezone, "en"),
        limit=str(settings.unknown_alerts_per_hour),
    )
