"""Dependencies point one way: the roof → audits → processes → the floor (import-linter contracts)."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def contracts() -> dict[str, dict]:
    config = tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    return {contract["id"]: contract for contract in config["tool"]["importlinter"]["contracts"]}


def test_the_code_keeps_every_import_contract():
    result = lint_imports(BASE_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_every_module_of_qms_is_either_roof_or_floor():
    roof = {name.strip() for name in contracts()["layers"]["layers"][0].split(":")}
    floor = set(contracts()["floor"]["source_modules"])
    qms = BASE_DIR / "qms"
    modules = {f"qms.{path.stem}" for path in qms.glob("*.py") if path.stem != "__init__"}
    modules |= {f"qms.{path.parent.name}" for path in qms.glob("*/__init__.py")}
    assert not roof & floor
    assert modules == roof | floor
    assert set(contracts()["floor"]["forbidden_modules"]) == roof | {"audits", "processes"}


@pytest.mark.parametrize(
    ("module", "line", "chain"),
    [
        ("qms/people.py", "from audits import models as audit_models", "qms.people -> audits.models"),
        ("qms/units/services.py", "from qms.certification import selectors", "qms.units.services -> qms.certification"),
        ("processes/selectors.py", "from audits import selectors as audit_selectors", "processes.selectors -> audits"),
        ("audits/selectors.py", "from qms.certification import rules", "audits.selectors -> qms.certification"),
    ],
)
def test_an_import_against_the_layers_breaks_the_check(tmp_path, module, line, chain):
    for package in ("qms", "processes", "audits"):
        shutil.copytree(
            BASE_DIR / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "locale", "templates", "static"),
        )
    shutil.copy(BASE_DIR / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert ", 0 broken." not in result.stdout
    assert chain in result.stdout
