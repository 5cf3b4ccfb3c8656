"""The shared test builders keep their promises.

`shared_world` is built once per module and each test's writes are rolled back after it (the
two world tests below run in file order: the second sees nothing of the first).
"""

from __future__ import annotations

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
