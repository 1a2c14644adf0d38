"""Helpers for the command line tests that are not fixtures."""

from __future__ import annotations

from click.testing import CliRunner

from salessprint.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr
