"""Who may be paired is matching's rule; making the pair is relationships'.

Matching sits above relationships: it reads the pairs that exist (capacity, earlier and ended
pairs) and forms new ones through `relationships.services.mentorships_create`. The one thing
relationships needs back is the rule itself, run by every path that pairs people, so matching
hands it down at start-up (MatchingConfig.ready calls `pairing_rule_set`) instead of
relationships importing upwards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from core.errors import DomainError

if TYPE_CHECKING:
    from profiles.models import Person
    from programs.models import Cohort

# A mentor and the mentees they would take on (one for one-to-one, reverse and peer pairs).
Group = tuple["Person", Sequence["Person"]]
PairingRule = Callable[..., list[str]]  # (*, cohort, groups) -> every reason they may not pair

_rule: list[PairingRule] = []


class PairingRefused(DomainError):
    """Some of the pairs may not be formed; `problems` says why, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def pairing_rule_set(rule: PairingRule) -> PairingRule:
    _rule[:] = [rule]
    return rule


def pairing_problems(*, cohort: Cohort, groups: Sequence[Group]) -> list[str]:
    if not _rule:
        # Never pair unchecked: a missing rule is a broken installation, not "anything goes".
        raise RuntimeError("No pairing rule is registered (matching registers it at start-up).")
    return _rule[0](cohort=cohort, groups=groups)
