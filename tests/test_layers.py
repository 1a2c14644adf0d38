"""The layers of DESIGN.md hold: checked by import-linter and in a fresh process."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold() -> None:
    linter = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(linter)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower() or "0 broken" in result.stdout.lower()


def test_services_and_domain_load_without_textual_or_sqlalchemy_in_domain() -> None:
    probe = (
        "import sys, pkgutil, importlib\n"
        "import salessprint.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__): importlib.import_module('salessprint.domain.' + m.name)\n"
        "assert 'sqlalchemy' not in sys.modules and 'textual' not in sys.modules, 'domain is not pure'\n"
        "import salessprint.services as s\n"
        "for m in pkgutil.iter_modules(s.__path__): importlib.import_module('salessprint.services.' + m.name)\n"
        "assert 'textual' not in sys.modules, 'services imported textual'\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
