"""The learned backstop: it may only raise, never touches keywords, and explains itself."""

from __future__ import annotations

import json
from typing import Any

import pytest

from notifier.understanding import classify
from notifier.understanding.model import TASKS, Models, features, from_json, load


def test_model_file_loads_with_every_task() -> None:
    models = load()
    assert set(TASKS) <= set(models.tasks)
    assert all(0 < t.threshold <= 1 for t in models.tasks.values())


def test_features_skip_function_words_alone_but_keep_pairs() -> None:
    feats = features("| i want to die | ")
    assert "i" not in feats and "i want" in feats and "die" in feats and "to die" in feats


def test_bad_model_file_is_rejected() -> None:
    with pytest.raises(ValueError):
        from_json('{"tasks": {}}')


@pytest.mark.parametrize(
    "text", ["STOP", "HELP", "stop texting me", "no quiero que dejen de escribirme"]
)
def test_model_never_touches_keywords(text: str) -> None:
    assert ".model." not in classify(text).rule


@pytest.mark.parametrize(
    "text", ["my phone died", "this traffic is killing me", "dying to see my kids", "lo siento"]
)
def test_model_keeps_figurative_talk_out(text: str) -> None:
    assert classify(text).category == "free_text"


def test_model_only_raises_where_no_rule_spoke() -> None:
    # A rule decision keeps its rule name; the backstop is only for what no rule matched.
    assert classify("i want to kill myself").rule == "crisis.active_ideation.en"
    assert classify("im not suicidal").rule == "concern.denial_names_risk.en"


def test_rules_alone_when_backstop_is_off() -> None:
    r = classify(
        "i keep thinking everyone would move on fine and it would be quiet", backstop=False
    )
    assert ".model." not in r.rule


# Risk in words no named rule knows (today): only the model can raise them. Several, so that a
# new rule catching one leaves the others to the model; each one no rule catches must be raised
# by the model, and at least one must be left to it, so the test cannot pass with the model off.
ONLY_THE_MODEL = (
    "i keep thinking about the bridge on my way home",
    "i said goodbye to my kids tonight, im ready",
    "honestly i keep picturing my own funeral and feeling calm about it",
)


def test_model_decision_names_the_model_and_its_evidence_words() -> None:
    left = [t for t in ONLY_THE_MODEL if classify(t, backstop=False).category == "free_text"]
    assert left, "a rule now catches every sentence: add one that only the model reads"
    for text in left:
        r = classify(text)
        assert r.rule in ("crisis.model.en", "concern.model.en"), (text, r.rule)
        assert 1 <= len(r.evidence.split(" | ")) <= 3, (text, r.evidence)


def test_features_carry_letter_grams_for_misspellings() -> None:
    feats = features("| overdoseing | ")
    assert "~overd" in feats and "#verd" in feats and "#eing" in feats


def test_model_urgency_never_for_something_that_happened_before_now() -> None:
    # The urgent model may only raise a crisis to urgent; a past marker keeps it at 988 first.
    assert not classify("my friend OD'd last night").urgent


# A crisis the rules read but do not call urgent, which the urgent model raises to urgent.
URGENT_BY_THE_MODEL = (
    "i have the pills lined up on the table right now",
    "standing at the edge",
)


def test_model_urgency_names_its_evidence() -> None:
    r = classify("noose is up and my head is in it")
    assert r.category == "crisis" and r.urgent
    raised = [t for t in URGENT_BY_THE_MODEL if not classify(t, backstop=False).urgent]
    assert raised, "a rule now calls every sentence urgent: add one only the model raises"
    for text in raised:
        r = classify(text)
        assert r.category == "crisis" and r.urgent, (text, r)
        assert "(urgent:" in r.evidence, (text, r.evidence)
        assert r.evidence.split("(urgent:", 1)[1].strip(" )"), (text, r.evidence)


# A plain concern rule leaves open how high the risk is; the models answer it as they do where
# no rule spoke (the ninth round). Kinds with their own concern pathway keep it.
def _strong_crisis_models() -> Models:
    tasks: dict[str, dict[str, Any]] = {
        t: {"bias": -9.0, "threshold": 0.5, "weights": {}} for t in TASKS
    }
    for task in ("risk", "crisis"):
        tasks[task] = {"bias": -9.0, "threshold": 0.3, "weights": {"anymore": 20.0}}
    tasks["risk"]["strong"] = 0.49
    return from_json(json.dumps({"tasks": tasks}))


@pytest.fixture
def strong_crisis(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    classify_module = importlib.import_module("notifier.understanding.classify")
    models = _strong_crisis_models()
    monkeypatch.setattr(classify_module, "_models", lambda: models)


@pytest.mark.usefixtures("strong_crisis")
def test_model_raises_a_plain_concern_rule_to_crisis_and_names_both() -> None:
    plain = "i feel so hopeless, nothing will ever change anymore"
    assert classify(plain, backstop=False).rule == "concern.hopelessness.en"
    r = classify(plain)
    assert r.category == "crisis" and r.rule == "crisis.model.en"
    assert "(over concern.hopelessness.en)" in r.evidence
    assert r.signals[0] == "crisis"


@pytest.mark.usefixtures("strong_crisis")
@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("been shaking and sweating since i quit drinking yesterday anymore",
         "concern.withdrawal.en"),
        ("he hit me again last night anymore", "concern.abuse_at_home.en"),
        ("drinking alone in my room tonight anymore", "concern.using_alone.en"),
        # Rules that read crisis words and lowered them on purpose: the model does not undo it.
        ("I don't want to die anymore", "concern.denial_names_risk.en"),
        ("no me quiero morir anymore", "concern.denial_names_risk.es"),
    ],
)  # fmt: skip
def test_model_leaves_a_kind_or_a_lowered_reading_alone(text: str, rule: str) -> None:
    assert classify(text, backstop=False).rule == rule
    r = classify(text)
    assert r.category == "concern" and r.rule == rule


def test_model_keeps_a_plain_concern_when_it_does_not_read_crisis() -> None:
    # The shipped model on a plain hopelessness line with no sign of more: concern stays.
    r = classify("i feel so hopeless, nothing will ever change")
    assert r.category == "concern" and r.rule == "concern.hopelessness.en"
