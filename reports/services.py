"""Reports' one write: a coordinator applies a weight change the match-quality check suggested
(reports.quality) to their program's matching settings, for the next run. Never automatic: only
this, called from the coordinator's button."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from matching.forms import MAX_WEIGHT
from matching.loading import settings_for
from matching.models import MatchingSettings
from programs.models import Program
from reports.quality import current_weights, question_texts
from reports.validity import lowered, raised


@transaction.atomic
def weight_change_apply(
    *, program: Program, criterion: str, current: int, suggested: int
) -> MatchingSettings:
    """Set `criterion`'s weight from `current` to `suggested`, one suggested step (up or down)
    from what it is now. Refused when the weight changed since the page was drawn (the
    coordinator is looking at an old suggestion), for a criterion the program does not score,
    or when the change would leave every weight at 0."""
    settings = MatchingSettings.objects.select_for_update().get(pk=settings_for(program).pk)
    settings.program = program
    weights = current_weights(settings, question_texts(program))
    if criterion not in weights:
        raise DomainError(_("This program's matching has no such criterion."))
    if round(weights[criterion]) != current:
        raise DomainError(
            _("The weight changed since the report was drawn; nothing was applied. Look again.")
        )
    steps = (raised(current, most=MAX_WEIGHT), lowered(current))
    if suggested not in steps or suggested == current:
        raise DomainError(_("That is not the change the report suggests."))
    weights[criterion] = float(suggested)
    if not any(weights.values()):
        raise DomainError(_("At least one criterion must keep a weight above 0."))
    settings.weights = weights
    settings.save(update_fields=["weights", "updated_at"])
    return settings
