"""Attack on the lock-screen rule (issue 17, N12): words that reveal the program.

The check matched whole words only, so a staff text saying "treatments", "relapsed",
"recovering" or "addicts" went out. One list of stems, English and Spanish, is now shared by
staff texts and ``notifier check-templates``, and matches every form of each word (accents
folded: "recaída", "adicción").
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from notifier.core.settings import Settings
from notifier.outbound import wording
from notifier.staff.text import StaffTextError, checked_text

REVEALING = [
    "How are the treatments going?",
    "Glad you have not relapsed this week",
    "You are recovering well",
    "Some addicts find Fridays hard",
    "Any cravings for alcoholic drinks?",
    "The drugstore closes at 9",
    "Sobriety takes time",
    "Remember your methadone dose",
    "Los tratamientos siguen el martes",
    "No te preocupes por la recaída",
    "Hablemos de las adicciones",
    "Tu recuperación va bien",
    "El grupo de desintoxicación es hoy",
    "Evita a los drogadictos",
    "Los alcohólicos anónimos",
]
PLAIN = [
    "See you Wednesday at 6, Ben",
    "Treat yourself to a walk today",
    "Hablamos sobre la reunión del martes",
    "Try a new method for the stress",
    "Te esperamos el jueves",
    "Call us back when you can",
]


@pytest.mark.parametrize("text", REVEALING)
def test_staff_texts_with_any_form_of_a_revealing_word_are_refused(
    make_settings: Callable[..., Settings], text: str
) -> None:
    with pytest.raises(StaffTextError, match="names the program"):
        checked_text(text, make_settings())


@pytest.mark.parametrize("text", PLAIN)
def test_everyday_words_are_not_mistaken_for_them(
    make_settings: Callable[..., Settings], text: str
) -> None:
    assert checked_text(text, make_settings())


@pytest.mark.parametrize("text", REVEALING[:4] + REVEALING[8:10])
def test_template_checks_use_the_same_stems(
    make_settings: Callable[..., Settings], text: str
) -> None:
    settings = make_settings(checkin_questions=f"mood: {text}")
    found = [f.where for f in wording.check(settings) if "discloses" in f.problem]
    assert any(where.startswith("NOTIFIER_CHECKIN_QUESTIONS") for where in found), found


def test_the_built_in_texts_still_pass(make_settings: Callable[..., Settings]) -> None:
    assert [f for f in wording.check(make_settings()) if "discloses" in f.problem] == []
