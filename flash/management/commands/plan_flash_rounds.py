from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from flash.selectors import plan_payload
from flash.services import event_of, rotation_plan_create, rotation_plan_publish
from programs.models import Cohort


class Command(BaseCommand):
    help = (
        "Plan the rounds of a flash event: who meets whom at which table. Rounds already held "
        "(started, or --held N) are kept; later ones are planned again. With --publish, tell "
        "everyone seated that their schedule is ready. Exits 1 on errors."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cohort", help="The flash cohort's slug.")
        parser.add_argument(
            "--json", action="store_true", help="Print the plan as one JSON object."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish the plan to the participants."
        )
        parser.add_argument(
            "--held",
            type=int,
            metavar="N",
            help="Keep the first N rounds as planned (default: the rounds already started).",
        )

    def handle(self, *args: object, **options: object) -> None:
        slug = options["cohort"]
        cohort = Cohort.objects.select_related("program").filter(slug=slug).first()
        if cohort is None:
            raise CommandError(f"No cohort with the slug {slug!r}.")
        held = options["held"]
        if held is not None and held < 0:
            raise CommandError("--held must be 0 or more.")
        try:
            event = event_of(cohort)
            plan = rotation_plan_create(event=event, held_rounds=held)
            if options["publish"]:
                rotation_plan_publish(event=event)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(plan_payload(event)))
            return
        for figure in plan.rounds:
            kept = " (held, kept)" if figure["held"] else ""
            self.stdout.write(
                f"Round {figure['round']}: {figure['seated']} seated, "
                f"{len(figure['sitting_out'])} sitting out{kept}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Planned {cohort} in {plan.seconds:.2f} s: total score {plan.objective:.2f} "
                f"of at most {plan.upper_bound:.2f}, no pair twice."
                + (" Published." if options["publish"] else "")
            )
        )
