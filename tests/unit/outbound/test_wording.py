"""Safe wording: each rule of check-templates, and the defaults passing their own check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from notifier.cli import main
from notifier.core.settings import Settings
from notifier.outbound.texts import Templates, TemplatesError, when_text
from notifier.outbound.wording import check, segments


def problems(settings: Settings, **overrides: str) -> list[str]:
    texts = {tuple(k.split("/")): v for k, v in overrides.items()}
    return [f"{f.severity}: {f.where}: {f.problem}" for f in check(settings, Templates(texts))]  # type: ignore[arg-type]


def test_the_defaults_pass_their_own_check(make_settings: Callable[..., Settings]) -> None:
    assert check(make_settings()) == []


def test_rule_privacy_disclosing_words_are_flagged(make_settings: Callable[..., Settings]) -> None:
    found = problems(make_settings(), **{"en/help": "Call {program_phone} for treatment info."})
    assert found == ["warning: template en/help: discloses the program's nature: 'treatment'"]
    es = problems(make_settings(), **{"es/help": "Llame al {program_phone} sobre su tratamiento"})
    assert any("'tratamiento'" in p for p in es)
    extra = problems(
        make_settings(disclosure_words="clinic; Dr. Smith"),
        **{"en/help": "Call the clinic at {program_phone}."},
    )
    assert any("'clinic'" in p for p in extra)
    # Stems start a word: "treat" in "treat yourself" is not "treatment".
    assert not problems(make_settings(), **{"en/help": "Call {program_phone}, treat yourself"})


def test_more_than_one_segment_is_flagged(make_settings: Callable[..., Settings]) -> None:
    long = "Hi {first_name}, " + "this is a long reminder text. " * 6
    found = problems(make_settings(), **{"en/checkin": long + "{question}"})
    assert any("SMS segments (GSM-7" in p for p in found)


def test_characters_outside_gsm7_are_flagged(make_settings: Callable[..., Settings]) -> None:
    found = problems(make_settings(), **{"en/help": "Call us — {program_phone} 😊"})
    assert any("outside GSM-7" in p and "'—'" in p and "'😊'" in p for p in found)
    assert segments("a" * 160) == ("GSM-7", 1) and segments("a" * 161) == ("GSM-7", 2)
    assert segments("á" * 70) == ("UCS-2", 1) and segments("á" * 71) == ("UCS-2", 2)
    assert segments("ñ€" * 53) == ("GSM-7", 1)  # € costs two septets: 159


def test_unknown_placeholders_are_errors(make_settings: Callable[..., Settings]) -> None:
    found = problems(make_settings(), **{"en/ack": "Thanks {name}! {skill}"})
    assert found == [
        "error: template en/ack: unknown placeholder(s) {name}; allowed: "
        "first_name, program_phone, score, skill"
    ]
    assert problems(make_settings(), **{"en/nonsense": "x"})[0].startswith(
        "error: template en/nonsense: unknown template name"
    )


def test_settings_texts_are_checked_too(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(coping_skills="Stay sober today; Call your sponsor")
    assert any("NOTIFIER_COPING_SKILLS #1" in f.where and "'sober'" in f.problem for f in check(s))


def test_coping_skills_by_label_are_checked_too(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(coping_skills_by_label="cravings: Call your sponsor | Go to a meeting; "
                      "mood: Think of your recovery")  # fmt: skip
    found = [f for f in check(s) if "NOTIFIER_COPING_SKILLS_BY_LABEL mood #1" in f.where]
    assert found and "'recovery'" in found[0].problem


def test_every_new_text_passes_check_templates(make_settings: Callable[..., Settings]) -> None:
    from notifier.outbound.texts import DEFAULTS

    for lang in ("en", "es"):
        for name in ("crisis_urgent", "concern", "callback", "ack_confirm", "ack_decline"):
            assert name in DEFAULTS[lang]
    for name in ("alert_concern", "alert_callback", "alert_held"):
        assert name in DEFAULTS["en"]
    assert check(make_settings()) == []


def test_check_templates_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = tmp_path / "s.env"
    overrides = tmp_path / "texts.toml"
    env.write_text(f"NOTIFIER_TEMPLATES_FILE={overrides}\n")
    overrides.write_text('[en]\nhelp = "For help with your recovery call {program_phone}"\n')
    assert main(["--env-file", str(env), "check-templates"]) == 0  # warnings only
    assert "'recovery'" in capsys.readouterr().out
    overrides.write_text('[en]\nhelp = "Call {phone}"\n')
    assert main(["--env-file", str(env), "check-templates", "--format", "json"]) == 1
    assert '"severity": "error"' in capsys.readouterr().out
    overrides.write_text("[en\nbroken")
    assert main(["--env-file", str(env), "check-templates"]) == 2
    assert "NOTIFIER_TEMPLATES_FILE" in capsys.readouterr().err


def test_templates_file_errors_are_one_line(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    bad = tmp_path / "t.toml"
    bad.write_text('[fr]\nhelp = "x"\n')
    with pytest.raises(TemplatesError, match=r"expected tables \[en\] and/or \[es\]"):
        Templates.from_settings(make_settings(templates_file=str(bad)))


def test_dates_and_times_in_the_clients_language() -> None:
    ny = ZoneInfo("America/New_York")
    start = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # Wed 18:00 EST
    same_day = datetime(2026, 12, 2, 21, 0, tzinfo=UTC)
    assert when_text(start, same_day, ny, "en") == "today at 6:00 PM"
    assert when_text(start, same_day, ny, "es") == "hoy a las 18:00"
    assert when_text(start, same_day.replace(day=1), ny, "es") == "mañana a las 18:00"
    assert when_text(start, same_day.replace(day=1), ny, "en") == "tomorrow at 6:00 PM"
    far = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
    assert when_text(start, far, ny, "en") == "on Wed, Dec 2 at 6:00 PM"
    assert when_text(start, far, ny, "es") == "el miércoles 2 dic a las 18:00"  # é is GSM-7
    # babel says "sábado"; á is not GSM-7 (it would halve the segment), so it is folded.
    saturday = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
    assert when_text(saturday, far, ny, "es") == "el sabado 5 dic a las 10:00"


def test_docs_texts_table_is_current() -> None:
    """docs/texts.md is generated from the templates: regenerate it with
    python -m notifier.outbound.texts_table > docs/texts.md"""
    from notifier.outbound.texts_table import reviews, table

    docs = Path(__file__).resolve().parents[3] / "docs" / "texts.md"
    assert docs.read_text(encoding="utf-8") == table()
    from notifier.outbound.texts import DEFAULTS

    client_texts = set(DEFAULTS["en"]) - {n for n in DEFAULTS["en"] if n.startswith("alert")}
    missing = client_texts - set(reviews()) - {"call_alert"}
    assert not missing, f"texts without a review entry: {sorted(missing)}"


def test_every_default_text_fits_its_budget_in_gsm7_with_accented_names(
    make_settings: Callable[..., Settings],
) -> None:
    # The check renders each template with Christopher and with Ramón, Sofía, Iñaki Jesús.
    assert check(make_settings(program_name="A" * 30)) == []
    assert check(make_settings(overdose_naloxone_line=True)) == []
