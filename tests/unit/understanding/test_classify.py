"""Reply classification contract: the tables are the spec (rules in notifier/understanding,
words in notifier/understanding/lexicons/<lang>.toml), one suite for every language.

Each row is (body, opted_out, open_prompts, expected_category, expected_score) with an id that
says what it proves; the rows live per language in cases_<lang>.py and every table test runs
each language's rows (ids ``en-...``, ``es-...``). The tables are grouped by rule so a failure
names the broken promise: opt-out is sacred, crisis always wins, an opted-out client is never
resumed by accident, and numbers only become scores when a check-in asked for one.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notifier.understanding import (
    DEFAULT_CRISIS_TERMS,
    MAX_CHARS,
    Category,
    Signal,
    classify,
    parse_score,
)
from notifier.understanding.classify import _classify
from notifier.understanding.model import load as load_models
from tests.helpers.cases import CR, FIELDS, RC, C, R, by_language, case, check

CATEGORIES = tuple(c.value for c in Category)

EDGES = [
    case("empty_string", "", "free_text", prompts=R),
    case("whitespace_only", "   \n\t ", "free_text", prompts=RC),
    case("emoji_only_not_an_answer", "\U0001f642", "free_text", prompts=R),
    case("emoji_only_no_prompt", "\U0001f642\U0001f642", "free_text"),
    case("lone_surrogate", "\ud800", "free_text", prompts=C),
    case("control_characters", "\x00\x01\x02", "free_text", prompts=C),
    case("body_100kb", "x" * 100_000, "free_text", prompts=RC),
    case("body_100kb_of_words", "stop " * 20_000, "free_text", prompts=RC),
    case("unknown_prompt_kind_ignored", "7", "free_text", prompts=("survey",)),
]


@pytest.mark.parametrize(FIELDS, by_language("crisis"))
def test_crisis_language_detected(
    body: str,
    opted_out: bool,
    open_prompts: tuple[str, ...],
    expected_category: str,
    expected_score: int | None,
) -> None:
    check(body, opted_out, open_prompts, expected_category, expected_score)


@pytest.mark.parametrize(FIELDS, by_language("not_crisis"))
def test_figures_of_speech_are_not_crisis(
    body: str,
    opted_out: bool,
    open_prompts: tuple[str, ...],
    expected_category: str,
    expected_score: int | None,
) -> None:
    check(body, opted_out, open_prompts, expected_category, expected_score)


@pytest.mark.parametrize(FIELDS, by_language("opt_out_keywords"))
def test_opt_out_is_sacred_keywords(
    body: str,
    opted_out: bool,
    open_prompts: tuple[str, ...],
    expected_category: str,
    expected_score: int | None,
) -> None:
    check(body, opted_out, open_prompts, expected_category, expected_score)


@pytest.mark.parametrize(FIELDS, by_language("opt_out_plain_language"))
def test_opt_out_is_sacred_plain_language(
    body: str,
    opted_out: bool,
    open_prompts: tuple[str, ...],
    expected_category: str,
    expected_score: int | None,
) -> None:
    check(body, opted_out, open_prompts, expected_category, expected_score)


@pytest.mark.parametrize(FIELDS, by_language("not_opt_out"))
def test_sentences_that_merely_contain_a_keyword_are_not_opt_outs(
    body: str,
    opted_out: bool,
    open_prompts: tuple[str, ...],
    expected_category: str,
    expected_score: int | None,
) -> None:
    check(body, opted_out, open_prompts, expected_category, expected_score)


@pytest.mark.parametrize(FIELDS, by_language("opt_in"))
def test_only_an_explicit_keyword_resumes_an_opted_out_client(
    body: str,
    opted_out: bool,
    open_prompts: tuple[str, ...],
    expected_category: str,
    expected_score: int | None,
) -> None:
    check(body, opted_out, open_prompts, expected_category, expected_score)


@pytest.mark.parametrize(FIELDS, by_language("help"))
def test_help_keywords(
    body: str,
    opted_out: bool,
    open_prompts: tuple[str, ...],
    expected_category: str,
    expected_score: int | None,
) -> None:
    check(body, opted_out, open_prompts, expected_category, expected_score)


@pytest.mark.parametrize(FIELDS, by_language("reminder"))
def test_reminder_answers_follow_the_most_recent_prompt(
    body: str,
    opted_out: bool,
    open_prompts: tuple[str, ...],
    expected_category: str,
    expected_score: int | None,
) -> None:
    check(body, opted_out, open_prompts, expected_category, expected_score)


@pytest.mark.parametrize(FIELDS, by_language("checkin"))
def test_checkin_scores_only_in_range(
    body: str,
    opted_out: bool,
    open_prompts: tuple[str, ...],
    expected_category: str,
    expected_score: int | None,
) -> None:
    check(body, opted_out, open_prompts, expected_category, expected_score)


@pytest.mark.parametrize(FIELDS, EDGES)
def test_odd_input_is_free_text(
    body: str,
    opted_out: bool,
    open_prompts: tuple[str, ...],
    expected_category: str,
    expected_score: int | None,
) -> None:
    check(body, opted_out, open_prompts, expected_category, expected_score)


@pytest.mark.parametrize(
    ("body", "expected_category", "expected_revokes"),
    [
        pytest.param("stop texting me, i want to die", "crisis", True, id="crisis_stop_texting"),
        pytest.param("I want to die. STOP", "crisis", True, id="crisis_then_stop_sentence"),
        pytest.param("no more texts. took too many pills", "crisis", True, id="crisis_no_more"),
        pytest.param("i want to die, leave me alone", "crisis", True, id="crisis_leave_me_alone"),
        pytest.param("I want to die", "crisis", False, id="crisis_alone_does_not_revoke"),
        pytest.param(
            "I can't stop thinking about killing myself",
            "crisis",
            False,
            id="crisis_cant_stop_is_not_revocation",
        ),
        pytest.param("quiero morir. BAJA", "crisis", True, id="es_crisis_then_baja"),
        pytest.param(
            "me quiero morir, ya no quiero mensajes", "crisis", True, id="es_crisis_ya_no"
        ),
        pytest.param("me quiero morir", "crisis", False, id="es_crisis_alone_does_not_revoke"),
        pytest.param("STOP", "opt_out", True, id="opt_out_always_revokes"),
        pytest.param("yes", "confirm", False, id="confirm_never_revokes"),
    ],
)
def test_revokes_flag(body: str, expected_category: str, expected_revokes: bool) -> None:
    result = classify(body, open_prompts=R)
    assert (result.category, result.revokes) == (expected_category, expected_revokes)


@pytest.mark.parametrize("term", DEFAULT_CRISIS_TERMS)
def test_every_default_crisis_term_is_crisis(term: str) -> None:
    # Alone, shouted, inside a sentence, and from an opted-out client: all must reach a human.
    assert classify(term).category == "crisis"
    assert classify(term.upper() + "!!").category == "crisis"
    assert classify(f"honestly, {term} right now", open_prompts=C).category == "crisis"
    assert classify(term, opted_out=True).category == "crisis"


def test_crisis_terms_are_configurable() -> None:
    # Changed: "hopeless" is now a concern by rule, and an empty list cannot switch off the
    # crisis rules (the terms only add to them).
    assert classify("I feel hopeless").category == "concern"
    assert classify("I feel fragile").category == "free_text"
    custom = classify("I feel FRAGILE", crisis_terms=["fragile"])
    assert (custom.category, custom.rule) == ("crisis", "crisis.custom_term")
    assert classify("suicide", crisis_terms=()).category == "crisis"
    # A blank or punctuation-only term in a settings file must not turn every reply into crisis.
    assert classify("hello", crisis_terms=("", "  ", "!!")).category == "free_text"
    assert classify("hello", crisis_terms="hello").category == "crisis"  # one term, not letters
    assert classify("h e l l o", crisis_terms="hello").category == "free_text"


def test_only_the_first_max_chars_are_read() -> None:
    assert classify("I want to die " + "x" * 200_000).category == "crisis"
    assert classify("x " * MAX_CHARS + "I want to die").category == "free_text"


def test_huge_bodies_are_classified_without_error() -> None:
    # Work is capped at MAX_CHARS, so a huge body costs no more than an SMS-sized one; speed
    # itself is measured in benchmarks/, never asserted here.
    bodies = ["x" * 100_000, "stop " * 20_000, "7 " * 50_000, "\U0001f600" * 100_000]
    for body in bodies:
        assert classify(body, open_prompts=CR).category == "free_text"


_interesting = st.sampled_from(
    [
        "STOP",
        "stop texting me",
        "7/10",
        "seven",
        "I want to die",
        "yes",
        "1",
        "2",
        "-",
        "/10",
        "\u200b",
        "\U0001f44d",
        "\ud800",
        "no",
        "baja",
        "12",
        " ",
        "'",
        "od'd",
        "y",
    ]
)
_bodies = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_interesting, st.text(max_size=5)), max_size=30).map(" ".join),
    st.text(alphabet=st.characters(), min_size=1500, max_size=2500),
)


@settings(max_examples=400, deadline=None)
@given(
    body=_bodies,
    opted_out=st.booleans(),
    prompts=st.lists(st.sampled_from(["reminder", "checkin", "other"]), max_size=3),
)
def test_classify_never_raises_and_stays_in_contract(
    body: str, opted_out: bool, prompts: list[str]
) -> None:
    result = classify(body, opted_out=opted_out, open_prompts=prompts)
    assert result.category in CATEGORIES
    assert result.score is None or 0 <= result.score <= 10
    # Changed: a score is also recorded on crisis/concern when a check-in is open.
    if result.category == "checkin_answer":
        assert result.score is not None
    elif result.category not in ("crisis", "concern"):
        assert result.score is None
    assert result.rule and result.rule != "error"
    assert result.language in ("en", "es")
    assert set(result.signals) <= {s.value for s in Signal}
    assert list(result.signals) == [s.value for s in Signal if s.value in result.signals]
    assert not result.urgent or result.urgent_evidence
    if result.category == "opt_out":
        assert result.revokes
    if opted_out:
        assert result.category in ("crisis", "concern", "opt_out", "opt_in", "help", "free_text")
    score = parse_score(body)
    assert score is None or 0 <= score <= 10


@settings(max_examples=300, deadline=None)
@given(body=_bodies, opted_out=st.booleans())
def test_safety_net_is_not_hiding_bugs(body: str, opted_out: bool) -> None:
    # classify() turns any internal error into free_text so the webhook never fails; this checks
    # the code underneath does not rely on that (a swallowed error could hide a crisis).
    result = _classify(body, opted_out, CR, DEFAULT_CRISIS_TERMS, load_models())
    assert result.category in CATEGORIES


# --- the new policy: priority, signals, rule names, urgent, language --------------------------


@pytest.mark.parametrize(
    ("text", "kwargs", "category", "rule"),
    [
        pytest.param("STOP", {}, "opt_out", "optout.keyword", id="optout_keyword"),
        pytest.param("stop texting me", {}, "opt_out", "optout.revocation.en", id="revocation"),
        pytest.param("ya no quiero mensajes", {}, "opt_out", "optout.revocation.es", id="es_rev"),
        pytest.param("START", {"opted_out": True}, "opt_in", "optin.keyword", id="optin"),
        pytest.param("HELP", {}, "help", "help.keyword", id="help"),
        pytest.param("yes", {"open_prompts": R}, "confirm", "confirm.reminder", id="confirm"),
        pytest.param("no", {"open_prompts": R}, "decline", "decline.reminder", id="decline"),
        pytest.param("7", {"open_prompts": C}, "checkin_answer", "score.checkin", id="score"),
        pytest.param("hello", {}, "free_text", "free_text.default", id="free_text"),
        pytest.param("sure", {"opted_out": True}, "free_text", "free_text.opted_out", id="opted"),
    ],
)
def test_every_category_names_its_rule(
    text: str, kwargs: dict[str, object], category: str, rule: str
) -> None:
    result = classify(text, **kwargs)  # type: ignore[arg-type]
    assert (result.category, result.rule) == (category, rule)


@pytest.mark.parametrize(
    ("lang", "text", "category", "signals", "score"),
    [
        ("en", "8, honestly i want to die", "crisis", ("crisis",), 8),
        ("es", "8, la verdad quiero morir", "crisis", ("crisis",), 8),
        (
            "en",
            "6 i used last night, can someone call me",
            "checkin_answer",
            ("use", "callback"),
            6,
        ),
        ("es", "6 consumi anoche, llamenme por favor", "checkin_answer", ("use", "callback"), 6),
        ("en", "relapsed and i want to die", "crisis", ("crisis", "use"), 3),
        (
            "en",
            "what's the point anymore, please call me",
            "concern",
            ("concern", "callback"),
            None,
        ),
        ("es", "ya nada tiene sentido, llamenme", "concern", ("concern", "callback"), None),
    ],
)
def test_category_and_independent_signals(
    lang: str, text: str, category: str, signals: tuple[str, ...], score: int | None
) -> None:
    result = classify(text, open_prompts=C)
    expected_score = score if text[0].isdigit() else None
    assert (result.category, result.signals, result.score) == (category, signals, expected_score)
    assert result.language == lang


@pytest.mark.parametrize(
    ("text", "kwargs"),
    [
        ("I want to die. STOP", {}),
        ("I want to die", {"opted_out": True}),
        ("yes. I want to die", {"open_prompts": R}),
        ("HELP I want to die", {}),
        ("quiero morir. BAJA", {}),
    ],
)
def test_crisis_beats_every_other_category(text: str, kwargs: dict[str, object]) -> None:
    assert classify(text, **kwargs).category == "crisis"  # type: ignore[arg-type]


def test_concern_beats_opt_out_and_still_revokes() -> None:
    result = classify("what's the point anymore. STOP")
    assert (result.category, result.revokes) == ("concern", True)


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        ("I took all my pills", True),
        ("my friend isn't breathing", True),
        ("I cut deep and it won't stop bleeding", True),
        ("gun in my hand", True),
        ("I want to kill myself", False),
        ("been saving my pills", False),
        ("i overdosed last night", False),
    ],
)
def test_urgent_only_when_life_is_in_danger_now(text: str, urgent: bool) -> None:
    result = classify(text)
    assert result.category == "crisis"
    assert result.urgent is urgent


def test_someone_elses_overdose_before_now_is_a_friend_at_risk_not_911() -> None:
    # POLICY.md: a friend at risk is concern; an overdose told as news or history is nothing.
    result = classify("my friend OD'd last night")
    assert (result.category, result.urgent) == ("concern", False)
    assert result.rule.startswith("concern.third_party.")


def test_signals_are_plain_strings_in_order() -> None:
    result = classify("took all my pills, please call me")
    assert result.signals == ("crisis", "use", "callback")
    assert all(type(s) is str for s in result.signals)
    assert type(result.category) is str


def test_internal_error_still_tries_crisis_then_is_free_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    module = importlib.import_module("notifier.understanding.classify")

    def boom(*args: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(module, "_classify", boom)
    crisis = classify("i want to die")
    assert (crisis.category, crisis.rule) == ("crisis", "crisis.fallback_term")
    assert (classify("hello").category, classify("hello").rule) == ("free_text", "error")
