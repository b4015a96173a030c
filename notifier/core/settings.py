"""Every environment variable notifier reads, parsed and validated in one place.

Settings are built by :func:`load_settings` (never at import time) and passed down. Values come
from the env file (``--env-file``, default ``./settings.env`` when present) with real environment
variables taking precedence. Any bad value raises :class:`SettingsError` carrying one line that
names the variable, the value and what was expected; the CLI prints it and exits with code 2.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import phonenumbers
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from notifier.core import grammar, tiers
from notifier.core.calendar import CheckinDays, GroupSpec, Offset, QuietHours
from notifier.core.phases import Phases
from notifier.core.program_hours import ProgramHours
from notifier.core.settings_checks import check_alert_loop, check_numbers, check_staff_sign_in
from notifier.core.settings_values import (
    MAKE_TOKEN,
    MIN_STAFF_TOKEN,
    FieldError,
    random_enough,
)
from notifier.core.tiers import Tier

DEFAULT_ENV_FILE = "settings.env"
DEFAULT_PROGRAM_NAME = "Reminder Line"
PROGRAM_NAME_MAX = 30  # the HELP and welcome texts' length budgets count on it
DEFAULT_DATABASE_URL = "sqlite:///notifier.db"
SECRET_FIELDS = frozenset(
    {"staff_token", "twilio_auth_token", "encryption_keys", "session_secret", "oidc_client_secret"}
)

DEFAULT_CHECKIN_QUESTIONS = (
    "cravings: How strong are cravings today, 0-10? Reply with a number.; "
    "stress: How stressful has today been, 0-10? Reply with a number.; "
    "mood: How is your mood today, 0 (low) to 10 (great)? Reply with a number."
)
DEFAULT_COPING_SKILLS = (
    "Try riding the urge like a wave: notice it, breathe, and let it peak and pass.; "
    "Try the 10-minute delay: wait 10 minutes before deciding anything.; "
    "Think of someone from group you could call or text today.; "
    "Check in with yourself: are you Hungry, Angry, Lonely or Tired?; "
    "Try 4-7-8 breathing: in for 4, hold for 7, out for 8, three times.; "
    "A short walk or a glass of water can reset the next hour."
)


def _d(text: str) -> timedelta:
    return grammar.parse_duration(text)


def _questions_default() -> tuple[tuple[str, str], ...]:
    pairs = (item.split(":", 1) for item in DEFAULT_CHECKIN_QUESTIONS.split(";"))
    return tuple((label.strip(), question.strip()) for label, question in pairs)


class SettingsError(Exception):
    """A bad setting; ``str()`` is the one line shown to the user."""


Duration = Annotated[timedelta, NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NOTIFIER_",
        extra="ignore",
        case_sensitive=False,
        validate_default=True,
        populate_by_name=True,
        hide_input_in_errors=False,
    )

    # --- contract of DESIGN.md -------------------------------------------------------------
    database_url: str = DEFAULT_DATABASE_URL
    sms_backend: Literal["console", "twilio"] = "console"
    timezone: Annotated[ZoneInfo, NoDecode] = Field(default=ZoneInfo("America/New_York"))
    groups: Annotated[tuple[GroupSpec, ...], NoDecode] = ()
    reminder_offsets: Annotated[tuple[Offset, ...], NoDecode] = grammar.parse_offsets("24h,2h")
    checkin_days: Annotated[CheckinDays, NoDecode] = CheckinDays("non-session")
    checkin_time: Annotated[time, NoDecode] = time(12, 0)
    quiet_hours: Annotated[QuietHours | None, NoDecode] = QuietHours(time(21, 0), time(8, 0))
    # No meetings on these dates (reminders follow). Check-ins go on: holidays are high-risk
    # days; NOTIFIER_NO_CHECKIN_DATES names the dates without them.
    skip_dates: Annotated[tuple[date, ...], NoDecode] = ()
    no_checkin_dates: Annotated[tuple[date, ...], NoDecode] = ()
    phases: Phases = ()  # step-down (notifier.core.phases); empty: NOTIFIER_CHECKIN_DAYS only
    oncall_numbers: Annotated[tuple[str, ...], NoDecode] = ()
    program_phone: str = ""
    staff_token: SecretStr | None = None
    public_url: str | None = None
    default_region: str = "US"
    twilio_account_sid: str | None = Field(
        default=None, validation_alias=AliasChoices("TWILIO_ACCOUNT_SID")
    )
    twilio_auth_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TWILIO_AUTH_TOKEN")
    )
    twilio_messaging_service_sid: str | None = Field(
        default=None, validation_alias=AliasChoices("TWILIO_MESSAGING_SERVICE_SID")
    )
    twilio_from_number: str | None = Field(
        default=None, validation_alias=AliasChoices("TWILIO_FROM_NUMBER")
    )
    twilio_api_base: str | None = None
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=8000, ge=1, le=65535)
    # Slow clients: a request's headers, and a webhook's body, must arrive within these; at most
    # this many connections at once (more get 503).
    http_header_timeout: Duration = _d("10s")
    http_body_timeout: Duration = _d("10s")
    http_max_connections: int = Field(default=200, ge=1, le=100_000)
    # /metrics is served here only (not on the public port). Port 0 turns it off.
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=9100, ge=0, le=65535)

    # --- planning and sending --------------------------------------------------------------
    plan_horizon: Duration = _d("8d")
    checkin_expiry: Duration = _d("4h")
    reminder_expiry: Duration = _d("2h")
    send_concurrency: int = Field(default=4, ge=1, le=64)
    max_send_rate: float = Field(default=0.0, ge=0.0)
    max_attempts: int = Field(default=6, ge=1, le=50)
    retry_backoff: Duration = _d("30s")
    dispatch_batch: int = Field(default=100, ge=1, le=5000)
    claim_lease: Duration = _d("5m")
    twilio_timeout: float = Field(default=15.0, gt=0, le=120)
    plan_interval: Duration = _d("5m")
    dispatch_interval: Duration = _d("5s")
    expire_interval: Duration = _d("1m")
    poll_interval: Duration = _d("1m")

    # --- replies and follow-up -------------------------------------------------------------
    reply_window: Duration = _d("48h")
    high_score: int = Field(default=7, ge=0, le=10)
    low_score_labels: Annotated[tuple[str, ...], NoDecode] = ("mood",)
    checkin_questions: Annotated[tuple[tuple[str, str], ...], NoDecode] = _questions_default()
    coping_skills: Annotated[tuple[str, ...], NoDecode] = tuple(
        x.strip() for x in DEFAULT_COPING_SKILLS.split(";")
    )
    # label -> skills for that question's acknowledgement; empty = the built-in ones, with
    # NOTIFIER_COPING_SKILLS as the fallback (see notifier/outbound/coping.py).
    coping_skills_by_label: Annotated[tuple[tuple[str, tuple[str, ...]], ...], NoDecode] = ()
    crisis_terms: Annotated[tuple[str, ...], NoDecode] = ()
    program_hours: Annotated[ProgramHours, NoDecode] = grammar.parse_program_hours(
        "mon-fri 09:00-17:00"
    )
    # Alerts raised by messages from numbers on no client's record, per hour (all numbers
    # together); one number raises at most one an hour. Clients' alerts are never limited.
    unknown_alerts_per_hour: int = Field(default=10, ge=1, le=1000)
    # A crisis alert nobody acknowledged this long after staff were told is sent once more, to
    # these numbers (empty = every on-call number again). See notifier/inbound/escalation.py.
    crisis_escalate_after: Duration = _d("15m")
    escalation_numbers: Annotated[tuple[str, ...], NoDecode] = ()
    # --- the alert loop (notifier/inbound/): tiers, claims, attempts ------------------------
    # After how long, which numbers, "call" for a voice call (notifier/core/tiers.py).
    escalation_tiers: Annotated[tuple[Tier, ...], NoDecode] = ()
    # "I'm calling now" holds escalation this long; an outcome that keeps the alert open
    # (left a message, 911 called, ...) holds it until the next attempt is due.
    alert_claim_pause: Duration = _d("10m")
    alert_retry_after: Duration = _d("30m")
    # "Could not reach" after this many tries (messages left included) escalates at once.
    alert_attempts: int = Field(default=3, ge=1, le=20)
    # A neutral trading name for HELP, welcome and opt-in texts (never the program's nature).
    program_name: str = DEFAULT_PROGRAM_NAME
    # The overdose text adds "If you have naloxone, use it now" (a lock screen shows it).
    overdose_naloxone_line: bool = False
    reports_dir: Path | None = None
    report_lead: Duration = _d("2h")
    webhook_max_bytes: int = Field(default=16384, ge=1024, le=1_048_576)

    # --- privacy ---------------------------------------------------------------------------
    encryption_keys: Annotated[tuple[str, ...], NoDecode] = ()
    key_file: Path | None = None
    retention: Duration = _d("180d")
    disclosure_words: Annotated[tuple[str, ...], NoDecode] = ()
    templates_file: Path | None = None

    # --- staff sign-in (notifier/web/routes/auth.py) ---------------------------------------
    staff_mfa: Literal["required", "optional"] = "required"
    staff_idle_timeout: Duration = _d("15m")
    staff_session_max: Duration = _d("12h")
    # Signs the staff session cookie; unset = derived from the newest encryption key.
    session_secret: SecretStr | None = None
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None

    # --- operations ------------------------------------------------------------------------
    log_format: Literal["auto", "json", "text"] = "auto"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # ----------------------------------------------------------------------------------------
    @field_validator("timezone", mode="before")
    @classmethod
    def _zone(cls, v: Any) -> ZoneInfo:
        return v if isinstance(v, ZoneInfo) else grammar.parse_zone(str(v))

    @field_validator("groups", mode="before")
    @classmethod
    def _groups(cls, v: Any) -> tuple[GroupSpec, ...]:
        return tuple(v) if not isinstance(v, str) else grammar.parse_groups(v)

    @field_validator("reminder_offsets", mode="before")
    @classmethod
    def _offsets(cls, v: Any) -> tuple[Offset, ...]:
        return tuple(v) if not isinstance(v, str) else grammar.parse_offsets(v)

    @field_validator("checkin_days", mode="before")
    @classmethod
    def _checkin_days(cls, v: Any) -> CheckinDays:
        return v if isinstance(v, CheckinDays) else grammar.parse_checkin_days(str(v))

    @field_validator("checkin_time", mode="before")
    @classmethod
    def _checkin_time(cls, v: Any) -> time:
        return v if isinstance(v, time) else grammar.parse_clock(str(v))

    @field_validator("quiet_hours", mode="before")
    @classmethod
    def _quiet(cls, v: Any) -> QuietHours | None:
        if v is None or isinstance(v, QuietHours):
            return v
        return grammar.parse_quiet_hours(str(v))

    @field_validator("program_hours", mode="before")
    @classmethod
    def _program_hours(cls, v: Any) -> ProgramHours:
        return v if isinstance(v, ProgramHours) else grammar.parse_program_hours(str(v))

    @field_validator("coping_skills_by_label", mode="before")
    @classmethod
    def _skills_by_label(cls, v: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if not isinstance(v, str):
            return tuple((str(label), tuple(skills)) for label, skills in v)
        found: list[tuple[str, tuple[str, ...]]] = []
        for item in (p.strip() for p in v.split(";")):
            if not item:
                continue
            label, sep, rest = item.partition(":")
            label = label.strip().lower()
            skills = tuple(x.strip() for x in rest.split("|") if x.strip())
            if not sep or not label.isidentifier() or not skills:
                raise ValueError(
                    "expected 'label: skill | skill' entries separated by ';' "
                    f"(e.g. 'stress: Take three slow breaths. | Step outside.'), got {item!r}"
                )
            if label in dict(found):
                raise ValueError(f"expected each label once, got {label!r} twice")
            found.append((label, skills))
        return tuple(found)

    @field_validator("escalation_tiers", mode="before")
    @classmethod
    def _tiers(cls, v: Any) -> tuple[Tier, ...]:
        return tuple(v) if not isinstance(v, str) else tiers.parse_tiers(v)

    @field_validator("program_name", mode="before")
    @classmethod
    def _program_name(cls, v: Any) -> str:
        name = " ".join(str(v).split())
        if not name:
            return DEFAULT_PROGRAM_NAME
        if len(name) > PROGRAM_NAME_MAX:
            raise ValueError(f"expected at most {PROGRAM_NAME_MAX} characters (texts' length)")
        return name

    @field_validator("skip_dates", "no_checkin_dates", mode="before")
    @classmethod
    def _skip(cls, v: Any) -> tuple[date, ...]:
        return tuple(v) if not isinstance(v, str) else grammar.parse_dates(v)

    @field_validator(
        "plan_horizon",
        "checkin_expiry",
        "reminder_expiry",
        "retry_backoff",
        "claim_lease",
        "reply_window",
        "report_lead",
        "plan_interval",
        "dispatch_interval",
        "poll_interval",
        "retention",
        "expire_interval",
        "http_header_timeout",
        "http_body_timeout",
        "staff_idle_timeout",
        "staff_session_max",
        "crisis_escalate_after",
        "alert_claim_pause",
        "alert_retry_after",
        mode="before",
    )
    @classmethod
    def _duration(cls, v: Any) -> timedelta:
        if isinstance(v, timedelta):
            return v
        value = grammar.parse_duration(str(v))
        if value <= timedelta(0):
            raise ValueError("expected a duration greater than zero")
        return value

    @field_validator("checkin_questions", mode="before")
    @classmethod
    def _questions(cls, v: Any) -> tuple[tuple[str, str], ...]:
        if not isinstance(v, str):
            return tuple(tuple(x) for x in v)
        found: list[tuple[str, str]] = []
        for item in (p.strip() for p in v.split(";")):
            if not item:
                continue
            label, sep, question = item.partition(":")
            label = label.strip().lower()
            if not sep or not label.isidentifier() or not question.strip():
                raise ValueError(
                    "expected 'label: question' entries separated by ';' "
                    f"(e.g. 'cravings: How strong are cravings today, 0-10?'), got {item!r}"
                )
            found.append((label, question.strip()))
        if not found:
            raise ValueError("expected at least one 'label: question'")
        return tuple(found)

    @field_validator("coping_skills", "disclosure_words", mode="before")
    @classmethod
    def _semicolon_list(cls, v: Any) -> tuple[str, ...]:
        if not isinstance(v, str):
            return tuple(v)
        sep = ";" if ";" in v else ","
        return tuple(p.strip() for p in v.split(sep) if p.strip())

    @field_validator("crisis_terms", "encryption_keys", "low_score_labels", mode="before")
    @classmethod
    def _comma_list(cls, v: Any) -> tuple[str, ...]:
        if not isinstance(v, str):
            return tuple(v)
        return tuple(p.strip() for p in v.split(",") if p.strip())

    @field_validator("oncall_numbers", "escalation_numbers", mode="before")
    @classmethod
    def _oncall_split(cls, v: Any) -> tuple[str, ...]:
        # E.164 normalisation happens in the model validator, which knows the default region.
        if not isinstance(v, str):
            return tuple(v)
        return tuple(p.strip() for p in v.split(",") if p.strip())

    @field_validator("default_region", mode="before")
    @classmethod
    def _region(cls, v: Any) -> str:
        region = str(v).strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError("expected a two-letter region code such as US or CA")
        return region

    @field_validator(
        "reports_dir",
        "key_file",
        "templates_file",
        "staff_token",
        "twilio_account_sid",
        "twilio_auth_token",
        "twilio_messaging_service_sid",
        "twilio_from_number",
        "session_secret",
        "oidc_client_id",
        "oidc_client_secret",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, v: Any) -> Any:
        # `NAME=` in an env file means "not set", not "the empty path/string".
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("staff_token", mode="after")
    @classmethod
    def _staff_token(cls, v: SecretStr | None) -> SecretStr | None:
        # Unset stays allowed (the page then answers 401 to everyone); a set token must be one
        # nobody can guess: the page shows clients' health information.
        if v is None:
            return v
        if not random_enough(v.get_secret_value()):
            raise ValueError(
                f"expected a random token of at least {MIN_STAFF_TOKEN} characters, not a "
                "placeholder nor repeated or sequential characters (make one with: "
                f"{MAKE_TOKEN}), or leave it empty to disable the page"
            )
        return v

    @field_validator("public_url", "twilio_api_base", "oidc_issuer", mode="before")
    @classmethod
    def _url(cls, v: Any) -> str | None:
        if v is None or not str(v).strip():
            return None
        url = str(v).strip().rstrip("/")
        parsed = urlparse(url)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise ValueError("expected an http(s) URL such as https://notifier.example.org")
        return url

    @field_validator("database_url", mode="before")
    @classmethod
    def _db_url(cls, v: Any) -> str:
        url = str(v).strip()
        if not url.startswith(("sqlite", "postgresql")):
            raise ValueError(
                "expected sqlite:///path/to/file.db or postgresql+psycopg://user@host/db"
            )
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url

    @model_validator(mode="after")
    def _cross_checks(self) -> Settings:
        check_numbers(self, env_name)
        check_alert_loop(self)
        check_staff_sign_in(self, env_name)
        labels = {label for label, _ in self.checkin_questions}
        for label, _ in self.coping_skills_by_label:
            if label not in labels:
                raise FieldError(
                    "coping_skills_by_label",
                    label,
                    "expected labels of NOTIFIER_CHECKIN_QUESTIONS: " + ", ".join(sorted(labels)),
                )
        group_names = [g.name for g in self.groups]
        if len(set(group_names)) != len(group_names):
            raise FieldError("groups", ",".join(group_names), "expected unique group names")
        return self

    @property
    def tiers(self) -> tuple[Tier, ...]:
        """The escalation tiers after on-call: NOTIFIER_ESCALATION_TIERS, else one tier of
        NOTIFIER_ESCALATION_NUMBERS (or every on-call number again) after
        NOTIFIER_CRISIS_ESCALATE_AFTER."""
        if self.escalation_tiers:
            return self.escalation_tiers
        if not self.escalation_recipients:
            return ()
        return (Tier(self.crisis_escalate_after, self.escalation_recipients),)

    @property
    def escalation_recipients(self) -> tuple[str, ...]:
        """Who an unanswered crisis alert goes to: NOTIFIER_ESCALATION_NUMBERS, or every
        on-call number again when that is empty."""
        return self.escalation_numbers or self.oncall_numbers

    @property
    def real_sms(self) -> bool:
        """Texts reach phones: every backend but the console one (which only logs). Settings
        that protect real people's data follow it (the key kept apart from the data). The
        transport says the same of itself (``Transport.real``) once built."""
        return self.sms_backend != "console"

    @property
    def oidc_enabled(self) -> bool:
        return self.oidc_issuer is not None

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry ``Secure`` when staff reach notifier over https."""
        return bool(self.public_url and self.public_url.startswith("https://"))

    # ----------------------------------------------------------------------------------------
    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def group(self, name: str) -> GroupSpec | None:
        return next((g for g in self.groups if g.name == name), None)

    def secret(self, field: str) -> str | None:
        value = getattr(self, field)
        return value.get_secret_value() if isinstance(value, SecretStr) else value


def env_name(field: str) -> str:
    info = Settings.model_fields[field]
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"NOTIFIER_{field.upper()}"
