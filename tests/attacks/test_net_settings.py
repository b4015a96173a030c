"""Attacks on the configuration: a guessable staff token (finding 1) and plain-http webhooks
(finding 6) stop start-up with exit 2 and one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from notifier.cli import main
from notifier.core.settings import SettingsError
from notifier.core.settings_load import load_settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "settings.example.env"
GOOD_TOKEN = "Jq3Vd9xR2mWk7LpZ0sTfYb8NcHe4GuAo"  # 32 random-looking characters
TWILIO = {
    "NOTIFIER_SMS_BACKEND": "twilio",
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
    "TWILIO_AUTH_TOKEN": "auth-token",
    "TWILIO_FROM_NUMBER": "+13125550100",
    "NOTIFIER_ONCALL_NUMBERS": "+13125550190",
    "NOTIFIER_ESCALATION_TIERS": "15m: +13125550191",
}


def _env(tmp_path: Path, **values: str) -> Path:
    path = tmp_path / "attack.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


def _refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], variable: str, **values: str
) -> str:
    """Every command that loads the settings exits 2 with one line naming ``variable``."""
    env = _env(tmp_path, NOTIFIER_DATABASE_URL=f"sqlite:///{tmp_path / 'n.db'}", **values)
    for command in (["run"], ["clients", "list"], ["db", "upgrade"]):
        assert main(["--env-file", str(env), *command]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and variable in err, err
    assert not (tmp_path / "n.db").exists()  # nothing was created
    return err


@pytest.mark.parametrize(
    "token",
    [
        "change-me-to-a-long-random-string",  # the old example value
        "CHANGE-ME-to-something-long-and-random-please",
        "changeme",
        "secret",
        "Token",
        "PASSWORD",
        "example-staff-token-0123456789abcdef",
        "placeholder-placeholder-placeholder",
        "x",  # one character
        "s3cr3t-but-only-twenty-9",  # random-ish but short
    ],
)
def test_placeholder_or_short_staff_token_refused_at_startup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], token: str
) -> None:
    err = _refused(tmp_path, capsys, "NOTIFIER_STAFF_TOKEN", NOTIFIER_STAFF_TOKEN=token)
    assert "at least 32 characters" in err and "secrets.token_urlsafe(32)" in err
    assert "'***'" in err and repr(token) not in err  # a secret is never echoed


def test_example_settings_ship_no_staff_token_and_start() -> None:
    """The example file leaves the token empty (the page then answers 401) and says how to
    make one; it loads as it is."""
    text = EXAMPLE.read_text()
    assert "NOTIFIER_STAFF_TOKEN=\n" in text
    assert "secrets.token_urlsafe(32)" in text
    assert "change-me" not in text.lower()
    assert load_settings(EXAMPLE).staff_token is None


def test_long_random_staff_token_accepted(tmp_path: Path) -> None:
    settings = load_settings(_env(tmp_path, NOTIFIER_STAFF_TOKEN=GOOD_TOKEN))
    assert settings.secret("staff_token") == GOOD_TOKEN


@pytest.mark.parametrize(
    "url",
    ["http://notifier.example.org", "http://10.0.0.5:8000", "http://[2001:db8::1]", "ftp://x.org"],
)
def test_plain_http_public_url_refused_with_twilio_backend(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    err = _refused(tmp_path, capsys, "NOTIFIER_PUBLIC_URL", NOTIFIER_PUBLIC_URL=url, **TWILIO)
    assert "https" in err


@pytest.mark.parametrize(
    "url",
    [
        "https://notifier.example.org",
        "http://127.0.0.1:8000",
        "http://127.8.9.10",
        "http://[::1]:8000",
        "http://localhost:8000",
    ],
)
def test_https_or_loopback_public_url_accepted_with_twilio_backend(
    tmp_path: Path, url: str
) -> None:
    assert load_settings(_env(tmp_path, NOTIFIER_PUBLIC_URL=url, **TWILIO)).public_url == url


def test_plain_http_public_url_still_fine_with_console_backend(tmp_path: Path) -> None:
    url = "http://notifier.example.org"
    assert load_settings(_env(tmp_path, NOTIFIER_PUBLIC_URL=url)).public_url == url


def test_refusal_is_a_settings_error_naming_the_variable(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"^NOTIFIER_STAFF_TOKEN='\*\*\*': expected"):
        load_settings(_env(tmp_path, NOTIFIER_STAFF_TOKEN="change-me"))


# --- issue 17 ----------------------------------------------------------------------------------
OIDC = {"NOTIFIER_OIDC_CLIENT_ID": "notifier", "NOTIFIER_OIDC_CLIENT_SECRET": "client-secret"}


@pytest.mark.parametrize("backend", [TWILIO, {}])
@pytest.mark.parametrize("issuer", ["http://idp.example.org", "http://10.0.0.7:8080/realms/x"])
def test_plain_http_oidc_issuer_refused_unless_loopback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], issuer: str, backend: dict[str, str]
) -> None:
    """N4: the provider's discovery document, keys and tokens would travel over plain http,
    where anyone on the path could sign staff in as whom they like."""
    public = {"NOTIFIER_PUBLIC_URL": "https://notifier.example.org"}
    err = _refused(tmp_path, capsys, "NOTIFIER_OIDC_ISSUER", NOTIFIER_OIDC_ISSUER=issuer,
                   **public, **OIDC, **backend)  # fmt: skip
    assert "https" in err


@pytest.mark.parametrize("issuer", ["https://idp.example.org", "http://127.0.0.1:9400"])
def test_https_or_loopback_oidc_issuer_accepted(tmp_path: Path, issuer: str) -> None:
    settings = load_settings(_env(tmp_path, NOTIFIER_OIDC_ISSUER=issuer,
                                  NOTIFIER_PUBLIC_URL="https://notifier.example.org", **OIDC,
                                  **TWILIO))  # fmt: skip
    assert settings.oidc_issuer == issuer


LOW_ENTROPY = [
    "a" * 40,
    "0123456789" * 4,
    "passwordpasswordpasswordpassword1",
    "abcdefghijklmnopqrstuvwxyz012345",
    "staff-secret-0123456789abcdefghijklmnop",  # the suite's own old value
    "qwertyuiopasdfghjklzxcvbnm1234567890",
]


@pytest.mark.parametrize("token", LOW_ENTROPY)
def test_low_entropy_staff_token_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], token: str
) -> None:
    """N9: 32 characters are not 32 random characters."""
    err = _refused(tmp_path, capsys, "NOTIFIER_STAFF_TOKEN", NOTIFIER_STAFF_TOKEN=token)
    assert "random" in err and repr(token) not in err


@pytest.mark.parametrize(
    "secret", [*LOW_ENTROPY, "change-me-to-a-long-random-string-please", "example-session-secret-"
               "for-the-cookie-signing"],
)  # fmt: skip
def test_placeholder_or_low_entropy_session_secret_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], secret: str
) -> None:
    err = _refused(tmp_path, capsys, "NOTIFIER_SESSION_SECRET", NOTIFIER_SESSION_SECRET=secret)
    assert "random" in err and repr(secret) not in err


def test_random_tokens_and_secrets_accepted(tmp_path: Path) -> None:
    import secrets

    for _ in range(50):
        for value in (secrets.token_urlsafe(32), secrets.token_hex(16), secrets.token_hex(32)):
            settings = load_settings(_env(tmp_path, NOTIFIER_STAFF_TOKEN=value,
                                          NOTIFIER_SESSION_SECRET=value))  # fmt: skip
            assert settings.secret("staff_token") == value
