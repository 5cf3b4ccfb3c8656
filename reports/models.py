from __future__ import annotations

from django.db import models
from django.db.models.functions import Now


class DataVersion(models.Model):
    """One row: a number that every write to the data the reports read raises, in the writer's
    own transaction (reports.versioning). Cached figures are filed under both fields: a row
    emptied (`flush`, TRUNCATE) and written again counts from zero, but from a new start."""

    number = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_data_version")]

    def __str__(self) -> str:
        return str(self.number)
