"""The parameter names Twilio sends on each webhook: anything else is refused before any HMAC.

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

import re

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
