"""Fuzz tests of the HTTP surface: nothing a caller sends may produce a 500.

Two layers:

- schemathesis generates requests for every operation in the app's own OpenAPI document
  (built with ``app.openapi()``: the app does not serve it; the webhooks declare their form
  bodies with ``openapi_extra``). A
  ``mode`` drawn per example decides whether the case is sent as generated (unsigned webhooks
  are a 403, the staff page a 401), signed / authenticated, or signed with identifiers steered to
  plausible values (a real MessageSid shape, the staff token and a configured group) so the
  fuzzer gets past the checks into the parsing and database code. SQLite only: it is slow-ish.
- hypothesis posts raw bodies, correctly signed forms of arbitrary unicode and odd encodings,
  and staff-page requests, on SQLite and on PostgreSQL.

Everything is derandomized, so a run in CI is the same run as on a laptop. Bugs found here
are kept as regression tests at the end of the file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, quote, quote_plus, urlencode
from zoneinfo import ZoneInfo

import httpx
import pytest
import requests
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    positive_data_acceptance,
    status_code_conformance,
)
from sqlalchemy import delete, func, select
from twilio.request_validator import RequestValidator

from notifier.core.db import Database
from notifier.core.metrics import Metrics
from notifier.core.models import CHECKIN, SENT, Message, Reply, ThrottleBucket
from notifier.core.settings import Settings
from notifier.service import Service
from notifier.transports.twilio.webhooks import COMMON as TWILIO_FIELDS
from notifier.web import create_app
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client

NY = ZoneInfo("America/New_York")
# A Tuesday noon in the program's zone: outside quiet hours, so replies are answered at once.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=NY).astimezone(UTC)
TOKEN = "secret-token"
STAFF_TOKEN = "Xk2vQp9LmZ4rT7wB1nYc8HsJd3FgA6eUq0Wt"  # BASE_SETTINGS in tests/conftest.py
PUBLIC_URL = "https://notifier.example.org"
PHONE = "+13125550101"
KNOWN_SID = "SM" + "5" * 32  # a sent check-in's SID, so status callbacks can move a real row
INBOUND = "/twilio/inbound"
STATUS = "/twilio/status"
WEBHOOKS = (INBOUND, STATUS)
FOLLOWUP = "/followup/{group}"
FORM = "application/x-www-form-urlencoded"
MAX_BYTES = 2048  # NOTIFIER_WEBHOOK_MAX_BYTES for these tests (the minimum allowed is 1024)
GROUPS = ("evening", "morning")  # BASE_SETTINGS' groups

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- building the app -------------------------------------------------------------------------
@dataclass
class Fuzzed:
    service: Service
    app: FastAPI
    http: TestClient

    def count_replies(self, provider_sid: str) -> int:
        with self.service.db.read() as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(Reply)
                    .where(Reply.provider_sid == provider_sid)
                )
                or 0
            )

    def stored_body(self, provider_sid: str) -> str | None:
        with self.service.db.read() as s:
            return s.scalar(select(Reply.body).where(Reply.provider_sid == provider_sid))

    def forget_failed_tokens(self) -> None:
        """Each example starts with a full throttle bucket (the throttle has its own tests)."""
        with self.service.db.session() as s:
            s.execute(delete(ThrottleBucket))


@pytest.fixture
def build(make_settings: Callable[..., Settings]) -> Iterator[Callable[[str], Fuzzed]]:
    """An app over ``database_url`` with one enrolled client and one sent check-in."""
    services: list[Service] = []

    def make(database_url: str) -> Fuzzed:
        settings_ = make_settings(
            database_url=database_url,
            sms_backend="twilio",
            escalation_tiers="15m: +13125550191",
            twilio_account_sid="AC" + "1" * 32,
            twilio_auth_token=TOKEN,
            twilio_from_number="+13125550100",
            public_url=PUBLIC_URL,
            webhook_max_bytes=MAX_BYTES,
        )
        service = Service(
            settings_, transport=FakeTransport(), clock=lambda: NOW, metrics=Metrics()
        )
        services.append(service)
        client = add_client(service.db, "C1", phone=PHONE, now=NOW - timedelta(days=7))
        with service.db.session() as s:
            s.add(
                Message(
                    kind=CHECKIN,
                    client_id=client.id,
                    label="cravings",
                    body="Hi Ana, a check-in",
                    dedupe_key="fuzz:checkin",
                    due_at=NOW - timedelta(minutes=30),
                    not_after=NOW + timedelta(hours=4),
                    status=SENT,
                    attempts=1,
                    needs_lookup=False,
                    provider_sid=KNOWN_SID,
                    sent_at=NOW - timedelta(minutes=30),
                    created_at=NOW - timedelta(minutes=30),
                )
            )
        app = create_app(service)
        return Fuzzed(service, app, TestClient(app, raise_server_exceptions=False))

    yield make
    for service in services:
        service.close()


def sign(path: str, params: dict[str, str]) -> str:
    signature: str = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + path, params)
    return signature


# --- 1. schemathesis over the app's own OpenAPI document -------------------------------------
def _schema_only_app() -> FastAPI:
    """The app whose OpenAPI document is built at import time; it never opens its database.

    The schema must exist when pytest collects the module (schemathesis' fixture-based loader,
    ``schemathesis.pytest.from_fixture``, fails on pytest 9: it sets ``item._nodeid``), so it
    comes from an app built here, with the developer's NOTIFIER_*/TWILIO_* variables hidden the
    way tests/conftest.py hides them. Requests go to the per-test app (``case.call(app=...)``).
    """
    # Database() rejects sqlite:// (pool arguments); its engine is lazy, so this file is never
    # created. Passing it in keeps Service from opening (or migrating) a database of its own.
    url = f"sqlite:///{tempfile.gettempdir()}/notifier-fuzz-schema-never-opened.db"
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFIER_", "TWILIO_"))}
    with mock.patch.dict(os.environ, kept, clear=True):
        settings_ = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=url,
            sms_backend="console",
            groups="evening: mon,wed,thu 18:00-21:00",
        )
    return create_app(Service(settings_, database=Database(url), transport=FakeTransport()))


# The app serves no /openapi.json (it would map the surface for a stranger): the document is
# built from the app itself.
schema = schemathesis.openapi.from_dict(_schema_only_app().openapi())
OPERATIONS = {
    ("POST", INBOUND),
    ("POST", STATUS),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", FOLLOWUP),
}


def _sent_form(case: Any) -> bytes | None:
    """The exact body the transport will send for ``case`` (schemathesis uses requests)."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    if "data" not in kwargs:
        return None
    body = requests.Request("POST", kwargs["url"], data=kwargs["data"]).prepare().body
    if body is None:
        return b""
    return body if isinstance(body, bytes) else body.encode()


def _steer(value: object, choices: tuple[str, ...]) -> str:
    """A deterministic pick among ``choices`` keyed by a generated value."""
    digest = hashlib.sha256(repr(value).encode()).digest()
    return choices[digest[0] % len(choices)]


def prepare_case(case: Any, mode: int) -> None:
    """Mode 0: as generated. 1: signed / authenticated. 2: also steered to plausible ids."""
    path = case.operation.path
    if not mode:
        return
    if path in WEBHOOKS and isinstance(case.body, dict):
        if mode == 2:
            generated = case.body.get("MessageSid")
            hashed = "SM" + hashlib.md5(repr(generated).encode(), usedforsecurity=False).hexdigest()
            case.body["MessageSid"] = _steer(generated, (hashed, hashed, KNOWN_SID))
            if path == INBOUND:
                case.body["From"] = _steer(case.body.get("From"), (PHONE, "(312) 555-0101", "x"))
            else:
                status = case.body.get("MessageStatus")
                case.body["MessageStatus"] = _steer(status, ("delivered", "failed", "sent", "?"))
        raw = _sent_form(case)
        if raw is None:
            return
        try:
            params = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        except (UnicodeDecodeError, ValueError):
            return  # the app answers 400 before it looks at the signature
        case.headers = {**(case.headers or {}), "X-Twilio-Signature": sign(path, params)}
    elif path == FOLLOWUP:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {STAFF_TOKEN}"}
        if mode == 2:
            group = case.path_parameters.get("group")
            case.path_parameters["group"] = _steer(group, (*GROUPS, "nightly"))


@pytest.fixture
def fuzz_app(sqlite_url: str, build: Callable[[str], Fuzzed]) -> Fuzzed:
    return build(sqlite_url)


@schema.parametrize()
@schema.given(mode=st.integers(0, 2))
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_fuzz_openapi_operations_never_500_and_match_the_schema(
    case: Any, mode: int, fuzz_app: Fuzzed
) -> None:
    prepare_case(case, mode)
    fuzz_app.forget_failed_tokens()
    response = case.call(app=fuzz_app.app)
    assert response.status_code < 500, response.text
    # The schema types Twilio's fields as plain strings, while the app (rightly) rejects a
    # MessageSid that is not a SID: "schema-valid data must be accepted" does not apply.
    excluded = [positive_data_acceptance, *staff_page_schema_gaps(case, response)]
    case.validate_response(response, excluded_checks=excluded)


def staff_page_schema_gaps(case: Any, response: Any) -> list[Any]:
    """Checks skipped where the schema does not document what the staff page answered (it now
    documents both its 400 and its HTML; the regression tests at the end pin that down)."""
    if case.operation.path != FOLLOWUP:
        return []
    documented = schema.raw_schema["paths"][FOLLOWUP]["get"]["responses"]
    gaps: list[Any] = []
    if str(response.status_code) not in documented:
        gaps.append(status_code_conformance)
    media = response.headers.get("content-type", [""])[0].split(";")[0]
    if media not in documented.get(str(response.status_code), {}).get("content", {}):
        gaps.append(content_type_conformance)
    return gaps


def test_schemathesis_fuzzes_every_operation_of_the_app() -> None:
    """The OpenAPI document lists every route the app serves, so the test above covers them all
    (a new route shows up here first)."""
    documented = {
        (result.ok().method.upper(), result.ok().path) for result in schema.get_all_operations()
    }
    assert documented == OPERATIONS


# --- 2. hypothesis: raw bodies, signed forms, the staff page ---------------------------------
def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Pick a strategy with the given weights (``st.one_of`` merges repeated branches)."""
    return st.sampled_from([s for n, s in choices for _ in range(n)]).flatmap(lambda s: s)


# --- 2a. raw bodies ------------------------------------------------------------------------
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            FORM,
            f"{FORM}; charset=utf-8",
            "APPLICATION/X-WWW-FORM-URLENCODED",
            f" {FORM} ;",
            "application/json",
            "multipart/form-data; boundary=x",
            "text/plain",
            "",
        ]
    ),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60),
)
SIGNATURES = st.one_of(
    st.just("c2lnbmF0dXJl"),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40),
)
RAW_BODIES = st.one_of(
    st.binary(max_size=3 * MAX_BYTES),
    # Mostly-form-shaped bytes: separators, percent escapes and raw high bytes.
    st.lists(
        st.sampled_from([b"=", b"&", b";", b"%", b"%2", b"%zz", b"%ff", b"+", b"\xe9", b"Body"])
        | st.binary(max_size=8),
        max_size=60,
    ).map(b"".join),
)


def _chunks(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), 512):
        yield body[start : start + 512]


@pytest.mark.parametrize("path", WEBHOOKS)
def test_fuzz_webhook_raw_bodies_never_500(
    database_url: str, build: Callable[[str], Fuzzed], path: str
) -> None:
    """Any bytes, any content type, with or without a signature (and with a lying or missing
    Content-Length) get 200/400/403/413 and never a 500."""
    fuzzed = build(database_url)

    @FUZZ
    @given(
        body=RAW_BODIES,
        content_type=st.none() | CONTENT_TYPES,
        signature=st.none() | SIGNATURES,
        length=st.sampled_from(["actual", "streamed", "0", "99999999", "12abc", "-1"]),
    )
    def run(body: bytes, content_type: str | None, signature: str | None, length: str) -> None:
        headers: dict[str, bytes] = {}
        if content_type is not None:
            headers["Content-Type"] = content_type.encode()
        if signature is not None:
            headers["X-Twilio-Signature"] = signature.encode("latin-1")
        content: bytes | Iterator[bytes] = body
        if length == "streamed":
            content = _chunks(body)  # no Content-Length: the limit holds while reading
        elif length != "actual":
            headers["Content-Length"] = length.encode()
        r = fuzzed.http.post(path, content=content, headers=headers)
        event(f"HTTP {r.status_code}")
        assert r.status_code in (200, 400, 403, 413), (r.status_code, r.text)
        if len(body) > MAX_BYTES and length in ("actual", "streamed"):
            assert r.status_code == 413

    run()


# --- 2b. correctly signed forms -------------------------------------------------------------
SPECIAL = (
    "\x00",
    "\x01\x1f\x7f",
    "\r\n",
    "\t",
    "\u200f",  # RTL mark
    "\u202e",  # RTL override
    "\u200b\ufeff",
    "😀👍🏽",
    "👨‍👩‍👧",
    "e\u0301",
    "ß",
    "é",
    "%",
    "%25",
    "%41",
    "+",
    " ",
    "&",
    "=",
    "STOP",
    " stop! ",
    "START",
    "HELP",
    "yes",
    "no",
    "7",
    "10/10",
    "I want to kill myself",
    "overdose",
)
SHORT_TEXT = st.one_of(
    st.text(max_size=40),  # any unicode but surrogates: control characters, NUL, emoji, RTL
    st.lists(st.text(max_size=6) | st.sampled_from(SPECIAL), max_size=10).map("".join),
)
# Long runs sized so that, percent-encoded, they reach about the body limit (and sometimes
# just pass it: then the answer must be 413).
LONG_TEXT = st.sampled_from([("x", 2000), (" ", 2000), ("é", 340), ("😀", 170), ("\x00", 680)])
LONG_TEXT = LONG_TEXT.flatmap(lambda c: st.integers(1, c[1]).map(lambda n: c[0] * n))
TEXT = weighted((2, SHORT_TEXT), (1, LONG_TEXT))
VALID_SID = st.binary(min_size=16, max_size=16).map(lambda b: "SM" + b.hex())
SIDS = weighted((6, VALID_SID), (1, st.just(KNOWN_SID)), (2, SHORT_TEXT))
FROM = weighted(
    (3, st.sampled_from([PHONE, "(312) 555-0101", "312-555-0101", "+13125550199", " "])),
    (1, st.sampled_from([f"{PHONE}\x00", "\x00", "\u202e+13125550101", "+1 312 555 0101 ext. 9"])),
    (1, SHORT_TEXT),
)
# Extra fields: mostly names Twilio sends (accepted), sometimes any text (refused with 400).
EXTRA_NAMES = weighted(
    (4, st.sampled_from(sorted(TWILIO_FIELDS - {"MessageSid", "From", "Body", "OptOutType"}))),
    (1, SHORT_TEXT),
)
EXTRAS = st.dictionaries(EXTRA_NAMES, SHORT_TEXT, max_size=4)
# Mostly encodings the app accepts, so most examples reach the parsing and database code.
ENCODINGS = st.sampled_from(
    ["plus", "plus", "percent20", "percent20", "double", "latin-1", "repeated"]
)


def latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def encode_form(pairs: list[tuple[str, str]], encoding: str) -> tuple[bytes, dict[str, str]]:
    """The body bytes for ``pairs`` and the fields the app will read from it (what is signed).

    plus / percent20: UTF-8 with '+' or %20 for spaces. latin-1: non-ASCII as %E9-style bytes
    that are not UTF-8 (a 400 unless the form is ASCII). double: every value percent-encoded
    twice (%25...), so the app reads percent escapes as literal text. repeated: one field sent
    twice (a 400).
    """
    fields = dict(pairs)
    if encoding == "plus":
        return urlencode(pairs).encode(), fields
    if encoding == "percent20":
        return urlencode(pairs, quote_via=quote).encode(), fields
    if encoding == "latin-1":
        sent = [(latin1(k), latin1(v)) for k, v in pairs]
        return urlencode(sent, encoding="latin-1").encode(), dict(sent)
    if encoding == "double":
        once = [(k, quote_plus(v)) for k, v in pairs]
        return urlencode(once).encode(), dict(once)
    assert encoding == "repeated"
    body = urlencode(pairs) + "&" + urlencode(pairs[:1])
    return body.encode(), fields


@st.composite
def inbound_forms(draw: st.DrawFn) -> list[tuple[str, str]]:
    core = {
        "MessageSid": draw(SIDS),
        "From": draw(FROM),
        "Body": draw(TEXT),
    }
    if draw(st.booleans()):
        core["OptOutType"] = draw(st.sampled_from(["STOP", "START", "HELP"]) | SHORT_TEXT)
    extras = draw(EXTRAS)
    drop = draw(st.sampled_from([None] * 9 + ["MessageSid", "From", "Body"]))
    fields = {**extras, **core}
    if drop is not None:
        fields.pop(drop)
    return draw(st.permutations(list(fields.items())))


@st.composite
def status_forms(draw: st.DrawFn) -> list[tuple[str, str]]:
    statuses = ["queued", "sent", "delivered", "undelivered", "failed", "read", " Delivered "]
    core = {
        "MessageSid": draw(SIDS),
        "MessageStatus": draw(weighted((3, st.sampled_from(statuses)), (1, TEXT))),
    }
    if draw(st.booleans()):
        codes = ["30003", "30008", "21610", "", "0" * 16, "1" * 17, "２１６１０"]
        core["ErrorCode"] = draw(weighted((3, st.sampled_from(codes)), (1, TEXT)))
    extras = draw(EXTRAS)
    return draw(st.permutations(list({**extras, **core}.items())))


def test_fuzz_signed_inbound_forms_never_500_and_store_one_reply_per_sid(
    database_url: str, build: Callable[[str], Fuzzed]
) -> None:
    """Correctly signed inbound forms of any unicode, extra fields and encodings: 200 or 400
    (413 only over the limit), never 403 or 500; an accepted reply is stored exactly once per
    MessageSid, with the text as sent (less NULs), and a Twilio retry stores nothing more."""
    fuzzed = build(database_url)
    first_body: dict[str, str] = {}

    @FUZZ
    @given(pairs=inbound_forms(), encoding=ENCODINGS)
    def run(pairs: list[tuple[str, str]], encoding: str) -> None:
        body, fields = encode_form(pairs, encoding)
        headers = {"Content-Type": FORM, "X-Twilio-Signature": sign(INBOUND, fields)}
        r = fuzzed.http.post(INBOUND, content=body, headers=headers)
        event(f"HTTP {r.status_code}")
        if len(body) > MAX_BYTES:
            assert r.status_code == 413, r.text
            return
        assert r.status_code in (200, 400), (r.status_code, r.text)
        if r.status_code != 200:
            return
        sid = fields["MessageSid"]
        first_body.setdefault(sid, fields["Body"].replace("\x00", ""))
        assert fuzzed.count_replies(sid) == 1
        assert fuzzed.stored_body(sid) == first_body[sid]
        retry = fuzzed.http.post(INBOUND, content=body, headers=headers)
        assert retry.status_code == 200, retry.text
        assert fuzzed.count_replies(sid) == 1

    run()


def test_fuzz_signed_status_forms_never_500(
    database_url: str, build: Callable[[str], Fuzzed]
) -> None:
    """Correctly signed status callbacks of any unicode, extra fields and encodings: 200 or
    400 (413 only over the limit), never 403 or 500."""
    fuzzed = build(database_url)

    @FUZZ
    @given(pairs=status_forms(), encoding=ENCODINGS)
    def run(pairs: list[tuple[str, str]], encoding: str) -> None:
        body, fields = encode_form(pairs, encoding)
        headers = {"Content-Type": FORM, "X-Twilio-Signature": sign(STATUS, fields)}
        r = fuzzed.http.post(STATUS, content=body, headers=headers)
        event(f"HTTP {r.status_code}")
        if len(body) > MAX_BYTES:
            assert r.status_code == 413, r.text
        else:
            assert r.status_code in (200, 400), (r.status_code, r.text)

    run()


# --- 2c. the staff page ---------------------------------------------------------------------
OFFSETS = st.sampled_from(
    [None, UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=14, minutes=30))]
)
# Any instant at all: the ends of the calendar are a 400 (parse_instant keeps 1900-9000).
INSTANTS = st.builds(
    lambda dt, tz, fmt: fmt(dt.replace(tzinfo=tz)),
    st.datetimes(),
    OFFSETS,
    st.sampled_from(
        [
            datetime.isoformat,
            lambda d: d.isoformat(timespec="minutes"),
            lambda d: d.date().isoformat(),
            lambda d: d.isoformat().replace("+00:00", "Z"),
            lambda d: f"  {d.isoformat(sep=' ')}  ",
        ]
    ),
)
NOW_VALUES = weighted(
    (2, st.sampled_from([None, ""])),
    (3, INSTANTS),
    # DST gaps and folds in the program's zone, naive.
    (1, st.sampled_from(["2026-03-08T02:30", "2026-11-01T01:30", "2026-12-02T18:00"])),
    (1, st.text(max_size=30)),
)
AUTHORIZATIONS = weighted(
    (4, st.just(f"Bearer {STAFF_TOKEN}")),
    (
        1,
        st.sampled_from(
            [
                f"bearer {STAFF_TOKEN}",
                f"BEARER   {STAFF_TOKEN}  ",
                f"Bearer {STAFF_TOKEN}x",
                f"Bearer {STAFF_TOKEN[:-1]}",
                f"Basic {STAFF_TOKEN}",
                "Bearer",
                "Bearer ",
                "",
            ]
        ),
    ),
    (1, st.none()),
    # Header values travel as latin-1 bytes; anything but CR/LF can reach the app.
    (1, st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60)),
)
GROUP_NAMES = weighted(
    (4, st.sampled_from(GROUPS)),
    (1, st.sampled_from([f"{GROUPS[0]} ", GROUPS[0].upper(), "nightly", "..", ".", "%2F", "a/b"])),
    (1, st.text(min_size=1, max_size=40)),
)
FORMATS = weighted(
    (4, st.sampled_from([None, "html", "json"])),
    (1, st.sampled_from(["JSON", "csv", "", " json", "html\x00"])),
    (1, st.text(max_size=10)),
)


def test_fuzz_staff_page_never_500(database_url: str, build: Callable[[str], Fuzzed]) -> None:
    """Any group name, format, now and Authorization header: 200/400/401/404, never a 500;
    without the exact staff token it is always 401."""
    fuzzed = build(database_url)

    @FUZZ
    @given(
        group=GROUP_NAMES,
        fmt=FORMATS,
        now=NOW_VALUES,
        authorization=AUTHORIZATIONS,
    )
    def run(group: str, fmt: str | None, now: str | None, authorization: str | None) -> None:
        fuzzed.forget_failed_tokens()
        params = {k: v for k, v in (("format", fmt), ("now", now)) if v is not None}
        headers: dict[str, bytes] = {}
        if authorization is not None:
            headers["Authorization"] = authorization.encode("latin-1")
        path = f"/followup/{quote(group, safe='')}"
        if group in (".", ".."):
            return  # "." and ".." are resolved by the client: another page (e.g. /, staff sign-in)
        r = fuzzed.http.get(path, params=params, headers=headers)
        event(f"HTTP {r.status_code}")
        assert r.status_code in (200, 400, 401, 404), (r.status_code, r.text)
        scheme, _, credential = (authorization or "").partition(" ")
        authorized = scheme.lower() == "bearer" and credential.strip() == STAFF_TOKEN
        if not authorized and r.status_code != 404:
            assert r.status_code == 401, r.text
        if r.status_code == 200:
            assert r.headers["Cache-Control"] == "no-store"

    run()


# --- bugs found by the fuzzers (minimal examples) ---------------------------------------------
def _staff_get(fuzzed: Fuzzed, now: str) -> httpx.Response:
    response: httpx.Response = fuzzed.http.get(
        "/followup/evening",
        params={"now": now},
        headers={"Authorization": f"Bearer {STAFF_TOKEN}"},
    )
    return response


@pytest.mark.parametrize("now", ["0001-01-01", "9999-12-01"])
def test_staff_page_now_at_the_ends_of_the_calendar_is_400(
    database_url: str, build: Callable[[str], Fuzzed], now: str
) -> None:
    r = _staff_get(build(database_url), now)
    assert r.status_code == 400, r.text


@pytest.mark.parametrize(
    ("sender", "status", "stored"),
    [("\x00", 400, 0), ("+1312555\x000101", 200, 1), ("+13125550101", 200, 1)],
)
def test_inbound_from_with_a_nul_is_never_a_500(
    database_url: str, build: Callable[[str], Fuzzed], sender: str, status: int, stored: int
) -> None:
    """Found by the signed-form fuzzer on e01595c: a NUL reached PostgreSQL (DataError, 500).
    Signed values are now checked as sent and stored without NULs: a From that was only a NUL
    is missing (400); one with a NUL inside is the number without it."""
    fuzzed = build(database_url)
    fields = {"MessageSid": "SM" + "a" * 32, "From": sender, "Body": "hi"}
    r = fuzzed.http.post(
        INBOUND,
        content=urlencode(fields),
        headers={"Content-Type": FORM, "X-Twilio-Signature": sign(INBOUND, fields)},
    )
    assert r.status_code == status, r.text
    assert fuzzed.count_replies(fields["MessageSid"]) == stored


def test_openapi_documents_the_400_of_the_staff_page() -> None:
    responses = schema.raw_schema["paths"][FOLLOWUP]["get"]["responses"]
    assert "400" in responses


def test_openapi_documents_the_html_of_the_staff_page() -> None:
    ok = schema.raw_schema["paths"][FOLLOWUP]["get"]["responses"]["200"]
    assert "text/html" in ok["content"]
