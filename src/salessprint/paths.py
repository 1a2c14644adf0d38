"""Where salessprint's files live: the config file, the data folder, user themes.

Kept apart from `config` (pydantic-settings) so the TUI can find the theme
folder before its first frame without importing the settings machinery.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "salessprint"


def config_path() -> Path:
    """`SALESSPRINT_CONFIG`, else `config.toml` in platformdirs' user config dir."""
    override = os.environ.get("SALESSPRINT_CONFIG")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP) / "config.toml"


def data_dir() -> Path:
    """`SALESSPRINT_DATA_DIR`, else platformdirs' user data dir."""
    override = os.environ.get("SALESSPRINT_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP)


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'salessprint.db'}"


def user_themes_dir() -> Path:
    return config_path().parent / "themes"
