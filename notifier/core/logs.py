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


# What SQLAlchemy and the drivers put in an exception's text: the statement, its bound values
# ("[parameters: ('Ben', 'C002')]"), and PostgreSQL's DETAIL with a key's value or a whole
# failing row. Engines are built with hide_parameters=True; this catches anything else.
SQL_DUMPS = (
    (re.compile(r"\[parameters: [^\n]*"), "[parameters: hidden]"),
    (re.compile(r"\[SQL: .*?\](?=\s*(?:\n|\(Background|$))", re.S), "[SQL: hidden]"),
    (re.compile(r"^(\s*DETAIL:).*$", re.M), r"\1 hidden"),
    (re.compile(r"Failing row contains \(.*?\)(?=\.?\s*(?:\n|$))", re.S), "Failing row hidden"),
)


def scrub_sql(text: str) -> str:
    for pattern, replacement in SQL_DUMPS:
        text = pattern.sub(replacement, text)
    return text


class ScrubSqlFilter(logging.Filter):
    """Removes SQL statements, bound parameters and row dumps from every record's message,
    string fields and exception text, whichever logger it came from."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub_sql(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        for key, value in vars(record).items():
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, scrub_sql(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_sql(record.exc_text)
        return True


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
            trace = record.exc_text or self.formatException(record.exc_info)
            payload["trace"] = scrub(scrub_sql(trace))[-2000:]
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
            trace = record.exc_text or self.formatException(record.exc_info)
            line += "\n" + scrub(scrub_sql(trace))
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
    handler.addFilter(ScrubSqlFilter())
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
