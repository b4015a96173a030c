"""Logging: one JSON object per line (or readable text on a terminal), never a phone or a body.

Code logs ids, counts and masked numbers only. As a second line of defence, anything in a log
message or a string field that looks like a phone number is replaced before it is written.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

# An international number (+ and 7-15 digits, maybe spaced) or a North American one written
# any usual way ((312) 555-0101, 312.555.0101, 3125550101). Dates, times and IP addresses
# do not have these shapes.
PHONE_LIKE = re.compile(
    r"(?<![\w.+])(?:\+\d(?:[\s().-]?\d){6,14}|\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4})(?![\w.])"
)
# Standard LogRecord attributes; everything else passed via `extra=` is a structured field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
# Fields whose values are identifiers that may legitimately contain long digit runs.
_ID_FIELDS = frozenset({"sid", "provider_sid", "worker", "ts", "duration_ms", "dedupe_key"})


def mask_phone(phone: str | None) -> str:
    """``+13125550142`` -> ``+1*******42``: enough to tell two numbers apart, not to call one."""
    if not phone:
        return ""
    digits = phone.lstrip("+")
    keep_head = 1 if phone.startswith("+") else 0
    head = ("+" + digits[:keep_head]) if keep_head else ""
    return head + "*" * max(len(digits) - keep_head - 2, 0) + digits[-2:]


def scrub(text: str) -> str:
    return PHONE_LIKE.sub("[number]", text)


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in vars(record).items():
        if key in _STANDARD or key.startswith("_"):
            continue
        if isinstance(value, str) and key not in _ID_FIELDS:
            value = scrub(value)
        out[key] = value
    return out


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": scrub(record.getMessage()),
        }
        payload.update(_fields(record))
        payload.setdefault("event", record.name)
        if record.exc_info:
            # Exception text can quote data (an SQL parameter, a request body): type only.
            exc_type = record.exc_info[0]
            payload["error"] = exc_type.__name__ if exc_type else "error"
            payload["trace"] = scrub(self.formatException(record.exc_info))[-2000:]
        return json.dumps(payload, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        ts = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        fields = " ".join(
            f"{k}={v}" for k, v in _fields(record).items() if k != "event" and v is not None
        )
        line = f"{ts} {record.levelname:<7} {scrub(record.getMessage())}"
        if fields:
            line += f"  {fields}"
        if record.exc_info:
            line += "\n" + scrub(self.formatException(record.exc_info))
        return line


class _CurrentStderr:
    """Whatever sys.stderr is at the moment of writing (it may be replaced after set-up)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return bool(getattr(sys.stderr, "isatty", bool)())


def setup_logging(fmt: str = "auto", level: str = "INFO", stream: Any = None) -> None:
    stream = stream or _CurrentStderr()
    use_json = fmt == "json" or (fmt == "auto" and not getattr(stream, "isatty", bool)())
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # The twilio SDK logs whole requests (numbers and bodies) at INFO: never let it.
    for noisy in ("twilio", "twilio.http_client", "apscheduler", "urllib3", "httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        lg.handlers.clear()
        lg.propagate = True
