"""Twilio's webhooks: what they may carry and whether Twilio signed them.

The HTTP side (notifier.web.deps.signed) reads the body and turns :class:`WebhookRefused` into
the HTTP answer; the checks themselves are here, in the order they run: the signature header is
there, the form is well formed with at most :data:`MAX_FIELDS` fields and only the parameter
names Twilio sends on that webhook (:func:`parse_form`), and only then the signature
(:class:`Verifier`, HMAC-SHA1 over the URL and every field).

The parameter names Twilio sends on each webhook: anything else is refused before any HMAC.

Why: Twilio's signature covers the parameters as name+value pairs, sorted by name and joined
WITHOUT separators. With unknown names accepted, a captured signed request can be re-cut:
``Body="I am fine Don't text me"`` re-sent as ``Body="I am fine "`` plus a parameter named
``Don't text me`` with an empty value signs the same string. Allowing only Twilio's own names
leaves nothing to cut with.

Sources (kept here as data; the app never reads them at run time):

- Twilio docs, "Twilio's request to your incoming message Webhook URL"
  (https://www.twilio.com/docs/messaging/guides/webhook-request): the SMS/MMS parameters,
  geographic data, media, WhatsApp and other channels' extra parameters, Advanced Opt-Out's
  ``OptOutType``;
- Twilio docs, "Track the Message Status of Outbound Messages" and "Outbound Message Status in
  Status Callbacks" (https://www.twilio.com/docs/messaging/guides/track-outbound-message-status):
  ``MessageStatus``, ``ErrorCode``, ``RawDlrDoneDate`` and the channel fields;
- Twilio's OpenAPI spec, twilio_api_v2010.json (twilio/twilio-oai), schema
  ``api.v2010.account.message`` (MessageInstance): each property in Twilio's CamelCase webhook
  spelling. tests/attacks/test_net_webhooks.py checks every one of them is allowed on the
  status callback.

Twilio may add a parameter without notice: such a delivery is refused (400) and logged
(``webhook.unknown_fields``, a count only); the inbound poller still fetches the message within
NOTIFIER_POLL_INTERVAL, and the name belongs in the lists below.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator

log = logging.getLogger("notifier.web")

FORM_TYPE = "application/x-www-form-urlencoded"
SIGNATURE_HEADER = "X-Twilio-Signature"
SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")

# Sent on every messaging webhook (inbound and status callbacks).
COMMON = frozenset(
    {
        "AccountSid",
        "ApiVersion",
        "From",
        "MessageSid",
        "MessagingServiceSid",
        "SmsMessageSid",
        "SmsSid",
        "SmsStatus",
        "To",
    }
)

INBOUND = COMMON | frozenset(
    {
        "Body",
        "NumMedia",
        "NumSegments",
        "MessageType",
        "OptOutType",
        "AddOns",
        # Geographic data Twilio looks up for the numbers.
        "FromCity",
        "FromState",
        "FromZip",
        "FromCountry",
        "ToCity",
        "ToState",
        "ToZip",
        "ToCountry",
        # WhatsApp and other channels.
        "ProfileName",
        "WaId",
        "Forwarded",
        "FrequentlyForwarded",
        "ButtonText",
        "ButtonPayload",
        "ButtonType",
        "Latitude",
        "Longitude",
        "Address",
        "Label",
        "ChannelMetadata",
        "OriginalRepliedMessageSid",
        "OriginalRepliedMessageSender",
        "ReferralNumMedia",
        "ReferralNumSegments",
        "ReferralBody",
        "ReferralHeadline",
        "ReferralSourceId",
        "ReferralSourceType",
        "ReferralSourceUrl",
        "ReferralMediaId",
        "ReferralMediaContentType",
        "ReferralMediaUrl",
        "ReferralCtwaClid",
    }
)

STATUS = COMMON | frozenset(
    {
        "MessageStatus",
        "ErrorCode",
        "ErrorMessage",
        "RawDlrDoneDate",
        "ChannelToAddress",
        "ChannelPrefix",
        "ChannelInstallSid",
        "ChannelStatusMessage",
        "EventType",
        # MessageInstance (api.v2010.account.message) properties, CamelCased.
        "Body",
        "NumSegments",
        "NumMedia",
        "Direction",
        "DateCreated",
        "DateUpdated",
        "DateSent",
        "Price",
        "PriceUnit",
        "Uri",
        "SubresourceUris",
    }
)

# Media come numbered: MediaUrl0..MediaUrl9 and MediaContentType0..9 (at most 10 per message).
NUMBERED = re.compile(r"(?:MediaUrl|MediaContentType)\d")

# A real delivery has 15-30 fields; every allowed name at once, with 10 media, is under 80.
# More is refused while parsing (before the names are even looked at).
MAX_FIELDS = 96


def unknown(names: list[str], allowed: frozenset[str]) -> list[str]:
    """The names in ``names`` Twilio does not send on this webhook."""
    return [n for n in names if n not in allowed and not NUMBERED.fullmatch(n)]


class WebhookRefused(Exception):
    """A delivery that is not accepted: ``status`` is the HTTP answer, ``str()`` its reason."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def parse_form(raw: bytes, allowed: frozenset[str]) -> dict[str, str]:
    """The form of a webhook body, refused (400) when malformed, with a repeated field, more
    than :data:`MAX_FIELDS` fields or a name Twilio does not send on this webhook."""
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=bool(raw),
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        raise WebhookRefused(400, "malformed form body, or too many fields") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise WebhookRefused(400, f"repeated field {key}")
        form[key] = value
    extra = unknown(list(form), allowed)
    if extra:
        log.warning(
            "webhook with fields Twilio does not send",
            extra={"event": "webhook.unknown_fields", "count": len(extra)},
        )
        shown = ", ".join(repr(n[:40]) for n in extra[:5])
        raise WebhookRefused(400, f"unexpected field(s): {shown}")
    return form


class Verifier:
    """Checks ``X-Twilio-Signature``. Built once per app: it holds the auth token. Without a
    token nothing is ever valid (every webhook is a 403)."""

    def __init__(self, auth_token: str | None) -> None:
        self._validator = RequestValidator(auth_token) if auth_token else None

    def valid(self, url: str, form: dict[str, str], signature: str) -> bool:
        """Whether Twilio signed ``form`` for ``url`` (the public URL, path and query)."""
        return self._validator is not None and bool(self._validator.validate(url, form, signature))


def require_fields(form: dict[str, str], *names: str) -> None:
    """Refuse (400) a signed form without the fields the route needs, or whose values do not
    fit the columns they go to (so a malformed request is a 400, never a database error)."""
    missing = [n for n in names if not form.get(n) and n != "Body"]
    missing += [n for n in names if n == "Body" and n not in form]
    if missing:
        raise WebhookRefused(400, f"missing field(s): {', '.join(missing)}")
    if not SID.fullmatch(form["MessageSid"]):
        raise WebhookRefused(400, "MessageSid is not a Twilio message SID")
    code = form.get("ErrorCode")
    if code and not (code.isascii() and code.isdigit() and len(code) <= 16):
        raise WebhookRefused(400, "ErrorCode is not a Twilio error code")
