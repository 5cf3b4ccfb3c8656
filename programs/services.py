from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import DomainError
from notifications.registry import Message
from notifications.services import dispatches_create_now
from programs.events import enrolments_created
from programs.models import Cohort, Enrolment, FlashEvent, FlashTable, Format, Program

KIND_INVITATION = "program_invitation"
KIND_DECISION = "application_decision"
STAMP = "%Y%m%dT%H%M%S.%fZ"


def invitation_occurrence(invitations_sent: int) -> str:
    """Each invitation sent is its own message: a resend is a new one, a retry is not."""
    return f"n{invitations_sent}"


def decision_occurrence(status: str, decided_at: dt.datetime) -> str:
    return f"{status}@{decided_at.astimezone(dt.UTC):{STAMP}}"


class TransitionError(DomainError):
    pass


@transaction.atomic
def program_create(
    *,
    name: str,
    slug: str,
    format: str = Format.ONE_TO_ONE,
    coordinators=(),
    **fields: object,
) -> Program:
    program = Program(name=name, slug=slug, format=format, **fields)
    program.full_clean()
    program.save()
    program.coordinators.set(coordinators)
    return program


@transaction.atomic
def cohort_create(
    *,
    program: Program,
    name: str,
    slug: str,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    enrolment_opens: dt.date | None = None,
    enrolment_closes: dt.date | None = None,
    status: str = Cohort.Status.DRAFT,
    flash: dict[str, object] | None = None,
) -> Cohort:
    """A cohort; in a flash program also its event, with `flash`'s fields over the defaults."""
    cohort = Cohort(
        program=program,
        name=name,
        slug=slug,
        start_date=start_date,
        end_date=end_date,
        enrolment_opens=enrolment_opens,
        enrolment_closes=enrolment_closes,
        status=status,
    )
    cohort.full_clean()
    cohort.save()
    if program.format == Format.FLASH:
        event = FlashEvent(cohort=cohort, **(flash or {}))
        event.full_clean()
        event.save()
    elif flash:
        raise ValueError("only a cohort of a flash program is a flash event")
    return cohort


@transaction.atomic
def flash_tables_set(*, event: FlashEvent, tables: Sequence[tuple[str, str]]) -> list[FlashTable]:
    """The event's tables in this order, as (name, link). Tables are kept by position, so the
    mentors seated at table 2 stay at table 2 when it is renamed; extra tables are added and
    tables past the end removed. Raises ValidationError for a bad name or link."""
    existing = list(FlashTable.objects.filter(event=event).order_by("position", "pk"))
    keep, drop = existing[: len(tables)], existing[len(tables) :]
    FlashTable.objects.filter(pk__in=[t.pk for t in drop]).delete()
    # Renaming in place could collide with a name further down for a moment: park them first.
    for table in keep:
        table.name = f"~{table.pk}"
    FlashTable.objects.bulk_update(keep, ["name"])
    out = []
    for position, (name, link) in enumerate(tables, start=1):
        table = keep[position - 1] if position <= len(keep) else FlashTable(event=event)
        table.name, table.link, table.position = name.strip(), link.strip(), position
        table.full_clean(validate_constraints=False)
        out.append(table)
    names = [t.name.casefold() for t in out]
    if len(set(names)) != len(names):
        raise ValidationError({"tables": _("Each table needs its own name.")})
    FlashTable.objects.bulk_update([t for t in out if t.pk], ["name", "link", "position"])
    FlashTable.objects.bulk_create([t for t in out if not t.pk])
    return out


@transaction.atomic
def cohort_transition(*, cohort: Cohort, status: str) -> Cohort:
    # Lock the row: two coordinators clicking at once must not skip a state.
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if not locked.can_move_to(status):
        raise TransitionError(
            _("A cohort that is %(current)s cannot become %(status)s.")
            % {"current": locked.get_status_display().lower(), "status": status}
        )
    locked.status = status
    locked.save(update_fields=["status"])
    return locked


# --- Enrolments -----------------------------------------------------------------------------
BULK_ACTIONS = ("invite", "resend", "approve", "decline", "withdraw")
# Which enrolments each bulk action applies to; the rest of a selection is left alone.
# "invite" also leaves out whoever already had an invitation; "resend" is asked for by name.
_ACTION_FROM = {
    "invite": (Enrolment.Status.INVITED,),
    "resend": (Enrolment.Status.INVITED,),
    "approve": (Enrolment.Status.INVITED, Enrolment.Status.APPLIED),
    "decline": (Enrolment.Status.APPLIED, Enrolment.Status.INVITED),
    "withdraw": (
        Enrolment.Status.INVITED,
        Enrolment.Status.APPLIED,
        Enrolment.Status.APPROVED,
    ),
}
_ACTION_TO = {
    "approve": Enrolment.Status.APPROVED,
    "decline": Enrolment.Status.DECLINED,
    "withdraw": Enrolment.Status.WITHDRAWN,
}


@dataclass(frozen=True)
class BulkResult:
    action: str
    changed: int  # enrolments the action changed (for invitations: invitations queued)
    # "invite" only: people left out because an invitation already went out to them.
    already_invited: int = 0
    # The latest invitation that went out before this action, to the people left out by
    # "invite" or to those "resend" sent to again; None when there was none.
    last_invited_at: dt.datetime | None = None

    def messages(self) -> list[tuple[bool, str]]:
        """What to tell the coordinator, as (is a warning, text); the page and the command
        line say the same."""
        count = self.changed
        done = {
            "invite": ngettext(
                "Invitation queued for %(count)s participant.",
                "Invitations queued for %(count)s participants.",
                count,
            ),
            "resend": ngettext(
                "Invitation sent again to %(count)s participant.",
                "Invitations sent again to %(count)s participants.",
                count,
            ),
            "approve": ngettext(
                "Approved %(count)s participant.", "Approved %(count)s participants.", count
            ),
            "decline": ngettext(
                "Declined %(count)s participant.", "Declined %(count)s participants.", count
            ),
            "withdraw": ngettext(
                "Withdrew %(count)s participant.", "Withdrew %(count)s participants.", count
            ),
        }[self.action] % {"count": count}
        last = ""
        if self.last_invited_at is not None:
            last = formats.date_format(timezone.localtime(self.last_invited_at), "j M Y, H:i")
        if self.action == "resend" and last:
            done += " " + _("The previous invitation went out on %(date)s.") % {"date": last}
        found = [(False, done)] if count else []
        if self.already_invited:
            found.append(
                (
                    True,
                    ngettext(
                        "%(count)s participant already has an invitation (the last one went "
                        "out on %(date)s): nothing was sent to them. Choose “send the "
                        "invitation again” (resend) to send another.",
                        "%(count)s participants already have an invitation (the last one "
                        "went out on %(date)s): nothing was sent to them. Choose “send the "
                        "invitation again” (resend) to send another.",
                        self.already_invited,
                    )
                    % {"count": self.already_invited, "date": last},
                )
            )
        if not found:
            found.append((True, _("Nobody in the selection could be changed by this action.")))
        return found


@transaction.atomic
def enrolments_bulk_action(*, cohort: Cohort, action: str, enrolment_ids=None) -> BulkResult:
    """Apply a coordinator's action to a selection (None = everyone it applies to)."""
    if action not in BULK_ACTIONS:
        raise ValueError(f"Unknown action {action!r}.")
    selection = cohort.enrolments.filter(status__in=_ACTION_FROM[action])
    if enrolment_ids is not None:
        selection = selection.filter(pk__in=enrolment_ids)
    now = timezone.now()
    if action in ("invite", "resend"):
        return _invite(selection, resend=action == "resend", now=now)
    ids = list(selection.values_list("pk", flat=True))
    applied = selection.filter(status=Enrolment.Status.APPLIED)
    applicants = list(applied.values_list("pk", "person__user_id"))
    selection.update(status=_ACTION_TO[action], responded_at=now, updated_at=now)
    if action in ("approve", "decline"):
        # Applicants asked; they hear the answer. Invited people hear through their invitation.
        occurrence = decision_occurrence(_ACTION_TO[action], now)
        dispatches_create_now(
            messages=[Message(KIND_DECISION, pk, occurrence, user_id) for pk, user_id in applicants]
        )
    return BulkResult(action=action, changed=len(ids))


def _invite(selection, *, resend: bool, now: dt.datetime) -> BulkResult:
    earlier = selection.filter(invitation_sent_at__isnull=False).aggregate(
        count=Count("pk"), last=Max("invitation_sent_at")
    )
    if not resend:
        selection = selection.filter(invitation_sent_at=None)
    # Locked, so two coordinators pressing "invite" at once do not both send: the second
    # waits, then finds these rows invited and leaves them out.
    ids = list(selection.select_for_update().values_list("pk", flat=True))
    Enrolment.objects.filter(pk__in=ids).update(
        invitation_sent_at=now, invitations_sent=F("invitations_sent") + 1, updated_at=now
    )
    dispatches_create_now(
        messages=[
            Message(KIND_INVITATION, pk, invitation_occurrence(sent), user_id)
            for pk, sent, user_id in Enrolment.objects.filter(pk__in=ids).values_list(
                "pk", "invitations_sent", "person__user_id"
            )
        ]
    )
    return BulkResult(
        action="resend" if resend else "invite",
        changed=len(ids),
        already_invited=0 if resend else earlier["count"],
        last_invited_at=earlier["last"],
    )


@transaction.atomic
def enrolment_apply(
    *, cohort: Cohort, person, role: str, answers: dict, **details: object
) -> Enrolment:
    if not cohort.accepts_applications:
        raise TransitionError(_("This cohort is not taking applications."))
    enrolment, created = Enrolment.objects.get_or_create(
        cohort=cohort,
        person=person,
        defaults={"role": role, "status": Enrolment.Status.APPLIED, "answers": answers, **details},
    )
    if created:
        enrolments_created(cohort=cohort, enrolments={person.user.email: enrolment})
    else:
        if enrolment.status != Enrolment.Status.WITHDRAWN:
            raise TransitionError(_("You are already enrolled in this cohort."))
        for key, value in {"role": role, "answers": answers, **details}.items():
            setattr(enrolment, key, value)
        enrolment.status = Enrolment.Status.APPLIED
        enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_respond(
    *, enrolment: Enrolment, accept: bool, answers: dict, **details: object
) -> Enrolment:
    """The person answers their invitation: confirm (with their answers) or decline."""
    if enrolment.status not in (Enrolment.Status.INVITED, Enrolment.Status.APPROVED):
        raise TransitionError(_("This enrolment can no longer be changed here."))
    enrolment.answers = answers
    for key, value in details.items():
        setattr(enrolment, key, value)
    enrolment.status = Enrolment.Status.APPROVED if accept else Enrolment.Status.DECLINED
    enrolment.responded_at = timezone.now()
    enrolment.save()
    return enrolment
