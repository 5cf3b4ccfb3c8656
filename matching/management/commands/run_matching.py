from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from matching import services
from matching.loading import CohortBlock
from matching.models import MatchRun
from programs.models import Cohort

CSV_CHUNK_ROWS = 256


def write_scores(path: Path, block: CohortBlock, cents: np.ndarray, mask: np.ndarray) -> int:
    """Every feasible pair's score, one row each, written in chunks of mentees."""
    mentor_emails = np.array([m.email for m in block.mentors], dtype=object)
    rows = 0
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["mentee_email", "mentor_email", "score"])
        for start in range(0, len(block.mentees), CSV_CHUNK_ROWS):
            sub_mask = mask[start : start + CSV_CHUNK_ROWS]
            i, j = np.nonzero(sub_mask)
            if block.peer:
                # A peer pair is one pair: list it once, from the lower index.
                keep = (i + start) < j
                i, j = i[keep], j[keep]
            scores = cents[start + i, j] / 100
            mentees = [block.mentees[start + k].email for k in i.tolist()]
            writer.writerows(zip(mentees, mentor_emails[j].tolist(), scores.tolist(), strict=True))
            rows += len(i)
    return rows


class Command(BaseCommand):
    help = (
        "Match a whole cohort at once and store the run as a draft; with --publish, publish "
        "it. --publish-run publishes a stored draft run instead of matching again. Exits 1 on "
        "errors (nothing published)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cohort", help="The cohort's slug.")
        parser.add_argument(
            "--json", action="store_true", help="Print the result as one JSON object."
        )
        parser.add_argument(
            "--scores-out",
            type=Path,
            metavar="FILE.csv",
            help="Write mentee_email,mentor_email,score for every feasible pair.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the new run: create the mentorships (status proposed) and tell both "
            "people.",
        )
        parser.add_argument(
            "--publish-run",
            metavar="ID|latest",
            help="Do not match again: publish this stored draft run (only the cohort's latest "
            "run can be published).",
        )

    def handle(self, *args: object, **options: object) -> None:
        slug = options["cohort"]
        cohort = Cohort.objects.select_related("program").filter(slug=slug).first()
        if cohort is None:
            raise CommandError(f"No cohort with the slug {slug!r}.")
        stored = options["publish_run"]
        publish = options["publish"] or stored is not None
        if options["publish"] and stored is not None:
            raise CommandError("Use --publish or --publish-run, not both.")
        scores_out: Path | None = options["scores_out"]
        if stored is not None and scores_out is not None:
            raise CommandError("--scores-out needs a new run; it cannot go with --publish-run.")

        exported: dict[str, int] = {}

        def export(block, result) -> None:
            if scores_out is not None:
                exported["rows"] = write_scores(scores_out, block, result.cents, result.mask)

        try:
            if stored is not None:
                run = self._stored_run(cohort, stored)
            else:
                run = services.match_run_create(cohort=cohort, on_result=export)
            if publish:
                services.match_run_publish(run=run)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

        proposals = list(
            run.proposals.order_by("pk").values_list(
                "mentee__person__user__email", "mentor__person__user__email", "score", "breakdown"
            )
        )
        unmatched = list(
            run.unmatched.order_by("pk").values_list("mentee__person__user__email", flat=True)
        )
        if options["json"]:
            payload = {
                "cohort": cohort.slug,
                "proposals": [
                    {"mentee": a, "mentor": b, "score": score, "breakdown": breakdown}
                    for a, b, score, breakdown in proposals
                ],
                "unmatched": unmatched,
                "objective": run.objective,
                "seconds": run.seconds,
            }
            self.stdout.write(json.dumps(payload))
            return
        self.stdout.write(
            f"{cohort.slug}, run #{run.pk}: matched {len(proposals)} of {run.n_mentees} "
            f"mentees with {run.n_mentors} mentors; total score {run.objective:.2f}; "
            f"{run.seconds:.2f} s ({', '.join(f'{k} {v:.2f}' for k, v in run.timings.items())})."
        )
        if unmatched:
            self.stdout.write(f"Not matched: {len(unmatched)}.")
        if scores_out is not None:
            self.stdout.write(f"Wrote {exported.get('rows', 0)} feasible pairs to {scores_out}.")
        if publish:
            self.stdout.write(self.style.SUCCESS("Published."))

    def _stored_run(self, cohort: Cohort, which: str) -> MatchRun:
        runs = cohort.match_runs.filter(status=MatchRun.Status.DRAFT)
        if which == "latest":
            run = services.latest_run(cohort)
            if run is None or not run.is_draft:
                raise CommandError(f"Cohort {cohort.slug!r} has no draft run to publish.")
            return run
        if not which.isdigit():
            raise CommandError(f"--publish-run takes a run's number or “latest”, not {which!r}.")
        run = runs.filter(pk=int(which)).first()
        if run is None:
            raise CommandError(f"Cohort {cohort.slug!r} has no draft run #{which}.")
        return run
