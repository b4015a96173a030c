"""A refused staff text in plain words (issue 16, item 4): each refusal the staff-text module
raises, as the page says it."""

from __future__ import annotations

import pytest

from notifier.core.settings import Settings
from notifier.staff import text as staff_text
from notifier.web.refusals import plain


def refusal(raw: str, settings: Settings) -> str:
    with pytest.raises(staff_text.StaffTextError) as caught:
        staff_text.checked_text(raw, settings)
    return str(caught.value)


def test_each_check_of_the_text_reads_as_a_sentence(make_settings: object) -> None:
    settings = make_settings()  # type: ignore[operator]
    assert plain(refusal("   ", settings)) == "Write something to send first."
    assert plain(refusal("x" * 400, settings)) == (
        "Your text is 400 characters long; it can be at most 320. Shorten it, then send it again."
    )
    assert plain(refusal("See you at rehab tonight", settings)) == (
        "Your text mentions “rehab”, and anyone who sees their phone's lock screen could read "
        "it. Say it without naming the program's nature."
    )
    odd = plain(refusal("Hi \u263a", settings))
    assert odd.startswith("A plain text message cannot carry “") and "Replace or remove" in odd


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("form: missing or malformed nonce; reload the page",
         "This form is out of date. Reload the page, then send your text again."),
        ("Ben gets no texts (opted out): nothing was sent",
         "Ben gets no texts (opted out), so nothing was sent."),
        ("this text was already sent", "This text was already sent."),
        ("no client with id 'C9'", "There is no such client."),
        ("send now: only for a client with an open crisis or concern alert (otherwise ...)",
         "“Send now” is only for someone with an open crisis or concern alert. Untick it and "
         "your text goes out when their quiet hours end."),
        ("outcome: expected one of reached, safe", "Expected one of reached, safe."),
    ],
)  # fmt: skip
def test_refusals_from_queueing_read_as_sentences(raw: str, said: str) -> None:
    assert plain(raw) == said
    assert not said.startswith(("text:", "form:"))
