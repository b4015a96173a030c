"""Loading the settings: the env file, the environment, and one line for a bad value."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from pydantic import ValidationError

from notifier.core.settings import (
    DEFAULT_ENV_FILE,
    SECRET_FIELDS,
    Settings,
    SettingsError,
    env_name,
)
from notifier.core.settings_values import FieldError


def known_env_names() -> frozenset[str]:
    return frozenset(env_name(f) for f in Settings.model_fields)


def _shown(field: str, value: object) -> str:
    if field in SECRET_FIELDS:
        return "'***'"
    text = re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", str(value))  # a password in a URL
    if len(text) > 80:
        text = text[:77] + "..."
    return repr(text)


def _one_line(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = first.get("loc") or ()
    field = str(loc[0]) if loc else ""
    ctx = first.get("ctx") or {}
    inner = ctx.get("error")
    if isinstance(inner, FieldError):
        return f"{env_name(inner.field)}={_shown(inner.field, inner.value)}: {inner.expected}"
    msg = str(first.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ").removeprefix("Input should be ")
    if not msg.startswith("expected"):
        msg = "expected " + msg[0].lower() + msg[1:] if msg else "invalid value"
    name = env_name(field) if field in Settings.model_fields else field
    return f"{name}={_shown(field, first.get('input'))}: {msg}"


def load_settings(
    env_file: str | Path | None = None,
    **overrides: Any,
) -> Settings:
    """Build the settings from an env file and the environment.

    ``env_file=None`` uses ``./settings.env`` when it exists. An explicitly named file that does
    not exist is an error. Unknown ``NOTIFIER_*`` names in the file are reported, since a typo
    there would otherwise silently fall back to a default.
    """
    if env_file is None:
        path: Path | None = Path(DEFAULT_ENV_FILE) if Path(DEFAULT_ENV_FILE).is_file() else None
    else:
        path = Path(env_file)
        if not path.is_file():
            raise SettingsError(f"--env-file {str(path)!r}: expected an existing env file")
    if path is not None:
        known = known_env_names()
        for key in dotenv_values(path):
            if key.upper().startswith("NOTIFIER_") and key.upper() not in known:
                raise SettingsError(
                    f"{key} (in {path}): expected one of the documented NOTIFIER_ variables "
                    "(see settings.example.env)"
                )
    try:
        return Settings(_env_file=path, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None
    except FieldError as exc:
        raise SettingsError(
            f"{env_name(exc.field)}={_shown(exc.field, exc.value)}: {exc.expected}"
        ) from None
