from __future__ import annotations

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings.base")

app = Celery("mentoring")
# Every Celery option lives in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def make_file_broker_folders(sender: Celery, **kwargs) -> None:
    """Without Redis the broker and the results are folders (see settings). The transport and
    the result store both expect them to exist, so they are made when Celery is first used by
    any process (web, worker, beat), not when settings are read."""
    options = sender.conf.broker_transport_options or {}
    folders = [options.get("data_folder_in"), options.get("data_folder_out")]
    backend = sender.conf.result_backend or ""
    if backend.startswith("file://"):
        folders.append(backend.removeprefix("file://"))
    for folder in filter(None, folders):
        Path(folder).mkdir(parents=True, exist_ok=True)
