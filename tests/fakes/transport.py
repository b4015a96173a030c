"""A scripted transport for dispatcher tests: the seam DESIGN.md names, no patching."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from notifier.transports.base import ProviderMessage, SendResult, TransportError

Outcome = TransportError | Callable[[str, str], None] | None


@dataclass
class Sent:
    to: str
    body: str
    message_id: int
    sid: str
    valid_for: float | None


@dataclass
class FakeTransport:
    """Each send takes the next scripted outcome (None = accepted; a TransportError is raised;
    a callable is run first, e.g. to sleep). ``accepted`` is what the 'provider' holds."""

    name: str = "fake"
    real: bool = False
    polls: bool = False
    local: bool = False
    voice: bool = True
    script: list[Outcome] = field(default_factory=list)
    delay: float = 0.0
    accepted: list[Sent] = field(default_factory=list)
    calls: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    lookups: int = 0
    rung: list[Sent] = field(default_factory=list)  # voice calls placed
    inbound: list[ProviderMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def send(
        self, to: str, body: str, *, message_id: int, valid_for: float | None = None
    ) -> SendResult:
        with self.lock:
            self.calls += 1
            outcome = self.script.pop(0) if self.script else None
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                time.sleep(self.delay)
            if callable(outcome) and not isinstance(outcome, TransportError):
                outcome(to, body)
                outcome = None
            if isinstance(outcome, TransportError):
                if outcome.outcome_unknown and outcome.reason == "accepted-but-lost":
                    self._accept(to, body, message_id, valid_for)
                raise outcome
            return SendResult(self._accept(to, body, message_id, valid_for).sid)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _accept(self, to: str, body: str, message_id: int, valid_for: float | None) -> Sent:
        with self.lock:
            sent = Sent(to, body, message_id, f"SM{next(self._ids):032x}", valid_for)
            self.accepted.append(sent)
            return sent

    def call(self, to: str, say: str, *, message_id: int) -> SendResult:
        with self.lock:
            placed = Sent(to, say, message_id, f"CA{next(self._ids):032x}", None)
            self.rung.append(placed)
            return SendResult(placed.sid)

    def lookup(self, to: str, body: str, since: datetime) -> ProviderMessage | None:
        with self.lock:
            self.lookups += 1
            for s in self.accepted:
                if s.to == to and s.body == body:
                    return ProviderMessage(s.sid, "+13125550100", to, body, "sent", None)
        return None

    def list_inbound(self, since: datetime) -> list[ProviderMessage]:
        return [m for m in self.inbound if m.created_at is None or m.created_at > since]

    def close(self) -> None:
        pass


def transient(code: str = "20429", *, unknown: bool = False) -> TransportError:
    return TransportError(f"code {code}", permanent=False, code=code, outcome_unknown=unknown)


def permanent(code: str) -> TransportError:
    # As the Twilio transport says it: 21610 is the recipient's opt-out at the carrier.
    return TransportError(f"code {code}", permanent=True, code=code, opted_out=code == "21610")


def accepted_but_lost() -> TransportError:
    return TransportError("accepted-but-lost", permanent=False, outcome_unknown=True)
