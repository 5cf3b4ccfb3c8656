from functools import partial

from django.db import migrations

from core.dateranges import repair_unreadable


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0003_date_ranges")]

    operations = [
        migrations.RunPython(
            partial(repair_unreadable, model="scheduling.Meeting", field="start"),
            migrations.RunPython.noop,
        )
    ]
