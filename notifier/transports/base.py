"""The transport seam: everything the dispatcher and the poller need from an SMS provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SendResult:
    provider_sid: str
    status: str = "sent"  # our vocabulary: the provider accepted the message


@dataclass(frozen=True)
class ProviderMessage:
    """A message as the provider knows it (for reconciliation and the inbound poller)."""

    sid: str
    from_: str
    to: str
    body: str
    status: str
    created_at: datetime | None
    error_code: str | None = None


@dataclass(frozen=True)
class StatusReport:
    """A provider's delivery report about a message we sent, in our words."""

    status: str  # sent | delivered | undelivered | failed | canceled
    error_code: str | None = None
    opted_out: bool = False  # the recipient opted out at the carrier or the provider
    source: str | None = None  # how a consent change it causes is recorded


class TransportError(Exception):
    """A send that did not succeed.

    ``permanent``: retrying cannot help (invalid number, opted out at the carrier, ...).
    ``outcome_unknown``: the request may have reached the provider (read timeout, connection
    dropped after sending, 5xx); the message must be looked up before it is sent again.
    ``opted_out``: the recipient opted out at the carrier or the provider (a permanent error);
    the client is opted out here too.
    """

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool,
        code: str | None = None,
        outcome_unknown: bool = False,
        retry_after: float | None = None,
        opted_out: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.code = code
        self.outcome_unknown = outcome_unknown
        self.retry_after = retry_after
        self.opted_out = opted_out


class Transport(Protocol):
    """An SMS provider. Besides its ``name``, a transport declares what it can do, so nothing
    outside ``transports/`` asks which provider it is:

    - ``real``: texts reach phones (the console one only logs);
    - ``polls``: ``list_inbound`` finds replies the webhook missed (the poll job runs);
    - ``local``: sending never waits on a network, so the dispatcher sends in its own thread
      instead of a pool;
    - ``voice``: ``call`` places a voice call that speaks a short text (escalation tiers with
      ``call``).
    """

    name: str
    real: bool
    polls: bool
    local: bool
    voice: bool

    def send(
        self, to: str, body: str, *, message_id: int, valid_for: float | None = None
    ) -> SendResult:
        """Hand one SMS to the provider. Raises TransportError."""
        ...

    def call(self, to: str, say: str, *, message_id: int) -> SendResult:
        """Place a voice call to ``to`` that speaks ``say`` (twice). Raises TransportError."""
        ...

    def lookup(self, to: str, body: str, since: datetime) -> ProviderMessage | None:
        """Find a message we may have sent (to ``to``, with ``body``, created after ``since``)."""
        ...

    def list_inbound(self, since: datetime) -> list[ProviderMessage]:
        """Messages clients sent us after ``since``, oldest first."""
        ...

    def close(self) -> None: ...
