"""Reports: HR viewers (organisation-wide) and coordinators (their own programs, site admins all);
404 for everyone else. The pair-level list is for coordinators only, HR viewers included out."""

from __future__ import annotations

from tests.permissions import ADMIN, COORD, HR, OTHER_COORD, Case, coordinators_only, signed_in

READERS = {ADMIN: 200, COORD: 200, OTHER_COORD: 200}


def csv(world: dict) -> dict:
    return {"fmt": "csv"}


def xlsx(world: dict) -> dict:
    return {"fmt": "xlsx"}


CASES: dict[str, Case] = {
    "reports:participation": Case(signed_in(404, **READERS, **{HR: 200})),
    "reports:report_export": Case(signed_in(404, **READERS, **{HR: 200}), csv),
    "reports:sessions_export": Case(signed_in(404, **READERS, **{HR: 200}), xlsx),
    "reports:pairs_export": Case(signed_in(404, **READERS), csv),
    # A suggested weight change, applied by the program's own coordinators only (a POST with
    # nothing in it is refused with a message and a redirect).
    "reports:weight_change": Case(
        coordinators_only(302), lambda w: {"slug": w["program"].slug}, "post"
    ),
}
