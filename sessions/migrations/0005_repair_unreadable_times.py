from functools import partial

from django.db import migrations

from core.dateranges import repair_unreadable


class Migration(migrations.Migration):
    dependencies = [("mentoring_sessions", "0004_date_ranges")]

    operations = [
        migrations.RunPython(
            partial(repair_unreadable, model="mentoring_sessions.SessionLog", field="occurred_at"),
            migrations.RunPython.noop,
        )
    ]
