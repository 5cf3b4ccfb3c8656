"""The shared test builders keep their promises.

`shared_world` is built once per module and each test's writes are rolled back after it (the
two world tests below run in file order: the second sees nothing of the first). One fixture
name means one thing: no two conftests define it, no test module redefines a shared one.
"""

from __future__ import annotations

import ast
from pathlib import Path

from programs.models import Cohort
from tests.permissions import COORD

BUILT: list[int] = []


def test_a_case_may_change_the_shared_world(shared_world, module_world):
    BUILT.append(id(module_world))
    Cohort.objects.filter(pk=shared_world["cohort"].pk).update(name="Changed by a case")
    shared_world["users"].pop(COORD)
    shared_world["added_by_a_case"] = True


def test_the_next_case_finds_the_world_as_built(shared_world, module_world):
    BUILT.append(id(module_world))
    assert Cohort.objects.get(pk=shared_world["cohort"].pk).name == "2027"
    assert COORD in shared_world["users"]
    assert "added_by_a_case" not in shared_world
    assert len(BUILT) == 2 and BUILT[0] == BUILT[1], "the world was built twice"


# --- One name, one fixture ------------------------------------------------------------------

TESTS = Path(__file__).parent


def is_fixture(node: ast.AST) -> bool:
    if not isinstance(node, ast.FunctionDef):
        return False
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) in ("pytest.fixture", "fixture"):
            return True
    return False


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)


def fixtures_defined(path: Path) -> set[str]:
    return {node.name for node in ast.parse(path.read_text()).body if is_fixture(node)}


def fixtures_provided(path: Path) -> dict[str, str]:
    """Fixture name -> the module that defines it, for a conftest: its own fixtures and the
    ones it imports from other modules of tests/."""
    provided = dict.fromkeys(fixtures_defined(path), module_name(path))
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests."):
            source = TESTS.parent / Path(*node.module.split(".")).with_suffix(".py")
            if source.exists():
                defined = fixtures_defined(source)
                provided |= {a.name: node.module for a in node.names if a.name in defined}
    return provided


def conftests() -> list[Path]:
    return sorted(TESTS.rglob("conftest.py"))


def test_no_two_conftests_define_a_fixture_of_the_same_name():
    """A fixture name means one thing in every folder (`cohort` was three different cohorts):
    a conftest may import a fixture from another module, never define its own of that name."""
    where: dict[str, set[str]] = {}
    for path in conftests():
        for name, module in fixtures_provided(path).items():
            where.setdefault(name, set()).add(module)
    clashes = {name: sorted(modules) for name, modules in where.items() if len(modules) > 1}
    assert clashes == {}, "fixtures defined more than once: give each its own name"


def test_no_test_module_redefines_a_shared_fixture():
    shared = set()
    for path in conftests():
        shared |= fixtures_provided(path).keys()
    redefined = {
        str(path.relative_to(TESTS)): sorted(fixtures_defined(path) & shared)
        for path in sorted(TESTS.rglob("test_*.py"))
        if fixtures_defined(path) & shared
    }
    assert redefined == {}, "test modules that redefine a conftest's fixture: rename theirs"
