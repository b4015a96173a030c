"""Tests of the Twilio fake itself, driven by the REAL twilio SDK.

If the SDK can create, fetch, page and raise the right exceptions against the fake, the app's
tests that use the fake exercise the same code paths they would against api.twilio.com.
"""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from tests.fakes.twilio_server import FakeTwilio

SID = "AC" + "1" * 32
TOKEN = "secret-token"
FROM = "+15005550006"
SERVICE = "MG" + "2" * 32
REPO_ROOT = Path(__file__).resolve().parents[2]
TWILIO_BASE = "https://api.twilio.com"


class RedirectingHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio is untyped
    """The SDK hard-codes https://api.twilio.com; send those requests to the fake instead."""

    def __init__(self, base_url: str, timeout: float | None = None) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if url.startswith(TWILIO_BASE):
            url = self.base_url + url[len(TWILIO_BASE) :]
        return super().request(
            method,
            url,
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )


def make_client(base_url: str, *, token: str = TOKEN, timeout: float | None = 5.0) -> Client:
    return Client(SID, token, http_client=RedirectingHttpClient(base_url, timeout=timeout))


@pytest.fixture()
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(SID, TOKEN) as server:
        yield server


@pytest.fixture()
def client(fake: FakeTwilio) -> Client:
    return make_client(fake.base_url)


def send(client: Client, to: str, body: str = "hello", **kwargs: Any) -> Any:
    if "messaging_service_sid" not in kwargs:
        kwargs.setdefault("from_", FROM)
    return client.messages.create(to=to, body=body, **kwargs)


# ---------------------------------------------------------------------------- happy paths


def test_create_fetch_and_message_shape(fake: FakeTwilio, client: Client) -> None:
    msg = send(client, "+15551230001", "Reminder: group at 10:00", status_callback="http://cb/x")

    assert msg.sid.startswith("SM") and len(msg.sid) == 34
    assert msg.status == "queued"
    assert msg.direction == "outbound-api"
    assert msg.to == "+15551230001" and msg.from_ == FROM
    assert msg.account_sid == SID
    assert msg.num_segments == "1"
    assert msg.date_created is not None and msg.date_created.tzinfo is not None

    fetched = client.messages(msg.sid).fetch()
    assert fetched.sid == msg.sid and fetched.body == "Reminder: group at 10:00"

    [stored] = fake.messages()
    # Field set of the spec's api.v2010.account.message.
    assert set(stored) == {
        "account_sid",
        "api_version",
        "body",
        "date_created",
        "date_sent",
        "date_updated",
        "direction",
        "error_code",
        "error_message",
        "from",
        "messaging_service_sid",
        "num_media",
        "num_segments",
        "price",
        "price_unit",
        "sid",
        "status",
        "subresource_uris",
        "to",
        "uri",
    }
    assert stored["uri"] == f"/2010-04-01/Accounts/{SID}/Messages/{msg.sid}.json"
    assert fake.requests_log[0] == ("POST", f"/2010-04-01/Accounts/{SID}/Messages.json", 201)


def test_messaging_service_is_accepted_status(fake: FakeTwilio, client: Client) -> None:
    msg = send(client, "+15551230002", messaging_service_sid=SERVICE)
    assert msg.status == "accepted"
    assert msg.messaging_service_sid == SERVICE
    assert msg.from_ is None


def test_fetch_unknown_is_404(client: Client) -> None:
    with pytest.raises(TwilioRestException) as err:
        client.messages("SM" + "f" * 32).fetch()
    assert err.value.status == 404 and err.value.code == 20404


def test_list_to_filter_paging_and_newest_first(fake: FakeTwilio, client: Client) -> None:
    target = "+15551230003"
    sids = [send(client, target, f"m{i}").sid for i in range(7)]
    send(client, "+15559999999", "other")

    got = client.messages.list(to=target, page_size=3)
    assert [m.sid for m in got] == list(reversed(sids))  # newest first, across 3 pages
    list_calls = [e for e in fake.requests_log if e[0] == "GET"]
    assert len(list_calls) == 3

    page = client.messages.page(to=target, page_size=3)
    assert page._payload["next_page_uri"].startswith(
        f"/2010-04-01/Accounts/{SID}/Messages.json?To=%2B15551230003&PageSize=3&Page=1&PageToken=PA"
    )
    # A message arriving mid-paging must not shift the next page (PageToken anchors on a SID).
    send(client, target, "late")
    nxt = page.next_page()
    assert nxt is not None
    assert [m.sid for m in nxt] == list(reversed(sids))[3:6]

    assert len(list(client.messages.stream(to=target, limit=4, page_size=2))) == 4


def test_inbound_and_date_filters(fake: FakeTwilio, client: Client) -> None:
    old = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    fake.add_inbound("+15551110000", FROM, "STOP", date_sent=old)
    fake.add_inbound("+15551110000", FROM, "hi again", date_sent=old + timedelta(days=2))
    send(client, "+15551110000", "outbound now")

    inbound = client.messages.list(from_="+15551110000")
    assert [m.body for m in inbound] == ["hi again", "STOP"]
    assert all(m.direction == "inbound" and m.status == "received" for m in inbound)
    assert len(client.messages.list()) == 3
    assert len(fake.messages()) == 1  # accepted = outbound only

    # The SDK sends DateSent / DateSent< / DateSent> as "YYYY-MM-DDTHH:MM:SSZ".
    assert [m.body for m in client.messages.list(date_sent=old)] == ["STOP"]
    assert [m.body for m in client.messages.list(date_sent_before=old)] == ["STOP"]
    after = client.messages.list(date_sent_after=old + timedelta(seconds=1))
    assert [m.body for m in after] == ["outbound now", "hi again"]
    # Date-only form (Twilio's documented one) compares whole days, inclusive.
    r = requests.get(
        f"{fake.base_url}/2010-04-01/Accounts/{SID}/Messages.json",
        params={"DateSent>": "2024-05-03", "DateSent<": "2024-05-03"},
        auth=(SID, TOKEN),
        timeout=5,
    )
    assert [m["body"] for m in r.json()["messages"]] == ["hi again"]


def test_set_status_and_duplicates_counter(fake: FakeTwilio, client: Client) -> None:
    a = send(client, "+15551230004", "same")
    send(client, "+15551230004", "same")
    fake.set_status(a.sid, "undelivered", error_code=30003)
    fetched = client.messages(a.sid).fetch()
    assert fetched.status == "undelivered" and fetched.error_code == 30003
    assert fake.accepted_count_by_body_and_to()[("same", "+15551230004")] == 2
    with pytest.raises(ValueError):
        fake.set_status(a.sid, "deliverd")


def test_concurrent_creates_are_all_recorded(fake: FakeTwilio) -> None:
    def worker(n: int) -> None:
        c = make_client(fake.base_url)
        for i in range(15):
            send(c, f"+1555200{n:04d}", f"b{i}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    msgs = fake.wait_for_accepted(120, timeout=5)
    assert len({m["sid"] for m in msgs}) == 120


# ---------------------------------------------------------------------------- errors


def test_auth_failure(fake: FakeTwilio) -> None:
    with pytest.raises(TwilioRestException) as err:
        send(make_client(fake.base_url, token="wrong"), "+15551230005")
    assert err.value.status == 401 and err.value.code == 20003
    assert fake.messages() == []


def test_validation_errors(fake: FakeTwilio, client: Client) -> None:
    fake.opted_out.add("+15551230006")
    fake.invalid.add("+1555")
    cases = [
        ({"to": "+15551230006"}, 21610),
        ({"to": "+1555"}, 21211),
        ({"to": "+15551230007", "body": ""}, 21602),
    ]
    for kwargs, code in cases:
        with pytest.raises(TwilioRestException) as err:
            send(client, **kwargs)
        assert err.value.status == 400 and err.value.code == code
    r = requests.post(
        f"{fake.base_url}/2010-04-01/Accounts/{SID}/Messages.json",
        data={"From": FROM, "Body": "x"},
        auth=(SID, TOKEN),
        timeout=5,
    )
    assert r.status_code == 400 and r.json()["code"] == 21604
    assert r.json()["more_info"] == "https://www.twilio.com/docs/errors/21604"
    assert fake.messages() == []


def test_fail_next_429(fake: FakeTwilio, client: Client) -> None:
    fake.fail_next(2, status=429)
    for _ in range(2):
        with pytest.raises(TwilioRestException) as err:
            send(client, "+15551230008")
        assert err.value.status == 429 and err.value.code == 20429
    send(client, "+15551230008")  # faults consumed: next one passes
    assert len(fake.messages()) == 1

    fake.fail_next(1, status=429, retry_after=0.5)
    r = requests.post(
        f"{fake.base_url}/2010-04-01/Accounts/{SID}/Messages.json",
        data={"To": "+15551230008", "From": FROM, "Body": "x"},
        auth=(SID, TOKEN),
        timeout=5,
    )
    assert r.status_code == 429 and r.headers["Retry-After"] == "0.5"
    assert r.json() == {
        "code": 20429,
        "message": "Too Many Requests",
        "more_info": "https://www.twilio.com/docs/errors/20429",
        "status": 429,
    }


def test_faults_apply_to_creates_only_by_default(fake: FakeTwilio, client: Client) -> None:
    fake.fail_next(1, status=503)
    assert client.messages.list() == []  # a GET does not consume the fault
    with pytest.raises(TwilioRestException) as err:
        send(client, "+15551230009")
    assert err.value.status == 503 and err.value.code == 20503


def test_lose_response_next_accepts_but_raises(fake: FakeTwilio, client: Client) -> None:
    fake.lose_response_next(1)
    with pytest.raises(requests.exceptions.ConnectionError):
        send(client, "+15551230010", "lost answer")
    [msg] = fake.messages()
    assert msg["body"] == "lost answer"
    assert fake.requests_log[-1][2] == 0  # no status was ever sent
    send(client, "+15551230010", "next")  # the client recovers on a fresh connection


def test_drop_next_raises_and_does_not_accept(fake: FakeTwilio, client: Client) -> None:
    fake.drop_next(1)
    with pytest.raises(requests.exceptions.ConnectionError):
        send(client, "+15551230011")
    assert fake.messages() == []


def test_slow_next_times_out_client(fake: FakeTwilio) -> None:
    fake.slow_next(1, 1.0)
    c = make_client(fake.base_url, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.Timeout):
        send(c, "+15551230012")
    assert time.monotonic() - started < 0.9
    # The delay is on the answer: the message was accepted (the ambiguous timeout case).
    assert len(fake.messages()) == 1


def test_latency_delays_every_answer() -> None:
    with FakeTwilio(SID, TOKEN, latency=0.15) as server:
        c = make_client(server.base_url)
        started = time.monotonic()
        send(c, "+15551230013")
        assert time.monotonic() - started >= 0.15


def test_rate_limit_per_sender() -> None:
    with FakeTwilio(SID, TOKEN, rate_limit_per_sender=2) as server:
        c = make_client(server.base_url)
        codes = []
        for i in range(4):
            try:
                send(c, f"+1555300{i:04d}")
                codes.append(201)
            except TwilioRestException as exc:
                codes.append(exc.code)
        assert codes == [201, 201, 20429, 20429]
        assert server.rejected_429 == 2
        # The limit is per sender: another From still goes through.
        send(c, "+15553000009", from_="+15005550007")
        assert len(server.messages()) == 3


def test_fault_rate_is_seeded_and_can_be_turned_off(fake: FakeTwilio, client: Client) -> None:
    fake.set_fault_rate(p429=1.0, seed=7)
    with pytest.raises(TwilioRestException) as err:
        send(client, "+15551230014")
    assert err.value.code == 20429
    fake.set_fault_rate()
    send(client, "+15551230014")


# ---------------------------------------------------------------------------- control API


def test_control_api_in_process(fake: FakeTwilio, client: Client) -> None:
    base = fake.base_url
    r = requests.post(
        f"{base}/_fake/faults",
        json={"fail_next": {"n": 1, "status": 429, "code": 20429}, "lose_response_next": 1},
        timeout=5,
    )
    assert r.status_code == 200
    with pytest.raises(TwilioRestException):
        send(client, "+15551230015")
    with pytest.raises(requests.exceptions.ConnectionError):
        send(client, "+15551230015")
    assert [m["to"] for m in requests.get(f"{base}/_fake/messages", timeout=5).json()] == [
        "+15551230015"
    ]
    assert requests.post(f"{base}/_fake/faults", json={"nope": 1}, timeout=5).status_code == 400

    r = requests.post(
        f"{base}/_fake/inbound", json={"from": "+1555", "to": FROM, "body": "YES"}, timeout=5
    )
    assert r.status_code == 201 and r.json()["direction"] == "inbound"
    assert requests.get(f"{base}/_fake/stats", timeout=5).json()["inbound"] == 1

    assert requests.post(f"{base}/_fake/reset", timeout=5).status_code == 200
    assert fake.messages(include_inbound=True) == [] and fake.requests_log == []


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    # readline() can block forever if the child hangs; read on a helper thread instead.
    stdout = proc.stdout
    assert stdout is not None
    out: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: out.put(stdout.readline()), daemon=True).start()
    return out.get(timeout=timeout)


def test_standalone_process(tmp_path: Path) -> None:
    state = tmp_path / "state.jsonl"
    argv = [
        sys.executable,
        "-m",
        "tests.fakes.twilio_server",
        "--port",
        "0",
        "--account-sid",
        SID,
        "--auth-token",
        TOKEN,
        "--state-file",
        str(state),
    ]
    # Popen as a context manager closes the stdout pipe (no ResourceWarning) and reaps the child.
    with subprocess.Popen(argv, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True) as proc:
        try:
            _check_standalone(proc, state)
        finally:
            if proc.poll() is None:
                proc.kill()


def _check_standalone(proc: subprocess.Popen[str], state: Path) -> None:
    line = _read_line(proc, timeout=10)
    assert line.startswith("LISTENING http://127.0.0.1:")
    base = line.split()[1]

    msg = send(make_client(base), "+15551230016", "from another process")
    lines = [json.loads(x) for x in state.read_text().splitlines()]
    assert lines == [
        {
            "sid": msg.sid,
            "to": "+15551230016",
            "from": FROM,
            "body": "from another process",
            "date_created": lines[0]["date_created"],
            "messaging_service_sid": None,
            "status_callback": None,
        }
    ]
    listed = requests.get(f"{base}/_fake/messages", timeout=5).json()
    assert [m["sid"] for m in listed] == [msg.sid]

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=5) == 0
