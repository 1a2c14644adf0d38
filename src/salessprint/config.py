"""Settings: which database, who I am, which theme.

Precedence, highest first: command-line options (`--db`, `--as`), environment
(`SALESSPRINT_DB`, `SALESSPRINT_USER`, `SALESSPRINT_THEME`), the config file
(`config.toml` in platformdirs' user config dir, or `SALESSPRINT_CONFIG`),
then defaults (`salessprint.db` in platformdirs' user data dir).
Nothing is read at import time; `load_settings()` reads on demand.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from salessprint.domain.errors import InvalidInput
from salessprint.domain.text import control_character
from salessprint.paths import APP, config_path, data_dir, default_db_url, user_themes_dir

__all__ = [
    "APP",
    "Settings",
    "config_path",
    "data_dir",
    "default_db_url",
    "load_settings",
    "save_settings",
    "user_themes_dir",
]


class Settings(BaseSettings):
    """What salessprint needs to start: a store, an identity, a theme."""

    model_config = SettingsConfigDict(env_prefix="SALESSPRINT_", extra="ignore")

    db: str = Field(default_factory=default_db_url)
    """Database URL or SQLite file path."""
    user: str | None = None
    """Login of the member I act as."""
    theme: str = "salessprint-dark"
    """Name of the Textual theme to open with."""

    @field_validator("db", "user", "theme")
    @classmethod
    def _no_control_characters(cls, value: str | None) -> str | None:
        if value is not None and (bad := control_character(value)):
            raise ValueError(f"it contains {bad}")
        return value

    @field_validator("db")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the database URL is empty")
        return value.strip()

    @field_validator("user")
    @classmethod
    def _login(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        return value or None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_path()),
        )


def load_settings(**overrides: Any) -> Settings:
    """Read settings; a broken config file is an InvalidInput naming it."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"The config file {config_path()} is not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise InvalidInput(
            f"The config file {config_path()} cannot be read as UTF-8 TOML: save it as UTF-8 (it is not)."
        ) from None
    except OSError as exc:
        raise InvalidInput(f"The config file {config_path()} cannot be read: {exc.strerror or exc}.") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InvalidInput(f"Setting '{where}' is wrong: {err['msg'].removeprefix('Value error, ')}") from None


def save_settings(**updates: Any) -> Path:
    """Merge values into the config file (creating it), keeping other keys."""
    path = config_path()
    current: dict[str, Any] = {}
    if path.exists():
        try:
            current = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            current = {}
    current.update({k: v for k, v in updates.items() if v is not None})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(current), encoding="utf-8")
    return path
