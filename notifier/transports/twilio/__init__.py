"""Twilio, as one slice: everything the service knows about Twilio is in this package.

- :mod:`.client`: the transport (sends, lookups, the inbound poller's listing) through the
  official SDK, with its ``http_client`` as the test seam;
- :mod:`.errors`: which of Twilio's error codes are worth retrying, and which one means the
  recipient opted out at the carrier;
- :mod:`.status`: a status callback's ``MessageStatus`` in our words;
- :mod:`.webhooks`: what a webhook may carry (the parameter allowlist) and its signature check.

The HTTP routes that receive Twilio's webhooks (``/twilio/inbound``, ``/twilio/status``) are in
:mod:`notifier.web.routes.twilio`; they call into this package for everything Twilio-specific.
"""

from __future__ import annotations

from notifier.transports.twilio.client import ApiBaseHttpClient, TwilioTransport

__all__ = ["ApiBaseHttpClient", "TwilioTransport"]
