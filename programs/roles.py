"""What each program format calls the people in it.

One place for the words, so pages, forms and emails agree: a peer program pairs equals from
one pool, so its people are partners, never mentors and mentees. In reverse mentoring the
junior person is the mentor and the senior one the mentee, so the usual words stay right.
Templates read `program.roles.mentor`, `mentorship.roles.mentees` and so on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RoleLabels:
    mentor: str
    mentors: str
    mentee: str
    mentees: str
    both: str  # an enrolment on both sides
    mentoring: str  # a pair as the mentor sees it: "Mentoring Sam"
    mentored_by: str  # and as the mentee sees it: "Mentored by Dara"
    pair_mentees: str  # the heading over one pair's mentee side (several in a group)
    # A peer pool has one side: everyone takes exactly one partner, so nobody is asked for a
    # capacity and there are no mentor places to count.
    one_pool: bool = False

    def of(self, role: str) -> str:
        """The label of an enrolment role ("mentor", "mentee" or "both")."""
        return {"mentor": self.mentor, "mentee": self.mentee, "both": self.both}[role]

    def choices(self) -> list[tuple[str, str]]:
        """The roles a person can enrol in, for a form."""
        if self.one_pool:
            return [("both", self.both)]
        return [(role, self.of(role)) for role in ("mentor", "mentee", "both")]

    @property
    def sides(self) -> tuple[str, ...]:
        """Column headings for the people counted on each side (one for a peer pool)."""
        return (self.mentors,) if self.one_pool else (self.mentors, self.mentees)

    @property
    def asks_capacity(self) -> bool:
        return not self.one_pool


MENTORING = RoleLabels(
    mentor=_("mentor"),
    mentors=_("mentors"),
    mentee=_("mentee"),
    mentees=_("mentees"),
    both=_("mentor and mentee"),
    mentoring=_("Mentoring"),
    mentored_by=_("Mentored by"),
    pair_mentees=_("mentee"),
)

GROUP = replace(MENTORING, pair_mentees=_("mentees"))

PEER = RoleLabels(
    mentor=_("partner"),
    mentors=_("partners"),
    mentee=_("partner"),
    mentees=_("partners"),
    both=_("partner"),
    mentoring=_("Paired with"),
    mentored_by=_("Paired with"),
    pair_mentees=_("partner"),
    one_pool=True,
)

# By Format value. One-to-one, group, reverse and flash all have a giving and a receiving side.
BY_FORMAT: dict[str, RoleLabels] = {
    "one_to_one": MENTORING,
    "group": GROUP,
    "peer": PEER,
    "reverse": MENTORING,
    "flash": MENTORING,
}
