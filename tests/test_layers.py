"""The apps' layers are a contract (pyproject.toml, checked by lint-imports in `make lint`):
a lower app never imports a higher one, every app is in the contract, and no import of a
project app hides inside a function to dodge a cycle."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
PACKAGES = CONFIG["root_packages"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--config", "pyproject.toml"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def copy_of_the_code(into: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, into / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")
    return into


def layer_names() -> set[str]:
    layers = CONFIG["contracts"][0]["layers"]
    return {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}


def test_the_code_keeps_the_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_lower_app_importing_a_higher_one_breaks_the_contract(tmp_path):
    code = copy_of_the_code(tmp_path)
    assert lint_imports(code).returncode == 0
    models = code / "notifications" / "models.py"
    models.write_text(models.read_text() + "\nfrom relationships.models import Mentorship\n")

    result = lint_imports(code)

    assert result.returncode == 1
    assert "notifications.models -> relationships.models" in result.stdout


def test_every_app_of_the_project_is_in_a_layer():
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if (ROOT / config.name.split(".")[0]).is_dir()
    }
    assert ours  # the project's own apps, not Django's or allauth's
    assert ours | {"mentoring"} == set(PACKAGES) == layer_names()


def function_level_imports() -> list[str]:
    """Imports of project packages inside functions, except the deliberate ones: an app's
    AppConfig.ready registering its parts, and a service enqueueing its own Celery task
    (the task module imports the service)."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if path.name == "apps.py" and function.name == "ready":
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.Import):
                        modules = [alias.name for alias in node.names]
                    elif isinstance(node, ast.ImportFrom) and node.level == 0:
                        modules = [node.module or ""]
                    else:
                        continue
                    for module in modules:
                        parts = module.split(".")
                        if parts[0] in PACKAGES and parts[-1] != "tasks":
                            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {module}")
    return found


def test_no_import_of_a_project_app_hides_inside_a_function():
    assert function_level_imports() == []
