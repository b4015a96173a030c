"""Which reply and which staff alert each kind of message gets: docs/kinds.md as code.

Pure. :func:`choose` reads the category, the signals and ``urgent`` the reader found, and
returns one :class:`Route`: the client's text (a template name), the alert's kind, its staff
text and its level, which says how it escalates (:mod:`notifier.inbound.escalation`):

- ``crisis``: the on-call numbers at once, then the escalation tiers until someone claims it
  or an outcome closes it;
- ``concern``: told at once, escalated to the first tier if no outcome by its deadline (the
  end of today's program hours, or the next program morning at the latest);
- ``task``: told at once or at the next opening, escalated if nobody recorded an outcome by
  the time the client was promised;
- ``none``: recorded and shown, never escalated.

Several kinds in one message: the highest decides the reply and the alert (every signal is
still stored and shown); ``violence`` and ``safety`` always replace the 988 suicide text with
their own, and ``wrong_number`` stops everything else (the phone is someone else's).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from notifier.core.models import AlertKind, AlertLevel

CRISIS, CONCERN, TASK, NONE = (AlertLevel.CRISIS, AlertLevel.CONCERN, AlertLevel.TASK,
                               AlertLevel.NONE)  # fmt: skip
# Signals the reader may add (docs/kinds.md); plain strings, so a reader that does not know
# them yet is no different from one that found none.
USE, CALLBACK, MEDICAL, VIOLENCE, SAFETY = "use", "callback", "medical", "violence", "safety"
MEDICATION, NALOXONE, PREGNANCY = "medication", "naloxone", "pregnancy"
LIFE_EVENT, WRONG_NUMBER = "life_event", "wrong_number"
RISK_CATEGORIES = ("crisis", "concern")


@dataclass(frozen=True)
class Route:
    reply: str | None  # the client's template (None: no text)
    alert: AlertKind | None = None
    staff: str | None = None  # the on-call text's template
    level: AlertLevel = NONE
    at_opening: bool = False  # staff are told at the next program-hours opening
    discreet: bool = False  # call, don't text: someone else may read the client's phone
    flag: bool = False  # no alert: a flag on the follow-up list is the routing


def choose(
    category: str, signals: Collection[str], urgent: bool, *, help_after_risk: bool = False
) -> Route | None:
    """The route of one message (None: nothing beyond what its category already does)."""
    s = set(signals)
    if WRONG_NUMBER in s and category not in RISK_CATEGORIES:
        return Route("wrong_number", AlertKind.WRONG_NUMBER, "alert_wrong_number", NONE,
                     at_opening=True)  # fmt: skip
    if category == "crisis":
        return _crisis(s, urgent, help_after_risk)
    if category == "concern":
        return _concern(s)
    if SAFETY in s:  # the reader files abuse at home as concern; a plain category too
        return _concern(s)
    if help_after_risk:
        return Route("risk_help", AlertKind.CRISIS, "alert", CRISIS)
    return _task(s)


def _crisis(s: set[str], urgent: bool, help_after_risk: bool) -> Route:
    if VIOLENCE in s:
        return Route("violence", AlertKind.VIOLENCE, "alert_violence", CRISIS)
    if SAFETY in s:
        reply = "safety_urgent" if urgent else "safety"
        return Route(reply, AlertKind.SAFETY, "alert_safety", CRISIS, discreet=True)
    if MEDICAL in s and USE not in s:  # (with use it is an overdose: below)
        return Route("medical", AlertKind.MEDICAL, "alert_medical", CRISIS)
    if help_after_risk:
        return Route("risk_help", AlertKind.CRISIS, "alert", CRISIS)
    if urgent:
        return Route("overdose" if USE in s else "crisis_urgent", AlertKind.CRISIS, "alert",
                     CRISIS)  # fmt: skip
    return Route("crisis", AlertKind.CRISIS, "alert", CRISIS)


def _concern(s: set[str]) -> Route:
    if VIOLENCE in s:
        return Route("violence", AlertKind.VIOLENCE, "alert_violence", CONCERN)
    if SAFETY in s:
        return Route("safety", AlertKind.SAFETY, "alert_safety", CONCERN, discreet=True)
    if MEDICAL in s:
        return Route("withdrawal", AlertKind.MEDICAL, "alert_concern", CONCERN)
    return Route("concern", AlertKind.CONCERN, "alert_concern", CONCERN)


def _task(s: set[str]) -> Route | None:
    if NALOXONE in s:
        return Route("naloxone", AlertKind.NALOXONE, "alert_naloxone", TASK)
    if PREGNANCY in s:
        return Route("pregnancy", AlertKind.PREGNANCY, "alert_pregnancy", TASK, at_opening=True)
    if MEDICATION in s:
        return Route("medication", AlertKind.MEDICATION, "alert_medication", TASK,
                     at_opening=True)  # fmt: skip
    if CALLBACK in s:
        return Route("callback", AlertKind.CALLBACK, "alert_callback", TASK, at_opening=True)
    if LIFE_EVENT in s:
        return Route("life_event", flag=True)
    if USE in s:
        return Route("use_ack", flag=True)
    return None
